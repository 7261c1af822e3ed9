/**
 * Shape helpers: sizes, row-major strides, NumPy/PyTorch broadcasting and axis normalisation. The one home of
 * these helpers: the ops and every backend (js, wasm, tfjs) import them from here (`@lxmls/tensor` exports
 * `sizeOf`, `stridesOf`, `broadcastStrides` and `broadcastIndex`).
 *
 * Tensors here are always contiguous and row-major (C order, like a fresh PyTorch tensor): element
 * `(i0, i1, ..., in)` lives at `Σ ik · stride[k]` with `stride[n] = 1` and `stride[k] = stride[k+1] · shape[k+1]`.
 */

import { formatShape, LxmlsTensorError } from './errors.js';

/**
 * Number of elements of a shape (1 for the scalar shape `[]`).
 *
 * @param shape - A shape.
 * @returns The product of its sizes.
 * @example
 * ```ts
 * import { sizeOf } from '@lxmls/tensor';
 * console.log(sizeOf([2, 3, 4]), sizeOf([])); // → 24 1
 * ```
 */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Row-major strides of a shape, in elements.
 *
 * @param shape - A shape.
 * @returns One stride per axis.
 * @example
 * ```ts
 * import { stridesOf } from '@lxmls/tensor';
 * console.log(stridesOf([2, 3, 4])); // → [ 12, 4, 1 ]
 * ```
 */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * The strides of an operand of shape `shape` broadcast to `outShape` (same rank): its row-major strides,
 * with 0 along the axes where it has size 1 and `outShape` does not (it is repeated along them). Backends use
 * it to walk a broadcast operand without copying it.
 *
 * @param shape - The operand's shape (each axis equal to `outShape`'s or 1).
 * @param outShape - The broadcast shape.
 * @returns One stride per axis.
 * @example
 * ```ts
 * import { broadcastStrides } from '@lxmls/tensor';
 * console.log(broadcastStrides([3, 1], [3, 4])); // → [ 1, 0 ]
 * ```
 */
export function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  return stridesOf(shape).map((s, i) => (shape[i] === 1 && outShape[i] !== 1 ? 0 : s));
}

/**
 * For each flat index of `outShape`, the flat index of an operand of shape `shape` (same rank) broadcast to
 * it: the operand's stride is 0 along the axes where it has size 1. The reference backends use it for
 * broadcasting binary ops, masks and reductions.
 *
 * @param shape - The operand's shape (each axis equal to `outShape`'s or 1).
 * @param outShape - The broadcast shape.
 * @returns An Int32Array of `sizeOf(outShape)` indices into the operand.
 * @example
 * ```ts
 * import { broadcastIndex } from '@lxmls/tensor';
 * console.log(broadcastIndex([1, 3], [2, 3])); // → Int32Array(6) [ 0, 1, 2, 0, 1, 2 ]
 * ```
 */
export function broadcastIndex(shape: readonly number[], outShape: readonly number[]): Int32Array {
  const strides = stridesOf(shape).map((s, i) => (shape[i] === 1 ? 0 : s));
  const index = new Int32Array(sizeOf(outShape));
  walkStrided(outShape, strides, 0, (i, offset) => {
    index[i] = offset;
  });
  return index;
}

/**
 * @internal Walks a strided view of `sizes` elements in row-major order, calling `visit(i, offset)` for its
 * i-th element, at `offset = start + Σ_ax index[ax] · strides[ax]` (an odometer over the multi-index): the walk
 * of broadcasting, permutation and slicing in the reference backend.
 */
export function walkStrided(
  sizes: readonly number[],
  strides: readonly number[],
  start: number,
  visit: (i: number, offset: number) => void,
): void {
  const n = sizeOf(sizes);
  const rank = sizes.length;
  const counter = new Array<number>(rank).fill(0); // the multi-index of element i
  let offset = start;
  for (let i = 0; i < n; i++) {
    visit(i, offset);
    for (let ax = rank - 1; ax >= 0; ax--) {
      counter[ax]!++;
      offset += strides[ax]!;
      if (counter[ax]! < sizes[ax]!) break;
      offset -= strides[ax]! * counter[ax]!;
      counter[ax] = 0;
    }
  }
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
