/**
 * A test helper: runs `main` in-process on in-memory streams and collects what it prints.
 */

import type { Readable } from 'node:stream';
import { PassThrough } from 'node:stream';
import { finished } from 'node:stream/promises';
import { main } from './main.js';

/** What {@link runCli} returns. */
export interface CliResult {
  /** The exit code `main` returned. */
  code: number;
  /** Everything written to stdout. */
  stdout: string;
  /** Everything written to stderr. */
  stderr: string;
}

/**
 * Runs `lxmls ARGV` in-process: stdin is `input` (a string, or any readable stream such as a generator's),
 * stdout and stderr are collected while it runs, so backpressure works as it does on a pipe.
 *
 * @param argv - The arguments after `lxmls`.
 * @param input - What stdin holds; empty by default.
 * @returns The exit code and the output.
 * @example
 * ```ts
 * import { runCli } from './testing.js';
 * const { code, stdout } = await runCli(['decode', '15496']);
 * console.log(code, JSON.stringify(stdout)); // → 0 "Hello\n"
 * ```
 */
export async function runCli(argv: readonly string[], input: string | Readable = ''): Promise<CliResult> {
  const stdin = typeof input === 'string' ? new PassThrough().end(input) : input;
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  const code = await main(argv, { stdin, stdout, stderr, isTTY: false });
  stdout.end();
  stderr.end();
  await Promise.all([finished(stdout), finished(stderr)]);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
