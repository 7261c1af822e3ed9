/**
 * The `wasm` backend's attention kernels: the strided attention kernel and its backward.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/attention.ts (scaledSoftmax, softmaxBackwardScaled) and the matmul of assembly/matmul.ts
 * (docs/wasm-kernels.md), with the parts of a split call in assembly/parts.ts. The `js` reference of each
 * kernel is packages/tensor/src/backends/js/attention.ts.
 */

import type { AttentionAttrs, AttentionBackwardInputs, AttentionInputs, AttentionView } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { SPLIT_ELEMENTS } from './runtime.js';

/**
 * Attention through strided views (docs/backend-contract.md): every matmul runs over batch × heads as
 * `outer × inner` with the views' strides and row strides, so the plain `(B·H, T, d)`, packed
 * `(B, T, 3C)` and split `(B, T, C)` layouts are read and written in place (no split, head transpose or
 * concat is copied). The weights `(batch, heads, tq, tk)` live in a temporary buffer; `lse` is not written
 * (the backward recomputes the weights from q and k, which saves a log per row).
 */
export function attention(
  rt: WasmRuntime,
  inputs: AttentionInputs<WasmStorage>,
  attrs: AttentionAttrs,
): void {
  const { batch, heads, tq, tk, headSize: d } = attrs;
  if (batch === 0 || heads === 0 || tq === 0) return;
  const { v, out } = inputs;
  if (tk === 0) {
    fillView(rt, out, batch, heads, tq, d); // no key: a zero output
    return;
  }
  const n = batch * heads * tq * tk;
  const p = rt.temp(n); // (batch, heads, tq, tk) attention weights
  attentionWeights(rt, inputs, p, attrs);
  if ((attrs.dropout ?? 0) > 0) dropWeights(rt, p, p, n, attrs);
  rt.ensureScratch(tk);
  const sP = [heads * tq * tk, tq * tk] as const; // (outer, inner) strides of the weights
  // out[b, h] = p[b, h] @ v[b, h]: (tq, tk) @ (tk, d)
  rt.mm(
    p,
    at(v),
    at(out),
    tq,
    tk,
    d,
    0,
    0,
    tk,
    v.rowStride,
    out.rowStride,
    batch,
    sP[0],
    v.batchStride,
    out.batchStride,
    heads,
    sP[1],
    v.headStride,
    out.headStride,
    0,
    rt.scratch,
    0,
  );
  rt.allocator.free(p);
}

/**
 * The backward of {@link WasmBackend.attention}: dq, dk, dv through their views from dout. With dropout,
 * dv = dropout(p)ᵀ dout and the weights' gradient dout vᵀ goes back through the same mask before the
 * softmax backward.
 */
export function attentionBackward(
  rt: WasmRuntime,
  inputs: AttentionBackwardInputs<WasmStorage>,
  attrs: AttentionAttrs,
): void {
  const { batch, heads, tq, tk, headSize: d, scale } = attrs;
  if (batch === 0 || heads === 0) return;
  const { q, k, v, dout, dq, dk, dv } = inputs;
  if (tq === 0 || tk === 0) {
    fillView(rt, dq, batch, heads, tq, d); // nothing attended: zero gradients
    fillView(rt, dk, batch, heads, tk, d);
    fillView(rt, dv, batch, heads, tk, d);
    return;
  }
  const dropout = attrs.dropout ?? 0;
  const n = batch * heads * tq * tk;
  const p = rt.temp(n); // (batch, heads, tq, tk) the weights, recomputed
  const ds = rt.temp(n); // dp, then ds in place
  const dropped = dropout > 0 ? rt.temp(n) : p; // dropout(p): the weights the forward multiplied v by
  attentionWeights(rt, inputs, p, attrs);
  if (dropout > 0) dropWeights(rt, p, dropped, n, attrs);
  rt.ensureScratch(Math.max(tq, tk, d));
  const sc = rt.scratch;
  const sP = [heads * tq * tk, tq * tk] as const; // (outer, inner) strides of p and ds
  // dv = dropout(p)ᵀ @ dout: (tq, tk)ᵀ @ (tq, d)
  rt.mm(
    dropped,
    at(dout),
    at(dv),
    tk,
    tq,
    d,
    1,
    0,
    tk,
    dout.rowStride,
    dv.rowStride,
    batch,
    sP[0],
    dout.batchStride,
    dv.batchStride,
    heads,
    sP[1],
    dout.headStride,
    dv.headStride,
    0,
    sc,
    0,
  );
  // dp = dout @ vᵀ: (tq, d) @ (tk, d)ᵀ
  rt.mm(
    at(dout),
    at(v),
    ds,
    tq,
    d,
    tk,
    0,
    1,
    dout.rowStride,
    v.rowStride,
    tk,
    batch,
    dout.batchStride,
    v.batchStride,
    sP[0],
    heads,
    dout.headStride,
    v.headStride,
    sP[1],
    0,
    sc,
    0,
  );
  if (dropout > 0) dropWeights(rt, ds, ds, n, attrs); // the gradient of p, through the same mask
  // ds = scale · p · (dp − Σ_j p·dp): the softmax backward (masked weights are 0, so their ds is 0)
  rt.inParts('softmaxBackwardScaledPart', n, SPLIT_ELEMENTS, [p, ds, ds, batch * heads * tq, tk, scale]);
  // dq = ds @ k: (tq, tk) @ (tk, d)
  rt.mm(
    ds,
    at(k),
    at(dq),
    tq,
    tk,
    d,
    0,
    0,
    tk,
    k.rowStride,
    dq.rowStride,
    batch,
    sP[0],
    k.batchStride,
    dq.batchStride,
    heads,
    sP[1],
    k.headStride,
    dq.headStride,
    0,
    sc,
    0,
  );
  // dk = dsᵀ @ q: (tq, tk)ᵀ @ (tq, d)
  rt.mm(
    ds,
    at(q),
    at(dk),
    tk,
    tq,
    d,
    1,
    0,
    tk,
    q.rowStride,
    dk.rowStride,
    batch,
    sP[0],
    q.batchStride,
    dk.batchStride,
    heads,
    sP[1],
    q.headStride,
    dk.headStride,
    0,
    sc,
    0,
  );
  rt.allocator.free(p);
  if (dropped !== p) rt.allocator.free(dropped);
  rt.allocator.free(ds);
}

/** p (batch, heads, tq, tk) = softmax(scale · q kᵀ, causal), q and k read through their views. */
function attentionWeights(
  rt: WasmRuntime,
  { q, k }: AttentionInputs<WasmStorage>,
  p: number,
  attrs: AttentionAttrs,
): void {
  const { batch, heads, tq, tk, headSize: d, scale, causal } = attrs;
  rt.ensureScratch(d);
  // scores[b, h] = q[b, h] @ k[b, h]ᵀ: (tq, d) @ (tk, d)ᵀ
  rt.mm(
    at(q),
    at(k),
    p,
    tq,
    d,
    tk,
    0,
    1,
    q.rowStride,
    k.rowStride,
    tk,
    batch,
    q.batchStride,
    k.batchStride,
    heads * tq * tk,
    heads,
    q.headStride,
    k.headStride,
    tq * tk,
    0,
    rt.scratch,
    0,
  );
  rt.inParts('scaledSoftmaxPart', batch * heads * tq * tk, SPLIT_ELEMENTS, [
    p,
    p,
    0, // no lse: the backward recomputes the weights
    batch * heads,
    tq,
    tk,
    scale,
    causal ? 1 : 0,
  ]);
}

/**
 * Dropout of `n` attention weights at `p` into `out` (may be `p`), with the `dropout` kernel's mask over
 * their (batch, heads, tq, tk) layout: the same mask as the `dropout` op on the materialised weights.
 */
function dropWeights(rt: WasmRuntime, p: number, out: number, n: number, attrs: AttentionAttrs): void {
  const dropout = attrs.dropout ?? 0;
  // keep element i when its 32-bit hash is ≥ ⌈p·2³²⌉ (= uniformAt(seed, i) ≥ p, see assembly/random.ts)
  const threshold = Math.ceil(dropout * 4294967296);
  const seed = (attrs.seed ?? 0) >>> 0;
  rt.inParts('dropoutPart', n, SPLIT_ELEMENTS, [p, out, n, threshold, 1 / (1 - dropout), seed]);
}

/** Writes zeros through `view`, a `(batch, heads, rows, d)` operand. */
function fillView(
  rt: WasmRuntime,
  view: AttentionView<WasmStorage>,
  batch: number,
  heads: number,
  rows: number,
  d: number,
): void {
  const F = rt.F;
  const base = (view.storage.ptr >> 2) + view.offset;
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++)
      for (let i = 0; i < rows; i++) {
        const o = base + b * view.batchStride + h * view.headStride + i * view.rowStride;
        F.fill(0, o, o + d);
      }
}

/** The byte address of a view's first element. */
function at(view: AttentionView<WasmStorage>): number {
  return view.storage.ptr + 4 * view.offset;
}
