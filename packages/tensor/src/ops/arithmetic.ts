/**
 * Elementwise binary ops with PyTorch/NumPy broadcasting: add, sub, mul, div, pow, maximum.
 *
 * The gradient of a broadcast op: if `a` of shape `(3, 1)` was repeated along axis 1 to meet `b` `(3, 4)`,
 * each element of `a` influenced 4 outputs, so its gradient is the SUM of those 4 output gradients. That is
 * `unbroadcast(g, a.shape)`: sum over the broadcast axes, then drop the leading axes that were added.
 */

import type { BinaryOp } from '../backend.js';
import { LxmlsTensorError } from '../errors.js';
import { broadcastShapes, padShape, sameShape } from '../shape.js';
import { backendOf, empty, output, record, Tensor } from '../tensor.js';
import { reshape } from './shape.js';

/** @internal Runs a binary kernel with broadcasting; a plain number becomes a scalar of the other's dtype. */
export function binaryForward(fn: string, op: BinaryOp, a: Tensor | number, b: Tensor | number): Tensor {
  if (!(a instanceof Tensor) && !(b instanceof Tensor)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'at least one operand must be a tensor', {
      fn,
      expected: 'a Tensor and a Tensor or number',
      received: `${typeof a} and ${typeof b}`,
    });
  }
  const like = (a instanceof Tensor ? a : b) as Tensor;
  const backend = backendOf(fn, like);
  const temps: Tensor[] = [];
  const asTensor = (v: Tensor | number): Tensor => {
    if (v instanceof Tensor) return v;
    const s = empty(backend, [], like.dtype);
    backend.write(s.storage(fn), like.dtype === 'int32' ? Int32Array.of(v) : Float32Array.of(v));
    temps.push(s);
    return s;
  };
  const x = asTensor(a);
  const y = asTensor(b);
  backendOf(fn, x, y);
  if (x.dtype !== y.dtype) {
    throw new LxmlsTensorError('DTYPE_MISMATCH', 'operands have different dtypes', {
      fn,
      expected: 'two tensors of the same dtype (use cast())',
      received: `${x.dtype} and ${y.dtype}`,
    });
  }
  const shape = broadcastShapes(fn, x.shape, y.shape);
  const out = output(backend, shape, x.dtype);
  const rank = shape.length;
  backend.binary(
    { a: x.storage(fn), b: y.storage(fn), out: out.storage(fn) },
    { op, aShape: padShape(x.shape, rank), bShape: padShape(y.shape, rank), outShape: shape },
  );
  for (const t of temps) t.dispose();
  return out;
}

/**
 * Sums a gradient `g` over the axes along which a tensor of shape `shape` was broadcast, giving `shape`.
 *
 * @param g - A gradient of the broadcast shape.
 * @param shape - The shape of the input before broadcasting.
 * @returns `g` itself when the shapes agree, else a new tensor of shape `shape`.
 * @example
 * ```ts
 * import { ones, unbroadcast } from '@lxmls/tensor';
 * console.log(unbroadcast(ones([2, 3]), [3]).toArray()); // → [ 2, 2, 2 ]
 * ```
 */
export function unbroadcast(g: Tensor, shape: readonly number[]): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const padded = padShape(shape, g.shape.length);
  const axes = padded.flatMap((d, i) => (d === 1 && g.shape[i] !== 1 ? [i] : []));
  const backend = backendOf('unbroadcast', g);
  const summed = output(backend, padded, g.dtype); // (…, 1, …): reduced axes kept as 1
  backend.reduce(
    { x: g.storage('unbroadcast'), out: summed.storage('unbroadcast') },
    { op: 'sum', shape: g.shape, axes },
  );
  const out = reshape(summed, shape);
  summed.dispose();
  return out;
}

/**
 * Elementwise `a + b` with broadcasting.
 *
 * @param a - A tensor or number.
 * @param b - A tensor or number, broadcastable with `a`.
 * @returns A new tensor of the broadcast shape.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming both shapes; `DTYPE_MISMATCH` naming both dtypes.
 * @example
 * ```ts
 * import { add, tensor } from '@lxmls/tensor';
 * console.log(add(tensor([[1], [2]]), tensor([10, 20])).toArray()); // → [ [ 11, 21 ], [ 12, 22 ] ]
 * ```
 */
export function add(a: Tensor | number, b: Tensor | number): Tensor {
  const out = binaryForward('add', 'add', a, b); // (broadcast shape)
  // ∂(a+b)/∂a = 1 and ∂(a+b)/∂b = 1: the gradient passes through, summed over broadcast axes
  return record('add', out, [a, b], (g, needs) => [
    needs[0] ? unbroadcast(g, (a as Tensor).shape) : null,
    needs[1] ? unbroadcast(g, (b as Tensor).shape) : null,
  ]);
}

/**
 * Elementwise `a - b` with broadcasting.
 *
 * @param a - A tensor or number.
 * @param b - A tensor or number, broadcastable with `a`.
 * @returns A new tensor of the broadcast shape.
 * @example
 * ```ts
 * import { sub, tensor } from '@lxmls/tensor';
 * console.log(sub(tensor([5, 7]), 1).toArray()); // → [ 4, 6 ]
 * ```
 */
export function sub(a: Tensor | number, b: Tensor | number): Tensor {
  const out = binaryForward('sub', 'sub', a, b);
  // ∂(a-b)/∂a = 1, ∂(a-b)/∂b = -1
  return record('sub', out, [a, b], (g, needs) => [
    needs[0] ? unbroadcast(g, (a as Tensor).shape) : null,
    needs[1] ? unbroadcast(neg(g), (b as Tensor).shape) : null,
  ]);
}

/**
 * Elementwise `a · b` with broadcasting.
 *
 * @param a - A tensor or number.
 * @param b - A tensor or number, broadcastable with `a`.
 * @returns A new tensor of the broadcast shape.
 * @example
 * ```ts
 * import { mul, tensor } from '@lxmls/tensor';
 * console.log(mul(tensor([1, 2, 3]), 2).toArray()); // → [ 2, 4, 6 ]
 * ```
 */
export function mul(a: Tensor | number, b: Tensor | number): Tensor {
  const out = binaryForward('mul', 'mul', a, b);
  // ∂(a·b)/∂a = b, ∂(a·b)/∂b = a
  return record('mul', out, [a, b], (g, needs) => [
    needs[0] ? unbroadcast(mul(g, b), (a as Tensor).shape) : null,
    needs[1] ? unbroadcast(mul(g, a), (b as Tensor).shape) : null,
  ]);
}

/**
 * Elementwise `a / b` with broadcasting (float32 only).
 *
 * @param a - A tensor or number.
 * @param b - A tensor or number, broadcastable with `a`.
 * @returns A new tensor of the broadcast shape.
 * @example
 * ```ts
 * import { div, tensor } from '@lxmls/tensor';
 * console.log(div(tensor([1, 2]), 4).toArray()); // → [ 0.25, 0.5 ]
 * ```
 */
export function div(a: Tensor | number, b: Tensor | number): Tensor {
  expectFloat('div', a, b);
  const out = binaryForward('div', 'div', a, b);
  // ∂(a/b)/∂a = 1/b, ∂(a/b)/∂b = -a/b² = -out/b
  return record('div', out, [a, b], (g, needs) => [
    needs[0] ? unbroadcast(div(g, b), (a as Tensor).shape) : null,
    needs[1] ? unbroadcast(neg(div(mul(g, out), b)), (b as Tensor).shape) : null,
  ]);
}

/**
 * Elementwise `a ** b` with broadcasting (float32 only).
 *
 * @param a - A tensor or number (the base).
 * @param b - A tensor or number (the exponent).
 * @returns A new tensor of the broadcast shape.
 * @example
 * ```ts
 * import { pow, tensor } from '@lxmls/tensor';
 * console.log(pow(tensor([1, 2, 3]), 3).toArray()); // → [ 1, 8, 27 ]
 * ```
 */
export function pow(a: Tensor | number, b: Tensor | number): Tensor {
  expectFloat('pow', a, b);
  const out = binaryForward('pow', 'pow', a, b);
  // ∂(aᵇ)/∂a = b·aᵇ⁻¹, ∂(aᵇ)/∂b = aᵇ·ln a
  return record('pow', out, [a, b], (g, needs) => [
    needs[0]
      ? unbroadcast(mul(g, mul(b, pow(a, typeof b === 'number' ? b - 1 : sub(b, 1)))), (a as Tensor).shape)
      : null,
    needs[1] ? unbroadcast(mul(g, mul(out, logOf(a))), (b as Tensor).shape) : null,
  ]);
}

/**
 * Elementwise maximum with broadcasting (`torch.maximum`; NaN propagates).
 *
 * @param a - A tensor or number.
 * @param b - A tensor or number.
 * @returns A new tensor of the broadcast shape.
 * @example
 * ```ts
 * import { maximum, tensor } from '@lxmls/tensor';
 * console.log(maximum(tensor([-1, 2]), 0).toArray()); // → [ 0, 2 ]
 * ```
 */
export function maximum(a: Tensor | number, b: Tensor | number): Tensor {
  const out = binaryForward('maximum', 'maximum', a, b);
  // the gradient goes to the larger input; on a tie it is split in half (as PyTorch does)
  return record('maximum', out, [a, b], (g, needs) => {
    const aWins = binaryForward('maximum', 'gt', a, b);
    const tie = binaryForward('maximum', 'eq', a, b);
    const bWins = sub(sub(1, aWins), tie);
    const half = mul(tie, 0.5);
    return [
      needs[0] ? unbroadcast(mul(g, add(aWins, half)), (a as Tensor).shape) : null,
      needs[1] ? unbroadcast(mul(g, add(bWins, half)), (b as Tensor).shape) : null,
    ];
  });
}

/** -x as a binary op (used by the backward closures above without importing unary.ts). */
function neg(x: Tensor): Tensor {
  return mul(x, -1);
}

function logOf(a: Tensor | number): Tensor | number {
  if (!(a instanceof Tensor)) return Math.log(a);
  const backend = backendOf('log', a);
  const out = output(backend, a.shape, a.dtype);
  backend.unary({ x: a.storage('log'), out: out.storage('log') }, { op: 'log', size: a.size });
  return out;
}

function expectFloat(fn: string, a: Tensor | number, b: Tensor | number): void {
  for (const x of [a, b]) {
    if (x instanceof Tensor && x.dtype !== 'float32') {
      throw new LxmlsTensorError('DTYPE_MISMATCH', 'this op needs floating-point tensors', {
        fn,
        expected: 'float32',
        received: x.dtype,
      });
    }
  }
}
