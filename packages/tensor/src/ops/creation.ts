/**
 * Factories: tensors from data, constants, ranges and seeded random numbers (PyTorch names and semantics:
 * `tensor`, `zeros`, `ones`, `full`, `arange`, `randn`, `rand`).
 */

import type { DType, TypedArray } from '../backend.js';
import { formatShape, LxmlsTensorError } from '../errors.js';
import { getGenerator, type RandomGenerator } from '../random.js';
import { getBackend } from '../registry.js';
import { sizeOf } from '../shape.js';
import { empty, type NestedArray, type Tensor } from '../tensor.js';

function checkShape(fn: string, shape: readonly number[]): void {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'shape must be a list of non-negative integers', {
      fn,
      argument: 'shape',
      expected: 'e.g. [2, 3]',
      received: Array.isArray(shape) ? `[${shape.join(', ')}]` : String(shape),
    });
  }
}

/** Makes a tensor on the current backend from a typed array of exactly `sizeOf(shape)` elements. */
function fromTyped(shape: readonly number[], data: TypedArray): Tensor {
  const t = empty(getBackend(), shape, data instanceof Int32Array ? 'int32' : 'float32');
  t.backend.write(t.storage('tensor'), data);
  return t;
}

function inferShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = data;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0] as NestedArray;
    if (level === undefined) break;
  }
  return shape;
}

/**
 * Creates a tensor from data, like `torch.tensor`.
 *
 * @param data - A number, nested arrays of numbers, or a Float32Array/Int32Array (flat, row-major).
 * @param shape - The shape; inferred from the nesting when omitted (a flat typed array gives 1-D).
 * @param dtype - `float32` (default; `int32` for an Int32Array) or `int32` (values truncated toward zero).
 * @returns A new leaf tensor.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the number of values does not fit the shape.
 * @example
 * ```ts
 * import { tensor } from '@lxmls/tensor';
 * const t = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
 * console.log(t.shape, t.dtype, tensor([[1, 2]], undefined, 'int32').dtype); // → [ 2, 3 ] float32 int32
 * ```
 */
export function tensor(
  data: number | NestedArray | TypedArray,
  shape?: readonly number[],
  dtype?: DType,
): Tensor {
  const flat: ArrayLike<number> =
    typeof data === 'number'
      ? [data]
      : ArrayBuffer.isView(data)
        ? data
        : (data as number[]).flat(Infinity as 1);
  const actualShape =
    shape ?? (typeof data === 'number' ? [] : ArrayBuffer.isView(data) ? [data.length] : inferShape(data));
  checkShape('tensor', actualShape);
  if (sizeOf(actualShape) !== flat.length) {
    throw new LxmlsTensorError('SHAPE_MISMATCH', 'the number of values does not fit the shape', {
      fn: 'tensor',
      expected: `${sizeOf(actualShape)} values for shape ${formatShape(actualShape)}`,
      received: `${flat.length} values`,
    });
  }
  const type = dtype ?? (data instanceof Int32Array ? 'int32' : 'float32');
  return fromTyped(actualShape, type === 'int32' ? Int32Array.from(flat) : Float32Array.from(flat));
}

/**
 * Creates a tensor from nested arrays, inferring the shape (the same as `tensor(data, undefined, dtype)`).
 *
 * @param data - Nested arrays of numbers, all rows of equal length.
 * @param dtype - `float32` (default) or `int32`.
 * @returns A new leaf tensor.
 * @example
 * ```ts
 * import { fromArray } from '@lxmls/tensor';
 * console.log(fromArray([[1, 2], [3, 4], [5, 6]]).shape); // → [ 3, 2 ]
 * ```
 */
export function fromArray(data: NestedArray, dtype: DType = 'float32'): Tensor {
  return tensor(data, undefined, dtype);
}

/**
 * A tensor filled with `value`.
 *
 * @param shape - The shape.
 * @param value - The fill value.
 * @param dtype - `float32` (default) or `int32`.
 * @returns A new leaf tensor.
 * @example
 * ```ts
 * import { full } from '@lxmls/tensor';
 * console.log(full([2], 7).toArray()); // → [ 7, 7 ]
 * ```
 */
export function full(shape: readonly number[], value: number, dtype: DType = 'float32'): Tensor {
  checkShape('full', shape);
  const n = sizeOf(shape);
  return fromTyped(
    shape,
    dtype === 'int32' ? new Int32Array(n).fill(value) : new Float32Array(n).fill(value),
  );
}

/**
 * A tensor of zeros.
 *
 * @param shape - The shape.
 * @param dtype - `float32` (default) or `int32`.
 * @returns A new leaf tensor.
 * @example
 * ```ts
 * import { zeros } from '@lxmls/tensor';
 * console.log(zeros([2, 2]).toArray()); // → [ [ 0, 0 ], [ 0, 0 ] ]
 * ```
 */
export function zeros(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  checkShape('zeros', shape);
  return empty(getBackend(), shape, dtype); // storage starts zero-filled
}

/**
 * A tensor of ones.
 *
 * @param shape - The shape.
 * @param dtype - `float32` (default) or `int32`.
 * @returns A new leaf tensor.
 * @example
 * ```ts
 * import { ones } from '@lxmls/tensor';
 * console.log(ones([3]).toArray()); // → [ 1, 1, 1 ]
 * ```
 */
export function ones(shape: readonly number[], dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

/**
 * Zeros with the shape and dtype of `t`, on `t`'s backend.
 *
 * @param t - The model tensor.
 * @returns A new leaf tensor.
 * @example
 * ```ts
 * import { tensor, zerosLike } from '@lxmls/tensor';
 * console.log(zerosLike(tensor([5, 6])).toArray()); // → [ 0, 0 ]
 * ```
 */
export function zerosLike(t: Tensor): Tensor {
  return empty(t.backend, t.shape, t.dtype);
}

/**
 * Ones with the shape and dtype of `t`, on `t`'s backend.
 *
 * @param t - The model tensor.
 * @returns A new leaf tensor.
 * @example
 * ```ts
 * import { onesLike, tensor } from '@lxmls/tensor';
 * console.log(onesLike(tensor([5, 6])).toArray()); // → [ 1, 1 ]
 * ```
 */
export function onesLike(t: Tensor): Tensor {
  const out = empty(t.backend, t.shape, t.dtype);
  out.backend.write(
    out.storage('onesLike'),
    t.dtype === 'int32' ? new Int32Array(t.size).fill(1) : new Float32Array(t.size).fill(1),
  );
  return out;
}

/**
 * `[start, start + step, …]` up to `end` (excluded), like `torch.arange`. `arange(n)` is `0 … n-1`.
 *
 * @param start - The first value, or the end when `end` is omitted.
 * @param end - The end (excluded).
 * @param step - The step (non-zero).
 * @param dtype - Defaults to `int32` when all arguments are integers (PyTorch gives int64), else `float32`.
 * @returns A new 1-D leaf tensor.
 * @example
 * ```ts
 * import { arange } from '@lxmls/tensor';
 * console.log(arange(4).toArray(), arange(0, 1, 0.25).toArray()); // → [ 0, 1, 2, 3 ] [ 0, 0.25, 0.5, 0.75 ]
 * ```
 */
export function arange(start: number, end?: number, step = 1, dtype?: DType): Tensor {
  if (end === undefined) {
    end = start;
    start = 0;
  }
  if (step === 0 || !Number.isFinite(start) || !Number.isFinite(end)) {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'arange needs finite bounds and a non-zero step', {
      fn: 'arange',
      expected: 'finite start and end, step ≠ 0',
      received: `start ${start}, end ${end}, step ${step}`,
    });
  }
  const n = Math.max(0, Math.ceil((end - start) / step));
  const type = dtype ?? ([start, end, step].every(Number.isInteger) ? 'int32' : 'float32');
  const data = type === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromTyped([n], data);
}

/**
 * Standard normal random numbers (mean 0, variance 1), like `torch.randn`, from a seeded generator.
 *
 * @param shape - The shape.
 * @param generator - Defaults to the global generator that `manualSeed` resets.
 * @returns A new float32 leaf tensor.
 * @example
 * ```ts
 * import { RandomGenerator, randn } from '@lxmls/tensor';
 * const a = randn([2], new RandomGenerator(3)).toArray();
 * const b = randn([2], new RandomGenerator(3)).toArray();
 * console.log(JSON.stringify(a) === JSON.stringify(b)); // → true
 * ```
 */
export function randn(shape: readonly number[], generator: RandomGenerator = getGenerator()): Tensor {
  checkShape('randn', shape);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = generator.normal();
  return fromTyped(shape, data);
}

/**
 * Uniform random numbers in `[0, 1)`, like `torch.rand`, from a seeded generator.
 *
 * @param shape - The shape.
 * @param generator - Defaults to the global generator that `manualSeed` resets.
 * @returns A new float32 leaf tensor.
 * @example
 * ```ts
 * import { rand } from '@lxmls/tensor';
 * const u = rand([1000]).data();
 * console.log(u.every((x) => x >= 0 && x < 1)); // → true
 * ```
 */
export function rand(shape: readonly number[], generator: RandomGenerator = getGenerator()): Tensor {
  checkShape('rand', shape);
  const data = new Float32Array(sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = generator.float();
  return fromTyped(shape, data);
}
