/**
 * Linear: `y = x Wᵀ + b`, PyTorch's `nn.Linear`, with the weight stored (out, in) as PyTorch stores it, so
 * state dicts load without transposes. (GPT-2's Hugging Face checkpoints use Conv1D, stored (in, out): the
 * loader in @lxmls/gpt transposes those.)
 */

import { getGenerator, linear, type RandomGenerator, type Tensor, zeros } from '@lxmls/tensor';
import { check } from './errors.js';
import { initUniform } from './init.js';
import { Module } from './module.js';

/** Options of {@link Linear}. */
export interface LinearOptions {
  /** Add a learnable bias (default true). */
  bias?: boolean;
  /** The random source of the default initialisation; defaults to the global one. */
  generator?: RandomGenerator;
}

/**
 * A fully connected layer `(…, in) → (…, out)`.
 *
 * Initialised as PyTorch does: weight and bias uniform in ±1/√in (minGPT then re-initialises them).
 *
 * @remarks Python: `torch.nn.Linear(in_features, out_features, bias=True)`.
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * const fc = new Linear(3, 2);
 * fc.weight.copyFrom(Float32Array.of(1, 0, 0, 0, 1, 1)); // (out=2, in=3)
 * fc.bias?.copyFrom(Float32Array.of(0.5, 0));
 * console.log(fc.forward(tensor([[1, 2, 3]])).toArray(), String(fc)); // → [ [ 1.5, 5 ] ] Linear(in_features=3, out_features=2, bias=True)
 * ```
 */
export class Linear extends Module {
  /** The weight, (out, in). */
  readonly weight: Tensor;
  /** The bias, (out), or null. */
  readonly bias: Tensor | null;

  /**
   * @param inFeatures - The size of the last input axis.
   * @param outFeatures - The size of the last output axis.
   * @param options - `bias` (default true), `generator`.
   */
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    check.count('Linear', 'inFeatures', inFeatures);
    check.count('Linear', 'outFeatures', outFeatures);
    const { bias = true, generator = getGenerator() } = options;
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter(
      'weight',
      initUniform(zeros([outFeatures, inFeatures]), -bound, bound, generator),
    );
    this.bias = bias
      ? this.registerParameter('bias', initUniform(zeros([outFeatures]), -bound, bound, generator))
      : null;
  }

  /**
   * Applies the layer.
   *
   * @param x - A float32 tensor `(…, in)`.
   * @returns `(…, out)`.
   */
  forward(x: Tensor): Tensor {
    // y = x Wᵀ + b: matmul(x, weight, { transposeB: true }) plus the bias, as one op (the bias is folded into
    // the matmul where the backend can, and the backward needs no transpose)
    return linear(x, this.weight, this.bias); // (…, in) @ (in, out) + (out) → (…, out)
  }

  protected override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
