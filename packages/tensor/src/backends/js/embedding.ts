/**
 * The `js` reference of the embedding kernels: `gather` (a lookup of table rows) and its backward
 * `scatterAdd` (repeated ids accumulate, in float64).
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { GatherAttrs } from '../../backend.js';
import { checkIds } from '../../errors.js';

/** The definition of the `gather` kernel (docs/backend-contract.md), run by `JsBackend.gather`. */
export function gatherReference(
  { table, ids, out }: { table: Float32Array; ids: Int32Array; out: Float32Array },
  { numIds, numRows, dim }: GatherAttrs,
): void {
  checkIds(ids, numIds, numRows);
  for (let i = 0; i < numIds; i++) {
    const id = ids[i]!;
    for (let j = 0; j < dim; j++) out[i * dim + j] = table[id * dim + j]!;
  }
}

/** The definition of the `scatterAdd` kernel (docs/backend-contract.md), run by `JsBackend.scatterAdd`. */
export function scatterAddReference(
  { dy, ids, dtable }: { dy: Float32Array; ids: Int32Array; dtable: Float32Array },
  { numIds, numRows, dim }: GatherAttrs,
): void {
  checkIds(ids, numIds, numRows);
  const acc = new Float64Array(numRows * dim);
  for (let i = 0; i < numIds; i++) {
    const id = ids[i]!;
    for (let j = 0; j < dim; j++) acc[id * dim + j]! += dy[i * dim + j]!;
  }
  for (let i = 0; i < acc.length; i++) dtable[i] = dtable[i]! + acc[i]!;
}
