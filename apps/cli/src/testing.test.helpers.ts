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
 * @param options - `tty`: stdout says it is a terminal (`isTTY`), as a progress bar needs.
 * @returns The exit code and the output.
 * @example
 * ```ts
 * import { runCli } from './testing.test.helpers.js';
 * const { code, stdout } = await runCli(['decode', '15496']);
 * console.log(code, JSON.stringify(stdout)); // → 0 "Hello\n"
 * ```
 */
export async function runCli(
  argv: readonly string[],
  input: string | Readable = '',
  options: { tty?: boolean } = {},
): Promise<CliResult> {
  const stdin = typeof input === 'string' ? new PassThrough().end(input) : input;
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty === true });
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

/**
 * A terminal's control characters made visible, so that tests match them with plain patterns: carriage
 * return → `⏎`, escape → `⎋` (a progress bar's redraw `\r\x1b[K` reads `⏎⎋[K`).
 *
 * @param text - What a command wrote.
 * @returns The text, `\r` and `\x1b` replaced.
 * @example
 * ```ts
 * import { visibleControls } from './testing.test.helpers.js';
 * console.log(visibleControls('\r\x1b[K[##--] 2/4')); // → ⏎⎋[K[##--] 2/4
 * ```
 */
export function visibleControls(text: string): string {
  return text.replaceAll('\r', '⏎').replaceAll('\x1b', '⎋');
}
