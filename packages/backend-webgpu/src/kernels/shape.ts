/**
 * Copies through strides and reductions, as WGSL kernels: `permute`, `slice`, `sliceAssign` (one strided
 * copy kernel, after tinygrad's view → index arithmetic) and `reduce` (sum or max over any axes: one
 * workgroup per output element, a tree reduction in workgroup memory).
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/shape.ts` and `reduce.ts`): max propagates NaN
 * and an empty reduction gives 0 (sum) or −∞ (max).
 */

import {
  type PermuteAttrs,
  type ReduceAttrs,
  type SliceAssignInputs,
  type SliceAttrs,
  stridesOf,
  type UnaryInputs,
} from '@lxmls/tensor';
import type { GpuStorage, Runtime } from '../runtime.js';
import { groupsFor, MATH, MAX_RANK, WG } from './elementwise.js';

/** Merges adjacent axes whose strides are contiguous, and drops axes of 1. */
function merge(dims: readonly number[], strides: readonly number[]): [number[], number[]] {
  const d: number[] = [];
  const s: number[] = [];
  for (let i = 0; i < dims.length; i++) {
    if (dims[i] === 1) continue;
    const last = d.length - 1;
    if (last >= 0 && s[last] === strides[i]! * dims[i]!) {
      d[last]! *= dims[i]!;
      s[last] = strides[i]!;
    } else {
      d.push(dims[i]!);
      s.push(strides[i]!);
    }
  }
  return [d, s];
}

/** WGSL: `stridedOffset(i)`, the offset of index `i` of a block with dims at params 3.. and strides after them. */
const STRIDED = /* wgsl */ `
fn stridedOffset(i: u32) -> u32 {
  let rank = pu(1u);
  var rest = i;
  var off = pu(2u);
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let dim = pu(3u + u32(d));
    off += (rest % dim) * pu(3u + rank + u32(d));
    rest = rest / dim;
  }
  return off;
}`;

function stridedParams(
  size: number,
  base: number,
  dims: readonly number[],
  strides: readonly number[],
): number[] {
  const [d, s] = merge(dims, strides);
  if (d.length > MAX_RANK) throw new Error(`strided copy: rank above ${MAX_RANK} after merging axes`);
  return [size, d.length, base, ...d, ...s];
}

/** `out[i] = x[offset(i)]`: the gather side of permute and slice. */
function stridedRead(rt: Runtime, x: GpuStorage, out: GpuStorage, params: number[]): void {
  rt.dispatch(
    'stridedRead',
    { wg: WG, decls: STRIDED, body: 'if (gid >= pu(0u)) { return; }\n  $out[gid] = $x[stridedOffset(gid)];' },
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    params,
    groupsFor(params[0]!),
  );
}

/** Transposition: `out` has shape `shape[perm[0]], …`. */
export function permute(
  rt: Runtime,
  { x, out }: UnaryInputs<GpuStorage>,
  { shape, perm }: PermuteAttrs,
): void {
  const size = out.size;
  if (size === 0) return;
  const inStrides = stridesOf(shape);
  stridedRead(
    rt,
    x,
    out,
    stridedParams(
      size,
      0,
      perm.map((p) => shape[p]!),
      perm.map((p) => inStrides[p]!),
    ),
  );
}

/**
 * The block `[begin, begin + sizes)` of a row-major `shape` holding `size` elements: the offset of its first
 * element, and either `run` (one run of memory: a buffer copy does) or the parameters of a strided copy.
 */
function block(
  size: number,
  { shape, begin, sizes }: SliceAttrs,
): { base: number; run: boolean; params: number[] } {
  const strides = stridesOf(shape);
  const base = begin.reduce((s, b, d) => s + b * strides[d]!, 0);
  const run = contiguous(shape, sizes);
  return { base, run, params: run ? [] : stridedParams(size, base, sizes, strides) };
}

/** Copies the block `[begin, begin + sizes)` of `x` into `out`. */
export function slice(rt: Runtime, { x, out }: UnaryInputs<GpuStorage>, attrs: SliceAttrs): void {
  if (out.size === 0) return;
  const { base, run, params } = block(out.size, attrs);
  if (run)
    rt.copyAt(x, base, out, 0, out.size); // one block of memory: a buffer copy, no dispatch
  else stridedRead(rt, x, out, params);
}

/**
 * True when the block `sizes` of a row-major `shape` is one run of memory: every axis after the first that
 * the block does not fill whole is whole, every axis before it has size 1 in the block.
 */
export function contiguous(shape: readonly number[], sizes: readonly number[]): boolean {
  let d = 0;
  while (d < shape.length && sizes[d] === 1) d++;
  // axes before d have size 1; axis d may be partial; every later one must be whole
  for (let e = d + 1; e < shape.length; e++) if (sizes[e] !== shape[e]) return false;
  return true;
}

/** Writes `src` into the block `[begin, begin + sizes)` of `out`, leaving the rest. */
export function sliceAssign(
  rt: Runtime,
  { src, out }: SliceAssignInputs<GpuStorage>,
  attrs: SliceAttrs,
): void {
  if (src.size === 0) return;
  const { base, run, params } = block(src.size, attrs);
  if (run) {
    rt.copyAt(src, 0, out, base, src.size); // a buffer copy (a concat along the first axis), no dispatch
    return;
  }
  rt.dispatch(
    'stridedWrite',
    {
      wg: WG,
      decls: STRIDED,
      body: 'if (gid >= pu(0u)) { return; }\n  $out[stridedOffset(gid)] = $src[gid];',
    },
    [
      { name: 'src', storage: src },
      { name: 'out', storage: out, write: true },
    ],
    params,
    groupsFor(src.size),
  );
}

const RWG = 64;

/** Sum or max over `axes`, keeping them as size 1. */
export function reduce(
  rt: Runtime,
  { x, out }: UnaryInputs<GpuStorage>,
  { op, shape, axes }: ReduceAttrs,
): void {
  const outSize = out.size;
  if (outSize === 0) return;
  const strides = stridesOf(shape);
  const keptDims: number[] = [];
  const keptStrides: number[] = [];
  const redDims: number[] = [];
  const redStrides: number[] = [];
  shape.forEach((d, i) => {
    if (axes.includes(i)) {
      redDims.push(d);
      redStrides.push(strides[i]!);
    } else {
      keptDims.push(d);
      keptStrides.push(strides[i]!);
    }
  });
  const [kd, ks] = merge(keptDims, keptStrides);
  const [rd, rs] = merge(redDims, redStrides);
  if (kd.length + rd.length > 28) throw new Error('reduce: rank too large after merging axes');
  const count = redDims.reduce((a, b) => a * b, 1);
  const int = x.dtype === 'int32';
  const ty = int ? 'i32' : 'f32';
  const init = op === 'sum' ? (int ? '0' : '0.0') : int ? '-2147483647 - 1' : '-inff()';
  const combine = op === 'sum' ? 'a + b' : int ? 'max(a, b)' : 'max_(a, b)';
  // the simple variant (one thread per output, compensated sums) unless few outputs each sum many elements
  const simple = rt.simple && !(outSize < 64 && count > 4096);
  // the output's input offset `base` from its index OUT over the kept axes; then `off`, of reduced element `r`
  const head = `let kr = pu(1u); let rr = pu(2u); let count = pu(3u);
  var rest = OUT;
  var base = 0u;
  for (var d = i32(kr) - 1; d >= 0; d--) {
    let dim = pu(4u + u32(d));
    base += (rest % dim) * pu(4u + kr + u32(d));
    rest = rest / dim;
  }`;
  const offset = `var rest2 = r;
    var off = base;
    for (var d = i32(rr) - 1; d >= 0; d--) {
      let dim = pu(4u + 2u * kr + u32(d));
      off += (rest2 % dim) * pu(4u + 2u * kr + rr + u32(d));
      rest2 = rest2 / dim;
    }`;
  if (simple) {
    const kahan = op === 'sum' && !int;
    rt.dispatch(
      `reduce-simple-${op}-${ty}`,
      {
        wg: RWG,
        decls: `${MATH}\nfn combine(a: ${ty}, b: ${ty}) -> ${ty} { return ${combine}; }`,
        body: `if (gid >= pu(0u)) { return; }
  ${head.replace('OUT', 'gid')}
  var acc: ${ty} = ${init};
  var c: ${ty} = ${int ? '0' : '0.0'};
  for (var r = 0u; r < count; r++) {
    ${offset}
    ${kahan ? 'let y = $x[off] - c; let t = acc + y; c = (t - acc) - y; acc = t;' : 'acc = combine(acc, $x[off]);'}
  }
  $out[gid] = acc;`,
      },
      [
        { name: 'x', storage: x },
        { name: 'out', storage: out, write: true },
      ],
      [outSize, kd.length, rd.length, count, ...kd, ...ks, ...rd, ...rs],
      Math.ceil(outSize / RWG),
    );
    return;
  }
  rt.dispatch(
    `reduce-${op}-${ty}`,
    {
      wg: RWG,
      decls: `${MATH}
var<workgroup> part: array<${ty}, ${RWG}>;
fn combine(a: ${ty}, b: ${ty}) -> ${ty} { return ${combine}; }`,
      body: `let outSize = pu(0u);
  if (wid >= outSize) { return; }
  ${head.replace('OUT', 'wid')}
  var acc: ${ty} = ${init};
  for (var r = lid; r < count; r += ${RWG}u) {
    ${offset}
    acc = combine(acc, $x[off]);
  }
  part[lid] = acc;
  workgroupBarrier();
  for (var s = ${RWG / 2}u; s > 0u; s >>= 1u) {
    if (lid < s) { part[lid] = combine(part[lid], part[lid + s]); }
    workgroupBarrier();
  }
  if (lid == 0u) { $out[wid] = part[0]; }`,
    },
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [outSize, kd.length, rd.length, count, ...kd, ...ks, ...rd, ...rs],
    outSize,
  );
}
