/**
 * softmax and logSoftmax over an axis (the last by default; another axis is moved last and back), computed
 * stably by subtracting the row maximum, as `torch.softmax` / `torch.log_softmax`.
 *
 * Backward of y = softmax(x) along a row: ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ - yⱼ), so dxⱼ = yⱼ (dyⱼ - Σᵢ dyᵢ yᵢ).
 * Backward of y = logSoftmax(x): ∂yᵢ/∂xⱼ = δᵢⱼ - softmax(x)ⱼ, so dxⱼ = dyⱼ - exp(yⱼ) Σᵢ dyᵢ.
 */

import { normalizeAxis } from '../shape.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { transpose } from './shape.js';

function lastAxisOp(fn: 'softmax' | 'logSoftmax', x: Tensor, axis: number): Tensor {
  const rank = x.shape.length;
  const ax = normalizeAxis(fn, axis, rank);
  if (ax !== rank - 1 && rank > 0) {
    // move the axis last, apply, move it back: gradients flow through the transposes
    const moved = transpose(x, ax, -1);
    const y = lastAxisOp(fn, moved, -1);
    return transpose(y, ax, -1);
  }
  const backend = backendOf(fn, x);
  expectDtype(fn, x, 'float32');
  const cols = rank === 0 ? 1 : x.shape[rank - 1]!;
  const rows = cols === 0 ? 0 : x.size / cols;
  const y = output(backend, x.shape, 'float32'); // same shape as x
  backend[fn](x.storage(fn), y.storage(fn), rows, cols);
  return record(fn, y, [x], (g) => {
    const dx = output(backend, x.shape, 'float32');
    if (fn === 'softmax') backend.softmaxBackward(y.storage(fn), g.storage(fn), dx.storage(fn), rows, cols);
    else backend.logSoftmaxBackward(y.storage(fn), g.storage(fn), dx.storage(fn), rows, cols);
    return [dx];
  });
}

/**
 * Softmax along an axis: `exp(xᵢ - max) / Σⱼ exp(xⱼ - max)`, so ±1000 neither overflows nor gives NaN.
 *
 * @param x - A float32 tensor.
 * @param axis - The axis; defaults to -1 (the last).
 * @returns A new tensor whose slices along `axis` sum to 1.
 * @example
 * ```ts
 * import { softmax, tensor } from '@lxmls/tensor';
 * console.log(softmax(tensor([1, 2, 3])).toArray()); // → [ 0.09003057330846786, 0.2447284758090973, 0.6652409434318542 ]
 * ```
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  return lastAxisOp('softmax', x, axis);
}

/**
 * Log-softmax along an axis: `xᵢ - max - log Σⱼ exp(xⱼ - max)`, more accurate than `log(softmax(x))`.
 *
 * @param x - A float32 tensor.
 * @param axis - The axis; defaults to -1.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { logSoftmax, tensor } from '@lxmls/tensor';
 * console.log(logSoftmax(tensor([0, 0])).toArray()); // → [ -0.6931471824645996, -0.6931471824645996 ]
 * ```
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return lastAxisOp('logSoftmax', x, axis);
}
