/**
 * The `js` reference of the copies that move elements between shapes: `permute` (transposition),
 * `slice` and its inverse `sliceAssign`, as strided walks over row-major tensors.
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { PermuteAttrs, SliceAssignInputs, SliceAttrs, TypedArray, UnaryInputs } from '../../backend.js';
import { stridesOf, walkStrided } from '../../shape.js';

/** The definition of the `permute` kernel (docs/backend-contract.md), run by `JsBackend.permute`. */
export function permuteReference({ x, out }: UnaryInputs<TypedArray>, { shape, perm }: PermuteAttrs): void {
  const inStrides = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!); // input stride of each output axis
  walkStrided(outShape, strides, 0, (i, offset) => {
    out[i] = x[offset]!;
  });
}

/** Visits the block `[begin, begin + sizes)` of a tensor of shape `shape`: `visit(blockIndex, fullIndex)`. */
function walkBlock(
  shape: readonly number[],
  begin: readonly number[],
  sizes: readonly number[],
  visit: (blockIndex: number, fullIndex: number) => void,
): void {
  const strides = stridesOf(shape);
  walkStrided(
    sizes,
    strides,
    begin.reduce((s, b, ax) => s + b * strides[ax]!, 0),
    visit,
  );
}

/** The definition of the `slice` kernel (docs/backend-contract.md), run by `JsBackend.slice`. */
export function sliceReference(
  { x, out }: UnaryInputs<TypedArray>,
  { shape, begin, sizes }: SliceAttrs,
): void {
  walkBlock(shape, begin, sizes, (i, full) => {
    out[i] = x[full]!;
  });
}

/** The definition of the `sliceAssign` kernel (docs/backend-contract.md), run by `JsBackend.sliceAssign`. */
export function sliceAssignReference(
  { src, out }: SliceAssignInputs<TypedArray>,
  { shape, begin, sizes }: SliceAttrs,
): void {
  walkBlock(shape, begin, sizes, (i, full) => {
    out[full] = src[i]!;
  });
}
