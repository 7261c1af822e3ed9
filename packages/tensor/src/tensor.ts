/**
 * The Tensor: a handle on backend storage plus a shape, a dtype and, when it was computed from tensors that
 * require gradients, one node of the autodiff tape (the op, its inputs and its backward closure).
 *
 * Follows PyTorch's autograd (`requires_grad`, `.grad` accumulated on leaves, `backward()`, `detach()`,
 * `no_grad`) in the readable style of Karpathy's micrograd/minGPT: `backward()` sorts the graph
 * topologically and walks it from the output back to the leaves, calling each op's backward closure.
 * Storage is contiguous and row-major; `reshape` shares it (reference counted), every other op copies.
 *
 * Over 500 lines because the Tensor class is one unit: its storage handling, the tape walk of `backward()`
 * and the method form of every op (each one line calling `ops/`, where the ops and their gradients live).
 */

import type { Backend, DType, TypedArray } from './backend.js';
import {
  countBytes,
  isGradEnabled,
  keep,
  noGrad,
  TENSOR,
  type Tracked,
  tidy,
  trackTensor,
  untrackTensor,
} from './engine.js';
import { formatShape, LxmlsTensorError } from './errors.js';
import * as ops from './ops/index.js';
import { getBackend, requireCapability } from './registry.js';
import { sameShape, sizeOf } from './shape.js';

/** Backend storage shared by a tensor and its reshaped views; freed when the last one is disposed. */
interface DataRef {
  readonly backend: Backend;
  readonly storage: unknown;
  readonly bytes: number;
  refCount: number;
}

/**
 * One entry of the tape: how a tensor was computed. `backward(dy, needs)` returns, for each input, the
 * gradient of the final scalar with respect to it (`null` where `needs[i]` is false).
 */
export interface TapeNode {
  /** The op name, e.g. `matmul`. */
  readonly op: string;
  /** The inputs, in order (`null` for a plain-number operand). */
  readonly inputs: readonly (Tensor | null)[];
  /** The op's vector-Jacobian product. */
  readonly backward: (dy: Tensor, needs: readonly boolean[]) => readonly (Tensor | null)[];
}

let nextId = 0;

/**
 * An n-dimensional array of float32 or int32 numbers on a backend, with reverse-mode autodiff.
 *
 * Create tensors with {@link tensor}, {@link zeros}, {@link randn}…; run ops as functions (`matmul(a, b)`) or
 * methods (`a.matmul(b)`). Set `requiresGrad = true` on the leaves you want gradients for, compute a scalar,
 * call `backward()`, and read `.grad`.
 *
 * @example
 * ```ts
 * import { tensor } from '@lxmls/tensor';
 * const x = tensor([1, 2, 3]);
 * x.requiresGrad = true;
 * const y = x.mul(x).sum(); // y = Σ x², so dy/dx = 2x
 * y.backward();
 * console.log(y.item(), x.grad?.toArray()); // → 14 [ 2, 4, 6 ]
 * ```
 */
export class Tensor implements Tracked {
  /** A number unique to this tensor, for debugging. */
  readonly id = nextId++;
  /** The shape, e.g. `[B, T, C]`; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** `float32` or `int32`. */
  readonly dtype: DType;
  /** The number of elements, `Π shape`. */
  readonly size: number;
  /** The gradient accumulated by `backward()` (leaves only), or null. */
  grad: Tensor | null = null;
  /** @internal How this tensor was computed; null for a leaf. */
  node: TapeNode | null = null;
  /** Set by `keep()`: never disposed by `tidy`. */
  kept = false;
  readonly [TENSOR] = true;
  private ref: DataRef;
  private disposed = false;
  private requires = false;

  /** @internal Use the factories ({@link tensor}, {@link zeros}, …) instead. */
  constructor(ref: DataRef, shape: readonly number[], dtype: DType) {
    this.ref = ref;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtype;
    this.size = sizeOf(shape);
    trackTensor(this);
  }

  /** True after `dispose()`. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** The backend holding this tensor's storage. */
  get backend(): Backend {
    return this.ref.backend;
  }

  /** The name of the op that produced this tensor (`null` for a leaf or outside the tape), like `grad_fn`. */
  get op(): string | null {
    return this.node?.op ?? null;
  }

  /** Whether gradients flow to this tensor. Only float32 tensors can require gradients. */
  get requiresGrad(): boolean {
    return this.requires;
  }
  set requiresGrad(value: boolean) {
    if (value && this.dtype !== 'float32') {
      throw new LxmlsTensorError('DTYPE_MISMATCH', 'only floating-point tensors can require gradients', {
        fn: 'requiresGrad',
        expected: 'float32',
        received: this.dtype,
      });
    }
    if (value && this.node) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', 'requiresGrad can only be set on a leaf tensor', {
        fn: 'requiresGrad',
        expected: 'a tensor created by a factory or detach()',
        received: `the output of ${this.node.op}`,
      });
    }
    this.requires = value;
  }

  /** @internal Puts this tensor on the tape (called by `record`): it now requires grad through `node`. */
  attachNode(node: TapeNode): void {
    this.node = node;
    this.requires = true;
  }

  /** @internal The backend storage handle; throws if the tensor was disposed. */
  storage(fn: string): unknown {
    this.assertLive(fn);
    return this.ref.storage;
  }

  /** @internal Throws `DISPOSED` if this tensor was disposed. */
  assertLive(fn: string): void {
    if (this.disposed) {
      throw new LxmlsTensorError('DISPOSED', 'a tensor was used after dispose()', {
        fn,
        expected: 'a live tensor',
        received: `a disposed ${this.dtype} tensor of shape ${formatShape(this.shape)} (keep() it, or return it from tidy())`,
      });
    }
  }

  /** @internal A new tensor sharing this storage with another shape (same size), off the tape. */
  shareStorage(shape: readonly number[]): Tensor {
    this.assertLive('reshape');
    this.ref.refCount++;
    return new Tensor(this.ref, shape, this.dtype);
  }

  /**
   * A synchronous copy of the elements, row-major, typed `Float32Array | Int32Array`. Pass the dtype,
   * `data('float32')`, for a result typed as that array.
   *
   * @returns A fresh Float32Array or Int32Array.
   * @throws {@link LxmlsTensorError} `DISPOSED`.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * console.log(tensor([1.5, 2]).data()); // → Float32Array(2) [ 1.5, 2 ]
   * ```
   */
  data(): TypedArray;
  /**
   * A synchronous copy of the elements, row-major, typed by the dtype asked for (checked at run time): strict
   * TypeScript calls the array's methods (`reduce`, `map`) without narrowing a union first.
   *
   * @param dtype - The tensor's dtype.
   * @returns A fresh Float32Array (`'float32'`) or Int32Array (`'int32'`).
   * @throws {@link LxmlsTensorError} `DTYPE_MISMATCH` when the tensor has another dtype; `DISPOSED`.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * console.log(tensor([1.5, -2]).data('float32').reduce((m, v) => Math.max(m, Math.abs(v)), 0)); // → 2
   * ```
   */
  data<D extends DType>(dtype: D): D extends 'int32' ? Int32Array : Float32Array;
  data(dtype?: DType): TypedArray {
    if (dtype !== undefined && dtype !== this.dtype) {
      throw new LxmlsTensorError('DTYPE_MISMATCH', 'the tensor does not have the dtype asked for', {
        fn: 'data',
        expected: `dtype ${dtype}`,
        received: `dtype ${this.dtype} (shape ${formatShape(this.shape)})`,
      });
    }
    return this.ref.backend.read(this.storage('data'));
  }

  /**
   * An asynchronous copy of the elements (does not block a GPU backend).
   *
   * @returns A promise of a fresh Float32Array or Int32Array.
   */
  async dataAsync(): Promise<TypedArray> {
    const b = this.ref.backend;
    return b.readAsync ? b.readAsync(this.storage('dataAsync')) : b.read(this.storage('dataAsync'));
  }

  /**
   * The elements as nested arrays (a number for a scalar), like PyTorch's `tolist()`, typed
   * {@link NestedArray} (any depth). Pass the rank, `toArray(2)`, for a result typed by depth.
   *
   * @returns Nested arrays of numbers.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * console.log(tensor([1, 2, 3, 4], [2, 2]).toArray()); // → [ [ 1, 2 ], [ 3, 4 ] ]
   * ```
   */
  toArray(): NestedArray;
  /**
   * The elements as nested arrays typed by depth, {@link ArrayOfRank}: `toArray(2)` is a `number[][]`, so strict
   * TypeScript indexes and maps it without a cast. The rank is checked at run time.
   *
   * @param rank - The number of axes the tensor must have (`shape.length`).
   * @returns Nested arrays of numbers, `rank` deep.
   * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when the tensor has another rank.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * const rows = tensor([1, 2, 3, 4], [2, 2]).toArray(2); // number[][]
   * console.log(rows.map((row) => row.join(' '))); // → [ '1 2', '3 4' ]
   * console.log(tensor([0.5, 1.5]).toArray(1).map((v) => v * 2)); // → [ 1, 3 ]
   * ```
   */
  toArray<R extends number>(rank: R): ArrayOfRank<R>;
  toArray(rank?: number): NestedArray {
    if (rank !== undefined && rank !== this.shape.length) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', 'the tensor does not have the rank asked for', {
        fn: 'toArray',
        expected: `a tensor of rank ${rank}`,
        received: `shape ${formatShape(this.shape)} (rank ${this.shape.length})`,
      });
    }
    const data = this.data();
    if (this.shape.length === 0) return data[0]!;
    const build = (axis: number, offset: number): NestedArray[] | number[] => {
      const n = this.shape[axis]!;
      if (axis === this.shape.length - 1) return Array.from(data.subarray(offset, offset + n));
      const step = sizeOf(this.shape.slice(axis + 1));
      return Array.from({ length: n }, (_, i) => build(axis + 1, offset + i * step)) as NestedArray[];
    };
    return build(0, 0);
  }

  /**
   * The value of a one-element tensor, like PyTorch's `item()`.
   *
   * @returns The number.
   * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` when the tensor has more than one element.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * console.log(tensor([[7]]).item()); // → 7
   * ```
   */
  item(): number {
    if (this.size !== 1) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', 'only a one-element tensor has an item', {
        fn: 'item',
        expected: 'a tensor of size 1',
        received: `shape ${formatShape(this.shape)}`,
      });
    }
    return this.data()[0]!;
  }

  /**
   * Releases the storage (once every view of it is disposed) and the tensor's `.grad`, if any. Using the
   * tensor afterwards throws `DISPOSED`. Disposing twice does nothing.
   *
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * const x = tensor([1]);
   * x.dispose();
   * console.log(x.isDisposed); // → true
   * ```
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.node = null; // let the graph behind it be garbage collected
    this.zeroGrad(); // a gradient is useless without its tensor: free it too, so no loop can leak it
    untrackTensor();
    if (--this.ref.refCount === 0) {
      this.ref.backend.free(this.ref.storage);
      countBytes(-this.ref.bytes);
    }
  }

  /**
   * Disposes `.grad` and sets it to null (PyTorch `zero_grad(set_to_none=True)`).
   *
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * const w = tensor([3]);
   * w.requiresGrad = true;
   * w.mul(w).sum().backward();
   * w.zeroGrad();
   * console.log(w.grad); // → null
   * ```
   */
  zeroGrad(): void {
    this.grad?.dispose();
    this.grad = null;
  }

  /**
   * Overwrites the elements in place with `source` (PyTorch `tensor.copy_(source)` under `no_grad`): the
   * tensor keeps its identity, so an optimizer holding it sees the new values. Used to load checkpoints.
   *
   * @param source - A typed array of the same dtype and size, or a tensor of the same shape and dtype.
   * @returns This tensor.
   * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` or `DTYPE_MISMATCH` naming both sides.
   * @example
   * ```ts
   * import { tensor, zeros } from '@lxmls/tensor';
   * const w = zeros([2]);
   * w.copyFrom(Float32Array.of(3, 4));
   * console.log(w.toArray()); // → [ 3, 4 ]
   * ```
   */
  copyFrom(source: TypedArray | Tensor): this {
    this.assertLive('copyFrom');
    const isTensor = source instanceof Tensor;
    const dtype: DType = isTensor ? source.dtype : source instanceof Int32Array ? 'int32' : 'float32';
    if (dtype !== this.dtype) {
      throw new LxmlsTensorError('DTYPE_MISMATCH', 'source has another dtype than the tensor', {
        fn: 'copyFrom',
        argument: 'source',
        expected: this.dtype,
        received: dtype,
      });
    }
    if (isTensor ? !sameShape(source.shape, this.shape) : source.length !== this.size) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', 'source has another size than the tensor', {
        fn: 'copyFrom',
        argument: 'source',
        expected: `shape ${formatShape(this.shape)} (${this.size} elements)`,
        received: isTensor ? `shape ${formatShape(source.shape)}` : `${source.length} elements`,
      });
    }
    const backend = this.ref.backend;
    if (isTensor && source.backend === backend)
      backend.copy({ x: source.storage('copyFrom'), out: this.ref.storage }, { size: this.size });
    else backend.write(this.ref.storage, isTensor ? source.data() : source);
    return this;
  }

  /**
   * A tensor with the same storage and no tape history: gradients stop here (PyTorch `detach()`).
   *
   * @returns A new leaf tensor sharing the storage.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * const x = tensor([1, 2]);
   * x.requiresGrad = true;
   * console.log(x.mul(2).detach().requiresGrad); // → false
   * ```
   */
  detach(): Tensor {
    return this.shareStorage(this.shape);
  }

  /**
   * Computes the gradient of this tensor with respect to every leaf with `requiresGrad`, adding it to the
   * leaf's `.grad` (gradients accumulate across calls, as in PyTorch).
   *
   * The algorithm, in four lines: (1) order the graph topologically, so a tensor comes after everything it
   * was computed from; (2) seed `d self / d self = 1` (or `grad`); (3) walk the order backwards, calling each
   * node's backward closure with the gradient of its output, which returns the gradients of its inputs;
   * (4) sum the gradients reaching a tensor from several uses. All gradient tensors made on the way are
   * disposed at the end, except the leaves' `.grad`.
   *
   * @param grad - The gradient of some scalar with respect to this tensor; defaults to 1 for a one-element
   *   tensor.
   * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` when the tensor does not require grad or, without
   *   `grad`, has more than one element; `SHAPE_MISMATCH` when `grad` has another shape;
   *   `MISSING_CAPABILITY` when the backend cannot compute gradients.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * const a = tensor([2]);
   * a.requiresGrad = true;
   * const y = a.mul(a).add(a); // y = a² + a
   * y.backward();
   * console.log(a.grad?.toArray()); // → [ 5 ]
   * ```
   */
  backward(grad?: Tensor): void {
    this.assertLive('backward');
    if (!this.requires) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', 'this tensor does not require grad', {
        fn: 'backward',
        expected: 'a tensor computed from tensors with requiresGrad = true',
        received: `a ${this.node ? `${this.node.op} output` : 'leaf'} with requiresGrad = false`,
      });
    }
    requireCapability(this.backend, 'gradients', 'backward');
    if (grad === undefined && this.size !== 1) {
      throw new LxmlsTensorError(
        'INVALID_ARGUMENT',
        'a gradient can be implied only for a one-element tensor',
        {
          fn: 'backward',
          expected: 'a scalar, or backward(grad) with grad of the same shape',
          received: `shape ${formatShape(this.shape)}`,
        },
      );
    }
    if (grad !== undefined && !sameShape(grad.shape, this.shape)) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', 'grad has another shape than the tensor', {
        fn: 'backward',
        expected: formatShape(this.shape),
        received: formatShape(grad.shape),
      });
    }

    // (1) topological order: every tensor after its inputs (depth-first post-order, as in micrograd)
    const order: Tensor[] = [];
    const visited = new Set<Tensor>();
    const visit = (t: Tensor): void => {
      if (visited.has(t)) return;
      visited.add(t);
      for (const input of t.node?.inputs ?? []) if (input?.requires) visit(input);
      order.push(t);
    };
    visit(this);
    // Gradients created from here on are private to this pass: a leaf may keep one as its .grad by sharing
    // its storage (no copy), unless another leaf already holds that storage.
    const firstId = nextId;
    const heldByLeaves = new Set<unknown>();

    tidy(() =>
      noGrad(() => {
        // (2) seed
        const grads = new Map<Tensor, Tensor>([[this, grad ?? ops.onesLike(this)]]);
        // (3) from the output back to the leaves
        for (let i = order.length - 1; i >= 0; i--) {
          const t = order[i]!;
          const g = grads.get(t);
          if (g === undefined) continue;
          if (t.node === null) {
            // a leaf: accumulate into .grad, which outlives this backward pass. Its first gradient shares the
            // storage of g (tensors are immutable: a view, not a copy) when g was made by this pass and no other
            // leaf holds it; otherwise (the caller's seed, a storage already taken) it is copied.
            const previous = t.grad;
            const storage = g.ref.storage;
            const own = g.id >= firstId && !heldByLeaves.has(storage);
            t.grad = keep(previous ? ops.add(previous, g) : own ? g.detach() : ops.clone(g));
            if (!previous) heldByLeaves.add(t.grad.ref.storage);
            previous?.dispose();
            continue;
          }
          const { inputs, op } = t.node;
          const needs = inputs.map((x) => x?.requires === true);
          const inputGrads = t.node.backward(g, needs);
          inputs.forEach((x, k) => {
            const gx = inputGrads[k];
            if (!x || !needs[k] || !gx) return;
            if (!sameShape(gx.shape, x.shape)) {
              throw new LxmlsTensorError('SHAPE_MISMATCH', `the backward of ${op} returned a wrong shape`, {
                fn: 'backward',
                expected: `${formatShape(x.shape)} for input ${k}`,
                received: formatShape(gx.shape),
              });
            }
            // (4) a tensor used twice receives the sum of both gradients
            const previous = grads.get(x);
            grads.set(x, previous ? ops.add(previous, gx) : gx);
          });
        }
      }),
    );
  }

  // ---- ops as methods (see the functions in ops/ for the documentation) ------------------------------------
  /** {@link add} */ add(b: Tensor | number): Tensor {
    return ops.add(this, b);
  }
  /** {@link sub} */ sub(b: Tensor | number): Tensor {
    return ops.sub(this, b);
  }
  /** {@link mul} */ mul(b: Tensor | number): Tensor {
    return ops.mul(this, b);
  }
  /** {@link div} */ div(b: Tensor | number): Tensor {
    return ops.div(this, b);
  }
  /** {@link pow} */ pow(b: Tensor | number): Tensor {
    return ops.pow(this, b);
  }
  /** {@link neg} */ neg(): Tensor {
    return ops.neg(this);
  }
  /** {@link exp} */ exp(): Tensor {
    return ops.exp(this);
  }
  /** {@link log} */ log(): Tensor {
    return ops.log(this);
  }
  /** {@link tanh} */ tanh(): Tensor {
    return ops.tanh(this);
  }
  /** {@link sqrt} */ sqrt(): Tensor {
    return ops.sqrt(this);
  }
  /** {@link relu} */ relu(): Tensor {
    return ops.relu(this);
  }
  /** {@link matmul} */ matmul(b: Tensor, options?: ops.MatmulOptions): Tensor {
    return ops.matmul(this, b, options);
  }
  /** {@link reshape} */ reshape(shape: readonly number[]): Tensor {
    return ops.reshape(this, shape);
  }
  /** {@link reshape} (PyTorch's `view` of a contiguous tensor: shares the storage) */ view(
    shape: readonly number[],
  ): Tensor {
    return ops.reshape(this, shape);
  }
  /** {@link transpose} */ transpose(dim0 = -2, dim1 = -1): Tensor {
    return ops.transpose(this, dim0, dim1);
  }
  /** {@link permute} */ permute(perm: readonly number[]): Tensor {
    return ops.permute(this, perm);
  }
  /** {@link sum} */ sum(axes?: number | readonly number[], keepdim = false): Tensor {
    return ops.sum(this, axes, keepdim);
  }
  /** {@link mean} */ mean(axes?: number | readonly number[], keepdim = false): Tensor {
    return ops.mean(this, axes, keepdim);
  }
  /** {@link max} */ max(axes?: number | readonly number[], keepdim = false): Tensor {
    return ops.max(this, axes, keepdim);
  }
  /** {@link argmax} */ argmax(axis?: number, keepdim = false): Tensor {
    return ops.argmax(this, axis, keepdim);
  }
  /** {@link softmax} */ softmax(axis = -1): Tensor {
    return ops.softmax(this, axis);
  }
  /** {@link logSoftmax} */ logSoftmax(axis = -1): Tensor {
    return ops.logSoftmax(this, axis);
  }
  /** {@link gelu} */ gelu(): Tensor {
    return ops.gelu(this);
  }
  /** {@link maskedFill} */ maskedFill(mask: Tensor, value: number): Tensor {
    return ops.maskedFill(this, mask, value);
  }
  /** {@link clone} */ clone(): Tensor {
    return ops.clone(this);
  }
  /** {@link cast} */ cast(dtype: DType): Tensor {
    return ops.cast(this, dtype);
  }
}

/** Nested arrays of numbers, as returned by `toArray()`. */
export type NestedArray = number | NestedArray[];

/**
 * The nested arrays of a tensor of rank `R`, as `toArray(R)` returns them: `number` for rank 0, `number[]` for
 * rank 1, `number[][]` for rank 2, … up to rank 6; {@link NestedArray} for a rank not known when compiling.
 *
 * @example
 * ```ts
 * import { type ArrayOfRank, tensor } from '@lxmls/tensor';
 * const grid: ArrayOfRank<2> = tensor([[1, 2], [3, 4]]).toArray(2);
 * console.log(grid[1]?.[0]); // → 3
 * ```
 */
export type ArrayOfRank<R extends number> = number extends R
  ? NestedArray
  : R extends 0
    ? number
    : R extends 1
      ? number[]
      : R extends 2
        ? number[][]
        : R extends 3
          ? number[][][]
          : R extends 4
            ? number[][][][]
            : R extends 5
              ? number[][][][][]
              : R extends 6
                ? number[][][][][][]
                : NestedArray;

/** @internal Allocates an uninitialised (zero-filled) tensor on `backend`. */
export function empty(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  const size = sizeOf(shape);
  const ref: DataRef = { backend, storage: backend.alloc(size, dtype), bytes: size * 4, refCount: 1 };
  countBytes(ref.bytes);
  return new Tensor(ref, shape, dtype);
}

/**
 * @internal Allocates a tensor for the output of a kernel that writes every element: uninitialised storage
 * where the backend offers {@link Backend.allocUninit} (no zero-fill), else zero-filled like {@link empty}.
 * Use {@link empty} instead whenever the kernel accumulates into its output or leaves parts of it untouched.
 */
export function output(backend: Backend, shape: readonly number[], dtype: DType): Tensor {
  const size = sizeOf(shape);
  const storage = backend.allocUninit ? backend.allocUninit(size, dtype) : backend.alloc(size, dtype);
  const ref: DataRef = { backend, storage, bytes: size * 4, refCount: 1 };
  countBytes(ref.bytes);
  return new Tensor(ref, shape, dtype);
}

/** @internal The backend shared by `tensors` (checks they are live and on one backend). */
export function backendOf(fn: string, ...tensors: Tensor[]): Backend {
  const first = tensors[0];
  const backend = first ? first.backend : getBackend();
  for (const t of tensors) {
    t.assertLive(fn);
    if (t.backend !== backend) {
      throw new LxmlsTensorError('BACKEND_MISMATCH', 'tensors live on different backends', {
        fn,
        expected: `every input on '${backend.name}'`,
        received: `one on '${t.backend.name}'`,
      });
    }
  }
  return backend;
}

/**
 * @internal Records `out` on the tape when gradients are enabled and some input requires grad: `backward`
 * receives dL/d out and returns dL/d input for each input (plain-number inputs are `null`).
 */
export function record(
  op: string,
  out: Tensor,
  inputs: readonly (Tensor | number | null)[],
  backward: TapeNode['backward'],
): Tensor {
  if (!isGradEnabled()) return out;
  const tensors = inputs.map((x) => (x instanceof Tensor ? x : null));
  if (!tensors.some((x) => x?.requiresGrad)) return out;
  requireCapability(out.backend, 'gradients', op);
  out.attachNode({ op, inputs: tensors, backward });
  return out;
}

/** @internal Throws `DTYPE_MISMATCH` unless `t` has dtype `dtype`. */
export function expectDtype(fn: string, t: Tensor, dtype: DType, argument = 'x'): void {
  if (t.dtype !== dtype) {
    throw new LxmlsTensorError('DTYPE_MISMATCH', `${argument} has the wrong dtype`, {
      fn,
      argument,
      expected: dtype,
      received: t.dtype,
    });
  }
}
