/**
 * The AdamW step as one WGSL kernel: parameter, first and second moments updated in place, one thread per
 * element, bias corrections computed once on the host.
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/optim.ts`), PyTorch's `torch.optim.AdamW`:
 * decoupled weight decay, `p −= (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + eps)`.
 */

import type { AdamWAttrs, AdamWInputs } from '@lxmls/tensor';
import { f32bits, type GpuStorage, type Runtime } from '../runtime.js';
import { groupsFor, WG } from './elementwise.js';

/** One AdamW step in place over `size` elements. */
export function adamw(rt: Runtime, { param, grad, m, v }: AdamWInputs<GpuStorage>, attrs: AdamWAttrs): void {
  const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
  if (size === 0) return;
  const bc1 = 1 - beta1 ** step;
  const bc2 = 1 - beta2 ** step;
  rt.dispatch(
    'adamw',
    {
      wg: WG,
      body: `if (gid >= pu(0u)) { return; }
  let g = $grad[gid];
  let p = $param[gid] * pf(1u);
  let mi = pf(2u) * $m[gid] + pf(3u) * g;
  let vi = pf(4u) * $v[gid] + pf(5u) * g * g;
  $m[gid] = mi;
  $v[gid] = vi;
  $param[gid] = p - (pf(6u) * mi) / (sqrt(vi) / pf(7u) + pf(8u));`,
    },
    [
      { name: 'param', storage: param, write: true },
      { name: 'grad', storage: grad },
      { name: 'm', storage: m, write: true },
      { name: 'v', storage: v, write: true },
    ],
    [
      size,
      f32bits(1 - lr * weightDecay),
      f32bits(beta1),
      f32bits(1 - beta1),
      f32bits(beta2),
      f32bits(1 - beta2),
      f32bits(lr / bc1),
      f32bits(Math.sqrt(bc2)),
      f32bits(eps),
    ],
    groupsFor(size),
  );
}
