/**
 * Scaled dot-product attention, `softmax(q kᵀ · scale + mask) v`, with masks, dropout on the weights and
 * the weights themselves on request (for visualisation).
 *
 * Follows `torch.nn.functional.scaled_dot_product_attention` (and minGPT's `CausalSelfAttention.forward`).
 * When nothing but the plain or causal product is asked for, it runs the fused kernel of @lxmls/tensor,
 * which never stores the `(Tq, Tk)` weights; otherwise it is composed from matmul → maskedFill(-inf) →
 * softmax → dropout → matmul, whose backwards the tape chains.
 */

import {
  add,
  dropout as dropoutOp,
  scaledDotProductAttention as fusedAttention,
  maskedFill,
  matmul,
  mul,
  type RandomGenerator,
  softmax,
  type Tensor,
  tensor,
} from '@lxmls/tensor';
import { expectProbability, LxmlsAttentionError, shapeText } from './errors.js';
import { resolveBlocked } from './masks.js';

/** What every attention of this package returns. */
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

/** Options of {@link scaledDotProductAttention}. */
export interface ScaledDotProductAttentionOptions {
  /**
   * A mask broadcastable to `(…, Tq, Tk)`: an **int32** tensor with 1 = attend and 0 = blocked (PyTorch's
   * boolean `attn_mask`), or a **float32** tensor added to the scores (0 or `-inf`/large negative).
   */
  mask?: Tensor | null;
  /** Query `i` attends only to keys `j ≤ i + (Tk − Tq)`, so it also works on top of a KV cache. Default false. */
  causal?: boolean;
  /** Dropout probability on the weights (default 0). */
  dropout?: number;
  /** Apply the dropout (default true, as `F.scaled_dot_product_attention`); modules pass `this.training`. */
  training?: boolean;
  /** The random source of the dropout mask; defaults to the global one. */
  generator?: RandomGenerator;
  /** Multiplies the scores; defaults to `1/√d`. */
  scale?: number;
  /** Also return the weights `(…, Tq, Tk)` (default false). */
  returnWeights?: boolean;
}

/**
 * Attention of queries `(…, Tq, d)` over keys `(…, Tk, d)` and values `(…, Tk, dv)`.
 *
 * A query row whose keys are **all** blocked (by the boolean mask or the causal rule) gets all-zero weights
 * and a zero output instead of PyTorch's NaN, so padded batches stay finite. Additive float masks are added
 * as they are (a row of `-inf` there gives NaN, as in PyTorch).
 *
 * @param q - Queries, float32 `(…, Tq, d)`, e.g. `(B, nh, T, hs)`.
 * @param k - Keys, `(…, Tk, d)` with the same leading axes.
 * @param v - Values, `(…, Tk, dv)`.
 * @param options - `mask`, `causal`, `dropout`, `training`, `generator`, `scale`, `returnWeights`.
 * @returns `{ output (…, Tq, dv), weights (…, Tq, Tk) | null }`.
 * @throws {@link LxmlsAttentionError} `SHAPE_MISMATCH` naming the shapes; `INVALID_ARGUMENT` for a bad
 *   dropout probability.
 * @remarks Python: `torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale)`.
 * @example
 * ```ts
 * import { scaledDotProductAttention } from '@lxmls/attention';
 * import { tensor } from '@lxmls/tensor';
 * const q = tensor([[[1, 0], [0, 1]]]); // (1, 2, 2)
 * const v = tensor([[[1, 2], [3, 4]]]);
 * const { output, weights } = scaledDotProductAttention(q, q, v, { causal: true, returnWeights: true });
 * console.log(output.toArray()[0][0], weights?.toArray()[0][0]); // → [ 1, 2 ] [ 1, 0 ]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: ScaledDotProductAttentionOptions = {},
): AttentionOutput {
  const fn = 'scaledDotProductAttention';
  const rank = q.shape.length;
  const d = q.shape[rank - 1]!;
  const tq = q.shape[rank - 2]!;
  const tk = k.shape[rank - 2]!;
  const lead = (t: Tensor) => t.shape.slice(0, -2).join(',');
  if (
    rank < 2 ||
    k.shape.length !== rank ||
    v.shape.length !== rank ||
    k.shape[rank - 1] !== d ||
    v.shape[rank - 2] !== tk ||
    lead(q) !== lead(k) ||
    lead(k) !== lead(v)
  ) {
    throw new LxmlsAttentionError('SHAPE_MISMATCH', 'q, k and v do not fit together', {
      fn,
      expected: 'q (…, Tq, d), k (…, Tk, d) and v (…, Tk, dv)',
      received: `${shapeText(q.shape)}, ${shapeText(k.shape)} and ${shapeText(v.shape)}`,
    });
  }
  const {
    mask = null,
    causal = false,
    dropout = 0,
    training = true,
    generator,
    scale = 1 / Math.sqrt(d),
    returnWeights = false,
  } = options;
  expectProbability(fn, 'dropout', dropout);
  const dropping = training && dropout > 0;

  // The fast path: one fused kernel, no (Tq, Tk) matrix kept.
  if (!mask && !dropping && !returnWeights && v.shape[rank - 1] === d && !(causal && tk < tq)) {
    return { output: fusedAttention(q, k, v, { causal, scale }), weights: null }; // (…, Tq, d)
  }

  // The composed path, step by step.
  let scores = mul(matmul(q, k, { transposeB: true }), scale); // (…, Tq, Tk)
  if (mask && mask.dtype === 'float32') scores = add(scores, mask); // additive mask
  const booleanMask = mask && mask.dtype !== 'float32' ? mask : null;
  let emptyRows: Tensor | null = null;
  if (booleanMask || causal) {
    const { shape, blocked, emptyRows: empty } = resolveBlocked(fn, booleanMask, causal, tq, tk);
    scores = maskedFill(scores, tensor(blocked, shape, 'int32'), Number.NEGATIVE_INFINITY); // (…, Tq, Tk)
    if (empty) emptyRows = tensor(empty, [...shape.slice(0, -1), 1], 'int32'); // (…, Tq, 1)
  }
  let weights = softmax(scores, -1); // (…, Tq, Tk), each row sums to 1
  if (emptyRows) weights = maskedFill(weights, emptyRows, 0); // rows with nothing to attend to: 0, not NaN
  if (dropping) weights = dropoutOp(weights, dropout, generator ? { generator } : {});
  const output = matmul(weights, v); // (…, Tq, dv)
  return { output, weights: returnWeights ? weights : null };
}
