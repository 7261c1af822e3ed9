/**
 * The two value tests of Exercise 2.1 (docs/course-behaviour.md §6, `cross_attention`), computed with
 * @lxmls/attention's `crossAttention`: (a) small matrices whose softmax saturates on the last key, and (b) the
 * notebook's test on GPT-2 ids used as one-dimensional "embeddings".
 */

import { crossAttention } from '@lxmls/attention';
import { encode } from '@lxmls/bpe';
import { type Tensor, tensor, tidy, transpose } from '@lxmls/tensor';

/** Test (a): S1 (4, 3) is the context, S2 (2, 2) the queries; W_Q (2, 3), W_K and W_V (3, 3). */
export const TEST_A: Readonly<Record<'S1' | 'S2' | 'WQ' | 'WK' | 'WV', number[][]> & { expected: number[] }> =
  {
    S1: [
      [1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
      [10, 11, 12],
    ],
    S2: [
      [2, 4],
      [1, 3],
    ],
    WQ: [
      [0.1, 0.2, 0.3],
      [0.4, 0.5, 0.6],
    ],
    WK: [
      [0.7, 0.8, 0.9],
      [1, 1.1, 1.2],
      [1.3, 1.4, 1.5],
    ],
    WV: [
      [1.6, 1.7, 1.8],
      [1.9, 2, 2.1],
      [2.2, 2.3, 2.4],
    ],
    /** What the course expects for both rows: row 4 of S1 @ W_V. */
    expected: [63.3, 66.6, 69.9],
  };

/** Test (b)'s sentences and its one-dimensional weights. */
export const TEST_B: Readonly<{
  context: string;
  query: string;
  WQ: number[][];
  WK: number[][];
  WV: number[][];
}> = {
  context: 'I travelled to Lisbon in July to attend an NLP summer school',
  query: 'I like traveling',
  WQ: [[0.1, 0.2, 0.3]],
  WK: [[0.7, 0.8, 0.9]],
  WV: [[1.6, 1.7, 1.8]],
};

const rows = (t: Tensor) => t.toArray() as number[][];

/**
 * Test (a), computed now.
 *
 * @returns The output rows `(2, 3)`.
 * @example
 * ```ts
 * import { crossAttentionTestA } from './lib/cross-attention-demo.js';
 * console.log(crossAttentionTestA()[1]!.map((v) => v.toFixed(1))); // → [ '63.3', '66.6', '69.9' ]
 * ```
 */
export function crossAttentionTestA(): number[][] {
  const { S1, S2, WQ, WK, WV } = TEST_A;
  return tidy(
    () => rows(crossAttention(tensor(S1), tensor(S2), tensor(WQ), tensor(WK), tensor(WV))), // (2, 3)
  );
}

/**
 * Test (b) on any two texts: each text's GPT-2 ids become a column `(T, 1)` of "embeddings", as the notebook's
 * `S.T`, and the query text attends over the context text.
 *
 * @param context - The text whose ids give the keys and values (S1).
 * @param query - The text whose ids give the queries (S2).
 * @returns The ids of both texts and the output rows `(Tq, 3)`.
 * @example
 * ```ts
 * import { crossAttentionTestB, TEST_B } from './lib/cross-attention-demo.js';
 * const { output } = crossAttentionTestB(TEST_B.context, TEST_B.query);
 * console.log(output.length, output[0]!.map((v) => Math.round(v))); // → 3 [ 67037, 71227, 75416 ]
 * ```
 */
export function crossAttentionTestB(
  context: string,
  query: string,
): { contextIds: number[]; queryIds: number[]; output: number[][] } {
  const contextIds = encode(context);
  const queryIds = encode(query);
  if (contextIds.length === 0 || queryIds.length === 0) return { contextIds, queryIds, output: [] };
  const output = tidy(() => {
    const S1 = transpose(tensor([contextIds])); // (T1, 1)
    const S2 = transpose(tensor([queryIds])); // (T2, 1)
    const { WQ, WK, WV } = TEST_B;
    return rows(crossAttention(S1, S2, tensor(WQ), tensor(WK), tensor(WV))); // (T2, 3)
  });
  return { contextIds, queryIds, output };
}
