/**
 * Loading a student's exercise file from disk for `lxmls check`, `lxmls train --attention` and the check
 * worker: @lxmls/course's `loadStudentSource` (sucrase, the course's own packages) with Node's
 * `vm.compileFunction`, so that stack traces and syntax errors point at the student's file, line and column.
 * Every failure is a one-line {@link CliError} (exit code 2).
 */

import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { compileFunction } from 'node:vm';
import {
  type CompiledStudentModule,
  type Exercise,
  LxmlsCourseError,
  loadStudentSource,
  studentExport,
} from '@lxmls/course';
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
 * @param exercise - When given, the module must export what the exercise needs (@lxmls/course's
 *   `studentExport`: a function or class named `exportName`).
 * @returns Its exports.
 * @throws {@link CliError} for a missing or unreadable file, another extension, a syntax error
 *   (`file:line:col: message`), a forbidden import or a missing export (`mine.ts does not export
 *   crossAttention: expected <signature> (the file exports: other)`); what the file's top level throws passes
 *   through.
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
export async function loadStudentFile(
  path: string,
  exercise?: Pick<Exercise, 'exportName' | 'signature'>,
): Promise<Record<string, unknown>> {
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
    const module = loadStudentSource(source, path, { compile: nodeCompile });
    if (exercise !== undefined) studentExport(module, exercise, path);
    return module;
  } catch (error) {
    if (!LxmlsCourseError.isInstance(error)) throw error;
    throw new CliError(
      error.code === 'MISSING_EXPORT'
        ? `${error.what}: expected ${error.expected} (${error.received})`
        : error.message.replace(/^\[@lxmls\/course\] \w+: /, ''),
    );
  }
}
