import { describe, expect, test } from 'vitest';
import { logSoftmax, maskedFill, randn, softmax, tensor } from '../index.js';

describe('softmax', () => {
  test('softmax([1, 2, 3]) is [0.0900, 0.2447, 0.6652]', () => {
    const p = softmax(tensor([1, 2, 3])).data();
    expect(Array.from(p, (v) => v.toFixed(4))).toEqual(['0.0900', '0.2447', '0.6652']);
  });

  test.each([[[100, -100, 0]], [[1000, -1000, 0]], [[-1000, -1000, -1000]], [[1000, 1000, 1000]]])(
    'softmax(%j) has no NaN and sums to 1',
    (row) => {
      const p = softmax(tensor(row)).data();
      expect(p.every((v) => Number.isFinite(v))).toBe(true);
      expect(Array.from(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      const lp = logSoftmax(tensor(row)).data();
      expect(lp.every((v) => !Number.isNaN(v))).toBe(true);
    },
  );

  test('softmax(maskedFill(scores, causal, -Infinity)) is zero above the diagonal', () => {
    const t = 4;
    const above = tensor(
      Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (j > i ? 1 : 0))),
      undefined,
      'int32',
    );
    const att = softmax(
      maskedFill(randn([2, t, t]), above, Number.NEGATIVE_INFINITY),
    ).toArray() as number[][][];
    for (const m of att) {
      m.forEach((row, i) => {
        row.forEach((v, j) => {
          if (j > i) expect(v).toBe(0);
        });
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      });
    }
    expect(att[0]![0]![0]).toBe(1); // the first query sees only itself
  });

  test('softmax(x, 0) normalises columns', () => {
    const p = softmax(
      tensor([
        [1, 2],
        [3, 4],
      ]),
      0,
    ).toArray() as number[][];
    expect(p[0]![0]! + p[1]![0]!).toBeCloseTo(1, 6);
  });

  test('softmax(x).backward gives y·(g - Σ g·y)', () => {
    const x = tensor([1, 2, 3]);
    x.requiresGrad = true;
    const y = softmax(x);
    y.mul(tensor([1, 0, 0]))
      .sum()
      .backward(); // d y0 / dx = y0 (δ0j - yj)
    const p = y.data();
    const g = x.grad!.data();
    expect(g[0]).toBeCloseTo(p[0]! * (1 - p[0]!), 6);
    expect(g[1]).toBeCloseTo(-p[0]! * p[1]!, 6);
  });
});
