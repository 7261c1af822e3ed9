/**
 * GELU, the tanh approximation used by GPT-2 and minGPT's `NewGELU`:
 * `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 *
 * Backward, with u = √(2/π)(x + 0.044715x³) and t = tanh(u):
 * gelu'(x) = 0.5(1 + t) + 0.5·x·(1 - t²)·√(2/π)(1 + 3·0.044715·x²).
 */

import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';

/**
 * The GELU activation (tanh form), elementwise.
 *
 * @param x - A float32 tensor.
 * @returns A new tensor.
 * @remarks Python: `lxmls.transformers.model.NewGELU.forward`.
 * @example
 * ```ts
 * import { gelu, tensor } from '@lxmls/tensor';
 * console.log(gelu(tensor([1])).item().toFixed(7)); // → 0.8411920
 * ```
 */
export function gelu(x: Tensor): Tensor {
  const backend = backendOf('gelu', x);
  expectDtype('gelu', x, 'float32');
  const y = output(backend, x.shape, 'float32'); // same shape as x
  backend.gelu(x.storage('gelu'), y.storage('gelu'), x.size);
  return record('gelu', y, [x], (g) => {
    const dx = output(backend, x.shape, 'float32');
    backend.geluBackward(x.storage('gelu'), g.storage('gelu'), dx.storage('gelu'), x.size, y.storage('gelu'));
    return [dx];
  });
}
