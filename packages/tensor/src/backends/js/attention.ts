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
  const { batch, heads, tq, tk, headSize: d, scale, causal } = attrs;
  const dropout = attrs.dropout ?? 0;
  const bh = batch * heads;
  const q = gatherHeads(inputs.q, batch, heads, tq, d); // (bh, tq, d)
  const k = gatherHeads(inputs.k, batch, heads, tk, d); // (bh, tk, d)
  const v = gatherHeads(inputs.v, batch, heads, tk, d); // (bh, tk, d)
  const out = new Float32Array(bh * tq * d); // (bh, tq, d)
  if (dropout > 0) {
    // out = dropout(softmax(scale · q kᵀ, causal)) v, the weights (bh, tq, tk) dropped with uniformAt(seed, index)
    const w = attentionWeights(q, k, inputs.lse, bh, tq, tk, d, scale, causal); // (bh, tq, tk)
    dropInPlace(w, dropout, attrs.seed ?? 0);
    for (let h = 0; h < bh; h++) {
      for (let i = 0; i < tq; i++) {
        for (let c = 0; c < d; c++) {
          let acc = 0;
          for (let j = 0; j < tk; j++) acc += w[(h * tq + i) * tk + j]! * v[(h * tk + j) * d + c]!;
          out[(h * tq + i) * d + c] = acc;
        }
      }
    }
  } else {
    attend(q, k, v, out, inputs.lse, bh, tq, tk, d, scale, causal);
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
  const { batch, heads, tq, tk, headSize: d, scale, causal } = attrs;
  const dropout = attrs.dropout ?? 0;
  const bh = batch * heads;
  const q = gatherHeads(inputs.q, batch, heads, tq, d); // (bh, tq, d)
  const k = gatherHeads(inputs.k, batch, heads, tk, d); // (bh, tk, d)
  const v = gatherHeads(inputs.v, batch, heads, tk, d); // (bh, tk, d)
  const dout = gatherHeads(inputs.dout, batch, heads, tq, d); // (bh, tq, d)
  const dq = new Float32Array(bh * tq * d); // (bh, tq, d)
  const dk = new Float32Array(bh * tk * d); // (bh, tk, d)
  const dv = new Float32Array(bh * tk * d); // (bh, tk, d)
  if (dropout > 0) {
    droppedBackward(q, k, v, dout, dq, dk, dv, bh, tq, tk, d, scale, causal, dropout, attrs.seed ?? 0);
  } else {
    const out = gatherHeads(inputs.out, batch, heads, tq, d); // (bh, tq, d)
    attendBackward(q, k, v, out, inputs.lse, dout, dq, dk, dv, bh, tq, tk, d, scale, causal);
  }
  scatterHeads(dq, inputs.dq, batch, heads, tq, d);
  scatterHeads(dk, inputs.dk, batch, heads, tk, d);
  scatterHeads(dv, inputs.dv, batch, heads, tk, d);
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
  const { storage: x, offset, batchStride, headStride, rowStride } = view;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < rows; i++) {
        const from = offset + b * batchStride + h * headStride + i * rowStride;
        const to = ((b * heads + h) * rows + i) * d;
        for (let c = 0; c < d; c++) y[to + c] = x[from + c]!;
      }
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
  const { storage: x, offset, batchStride, headStride, rowStride } = view;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < rows; i++) {
        const to = offset + b * batchStride + h * headStride + i * rowStride;
        const from = ((b * heads + h) * rows + i) * d;
        for (let c = 0; c < d; c++) x[to + c] = y[from + c]!;
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

/** Attention without dropout on contiguous heads, in float64: `out` `(bh, tq, d)` and `lse` `(bh, tq)`. */
function attend(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  out: Float32Array,
  lse: Float32Array,
  bh: number,
  tq: number,
  tk: number,
  d: number,
  scale: number,
  causal: boolean,
): void {
  const s = new Float64Array(tk); // one row of scores
  for (let h = 0; h < bh; h++) {
    const qo = h * tq * d;
    const ko = h * tk * d;
    for (let i = 0; i < tq; i++) {
      const end = keyEnd(i, tq, tk, causal);
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < end; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[qo + i * d + c]! * k[ko + j * d + c]!;
        s[j] = dot * scale; // s_ij = scale · q_i · k_j
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
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  bh: number,
  tq: number,
  tk: number,
  d: number,
  scale: number,
  causal: boolean,
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
      let bigD = 0;
      for (let c = 0; c < d; c++) bigD += dout[qo + i * d + c]! * out[qo + i * d + c]!;
      dqRow.fill(0);
      for (let j = 0; j < end; j++) {
        let dot = 0;
        let dp = 0;
        for (let c = 0; c < d; c++) {
          dot += q[qo + i * d + c]! * k[ko + j * d + c]!;
          dp += dout[qo + i * d + c]! * v[ko + j * d + c]!;
        }
        const p = Math.exp(dot * scale - lse[h * tq + i]!);
        const ds = p * (dp - bigD);
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
  bh: number,
  tq: number,
  tk: number,
  d: number,
  scale: number,
  causal: boolean,
): Float32Array {
  const w = new Float32Array(bh * tq * tk);
  const s = new Float64Array(tk);
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < tq; i++) {
      const end = keyEnd(i, tq, tk, causal);
      let max = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < end; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q[(h * tq + i) * d + c]! * k[(h * tk + j) * d + c]!;
        s[j] = dot * scale;
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
  dq: Float32Array,
  dk: Float32Array,
  dv: Float32Array,
  bh: number,
  tq: number,
  tk: number,
  d: number,
  scale: number,
  causal: boolean,
  dropout: number,
  seed: number,
): void {
  const w = attentionWeights(q, k, null, bh, tq, tk, d, scale, causal); // (bh, tq, tk)
  const wd = Float32Array.from(w);
  dropInPlace(wd, dropout, seed);
  const dw = new Float32Array(w.length); // (bh, tq, tk)
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < tq; i++) {
      for (let j = 0; j < tk; j++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += dout[(h * tq + i) * d + c]! * v[(h * tk + j) * d + c]!;
        dw[(h * tq + i) * tk + j] = dot;
      }
    }
    for (let j = 0; j < tk; j++) {
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let i = 0; i < tq; i++) acc += wd[(h * tq + i) * tk + j]! * dout[(h * tq + i) * d + c]!;
        dv[(h * tk + j) * d + c] = acc;
      }
    }
  }
  dropInPlace(dw, dropout, seed);
  const ds = new Float64Array(w.length); // (bh, tq, tk)
  for (let r = 0; r < bh * tq; r++) {
    let total = 0;
    for (let j = 0; j < tk; j++) total += w[r * tk + j]! * dw[r * tk + j]!;
    for (let j = 0; j < tk; j++) ds[r * tk + j] = w[r * tk + j]! * (dw[r * tk + j]! - total);
  }
  for (let h = 0; h < bh; h++) {
    for (let i = 0; i < tq; i++) {
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let j = 0; j < tk; j++) acc += ds[(h * tq + i) * tk + j]! * k[(h * tk + j) * d + c]!;
        dq[(h * tq + i) * d + c] = acc * scale;
      }
    }
    for (let j = 0; j < tk; j++) {
      for (let c = 0; c < d; c++) {
        let acc = 0;
        for (let i = 0; i < tq; i++) acc += ds[(h * tq + i) * tk + j]! * q[(h * tq + i) * d + c]!;
        dk[(h * tk + j) * d + c] = acc * scale;
      }
    }
  }
}
