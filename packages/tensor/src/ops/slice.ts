/**
 * Slicing and joining: slice (a block, copied), concat, split. Tensors are contiguous, so each result is a
 * copy; the backward of slice writes the gradient block into zeros, the backward of concat slices it.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import { backendOf, empty, output, record, type Tensor } from '../tensor.js';

/**
 * The block of `x` that starts at `begin` and has `size` elements along each axis (tfjs `slice`). A negative
 * begin counts from the end; a size of `-1` means "to the end"; missing trailing axes are taken whole.
 * PyTorch `x[:, -1, :]` is `slice(x, [0, -1, 0], [-1, 1, -1])` followed by a reshape.
 *
 * @param x - A tensor.
 * @param begin - Start index per axis.
 * @param size - Length per axis (`-1`: to the end).
 * @returns A new tensor of shape `size` (resolved).
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` when the block leaves the tensor.
 * @example
 * ```ts
 * import { arange, slice } from '@lxmls/tensor';
 * const x = arange(12).reshape([3, 4]);
 * console.log(slice(x, [1, 1], [2, 2]).toArray()); // → [ [ 5, 6 ], [ 9, 10 ] ]
 * ```
 */
export function slice(x: Tensor, begin: readonly number[], size?: readonly number[]): Tensor {
  const backend = backendOf('slice', x);
  const rank = x.shape.length;
  const b = x.shape.map((d, i) => {
    const v = begin[i] ?? 0;
    return v < 0 ? v + d : v;
  });
  const s = x.shape.map((d, i) => {
    const v = size?.[i] ?? -1;
    return v === -1 ? d - b[i]! : v;
  });
  if (begin.length > rank || b.some((v, i) => v < 0 || s[i]! < 0 || v + s[i]! > x.shape[i]!)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'the block is outside the tensor', {
      fn: 'slice',
      expected: `begin + size within ${formatShape(x.shape)}`,
      received: `begin [${begin.join(', ')}], size [${(size ?? []).join(', ')}]`,
    });
  }
  const y = output(backend, s, x.dtype);
  backend.slice({ x: x.storage('slice'), out: y.storage('slice') }, { shape: x.shape, begin: b, sizes: s });
  return record('slice', y, [x], (g) => {
    // the gradient of the elements outside the block is 0
    const dx = empty(backend, x.shape, g.dtype);
    backend.sliceAssign(
      { src: g.storage('slice'), out: dx.storage('slice') },
      { shape: x.shape, begin: b, sizes: s },
    );
    return [dx];
  });
}

/**
 * Joins tensors along an axis (`torch.cat`). All other axes must agree.
 *
 * @param tensors - One or more tensors of the same dtype and rank.
 * @param axis - The axis to join along; defaults to 0.
 * @returns A new tensor.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming the shapes.
 * @example
 * ```ts
 * import { concat, tensor } from '@lxmls/tensor';
 * console.log(concat([tensor([[1, 2]]), tensor([[3, 4]])], 0).toArray()); // → [ [ 1, 2 ], [ 3, 4 ] ]
 * ```
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensors[0];
  if (!first) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'nothing to concatenate', {
      fn: 'concat',
      expected: 'at least one tensor',
      received: 'an empty list',
    });
  }
  const backend = backendOf('concat', ...tensors);
  const rank = first.shape.length;
  const ax = normalizeAxis('concat', axis, rank);
  for (const t of tensors) {
    if (t.dtype !== first.dtype) {
      throw new LxmlsTensorError('DTYPE_MISMATCH', 'tensors have different dtypes', {
        fn: 'concat',
        expected: first.dtype,
        received: t.dtype,
      });
    }
    if (t.shape.length !== rank || t.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', `shapes differ outside axis ${ax}`, {
        fn: 'concat',
        expected: `shapes like ${formatShape(first.shape)} except along axis ${ax}`,
        received: tensors.map((u) => formatShape(u.shape)).join(', '),
      });
    }
  }
  const shape = [...first.shape];
  shape[ax] = tensors.reduce((n, t) => n + t.shape[ax]!, 0);
  const y = output(backend, shape, first.dtype);
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    const begin = shape.map((_, i) => (i === ax ? offset : 0));
    backend.sliceAssign(
      { src: t.storage('concat'), out: y.storage('concat') },
      { shape, begin, sizes: t.shape },
    );
    offsets.push(offset);
    offset += t.shape[ax]!;
  }
  // the gradient of each input is its block of the output gradient
  return record('concat', y, tensors, (g, needs) =>
    tensors.map((t, k) => {
      if (!needs[k]) return null;
      const begin = shape.map((_, i) => (i === ax ? offsets[k]! : 0));
      return slice(g, begin, t.shape);
    }),
  );
}

/**
 * Splits a tensor along an axis (`torch.split`): into chunks of `sizeOrSections` elements (the last may be
 * smaller), or into the listed section sizes. Each part is a `slice`, so gradients flow back.
 *
 * @param x - A tensor.
 * @param sizeOrSections - A chunk size, or the sizes of the parts (summing to the axis length).
 * @param axis - The axis; defaults to 0.
 * @returns The parts.
 * @example
 * ```ts
 * import { arange, split } from '@lxmls/tensor';
 * console.log(split(arange(5), 2).map((t) => t.toArray())); // → [ [ 0, 1 ], [ 2, 3 ], [ 4 ] ]
 * ```
 */
export function split(x: Tensor, sizeOrSections: number | readonly number[], axis = 0): Tensor[] {
  const ax = normalizeAxis('split', axis, x.shape.length);
  const n = x.shape[ax]!;
  let sizes: number[];
  if (typeof sizeOrSections === 'number') {
    if (!(Number.isInteger(sizeOrSections) && sizeOrSections > 0)) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', 'the chunk size must be a positive integer', {
        fn: 'split',
        argument: 'sizeOrSections',
        expected: 'an integer ≥ 1',
        received: String(sizeOrSections),
      });
    }
    sizes = [];
    for (let i = 0; i < n; i += sizeOrSections) sizes.push(Math.min(sizeOrSections, n - i));
  } else {
    sizes = [...sizeOrSections];
    if (sizes.reduce((a, b) => a + b, 0) !== n) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', 'the sections do not add up to the axis length', {
        fn: 'split',
        expected: `sizes summing to ${n} (axis ${ax} of ${formatShape(x.shape)})`,
        received: `[${sizes.join(', ')}]`,
      });
    }
  }
  let offset = 0;
  return sizes.map((s) => {
    const begin = x.shape.map((_, i) => (i === ax ? offset : 0));
    const size = x.shape.map((d, i) => (i === ax ? s : d));
    offset += s;
    return slice(x, begin, size);
  });
}
