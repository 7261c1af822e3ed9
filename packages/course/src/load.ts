/**
 * Loading a student's TypeScript or JavaScript file in Node or in a browser: sucrase strips the types and
 * turns the `import`s into `require` calls (a CommonJS-style body on the same lines as the source), which
 * runs with a `require` that hands out the course's own packages (the same module instances the grader
 * uses, so `instanceof Tensor` and `instanceof Module` hold) and refuses anything else.
 *
 * Line numbers are kept: sucrase preserves lines, and the body is evaluated with `//# sourceURL=<file>` on a
 * wrapper that starts on the body's first line, so a stack trace points at the student's file and line; the
 * columns, which removing the types moves, are mapped back through sucrase's source map.
 * A syntax error becomes an {@link LxmlsCourseError} `SYNTAX_ERROR` reading `file:line:col: message`;
 * {@link studentExport} takes the export an exercise needs from the loaded module (moved here from the CLI).
 */

import * as attention from '@lxmls/attention';
import * as nn from '@lxmls/nn';
import * as tensor from '@lxmls/tensor';
import { transform } from 'sucrase';
import { LxmlsCourseError } from './errors.js';
import type { Exercise } from './exercises.js';
import * as course from './index.js';
import { type Place, placeMapper } from './source-map.js';

/** The last loaded file of each name: from a place in its transpiled body to the place in its source. */
const placeMappers = new Map<string, (place: Place) => Place>();

/** The CommonJS-style function a student's transpiled body becomes: `(exports, require, module) => void`. */
export type CompiledStudentModule = (
  exports: Record<string, unknown>,
  require: (specifier: string) => unknown,
  module: { exports: Record<string, unknown> },
) => void;

/** Options of {@link loadStudentSource}. */
export interface LoadStudentOptions {
  /**
   * The modules a student's file may import, by specifier; defaults to {@link STUDENT_MODULES}
   * (`@lxmls/tensor`, `@lxmls/nn`, `@lxmls/attention`, `@lxmls/course`).
   */
  modules?: Readonly<Record<string, unknown>>;
  /**
   * Turns the transpiled body into a function. The default uses an indirect `eval` with `//# sourceURL`
   * (works in browsers and Node); the CLI passes Node's `vm.compileFunction`, which also places syntax
   * errors that sucrase lets through. It may throw a `SyntaxError` whose stack's first line ends in
   * `file:line`.
   */
  compile?: (code: string, fileName: string) => CompiledStudentModule;
}

/**
 * The packages a student's file may import, as the grader itself loaded them.
 *
 * @example
 * ```ts
 * import { STUDENT_MODULES } from '@lxmls/course';
 * console.log(Object.keys(STUDENT_MODULES)); // → [ '@lxmls/tensor', '@lxmls/nn', '@lxmls/attention', '@lxmls/course' ]
 * ```
 */
export const STUDENT_MODULES: Readonly<Record<string, unknown>> = {
  '@lxmls/tensor': tensor,
  '@lxmls/nn': nn,
  '@lxmls/attention': attention,
  '@lxmls/course': course,
};

/** True for a TypeScript file name (`.ts`, `.mts`, `.cts`). */
const isTypeScript = (fileName: string) => /\.[mc]?ts$/i.test(fileName);

/**
 * Transpiles a student's source to a CommonJS-style body (`require`, `exports`) on the same lines.
 *
 * @param source - The file's text.
 * @param fileName - Its name or path; `.ts`/`.mts`/`.cts` is read as TypeScript, anything else as JavaScript.
 * @returns The body.
 * @throws {@link LxmlsCourseError} `SYNTAX_ERROR` with `file:line:col: message`.
 * @example
 * ```ts
 * import { transpileStudentSource } from '@lxmls/course';
 * const code = transpileStudentSource("import { tensor } from '@lxmls/tensor';\nexport const x: number = 1;\n", 'a.ts');
 * console.log(code.split('\n')[1]); // → const x = 1; exports.x = x;
 * ```
 */
export function transpileStudentSource(source: string, fileName: string): string {
  return transpile(source, fileName).code;
}

/** {@link transpileStudentSource}, with the source map's `mappings`. */
function transpile(source: string, fileName: string): { code: string; mappings: string | undefined } {
  try {
    const { code, sourceMap } = transform(source, {
      transforms: isTypeScript(fileName) ? ['typescript', 'imports'] : ['imports'],
      filePath: fileName,
      preserveDynamicImport: false,
      sourceMapOptions: { compiledFilename: fileName },
    });
    return { code, mappings: sourceMap?.mappings };
  } catch (error) {
    const loc = (error as { loc?: { line: number; column: number } }).loc;
    const text = (error instanceof Error ? error.message : String(error))
      .replace(/^Error transforming [^:]*: /, '')
      .replace(/ \(\d+:\d+\)$/, '');
    throw new LxmlsCourseError('SYNTAX_ERROR', text, {
      fn: 'transpileStudentSource',
      file: fileName,
      ...(loc ? { line: loc.line, column: loc.column } : {}),
      cause: error,
    });
  }
}

/** The default compiler: an indirect eval of a wrapper that starts on the body's first line. */
function evalCompile(code: string, fileName: string): CompiledStudentModule {
  const wrapped = `(function (exports, require, module) {${code}\n})\n//# sourceURL=${fileName.replace(/\s/g, '%20')}`;
  // indirect: the student's code sees no local of this module
  // biome-ignore lint/security/noGlobalEval: running the student's own code is what this loader is for
  const indirectEval = globalThis.eval;
  return indirectEval(wrapped) as CompiledStudentModule;
}

/** The line of the first `import`/`require` of `specifier` in the source, for the message. */
function importLine(source: string, specifier: string): number | undefined {
  const lines = source.split('\n');
  const index = lines.findIndex((line) => line.includes(`'${specifier}'`) || line.includes(`"${specifier}"`));
  return index === -1 ? undefined : index + 1;
}

/**
 * Loads a student's TypeScript or JavaScript source as a module and returns its exports.
 *
 * @param source - The file's text: ES modules (`import`/`export`) or CommonJS, TypeScript or JavaScript.
 * @param fileName - Its name or path: named in stack traces and messages, and `.ts` means TypeScript.
 * @param options - The modules it may import, and how to compile it.
 * @returns The module's exports, e.g. `{ crossAttention: [Function] }`.
 * @throws {@link LxmlsCourseError} `SYNTAX_ERROR` (`file:line:col: message`), or `FORBIDDEN_IMPORT` for an
 *   import other than the course's packages; whatever the file's own top level throws passes through.
 * @example
 * ```ts
 * import { loadStudentSource } from '@lxmls/course';
 * import { Tensor } from '@lxmls/tensor';
 * const source = "import { tensor, type Tensor } from '@lxmls/tensor';\nexport const twice = (x: Tensor): Tensor => x.mul(2);\nexport const one = tensor([1]);\n";
 * const student = loadStudentSource(source, 'twice.ts');
 * console.log(Object.keys(student), student.one instanceof Tensor); // → [ 'twice', 'one' ] true
 * try {
 *   loadStudentSource('const a = ;', 'broken.ts');
 * } catch (e) {
 *   console.log((e as Error).message); // → broken.ts:1:11: Unexpected token
 * }
 * ```
 */
export function loadStudentSource(
  source: string,
  fileName: string,
  options: LoadStudentOptions = {},
): Record<string, unknown> {
  const { modules = STUDENT_MODULES, compile = evalCompile } = options;
  const { code, mappings } = transpile(source, fileName);
  if (mappings === undefined) placeMappers.delete(fileName);
  else placeMappers.set(fileName, placeMapper(mappings));
  let fn: CompiledStudentModule;
  try {
    fn = compile(code, fileName);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // V8 (vm.compileFunction) starts the stack with `file:line`, the source line, and a caret under the column
    const lines = String(error.stack).split('\n');
    const at = /:(\d+)(?::(\d+))?\s*$/m.exec(lines[0] ?? '');
    const caret = /^\s*\^/.test(lines[2] ?? '') ? lines[2]!.indexOf('^') + 1 : undefined;
    const column = at?.[2] ? Number(at[2]) : at ? caret : undefined;
    throw new LxmlsCourseError('SYNTAX_ERROR', error.message, {
      fn: 'loadStudentSource',
      file: fileName,
      ...(at ? { line: Number(at[1]) } : {}),
      ...(column !== undefined ? { column } : {}),
      cause: error,
    });
  }
  const require = (specifier: string): unknown => {
    if (Object.hasOwn(modules, specifier)) return modules[specifier];
    const line = importLine(source, specifier);
    throw new LxmlsCourseError(
      'FORBIDDEN_IMPORT',
      `${fileName}${line ? `:${line}` : ''} imports ${specifier}`,
      {
        fn: 'loadStudentSource',
        expected: `imports from ${Object.keys(modules).join(', ')} only`,
        received: specifier,
      },
    );
  };
  const module = { exports: {} as Record<string, unknown> };
  fn(module.exports, require, module);
  return module.exports;
}

/**
 * Where a stack trace enters the student's file: `file:line:col` of the first frame in it, or undefined.
 * The column is the source's (the last file loaded under that name), not the transpiled code's.
 *
 * @param error - What the student's code threw.
 * @param fileName - The student's file name or path, as given to {@link loadStudentSource}.
 * @returns The place, e.g. `attention.ts:12:9`.
 * @example
 * ```ts
 * import { loadStudentSource, studentLocation } from '@lxmls/course';
 * const student = loadStudentSource("export function f() {\n  throw new Error('no');\n}\n", 'f.js');
 * try {
 *   (student.f as () => void)();
 * } catch (e) {
 *   console.log(studentLocation(e, 'f.js')); // → f.js:2:9
 * }
 * const typed = loadStudentSource("export function g() {\n  const a: Record<string, number> = {}; return (a as any).x.y;\n}\n", 'g.ts');
 * try {
 *   (typed.g as () => void)();
 * } catch (e) {
 *   console.log(studentLocation(e, 'g.ts')); // → g.ts:2:61
 * }
 * ```
 */
export function studentLocation(error: unknown, fileName: string): string | undefined {
  const stack =
    typeof error === 'object' && error !== null ? (error as { stack?: unknown }).stack : undefined;
  if (typeof stack !== 'string') return undefined;
  const escaped = fileName.replace(/\s/g, '%20').replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`(?:^|[\\s(@])(?:file://)?(${escaped}):(\\d+):(\\d+)`, 'm').exec(stack);
  if (!match) return undefined;
  const at = { line: Number(match[2]), column: Number(match[3]) };
  // the column in the transpiled body, mapped back to the source; line 1 also holds what the compiler puts
  // before the body (sucrase's prologue, the wrapper), so its columns stay as they are
  const { line, column } = at.line > 1 ? (placeMappers.get(fileName)?.(at) ?? at) : at;
  return `${fileName}:${line}:${column}`;
}

/**
 * Takes the export an exercise needs (its `exportName`: a function or a class) from a student's module.
 *
 * @param module - The student's exports ({@link loadStudentSource}).
 * @param exercise - The exercise (`getExercise(id)`): its `exportName` and `signature`.
 * @param file - The student's file, for the message.
 * @returns The export.
 * @throws {@link LxmlsCourseError} `MISSING_EXPORT` naming the file and the export (`what`), the signature
 *   (`expected`) and what the file exports instead (`received`).
 * @example
 * ```ts
 * import { getExercise, studentExport } from '@lxmls/course';
 * try {
 *   studentExport({ other: 1 }, getExercise('2.1'), 'mine.ts');
 * } catch (e) {
 *   console.log((e as Error).message.split('. Expected')[0]); // → [@lxmls/course] studentExport: mine.ts does not export crossAttention
 * }
 * ```
 */
export function studentExport(
  module: Readonly<Record<string, unknown>>,
  exercise: Pick<Exercise, 'exportName' | 'signature'>,
  file: string,
): unknown {
  const value = module[exercise.exportName];
  if (typeof value === 'function') return value;
  const names = Object.keys(module).filter((key) => key !== '__esModule');
  const what = value === undefined ? 'does not export' : `exports a ${typeof value} as`;
  throw new LxmlsCourseError('MISSING_EXPORT', `${file} ${what} ${exercise.exportName}`, {
    fn: 'studentExport',
    expected: exercise.signature,
    received: `the file exports: ${names.length === 0 ? 'nothing' : names.join(', ')}`,
    file,
  });
}
