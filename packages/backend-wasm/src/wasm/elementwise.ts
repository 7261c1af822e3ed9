/**
 * The `wasm` backend's elementwise kernels: binary and unary ops with broadcasting, maskedFill and GELU.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/elementwise.ts (binary4, unary, maskedFill4, the SIMD GELU) (docs/wasm-kernels.md), with the parts
 * of a split call in assembly/parts.ts. The `js` reference of each kernel is
 * packages/tensor/src/backends/js/elementwise.ts.
 */

// the kernels' named inputs and attributes: K.BinaryInputs<S>, K.BinaryAttrs, …
import type * as K from '@lxmls/tensor';
import { broadcastStrides, stridesOf } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { coalesce, forBlocks4, SPLIT_ELEMENTS } from './runtime.js';

const BINARY_CODE: Record<K.BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  pow: 5,
  eq: 6,
  gt: 7,
};

const UNARY_CODE: Record<K.UnaryOp, number> = { neg: 0, exp: 1, log: 2, tanh: 3, sqrt: 4, relu: 5 };

/** The `binary` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function binary(
  rt: WasmRuntime,
  { a, b, out }: K.BinaryInputs<WasmStorage>,
  attrs: K.BinaryAttrs,
): void {
  const { op, aShape, bShape, outShape } = attrs;
  if (out.size === 0) return;
  if (out.dtype === 'int32' || a.dtype === 'int32') {
    // int32 arithmetic (indices, masks): the `js` definition on views of this memory
    rt.reference.binary({ a: rt.view(a), b: rt.view(b), out: rt.view(out) }, attrs);
    return;
  }
  const code = BINARY_CODE[op];
  const [dims, st] = coalesce(outShape, [
    broadcastStrides(aShape, outShape),
    broadcastStrides(bShape, outShape),
    stridesOf(outShape),
  ]);
  forBlocks4(dims, st, (o, d, s) => {
    const sa = s[0]!;
    const sb = s[1]!;
    rt.inParts('binary4Part', d[0]! * d[1]! * d[2]! * d[3]!, SPLIT_ELEMENTS, [
      code,
      a.ptr + 4 * o[0]!,
      b.ptr + 4 * o[1]!,
      out.ptr + 4 * o[2]!,
      d[0]!,
      d[1]!,
      d[2]!,
      d[3]!,
      sa[0]!,
      sa[1]!,
      sa[2]!,
      sa[3]!,
      sb[0]!,
      sb[1]!,
      sb[2]!,
      sb[3]!,
    ]);
  });
}

/** The `unary` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function unary(rt: WasmRuntime, { x, out }: K.UnaryInputs<WasmStorage>, attrs: K.UnaryAttrs): void {
  if (x.dtype === 'int32') {
    rt.reference.unary({ x: rt.view(x), out: rt.view(out) }, attrs); // the `js` definition on views of this memory
    return;
  }
  rt.w.unary(UNARY_CODE[attrs.op], x.ptr, out.ptr, attrs.size);
}

/** The `maskedFill` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function maskedFill(
  rt: WasmRuntime,
  { x, mask, out }: K.MaskedFillInputs<WasmStorage>,
  attrs: K.MaskedFillAttrs,
): void {
  const { shape, maskShape, value } = attrs;
  if (x.dtype === 'int32' || out.size === 0) {
    rt.reference.maskedFill({ x: rt.view(x), mask: rt.view(mask), out: rt.view(out) }, attrs);
    return;
  }
  const [dims, st] = coalesce(shape, [stridesOf(shape), broadcastStrides(maskShape, shape)]);
  const w = rt.w;
  const isFloat = mask.dtype === 'float32' ? 1 : 0;
  forBlocks4(dims, st, (o, n, s) => {
    const sx = s[0]!;
    const sm = s[1]!;
    w.maskedFill4(
      x.ptr + 4 * o[0]!,
      mask.ptr + 4 * o[1]!,
      out.ptr + 4 * o[0]!,
      value,
      isFloat,
      n[0]!,
      n[1]!,
      n[2]!,
      n[3]!,
      sx[0]!,
      sx[1]!,
      sx[2]!,
      sx[3]!,
      sm[0]!,
      sm[1]!,
      sm[2]!,
      sm[3]!,
    );
  });
}

/** The `gelu` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function gelu(rt: WasmRuntime, { x, out }: K.UnaryInputs<WasmStorage>, { size }: K.SizeAttrs): void {
  rt.inParts('geluFastPart', size, SPLIT_ELEMENTS, [x.ptr, out.ptr, size]);
}

/** The `geluBackward` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function geluBackward(
  rt: WasmRuntime,
  { x, dy, dx, y }: K.GeluBackwardInputs<WasmStorage>,
  { size }: K.SizeAttrs,
): void {
  // with the forward output, σ(2u) = y / x: a division instead of a second exponential
  if (y) rt.inParts('geluBackwardFromYPart', size, SPLIT_ELEMENTS, [x.ptr, y.ptr, dy.ptr, dx.ptr, size]);
  else rt.w.geluBackwardFast(x.ptr, dy.ptr, dx.ptr, size);
}
