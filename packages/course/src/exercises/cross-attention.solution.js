/**
 * Exercise 2.1 of the LxMLS Transformer Day: a simple cross-attention function (the solved file).
 *
 * Follows the notebook's `cross_attention(S1, S2, W_Q, W_K, W_V)` (In [13]) and Vaswani et al. (2017), eq. 1:
 * Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V. The queries come from S2, the keys and values from S1.
 * Unlike the notebook, the sequences are given as (T, D) matrices (one row per token): the notebook's
 * `S2.T` is done by the caller. Check it with `lxmls check 2.1 --impl cross-attention.js`.
 */

import { matmul, softmax } from '@lxmls/tensor';

/**
 * Cross-attention of S2 (the queries) over S1 (the context).
 *
 * @param S1 - The context sequence (T1, D1).
 * @param S2 - The query sequence (T2, D2).
 * @param WQ - Query weights (D2, d_k).
 * @param WK - Key weights (D1, d_k).
 * @param WV - Value weights (D1, d_v).
 * @returns The attended values (T2, d_v): one row per query.
 */
export function crossAttention(S1, S2, WQ, WK, WV) {
  // Calculate Queries from sequence S2
  // torch: Q = torch.matmul(S2, W_Q)
  const Q = matmul(S2, WQ); // (T2, d_k)

  // Calculate Key and Value from sequence S1
  const K = matmul(S1, WK); // (T1, d_k)
  const V = matmul(S1, WV); // (T1, d_v)

  // Compute attention scores
  // torch: torch.matmul(Q, K.transpose(-2, -1))
  let scores = matmul(Q, K, { transposeB: true }); // (T2, T1)

  // Scale the attention scores by √d_k, d_k the last axis of the query projection
  // torch: d_k = Q.size(-1); SAS / torch.sqrt(torch.tensor(d_k))
  const dk = Q.shape.at(-1) ?? 1;
  scores = scores.div(Math.sqrt(dk)); // (T2, T1)

  // Apply softmax to obtain attention weights: over the keys, so each query's weights sum to 1
  // torch: F.softmax(SAS, dim=-1)
  const weights = softmax(scores, -1); // (T2, T1)

  // Compute the attended values
  return matmul(weights, V); // (T2, d_v)
}
