import {
  scaledDotProductAttention as fused,
  noGrad,
  RandomGenerator,
  randn,
  type Tensor,
  tensor,
  tidy,
} from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsAttentionError } from './errors.js';
import { causalMask, paddingMask } from './masks.js';
import { scaledDotProductAttention } from './scaled-dot-product.js';

const maxGap = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const x = a.data();
  const y = b.data();
  return Array.from(x).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};
const qkv = (seed: number, q = [2, 3, 4, 8], k = [2, 3, 6, 8]) => {
  const g = new RandomGenerator(seed);
  return [randn(q, g), randn(k, g), randn(k, g)] as const;
};

describe('causalMask(T, Tk) and paddingMask(attentionMask)', () => {
  test('causalMask(3) is the lower triangle; causalMask(2, 4) is offset by Tk − T', () => {
    expect(causalMask(3).toArray()).toEqual([
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 1],
    ]);
    expect(causalMask(2, 4).toArray()).toEqual([
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
    expect(causalMask(2).dtype).toBe('int32');
  });

  test('paddingMask of (B, Tk) is (B, 1, 1, Tk) int32 0/1; other ranks throw SHAPE_MISMATCH', () => {
    const m = paddingMask(
      tensor(
        [
          [1, 0],
          [2, 1],
        ],
        undefined,
        'float32',
      ),
    );
    expect(m.shape).toEqual([2, 1, 1, 2]);
    expect(m.data()).toEqual(Int32Array.from([1, 0, 1, 1]));
    expect(() => paddingMask(tensor([1, 1]))).toThrow(/SHAPE_MISMATCH|\(B, Tk\)/);
  });
});

describe('scaledDotProductAttention(q, k, v, options)', () => {
  test.each([
    ['no mask', false],
    ['causal (offset Tk − Tq)', true],
  ])(
    'scaledDotProductAttention %s: the composed path (returnWeights) equals the fused kernel',
    (_, causal) => {
      const [q, k, v] = qkv(1);
      const a = scaledDotProductAttention(q, k, v, { causal });
      const b = scaledDotProductAttention(q, k, v, { causal, returnWeights: true });
      expect(a.weights).toBeNull();
      expect(b.weights?.shape).toEqual([2, 3, 4, 6]);
      expect(maxGap(a.output, b.output)).toBeLessThan(1e-5);
      expect(maxGap(a.output, fused(q, k, v, { causal }))).toBe(0);
    },
  );

  test('scaledDotProductAttention weights: rows sum to 1, causal entries above the offset diagonal are 0', () => {
    const [q, k, v] = qkv(2);
    const w = scaledDotProductAttention(q, k, v, { causal: true, returnWeights: true }).weights!;
    const rows = w.toArray() as number[][][][];
    for (const row of rows.flat(2)) expect(row.reduce((s, x) => s + x, 0)).toBeCloseTo(1, 5);
    // Tq = 4, Tk = 6: query i sees keys j ≤ i + 2
    for (const head of rows.flat(1))
      for (const [i, row] of head.entries()) for (const x of row.slice(i + 3)) expect(x).toBe(0);
  });

  test('scaledDotProductAttention: an int32 mask (1 = attend) equals the float additive mask 0 / -inf', () => {
    const [q, k, v] = qkv(3);
    const keep = tensor(
      [
        [1, 1, 0, 1, 0, 1],
        [1, 0, 0, 0, 0, 0],
      ],
      undefined,
      'int32',
    ).reshape([2, 1, 1, 6]); // (B, 1, 1, Tk)
    const additive = tensor(
      Array.from(keep.data(), (m) => (m ? 0 : Number.NEGATIVE_INFINITY)),
      [2, 1, 1, 6],
    );
    const a = scaledDotProductAttention(q, k, v, { mask: keep, returnWeights: true });
    const b = scaledDotProductAttention(q, k, v, { mask: additive });
    expect(maxGap(a.output, b.output)).toBeLessThan(1e-6);
    const w = a.weights!.toArray() as number[][][][];
    expect(w[1]![2]![3]).toEqual([1, 0, 0, 0, 0, 0]); // batch 1 sees only key 0
  });

  test('scaledDotProductAttention: a fully masked query row gives zero weights and output, not NaN', () => {
    const [q, k, v] = qkv(4, [1, 1, 2, 4], [1, 1, 3, 4]);
    const mask = tensor(
      [
        [1, 1, 0],
        [0, 0, 0],
      ],
      undefined,
      'int32',
    ); // (Tq, Tk): row 1 blocked entirely
    const { output, weights } = scaledDotProductAttention(q, k, v, { mask, returnWeights: true });
    const out = output.toArray() as number[][][][];
    expect(out[0]![0]![1]).toEqual([0, 0, 0, 0]);
    expect(out[0]![0]![0]!.every(Number.isFinite)).toBe(true);
    expect((weights!.toArray() as number[][][][])[0]![0]![1]).toEqual([0, 0, 0]);
  });

  test('scaledDotProductAttention backward: composed path gradients equal the fused kernel gradients', () => {
    const [q, k, v] = qkv(5);
    for (const t of [q, k, v]) t.requiresGrad = true;
    const grads = (returnWeights: boolean) =>
      tidy(() => {
        for (const t of [q, k, v]) t.zeroGrad();
        const { output } = scaledDotProductAttention(q, k, v, { causal: true, returnWeights });
        output.mul(output).sum().backward();
        return [q.grad!.clone(), k.grad!.clone(), v.grad!.clone()];
      });
    const composed = grads(true);
    const fusedGrads = grads(false);
    for (const [i, g] of composed.entries()) expect(maxGap(g, fusedGrads[i]!)).toBeLessThan(1e-4);
  });

  test('scaledDotProductAttention backward with a padding mask matches central finite differences', () => {
    const [q, k, v] = qkv(6, [1, 2, 3, 4], [1, 2, 4, 4]);
    const mask = paddingMask(tensor([[1, 1, 0, 1]], undefined, 'int32'));
    const f = () => {
      const { output } = scaledDotProductAttention(q, k, v, { mask, returnWeights: true });
      return output.mul(output).sum();
    };
    for (const t of [q, k, v]) t.requiresGrad = true;
    tidy(() => f().backward());
    const h = 1e-2;
    for (const t of [q, k, v]) {
      const analytic = t.grad!.data();
      const data = Float64Array.from(t.data());
      for (const i of [0, 5, 11, 17, 23]) {
        const at = (delta: number) => {
          const moved = Float32Array.from(data);
          moved[i] = data[i]! + delta;
          noGrad(() => t.copyFrom(moved));
          return tidy(() => noGrad(() => f().item()));
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        noGrad(() => t.copyFrom(Float32Array.from(data)));
        expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    }
  });

  test('scaledDotProductAttention dropout: same generator seed, same output; training false ignores it', () => {
    const [q, k, v] = qkv(7);
    const run = (seed: number, training = true) =>
      scaledDotProductAttention(q, k, v, {
        dropout: 0.5,
        training,
        generator: new RandomGenerator(seed),
        returnWeights: true,
      });
    expect(maxGap(run(1).output, run(1).output)).toBe(0);
    expect(maxGap(run(1).output, run(2).output)).toBeGreaterThan(0);
    const w = run(3).weights!.data();
    expect(w.some((x) => x === 0)).toBe(true);
    expect(maxGap(run(1, false).output, scaledDotProductAttention(q, k, v).output)).toBeLessThan(1e-5);
  });

  test('scaledDotProductAttention scale option multiplies the scores', () => {
    const [q, k, v] = qkv(8);
    const a = scaledDotProductAttention(q, k, v, { scale: 0.5 }).output;
    const b = scaledDotProductAttention(q.mul(0.5 * Math.sqrt(8)), k, v).output;
    expect(maxGap(a, b)).toBeLessThan(1e-5);
  });

  test.each([
    ['k with another d', [1, 2, 4], [1, 3, 5], [1, 3, 4]],
    ['v with another Tk', [1, 2, 4], [1, 3, 4], [1, 2, 4]],
    ['another batch', [2, 2, 4], [1, 3, 4], [1, 3, 4]],
  ])('scaledDotProductAttention with %s throws SHAPE_MISMATCH', (_, qs, ks, vs) => {
    const g = new RandomGenerator(0);
    const call = () => scaledDotProductAttention(randn(qs, g), randn(ks, g), randn(vs, g));
    expect(call).toThrow(LxmlsAttentionError);
    expect(call).toThrow('q, k and v do not fit together');
  });

  test('scaledDotProductAttention with a mask that does not broadcast throws SHAPE_MISMATCH', () => {
    const [q, k, v] = qkv(9);
    expect(() => scaledDotProductAttention(q, k, v, { mask: causalMask(3) })).toThrow(
      'Expected a mask broadcastable to (…, 4, 6), received (3, 3).',
    );
  });
});
