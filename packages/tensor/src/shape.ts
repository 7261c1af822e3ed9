/**
 * Shape helpers: sizes, row-major strides, NumPy/PyTorch broadcasting and axis normalisation.
 *
 * Tensors here are always contiguous and row-major (C order, like a fresh PyTorch tensor): element
 * `(i0, i1, ..., in)` lives at `Σ ik · stride[k]` with `stride[n] = 1` and `stride[k] = stride[k+1] · shape[k+1]`.
 */

import { formatShape, LxmlsTensorError } from './errors.js';

/** Number of elements of a shape (1 for the scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape: `stridesOf([2, 3, 4])` is `[12, 4, 1]`. */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Left-pads a shape with ones to `rank` dimensions: `padShape([3], 3)` is `[1, 1, 3]`. */
export function padShape(shape: readonly number[], rank: number): number[] {
  return [...new Array<number>(rank - shape.length).fill(1), ...shape];
}

/**
 * The broadcast shape of two shapes, with PyTorch's rules: align on the right; two sizes agree when they are
 * equal or one of them is 1.
 */
export function broadcastShapes(fn: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const pa = padShape(a, rank);
  const pb = padShape(b, rank);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const x = pa[i]!;
    const y = pb[i]!;
    if (x !== y && x !== 1 && y !== 1) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', 'shapes cannot be broadcast together', {
        fn,
        expected: 'sizes that are equal or 1 in every dimension, aligned on the right',
        received: `${formatShape(a)} and ${formatShape(b)}`,
      });
    }
    out[i] = x === 1 ? y : x;
  }
  return out;
}

/** Turns a possibly negative axis into `[0, rank)`, PyTorch style (`-1` is the last axis). */
export function normalizeAxis(fn: string, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= Math.max(rank, 1)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'axis is out of range', {
      fn,
      argument: 'axis',
      expected: `an integer in [${-rank}, ${rank})`,
      received: String(axis),
    });
  }
  return a;
}

/** True when two shapes are the same. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
