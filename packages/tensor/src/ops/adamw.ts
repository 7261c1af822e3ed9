/**
 * The AdamW update as one in-place kernel call per parameter (`torch.optim.AdamW` semantics: decoupled
 * weight decay, bias-corrected moments, eps outside the square root). The Trainer builds its optimizer on it.
 * Without the backend's optional fused `adamw` kernel, the update is composed from core kernels and copied
 * into place.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { sameShape } from '../shape.js';
import { backendOf, expectDtype, type Tensor } from '../tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import { composed } from './compose.js';
import { sqrt } from './unary.js';

/** Hyper-parameters of {@link adamwUpdate}. */
export interface AdamWOptions {
  /** Learning rate. */
  lr: number;
  /** Decay of the first moment. Defaults to 0.9. */
  beta1?: number;
  /** Decay of the second moment. Defaults to 0.999 (minGPT's trainer uses 0.95). */
  beta2?: number;
  /** Added to the denominator. Defaults to 1e-8. */
  eps?: number;
  /** Decoupled weight decay. Defaults to 0.01 (PyTorch). */
  weightDecay?: number;
  /** The step number, starting at 1 (for the bias corrections). */
  step: number;
}

/**
 * One AdamW step, in place on `param`, `m` and `v` (outside the tape, like `optimizer.step()` under
 * `torch.no_grad()`): `p *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
 * p -= lr/(1-β1ᵗ) · m / (√v/√(1-β2ᵗ) + eps)`.
 *
 * @param param - The float32 parameter (updated in place).
 * @param grad - Its gradient, same shape.
 * @param m - First-moment state, same shape (start with zeros; updated in place).
 * @param v - Second-moment state, same shape (start with zeros; updated in place).
 * @param options - `lr`, `step` and the optional `beta1`, `beta2`, `eps`, `weightDecay`.
 * @returns Nothing.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming the shapes; `INVALID_ARGUMENT` for a step < 1.
 * @example
 * ```ts
 * import { adamwUpdate, tensor, zeros } from '@lxmls/tensor';
 * const p = tensor([1]);
 * adamwUpdate(p, tensor([0.5]), zeros([1]), zeros([1]), { lr: 0.1, step: 1, weightDecay: 0 });
 * console.log(p.item().toFixed(4)); // → 0.9000
 * ```
 */
export function adamwUpdate(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, options: AdamWOptions): void {
  const { lr, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01, step } = options;
  const backend = backendOf('adamwUpdate', param, grad, m, v);
  for (const t of [param, grad, m, v]) expectDtype('adamwUpdate', t, 'float32', 'param');
  if (![grad, m, v].every((t) => sameShape(t.shape, param.shape))) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'param, grad, m and v must have one shape', {
      fn: 'adamwUpdate',
      expected: formatShape(param.shape),
      received: [grad, m, v].map((t) => formatShape(t.shape)).join(', '),
    });
  }
  if (!(Number.isInteger(step) && step >= 1)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'step counts from 1', {
      fn: 'adamwUpdate',
      argument: 'step',
      expected: 'an integer ≥ 1',
      received: String(step),
    });
  }
  const s = (t: Tensor) => t.storage('adamwUpdate');
  const attrs = { size: param.size, lr, beta1, beta2, eps, weightDecay, step };
  if (backend.adamw) {
    backend.adamw({ param: s(param), grad: s(grad), m: s(m), v: s(v) }, attrs);
    return;
  }
  composed(() => {
    // the same update from core kernels, then copied into param, m and v
    const m1 = add(mul(m, beta1), mul(grad, 1 - beta1));
    const v1 = add(mul(v, beta2), mul(mul(grad, grad), 1 - beta2));
    const denom = add(div(sqrt(v1), Math.sqrt(1 - beta2 ** step)), eps);
    const p1 = sub(mul(param, 1 - lr * weightDecay), div(mul(m1, lr / (1 - beta1 ** step)), denom));
    for (const [from, to] of [
      [m1, m],
      [v1, v],
      [p1, param],
    ] as const)
      backend.copy({ x: s(from), out: s(to) }, { size: param.size });
  });
}
