import * as tensorApi from '@lxmls/tensor';
import { RandomGenerator, randn, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { attentionWithWeights, causalMask, paddingMask, scaledDotProductAttention } from './index.js';

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

describe('scaledDotProductAttention and attentionWithWeights (re-exported from @lxmls/tensor)', () => {
  test('scaledDotProductAttention is the one function of @lxmls/tensor', () => {
    expect(scaledDotProductAttention).toBe(tensorApi.scaledDotProductAttention);
    expect(attentionWithWeights).toBe(tensorApi.attentionWithWeights);
  });

  test('scaledDotProductAttention with causalMask equals { causal: true }; paddingMask blocks padded keys', () => {
    const g = new RandomGenerator(1);
    const [q, k, v] = [randn([2, 3, 4, 8], g), randn([2, 3, 6, 8], g), randn([2, 3, 6, 8], g)];
    const a = scaledDotProductAttention(q, k, v, { mask: causalMask(4, 6) }).data();
    const b = scaledDotProductAttention(q, k, v, { causal: true }).data();
    expect(Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-5);
    const keep = tensor(
      [
        [1, 1, 1, 0, 1, 0],
        [1, 1, 1, 1, 1, 1],
      ],
      undefined,
      'int32',
    );
    const { weights } = attentionWithWeights(q, k, v, { mask: paddingMask(keep) }); // (2, 3, 4, 6)
    const w = weights.data();
    for (let r = 0; r < 3 * 4; r++) expect([w[r * 6 + 3], w[r * 6 + 5]]).toEqual([0, 0]); // batch 0's padding
  });
});
