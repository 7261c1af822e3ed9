/**
 * GELU, the tanh approximation used by GPT-2 and minGPT's `NewGELU`:
 * `0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
 *
 * Backward, with u = √(2/π)(x + 0.044715x³) and t = tanh(u):
 * gelu'(x) = 0.5(1 + t) + 0.5·x·(1 - t²)·√(2/π)(1 + 3·0.044715·x²).
 *
 * Runs the backend's fused `gelu` / `geluBackward` kernels when it has them, else these formulas composed
 * from core kernels (tanh and elementwise arithmetic).
 */

import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { add, mul, sub } from './arithmetic.js';
import { composed } from './compose.js';
import { tanh } from './unary.js';

const C = Math.sqrt(2 / Math.PI); // √(2/π)

/** `t = tanh(√(2/π)·(x + 0.044715·x³))`, shared by the composed forward and backward. */
function inner(x: Tensor): Tensor {
  return tanh(mul(add(x, mul(mul(mul(x, x), x), 0.044715)), C));
}

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
  let y: Tensor; // same shape as x
  if (backend.gelu) {
    y = output(backend, x.shape, 'float32');
    backend.gelu({ x: x.storage('gelu'), out: y.storage('gelu') }, { size: x.size });
  } else {
    y = composed(() => mul(mul(x, 0.5), add(inner(x), 1))); // 0.5·x·(1 + t)
  }
  return record('gelu', y, [x], (g) => {
    if (!backend.geluBackward) {
      // dy · (0.5(1 + t) + 0.5·x·(1 − t²)·√(2/π)(1 + 3·0.044715·x²))
      const t = inner(x);
      const du = mul(add(mul(mul(x, x), 3 * 0.044715), 1), C);
      return [mul(g, add(mul(add(t, 1), 0.5), mul(mul(mul(x, 0.5), sub(1, mul(t, t))), du)))];
    }
    const dx = output(backend, x.shape, 'float32');
    backend.geluBackward(
      { x: x.storage('gelu'), dy: g.storage('gelu'), dx: dx.storage('gelu'), y: y.storage('gelu') },
      { size: x.size },
    );
    return [dx];
  });
}
