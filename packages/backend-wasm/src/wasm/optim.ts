/**
 * The `wasm` backend's optim kernels: one AdamW step in place.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/optim.ts (adamw) (docs/wasm-kernels.md), with the parts of a split call in assembly/parts.ts. The
 * `js` reference of each kernel is packages/tensor/src/backends/js/optim.ts.
 */

import type { AdamWAttrs, AdamWInputs } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';

/** The `adamw` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function adamw(
  rt: WasmRuntime,
  { param, grad, m, v }: AdamWInputs<WasmStorage>,
  attrs: AdamWAttrs,
): void {
  const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
  const stepSize = lr / (1 - beta1 ** step);
  const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
  rt.w.adamw(
    param.ptr,
    grad.ptr,
    m.ptr,
    v.ptr,
    size,
    1 - lr * weightDecay,
    beta1,
    beta2,
    eps,
    stepSize,
    bc2Sqrt,
  );
}
