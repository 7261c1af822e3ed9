/**
 * LayerNorm over the last axis with a learnable scale and shift, PyTorch's `nn.LayerNorm` (eps 1e-5, biased
 * variance), as used before each sublayer of GPT-2 (pre-LN) and after the last block (`ln_f`).
 */

import { pythonFloat } from '@lxmls/base';
import { layerNorm, ones, type Tensor, zeros } from '@lxmls/tensor';
import { check } from './errors.js';
import { Module } from './module.js';

/**
 * Normalises the last axis to mean 0 and variance 1, then scales by `weight` and shifts by `bias`.
 *
 * @remarks Python: `torch.nn.LayerNorm(normalized_shape, eps=1e-5)`.
 * @example
 * ```ts
 * import { LayerNorm } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * const ln = new LayerNorm(2);
 * const y = ln.forward(tensor([[1, 3]])); // (1, 2)
 * console.log([...y.data()].map((v) => v.toFixed(4)), String(ln)); // → [ '-1.0000', '1.0000' ] LayerNorm((2,), eps=1e-05, elementwise_affine=True)
 * ```
 */
export class LayerNorm extends Module {
  /** The scale, (n), initialised to ones. */
  readonly weight: Tensor;
  /** The shift, (n), initialised to zeros. */
  readonly bias: Tensor;

  /**
   * @param normalizedShape - The size of the last axis.
   * @param eps - Added to the variance (default 1e-5, PyTorch's).
   */
  constructor(
    readonly normalizedShape: number,
    readonly eps = 1e-5,
  ) {
    super();
    check.count('LayerNorm', 'normalizedShape', normalizedShape);
    if (typeof eps !== 'number' || !(eps >= 0) || !Number.isFinite(eps))
      check.fail(
        'LayerNorm',
        'eps',
        eps,
        'eps must be a finite non-negative number',
        'a number ≥ 0 such as 1e-5',
        { received: String(eps) },
      );
    this.weight = this.registerParameter('weight', ones([normalizedShape]));
    this.bias = this.registerParameter('bias', zeros([normalizedShape]));
  }

  /**
   * Applies the layer.
   *
   * @param x - A float32 tensor `(…, n)`.
   * @returns `(…, n)`.
   */
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, this.eps); // (…, n)
  }

  protected override extraRepr(): string {
    return `(${this.normalizedShape},), eps=${pythonFloat(this.eps)}, elementwise_affine=True`;
  }
}
