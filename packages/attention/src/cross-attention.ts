/**
 * Exercise 2.1 of the LxMLS Transformer Day: a simple cross-attention function. The queries come from one
 * sequence (S2), the keys and values from another (S1); no mask, no heads.
 *
 * Follows `cross_attention(S1, S2, W_Q, W_K, W_V)` of the course notebook (`exercises_answers.ipynb`) and
 * Vaswani et al. (2017), eq. 1: `Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V`.
 */

import { matmul, softmax, type Tensor } from '@lxmls/tensor';
import { LxmlsAttentionError, shapeText } from './errors.js';

/**
 * Cross-attention of `S2` (the queries) over `S1` (the context):
 * `Q = S2 W_Q`, `K = S1 W_K`, `V = S1 W_V`, then `softmax(Q Kᵀ / √d_k) V` with `d_k` the last axis of `Q`
 * and the softmax over the keys.
 *
 * @param S1 - The context sequence, float32 `(T1, D1)` or batched `(B, T1, D1)`.
 * @param S2 - The query sequence, `(T2, D2)` or `(B, T2, D2)`.
 * @param WQ - Query weights `(D2, d_k)`.
 * @param WK - Key weights `(D1, d_k)`.
 * @param WV - Value weights `(D1, d_v)`.
 * @returns The attended values `(T2, d_v)` or `(B, T2, d_v)`: one row per query.
 * @throws {@link LxmlsAttentionError} `SHAPE_MISMATCH` when the projections do not fit (all shapes named).
 * @remarks Python: `cross_attention` of the notebook (Exercise 2.1).
 * @example
 * ```ts
 * import { crossAttention } from '@lxmls/attention';
 * import { tensor } from '@lxmls/tensor';
 * const S1 = tensor([[1, 0], [0, 1]]); // two context tokens
 * const S2 = tensor([[10, 0]]); // one query, very close to the first token
 * const I = tensor([[1, 0], [0, 1]]);
 * const out = crossAttention(S1, S2, I, I, tensor([[5], [7]]));
 * console.log(out.shape, Math.round(out.item() * 1000) / 1000); // → [ 1, 1 ] 5.002
 * ```
 */
export function crossAttention(S1: Tensor, S2: Tensor, WQ: Tensor, WK: Tensor, WV: Tensor): Tensor {
  const fits =
    S1.shape.length >= 2 &&
    S2.shape.length === S1.shape.length &&
    WQ.shape.length === 2 &&
    WK.shape.length === 2 &&
    WV.shape.length === 2 &&
    S2.shape.at(-1) === WQ.shape[0] &&
    S1.shape.at(-1) === WK.shape[0] &&
    S1.shape.at(-1) === WV.shape[0] &&
    WQ.shape[1] === WK.shape[1];
  if (!fits) {
    throw new LxmlsAttentionError('SHAPE_MISMATCH', 'the sequences and weights do not fit together', {
      fn: 'crossAttention',
      expected: 'S1 (…, T1, D1), S2 (…, T2, D2), W_Q (D2, d_k), W_K (D1, d_k), W_V (D1, d_v)',
      received: [S1, S2, WQ, WK, WV].map((t) => shapeText(t.shape)).join(', '),
    });
  }
  // Queries from the sequence S2
  const Q = matmul(S2, WQ); // (…, T2, d_k)
  // Keys and values from the sequence S1
  const K = matmul(S1, WK); // (…, T1, d_k)
  const V = matmul(S1, WV); // (…, T1, d_v)
  // Attention scores, scaled by √d_k (d_k: the last axis of the query projection)
  const dk = Q.shape.at(-1)!;
  const scores = matmul(Q, K, { transposeB: true }).div(Math.sqrt(dk)); // (…, T2, T1)
  // Softmax over the keys: each query's weights sum to 1
  const weights = softmax(scores, -1); // (…, T2, T1)
  // The attended values
  return matmul(weights, V); // (…, T2, d_v)
}
