/**
 * softmax and logSoftmax over an axis (the last by default; another axis is moved last and back), computed
 * stably by subtracting the row maximum, as `torch.softmax` / `torch.log_softmax`.
 *
 * Backward of y = softmax(x) along a row: ∂yᵢ/∂xⱼ = yᵢ(δᵢⱼ - yⱼ), so dxⱼ = yⱼ (dyⱼ - Σᵢ dyᵢ yᵢ).
 * Backward of y = logSoftmax(x): ∂yᵢ/∂xⱼ = δᵢⱼ - softmax(x)ⱼ, so dxⱼ = dyⱼ - exp(yⱼ) Σᵢ dyᵢ.
 */

import type { Backend } from '../backend.js';
import { normalizeAxis } from '../shape.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { div, mul, sub } from './arithmetic.js';
import { composed } from './compose.js';
import { max, sum } from './reduce.js';
import { reshape, transpose } from './shape.js';
import { exp, log } from './unary.js';

type SoftmaxOp = 'softmax' | 'logSoftmax';

/** softmax or logSoftmax of the rows of `x2` `(rows, cols)` from core kernels (the fused kernels' values). */
function composeForward(fn: SoftmaxOp, x2: Tensor): Tensor {
  const shifted = sub(x2, max(x2, -1, true)); // (rows, cols) x - max_r
  const total = sum(exp(shifted), -1, true); // (rows, 1) Σ_j exp(x - max_r)
  return fn === 'softmax' ? div(exp(shifted), total) : sub(shifted, log(total));
}

/** The backward of {@link composeForward} on `(rows, cols)` from the output `y2` and its gradient `g2`. */
function composeBackward(fn: SoftmaxOp, y2: Tensor, g2: Tensor): Tensor {
  if (fn === 'softmax') return mul(y2, sub(g2, sum(mul(g2, y2), -1, true))); // y·(g - Σ g·y)
  return sub(g2, mul(exp(y2), sum(g2, -1, true))); // g - exp(y)·Σ g
}

/**
 * @internal softmax or logSoftmax over the rows of `x` viewed as `(rows, cols)`, off the tape: the backend's
 * fused kernel, or the composition from core kernels.
 */
export function rowSoftmax(fn: SoftmaxOp, backend: Backend, x: Tensor, rows: number, cols: number): Tensor {
  const kernel = backend[fn];
  if (kernel) {
    const y = output(backend, x.shape, 'float32'); // same shape as x
    kernel.call(backend, { x: x.storage(fn), out: y.storage(fn) }, { rows, cols });
    return y;
  }
  if (x.size === 0) return output(backend, x.shape, 'float32');
  return composed(() => reshape(composeForward(fn, reshape(x, [rows, cols])), x.shape));
}

function lastAxisOp(fn: SoftmaxOp, x: Tensor, axis: number): Tensor {
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
  const y = rowSoftmax(fn, backend, x, rows, cols); // same shape as x
  return record(fn, y, [x], (g) => {
    const kernel = fn === 'softmax' ? backend.softmaxBackward : backend.logSoftmaxBackward;
    if (!kernel || x.size === 0) {
      return [
        composed(() =>
          reshape(composeBackward(fn, reshape(y, [rows, cols]), reshape(g, [rows, cols])), x.shape),
        ),
      ];
    }
    const dx = output(backend, x.shape, 'float32');
    kernel.call(backend, { y: y.storage(fn), dy: g.storage(fn), dx: dx.storage(fn) }, { rows, cols });
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
