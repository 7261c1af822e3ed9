/**
 * What every attention module of this package returns, {@link AttentionOutput}.
 *
 * Scaled dot-product attention itself is one function with one signature across the toolkit:
 * `scaledDotProductAttention(q, k, v, { mask, causal, scale, dropout, generator })` of @lxmls/tensor
 * (PyTorch's `F.scaled_dot_product_attention`, on the backend's strided attention kernel when no mask is
 * given), and `attentionWithWeights` with the same options when the weights are wanted; this package
 * re-exports both from its index.
 */

import type { Tensor } from '@lxmls/tensor';

/**
 * What every attention of this package returns.
 *
 * @example
 * ```ts
 * import type { AttentionOutput } from '@lxmls/attention';
 * import { zeros } from '@lxmls/tensor';
 * const result: AttentionOutput = { output: zeros([1, 2, 4]), weights: null };
 * console.log(result.output.shape, result.weights); // → [ 1, 2, 4 ] null
 * ```
 */
export interface AttentionOutput {
  /** The attended values (the module's output). */
  output: Tensor;
  /** The attention weights `(B, nh, Tq, Tk)` (after dropout), or null unless `returnWeights` was set. */
  weights: Tensor | null;
  /** The queries `(B, nh, Tq, hs)`: from the causal self-attentions, with `returnQueriesKeys`. */
  queries?: Tensor;
  /** The keys `(B, nh, Tk, hs)` (cached ones included): from the causal self-attentions, on request. */
  keys?: Tensor;
}
