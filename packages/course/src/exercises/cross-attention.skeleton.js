/**
 * Exercise 2.1 of the LxMLS Transformer Day: a simple cross-attention function.
 *
 * Cross-attention refers to the case where the input sequences to compute Q, K and V come from different
 * sources. It allows models to incorporate contextual information from one sequence (S1) into another (S2).
 * (The self-attention you may have heard of is the same, with S1 and S2 the same sequence.)
 *
 *     Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V
 *
 * Given two input sequences S1 and S2 and the transformation weights W_Q, W_K and W_V, complete the
 * `crossAttention` function below. You need to implement the following:
 * - Calculate the query, key, and value projections using linear transformations.
 * - Compute the attention scores by performing the dot product between the query and key tensors.
 * - Apply softmax activation to the attention scores to obtain the attention weights.
 * - Multiply the attention weights with the value tensor to get the attended values.
 * - Return the attended values.
 *
 * The sequences are (T, D) matrices, one row per token (the notebook's `S2.T` is done by the caller).
 * Check your work with: lxmls check 2.1 --impl cross-attention.js
 *
 * PyTorch → @lxmls/tensor, for this exercise:
 *   torch.matmul(a, b)                     → matmul(a, b)
 *   torch.matmul(Q, K.transpose(-2, -1))   → matmul(Q, K, { transposeB: true })   (or matmul(Q, transpose(K)))
 *   Q.size(-1)                             → Q.shape.at(-1)
 *   x / torch.sqrt(torch.tensor(d))        → x.div(Math.sqrt(d))                  (or div(x, Math.sqrt(d)))
 *   F.softmax(x, dim=-1)                   → softmax(x, -1)
 */

import { NotImplementedError } from '@lxmls/course';
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
  // Calculate Queries from sequence S2: Q (T2, d_k)
  // Calculate Key and Value from sequence S1: K (T1, d_k), V (T1, d_v)
  // Compute attention scores Q Kᵀ: (T2, T1)
  // Scale the attention scores by √d_k (d_k: the last axis of Q)
  // Apply softmax to obtain attention weights (which axis makes each query's weights sum to 1?)
  // Compute and return the attended values: (T2, d_v)
  throw new NotImplementedError('Complete Exercise 2.1');
}
