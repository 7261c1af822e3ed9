/**
 * The `js` reference of the `adamw` kernel: one AdamW step in place, `torch.optim.AdamW` semantics
 * (decoupled weight decay, bias-corrected moments, eps outside the square root).
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { AdamWAttrs, AdamWInputs } from '../../backend.js';

/** The definition of the `adamw` kernel (docs/backend-contract.md), run by `JsBackend.adamw`. */
export function adamwReference({ param, grad, m, v }: AdamWInputs<Float32Array>, attrs: AdamWAttrs): void {
  const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
  const bc1 = 1 - beta1 ** step; // bias corrections
  const bc2 = 1 - beta2 ** step;
  const stepSize = lr / bc1;
  const sqrtBc2 = Math.sqrt(bc2);
  for (let i = 0; i < size; i++) {
    const g = grad[i]!;
    const p = param[i]! * (1 - lr * weightDecay); // decoupled weight decay
    const mi = beta1 * m[i]! + (1 - beta1) * g;
    const vi = beta2 * v[i]! + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    param[i] = p - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
