/**
 * The AdamW update as one in-place kernel call per parameter (`torch.optim.AdamW` semantics: decoupled
 * weight decay, bias-corrected moments, eps outside the square root). The Trainer builds its optimizer on it.
 * Without the backend's optional fused `adamw` kernel, the update is composed from core kernels and copied
 * into place. `adamwUpdateMulti` updates many parameters in one call of the optional `adamwMulti` kernel
 * (PyTorch's `foreach` path), or else one `adamwUpdate` each.
 */

import type { Backend } from '../backend.js';
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
  checkEntry('adamwUpdate', param, grad, m, v, step);
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

/** One parameter of {@link adamwUpdateMulti}: its tensors, and its group's learning rate, weight decay and step. */
export interface AdamWEntry {
  /** The float32 parameter (updated in place). */
  param: Tensor;
  /** Its gradient, same shape. */
  grad: Tensor;
  /** First-moment state, same shape (updated in place). */
  m: Tensor;
  /** Second-moment state, same shape (updated in place). */
  v: Tensor;
  /** Learning rate. */
  lr: number;
  /** Decoupled weight decay. */
  weightDecay: number;
  /** The parameter's step number, starting at 1. */
  step: number;
}

/** The shared hyper-parameters of {@link adamwUpdateMulti}. */
export interface AdamWMultiOptions {
  /** Decay of the first moment. Defaults to 0.9. */
  beta1?: number;
  /** Decay of the second moment. Defaults to 0.999. */
  beta2?: number;
  /** Added to the denominator. Defaults to 1e-8. */
  eps?: number;
}

/**
 * One AdamW step of many parameters at once (`torch.optim.AdamW(foreach=True)`): the same update as
 * {@link adamwUpdate} on each entry, with the entry's `lr`, `weightDecay` and `step`. A backend with the
 * optional `adamwMulti` kernel runs them in one call (on WebGPU one dispatch over all parameters); otherwise
 * each entry is one {@link adamwUpdate}, in order, so the values are those of the loop.
 *
 * @param entries - `{ param, grad, m, v, lr, weightDecay, step }` per parameter; each tensor once.
 * @param options - `beta1`, `beta2`, `eps`.
 * @returns Nothing.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming the shapes; `INVALID_ARGUMENT` for a step < 1 or
 *   a tensor given twice (checked for every entry before any update).
 * @example
 * ```ts
 * import { adamwUpdateMulti, tensor, zeros } from '@lxmls/tensor';
 * const a = tensor([1]);
 * const b = tensor([1, 1]);
 * adamwUpdateMulti(
 *   [
 *     { param: a, grad: tensor([0.5]), m: zeros([1]), v: zeros([1]), lr: 0.1, weightDecay: 0, step: 1 },
 *     { param: b, grad: tensor([1, -1]), m: zeros([2]), v: zeros([2]), lr: 0.2, weightDecay: 0, step: 1 },
 *   ],
 *   { beta2: 0.95 },
 * );
 * console.log(a.item().toFixed(4), b.toArray(1).map((x) => x.toFixed(4))); // → 0.9000 [ '0.8000', '1.2000' ]
 * ```
 */
export function adamwUpdateMulti(entries: readonly AdamWEntry[], options: AdamWMultiOptions = {}): void {
  const fn = 'adamwUpdateMulti';
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = options;
  if (entries.length === 0) return;
  const backend = backendOf(fn, ...entries.flatMap((e) => [e.param, e.grad, e.m, e.v]));
  const seen = new Set<unknown>();
  for (const e of entries) {
    checkEntry(fn, e.param, e.grad, e.m, e.v, e.step);
    for (const t of [e.param, e.m, e.v]) {
      const storage = t.storage(fn);
      if (seen.has(storage)) {
        throw new LxmlsTensorError('INVALID_ARGUMENT', 'a parameter or moment is given twice', {
          fn,
          argument: 'entries',
          expected: 'each param, m and v tensor once (no shared storage)',
          received: `a tensor of shape ${formatShape(t.shape)} twice`,
        });
      }
      seen.add(storage);
    }
  }
  if (backend.adamwMulti) {
    runMulti(backend, entries, beta1, beta2, eps);
    return;
  }
  for (const e of entries) {
    const { lr, weightDecay, step } = e;
    adamwUpdate(e.param, e.grad, e.m, e.v, { lr, beta1, beta2, eps, weightDecay, step });
  }
}

/** The fused call: one list per role. */
function runMulti(
  backend: Backend,
  entries: readonly AdamWEntry[],
  beta1: number,
  beta2: number,
  eps: number,
): void {
  const fn = 'adamwUpdateMulti';
  const list = (key: 'param' | 'grad' | 'm' | 'v') => entries.map((e) => e[key].storage(fn));
  backend.adamwMulti!(
    { params: list('param'), grads: list('grad'), m: list('m'), v: list('v') },
    {
      sizes: entries.map((e) => e.param.size),
      lr: entries.map((e) => e.lr),
      weightDecay: entries.map((e) => e.weightDecay),
      step: entries.map((e) => e.step),
      beta1,
      beta2,
      eps,
    },
  );
}

/** The checks of one AdamW entry: float32, one shape, a step ≥ 1. */
function checkEntry(fn: string, param: Tensor, grad: Tensor, m: Tensor, v: Tensor, step: number): void {
  for (const t of [param, grad, m, v]) expectDtype(fn, t, 'float32', 'param');
  if (![grad, m, v].every((t) => sameShape(t.shape, param.shape))) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'param, grad, m and v must have one shape', {
      fn,
      expected: formatShape(param.shape),
      received: [grad, m, v].map((t) => formatShape(t.shape)).join(', '),
    });
  }
  if (!(Number.isInteger(step) && step >= 1)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'step counts from 1', {
      fn,
      argument: 'step',
      expected: 'an integer ≥ 1',
      received: String(step),
    });
  }
}
