// The conformance runner itself: compareValues' table, and runConformance on the js backend and on js backends
// with one kernel made wrong, without gradients, or with asynchronous reads only (as a GPU backend).
import { describe, expect, test } from 'vitest';
import type { GeluBackwardInputs, SizeAttrs, TypedArray, UnaryAttrs, UnaryInputs } from '../backend.js';
import { JsBackend } from '../backends/js.js';
import { memory } from '../engine.js';
import * as ops from '../ops/index.js';
import { CONFORMANCE_CASES, type ConformanceCase } from './cases.js';
import { type ConformanceResult, compareValues, conformanceChecks, runConformance } from './conformance.js';

/** exp's forward kernel 1% off in its first element. */
class WrongExp extends JsBackend {
  override unary(inputs: UnaryInputs<TypedArray>, attrs: UnaryAttrs): void {
    super.unary(inputs, attrs);
    if (attrs.op === 'exp') inputs.out[0] = inputs.out[0]! * 1.01;
  }
}

/** gelu's backward kernel 0.5 off in its first element; the forward is right. */
class WrongGeluGradient extends JsBackend {
  override geluBackward(inputs: GeluBackwardInputs<Float32Array>, attrs: SizeAttrs): void {
    super.geluBackward(inputs, attrs);
    inputs.dx[0] = inputs.dx[0]! + 0.5;
  }
}

/** An inference-only backend. */
class NoGradients extends JsBackend {
  override readonly capabilities = { ...new JsBackend().capabilities, gradients: false };
}

/** Reads only asynchronously, as a GPU backend that cannot block. */
class AsyncOnly extends JsBackend {
  override read(_storage: TypedArray): TypedArray {
    throw new Error('synchronous read on an async-only backend');
  }
  async readAsync(storage: TypedArray): Promise<TypedArray> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    return storage.slice();
  }
}

const byName = (results: ConformanceResult[], name: string) => {
  const found = results.find((r) => r.name === name);
  if (!found) throw new Error(`no result named ${name}`);
  return found;
};
/** The cases named, in this order. */
const pick = (...names: string[]) =>
  names.map((name) => {
    const found = CONFORMANCE_CASES.find((c) => c.name === name);
    if (!found) throw new Error(`no case named ${name}`);
    return found;
  });

describe('compareValues', () => {
  test.each([
    [[1, 2], [1, 2], 0, 0, ''],
    [[1.000009], [1], 1e-5, 0, ''],
    [[1.1], [1], 0, 0.1 + 1e-9, ''],
    [[Number.NaN], [Number.NaN], 0, 0, ''],
    [[Number.POSITIVE_INFINITY], [Number.POSITIVE_INFINITY], 0, 0, ''],
    [[1, 2.5], [1, 2], 0.1, 0.1, 'element 1 is 2.5, expected 2 (atol 0.1, rtol 0.1)'],
    [[Number.NaN], [1], 1, 1, 'element 0 is NaN, expected 1 (atol 1, rtol 1)'],
    [[1], [Number.NaN], 1, 1, 'element 0 is 1, expected NaN (atol 1, rtol 1)'],
    [[1e30], [Number.POSITIVE_INFINITY], 1, 1, 'element 0 is 1e+30, expected Infinity (atol 1, rtol 1)'],
    [[1, 2], [1, 2, 3], 1, 1, 'length 2, expected 3'],
  ])('compareValues(%j, %j, %s, %s) is %j', (actual, expected, atol, rtol, detail) => {
    expect(compareValues(actual, expected, atol, rtol)).toBe(detail);
  });
});

describe('runConformance', () => {
  test('runConformance(js) passes every check, three per case, and frees every tensor', async () => {
    const before = memory().numTensors;
    const progress: [number, number][] = [];
    const results = await runConformance(new JsBackend(), {}, (_, done, total) =>
      progress.push([done, total]),
    );
    expect(memory().numTensors).toBe(before);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results).toHaveLength(3 * CONFORMANCE_CASES.length);
    const notDifferentiable = CONFORMANCE_CASES.filter((c) => c.grad === false).length;
    expect(notDifferentiable).toBeGreaterThan(5);
    expect(results.filter((r) => r.skipped)).toHaveLength(2 * notDifferentiable);
    expect(
      results.filter((r) => r.skipped).every((r) => r.detail === 'not differentiable (grad: false)'),
    ).toBe(true);
    expect(results.map((r) => r.name)).toEqual(conformanceChecks(new JsBackend()).map((c) => c.name));
    expect(results.slice(0, 3).map((r) => r.name)).toEqual([
      'add(a, b) broadcasting (2, 3) + (3): forward matches js',
      'add(a, b) broadcasting (2, 3) + (3): gradients match js',
      'add(a, b) broadcasting (2, 3) + (3): gradients match finite differences',
    ]);
    expect(progress).toEqual(results.map((_, i) => [i + 1, results.length]));
  });

  test('runConformance(backend) reads values only with dataAsync()', async () => {
    const results = await runConformance(new AsyncOnly(), {
      cases: pick('matmul(a, b, { transposeB })', 'softmax(x)'),
    });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.filter((r) => !r.skipped)).toHaveLength(6);
  });

  test('runConformance(a wrong forward kernel) fails its checks with the first difference', async () => {
    const results = await runConformance(new WrongExp(), { cases: pick('exp(x)', 'neg(x)') });
    expect(results.map((r) => [r.name, r.ok])).toEqual([
      ['exp(x): forward matches js', false],
      // exp's gradient is dy · y, so the wrong y makes it differ from js's; finite differences of the wrong
      // forward agree with it, since the wrong exp is still a smooth function whose derivative is dy · y
      ['exp(x): gradients match js', false],
      ['exp(x): gradients match finite differences', true],
      ['neg(x): forward matches js', true],
      ['neg(x): gradients match js', true],
      ['neg(x): gradients match finite differences', true],
    ]);
    expect(byName(results, 'exp(x): forward matches js').detail).toMatch(
      /^exp\(x\): element 0 is [-\d.e]+, expected [-\d.e]+ \(atol 0\.00001, rtol 0\.0001\)$/,
    );
  });

  test('runConformance(a wrong gradient kernel) fails both gradient checks of that op only', async () => {
    const results = await runConformance(new WrongGeluGradient(), { cases: pick('gelu(x)', 'tanh(x)') });
    const failed = results.filter((r) => !r.ok).map((r) => r.name);
    expect(failed).toEqual(['gelu(x): gradients match js', 'gelu(x): gradients match finite differences']);
    expect(byName(results, 'gelu(x): gradients match js').detail).toMatch(
      /^gelu\(x\), gradient of input 0: element 0 is .*, expected .* \(atol 0\.0001, rtol 0\.001\)$/,
    );
    expect(byName(results, 'gelu(x): gradients match finite differences').detail).toMatch(
      /^gelu\(x\): directional derivative .* by autodiff, .* by finite differences$/,
    );
  });

  test('runConformance(a backend without gradients) skips the gradient checks', async () => {
    const results = await runConformance(new NoGradients(), { cases: pick('gelu(x)') });
    expect(results).toEqual([
      { name: 'gelu(x): forward matches js', ok: true, skipped: false, detail: '' },
      {
        name: 'gelu(x): gradients match js',
        ok: true,
        skipped: true,
        detail: 'backend js lacks the gradients capability',
      },
      {
        name: 'gelu(x): gradients match finite differences',
        ok: true,
        skipped: true,
        detail: 'backend js lacks the gradients capability',
      },
    ]);
  });

  test('runConformance(backend, { skip, extraCases }) skips named cases and records a throwing case', async () => {
    const throwing: ConformanceCase = {
      name: 'exp(x) then a throw',
      inputs: [{ shape: [3] }],
      fn: ([x]) => {
        ops.exp(x!);
        throw new Error('boom');
      },
    };
    const before = memory().numTensors;
    const results = await runConformance(new WrongExp(), {
      cases: pick('exp(x)', 'neg(x)'),
      skip: ['exp(x)'],
      extraCases: [throwing],
    });
    expect(memory().numTensors).toBe(before);
    expect(results.map((r) => [r.name, r.ok, r.skipped, r.detail])).toEqual([
      ['exp(x): forward matches js', true, true, 'in options.skip'],
      ['exp(x): gradients match js', true, true, 'in options.skip'],
      ['exp(x): gradients match finite differences', true, true, 'in options.skip'],
      ['neg(x): forward matches js', true, false, ''],
      ['neg(x): gradients match js', true, false, ''],
      ['neg(x): gradients match finite differences', true, false, ''],
      [
        'exp(x) then a throw: forward matches js',
        false,
        false,
        'exp(x) then a throw: forward matches js threw Error: boom',
      ],
      [
        'exp(x) then a throw: gradients match js',
        false,
        false,
        'exp(x) then a throw: gradients match js threw Error: boom',
      ],
      [
        'exp(x) then a throw: gradients match finite differences',
        false,
        false,
        'exp(x) then a throw: gradients match finite differences threw Error: boom',
      ],
    ]);
  });
});
