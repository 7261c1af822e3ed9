/**
 * The `js` reference of the strided attention kernels (`Backend.attention`, `Backend.attentionBackward`):
 * the definition every other backend is checked against, written for reading, not speed.
 *
 * Follows docs/backend-contract.md ("Attention"): each operand is gathered out of its {@link AttentionView}
 * into contiguous `(batch·heads, rows, headSize)` heads, attention runs on those in float64 (the scores, the
 * softmax and every sum), and the results are scattered back through the output views. With dropout, the
 * weights are materialised in float32 and dropped exactly as the `dropout` kernel drops them.
 */

import {
  type AttentionAttrs,
  type AttentionBackwardInputs,
  type AttentionInputs,
  type AttentionView,
  uniformAt,
} from '../../backend.js';

/**
 * The forward of {@link Backend.attention} on typed arrays.
 *
 * @param inputs - The views of `q`, `k`, `v`, `out` and the `lse` storage `(batch, heads, tq)`.
 * @param attrs - Shapes, scale, causal rule, dropout and seed.
 * @returns Nothing; writes the `out` view and `lse`.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * const view = (storage: Float32Array) => ({ storage, offset: 0, batchStride: 2, headStride: 2, rowStride: 2 });
 * const out = new Float32Array(2);
 * createJsBackend().attention(
 *   { q: view(new Float32Array([1, 0])), k: view(new Float32Array([1, 0])), v: view(new Float32Array([3, 4])), out: view(out), lse: new Float32Array(1) },
 *   { batch: 1, heads: 1, tq: 1, tk: 1, headSize: 2, scale: 1, causal: false },
 * );
 * console.log(Array.from(out)); // → [ 3, 4 ]
 * ```
 */
export function attentionReference(inputs: AttentionInputs<Float32Array>, attrs: AttentionAttrs): void {
  const { batch, heads, tq, headSize: d } = attrs;
  const dropout = attrs.dropout ?? 0;
  const { q, k, v, sizes } = gatherOperands(inputs, attrs);
  const out = new Float32Array(sizes.bh * tq * d); // (bh, tq, d)
  if (dropout > 0) {
    // out = dropout(softmax(scale · q kᵀ, causal)) v, the weights (bh, tq, tk) dropped with uniformAt(seed, index)
    const w = attentionWeights(q, k, inputs.lse, sizes); // (bh, tq, tk)
    dropInPlace(w, dropout, attrs.seed ?? 0);
    weightsTimesRows(w, v, out, sizes, false);
  } else {
    attend(q, k, v, out, inputs.lse, sizes);
  }
  scatterHeads(out, inputs.out, batch, heads, tq, d);
}

/**
 * The backward of {@link Backend.attention} on typed arrays: writes every element of the `dq`, `dk`, `dv`
 * views.
 *
 * @param inputs - The forward's views and `lse`, the gradient view `dout` and the views `dq`, `dk`, `dv`.
 * @param attrs - The forward's attributes.
 * @returns Nothing.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * const view = (storage: Float32Array) => ({ storage, offset: 0, batchStride: 1, headStride: 1, rowStride: 1 });
 * const [q, k, v, out, dout, dq, dk, dv] = [[1], [1], [2], [2], [1], [0], [0], [0]].map((x) => new Float32Array(x));
 * createJsBackend().attentionBackward(
 *   { q: view(q!), k: view(k!), v: view(v!), out: view(out!), lse: new Float32Array([1]), dout: view(dout!), dq: view(dq!), dk: view(dk!), dv: view(dv!) },
 *   { batch: 1, heads: 1, tq: 1, tk: 1, headSize: 1, scale: 1, causal: true },
 * );
 * console.log(dq![0], dv![0]); // → 0 1
 * ```
 */
export function attentionBackwardReference(
  inputs: AttentionBackwardInputs<Float32Array>,
  attrs: AttentionAttrs,
): void {
  const { batch, heads, tq, tk, headSize: d } = attrs;
  const dropout = attrs.dropout ?? 0;
  const { q, k, v, sizes } = gatherOperands(inputs, attrs);
  const dout = gatherHeads(inputs.dout, batch, heads, tq, d); // (bh, tq, d)
  const grads = {
    dq: new Float32Array(sizes.bh * tq * d), // (bh, tq, d)
    dk: new Float32Array(sizes.bh * tk * d), // (bh, tk, d)
    dv: new Float32Array(sizes.bh * tk * d), // (bh, tk, d)
  };
  if (dropout > 0) {
    droppedBackward(q, k, v, dout, grads, sizes, dropout, attrs.seed ?? 0);
  } else {
    const out = gatherHeads(inputs.out, batch, heads, tq, d); // (bh, tq, d)
    attendBackward(q, k, v, out, inputs.lse, dout, grads, sizes);
  }
  scatterHeads(grads.dq, inputs.dq, batch, heads, tq, d);
  scatterHeads(grads.dk, inputs.dk, batch, heads, tk, d);
  scatterHeads(grads.dv, inputs.dv, batch, heads, tk, d);
}

/** The sizes of an attention call on contiguous heads: `bh` = batch · heads, queries, keys, head size. */
interface Sizes {
  bh: number;
  tq: number;
  tk: number;
  d: number;
  scale: number;
  causal: boolean;
}

/** The gradients `dq` `(bh, tq, d)`, `dk` and `dv` `(bh, tk, d)` on contiguous heads. */
interface Grads {
  dq: Float32Array;
  dk: Float32Array;
  dv: Float32Array;
}

/** The call's {@link Sizes}, and q `(bh, tq, d)`, k and v `(bh, tk, d)` gathered into contiguous heads. */
function gatherOperands(
  inputs: Pick<AttentionInputs<Float32Array>, 'q' | 'k' | 'v'>,
  attrs: AttentionAttrs,
): { q: Float32Array; k: Float32Array; v: Float32Array; sizes: Sizes } {
  const { batch, heads, tq, tk, headSize: d, scale, causal } = attrs;
  return {
    q: gatherHeads(inputs.q, batch, heads, tq, d),
    k: gatherHeads(inputs.k, batch, heads, tk, d),
    v: gatherHeads(inputs.v, batch, heads, tk, d),
    sizes: { bh: batch * heads, tq, tk, d, scale, causal },
  };
}

/** The operand seen through `view` as contiguous `(batch·heads, rows, d)` heads. */
function gatherHeads(
  view: AttentionView<Float32Array>,
  batch: number,
  heads: number,
  rows: number,
  d: number,
): Float32Array {
  const y = new Float32Array(batch * heads * rows * d);
  forEachRow(view, batch, heads, rows, d, (x, from, to) => {
    for (let c = 0; c < d; c++) y[to + c] = x[from + c]!;
  });
  return y;
}

/** The inverse of {@link gatherHeads}: writes contiguous `(batch·heads, rows, d)` `y` through `view`. */
function scatterHeads(
  y: Float32Array,
  view: AttentionView<Float32Array>,
  batch: number,
  heads: number,
  rows: number,
  d: number,
): void {
  forEachRow(view, batch, heads, rows, d, (x, at, from) => {
    for (let c = 0; c < d; c++) x[at + c] = y[from + c]!;
  });
}

/** Calls `fn(storage, at, row)` for each row: `at` its start in the view's storage, `row` in contiguous heads. */
function forEachRow(
  view: AttentionView<Float32Array>,
  batch: number,
  heads: number,
  rows: number,
  d: number,
  fn: (storage: Float32Array, at: number, row: number) => void,
): void {
  const { storage, offset, batchStride, headStride, rowStride } = view;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < rows; i++) {
        fn(
          storage,
          offset + b * batchStride + h * headStride + i * rowStride,
          ((b * heads + h) * rows + i) * d,
        );
      }
}

/** Query `i`'s visible keys `[0, end)`: all `tk`, or under the causal rule `j ≤ i + (tk − tq)`. */
function keyEnd(i: number, tq: number, tk: number, causal: boolean): number {
  return causal ? Math.min(tk, Math.max(0, i + tk - tq + 1)) : tk;
}

/** The `dropout` kernel in place: keep `w[i]` when `uniformAt(seed, i) ≥ p`, scaled by `1/(1 − p)`. */
function dropInPlace(w: Float32Array, p: number, seed: number): void {
  const scale = 1 / (1 - p);
  for (let i = 0; i < w.length; i++) w[i] = uniformAt(seed, i) >= p ? w[i]! * scale : 0;
}

/** `Σ_c a[ai + c] · b[bi + c]` over `d` elements, in float64: the dot product of two rows. */
function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, d: number): number {
  let sum = 0;
  for (let c = 0; c < d; c++) sum += a[ai + c]! * b[bi + c]!;
  return sum;
}

/**
 * Weights `w` `(bh, tq, tk)` times rows `x`, scaled by `factor`: `out[h, i] = Σ_j w[h, i, j] x[h, j]` `(bh, tq, d)`
 * from `x` `(bh, tk, d)`; with `transposed`, `out[h, j] = Σ_i w[h, i, j] x[h, i]` `(bh, tk, d)` from `(bh, tq, d)`.
 */
function weightsTimesRows(
  w: ArrayLike<number>,
  x: Float32Array,
  out: Float32Array,
  { bh, tq, tk, d }: Sizes,
  transposed: boolean,
  factor = 1,
): void {
  const [rows, inner] = transposed ? [tk, tq] : [tq, tk];
  const [rowStride, innerStride] = transposed ? [1, tk] : [tk, 1]; // of w, for an out row and an inner index
  for (let h = 0; h < bh; h++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let m = 0; m < inner; m++) {
          acc += w[h * tq * tk + r * rowStride + m * innerStride]! * x[(h * inner + m) * d + c]!;
        }
        out[(h * rows + r) * d + c] = acc * factor;
      }
    }
  }
}

/** Attention without dropout on contiguous heads, in float64: `out` `(bh, tq, d)` and `lse` `(bh, tq)`. */
function attend(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  out: Float32Array,
  lse: Float32Array,
  { bh, tq, tk, d, scale, causal }: Sizes,
): void {
  const s = new Float64Array(tk);
  for (let h = 0; h < bh; h++) {
    const qo = h * tq * d;
    const ko = h * tk * d;
    for (let i = 0; i < tq; i++) {
      const end = keyEnd(i, tq, tk, causal);
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < end; j++) {
        s[j] = dot(q, qo + i * d, k, ko + j * d, d) * scale; // s_ij = scale · q_i · k_j
        max = Math.max(max, s[j]!);
      }
      let sum = 0;
      for (let j = 0; j < end; j++) {
        s[j] = Math.exp(s[j]! - max); // unnormalised weights
        sum += s[j]!;
      }
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let j = 0; j < end; j++) acc += s[j]! * v[ko + j * d + c]!;
        out[qo + i * d + c] = end > 0 ? acc / sum : 0; // out_i = Σ_j p_ij v_j (0 when no key is visible)
      }
      lse[h * tq + i] = end > 0 ? max + Math.log(sum) : Number.NEGATIVE_INFINITY; // log Σ_j exp(s_ij)
    }
  }
}

/** The backward of {@link attend}, recomputing the weights from `lse`. */
function attendBackward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  out: Float32Array,
  lse: Float32Array,
  dout: Float32Array,
  { dq, dk, dv }: Grads,
  { bh, tq, tk, d, scale, causal }: Sizes,
): void {
  // With p_ij = exp(s_ij - lse_i): dv_j = Σ_i p_ij do_i; dp_ij = do_i · v_j; D_i = Σ_j p_ij dp_ij = do_i · out_i;
  // ds_ij = p_ij (dp_ij - D_i); dq_i = scale Σ_j ds_ij k_j; dk_j = scale Σ_i ds_ij q_i.
  const dkAcc = new Float64Array(tk * d);
  const dvAcc = new Float64Array(tk * d);
  const dqRow = new Float64Array(d);
  for (let h = 0; h < bh; h++) {
    const qo = h * tq * d;
    const ko = h * tk * d;
    dkAcc.fill(0);
    dvAcc.fill(0);
    for (let i = 0; i < tq; i++) {
      const end = keyEnd(i, tq, tk, causal);
      const bigD = dot(dout, qo + i * d, out, qo + i * d, d);
      dqRow.fill(0);
      for (let j = 0; j < end; j++) {
        const p = Math.exp(dot(q, qo + i * d, k, ko + j * d, d) * scale - lse[h * tq + i]!);
        const ds = p * (dot(dout, qo + i * d, v, ko + j * d, d) - bigD);
        for (let c = 0; c < d; c++) {
          dvAcc[j * d + c]! += p * dout[qo + i * d + c]!;
          dqRow[c]! += ds * k[ko + j * d + c]!;
          dkAcc[j * d + c]! += ds * q[qo + i * d + c]!;
        }
      }
      for (let c = 0; c < d; c++) dq[qo + i * d + c] = dqRow[c]! * scale;
    }
    for (let x = 0; x < tk * d; x++) {
      dk[ko + x] = dkAcc[x]! * scale;
      dv[ko + x] = dvAcc[x]!;
    }
  }
}

/** The weights `(bh, tq, tk)` = softmax(scale · q kᵀ, causal) as float32 (0 where masked), saving `lse`. */
function attentionWeights(
  q: Float32Array,
  k: Float32Array,
  lse: Float32Array | null,
  sizes: Sizes,
): Float32Array {
  const { bh, tq, tk, d, scale, causal } = sizes;
  const w = new Float32Array(bh * tq * tk);
  const s = new Float64Array(tk);
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < tq; i++) {
      const end = keyEnd(i, tq, tk, causal);
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < end; j++) {
        s[j] = dot(q, (h * tq + i) * d, k, (h * tk + j) * d, d) * scale;
        max = Math.max(max, s[j]!);
      }
      let sum = 0;
      for (let j = 0; j < end; j++) sum += Math.exp(s[j]! - max);
      for (let j = 0; j < end; j++) w[(h * tq + i) * tk + j] = Math.exp(s[j]! - max) / sum;
      if (lse) lse[h * tq + i] = end > 0 ? max + Math.log(sum) : Number.NEGATIVE_INFINITY;
    }
  }
  return w;
}

/**
 * Backward of attention with dropout on its weights: with w the weights and wd = dropout(w),
 * dv = wdᵀ dout, dw = dropout(dout vᵀ) (the same mask and scale), ds = w ⊙ (dw − Σ_j w·dw),
 * dq = scale · ds k, dk = scale · dsᵀ q.
 */
function droppedBackward(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  dout: Float32Array,
  { dq, dk, dv }: Grads,
  sizes: Sizes,
  dropout: number,
  seed: number,
): void {
  const { bh, tq, tk, d, scale } = sizes;
  const w = attentionWeights(q, k, null, sizes); // (bh, tq, tk)
  const wd = Float32Array.from(w);
  dropInPlace(wd, dropout, seed);
  weightsTimesRows(wd, dout, dv, sizes, true); // dv = wdᵀ dout: (bh, tk, d)
  const dw = new Float32Array(w.length); // (bh, tq, tk) = dout vᵀ
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < tq; i++) {
      for (let j = 0; j < tk; j++)
        dw[(h * tq + i) * tk + j] = dot(dout, (h * tq + i) * d, v, (h * tk + j) * d, d);
    }
  }
  dropInPlace(dw, dropout, seed);
  const ds = new Float64Array(w.length); // (bh, tq, tk)
  for (let r = 0; r < bh * tq; r++) {
    let total = 0;
    for (let j = 0; j < tk; j++) total += w[r * tk + j]! * dw[r * tk + j]!;
    for (let j = 0; j < tk; j++) ds[r * tk + j] = w[r * tk + j]! * (dw[r * tk + j]! - total);
  }
  weightsTimesRows(ds, k, dq, sizes, false, scale); // dq = scale · ds k: (bh, tq, d)
  weightsTimesRows(ds, q, dk, sizes, true, scale); // dk = scale · dsᵀ q: (bh, tk, d)
}
