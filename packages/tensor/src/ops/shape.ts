/**
 * Shape ops: reshape (a view sharing storage, like PyTorch `view` on a contiguous tensor), permute and
 * transpose (copies into the new order, since tensors have no strides), and broadcastTo (`expand`, copied).
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { broadcastShapes, normalizeAxis, padShape, sameShape, sizeOf } from '../shape.js';
import { backendOf, empty, output, record, type Tensor } from '../tensor.js';
import { unbroadcast } from './arithmetic.js';

/**
 * The same elements with another shape (row-major order unchanged); one axis may be `-1` (inferred). The
 * result shares the storage of `x` (no copy).
 *
 * @param x - A tensor.
 * @param shape - The new shape; its size must equal `x.size`.
 * @returns A view of `x`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming both shapes.
 * @example
 * ```ts
 * import { arange, reshape } from '@lxmls/tensor';
 * console.log(reshape(arange(6), [2, -1]).toArray()); // → [ [ 0, 1, 2 ], [ 3, 4, 5 ] ]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  x.assertLive('reshape');
  const known = shape.filter((d) => d !== -1);
  const inferred = shape.length - known.length;
  const rest = sizeOf(known);
  const target = shape.map((d) => (d === -1 ? (rest === 0 ? 0 : x.size / rest) : d));
  if (inferred > 1 || sizeOf(target) !== x.size || !target.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'the new shape has another number of elements', {
      fn: 'reshape',
      expected: `a shape of ${x.size} elements (at most one -1)`,
      received: `${formatShape(x.shape)} to ${formatShape(shape)}`,
    });
  }
  const y = x.shareStorage(target);
  return record('reshape', y, [x], (g) => [reshape(g, x.shape)]); // gradients just take the old shape back
}

/**
 * Reorders the axes: axis `i` of the result is axis `perm[i]` of `x` (PyTorch `permute`). Copies.
 *
 * @param x - A tensor.
 * @param perm - A permutation of `0 … rank-1` (negative axes allowed).
 * @returns A new tensor of shape `perm.map(p => x.shape[p])`.
 * @example
 * ```ts
 * import { permute, zeros } from '@lxmls/tensor';
 * console.log(permute(zeros([2, 3, 4]), [2, 0, 1]).shape); // → [ 4, 2, 3 ]
 * ```
 */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const backend = backendOf('permute', x);
  const rank = x.shape.length;
  const p = perm.map((a) => normalizeAxis('permute', a, rank));
  if (p.length !== rank || new Set(p).size !== rank) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'perm is not a permutation of the axes', {
      fn: 'permute',
      argument: 'perm',
      expected: `a permutation of 0 … ${rank - 1} for shape ${formatShape(x.shape)}`,
      received: `[${perm.join(', ')}]`,
    });
  }
  const y = output(
    backend,
    p.map((a) => x.shape[a]!),
    x.dtype,
  );
  backend.permute({ x: x.storage('permute'), out: y.storage('permute') }, { shape: x.shape, perm: p });
  const inverse = new Array<number>(rank);
  p.forEach((a, i) => {
    inverse[a] = i;
  });
  return record('permute', y, [x], (g) => [permute(g, inverse)]); // undo the permutation
}

/**
 * Swaps two axes (PyTorch `transpose`; defaults to the last two, i.e. a matrix transpose). Copies.
 *
 * @param x - A tensor of rank ≥ 2 (or any rank when both axes are given).
 * @param dim0 - The first axis; defaults to -2.
 * @param dim1 - The second axis; defaults to -1.
 * @returns A new tensor.
 * @example
 * ```ts
 * import { tensor, transpose } from '@lxmls/tensor';
 * console.log(transpose(tensor([[1, 2, 3]])).toArray()); // → [ [ 1 ], [ 2 ], [ 3 ] ]
 * ```
 */
export function transpose(x: Tensor, dim0 = -2, dim1 = -1): Tensor {
  const rank = x.shape.length;
  const a = normalizeAxis('transpose', dim0, rank);
  const b = normalizeAxis('transpose', dim1, rank);
  const perm = Array.from({ length: rank }, (_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, perm);
}

/**
 * Repeats `x` along axes of size 1 (and new leading axes) to reach `shape` (PyTorch `expand`, but copied).
 *
 * @param x - A tensor.
 * @param shape - A shape that `x` broadcasts to.
 * @returns A new tensor of shape `shape`.
 * @example
 * ```ts
 * import { broadcastTo, tensor } from '@lxmls/tensor';
 * console.log(broadcastTo(tensor([1, 2]), [2, 2]).toArray()); // → [ [ 1, 2 ], [ 1, 2 ] ]
 * ```
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const backend = backendOf('broadcastTo', x);
  if (!sameShape(broadcastShapes('broadcastTo', x.shape, shape), shape)) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'x cannot be broadcast to the shape', {
      fn: 'broadcastTo',
      expected: `a shape that ${formatShape(x.shape)} broadcasts to`,
      received: formatShape(shape),
    });
  }
  const zero = empty(backend, padShape([], shape.length), x.dtype);
  const y = output(backend, shape, x.dtype);
  backend.binary(
    { a: x.storage('broadcastTo'), b: zero.storage('broadcastTo'), out: y.storage('broadcastTo') },
    { op: 'add', aShape: padShape(x.shape, shape.length), bShape: zero.shape, outShape: shape },
  );
  zero.dispose();
  return record('broadcastTo', y, [x], (g) => [unbroadcast(g, x.shape)]);
}
