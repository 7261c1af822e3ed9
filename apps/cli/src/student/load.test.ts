// Tests of the CLI's loader of a student's file (vm.compileFunction under @lxmls/course's loadStudentSource).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { studentLocation } from '@lxmls/course';
import { Module } from '@lxmls/nn';
import { describe, expect, test } from 'vitest';
import { CliError } from '../errors.js';
import { loadStudentFile } from './load.js';

const dir = mkdtempSync(join(tmpdir(), 'lxmls-load-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};

/** What `f()` throws (undefined if it returns). */
function thrownBy(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('loadStudentFile(path)', () => {
  test('loadStudentFile loads TypeScript whose class extends the CLI’s own Module', async () => {
    const file = write('a.ts', "import { Module } from '@lxmls/nn';\nexport class A extends Module {}\n");
    const module = await loadStudentFile(file);
    expect(new (module.A as new () => unknown)()).toBeInstanceOf(Module);
  });

  test.each(['b.mjs', 'b.js'])('loadStudentFile loads the ES module %s', async (name) => {
    const module = await loadStudentFile(write(name, 'export const b = 2;\n'));
    expect(module.b).toBe(2);
  });

  test('loadStudentFile: an error thrown on line 4 has the file, line 4 and its column in its stack', async () => {
    const file = write(
      'c.ts',
      "export function c(): number {\n  const x: number = 1;\n  if (x > 0)\n    throw new Error('line 4');\n  return x;\n}\n",
    );
    const module = await loadStudentFile(file);
    const thrown = thrownBy(module.c as () => number);
    expect(studentLocation(thrown, file)).toBe(`${file}:4:11`);
  });

  test('loadStudentFile: a run-time error after removed types has the column of the student’s line', async () => {
    const line = '  const a: Record<string, number> = {}; const b = (a as any).x.y;';
    const file = write('col.ts', `export function f(): number {\n  // line 2\n${line}\n  return b;\n}\n`);
    const module = await loadStudentFile(file);
    const thrown = thrownBy(module.f as () => number);
    // V8 points at the property read, the y of .y
    expect(studentLocation(thrown, file)).toBe(`${file}:3:${line.indexOf('.y') + 2}`);
  });

  test.each([
    ['d.ts', 'export const d = (;\n', ':1:19: Unexpected token'],
    ['e.js', 'let e = 1;\nlet e = 2;\n', ":2:5: Identifier 'e' has already been declared"],
  ])(
    'loadStudentFile on a syntax error in %s is one CliError with file:line(:col)',
    async (name, text, at) => {
      const file = write(name, text);
      await expect(loadStudentFile(file)).rejects.toThrow(CliError);
      await expect(loadStudentFile(file)).rejects.toThrow(`${file}${at}`);
    },
  );

  test.each([
    [join(dir, 'missing.ts'), `cannot read ${join(dir, 'missing.ts')}: no such file`],
    [join(dir, 'sub.ts'), `cannot read ${join(dir, 'sub.ts')}: it is a directory`],
    [
      join(dir, 'notes.txt'),
      `${join(dir, 'notes.txt')}: a student file must be TypeScript or JavaScript (.ts, .mts, .js, .mjs)`,
    ],
  ])('loadStudentFile(%s) fails with one line', async (path, message) => {
    mkdtempSync(join(dir, 'x')); // a folder exists beside
    if (path.endsWith('sub.ts')) (await import('node:fs')).mkdirSync(path, { recursive: true });
    await expect(loadStudentFile(path)).rejects.toThrow(message);
  });

  test('loadStudentFile refuses another import, naming the file and line', async () => {
    const file = write(
      'f.ts',
      "export const f = 1;\nimport { exec } from 'node:child_process';\nexport const g = exec;\n",
    );
    await expect(loadStudentFile(file)).rejects.toThrow(
      `${file}:2 imports node:child_process. Expected imports from @lxmls/tensor, @lxmls/nn, @lxmls/attention, @lxmls/course only`,
    );
  });
});

describe('loadStudentFile(path, exercise)', () => {
  test('loadStudentFile(path, exercise) returns the module when it exports a function or class of that name', async () => {
    const module = await loadStudentFile(write('x.ts', 'export class X {}\n'), {
      exportName: 'X',
      signature: 'class X',
    });
    expect(typeof module.X).toBe('function');
  });

  test.each([
    ['export const other = 1;\n', 'does not export crossAttention: expected SIG (the file exports: other)'],
    ['', 'does not export crossAttention: expected SIG (the file exports: nothing)'],
    [
      'export const crossAttention = 3;\nexport const other = 1;\n',
      'exports a number as crossAttention: expected SIG (the file exports: crossAttention, other)',
    ],
  ])(
    'loadStudentFile(%j, exercise) is one line naming the export and its signature',
    async (source, message) => {
      const file = write('y.ts', source);
      await expect(loadStudentFile(file, { exportName: 'crossAttention', signature: 'SIG' })).rejects.toThrow(
        new CliError(`${file} ${message}`),
      );
    },
  );
});
