/**
 * The `wasm` backend's shape kernels: permute, slice and sliceAssign as strided copies.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/shape.ts (strided4) (docs/wasm-kernels.md), with the parts of a split call in assembly/parts.ts.
 * The `js` reference of each kernel is packages/tensor/src/backends/js/shape.ts.
 */

import type { PermuteAttrs, SliceAssignInputs, SliceAttrs, UnaryInputs } from '@lxmls/tensor';
import { sizeOf, stridesOf } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { coalesce, forBlocks4 } from './runtime.js';

/** dst[block] = src[block] for 4-byte elements, over `dims` with element strides and base offsets. */
function stridedCopy(
  rt: WasmRuntime,
  src: number,
  dst: number,
  dims: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
): void {
  if (sizeOf(dims) === 0) return;
  const [d, st] = coalesce(dims, [srcStrides, dstStrides]);
  const w = rt.w;
  forBlocks4(d, st, (o, n, s) => {
    const ss = s[0]!;
    const ds = s[1]!;
    w.strided4(
      src + 4 * o[0]!,
      dst + 4 * o[1]!,
      n[0]!,
      n[1]!,
      n[2]!,
      n[3]!,
      ss[0]!,
      ss[1]!,
      ss[2]!,
      ss[3]!,
      ds[0]!,
      ds[1]!,
      ds[2]!,
      ds[3]!,
    );
  });
}

/** The `permute` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function permute(
  rt: WasmRuntime,
  { x, out }: UnaryInputs<WasmStorage>,
  { shape, perm }: PermuteAttrs,
): void {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  stridedCopy(
    rt,
    x.ptr,
    out.ptr,
    outShape,
    perm.map((p) => inStrides[p]!),
    stridesOf(outShape),
  );
}

/** The block `[begin, begin + sizes)` of a row-major `shape`: the shape's strides and the block's first element. */
function block({ shape, begin, sizes }: SliceAttrs): {
  strides: number[];
  base: number;
  sizes: readonly number[];
} {
  const strides = stridesOf(shape);
  return { strides, base: begin.reduce((s, b, ax) => s + b * strides[ax]!, 0), sizes };
}

/** The `slice` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function slice(rt: WasmRuntime, { x, out }: UnaryInputs<WasmStorage>, attrs: SliceAttrs): void {
  const { strides, base, sizes } = block(attrs);
  stridedCopy(rt, x.ptr + 4 * base, out.ptr, sizes, strides, stridesOf(sizes));
}

/** The `sliceAssign` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function sliceAssign(
  rt: WasmRuntime,
  { src, out }: SliceAssignInputs<WasmStorage>,
  attrs: SliceAttrs,
): void {
  const { strides, base, sizes } = block(attrs);
  stridedCopy(rt, src.ptr, out.ptr + 4 * base, sizes, stridesOf(sizes), strides);
}
