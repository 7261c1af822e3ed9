import { memory, type Tensor, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { clipGradNorm, clipGradNormTensor, LxmlsTrainerError } from './index.js';

/** Leaves with the given gradients (set through backward of Σ g·p). */
function withGrads(grads: number[][]): Tensor[] {
  const params = grads.map((g) => {
    const p = tensor(g.map(() => 0));
    p.requiresGrad = true;
    return p;
  });
  params.forEach((p, i) => {
    p.mul(tensor(grads[i]!)).sum().backward();
  });
  return params;
}

describe('clipGradNorm', () => {
  test('clipGradNorm(params, 1) scales every gradient by max / (norm + 1e-6), as torch', () => {
    const grads = [
      [0.5, -2, 3.25],
      [1.5, 0.125],
      [-4, 0, 2, 1],
    ];
    const params = withGrads(grads);
    const norm = Math.sqrt(grads.flat().reduce((s, g) => s + g * g, 0)); // float64 reference
    const coef = 1 / (norm + 1e-6);
    const returned = clipGradNorm(params, 1);
    expect(returned).toBeCloseTo(norm, 5);
    params.forEach((p, i) => {
      const got = Array.from(p.grad!.data());
      grads[i]!.forEach((g, k) => {
        expect(got[k]).toBeCloseTo(g * coef, 6);
      });
    });
    const after = Math.sqrt(params.flatMap((p) => Array.from(p.grad!.data())).reduce((s, g) => s + g * g, 0));
    expect(after).toBeCloseTo(1, 5);
  });

  test('clipGradNorm leaves gradients unchanged (the same tensors) when the norm is below the maximum', () => {
    const params = withGrads([[0.3, 0.4]]);
    const before = params[0]!.grad!;
    expect(clipGradNorm(params, 1)).toBeCloseTo(0.5, 6);
    expect(params[0]!.grad).toBe(before);
    expect(Array.from(before.data())).toEqual([Math.fround(0.3), Math.fround(0.4)]);
  });

  test('clipGradNorm(params, Infinity) only measures', () => {
    const params = withGrads([[30, 40]]);
    expect(clipGradNorm(params, Number.POSITIVE_INFINITY)).toBe(50);
    expect(Array.from(params[0]!.grad!.data())).toEqual([30, 40]);
  });

  test('clipGradNorm skips parameters without a gradient and returns 0 when none has one', () => {
    const [a] = withGrads([[3, 4]]);
    const b = tensor([1, 1]);
    expect(clipGradNorm([a!, b], 2.5)).toBeCloseTo(5, 6);
    expect(b.grad).toBeNull();
    expect(Array.from(a!.grad!.data()).map((g) => Number(g.toFixed(5)))).toEqual([1.5, 2]);
    expect(clipGradNorm([tensor([1])], 1)).toBe(0);
  });

  test('clipGradNorm leaks no tensor (the replaced gradients are freed)', () => {
    const params = withGrads([[3, 4], [12]]);
    const before = memory().numTensors;
    clipGradNorm(params, 1);
    clipGradNorm(params, 0.5);
    expect(memory().numTensors).toBe(before);
  });

  test.each([[0], [-1], [Number.NaN], ['1']])(
    'clipGradNorm(params, %j) throws INVALID_ARGUMENT',
    (maxNorm) => {
      let error: unknown;
      try {
        clipGradNorm([], maxNorm as number);
      } catch (e) {
        error = e;
      }
      expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    },
  );
});

describe('clipGradNormTensor', () => {
  test.each([
    ['clips', 1],
    ['leaves the values unchanged below the maximum', 100],
  ])('clipGradNormTensor(params, max) %s as clipGradNorm does, the norm a tensor', (_what, maxNorm) => {
    const grads = [
      [0.5, -2, 3.25],
      [1.5, 0.125],
      [-4, 0, 2, 1],
    ];
    const a = withGrads(grads);
    const b = withGrads(grads);
    const want = clipGradNorm(a, maxNorm);
    const norm = clipGradNormTensor(b, maxNorm);
    expect(norm.shape).toEqual([]);
    expect(Math.abs(norm.item() - want)).toBeLessThanOrEqual(1e-6 * want);
    b.forEach((p, i) => {
      const got = Array.from(p.grad!.data());
      Array.from(a[i]!.grad!.data()).forEach((v, k) => {
        expect(Math.abs(got[k]! - v), `grad ${i}[${k}]`).toBeLessThanOrEqual(1e-6 * Math.abs(v));
      });
    });
    norm.dispose();
  });

  test('clipGradNormTensor leaks no tensor and gives 0 without gradients', () => {
    const params = withGrads([[3, 4], [12]]);
    const before = memory().numTensors;
    clipGradNormTensor(params, 1).dispose();
    expect(memory().numTensors).toBe(before);
    const none = clipGradNormTensor([tensor([1])], 1);
    expect(none.item()).toBe(0);
    expect(() => clipGradNormTensor(params, 0)).toThrow(/maxNorm is not positive/);
  });
});
