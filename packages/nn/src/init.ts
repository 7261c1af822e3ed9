/**
 * Initialisers: fill a parameter in place, like `torch.nn.init.normal_`, `uniform_`, `zeros_`, `ones_` and
 * `constant_`. Every random one takes a seeded generator (the global one of `manualSeed` by default).
 */

import { getGenerator, noGrad, type RandomGenerator, type Tensor } from '@lxmls/tensor';
import { check } from './errors.js';

function expectFloat(fn: string, t: Tensor): void {
  if (t.dtype !== 'float32')
    check.fail(fn, 't', undefined, 'only a float32 tensor can be initialised', 'float32', {
      received: t.dtype,
    });
}

function fill(fn: string, t: Tensor, value: (i: number) => number): Tensor {
  expectFloat(fn, t);
  const data = new Float32Array(t.size);
  for (let i = 0; i < data.length; i++) data[i] = value(i);
  return noGrad(() => t.copyFrom(data));
}

/**
 * Fills `t` with draws from N(mean, std²) (PyTorch `nn.init.normal_`).
 *
 * @param t - A float32 tensor, overwritten in place.
 * @param std - The standard deviation (minGPT uses 0.02).
 * @param mean - The mean, default 0.
 * @param generator - The random source; defaults to the global one (`manualSeed`).
 * @returns `t`.
 * @example
 * ```ts
 * import { initNormal } from '@lxmls/nn';
 * import { RandomGenerator, zeros } from '@lxmls/tensor';
 * const w = initNormal(zeros([1000]), 0.02, 0, new RandomGenerator(0));
 * console.log(Math.abs(w.mean().item()) < 0.005); // → true
 * ```
 */
export function initNormal(
  t: Tensor,
  std: number,
  mean = 0,
  generator: RandomGenerator = getGenerator(),
): Tensor {
  return fill('initNormal', t, () => mean + std * generator.normal());
}

/**
 * Fills `t` with draws from U(low, high) (PyTorch `nn.init.uniform_`).
 *
 * @param t - A float32 tensor, overwritten in place.
 * @param low - The lower bound.
 * @param high - The upper bound.
 * @param generator - The random source; defaults to the global one.
 * @returns `t`.
 * @example
 * ```ts
 * import { initUniform } from '@lxmls/nn';
 * import { zeros } from '@lxmls/tensor';
 * const w = initUniform(zeros([100]), -0.1, 0.1);
 * console.log(w.max().item() <= 0.1 && w.neg().max().item() <= 0.1); // → true
 * ```
 */
export function initUniform(
  t: Tensor,
  low: number,
  high: number,
  generator: RandomGenerator = getGenerator(),
): Tensor {
  return fill('initUniform', t, () => low + (high - low) * generator.float());
}

/**
 * Fills `t` with one value (PyTorch `nn.init.constant_`; `initConstant(t, 0)` is `zeros_`, 1 is `ones_`).
 *
 * @param t - A float32 tensor, overwritten in place.
 * @param value - The value.
 * @returns `t`.
 * @example
 * ```ts
 * import { initConstant } from '@lxmls/nn';
 * import { zeros } from '@lxmls/tensor';
 * console.log(initConstant(zeros([3]), 1).toArray()); // → [ 1, 1, 1 ]
 * ```
 */
export function initConstant(t: Tensor, value: number): Tensor {
  return fill('initConstant', t, () => value);
}
