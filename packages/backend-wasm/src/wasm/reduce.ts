/**
 * The `wasm` backend's reduce kernels: sums and maxima over axes, argmax and topk.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/reduce.ts (rowReduce, colSum) (docs/wasm-kernels.md), with the parts of a split call in
 * assembly/parts.ts. The `js` reference of each kernel is packages/tensor/src/backends/js/reduce.ts.
 */

import type {
  ArgmaxAttrs,
  ArgmaxInputs,
  ReduceAttrs,
  ReduceOp,
  TopkAttrs,
  TopkInputs,
  UnaryInputs,
} from '@lxmls/tensor';
import { broadcastIndex, sizeOf } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { SPLIT_ELEMENTS } from './runtime.js';

/** The `reduce` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function reduce(
  rt: WasmRuntime,
  { x, out }: UnaryInputs<WasmStorage>,
  { op, shape, axes }: ReduceAttrs,
): void {
  const size = sizeOf(shape);
  if (size === 0) {
    // an empty reduced axis: the sum is 0 and the max −∞ (out may be uninitialised storage)
    const fill = op === 'max' ? Number.NEGATIVE_INFINITY : 0;
    rt.F.fill(fill, out.ptr >> 2, (out.ptr >> 2) + out.size);
    return;
  }
  // Groups of neighbouring axes that are all kept or all reduced: [n, reduced?].
  const groups: [number, boolean][] = [];
  for (let ax = 0; ax < shape.length; ax++) {
    const n = shape[ax]!;
    if (n === 1) continue;
    const reduced = axes.includes(ax);
    const last = groups[groups.length - 1];
    if (last && last[1] === reduced) last[0] *= n;
    else groups.push([n, reduced]);
  }
  const pattern = groups.map((g) => (g[1] ? 'R' : 'K')).join('');
  const w = rt.w;
  const code = op === 'sum' ? 0 : 1;
  if (pattern === '' || pattern === 'K') {
    rt.copy(x, out, size);
  } else if (pattern === 'R') {
    w.rowReduce(x.ptr, out.ptr, 1, size, code);
  } else if (pattern === 'KR') {
    w.rowReduce(x.ptr, out.ptr, groups[0]![0], groups[1]![0], code);
  } else if (op === 'sum' && (pattern === 'RK' || pattern === 'KRK')) {
    const [outer, r, inner] = pattern === 'RK' ? [1, groups[0]![0], groups[1]![0]] : groups.map((g) => g[0]);
    for (let o = 0; o < outer!; o++) {
      const args = [x.ptr + 4 * o * r! * inner!, out.ptr + 4 * o * inner!, r!, inner!, 0];
      rt.inParts('colSumPart', r! * inner!, SPLIT_ELEMENTS, args);
    }
  } else {
    reduceGeneric(rt, op, x, shape, axes, out);
  }
}

/** Any reduction, as the `js` backend computes it (float64 accumulators). */
function reduceGeneric(
  rt: WasmRuntime,
  op: ReduceOp,
  x: WasmStorage,
  shape: readonly number[],
  axes: readonly number[],
  out: WasmStorage,
): void {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const index = broadcastIndex(outShape, shape);
  const acc = new Float64Array(out.size).fill(op === 'sum' ? 0 : Number.NEGATIVE_INFINITY);
  const vx = rt.view(x);
  for (let i = 0; i < vx.length; i++) {
    const o = index[i]!;
    const v = vx[i]!;
    if (op === 'sum') acc[o]! += v;
    else if (v > acc[o]! || Number.isNaN(v)) acc[o] = v;
  }
  rt.view(out).set(acc);
}

/** The `argmax` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function argmax(rt: WasmRuntime, { x, out }: ArgmaxInputs<WasmStorage>, attrs: ArgmaxAttrs): void {
  rt.reference.argmax({ x: rt.f32(x), out: rt.view(out) as Int32Array }, attrs);
}

/** The `topk` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function topk(
  rt: WasmRuntime,
  { x, values, indices }: TopkInputs<WasmStorage>,
  attrs: TopkAttrs,
): void {
  const inputs = { x: rt.f32(x), values: rt.f32(values), indices: rt.view(indices) as Int32Array };
  rt.reference.topk(inputs, attrs);
}
