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
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { mul } from './arithmetic.js';
import { tensor } from './creation.js';
import { maskedFill } from './masked-fill.js';
import { matmul } from './matmul.js';
import { permute, reshape } from './shape.js';
import { split } from './slice.js';
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
  const out = output(backend, q.shape, 'float32'); // (…, Tq, d)
  const lse = output(backend, [bh, tq], 'float32'); // (…, Tq) saved log-sum-exp of each score row
  const s = (t: Tensor) => t.storage('scaledDotProductAttention');
  backend.attention(s(q), s(k), s(v), s(out), s(lse), bh, tq, tk, d, scale, causal);
  return record('scaledDotProductAttention', out, [q, k, v], (g) => {
    const dq = output(backend, q.shape, 'float32');
    const dk = output(backend, k.shape, 'float32');
    const dv = output(backend, v.shape, 'float32');
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

/**
 * Multi-head self-attention on a packed projection, the core of minGPT's `CausalSelfAttention`: splits
 * `qkv` `(B, T, 3C)` into queries, keys and values, each into `nHead` heads of `C / nHead`, attends, and
 * merges the heads back into `(B, T, C)`, ready for the output projection. Equal to
 *
 * ```
 * const [q, k, v] = split(qkv, [C, C, C], -1).map((t) => transpose(reshape(t, [B, T, nh, hs]), 1, 2));
 * reshape(transpose(scaledDotProductAttention(q, k, v, options), 1, 2), [B, T, C]);
 * ```
 *
 * and computed that way on a backend without the optional `attentionPacked` kernels. With them (wasm, js)
 * the heads are read and written in place with strides: no split, no transposes, and a single `(B, T, 3C)`
 * gradient instead of three slices summed.
 *
 * @param qkv - The packed projection, float32 `(B, T, 3C)`.
 * @param nHead - The number of heads; must divide C.
 * @param options - `causal` (default false), `scale` (default `1/√(C/nHead)`).
 * @returns The attended values with the heads merged, `(B, T, C)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the last axis is not 3·nHead·hs.
 * @example
 * ```ts
 * import { selfAttention, tensor } from '@lxmls/tensor';
 * const qkv = tensor([[[1, 0, 1, 0, 5, 6], [0, 1, 0, 1, 7, 8]]]); // (1, 2, 3·2): one head of 2
 * console.log(selfAttention(qkv, 1, { causal: true }).toArray()[0][0]); // → [ 5, 6 ]
 * ```
 */
export function selfAttention(qkv: Tensor, nHead: number, options: AttentionOptions = {}): Tensor {
  const backend = backendOf('selfAttention', qkv);
  expectDtype('selfAttention', qkv, 'float32', 'qkv');
  const [b, t, c3] = qkv.shape as [number, number, number];
  const c = c3 / 3;
  const hs = c / nHead;
  if (qkv.shape.length !== 3 || !Number.isInteger(nHead) || nHead < 1 || !Number.isInteger(hs)) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'qkv must be (B, T, 3C) with C a multiple of nHead', {
      fn: 'selfAttention',
      expected: `(B, T, 3·${nHead}·head size)`,
      received: `${formatShape(qkv.shape)} with nHead ${nHead}`,
    });
  }
  const { causal = false, scale = 1 / Math.sqrt(hs) } = options;
  if (!backend.capabilities.fusedAttention || !backend.attentionPacked || !backend.attentionPackedBackward) {
    const heads = (x: Tensor) => permute(reshape(x, [b, t, nHead, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const [q, k, v] = split(qkv, [c, c, c], -1).map(heads) as [Tensor, Tensor, Tensor];
    const y = scaledDotProductAttention(q, k, v, { causal, scale }); // (B, nh, T, hs)
    return reshape(permute(y, [0, 2, 1, 3]), [b, t, c]);
  }
  const out = output(backend, [b, t, c], 'float32'); // (B, T, C), heads merged
  const lse = output(backend, [b * nHead, t], 'float32'); // saved log-sum-exp of each score row
  const s = (x: Tensor) => x.storage('selfAttention');
  backend.attentionPacked(s(qkv), s(out), s(lse), b, t, nHead, hs, scale, causal);
  return record('selfAttention', out, [qkv], (g) => {
    const dqkv = output(backend, qkv.shape, 'float32'); // (B, T, 3C), every element written
    backend.attentionPackedBackward!(s(qkv), s(out), s(lse), s(g), s(dqkv), b, t, nHead, hs, scale, causal);
    return [dqkv];
  });
}
