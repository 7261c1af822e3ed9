import { tensor, transpose } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { crossAttention } from './cross-attention.js';
import { LxmlsAttentionError } from './errors.js';

const close = (actual: number[][], expected: number[][], rel = 1e-4) => {
  expect(actual.length).toBe(expected.length);
  for (const [i, row] of actual.entries()) {
    for (const [j, v] of row.entries()) {
      const e = expected[i]![j]!;
      expect(Math.abs(v - e)).toBeLessThanOrEqual(rel * Math.abs(e));
    }
  }
};

describe('crossAttention(S1, S2, WQ, WK, WV)', () => {
  test('crossAttention reproduces the 2023 value test (a): both rows equal row 4 of S1 @ W_V', () => {
    const S1 = tensor([
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ]); // (4, 3)
    const S2 = tensor([
      [2, 4],
      [1, 3],
    ]); // (2, 2)
    const WQ = tensor([
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ]); // (2, 3)
    const WK = tensor([
      [0.7, 0.8, 0.9],
      [1, 1.1, 1.2],
      [1.3, 1.4, 1.5],
    ]); // (3, 3)
    const WV = tensor([
      [1.6, 1.7, 1.8],
      [1.9, 2, 2.1],
      [2.2, 2.3, 2.4],
    ]); // (3, 3)
    const out = crossAttention(S1, S2, WQ, WK, WV);
    expect(out.shape).toEqual([2, 3]);
    close(out.toArray() as number[][], [
      [63.3, 66.6, 69.9],
      [63.3, 66.6, 69.9],
    ]);
  });

  test('crossAttention reproduces the notebook test (b) In[14] on GPT-2 BPE ids', () => {
    // "I travelled to Lisbon in July to attend an NLP summer school" (GPT-2 BPE ids; @lxmls/gpt's tests check
    // them against @lxmls/bpe, which this package must not depend on)
    const sentence = [40, 21650, 284, 41898, 287, 2901, 284, 5262, 281, 399, 19930, 3931, 1524];
    // "I like traveling"
    const query = [40, 588, 11300];
    // the notebook builds float rows (1, T) and transposes them inside the function: S.T is (T, 1)
    const S1 = transpose(tensor([sentence])); // (13, 1)
    const S2 = transpose(tensor([query])); // (3, 1)
    const out = crossAttention(
      S1,
      S2,
      tensor([[0.1, 0.2, 0.3]]),
      tensor([[0.7, 0.8, 0.9]]),
      tensor([[1.6, 1.7, 1.8]]),
    );
    const expected = [67036.8047, 71226.6016, 75416.3984]; // 41898 (" Lisbon") × W_V, for each query
    close(out.toArray() as number[][], [expected, expected, expected]);
  });

  test('crossAttention on a batch (B, T, D) equals each item alone', () => {
    const S1 = tensor([
      [
        [1, 0],
        [0, 1],
        [1, 1],
      ],
      [
        [2, 0],
        [0, 2],
        [0, 0],
      ],
    ]); // (2, 3, 2)
    const S2 = tensor([[[0.5, 0.1]], [[0.2, 0.3]]]); // (2, 1, 2)
    const W = tensor([
      [0.3, -0.2],
      [0.1, 0.4],
    ]);
    const batched = crossAttention(S1, S2, W, W, W).toArray() as number[][][];
    for (const b of [0, 1]) {
      const one = crossAttention(
        tensor((S1.toArray() as number[][][])[b]!),
        tensor((S2.toArray() as number[][][])[b]!),
        W,
        W,
        W,
      );
      close(batched[b]!, one.toArray() as number[][], 1e-6);
    }
  });

  test('crossAttention with mismatched weights throws SHAPE_MISMATCH naming every shape', () => {
    const S = tensor([[1, 2, 3]]);
    const W = tensor([[1, 2]]);
    expect(() => crossAttention(S, S, W, W, W)).toThrow(LxmlsAttentionError);
    expect(() => crossAttention(S, S, W, W, W)).toThrow('received (1, 3), (1, 3), (1, 2), (1, 2), (1, 2)');
  });
});
