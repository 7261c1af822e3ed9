/**
 * NewGELU, the tanh approximation of GELU used by GPT-2 and BERT: `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`
 * (minGPT's `NewGELU`, docs/course-behaviour.md §2.2). The computation is one fused kernel of @lxmls/tensor.
 */

import { gelu, type Tensor } from '@lxmls/tensor';
import { Module } from './module.js';

/**
 * The GELU activation (tanh form), as a module.
 *
 * @remarks Python: minGPT / lxmls `model.NewGELU`.
 * @example
 * ```ts
 * import { NewGELU } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * console.log(new NewGELU().forward(tensor([0, 1])).toArray()); // → [ 0, 0.8411920070648193 ]
 * ```
 */
export class NewGELU extends Module {
  /**
   * Applies GELU elementwise.
   *
   * @param x - A float32 tensor.
   * @returns A tensor of the same shape.
   */
  forward(x: Tensor): Tensor {
    return gelu(x); // same shape as x
  }
}
