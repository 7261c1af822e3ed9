/**
 * The `wasm` backend's embedding kernels: the embedding lookup (gather) and its backward (scatterAdd).
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/embedding.ts (gather, scatterAdd) (docs/wasm-kernels.md), with the parts of a split call in
 * assembly/parts.ts. The `js` reference of each kernel is packages/tensor/src/backends/js/embedding.ts.
 */

import type { GatherAttrs, GatherInputs, ScatterAddInputs } from '@lxmls/tensor';
import { checkIds } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';

/** The `gather` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function gather(
  rt: WasmRuntime,
  { table, ids, out }: GatherInputs<WasmStorage>,
  { numIds, numRows, dim }: GatherAttrs,
): void {
  checkIds(rt.view(ids), numIds, numRows);
  rt.w.gather(table.ptr, ids.ptr, out.ptr, numIds, dim);
}

/** The `scatterAdd` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function scatterAdd(
  rt: WasmRuntime,
  { dy, ids, dtable }: ScatterAddInputs<WasmStorage>,
  { numIds, numRows, dim }: GatherAttrs,
): void {
  checkIds(rt.view(ids), numIds, numRows);
  rt.w.scatterAdd(dy.ptr, ids.ptr, dtable.ptr, numIds, dim);
}
