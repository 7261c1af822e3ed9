/**
 * Scaled dot-product attention, `torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal,
 * dropout_p, scale)`: `dropout(softmax(q @ kᵀ · scale + mask)) @ v`, the heart of minGPT's
 * `CausalSelfAttention`, and `selfAttention`, the same on the heads of a packed `(B, T, 3C)` projection or of
 * three `(B, T, C)` projections.
 *
 * Every form runs the one strided `attention` kernel of the backend (docs/backend-contract.md, "Attention")
 * when it has the `fusedAttention` capability (and `fusedAttentionDropout` for dropout): the three layouts
 * are only different views of the same kernel, forward and backward, and the `(Tq, Tk)` weights are never
 * kept. Otherwise attention is composed from matmul, maskedFill, softmax and dropout, whose backwards the
 * tape chains. Both give the same values and, with the same generator, the same dropout mask.
 */

import type { AttentionAttrs, AttentionView, Backend } from '../backend.js';
import { formatShape, LxmlsTensorError } from '../errors.js';
import { getGenerator, type RandomGenerator } from '../random.js';
import { sameShape, sizeOf } from '../shape.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { add, mul } from './arithmetic.js';
import { tensor } from './creation.js';
import { dropout as dropoutOp } from './dropout.js';
import { maskedFill } from './masked-fill.js';
import { matmul } from './matmul.js';
import { permute, reshape } from './shape.js';
import { split } from './slice.js';
import { softmax } from './softmax.js';

/**
 * Options of {@link scaledDotProductAttention} and `selfAttention`.
 *
 * @example
 * ```ts
 * import { RandomGenerator, type AttentionOptions } from '@lxmls/tensor';
 * const options: AttentionOptions = { causal: true, dropout: 0.1, generator: new RandomGenerator(0) };
 * console.log(options.dropout); // → 0.1
 * ```
 */
export interface AttentionOptions {
  /** Query `i` attends only to keys `j ≤ i + (Tk - Tq)` (the causal mask of a decoder). Defaults to false. */
  causal?: boolean;
  /** Multiplies the scores; defaults to `1/√d` (`d` the head size). */
  scale?: number;
  /**
   * Dropout probability of the attention weights `(…, Tq, Tk)`, in [0, 1) (default 0): the same mask as
   * `dropout(softmax(scores), p, { generator })` on the materialised weights.
   */
  dropout?: number;
  /** The random source of the dropout mask (default: the global generator; one seed is drawn per call). */
  generator?: RandomGenerator;
  /**
   * A mask broadcastable to `(…, Tq, Tk)` (only {@link scaledDotProductAttention}): an **int32** tensor with
   * 1 = attend and 0 = blocked (PyTorch's boolean `attn_mask`), or a **float32** tensor added to the scores
   * (0 or `-inf`). Attention with a mask is composed from the other ops.
   */
  mask?: Tensor | null;
}

/**
 * What {@link attentionWithWeights} returns: the attended values and the attention weights.
 *
 * @example
 * ```ts
 * import { attentionWithWeights, tensor, type AttentionWithWeights } from '@lxmls/tensor';
 * const q = tensor([[[1, 0], [0, 1]]]);
 * const result: AttentionWithWeights = attentionWithWeights(q, q, q, { causal: true });
 * console.log(result.weights.shape); // → [ 1, 2, 2 ]
 * ```
 */
export interface AttentionWithWeights {
  /** The attended values `(…, Tq, dv)`. */
  output: Tensor;
  /** The attention weights `(…, Tq, Tk)` that multiplied the values (after dropout). */
  weights: Tensor;
}

/**
 * Attention of queries `(…, Tq, d)` over keys `(…, Tk, d)` and values `(…, Tk, dv)`:
 * `dropout(softmax(q kᵀ · scale + mask)) v`, PyTorch's `F.scaled_dot_product_attention`.
 *
 * Without a `mask` (and with `dv = d`) it runs the backend's `attention` kernel when there is one; with a
 * mask it is composed from matmul, maskedFill, softmax and dropout. A query row whose keys are **all**
 * blocked (by the boolean mask or the causal rule) gets all-zero weights and a zero output instead of
 * PyTorch's NaN, so padded batches stay finite; an additive float mask is added as it is.
 *
 * @param q - Queries, float32 `(…, Tq, d)`, e.g. `(B, nh, T, hs)`.
 * @param k - Keys, `(…, Tk, d)` with the same leading axes.
 * @param v - Values, `(…, Tk, dv)`.
 * @param options - `causal` (default false), `scale` (default `1/√d`), `dropout` (default 0), `generator`,
 *   `mask`.
 * @returns The attended values `(…, Tq, dv)`.
 * @throws `LxmlsTensorError` (@lxmls/tensor) `SHAPE_MISMATCH` naming the shapes (or the mask's);
 *   `INVALID_ARGUMENT` for a dropout outside [0, 1).
 * @remarks Python: `torch.nn.functional.scaled_dot_product_attention(q, k, v, attn_mask, dropout_p, is_causal, scale)`.
 * @example
 * ```ts
 * import { scaledDotProductAttention, tensor } from '@lxmls/tensor';
 * const q = tensor([[[1, 0], [0, 1]]]); // (1, 2, 2)
 * const v = tensor([[[1, 2], [3, 4]]]);
 * console.log(scaledDotProductAttention(q, q, v, { causal: true }).toArray(3)[0]?.[0]); // → [ 1, 2 ]
 * const mask = tensor([[1, 0], [0, 0]], undefined, 'int32'); // query 1 sees no key
 * console.log(scaledDotProductAttention(q, q, v, { mask }).toArray(3)[0]); // → [ [ 1, 2 ], [ 0, 0 ] ]
 * ```
 */
export function scaledDotProductAttention(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): Tensor {
  const fn = 'scaledDotProductAttention';
  const backend = backendOf(fn, q, k, v);
  const { d, tq, tk } = checkAttention(fn, q, k, v);
  const { causal = false, scale = 1 / Math.sqrt(d), mask = null } = options;
  const p = dropoutOf(fn, options);
  if (mask || v.shape.at(-1) !== d || !fusable(backend, p)) {
    return composedAttention(fn, q, k, v, { ...options, causal, scale }, p).output; // (…, Tq, dv)
  }
  const bh = sizeOf(q.shape.slice(0, -2));
  // the plain layout: bh heads of (t, d) one after the other (batch bh, one head each)
  const plain = (t: number): Layout => ({ offset: 0, batchStride: t * d, headStride: t * d, rowStride: d });
  return fusedAttention(fn, backend, {
    sources: [q, k, v],
    q: [0, plain(tq)],
    k: [1, plain(tk)],
    v: [2, plain(tk)],
    outShape: q.shape,
    out: plain(tq),
    attrs: { batch: bh, heads: 1, tq, tk, headSize: d, scale, causal },
    p,
    generator: options.generator,
  }); // (…, Tq, d)
}

/**
 * {@link scaledDotProductAttention} that also returns its weights `(…, Tq, Tk)` (after dropout), for
 * visualisation: always composed from the other ops, since the weights are materialised anyway. The same
 * options, values and dropout mask.
 *
 * @param q - Queries, float32 `(…, Tq, d)`.
 * @param k - Keys, `(…, Tk, d)`.
 * @param v - Values, `(…, Tk, dv)`.
 * @param options - As for {@link scaledDotProductAttention}.
 * @returns `{ output (…, Tq, dv), weights (…, Tq, Tk) }`.
 * @throws `LxmlsTensorError` (@lxmls/tensor) as {@link scaledDotProductAttention}.
 * @example
 * ```ts
 * import { attentionWithWeights, tensor } from '@lxmls/tensor';
 * const q = tensor([[[1, 0], [0, 1]]]); // (1, 2, 2)
 * const v = tensor([[[1, 2], [3, 4]]]);
 * const { output, weights } = attentionWithWeights(q, q, v, { causal: true });
 * console.log(output.toArray(3)[0]?.[0], weights.toArray(3)[0]?.[0]); // → [ 1, 2 ] [ 1, 0 ]
 * ```
 */
export function attentionWithWeights(
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions = {},
): AttentionWithWeights {
  const fn = 'attentionWithWeights';
  backendOf(fn, q, k, v);
  const { d } = checkAttention(fn, q, k, v);
  const { causal = false, scale = 1 / Math.sqrt(d) } = options;
  return composedAttention(fn, q, k, v, { ...options, causal, scale }, dropoutOf(fn, options));
}

/** Checks the dtypes and shapes of q `(…, Tq, d)`, k `(…, Tk, d)`, v `(…, Tk, dv)`; returns d, Tq, Tk. */
function checkAttention(fn: string, q: Tensor, k: Tensor, v: Tensor): { d: number; tq: number; tk: number } {
  for (const [t, name] of [
    [q, 'q'],
    [k, 'k'],
    [v, 'v'],
  ] as const)
    expectDtype(fn, t, 'float32', name);
  const rank = q.shape.length;
  const d = q.shape[rank - 1]!;
  const tq = q.shape[rank - 2]!;
  const tk = k.shape[rank - 2]!;
  if (
    rank < 2 ||
    k.shape.length !== rank ||
    v.shape.length !== rank ||
    k.shape[rank - 1] !== d ||
    v.shape[rank - 2] !== tk ||
    !sameShape(q.shape.slice(0, -2), k.shape.slice(0, -2)) ||
    !sameShape(k.shape.slice(0, -2), v.shape.slice(0, -2))
  ) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'q, k and v do not fit together', {
      fn,
      expected: 'q (…, Tq, d), k (…, Tk, d) and v (…, Tk, dv)',
      received: `${formatShape(q.shape)}, ${formatShape(k.shape)} and ${formatShape(v.shape)}`,
    });
  }
  return { d, tq, tk };
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
 * and computed that way on a backend without the `attention` kernel. With it (js, wasm, tfjs) the heads are
 * read and written in place through strided views: no split, no transposes, and a single `(B, T, 3C)`
 * gradient instead of three slices summed.
 *
 * `qkv` may also be the three projections `[q, k, v]`, each `(B, T, C)` (the course's exercise attention,
 * with separate query, key and value layers): the same values as on their concatenation, and the same
 * kernel, without copying them into one tensor.
 *
 * @param qkv - The packed projection, float32 `(B, T, 3C)`, or `[q, k, v]`, each `(B, T, C)`.
 * @param nHead - The number of heads; must divide C.
 * @param options - `causal` (default false), `scale` (default `1/√(C/nHead)`), `dropout` on the attention
 *   weights (default 0) with its `generator` (default the global one; one seed is drawn per call, as the
 *   `dropout` op draws it).
 * @returns The attended values with the heads merged, `(B, T, C)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the last axis is not 3·nHead·hs (or the three
 *   projections differ); `INVALID_ARGUMENT` for a dropout outside [0, 1).
 * @example
 * ```ts
 * import { selfAttention, tensor } from '@lxmls/tensor';
 * const qkv = tensor([[[1, 0, 1, 0, 5, 6], [0, 1, 0, 1, 7, 8]]]); // (1, 2, 3·2): one head of 2
 * console.log(selfAttention(qkv, 1, { causal: true }).toArray(3)[0]?.[0]); // → [ 5, 6 ]
 * const [q, k, v] = [tensor([[[1, 0], [0, 1]]]), tensor([[[1, 0], [0, 1]]]), tensor([[[5, 6], [7, 8]]])];
 * console.log(selfAttention([q, k, v], 1, { causal: true }).toArray(3)[0]?.[0]); // → [ 5, 6 ]
 * ```
 */
export function selfAttention(
  qkv: Tensor | readonly [Tensor, Tensor, Tensor],
  nHead: number,
  options: AttentionOptions = {},
): Tensor {
  const fn = 'selfAttention';
  const packed = !Array.isArray(qkv);
  const xs = (packed ? [qkv] : qkv) as readonly Tensor[];
  const backend = backendOf(fn, ...xs);
  for (const x of xs) expectDtype(fn, x, 'float32', 'qkv');
  const [b, t, width] = xs[0]!.shape as [number, number, number];
  const c = packed ? width / 3 : width;
  const hs = c / nHead;
  const fits =
    xs[0]!.shape.length === 3 &&
    Number.isInteger(nHead) &&
    nHead >= 1 &&
    Number.isInteger(hs) &&
    (packed || (xs.length === 3 && xs.every((x) => sameShape(x.shape, xs[0]!.shape))));
  if (!fits) {
    throw new LxmlsTensorError(
      'SHAPE_MISMATCH',
      packed
        ? 'qkv must be (B, T, 3C) with C a multiple of nHead'
        : 'q, k and v must be (B, T, C) with C a multiple of nHead',
      {
        fn,
        expected: packed ? `(B, T, 3·${nHead}·head size)` : `three tensors (B, T, ${nHead}·head size)`,
        received: `${xs.map((x) => formatShape(x.shape)).join(', ')} with nHead ${nHead}`,
      },
    );
  }
  const { causal = false, scale = 1 / Math.sqrt(hs) } = options;
  const p = dropoutOf(fn, options);
  if (!fusable(backend, p)) {
    const heads = (x: Tensor) => permute(reshape(x, [b, t, nHead, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const [q, k, v] = (packed ? split(xs[0]!, [c, c, c], -1) : xs).map(heads) as [Tensor, Tensor, Tensor];
    const y = composedAttention(fn, q, k, v, { causal, scale, generator: options.generator }, p).output; // (B, nh, T, hs)
    return reshape(permute(y, [0, 2, 1, 3]), [b, t, c]); // (B, T, C)
  }
  // head h of row i of batch entry b at b·T·ld + i·ld + h·hs (+ C for keys, 2C for values when packed)
  const ld = packed ? 3 * c : c;
  const merged = (offset: number, rowStride: number): Layout => ({
    offset,
    batchStride: t * rowStride,
    headStride: hs,
    rowStride,
  });
  return fusedAttention(fn, backend, {
    sources: xs,
    q: [0, merged(0, ld)],
    k: packed ? [0, merged(c, ld)] : [1, merged(0, ld)],
    v: packed ? [0, merged(2 * c, ld)] : [2, merged(0, ld)],
    outShape: [b, t, c],
    out: merged(0, c),
    attrs: { batch: b, heads: nHead, tq: t, tk: t, headSize: hs, scale, causal },
    p,
    generator: options.generator,
  }); // (B, T, C), heads merged
}

/** Where an operand lies in its tensor: an {@link AttentionView} without the storage. */
type Layout = Omit<AttentionView, 'storage'>;

/** A fused attention call: the source tensors and, for q, k and v, which source and where in it. */
interface FusedCall {
  /** The distinct input tensors (one packed projection, or three). */
  sources: readonly Tensor[];
  q: readonly [number, Layout];
  k: readonly [number, Layout];
  v: readonly [number, Layout];
  /** The shape of the output tensor and where its heads lie. */
  outShape: readonly number[];
  out: Layout;
  attrs: Omit<AttentionAttrs, 'dropout' | 'seed'>;
  p: number;
  generator: RandomGenerator | undefined;
}

/** True when the backend's `attention` kernel can run this call (with dropout `p`). */
function fusable(backend: Backend, p: number): boolean {
  const { fusedAttention, fusedAttentionDropout } = backend.capabilities;
  return (
    fusedAttention &&
    (p === 0 || fusedAttentionDropout === true) &&
    backend.attention !== undefined &&
    backend.attentionBackward !== undefined
  );
}

/**
 * Runs the backend's `attention` kernel on views of the sources and records its backward: one gradient per
 * source, written through the same views (the views of q, k and v together cover every element of their
 * sources, so every element of each gradient is written).
 */
function fusedAttention(fn: string, backend: Backend, call: FusedCall): Tensor {
  const { sources, attrs, p } = call;
  const seed = p > 0 ? (call.generator ?? getGenerator()).uint32() : 0;
  // plain object literals (no spread, no destructured tuples): this runs twice per layer and step
  const { batch, heads, tq, tk, headSize, scale, causal } = attrs;
  const all: AttentionAttrs = { batch, heads, tq, tk, headSize, scale, causal, dropout: p, seed };
  const view = (x: Tensor, layout: Layout): AttentionView => ({
    storage: x.storage(fn),
    offset: layout.offset,
    batchStride: layout.batchStride,
    headStride: layout.headStride,
    rowStride: layout.rowStride,
  });
  const out = output(backend, call.outShape, 'float32');
  const lse = output(backend, [batch * heads, tq], 'float32'); // (B·H, Tq) log-sum-exp per row
  const q = view(sources[call.q[0]]!, call.q[1]);
  const k = view(sources[call.k[0]]!, call.k[1]);
  const v = view(sources[call.v[0]]!, call.v[1]);
  const o = view(out, call.out);
  backend.attention!({ q, k, v, out: o, lse: lse.storage(fn) }, all);
  return record(fn, out, sources, (g, needs) => {
    const grads = sources.map((x) => output(backend, x.shape, 'float32')); // every element written
    const dq = view(grads[call.q[0]]!, call.q[1]);
    const dk = view(grads[call.k[0]]!, call.k[1]);
    const dv = view(grads[call.v[0]]!, call.v[1]);
    const dout = view(g, call.out);
    backend.attentionBackward!({ q, k, v, out: o, lse: lse.storage(fn), dout, dq, dk, dv }, all);
    return grads.map((d, i) => (needs[i] ? d : null));
  });
}

/** The `dropout` option, checked: a probability in [0, 1). */
function dropoutOf(fn: string, options: AttentionOptions): number {
  const p = options.dropout ?? 0;
  if (!(p >= 0 && p < 1)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'dropout must be a probability below 1', {
      fn,
      argument: 'options.dropout',
      expected: 'a number in [0, 1)',
      received: String(p),
    });
  }
  return p;
}

/**
 * Attention composed from the other ops, minGPT's lines with masks and dropout on the weights:
 * `matmul(dropout(softmax(maskedFill(scale · q kᵀ + additive mask))), v)` on `(…, Tq, d)` queries and
 * `(…, Tk, d)` keys, the rows with every key blocked set to 0.
 */
function composedAttention(
  fn: string,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  options: AttentionOptions & { causal: boolean; scale: number },
  p: number,
): AttentionWithWeights {
  const { causal, scale, mask = null, generator } = options;
  const tq = q.shape.at(-2)!;
  const tk = k.shape.at(-2)!;
  let scores = mul(matmul(q, k, { transposeB: true }), scale); // (…, Tq, Tk)
  if (mask && mask.dtype === 'float32') scores = add(scores, mask); // an additive mask
  const booleanMask = mask && mask.dtype !== 'float32' ? mask : null;
  let emptyRows: Tensor | null = null;
  if (booleanMask || causal) {
    const { shape, blocked, empty } = resolveBlocked(fn, booleanMask, causal, tq, tk);
    scores = maskedFill(scores, tensor(blocked, shape, 'int32'), Number.NEGATIVE_INFINITY); // (…, Tq, Tk)
    if (empty) emptyRows = tensor(empty, [...shape.slice(0, -1), 1], 'int32'); // (…, Tq, 1)
  }
  let weights = softmax(scores); // (…, Tq, Tk), each row sums to 1
  if (emptyRows) weights = maskedFill(weights, emptyRows, 0); // rows with nothing to attend to: 0, not NaN
  if (p > 0) weights = dropoutOp(weights, p, { generator: generator ?? getGenerator() });
  return { output: matmul(weights, v), weights }; // (…, Tq, dv), (…, Tq, Tk)
}

/**
 * Combines a boolean mask (1 = attend) broadcastable to `(…, Tq, Tk)` with the causal rule into one
 * "blocked" mask (1 = fill with −∞) of the broadcast shape, on the host, and finds the rows with nothing
 * left to attend to (`empty`, null when there is none).
 */
function resolveBlocked(
  fn: string,
  mask: Tensor | null,
  causal: boolean,
  tq: number,
  tk: number,
): { shape: number[]; blocked: Int32Array; empty: Int32Array | null } {
  const maskShape = mask ? [...mask.shape] : [];
  const rank = Math.max(2, maskShape.length);
  const padded = [...Array<number>(rank - maskShape.length).fill(1), ...maskShape];
  const shape = padded.map((n, i) => (i === rank - 2 ? tq : i === rank - 1 ? tk : n));
  const mRows = padded[rank - 2]!;
  const mCols = padded[rank - 1]!;
  if (mask && !((mCols === 1 || mCols === tk) && (mRows === 1 || mRows === tq))) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'the mask does not broadcast to the scores', {
      fn,
      argument: 'mask',
      expected: `a mask broadcastable to (…, ${tq}, ${tk})`,
      received: formatShape(mask.shape),
    });
  }
  const values = mask ? mask.data() : null;
  const lead = sizeOf(shape.slice(0, -2));
  const blocked = new Int32Array(lead * tq * tk);
  let empty: Int32Array | null = null;
  for (let b = 0; b < lead; b++) {
    for (let i = 0; i < tq; i++) {
      let open = 0;
      for (let j = 0; j < tk; j++) {
        const m = values ? values[(b * mRows + (mRows === 1 ? 0 : i)) * mCols + (mCols === 1 ? 0 : j)]! : 1;
        const isBlocked = m === 0 || (causal && j > i + tk - tq);
        blocked[(b * tq + i) * tk + j] = isBlocked ? 1 : 0;
        if (!isBlocked) open++;
      }
      if (open === 0) {
        empty ??= new Int32Array(lead * tq);
        empty[b * tq + i] = 1;
      }
    }
  }
  return { shape, blocked, empty };
}
