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
import { getGenerator, type RandomGenerator } from '../random.js';
import { sameShape, sizeOf } from '../shape.js';
import { backendOf, expectDtype, output, record, Tensor } from '../tensor.js';
import { mul } from './arithmetic.js';
import { tensor } from './creation.js';
import { dropout } from './dropout.js';
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
 * Options of {@link selfAttention}: those of {@link AttentionOptions} plus dropout on the attention weights.
 *
 * @example
 * ```ts
 * import { RandomGenerator, type SelfAttentionOptions } from '@lxmls/tensor';
 * const options: SelfAttentionOptions = { causal: true, dropout: 0.1, generator: new RandomGenerator(0) };
 * console.log(options.dropout); // → 0.1
 * ```
 */
export interface SelfAttentionOptions extends AttentionOptions {
  /**
   * Dropout probability of the attention weights `(B, nh, T, T)`, in [0, 1) (default 0): the same mask as
   * `dropout(softmax(scores), p, { generator })` on the materialised weights.
   */
  dropout?: number;
  /** The random source of the dropout mask (default: the global generator). */
  generator?: RandomGenerator;
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
 * `qkv` may also be the three projections `[q, k, v]`, each `(B, T, C)` (the course's exercise attention,
 * with separate query, key and value layers): the same values as on their concatenation, computed by the
 * optional `attentionSplit` kernels without copying them into one tensor.
 *
 * @param qkv - The packed projection, float32 `(B, T, 3C)`, or `[q, k, v]`, each `(B, T, C)`.
 * @param nHead - The number of heads; must divide C.
 * @param options - `causal` (default false), `scale` (default `1/√(C/nHead)`), `dropout` on the attention
 *   weights (default 0) with its `generator` (default the global one; one seed is drawn per call, as the
 *   `dropout` op draws it).
 * @returns The attended values with the heads merged, `(B, T, C)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the last axis is not 3·nHead·hs.
 * @example
 * ```ts
 * import { selfAttention, tensor } from '@lxmls/tensor';
 * const qkv = tensor([[[1, 0, 1, 0, 5, 6], [0, 1, 0, 1, 7, 8]]]); // (1, 2, 3·2): one head of 2
 * console.log(selfAttention(qkv, 1, { causal: true }).toArray()[0][0]); // → [ 5, 6 ]
 * const [q, k, v] = [tensor([[[1, 0], [0, 1]]]), tensor([[[1, 0], [0, 1]]]), tensor([[[5, 6], [7, 8]]])];
 * console.log(selfAttention([q, k, v], 1, { causal: true }).toArray()[0][0]); // → [ 5, 6 ]
 * ```
 */
export function selfAttention(
  qkv: Tensor | readonly [Tensor, Tensor, Tensor],
  nHead: number,
  options: SelfAttentionOptions = {},
): Tensor {
  if (!(qkv instanceof Tensor)) return selfAttentionSplit(qkv, nHead, options);
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
  const p = dropoutOf(options);
  const fused =
    backend.capabilities.fusedAttention && (p === 0 || backend.capabilities.fusedAttentionDropout);
  if (!fused || !backend.attentionPacked || !backend.attentionPackedBackward) {
    const heads = (x: Tensor) => permute(reshape(x, [b, t, nHead, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const [q, k, v] = split(qkv, [c, c, c], -1).map(heads) as [Tensor, Tensor, Tensor];
    const y = composedAttention(q, k, v, causal, scale, p, options.generator); // (B, nh, T, hs)
    return reshape(permute(y, [0, 2, 1, 3]), [b, t, c]);
  }
  const seed = p > 0 ? (options.generator ?? getGenerator()).uint32() : 0;
  const out = output(backend, [b, t, c], 'float32'); // (B, T, C), heads merged
  const lse = output(backend, [b * nHead, t], 'float32'); // saved log-sum-exp of each score row
  const s = (x: Tensor) => x.storage('selfAttention');
  backend.attentionPacked(s(qkv), s(out), s(lse), b, t, nHead, hs, scale, causal, p, seed);
  return record('selfAttention', out, [qkv], (g) => {
    const dqkv = output(backend, qkv.shape, 'float32'); // (B, T, 3C), every element written
    const args = [b, t, nHead, hs, scale, causal, p, seed] as const;
    backend.attentionPackedBackward!(s(qkv), s(out), s(lse), s(g), s(dqkv), ...args);
    return [dqkv];
  });
}

/** The `dropout` option, checked: a probability in [0, 1). */
function dropoutOf(options: SelfAttentionOptions): number {
  const p = options.dropout ?? 0;
  if (!(p >= 0 && p < 1)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'dropout must be a probability below 1', {
      fn: 'selfAttention',
      argument: 'options.dropout',
      expected: 'a number in [0, 1)',
      received: String(p),
    });
  }
  return p;
}

/**
 * Attention on heads `(B, nh, T, hs)` composed from the other ops, with dropout on the weights:
 * `matmul(dropout(softmax(maskedFill(scale · q kᵀ))), v)`, the steps of the course's attention.
 */
function composedAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  causal: boolean,
  scale: number,
  p: number,
  generator: RandomGenerator | undefined,
): Tensor {
  if (p === 0) return scaledDotProductAttention(q, k, v, { causal, scale }); // (B, nh, T, hs)
  const t = q.shape[2]!;
  let att = mul(matmul(q, k, { transposeB: true }), scale); // (B, nh, T, T)
  if (causal) {
    const above = Array.from({ length: t }, (_, i) => Array.from({ length: t }, (_, j) => (j > i ? 1 : 0)));
    att = maskedFill(att, tensor(above, [t, t], 'int32'), Number.NEGATIVE_INFINITY); // (B, nh, T, T)
  }
  const weights = dropout(softmax(att), p, { generator: generator ?? getGenerator() }); // (B, nh, T, T)
  return matmul(weights, v); // (B, nh, T, hs)
}

/** {@link selfAttention} on three projections `[q, k, v]`, each `(B, T, C)`. */
function selfAttentionSplit(
  qkv: readonly [Tensor, Tensor, Tensor],
  nHead: number,
  options: SelfAttentionOptions,
): Tensor {
  const [q, k, v] = qkv;
  const backend = backendOf('selfAttention', q, k, v);
  for (const x of qkv) expectDtype('selfAttention', x, 'float32', 'qkv');
  const [b, t, c] = q.shape as [number, number, number];
  const hs = c / nHead;
  if (
    qkv.length !== 3 ||
    q.shape.length !== 3 ||
    !sameShape(k.shape, q.shape) ||
    !sameShape(v.shape, q.shape) ||
    !Number.isInteger(nHead) ||
    nHead < 1 ||
    !Number.isInteger(hs)
  ) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'q, k and v must be (B, T, C) with C a multiple of nHead', {
      fn: 'selfAttention',
      expected: `three tensors (B, T, ${nHead}·head size)`,
      received: `${qkv.map((x) => formatShape(x.shape)).join(', ')} with nHead ${nHead}`,
    });
  }
  const { causal = false, scale = 1 / Math.sqrt(hs) } = options;
  const p = dropoutOf(options);
  const fused =
    backend.capabilities.fusedAttention && (p === 0 || backend.capabilities.fusedAttentionDropout);
  if (!fused || !backend.attentionSplit || !backend.attentionSplitBackward) {
    const heads = (x: Tensor) => permute(reshape(x, [b, t, nHead, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const y = composedAttention(heads(q), heads(k), heads(v), causal, scale, p, options.generator); // (B, nh, T, hs)
    return reshape(permute(y, [0, 2, 1, 3]), [b, t, c]); // (B, T, C)
  }
  const seed = p > 0 ? (options.generator ?? getGenerator()).uint32() : 0;
  const out = output(backend, [b, t, c], 'float32'); // (B, T, C), heads merged
  const lse = output(backend, [b * nHead, t], 'float32'); // saved log-sum-exp of each score row
  const s = (x: Tensor) => x.storage('selfAttention');
  backend.attentionSplit(s(q), s(k), s(v), s(out), s(lse), b, t, nHead, hs, scale, causal, p, seed);
  return record('selfAttention', out, [q, k, v], (g, needs) => {
    const grads = [q, k, v].map(() => output(backend, q.shape, 'float32')); // (B, T, C) each
    const [dq, dk, dv] = grads as [Tensor, Tensor, Tensor];
    backend.attentionSplitBackward!(
      s(q),
      s(k),
      s(v),
      s(out),
      s(lse),
      s(g),
      s(dq),
      s(dk),
      s(dv),
      b,
      t,
      nHead,
      hs,
      scale,
      causal,
      p,
      seed,
    );
    return grads.map((d, i) => (needs[i] ? d : null));
  });
}
