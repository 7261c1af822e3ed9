/**
 * Loading a student's exercise file from disk for `lxmls check`, `lxmls train --attention` and the check
 * worker: @lxmls/course's `loadStudentSource` (sucrase, the course's own packages) with Node's
 * `vm.compileFunction`, so that stack traces and syntax errors point at the student's file, line and column.
 * Every failure is a one-line {@link CliError} (exit code 2).
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { compileFunction } from 'node:vm';
import { type CompiledStudentModule, LxmlsCourseError, loadStudentSource } from '@lxmls/course';
import { CliError } from '../errors.js';

/**
 * The file name extensions a student's file may have.
 *
 * @example
 * ```ts
 * import { STUDENT_EXTENSIONS } from './student/load.js';
 * console.log(STUDENT_EXTENSIONS); // → [ '.ts', '.mts', '.js', '.mjs' ]
 * ```
 */
export const STUDENT_EXTENSIONS: readonly string[] = ['.ts', '.mts', '.js', '.mjs'];

/** What sucrase puts before the first line of the student's code. */
const PROLOGUE = /^"use strict";(Object\.defineProperty\(exports, "__esModule", \{value: true\}\);)?/;

/**
 * Compiles the transpiled body with the file's own name, on its own lines and columns: sucrase's prologue
 * moves to a line of its own before the code, which `lineOffset: -1` numbers 0.
 */
function nodeCompile(code: string, fileName: string): CompiledStudentModule {
  const prologue = PROLOGUE.exec(code)?.[0] ?? '';
  return compileFunction(`${prologue}\n${code.slice(prologue.length)}`, ['exports', 'require', 'module'], {
    filename: fileName,
    lineOffset: -1,
  }) as CompiledStudentModule;
}

/**
 * Reads, transpiles and evaluates a student's `.ts`/`.mts`/`.js`/`.mjs` file; it may import only
 * `@lxmls/tensor`, `@lxmls/nn`, `@lxmls/attention` and `@lxmls/course` (the CLI's own instances).
 *
 * @param path - The file.
 * @returns Its exports.
 * @throws {@link CliError} for a missing or unreadable file, another extension, a syntax error
 *   (`file:line:col: message`) or a forbidden import; what the file's top level throws passes through.
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { loadStudentFile } from './student/load.js';
 * const file = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'double.ts');
 * writeFileSync(file, 'export const double = (n: number): number => 2 * n;\n');
 * const student = await loadStudentFile(file);
 * console.log((student.double as (n: number) => number)(21)); // → 42
 * ```
 */
export async function loadStudentFile(path: string): Promise<Record<string, unknown>> {
  const ext = extname(path).toLowerCase();
  if (!STUDENT_EXTENSIONS.includes(ext))
    throw new CliError(
      `${path}: a student file must be TypeScript or JavaScript (${STUDENT_EXTENSIONS.join(', ')})`,
    );
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    const reason =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message;
    throw new CliError(`cannot read ${path}: ${reason}`);
  }
  try {
    return loadStudentSource(source, path, { compile: nodeCompile });
  } catch (error) {
    if (LxmlsCourseError.isInstance(error))
      throw new CliError(error.message.replace(/^\[@lxmls\/course\] \w+: /, ''));
    throw error;
  }
}

/**
 * Takes the export an exercise needs from a student's module.
 *
 * @param module - The student's exports ({@link loadStudentFile}).
 * @param name - The export's name: `CausalSelfAttention`.
 * @param signature - Its expected signature, for the message.
 * @param file - The student's file, for the message.
 * @returns The export (a function or a class).
 * @throws {@link CliError} one line naming the export, its signature and what the file exports instead.
 * @example
 * ```ts
 * import { studentExport } from './student/load.js';
 * try {
 *   studentExport({ other: 1 }, 'crossAttention', 'export function crossAttention(S1, S2, WQ, WK, WV): Tensor', 'mine.ts');
 * } catch (e) {
 *   console.log((e as Error).message); // → mine.ts does not export crossAttention: expected export function crossAttention(S1, S2, WQ, WK, WV): Tensor (the file exports: other)
 * }
 * ```
 */
export function studentExport(
  module: Record<string, unknown>,
  name: string,
  signature: string,
  file: string,
): unknown {
  const value = module[name];
  if (typeof value === 'function') return value;
  const names = Object.keys(module).filter((key) => key !== '__esModule');
  const exported = names.length === 0 ? 'nothing' : names.join(', ');
  const what = value === undefined ? 'does not export' : `exports a ${typeof value} as`;
  throw new CliError(`${file} ${what} ${name}: expected ${signature} (the file exports: ${exported})`);
}
