/**
 * The `wasm` backend's norm kernels: layer normalisation, forward and backward.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/norm.ts (layerNormForward / Backward) (docs/wasm-kernels.md), with the parts of a split call in
 * assembly/parts.ts. The `js` reference of each kernel is packages/tensor/src/backends/js/norm.ts.
 */

import type { LayerNormAttrs, LayerNormBackwardInputs, LayerNormInputs } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { SPLIT_ELEMENTS } from './runtime.js';

/** The `layerNorm` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function layerNorm(
  rt: WasmRuntime,
  { x, weight, bias, out, mean, rstd }: LayerNormInputs<WasmStorage>,
  { rows, cols, eps }: LayerNormAttrs,
): void {
  if (rows === 0 || cols === 0) return;
  if (!weight || !bias) rt.ensureUnits(cols);
  const w = weight ? weight.ptr : rt.ones;
  const b = bias ? bias.ptr : rt.zeros;
  const args = [x.ptr, w, b, out.ptr, mean.ptr, rstd.ptr, rows, cols, eps];
  rt.inParts('layerNormForwardPart', rows * cols, SPLIT_ELEMENTS, args);
}

/** The `layerNormBackward` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function layerNormBackward(
  rt: WasmRuntime,
  { dy, x, weight, mean, rstd, dx, dweight, dbias }: LayerNormBackwardInputs<WasmStorage>,
  { rows, cols }: LayerNormAttrs,
): void {
  if (cols === 0) return;
  if (!weight) rt.ensureUnits(cols);
  const dw = dweight ? dweight.ptr : rt.temp(cols);
  const db = dbias ? dbias.ptr : rt.temp(cols);
  const w = weight ? weight.ptr : rt.ones;
  rt.w.layerNormBackward(dy.ptr, x.ptr, w, mean.ptr, rstd.ptr, dx.ptr, dw, db, rows, cols, 0);
  if (!dweight) rt.allocator.free(dw);
  if (!dbias) rt.allocator.free(db);
}
