/**
 * Elementwise unary ops: neg, exp, log, tanh, sqrt, relu, and the copies clone and cast.
 * Each backward is the derivative written next to it, usually in terms of the saved output `y`.
 */

import type { DType, UnaryOp } from '../backend.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { binaryForward, div, mul, sub } from './arithmetic.js';

function unaryForward(op: UnaryOp, x: Tensor): Tensor {
  const backend = backendOf(op, x);
  if (op !== 'neg' && op !== 'relu') expectDtype(op, x, 'float32');
  const y = output(backend, x.shape, x.dtype); // same shape as x
  backend.unary({ x: x.storage(op), out: y.storage(op) }, { op, size: x.size });
  return y;
}

/**
 * Elementwise `-x`.
 *
 * @param x - A tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { neg, tensor } from '@lxmls/tensor';
 * console.log(neg(tensor([1, -2])).toArray()); // → [ -1, 2 ]
 * ```
 */
export function neg(x: Tensor): Tensor {
  const y = unaryForward('neg', x);
  return record('neg', y, [x], (g) => [neg(g)]); // d(-x)/dx = -1
}

/**
 * Elementwise `eˣ`.
 *
 * @param x - A float32 tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { exp, tensor } from '@lxmls/tensor';
 * console.log(exp(tensor([0])).toArray()); // → [ 1 ]
 * ```
 */
export function exp(x: Tensor): Tensor {
  const y = unaryForward('exp', x);
  return record('exp', y, [x], (g) => [mul(g, y)]); // d eˣ/dx = eˣ = y
}

/**
 * Elementwise natural logarithm.
 *
 * @param x - A float32 tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { log, tensor } from '@lxmls/tensor';
 * console.log(log(tensor([1])).toArray()); // → [ 0 ]
 * ```
 */
export function log(x: Tensor): Tensor {
  const y = unaryForward('log', x);
  return record('log', y, [x], (g) => [div(g, x)]); // d ln x/dx = 1/x
}

/**
 * Elementwise hyperbolic tangent.
 *
 * @param x - A float32 tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { tanh, tensor } from '@lxmls/tensor';
 * console.log(tanh(tensor([0])).toArray()); // → [ 0 ]
 * ```
 */
export function tanh(x: Tensor): Tensor {
  const y = unaryForward('tanh', x);
  return record('tanh', y, [x], (g) => [mul(g, sub(1, mul(y, y)))]); // d tanh x/dx = 1 - tanh²x = 1 - y²
}

/**
 * Elementwise square root.
 *
 * @param x - A float32 tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { sqrt, tensor } from '@lxmls/tensor';
 * console.log(sqrt(tensor([4, 9])).toArray()); // → [ 2, 3 ]
 * ```
 */
export function sqrt(x: Tensor): Tensor {
  const y = unaryForward('sqrt', x);
  return record('sqrt', y, [x], (g) => [div(g, mul(y, 2))]); // d √x/dx = 1/(2√x) = 1/(2y)
}

/**
 * Elementwise `max(x, 0)`.
 *
 * @param x - A tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { relu, tensor } from '@lxmls/tensor';
 * console.log(relu(tensor([-1, 2])).toArray()); // → [ 0, 2 ]
 * ```
 */
export function relu(x: Tensor): Tensor {
  const y = unaryForward('relu', x);
  return record('relu', y, [x], (g) => [mul(g, binaryForward('relu', 'gt', x, 0))]); // 1 where x > 0, else 0
}

/**
 * A copy with its own storage; gradients flow through it unchanged.
 *
 * @param x - A tensor.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { clone, tensor } from '@lxmls/tensor';
 * console.log(clone(tensor([1, 2])).toArray()); // → [ 1, 2 ]
 * ```
 */
export function clone(x: Tensor): Tensor {
  const backend = backendOf('clone', x);
  const y = output(backend, x.shape, x.dtype);
  backend.copy({ x: x.storage('clone'), out: y.storage('clone') }, { size: x.size });
  return record('clone', y, [x], (g) => [clone(g)]);
}

/**
 * Converts to another dtype (float32 → int32 truncates toward zero). Not differentiable.
 *
 * @param x - A tensor.
 * @param dtype - The target dtype.
 * @returns A new tensor (a copy even when the dtype is unchanged).
 * @example
 * ```ts
 * import { cast, tensor } from '@lxmls/tensor';
 * console.log(cast(tensor([1.7, -1.7]), 'int32').toArray()); // → [ 1, -1 ]
 * ```
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  const backend = backendOf('cast', x);
  const y = output(backend, x.shape, dtype);
  backend.cast({ x: x.storage('cast'), out: y.storage('cast') }, { size: x.size, to: dtype });
  return y;
}
