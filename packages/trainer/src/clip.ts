/**
 * Global gradient-norm clipping, as `torch.nn.utils.clip_grad_norm_(params, max_norm)`: the L2 norm of all
 * gradients together, and every gradient scaled by `min(1, max_norm / (norm + 1e-6))`.
 *
 * Follows PyTorch 1.13's `clip_grad_norm_` (float32 arithmetic for the coefficient; no scaling when it is 1).
 * Backend-neutral and cheap: a few ops on the backend for the norm (all gradients flattened into one
 * vector, one sum of squares), a single read of one number, and one multiply per gradient only when
 * clipping happens. {@link clipGradNormTensor} is the same clip without the read, for backends whose reads
 * are asynchronous (WebGPU): the coefficient stays a tensor and every gradient is multiplied by it (the op
 * `clipByNorm`: one dispatch on WebGPU).
 */

import {
  clipByNorm,
  concat,
  keep,
  mul,
  noGrad,
  reshape,
  slice,
  sum,
  type Tensor,
  tensor,
  tidy,
} from '@lxmls/tensor';
import { check, LxmlsTrainerError } from './errors.js';

/**
 * Clips the gradients of `params` in place so that their global L2 norm is at most `maxNorm`, and returns the
 * norm before clipping. Parameters without a gradient are ignored.
 *
 * @param params - The parameters (their `.grad` is replaced by the scaled gradient).
 * @param maxNorm - The largest norm allowed, > 0 (Infinity only measures).
 * @returns The total norm of the gradients before clipping (a float32 value, as torch's returned tensor);
 *   0 when no parameter has a gradient.
 * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` for a `maxNorm` that is not positive or a `params`
 *   that is not an array.
 * @remarks Python: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)`.
 * @example
 * ```ts
 * import { tensor } from '@lxmls/tensor';
 * import { clipGradNorm } from '@lxmls/trainer';
 * const a = tensor([1, 1]);
 * const b = tensor([1]);
 * a.requiresGrad = b.requiresGrad = true;
 * a.mul(3).sum().add(b.mul(4).sum()).backward(); // grads [3, 3] and [4]: norm √34
 * console.log(clipGradNorm([a, b], 1).toFixed(4)); // → 5.8310
 * console.log(a.grad!.toArray(1).map((g) => g.toFixed(4)), b.grad!.item().toFixed(4)); // → [ '0.5145', '0.5145' ] 0.6860
 * ```
 */
export function clipGradNorm(params: readonly Tensor[], maxNorm: number): number {
  const grads = checkedGrads('clipGradNorm', params, maxNorm);
  if (grads.length === 0) return 0;
  return noGrad(() =>
    tidy(() => {
      // Σ g² over all gradients at once: flat views of every gradient, one concat, one sum of squares, one read
      const flat = concat(grads.map((g) => reshape(g, [-1]))); // (N,) all gradient elements
      const totalNorm = Math.fround(Math.sqrt(sum(mul(flat, flat)).item()));
      const clipCoef = Math.fround(maxNorm / Math.fround(totalNorm + 1e-6));
      if (clipCoef < 1) {
        for (const p of params) {
          const g = p.grad;
          if (!g) continue;
          p.grad = keep(mul(g, clipCoef)); // same shape as g
          g.dispose();
        }
      }
      return totalNorm;
    }),
  );
}

/** The gradients of `params` (those that have one), after checking the arguments. */
function checkedGrads(fn: string, params: readonly Tensor[], maxNorm: number): Tensor[] {
  if (!Array.isArray(params))
    check.fail(fn, 'params', params, 'params is not an array', 'an array of tensors');
  if (typeof maxNorm !== 'number' || !(maxNorm > 0))
    check.fail(fn, 'maxNorm', maxNorm, 'maxNorm is not positive', 'a number > 0 (Infinity to only measure)');
  const grads: Tensor[] = [];
  for (const p of params) if (p.grad) grads.push(p.grad);
  return grads;
}

/**
 * {@link clipGradNorm} without reading anything back: the norm and the coefficient
 * `min(1, maxNorm / (norm + 1e-6))` stay tensors on the backend, and every gradient is multiplied by the
 * coefficient (by 1 when the norm is below `maxNorm`): one `clipByNorm` over all of them flattened into one
 * vector (one dispatch on `webgpu`), each gradient then sliced back out (on `webgpu` a slice is a buffer copy, not a dispatch). This is
 * the clip of a training step on a backend whose reads are asynchronous (`capabilities.async`, e.g. WebGPU, where `item()` throws): the step is recorded
 * whole and read once, after it. The arithmetic is float32 on the backend, so the result may differ from
 * {@link clipGradNorm}'s in the last bit.
 *
 * @param params - The parameters (their `.grad` is replaced by the scaled gradient).
 * @param maxNorm - The largest norm allowed, > 0.
 * @returns The total norm before clipping, a one-element tensor `()` the caller owns (read it with
 *   `await norm.dataAsync()` when needed; 0 when no parameter has a gradient).
 * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` as {@link clipGradNorm}.
 * @remarks Python: `torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)` (which also keeps the
 *   coefficient a tensor).
 * @example
 * ```ts
 * import { tensor } from '@lxmls/tensor';
 * import { clipGradNormTensor } from '@lxmls/trainer';
 * const a = tensor([1, 1]);
 * const b = tensor([1]);
 * a.requiresGrad = b.requiresGrad = true;
 * a.mul(3).sum().add(b.mul(4).sum()).backward(); // grads [3, 3] and [4]: norm √34
 * const norm = clipGradNormTensor([a, b], 1);
 * console.log((await norm.dataAsync())[0]!.toFixed(4), (await b.grad!.dataAsync())[0]!.toFixed(4)); // → 5.8310 0.6860
 * ```
 */
export function clipGradNormTensor(params: readonly Tensor[], maxNorm: number): Tensor {
  const grads = checkedGrads('clipGradNormTensor', params, maxNorm);
  if (grads.length === 0) return tensor(0);
  return noGrad(() =>
    tidy(() => {
      const flat = concat(grads.map((g) => reshape(g, [-1]))); // (N,) all gradient elements
      // the norm () and the flat vector times min(1, maxNorm / (norm + 1e-6)), both tensors, so nothing is
      // read: one dispatch on webgpu (its clipNorm kernel); then each gradient sliced back out (a buffer copy)
      const [scaled, totalNorm] = clipByNorm(flat, maxNorm); // (N,), ()
      let offset = 0;
      for (const p of params) {
        const g = p.grad;
        if (!g) continue;
        p.grad = keep(reshape(slice(scaled, [offset], [g.size]), g.shape)); // same shape as g
        offset += g.size;
        g.dispose();
      }
      return totalNorm;
    }),
  );
}
