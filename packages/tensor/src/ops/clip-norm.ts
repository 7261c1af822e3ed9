/**
 * The global-norm clip of one vector, as the gradient clip of a training step needs it
 * (`torch.nn.utils.clip_grad_norm_` on the gradients flattened into one vector): the L2 norm and the vector
 * scaled by `min(1, maxNorm / (norm + 1e-6))`, both tensors, so nothing is read. One call of the backend's
 * optional `clipNorm` kernel (one dispatch on WebGPU) or else composed from core ops.
 *
 * Follows PyTorch 1.13's `clip_grad_norm_` (float32 arithmetic for the norm and the coefficient).
 */

import { noGrad } from '../engine.js';
import { LxmlsTensorError } from '../errors.js';
import { backendOf, expectDtype, output, type Tensor } from '../tensor.js';
import { add, div, maximum, mul } from './arithmetic.js';
import { sum } from './reduce.js';
import { neg, sqrt } from './unary.js';

/**
 * The vector `x` scaled to a norm of at most `maxNorm`, and its norm before scaling: `norm = √(Σ x²)` and
 * `x · min(1, maxNorm / (norm + 1e-6))` (multiplied by 1 when the norm is below `maxNorm`). Outside the tape
 * (nothing is recorded, as `clip_grad_norm_` under `torch.no_grad()`). A backend with the optional `clipNorm`
 * kernel computes both in one call; otherwise they are composed from `mul`, `sum`, `sqrt`, `add`, `div`,
 * `maximum` and `neg`, so `js` and `wasm` give the bits of that composition.
 *
 * @param x - A float32 vector `(N,)` (e.g. every gradient flattened and concatenated).
 * @param maxNorm - The largest norm allowed, > 0.
 * @returns `[scaled, norm]`: `scaled` of `x`'s shape and the norm `()`; the caller owns both.
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` for a `maxNorm` that is not positive, `DTYPE_MISMATCH`
 *   for an int32 `x`.
 * @remarks Python: `torch.nn.utils.clip_grad_norm_(params, max_norm)` (the total norm and the scaling).
 * @example
 * ```ts
 * import { clipByNorm, tensor } from '@lxmls/tensor';
 * const [scaled, norm] = clipByNorm(tensor([3, 4]), 1);
 * console.log(norm.item().toFixed(4), Array.from(scaled.data(), (v) => v.toFixed(4))); // → 5.0000 [ '0.6000', '0.8000' ]
 * ```
 */
export function clipByNorm(x: Tensor, maxNorm: number): [Tensor, Tensor] {
  const fn = 'clipByNorm';
  const backend = backendOf(fn, x);
  expectDtype(fn, x, 'float32');
  if (typeof maxNorm !== 'number' || !(maxNorm > 0)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'maxNorm must be positive', {
      fn,
      argument: 'maxNorm',
      expected: 'a number > 0',
      received: String(maxNorm),
    });
  }
  if (backend.clipNorm && x.size > 0) {
    const scaled = output(backend, x.shape, 'float32'); // same shape as x, every element written
    const norm = output(backend, [], 'float32'); // ()
    backend.clipNorm(
      { x: x.storage(fn), out: scaled.storage(fn), norm: norm.storage(fn) },
      { size: x.size, maxNorm },
    );
    return [scaled, norm];
  }
  return noGrad(() => {
    const squares = mul(x, x); // (N,)
    const total = sum(squares); // ()
    squares.dispose();
    const norm = sqrt(total); // ()
    total.dispose();
    // min(1, maxNorm / (norm + 1e-6)) as −max(−c, −1): the same float32 steps on every backend
    const steps: Tensor[] = [add(norm, 1e-6)];
    steps.push(div(maxNorm, steps[0]!));
    steps.push(neg(steps[1]!));
    steps.push(maximum(steps[2]!, -1));
    const coef = neg(steps[3]!); // ()
    for (const t of steps) t.dispose();
    const scaled = mul(x, coef); // same shape as x
    coef.dispose();
    return [scaled, norm] as [Tensor, Tensor];
  });
}
