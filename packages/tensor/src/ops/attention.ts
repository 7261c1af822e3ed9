/**
 * Scaled dot-product attention, `torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal)`:
 * `softmax(q @ kᵀ · scale + mask) @ v`, the heart of minGPT's `CausalSelfAttention`.
 *
 * On a backend with the `fusedAttention` capability it runs one fused kernel forward and one backward (never
 * storing the (T, T) weights); otherwise it is composed from matmul, maskedFill and softmax, whose
 * backwards the tape chains. Both give the same values. Attention dropout is not part of it: a model that
 * needs dropout on the weights composes the steps itself.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { sameShape, sizeOf } from '../shape.js';
import { backendOf, empty, expectDtype, record, type Tensor } from '../tensor.js';
import { mul } from './arithmetic.js';
import { tensor } from './creation.js';
import { maskedFill } from './masked-fill.js';
import { matmul } from './matmul.js';
import { softmax } from './softmax.js';

/** Options of {@link scaledDotProductAttention}. */
export interface AttentionOptions {
  /** Query `i` attends only to keys `j ≤ i + (Tk - Tq)` (the causal mask of a decoder). Defaults to false. */
  causal?: boolean;
  /** Multiplies the scores; defaults to `1/√d`. */
  scale?: number;
}

/**
 * Attention of queries `(…, Tq, d)` over keys and values `(…, Tk, d)`: `softmax(q kᵀ · scale) v`.
 *
 * @param q - Queries, float32 `(…, Tq, d)`, e.g. `(B, nh, T, hs)`.
 * @param k - Keys, `(…, Tk, d)` with the same leading axes.
 * @param v - Values, `(…, Tk, d)`.
 * @param options - `causal` (default false), `scale` (default `1/√d`).
 * @returns The attended values `(…, Tq, d)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming the three shapes.
 * @example
 * ```ts
 * import { scaledDotProductAttention, tensor } from '@lxmls/tensor';
 * const q = tensor([[[1, 0], [0, 1]]]); // (1, 2, 2)
 * const v = tensor([[[1, 2], [3, 4]]]);
 * console.log(scaledDotProductAttention(q, q, v, { causal: true }).toArray()[0][0]); // → [ 1, 2 ]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  const backend = backendOf('scaledDotProductAttention', q, k, v);
  for (const t of [q, k, v]) expectDtype('scaledDotProductAttention', t, 'float32', 'q');
  const rank = q.shape.length;
  const d = q.shape[rank - 1]!;
  const tq = q.shape[rank - 2]!;
  const tk = k.shape[rank - 2]!;
  if (
    rank < 2 ||
    !sameShape(k.shape, v.shape) ||
    k.shape.length !== rank ||
    k.shape[rank - 1] !== d ||
    !sameShape(q.shape.slice(0, -2), k.shape.slice(0, -2))
  ) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'q, k and v do not fit together', {
      fn: 'scaledDotProductAttention',
      expected: 'q (…, Tq, d), k and v (…, Tk, d)',
      received: `${formatShape(q.shape)}, ${formatShape(k.shape)} and ${formatShape(v.shape)}`,
    });
  }
  const { causal = false, scale = 1 / Math.sqrt(d) } = options;

  if (!backend.capabilities.fusedAttention || !backend.attention || !backend.attentionBackward) {
    // the composed form, exactly minGPT's lines
    let att = mul(matmul(q, k, { transposeB: true }), scale); // (…, Tq, Tk)
    if (causal) {
      const above = Array.from({ length: tq }, (_, i) =>
        Array.from({ length: tk }, (_, j) => (j > i + tk - tq ? 1 : 0)),
      );
      const mask = tensor(above, [tq, tk], 'int32');
      att = maskedFill(att, mask, Number.NEGATIVE_INFINITY); // the mask lives until the enclosing tidy ends
    }
    return matmul(softmax(att), v); // (…, Tq, d)
  }

  const bh = sizeOf(q.shape.slice(0, -2));
  const out = empty(backend, q.shape, 'float32'); // (…, Tq, d)
  const lse = empty(backend, [bh, tq], 'float32'); // (…, Tq) saved log-sum-exp of each score row
  const s = (t: Tensor) => t.storage('scaledDotProductAttention');
  backend.attention(s(q), s(k), s(v), s(out), s(lse), bh, tq, tk, d, scale, causal);
  return record('scaledDotProductAttention', out, [q, k, v], (g) => {
    const dq = empty(backend, q.shape, 'float32');
    const dk = empty(backend, k.shape, 'float32');
    const dv = empty(backend, v.shape, 'float32');
    backend.attentionBackward!(
      s(q),
      s(k),
      s(v),
      s(out),
      s(lse),
      s(g),
      s(dq),
      s(dk),
      s(dv),
      bh,
      tq,
      tk,
      d,
      scale,
      causal,
    );
    return [dq, dk, dv];
  });
}
