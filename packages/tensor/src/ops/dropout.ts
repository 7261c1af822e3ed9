/**
 * Inverted dropout (`torch.nn.functional.dropout`): in training, zero each element with probability `p`
 * and scale the others by 1/(1-p), so the expected value is unchanged; in evaluation, the identity.
 *
 * The mask comes from a 32-bit seed drawn from the generator and the counter-based hash `uniformAt(seed, i)`,
 * so every backend draws the same mask, and the backward re-applies the same mask to the gradient.
 */

import { check } from '../errors.js';
import { getGenerator, type RandomGenerator } from '../random.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { clone } from './unary.js';

/** Options of {@link dropout}. */
export interface DropoutOptions {
  /** Apply dropout (true, the default) or return a copy of `x` (evaluation mode). */
  training?: boolean;
  /** The generator to draw the mask seed from; defaults to the global one. */
  generator?: RandomGenerator;
}

/**
 * Zeroes elements with probability `p`, scaling the kept ones by `1/(1-p)`.
 *
 * @param x - A float32 tensor.
 * @param p - The drop probability, in `[0, 1]`.
 * @param options - `training` (default true), `generator`.
 * @returns A new tensor.
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` when `p` is outside `[0, 1]`.
 * @example
 * ```ts
 * import { dropout, ones } from '@lxmls/tensor';
 * const y = dropout(ones([1000]), 0.5).data();
 * console.log(y.every((v) => v === 0 || v === 2)); // → true
 * ```
 */
export function dropout(x: Tensor, p: number, options: DropoutOptions = {}): Tensor {
  const { training = true, generator = getGenerator() } = options;
  check(
    p >= 0 && p <= 1,
    'dropout',
    () => 'p must be a probability',
    () => 'a number in [0, 1]',
    () => String(p),
    'p',
  );
  const backend = backendOf('dropout', x);
  expectDtype('dropout', x, 'float32');
  if (!training || p === 0) return clone(x);
  const seed = generator.uint32();
  const y = output(backend, x.shape, 'float32'); // same shape as x, every element written
  backend.dropout({ x: x.storage('dropout'), out: y.storage('dropout') }, { size: x.size, p, seed });
  return record('dropout', y, [x], (g) => {
    // y = x · mask / (1-p), so dx = dy · mask / (1-p): the same kernel with the same seed
    const dx = output(backend, x.shape, 'float32');
    backend.dropout({ x: g.storage('dropout'), out: dx.storage('dropout') }, { size: x.size, p, seed });
    return [dx];
  });
}
