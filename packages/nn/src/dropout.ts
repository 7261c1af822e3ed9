/**
 * Dropout: in training, zero each element with probability p and scale the rest by 1/(1-p); in evaluation,
 * the identity. PyTorch's `nn.Dropout`, following the module's `training` flag (`model.eval()` turns it off).
 */

import { pythonFloat } from '@lxmls/base';
import { dropout, getGenerator, type RandomGenerator, type Tensor } from '@lxmls/tensor';
import { check } from './errors.js';
import { Module } from './module.js';

/** Options of {@link Dropout}. */
export interface DropoutOptions {
  /** The random source of the masks; defaults to the global one (`manualSeed`). */
  generator?: RandomGenerator;
}

/**
 * Randomly zeroes elements during training.
 *
 * @remarks Python: `torch.nn.Dropout(p)`.
 * @example
 * ```ts
 * import { Dropout } from '@lxmls/nn';
 * import { ones } from '@lxmls/tensor';
 * const drop = new Dropout(0.5);
 * const y = drop.forward(ones([1000])).data();
 * console.log(y.every((v) => v === 0 || v === 2), drop.eval().forward(ones([2])).toArray()); // → true [ 1, 1 ]
 * ```
 */
export class Dropout extends Module {
  readonly #generator: RandomGenerator | undefined;

  /**
   * @param p - The probability of zeroing an element, in [0, 1).
   * @param options - `generator`.
   */
  constructor(
    readonly p = 0.5,
    options: DropoutOptions = {},
  ) {
    super();
    check.probability('Dropout', 'p', p);
    this.#generator = options.generator;
  }

  /**
   * Applies dropout (training) or returns `x` itself (evaluation, or p = 0).
   *
   * @param x - A float32 tensor.
   * @returns A tensor of the same shape.
   */
  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    return dropout(x, this.p, { generator: this.#generator ?? getGenerator() }); // same shape as x
  }

  protected override extraRepr(): string {
    return `p=${pythonFloat(this.p)}, inplace=False`;
  }
}
