/**
 * One fused attention kernel, forward and backward, in WGSL: every operand read and written through its
 * strided `AttentionView` (the plain, packed `qkv` and split layouts without a copy), causal masking with a
 * KV cache (`tq ≤ tk`), and dropout on the weights with the counter-based mask of the `dropout` kernel.
 *
 * Follows FlashAttention-2's split of the work (Dao, 2023), cut down to one query (or key) row per
 * workgroup: the forward computes a row's max and log-sum-exp, then accumulates `Σ p_ij v_j` over chunks of
 * 64 keys staged in workgroup memory, and saves the log-sum-exp; the backward recomputes the weights from it,
 * first per query row (`D_i = dout_i·out_i` and `dq`), then per key row (`dk`, `dv`), so no atomics are
 * needed. The reference is `@lxmls/tensor`'s `backends/js/attention.ts`.
 */

import type { AttentionAttrs, AttentionBackwardInputs, AttentionInputs, AttentionView } from '@lxmls/tensor';
import { LxmlsBackendWebgpuError } from '../errors.js';
import { f32bits, type GpuStorage, type Operand, type Runtime } from '../runtime.js';
import { HASH, keepThreshold, MATH } from './elementwise.js';
import { ROW } from './softmax.js';

/** The largest head size (four columns per thread of 64). */
const MAX_HEAD = 256;

/** Parameter words: 0 batch·heads… see `common`; each view's offset and strides from word 12. */
function viewWords(view: AttentionView<GpuStorage>): number[] {
  return [view.offset, view.batchStride, view.headStride, view.rowStride];
}

/** The operands of an attention kernel, `$name` bound to each view's storage (or a plain storage): `reads`, then `writes`. */
function bind<T extends object>(
  named: T,
  reads: readonly (keyof T)[],
  writes: readonly (keyof T)[],
): Operand[] {
  const storage = (name: keyof T) => {
    const x = named[name] as AttentionView<GpuStorage> | GpuStorage;
    return 'batchStride' in x ? x.storage : x;
  };
  return [
    ...reads.map((name) => ({ name: String(name), storage: storage(name) })),
    ...writes.map((name) => ({ name: String(name), storage: storage(name), write: true })),
  ];
}

/** WGSL shared by the three kernels: the attributes, the view addressing and the dropout factor. */
const COMMON = /* wgsl */ `
fn heads() -> u32 { return pu(1u); }
fn tq() -> u32 { return pu(2u); }
fn tk() -> u32 { return pu(3u); }
fn hd() -> u32 { return pu(4u); }
fn scale() -> f32 { return pf(5u); }
fn keyEnd(i: u32) -> u32 {
  // causal: query i sees keys j ≤ i + (tk − tq)
  if (pu(6u) == 0u) { return tk(); }
  return u32(clamp(i32(i) + i32(tk()) - i32(tq()) + 1, 0, i32(tk())));
}
fn firstQuery(j: u32) -> u32 {
  // the first query that sees key j: i + tk − tq ≥ j
  if (pu(6u) == 0u) { return 0u; }
  return u32(max(i32(j) - i32(tk()) + i32(tq()), 0));
}
// element (bh, row, 0) of the view whose words start at w
fn at(w: u32, bh: u32, row: u32) -> u32 {
  let b = bh / heads();
  let h = bh % heads();
  return pu(w) + b * pu(w + 1u) + h * pu(w + 2u) + row * pu(w + 3u);
}
// the dropout factor of weight (bh, i, j): 0 or 1/(1 − p); 1 without dropout
fn dropFactor(bh: u32, i: u32, j: u32) -> f32 {
  if (pu(7u) == 0u) { return 1.0; }
  if (pu(10u) != 0u) { return 0.0; }
  let idx = (bh * tq() + i) * tk() + j;
  return select(0.0, pf(9u), hashAt(pu(8u), idx) >= pu(11u));
}
var<workgroup> rowA: array<f32, ${MAX_HEAD}>;
var<workgroup> rowB: array<f32, ${MAX_HEAD}>;
var<workgroup> w1: array<f32, 64>;
var<workgroup> w2: array<f32, 64>;
`;

function common(attrs: AttentionAttrs): number[] {
  const { batch, heads, tq, tk, headSize, scale, causal } = attrs;
  const p = attrs.dropout ?? 0;
  const { threshold, dropAll } = keepThreshold(p);
  if (headSize > MAX_HEAD) {
    throw new LxmlsBackendWebgpuError('UNSUPPORTED', 'the head size is too large for the attention kernel', {
      fn: 'attention',
      argument: 'headSize',
      expected: `at most ${MAX_HEAD}`,
      received: String(headSize),
    });
  }
  return [
    batch * heads,
    heads,
    tq,
    tk,
    headSize,
    f32bits(scale),
    causal ? 1 : 0,
    p > 0 ? 1 : 0,
    (attrs.seed ?? 0) >>> 0,
    f32bits(p > 0 ? 1 / (1 - p) : 1),
    dropAll ? 1 : 0,
    threshold,
  ];
}

/** WGSL of a query row's start: its head `bh` and row `i` from `index`, the head size, its keys, its offset. */
function queryRow(index: string): string {
  return `let bh = ${index} / tq();
  let i = ${index} % tq();
  if (bh >= pu(0u)) { return; }
  let d = hd();
  let end = keyEnd(i);
  let qo = at(12u, bh, i);`;
}

/** WGSL of the `simple` variant's private accumulators (one thread per row, no workgroup memory). */
const PRIVATE = /* wgsl */ `
var<private> accA: array<f32, ${MAX_HEAD}>;
var<private> accB: array<f32, ${MAX_HEAD}>;
`;

/** The forward in the `simple` variant: one thread per query row, an online softmax. */
const SIMPLE_FORWARD = /* wgsl */ `
  ${queryRow('gid')}
  for (var c = 0u; c < d; c++) { accA[c] = 0.0; }
  var m = -inff();
  var l = 0.0;
  for (var j = 0u; j < end; j++) {
    let ko = at(16u, bh, j);
    var s = 0.0;
    for (var c = 0u; c < d; c++) { s = fma($q[qo + c], $k[ko + c], s); }
    s = s * scale();
    if (s > m) {
      let r = exp(m - s);
      l = l * r;
      for (var c = 0u; c < d; c++) { accA[c] = accA[c] * r; }
      m = s;
    }
    let p = exp(s - m);
    l += p;
    let pd = p * dropFactor(bh, i, j);
    let vo = at(20u, bh, j);
    for (var c = 0u; c < d; c++) { accA[c] = fma(pd, $v[vo + c], accA[c]); }
  }
  let oo = at(24u, bh, i);
  for (var c = 0u; c < d; c++) { $out[oo + c] = select(0.0, accA[c] / l, end > 0u); }
  $lse[gid] = select(-inff(), m + log(l), end > 0u);`;

/** The backward's query pass in the `simple` variant: `D_i` and `dq_i`, one thread per query row. */
const SIMPLE_QUERY = /* wgsl */ `
  ${queryRow('gid')}
  let go = at(28u, bh, i);
  let oo = at(24u, bh, i);
  var dd = 0.0;
  for (var c = 0u; c < d; c++) { dd = fma($dout[go + c], $out[oo + c], dd); accA[c] = 0.0; }
  $bigD[gid] = dd;
  let l = $lse[gid];
  for (var j = 0u; j < end; j++) {
    let ko = at(16u, bh, j);
    let vo = at(20u, bh, j);
    var s = 0.0; var dp = 0.0;
    for (var c = 0u; c < d; c++) { s = fma($q[qo + c], $k[ko + c], s); dp = fma($dout[go + c], $v[vo + c], dp); }
    let p = exp(s * scale() - l);
    let ds = p * (dp * dropFactor(bh, i, j) - dd);
    for (var c = 0u; c < d; c++) { accA[c] = fma(ds, $k[ko + c], accA[c]); }
  }
  let qo2 = at(32u, bh, i);
  for (var c = 0u; c < d; c++) { $dq[qo2 + c] = accA[c] * scale(); }`;

/** The backward's key pass in the `simple` variant: `dk_j`, `dv_j`, one thread per key row. */
const SIMPLE_KEY = /* wgsl */ `
  let bh = gid / tk();
  let j = gid % tk();
  if (bh >= pu(0u)) { return; }
  let d = hd();
  let ko = at(16u, bh, j);
  let vo = at(20u, bh, j);
  for (var c = 0u; c < d; c++) { accA[c] = 0.0; accB[c] = 0.0; }
  for (var i = firstQuery(j); i < tq(); i++) {
    let qo = at(12u, bh, i);
    let go = at(28u, bh, i);
    var s = 0.0; var dp = 0.0;
    for (var c = 0u; c < d; c++) { s = fma($q[qo + c], $k[ko + c], s); dp = fma($dout[go + c], $v[vo + c], dp); }
    let p = exp(s * scale() - $lse[bh * tq() + i]);
    let f = dropFactor(bh, i, j);
    let pd = p * f;
    let ds = p * (dp * f - $bigD[bh * tq() + i]);
    for (var c = 0u; c < d; c++) { accB[c] = fma(pd, $dout[go + c], accB[c]); accA[c] = fma(ds, $q[qo + c], accA[c]); }
  }
  let ko2 = at(36u, bh, j);
  let vo2 = at(40u, bh, j);
  for (var c = 0u; c < d; c++) { $dk[ko2 + c] = accA[c] * scale(); $dv[vo2 + c] = accB[c]; }`;

/**
 * Tiled: each lane's `weight` for key row `j0 + lid` into `w1`, then `acc[t] += w1[jj] · matrix[row j0 + jj]`
 * over the block's rows of the view at parameter word `word` (the lane's columns `lid + 64·t`).
 */
function blockAccumulate(weight: string, matrix: string, word: number): string {
  return `w1[lid] = ${weight};
    workgroupBarrier();
    let n = min(64u, end - j0);
    for (var jj = 0u; jj < n; jj++) {
      let ro = at(${word}u, bh, j0 + jj);
      let wj = w1[jj];
      for (var t = 0u; t < 4u; t++) {
        let c = lid + 64u * t;
        if (c < d) { acc[t] = fma(wj, $${matrix}[ro + c], acc[t]); }
      }
    }
    workgroupBarrier();`;
}

/**
 * Tiled: the key rows in blocks of 64, each lane's `weight` (0 past the last key) computed by `compute` for its
 * key `j`, then accumulated into `acc` over the block's rows of `matrix` ({@link blockAccumulate}).
 */
function keyBlocks(weight: string, compute: string, matrix: string, word: number): string {
  return `var acc: array<f32, 4>;
  for (var j0 = 0u; j0 < end; j0 += 64u) {
    let j = j0 + lid;
    var ${weight} = 0.0;
    if (j < end) {
      ${compute}
    }
    ${blockAccumulate(weight, matrix, word)}
  }`;
}

/** Tiled: the lane's columns of `acc` (then `factor`) into row `i` of `target`'s view at word `word`. */
function storeAcc(target: string, word: number, factor: string): string {
  return `let so = at(${word}u, bh, i);
  for (var t = 0u; t < 4u; t++) {
    let c = lid + 64u * t;
    if (c < d) { $${target}[so + c] = acc[t]${factor}; }
  }`;
}

/** The backward's query pass in the tiled variant: `D_i` and `dq_i`, one workgroup per query row. */
const TILED_QUERY = /* wgsl */ `${queryRow('wid')}
  let go = at(28u, bh, i);
  let oo = at(24u, bh, i);
  var dd = 0.0;
  for (var c = lid; c < d; c += 64u) {
    rowA[c] = $q[qo + c];
    rowB[c] = $dout[go + c];
    dd += $dout[go + c] * $out[oo + c];
  }
  dd = reduceSum(dd, lid);
  if (lid == 0u) { $bigD[wid] = dd; }
  let l = $lse[wid];
  ${keyBlocks(
    'ds',
    `let ko = at(16u, bh, j);
      let vo = at(20u, bh, j);
      var s = 0.0; var dp = 0.0;
      for (var c = 0u; c < d; c++) { s = fma(rowA[c], $k[ko + c], s); dp = fma(rowB[c], $v[vo + c], dp); }
      let p = exp(s * scale() - l);
      ds = p * (dp * dropFactor(bh, i, j) - dd);`,
    'k',
    16,
  )}
  ${storeAcc('dq', 32, ' * scale()')}`;

/** The backward's key pass in the tiled variant: `dk_j`, `dv_j`, one workgroup per key row. */
const TILED_KEY = /* wgsl */ `let bh = wid / tk();
  let j = wid % tk();
  if (bh >= pu(0u)) { return; }
  let d = hd();
  let ko = at(16u, bh, j);
  let vo = at(20u, bh, j);
  for (var c = lid; c < d; c += 64u) { rowA[c] = $k[ko + c]; rowB[c] = $v[vo + c]; }
  workgroupBarrier();
  let first = firstQuery(j);
  var accK: array<f32, 4>;
  var accV: array<f32, 4>;
  for (var i0 = first; i0 < tq(); i0 += 64u) {
    let i = i0 + lid;
    var pd = 0.0; var ds = 0.0;
    if (i < tq()) {
      let qo = at(12u, bh, i);
      let go = at(28u, bh, i);
      var s = 0.0; var dp = 0.0;
      for (var c = 0u; c < d; c++) { s = fma($q[qo + c], rowA[c], s); dp = fma($dout[go + c], rowB[c], dp); }
      let p = exp(s * scale() - $lse[bh * tq() + i]);
      let f = dropFactor(bh, i, j);
      pd = p * f;
      ds = p * (dp * f - $bigD[bh * tq() + i]);
    }
    w1[lid] = pd;
    w2[lid] = ds;
    workgroupBarrier();
    let n = min(64u, tq() - i0);
    for (var ii = 0u; ii < n; ii++) {
      let qo = at(12u, bh, i0 + ii);
      let go = at(28u, bh, i0 + ii);
      let a = w1[ii]; let b = w2[ii];
      for (var t = 0u; t < 4u; t++) {
        let c = lid + 64u * t;
        if (c < d) { accV[t] = fma(a, $dout[go + c], accV[t]); accK[t] = fma(b, $q[qo + c], accK[t]); }
      }
    }
    workgroupBarrier();
  }
  let ko2 = at(36u, bh, j);
  let vo2 = at(40u, bh, j);
  for (var t = 0u; t < 4u; t++) {
    let c = lid + 64u * t;
    if (c < d) { $dk[ko2 + c] = accK[t] * scale(); $dv[vo2 + c] = accV[t]; }
  }`;

/** `out = dropout(softmax(q·kᵀ·scale + causal mask))·v`, saving the row log-sum-exps in `lse`. */
export function attention(
  rt: Runtime,
  { q, k, v, out, lse }: AttentionInputs<GpuStorage>,
  attrs: AttentionAttrs,
): void {
  const rows = attrs.batch * attrs.heads * attrs.tq;
  if (rows === 0 || attrs.headSize === 0) return;
  // words 12.. the views of q, k, v, out
  const params = [...common(attrs), ...viewWords(q), ...viewWords(k), ...viewWords(v), ...viewWords(out)];
  rt.dispatch(
    rt.simple ? 'attention-simple' : 'attention',
    {
      wg: 64,
      decls: MATH + HASH + (rt.simple ? PRIVATE : ROW) + COMMON,
      body: rt.simple
        ? SIMPLE_FORWARD
        : `${queryRow('wid')}
  for (var c = lid; c < d; c += 64u) { rowA[c] = $q[qo + c]; }
  workgroupBarrier();
  var m = -inff();
  for (var j = lid; j < end; j += 64u) {
    let ko = at(16u, bh, j);
    var s = 0.0;
    for (var c = 0u; c < d; c++) { s = fma(rowA[c], $k[ko + c], s); }
    m = max(m, s * scale());
  }
  m = reduceMax(m, lid);
  var sum = 0.0;
  for (var j = lid; j < end; j += 64u) {
    let ko = at(16u, bh, j);
    var s = 0.0;
    for (var c = 0u; c < d; c++) { s = fma(rowA[c], $k[ko + c], s); }
    sum += exp(s * scale() - m);
  }
  sum = reduceSum(sum, lid);
  let l = m + log(sum);
  ${keyBlocks(
    'p',
    `let ko = at(16u, bh, j);
      var s = 0.0;
      for (var c = 0u; c < d; c++) { s = fma(rowA[c], $k[ko + c], s); }
      p = exp(s * scale() - l) * dropFactor(bh, i, j);`,
    'v',
    20,
  )}
  ${storeAcc('out', 24, '')}
  if (lid == 0u) { $lse[wid] = select(-inff(), l, end > 0u); }`,
    },
    bind({ q, k, v, out, lse }, ['q', 'k', 'v'], ['out', 'lse']),
    params,
    rt.simple ? Math.ceil(rows / 64) : rows,
  );
}

/** The backward: `D` and `dq` per query row, then `dk` and `dv` per key row, from the saved `lse`. */
export function attentionBackward(
  rt: Runtime,
  inputs: AttentionBackwardInputs<GpuStorage>,
  attrs: AttentionAttrs,
): void {
  const { q, k, v, out, lse, dout, dq, dk, dv } = inputs;
  const bh = attrs.batch * attrs.heads;
  if (bh === 0 || attrs.headSize === 0) return;
  // words 12.. q, k, v, out, dout, dq, dk, dv
  const params = [
    ...common(attrs),
    ...viewWords(q),
    ...viewWords(k),
    ...viewWords(v),
    ...viewWords(out),
    ...viewWords(dout),
    ...viewWords(dq),
    ...viewWords(dk),
    ...viewWords(dv),
  ];
  const decls = MATH + HASH + (rt.simple ? PRIVATE : ROW) + COMMON;
  const storages = [q, k, v, out, dout, dq, dk, dv].map((view) => view.storage).concat(lse);
  const distinct = storages.filter(
    (s, i) => storages.findIndex((t) => t.buffer === s.buffer && t.offset === s.offset) === i,
  ).length;
  if (distinct <= rt.device.limits.maxStorageBuffersPerShaderStage) {
    mergedBackward(rt, inputs, attrs, params, decls);
    return;
  }
  const bigD = rt.alloc(Math.max(bh * attrs.tq, 1), 'float32', true); // (bh, tq): D_i = dout_i · out_i
  const named = { ...inputs, bigD };
  // one pass: `rows` items (threads in the simple variant, workgroups in the tiled one)
  const pass = (key: string, [simple, tiled]: [string, string], rows: number, operands: Operand[]) => {
    if (rows === 0) return;
    rt.dispatch(
      rt.simple ? `${key}-simple` : key,
      { wg: 64, decls, body: rt.simple ? simple : tiled },
      operands,
      params,
      rt.simple ? Math.ceil(rows / 64) : rows,
    );
  };
  const queryReads = ['q', 'k', 'v', 'out', 'lse', 'dout'] as const;
  pass(
    'attentionBackwardQuery',
    [SIMPLE_QUERY, TILED_QUERY],
    bh * attrs.tq,
    bind(named, queryReads, ['dq', 'bigD']),
  );
  const keyReads = ['q', 'k', 'v', 'lse', 'dout', 'bigD'] as const;
  pass('attentionBackwardKey', [SIMPLE_KEY, TILED_KEY], bh * attrs.tk, bind(named, keyReads, ['dk', 'dv']));
  rt.free(bigD);
}

/** `D_i = dout_i · out_i`, for the key pass of the merged backward (which has no pass before it to save it). */
const D_OF = /* wgsl */ `
fn dOf(bh: u32, i: u32) -> f32 {
  let go = at(28u, bh, i);
  let oo = at(24u, bh, i);
  var dd = 0.0;
  for (var c = 0u; c < hd(); c++) { dd = fma($dout[go + c], $out[oo + c], dd); }
  return dd;
}
`;

/** A pass's body for the merged backward: its row index `jt`, and `D_i` not saved (query) or recomputed (key). */
function pass(body: string, index: string): string {
  return body
    .replace('$bigD[gid] = dd;', '')
    .replace('if (lid == 0u) { $bigD[wid] = dd; }', '')
    .replace('$bigD[bh * tq() + i]', 'dOf(bh, i)')
    .replace(/\b(gid|wid)\b/g, index);
}

/**
 * The backward in one dispatch when every operand fits the device's storage bindings: the first `bh·tq`
 * items (threads in the simple variant, workgroups in the tiled one) are the query rows (`dq`), the next
 * `bh·tk` the key rows (`dk`, `dv`), which recompute `D_i` instead of reading it from the query pass.
 */
function mergedBackward(
  rt: Runtime,
  inputs: AttentionBackwardInputs<GpuStorage>,
  attrs: AttentionAttrs,
  params: number[],
  decls: string,
): void {
  const bh = attrs.batch * attrs.heads;
  const nq = bh * attrs.tq;
  const total = nq + bh * attrs.tk;
  if (total === 0) return;
  const index = rt.simple ? 'gid' : 'wid';
  const [query, key] = rt.simple ? [SIMPLE_QUERY, SIMPLE_KEY] : [TILED_QUERY, TILED_KEY];
  rt.dispatch(
    rt.simple ? 'attentionBackward-simple' : 'attentionBackward',
    {
      wg: 64,
      decls: decls + D_OF,
      body: `if (${index} < pu(${params.length}u)) {
  let jt = ${index};
  ${pass(query, 'jt')}
  } else {
  let jt = ${index} - pu(${params.length}u);
  ${pass(key, 'jt')}
  }`,
    },
    bind(inputs, ['q', 'k', 'v', 'out', 'lse', 'dout'], ['dq', 'dk', 'dv']),
    [...params, nq],
    rt.simple ? Math.ceil(total / 64) : total,
  );
}
