// Tests that the TypeScript of the notebook's cells (@lxmls/course NOTEBOOK, shown by `lxmls demo` and the docs
// pages next to the Python) runs and prints what the notebook's Python prints. The cells of one exercise are
// evaluated together, as one notebook session, with @lxmls/course's loadStudentSource (sucrase, the packages
// given as modules); console.log is captured. Cells that need a download or a page (In [16], In [17], In [24],
// In [25]) are not run here.
import * as attention from '@lxmls/attention';
import { pyRepr } from '@lxmls/base';
import * as bpe from '@lxmls/bpe';
import * as course from '@lxmls/course';
import { loadStudentSource, notebookCell } from '@lxmls/course';
import * as gpt from '@lxmls/gpt';
import * as nn from '@lxmls/nn';
import * as tensorPackage from '@lxmls/tensor';
import { manualSeed, type Tensor, tensor } from '@lxmls/tensor';
import * as trainer from '@lxmls/trainer';
import * as weatherData from '@lxmls/weather-data';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { chooseBackend } from '../backends.js';

const MODULES = {
  '@lxmls/attention': attention,
  '@lxmls/bpe': bpe,
  '@lxmls/course': course,
  '@lxmls/gpt': gpt,
  '@lxmls/nn': nn,
  '@lxmls/tensor': tensorPackage,
  '@lxmls/trainer': trainer,
  '@lxmls/weather-data': weatherData,
};

/** The TypeScript of cells `ns`, one after the other, as one module. */
function session(ns: readonly number[]): string {
  return ns.map((n) => notebookCell(n).typescript.join('\n')).join('\n\n');
}

/**
 * Runs a module whose code may `await` at its top level: the imports stay at the top, the rest becomes the body
 * of an exported async function, which is called.
 */
async function runSession(source: string, fileName: string): Promise<unknown[]> {
  const lines = source.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !line.startsWith('import '));
  const wrapped = `${imports.join('\n')}\nexport async function main() {\n${body.join('\n')}\n}\n`;
  const logged: unknown[] = [];
  const spy = vi.spyOn(console, 'log').mockImplementation((value: unknown) => {
    logged.push(value);
  });
  try {
    const module = loadStudentSource(wrapped, fileName, { modules: MODULES });
    await (module.main as () => Promise<void>)();
  } finally {
    spy.mockRestore();
  }
  return logged;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("the TypeScript of the notebook's cells", () => {
  test('Exercise 1 (In [2] to In [12]) prints what the notebook prints', async () => {
    const logged = await runSession(session([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]), 'exercise-1.ts');
    const expected = [3, 7, 8, 9, 10, 11, 12].flatMap((n) => notebookCell(n).output);
    expect(logged.map((value) => (typeof value === 'string' ? value : pyRepr(value as string[])))).toEqual(
      expected,
    );
  });

  test('Exercise 2.1 (In [4], In [5], In [13], In [14]) prints the attended values and Test passed!', async () => {
    const logged = await runSession(session([4, 5, 13, 14]), 'exercise-2-1.ts');
    expect(logged).toHaveLength(2);
    const rows = logged[0] as number[][];
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row[0]).toBeCloseTo(67036.8047, 1);
      expect(row[2]).toBeCloseTo(75416.3984, 1);
    }
    expect(logged[1]).toBe('Test passed!');
  });

  test("Exercise 2.2 (In [15]): the class computes what @lxmls/attention's CausalSelfAttention computes", async () => {
    const module = loadStudentSource(
      `${session([15])}\nexport { CausalSelfAttention };\n`,
      'exercise-2-2.ts',
      {
        modules: MODULES,
      },
    );
    const Student = module.CausalSelfAttention as new (
      config: attention.CausalSelfAttentionConfig,
    ) => nn.Module & { forward(x: Tensor): Tensor };
    const config = { nEmbd: 6, nHead: 2, blockSize: 5, attnPdrop: 0, residPdrop: 0 };
    manualSeed(1);
    const reference = new attention.CausalSelfAttention(config);
    const student = new Student(config);
    const names = student.namedParameters().map(([name]) => name);
    expect(names).toEqual(reference.namedParameters().map(([name]) => name));
    const source = new Map(reference.namedParameters());
    for (const [name, p] of student.namedParameters()) p.copyFrom(source.get(name)!);
    const x = tensor(
      Float32Array.from({ length: 2 * 4 * 6 }, (_, i) => Math.sin(i)),
      [2, 4, 6],
    ); // (B, T, C)
    const expected = attention.toAttentionOutput(reference.forward(x), 'test').output; // (B, T, C)
    const received = student.forward(x); // (B, T, C)
    expect(received.shape).toEqual([2, 4, 6]);
    const a = Array.from(received.data());
    const b = Array.from(expected.data());
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    expect(student.namedBuffers().map(([name]) => name)).toEqual(['bias']);
    reference.dispose();
    student.dispose();
  });

  test('Exercise 3.1 (In [18] to In [23]) prints the sample, the config of In [21] verbatim, and trains', async () => {
    const source = session([18, 19, 20, 21, 22, 23]).replace(
      'trainConfig.maxIters = 2000;',
      'trainConfig.maxIters = 2;',
    );
    expect(source).toContain('trainConfig.maxIters = 2;');
    // a student's session has the wasm backend the cell's device names (the docs page and lxmls demo set it);
    // on the js reference backend the Trainer would add its slow-backend note
    await chooseBackend(undefined);
    let logged: string[];
    try {
      logged = (await runSession(source, 'exercise-3-1.ts')) as string[];
    } finally {
      await tensorPackage.setBackend('js');
    }
    const text = logged.join('\n');
    expect(logged.slice(0, 1)).toEqual(['Sampling from the dataset:']);
    expect(logged[1]).toMatch(/^Input: ((clean|read|shop|tennis|walk),){5}(clean|read|shop|tennis|walk)$/);
    expect(text).toContain(notebookCell(21).output.join('\n'));
    expect(text).toContain(
      'running on device wasm\ndevice: wasm\nnum_workers: 0\nmax_iters: 2\nbatch_size: 64\n',
    );
    expect(logged).toContainEqual(expect.stringMatching(/^iter_dt 0\.00ms; iter 0: train loss \d\.\d{5}$/));
    expect(logged.at(-1)).toMatch(/^Training time: \d+\.\d{2} seconds$/);
  });
});
