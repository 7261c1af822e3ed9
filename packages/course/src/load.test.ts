import { compileFunction } from 'node:vm';
import { Module } from '@lxmls/nn';
import { Tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsCourseError, NotImplementedError } from './errors.js';
import {
  type CompiledStudentModule,
  loadStudentSource,
  studentExport,
  studentLocation,
  transpileStudentSource,
} from './load.js';

const nodeCompile = (code: string, fileName: string) =>
  compileFunction(code, ['exports', 'require', 'module'], { filename: fileName }) as CompiledStudentModule;

describe('loadStudentSource(source, fileName)', () => {
  test('loadStudentSource binds the course packages to the grader’s own instances (instanceof holds)', () => {
    const source = [
      "import { Module } from '@lxmls/nn';",
      "import { tensor } from '@lxmls/tensor';",
      'export class Net extends Module {}',
      'export const t = tensor([1, 2]);',
    ].join('\n');
    const student = loadStudentSource(source, 'net.ts');
    expect(new (student.Net as new () => unknown)()).toBeInstanceOf(Module);
    expect(student.t).toBeInstanceOf(Tensor);
  });

  test('loadStudentSource gives the skeleton’s NotImplementedError from @lxmls/course', () => {
    const source =
      "import { NotImplementedError } from '@lxmls/course';\nexport function f(): number {\n  throw new NotImplementedError('Complete Exercise 2.1');\n}\n";
    const student = loadStudentSource(source, 'f.ts');
    expect(() => (student.f as () => number)()).toThrow(NotImplementedError);
  });

  test.each([
    ['the default (indirect eval) compiler', undefined],
    ['vm.compileFunction', nodeCompile],
  ])(
    'loadStudentSource with %s: an error thrown on line 7 of the student’s file points at line 7',
    (_, compile) => {
      const source = [
        "import type { Tensor } from '@lxmls/tensor';", // 1
        '', // 2
        '/** A student function. */', // 3
        'export function f(x: Tensor): Tensor {', // 4
        '  const n: number = x.size;', // 5
        '  if (n > 0) {', // 6
        "    throw new Error('boom');", // 7
        '  }', // 8
        '  return x;', // 9
        '}', // 10
      ].join('\n');
      const student = loadStudentSource(source, '/home/me/attention.ts', compile ? { compile } : {});
      let thrown: unknown;
      try {
        (student.f as (x: Tensor) => Tensor)({ size: 1 } as Tensor);
      } catch (e) {
        thrown = e;
      }
      expect(studentLocation(thrown, '/home/me/attention.ts')).toBe('/home/me/attention.ts:7:11');
    },
  );

  test.each([
    ['a.ts', 'export const a: number = ;\n', 'a.ts:1:26: Unexpected token'],
    ['b.js', 'export function f() {\n  return 1\n', 'b.js:3:1: Unexpected token'],
    ['c.ts', 'let x = 1;\nlet y: = 2;', 'c.ts:2:8: Unexpected token'],
  ])('loadStudentSource on a syntax error in %s reports file:line:col', (file, source, message) => {
    expect(() => loadStudentSource(source, file)).toThrow(message);
    try {
      loadStudentSource(source, file);
    } catch (e) {
      expect(LxmlsCourseError.isInstance(e) && e.code).toBe('SYNTAX_ERROR');
    }
  });

  test('loadStudentSource with vm.compileFunction places a syntax error sucrase lets through', () => {
    expect(() => loadStudentSource('let x = 1;\nlet x = 2;\n', 'dup.js', { compile: nodeCompile })).toThrow(
      /^dup\.js:2:5: Identifier 'x' has already been declared$/,
    );
  });

  test('loadStudentSource refuses an import other than the course packages, naming file, line and module', () => {
    const source =
      "import { tensor } from '@lxmls/tensor';\nimport { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n";
    expect(() => loadStudentSource(source, 'evil.ts')).toThrow(
      '[@lxmls/course] loadStudentSource: evil.ts:2 imports node:fs. Expected imports from @lxmls/tensor, @lxmls/nn, @lxmls/attention, @lxmls/course only, received node:fs.',
    );
  });

  test.each([
    ['f.ts', 'const a: Record<string, number> = {}; const b = (a as any).x.y;'],
    ['f.js', '/* no types */ const a = {}; const b = a.x.y;'],
  ])('studentLocation on an error of %s gives the column of the student’s line', (fileName, body) => {
    const source = `export function f() {\n  ${body}\n  return b;\n}\n`;
    const student = loadStudentSource(source, fileName);
    let thrown: unknown;
    try {
      (student.f as () => unknown)();
    } catch (error) {
      thrown = error;
    }
    // V8 points at the property read: the y of .y
    expect(studentLocation(thrown, fileName)).toBe(
      `${fileName}:2:${source.split('\n')[1]!.indexOf('.y') + 2}`,
    );
  });

  test('transpileStudentSource keeps every line in place', () => {
    const source =
      "import { tensor } from '@lxmls/tensor';\ninterface A { x: number }\n\nexport const a: A = { x: 1 };\nexport const t = tensor([1]);\n";
    const code = transpileStudentSource(source, 'a.ts');
    expect(code.split('\n').length).toBe(source.split('\n').length);
    expect(code.split('\n')[3]).toContain('const a = { x: 1 }');
  });
});

describe('studentExport', () => {
  const exercise = { exportName: 'crossAttention', signature: 'SIG' };

  test('studentExport returns the export when it is a function or a class', () => {
    class X {}
    const f = () => 1;
    expect(studentExport({ crossAttention: X }, exercise, 'x.ts')).toBe(X);
    expect(studentExport({ crossAttention: f }, exercise, 'x.ts')).toBe(f);
  });

  test.each([
    [{}, 'x.ts does not export crossAttention', 'the file exports: nothing'],
    [{ __esModule: true, other: 1 }, 'x.ts does not export crossAttention', 'the file exports: other'],
    [
      { crossAttention: 3, b: 2 },
      'x.ts exports a number as crossAttention',
      'the file exports: crossAttention, b',
    ],
  ])(
    'studentExport(%j) throws MISSING_EXPORT naming the export, the signature and the exports',
    (module, what, received) => {
      const error = (() => {
        try {
          studentExport(module, exercise, 'x.ts');
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(LxmlsCourseError.isInstance(error) && error.code).toBe('MISSING_EXPORT');
      const { what: w, expected, received: r, file } = error as LxmlsCourseError;
      expect({ w, expected, r, file }).toEqual({ w: what, expected: 'SIG', r: received, file: 'x.ts' });
    },
  );
});
