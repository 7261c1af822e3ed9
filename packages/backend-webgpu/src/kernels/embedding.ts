/**
 * The embedding WGSL kernels: `gather` (a lookup of table rows) and its backward `scatterAdd` (repeated ids
 * accumulate, by float atomics: a compare-exchange loop on the bits, as WGSL has no atomic float add).
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/embedding.ts`): an id out of range is an error.
 * The backend checks ids on the host copy it keeps of int32 tensors written from the host (token ids); ids
 * computed on the GPU are checked by the kernel, which writes zeros and raises a flag that the next read
 * turns into an error.
 */

import type { GatherAttrs, GatherInputs, ScatterAddInputs } from '@lxmls/tensor';
import type { GpuStorage, Runtime } from '../runtime.js';
import { groupsFor, WG } from './elementwise.js';

/** `out[i, :] = table[ids[i], :]`. */
export function gather(rt: Runtime, { table, ids, out }: GatherInputs<GpuStorage>, attrs: GatherAttrs): void {
  const { numIds, numRows, dim } = attrs;
  const size = numIds * dim;
  if (size === 0) return;
  const checked = ids.host !== null;
  if (!checked) rt.flagsDirty = true;
  const operands = [
    { name: 'table', storage: table },
    { name: 'ids', storage: ids },
    { name: 'out', storage: out, write: true },
  ];
  if (!checked) operands.push({ name: 'flags', storage: rt.flags, write: true });
  rt.dispatch(
    checked ? 'gather' : 'gather-flag',
    {
      wg: WG,
      body: `if (gid >= pu(0u)) { return; }
  let dim = pu(2u);
  let id = $ids[gid / dim];
  if (id < 0 || u32(id) >= pu(1u)) {
    $out[gid] = ${out.dtype === 'int32' ? '0' : '0.0'};
    ${checked ? '' : '$flags[0] = 1;'}
    return;
  }
  $out[gid] = $table[u32(id) * dim + gid % dim];`,
    },
    operands,
    [size, numRows, dim],
    groupsFor(size),
  );
}

/** `dtable[ids[i], :] += dy[i, :]`. */
export function scatterAdd(
  rt: Runtime,
  { dy, ids, dtable }: ScatterAddInputs<GpuStorage>,
  attrs: GatherAttrs,
): void {
  const { numIds, numRows, dim } = attrs;
  const size = numIds * dim;
  if (size === 0) return;
  rt.dispatch(
    'scatterAdd',
    {
      wg: WG,
      body: `if (gid >= pu(0u)) { return; }
  let dim = pu(2u);
  let id = $ids[gid / dim];
  if (id < 0 || u32(id) >= pu(1u)) { return; }
  let at = u32(id) * dim + gid % dim;
  let add = $dy[gid];
  var old = atomicLoad(&$dtable[at]);
  loop {
    let r = atomicCompareExchangeWeak(&$dtable[at], old, bitcast<u32>(bitcast<f32>(old) + add));
    if (r.exchanged) { break; }
    old = r.old_value;
  }`,
    },
    [
      { name: 'dy', storage: dy },
      { name: 'ids', storage: ids },
      { name: 'dtable', storage: dtable, write: true, atomic: true },
    ],
    [size, numRows, dim],
    groupsFor(size),
  );
}
