/**
 * The softmax family as fused WGSL kernels: row `softmax` / `logSoftmax` and their backwards, and
 * cross-entropy (mean over kept rows, an ignore index) forward and backward with the softmax fused in.
 * One workgroup of 64 threads per row; the row's max and sums are tree reductions in workgroup memory.
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/softmax.ts`): max-subtracted, NaN when no row
 * is kept (as PyTorch). Targets are checked on the host copy when the backend has one; otherwise the kernel
 * raises a flag that the next read reports.
 */

import type {
  CrossEntropyAttrs,
  CrossEntropyBackwardInputs,
  CrossEntropyInputs,
  SoftmaxAttrs,
  SoftmaxBackwardInputs,
  UnaryInputs,
} from '@lxmls/tensor';
import type { GpuStorage, Operand, Runtime } from '../runtime.js';
import { MATH } from './elementwise.js';

/** Threads per row. */
const RWG = 64;

/** WGSL: `rowMax(o, cols)`, `rowSumExp(o, cols, m)` and `rowSum` reductions over one row of `$x`, by all threads. */
export const ROW: string = /* wgsl */ `
var<workgroup> red: array<f32, ${RWG}>;
fn reduceMax(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${RWG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = max_(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
fn reduceSum(v: f32, lid: u32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = ${RWG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}
`;

/** WGSL of the reductions in the `simple` variant: one thread per row, nothing to combine. */
const ROW_SIMPLE = /* wgsl */ `
fn reduceMax(v: f32, lane: u32) -> f32 { return v; }
fn reduceSum(v: f32, lane: u32) -> f32 { return v; }
`;

/**
 * WGSL of a row's max `m` and `s = Σ exp(x − m)` over the `n` elements of `$x[o …]` (a row kernel's lanes,
 * then its reductions), the start of every softmax and cross-entropy row.
 */
function maxSum(x: string, n: string): string {
  return `var m = -inff();
  for (var j = lane; j < ${n}; j += STEP) { m = max_(m, $${x}[o + j]); }
  m = reduceMax(m, lane);
  var s = 0.0;
  for (var j = lane; j < ${n}; j += STEP) { s += exp($${x}[o + j] - m); }
  s = reduceSum(s, lane);`;
}

/**
 * A row kernel in either variant: the body names its row `row`, its thread in the row `lane`, and the stride
 * of a row loop `STEP`. Tiled: a workgroup of 64 threads per row, tree reductions; simple: one thread per row.
 */
export function rowKernel(
  rt: Runtime,
  key: string,
  decls: string,
  body: string,
  operands: Operand[],
  params: number[],
  rows: number,
): void {
  const simple = rt.simple;
  const prefix = simple ? 'let row = gid; let lane = 0u;' : 'let row = wid; let lane = lid;';
  rt.dispatch(
    `${key}${simple ? '-simple' : ''}`,
    {
      wg: 64,
      decls: decls + (simple ? ROW_SIMPLE : ROW),
      body: `${prefix}\n  ${body.replace(/STEP/g, simple ? '1u' : '64u')}`,
    },
    operands,
    params,
    simple ? Math.ceil(rows / 64) : rows,
  );
}

/** WGSL: the start of a `(rows, cols)` row kernel: the sizes (parameter words 0, 1), `o` the row's offset. */
export const ROW_START = `let rows = pu(0u); let cols = pu(1u);
  if (row >= rows) { return; }
  let o = row * cols;`;

/** A row kernel over `(rows, cols)` (nothing for an empty one): {@link ROW_START}, then `body`. */
function rowsCols(
  rt: Runtime,
  key: string,
  body: string,
  operands: Operand[],
  { rows, cols }: SoftmaxAttrs,
): void {
  if (rows * cols === 0) return;
  rowKernel(rt, key, MATH, `${ROW_START}\n  ${body}`, operands, [rows, cols], rows);
}

/** Row softmax (or log-softmax) of `(rows, cols)`. */
export function softmax(
  rt: Runtime,
  { x, out }: UnaryInputs<GpuStorage>,
  attrs: SoftmaxAttrs,
  log: boolean,
): void {
  const write = log
    ? 'let l = m + log(s);\n  for (var j = lane; j < cols; j += STEP) { $out[o + j] = $x[o + j] - l; }'
    : 'for (var j = lane; j < cols; j += STEP) { $out[o + j] = exp($x[o + j] - m) / s; }';
  const operands: Operand[] = [
    { name: 'x', storage: x },
    { name: 'out', storage: out, write: true },
  ];
  rowsCols(rt, log ? 'logSoftmax' : 'softmax', `${maxSum('x', 'cols')}\n  ${write}`, operands, attrs);
}

/** `dx = y·(dy − Σ dy·y)`, or for log-softmax `dx = dy − exp(y)·Σ dy`. */
export function softmaxBackward(
  rt: Runtime,
  { y, dy, dx }: SoftmaxBackwardInputs<GpuStorage>,
  attrs: SoftmaxAttrs,
  log: boolean,
): void {
  const body = `var s = 0.0;
  for (var j = lane; j < cols; j += STEP) { s += ${log ? '$dy[o + j]' : '$dy[o + j] * $y[o + j]'}; }
  s = reduceSum(s, lane);
  for (var j = lane; j < cols; j += STEP) {
    ${log ? '$dx[o + j] = $dy[o + j] - exp($y[o + j]) * s;' : '$dx[o + j] = $y[o + j] * ($dy[o + j] - s);'}
  }`;
  const operands: Operand[] = [
    { name: 'y', storage: y },
    { name: 'dy', storage: dy },
    { name: 'dx', storage: dx, write: true },
  ];
  rowsCols(rt, log ? 'logSoftmaxBackward' : 'softmaxBackward', body, operands, attrs);
}

/** WGSL: whether row `r`'s target is kept, raising flag 1 for a target outside `[0, c)`. */
const TARGET = /* wgsl */ `
fn kept(t: i32, c: u32, ignore: i32) -> bool {
  if (t == ignore) { return false; }
  if (t < 0 || u32(t) >= c) { $flags[1] = 1; return false; }
  return true;
}
`;

/** The end of the cross-entropy's sum: each thread's total `t` and count `k` summed by a tree, the mean out. */
const MEAN = /* wgsl */ `tot[lid] = t; cnt[lid] = k;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { tot[lid] += tot[lid + s]; cnt[lid] += cnt[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { $out[0] = select(tot[0] / cnt[0], nanf(), cnt[0] == 0.0); }`;

/** Logits of at most this many elements get the one-workgroup cross-entropy (one dispatch, not two). */
const SMALL_CE = 1 << 20;

/**
 * The mean cross-entropy over kept rows: per-row losses, then one workgroup sums them; for small logits (the
 * course's models) one workgroup does both, in one dispatch.
 */
export function crossEntropy(
  rt: Runtime,
  { logits, targets, out }: CrossEntropyInputs<GpuStorage>,
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
  if (n * c <= SMALL_CE) {
    rt.dispatch(
      'crossEntropySmall',
      {
        wg: 256,
        decls: `${MATH}${TARGET}\nvar<workgroup> tot: array<f32, 256>;\nvar<workgroup> cnt: array<f32, 256>;`,
        body: `let n = pu(0u); let c = pu(1u);
  var t = 0.0; var k = 0.0;
  for (var r = lid; r < n; r += 256u) {
    let o = r * c;
    let tg = $targets[r];
    if (kept(tg, c, pi(2u))) {
      var m = -inff();
      for (var j = 0u; j < c; j++) { m = max_(m, $logits[o + j]); }
      var s = 0.0;
      for (var j = 0u; j < c; j++) { s += exp($logits[o + j] - m); }
      t += m + log(s) - $logits[o + u32(tg)];
      k += 1.0;
    }
  }
  ${MEAN}`,
      },
      [
        { name: 'logits', storage: logits },
        { name: 'targets', storage: targets },
        { name: 'out', storage: out, write: true },
        { name: 'flags', storage: rt.flags, write: true },
      ],
      [n, c, ignoreIndex | 0],
      1,
    );
    return;
  }
  const partial = rt.alloc(2 * Math.max(n, 1), 'float32', true); // (n, 2): loss, kept
  rowKernel(
    rt,
    'crossEntropyRows',
    MATH + TARGET,
    `let n = pu(0u); let c = pu(1u);
  if (row >= n) { return; }
  let o = row * c;
  let t = $targets[row];
  let keep = kept(t, c, pi(2u));
  ${maxSum('logits', 'c')}
  if (lane == 0u) {
    if (keep) {
      $partial[2u * row] = m + log(s) - $logits[o + u32(t)];
      $partial[2u * row + 1u] = 1.0;
    } else {
      $partial[2u * row] = 0.0;
      $partial[2u * row + 1u] = 0.0;
    }
  }`,
    [
      { name: 'logits', storage: logits },
      { name: 'targets', storage: targets },
      { name: 'partial', storage: partial, write: true },
      { name: 'flags', storage: rt.flags, write: true },
    ],
    [n, c, ignoreIndex | 0],
    n,
  );
  rt.dispatch(
    'crossEntropyMean',
    {
      wg: 256,
      decls: 'var<workgroup> tot: array<f32, 256>;\nvar<workgroup> cnt: array<f32, 256>;',
      body: `let n = pu(0u);
  var t = 0.0; var k = 0.0;
  for (var r = lid; r < n; r += 256u) { t += $partial[2u * r]; k += $partial[2u * r + 1u]; }
  ${MEAN}`,
    },
    [
      { name: 'partial', storage: partial },
      { name: 'out', storage: out, write: true },
    ],
    [n],
    1,
  );
  rt.free(partial);
}

/** `dlogits = dloss · (softmax(x_r) − onehot(t_r)) / #kept`, 0 for ignored rows. */
export function crossEntropyBackward(
  rt: Runtime,
  { logits, targets, dloss, dlogits }: CrossEntropyBackwardInputs<GpuStorage>,
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
  if (n * c === 0) return;
  const host = targets.host;
  let count: GpuStorage;
  if (host !== null) {
    // the targets' host copy (checked by the backend) gives the count: no dispatch
    let kept = 0;
    for (let r = 0; r < n; r++) if (host[r] !== ignoreIndex) kept++;
    count = rt.alloc(1, 'float32', true);
    rt.write(count, Float32Array.of(kept));
  } else {
    count = rt.alloc(1, 'float32', true);
    countKept(rt, targets, count, n, c, ignoreIndex);
  }
  crossEntropyRowsBackward(rt, { logits, targets, dloss, dlogits }, count, { n, c, ignoreIndex });
  rt.free(count);
}

/** `count[0]` = the rows whose target is kept (a bad target raises the flag). */
function countKept(
  rt: Runtime,
  targets: GpuStorage,
  count: GpuStorage,
  n: number,
  c: number,
  ignoreIndex: number,
): void {
  rt.dispatch(
    'crossEntropyCount',
    {
      wg: 256,
      decls: `${TARGET}\nvar<workgroup> cnt: array<f32, 256>;`,
      body: `let n = pu(0u); let c = pu(1u);
  var k = 0.0;
  for (var r = lid; r < n; r += 256u) { if (kept($targets[r], c, pi(2u))) { k += 1.0; } }
  cnt[lid] = k;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { cnt[lid] += cnt[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { $count[0] = cnt[0]; }`,
    },
    [
      { name: 'targets', storage: targets },
      { name: 'count', storage: count, write: true },
      { name: 'flags', storage: rt.flags, write: true },
    ],
    [n, c, ignoreIndex | 0],
    1,
  );
}

/** The rows of the backward, given the kept count. */
function crossEntropyRowsBackward(
  rt: Runtime,
  { logits, targets, dloss, dlogits }: CrossEntropyBackwardInputs<GpuStorage>,
  count: GpuStorage,
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
  rowKernel(
    rt,
    'crossEntropyBackward',
    MATH,
    `let n = pu(0u); let c = pu(1u);
  if (row >= n) { return; }
  let o = row * c;
  let t = $targets[row];
  let keep = t != pi(2u) && t >= 0 && u32(t) < c;
  ${maxSum('logits', 'c')}
  let scale = $dloss[0] / $count[0];
  for (var j = lane; j < c; j += STEP) {
    if (keep) {
      let p = exp($logits[o + j] - m) / s;
      $dlogits[o + j] = scale * (p - select(0.0, 1.0, u32(t) == j));
    } else {
      $dlogits[o + j] = 0.0;
    }
  }`,
    [
      { name: 'logits', storage: logits },
      { name: 'targets', storage: targets },
      { name: 'dloss', storage: dloss },
      { name: 'count', storage: count },
      { name: 'dlogits', storage: dlogits, write: true },
    ],
    [n, c, ignoreIndex | 0],
    n,
  );
}
