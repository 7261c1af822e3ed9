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

/** Row softmax (or log-softmax) of `(rows, cols)`. */
export function softmax(
  rt: Runtime,
  { x, out }: UnaryInputs<GpuStorage>,
  { rows, cols }: SoftmaxAttrs,
  log: boolean,
): void {
  if (rows * cols === 0) return;
  rowKernel(
    rt,
    log ? 'logSoftmax' : 'softmax',
    MATH,
    `let rows = pu(0u); let cols = pu(1u);
  if (row >= rows) { return; }
  let o = row * cols;
  var m = -inff();
  for (var j = lane; j < cols; j += STEP) { m = max_(m, $x[o + j]); }
  m = reduceMax(m, lane);
  var s = 0.0;
  for (var j = lane; j < cols; j += STEP) { s += exp($x[o + j] - m); }
  s = reduceSum(s, lane);
  ${
    log
      ? 'let l = m + log(s);\n  for (var j = lane; j < cols; j += STEP) { $out[o + j] = $x[o + j] - l; }'
      : 'for (var j = lane; j < cols; j += STEP) { $out[o + j] = exp($x[o + j] - m) / s; }'
  }`,
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [rows, cols],
    rows,
  );
}

/** `dx = y·(dy − Σ dy·y)`, or for log-softmax `dx = dy − exp(y)·Σ dy`. */
export function softmaxBackward(
  rt: Runtime,
  { y, dy, dx }: SoftmaxBackwardInputs<GpuStorage>,
  { rows, cols }: SoftmaxAttrs,
  log: boolean,
): void {
  if (rows * cols === 0) return;
  rowKernel(
    rt,
    log ? 'logSoftmaxBackward' : 'softmaxBackward',
    MATH,
    `let rows = pu(0u); let cols = pu(1u);
  if (row >= rows) { return; }
  let o = row * cols;
  var s = 0.0;
  for (var j = lane; j < cols; j += STEP) { s += ${log ? '$dy[o + j]' : '$dy[o + j] * $y[o + j]'}; }
  s = reduceSum(s, lane);
  for (var j = lane; j < cols; j += STEP) {
    ${log ? '$dx[o + j] = $dy[o + j] - exp($y[o + j]) * s;' : '$dx[o + j] = $y[o + j] * ($dy[o + j] - s);'}
  }`,
    [
      { name: 'y', storage: y },
      { name: 'dy', storage: dy },
      { name: 'dx', storage: dx, write: true },
    ],
    [rows, cols],
    rows,
  );
}

/** WGSL: whether row `r`'s target is kept, raising flag 1 for a target outside `[0, c)`. */
const TARGET = /* wgsl */ `
fn kept(t: i32, c: u32, ignore: i32) -> bool {
  if (t == ignore) { return false; }
  if (t < 0 || u32(t) >= c) { $flags[1] = 1; return false; }
  return true;
}
`;

/** The mean cross-entropy over kept rows: per-row losses, then one workgroup sums them. */
export function crossEntropy(
  rt: Runtime,
  { logits, targets, out }: CrossEntropyInputs<GpuStorage>,
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
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
  var m = -inff();
  for (var j = lane; j < c; j += STEP) { m = max_(m, $logits[o + j]); }
  m = reduceMax(m, lane);
  var s = 0.0;
  for (var j = lane; j < c; j += STEP) { s += exp($logits[o + j] - m); }
  s = reduceSum(s, lane);
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
  tot[lid] = t; cnt[lid] = k;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) { tot[lid] += tot[lid + s]; cnt[lid] += cnt[lid + s]; }
    workgroupBarrier();
  }
  if (lid == 0u) { $out[0] = select(tot[0] / cnt[0], nanf(), cnt[0] == 0.0); }`,
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
  const count = rt.alloc(1, 'float32', true);
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
  rowKernel(
    rt,
    'crossEntropyBackward',
    MATH,
    `let n = pu(0u); let c = pu(1u);
  if (row >= n) { return; }
  let o = row * c;
  let t = $targets[row];
  let keep = t != pi(2u) && t >= 0 && u32(t) < c;
  var m = -inff();
  for (var j = lane; j < c; j += STEP) { m = max_(m, $logits[o + j]); }
  m = reduceMax(m, lane);
  var s = 0.0;
  for (var j = lane; j < c; j += STEP) { s += exp($logits[o + j] - m); }
  s = reduceSum(s, lane);
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
  rt.free(count);
}
