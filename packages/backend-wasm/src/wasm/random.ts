/**
 * The `wasm` backend's random kernels: dropout (the counter-based hash of uniformAt, four lanes at a time)
 * and multinomial.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/random.ts (dropout) (docs/wasm-kernels.md), with the parts of a split call in assembly/parts.ts.
 * The `js` reference of each kernel is packages/tensor/src/backends/js/random.ts.
 */

import type { DropoutAttrs, MultinomialAttrs, MultinomialInputs, UnaryInputs } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { SPLIT_ELEMENTS } from './runtime.js';

/** The `dropout` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function dropout(rt: WasmRuntime, { x, out }: UnaryInputs<WasmStorage>, attrs: DropoutAttrs): void {
  const { size, p, seed } = attrs;
  // keep element i when its 32-bit hash is ≥ ⌈p·2³²⌉ (= uniformAt(seed, i) ≥ p, see assembly/random.ts)
  const threshold = Math.ceil(p * 4294967296);
  if (threshold <= 0) {
    rt.reference.dropout({ x: rt.f32(x), out: rt.f32(out) }, attrs); // p ≤ 0: a scaled copy
    return;
  }
  if (threshold >= 4294967296) {
    rt.F.fill(0, out.ptr >> 2, (out.ptr >> 2) + size); // nothing is kept
    return;
  }
  rt.inParts('dropoutPart', size, SPLIT_ELEMENTS, [x.ptr, out.ptr, size, threshold, 1 / (1 - p), seed >>> 0]);
}

/** The `multinomial` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function multinomial(
  rt: WasmRuntime,
  { probs, out }: MultinomialInputs<WasmStorage>,
  attrs: MultinomialAttrs,
): void {
  rt.reference.multinomial({ probs: rt.f32(probs), out: rt.view(out) as Int32Array }, attrs);
}
