/**
 * The Backend (kernel) interface: everything a compute engine must provide for @lxmls/tensor to run on it.
 *
 * Follows tinygrad's small device abstraction and tfjs's `KernelBackend`: the Tensor, the tape and every
 * gradient formula live in the core; a backend only owns memory and runs kernels. Storage is an opaque
 * per-backend handle (`Float32Array`/`Int32Array` for `js`, an offset into WebAssembly memory for `wasm`, a
 * `tf.Tensor` for `tfjs`), so kernels take storage handles and plain numbers (shapes, sizes, flags), as two
 * named objects, and write into an output storage that the core allocated with {@link Backend.alloc}. Every tensor is contiguous and
 * row-major; there are no strides, so a kernel never has to handle a view, except the attention kernels, which
 * read and write their heads through strided views ({@link AttentionView}), so that one kernel serves every
 * layout of queries, keys and values without a copy.
 *
 * The contract is narrow: {@link CoreBackend} holds the 17 kernels every backend implements
 * ({@link CORE_KERNELS}); every other kernel of {@link Backend} is optional, a fast path whose absence the
 * ops in `ops/` make up for by composing the core kernels (docs/backend-contract.md has the table). Every
 * kernel takes two named objects, the storages and the attributes (`…Inputs`, `…Attrs`); only the memory
 * methods (`alloc`, `free`, `read`, `write`) take plain arguments.
 *
 * The `js` backend (`backends/js.ts`, its kernels in `backends/js/<family>.ts`) is the definition of every
 * kernel below; the conformance suite in `@lxmls/tensor/testing` checks any other backend against it.
 *
 * Over 500 lines because it is the whole contract in one place: every kernel's signature, its attribute
 * types and what it computes, which a backend author reads top to bottom.
 */

/** Element types: 32-bit floats and 32-bit signed integers (indices, targets, masks). */
export type DType = 'float32' | 'int32';

/** A typed array holding the elements of one tensor, row-major. */
export type TypedArray = Float32Array | Int32Array;

/**
 * What a backend can do, as data, so that the core can check it up front (tfjs/vercel-ai style) and fail with
 * a clear message instead of halfway through a training step.
 */
export interface BackendCapabilities {
  /** The backward kernels exist and are exact enough to train with (false for an inference-only backend). */
  gradients: boolean;
  /** Can store and compute in float16 (not used by the core yet). */
  float16: boolean;
  /** Kernels are queued asynchronously (GPU): `read` still works but stalls; prefer `readAsync`. */
  async: boolean;
  /**
   * Implements the optional {@link Backend.attention} / {@link Backend.attentionBackward} kernels, for any
   * views and `tq ≠ tk`, without dropout.
   */
  fusedAttention: boolean;
  /**
   * Its {@link Backend.attention} kernels also take `dropout` > 0 (with `seed`): dropout on the attention
   * weights, element `i` of the `(batch, heads, tq, tk)` weights kept when `uniformAt(seed, i) ≥ dropout`
   * and scaled by `1/(1 − dropout)`, exactly as the `dropout` kernel on the materialised weights. Optional
   * (default false: the core composes attention with dropout from the other kernels).
   */
  fusedAttentionDropout?: boolean;
}

/**
 * A strided view of one operand of {@link Backend.attention}: element `(b, h, i, c)` of a
 * `(batch, heads, rows, headSize)` operand lives at
 * `storage[offset + b·batchStride + h·headStride + i·rowStride + c]` (counted in elements; the `headSize`
 * columns of a row are contiguous). The three layouts the core uses, for `H` heads of `d`:
 *
 * | layout | offset | batchStride | headStride | rowStride |
 * | --- | --- | --- | --- | --- |
 * | plain `(B·H, T, d)` | 0 | `H·T·d` | `T·d` | `d` |
 * | packed `qkv (B, T, 3·H·d)`: q, k, v | 0, `H·d`, `2·H·d` | `T·3·H·d` | `d` | `3·H·d` |
 * | split `(B, T, H·d)`, heads merged (also `out`) | 0 | `T·H·d` | `d` | `H·d` |
 *
 * @example
 * ```ts
 * import type { AttentionView } from '@lxmls/tensor';
 * const qkv = new Float32Array(2 * 5 * 3 * 4 * 8); // (B 2, T 5, 3·H·d) with H 4, d 8
 * const k: AttentionView<Float32Array> = { storage: qkv, offset: 32, batchStride: 480, headStride: 8, rowStride: 96 };
 * console.log(k.offset + 1 * k.batchStride + 2 * k.headStride + 3 * k.rowStride); // → 816
 * ```
 */
export interface AttentionView<S = unknown> {
  /** The storage holding the operand (maybe among others). */
  storage: S;
  /** Element index of `(0, 0, 0, 0)`. */
  offset: number;
  /** Elements from one batch entry to the next. */
  batchStride: number;
  /** Elements from one head to the next. */
  headStride: number;
  /** Elements from one row (query or key position) to the next. */
  rowStride: number;
}

/**
 * The attributes of {@link Backend.attention} and {@link Backend.attentionBackward}.
 *
 * @example
 * ```ts
 * import type { AttentionAttrs } from '@lxmls/tensor';
 * const attrs: AttentionAttrs = { batch: 2, heads: 4, tq: 5, tk: 5, headSize: 8, scale: 1 / Math.sqrt(8), causal: true };
 * console.log(attrs.batch * attrs.heads * attrs.tq); // → 40
 * ```
 */
export interface AttentionAttrs {
  /** Batch entries, `B`. */
  batch: number;
  /** Heads per batch entry, `H` (the kernel only sees `batch × heads` independent heads and their strides). */
  heads: number;
  /** Query positions per head. */
  tq: number;
  /** Key (and value) positions per head. */
  tk: number;
  /** Elements per query, key, value and output row, `d`. */
  headSize: number;
  /** Multiplies the scores, usually `1/√headSize`. */
  scale: number;
  /** Query `i` sees keys `j ≤ i + (tk − tq)` only. */
  causal: boolean;
  /** Dropout probability of the weights, in [0, 1) (default 0; needs `capabilities.fusedAttentionDropout`). */
  dropout?: number;
  /** The 32-bit seed of the dropout mask (default 0). */
  seed?: number;
}

/**
 * The storages of {@link Backend.attention}: `q`, `k`, `v` read, `out` written (views), and the saved
 * log-sum-exp `lse`, a contiguous `(batch, heads, tq)` storage.
 *
 * @example
 * ```ts
 * import { createJsBackend, type AttentionInputs } from '@lxmls/tensor';
 * const view = (storage: Float32Array) => ({ storage, offset: 0, batchStride: 4, headStride: 4, rowStride: 2 });
 * const ones = new Float32Array([1, 0, 0, 1]); // (1, 1, 2, 2)
 * const inputs: AttentionInputs<Float32Array> = {
 *   q: view(ones), k: view(ones), v: view(new Float32Array([1, 2, 3, 4])), out: view(new Float32Array(4)), lse: new Float32Array(2),
 * };
 * createJsBackend().attention(inputs, { batch: 1, heads: 1, tq: 2, tk: 2, headSize: 2, scale: 1, causal: true });
 * console.log(Array.from(inputs.out.storage.subarray(0, 2))); // → [ 1, 2 ]
 * ```
 */
export interface AttentionInputs<S = unknown> {
  /** Queries, `(batch, heads, tq, headSize)` through the view. */
  q: AttentionView<S>;
  /** Keys, `(batch, heads, tk, headSize)`. */
  k: AttentionView<S>;
  /** Values, `(batch, heads, tk, headSize)`. */
  v: AttentionView<S>;
  /** The output, `(batch, heads, tq, headSize)`: written by the forward, read by the backward. */
  out: AttentionView<S>;
  /** The row log-sum-exps, contiguous `(batch, heads, tq)`: written by the forward. */
  lse: S;
}

/**
 * The storages of {@link Backend.attentionBackward}: those of the forward (`out` and `lse` as it wrote them),
 * the gradient `dout` of `out`, and the gradient views `dq`, `dk`, `dv` it writes.
 *
 * @example
 * ```ts
 * import type { AttentionBackwardInputs } from '@lxmls/tensor';
 * type Keys = keyof AttentionBackwardInputs;
 * const keys: Keys[] = ['q', 'k', 'v', 'out', 'lse', 'dout', 'dq', 'dk', 'dv'];
 * console.log(keys.length); // → 9
 * ```
 */
export interface AttentionBackwardInputs<S = unknown> extends AttentionInputs<S> {
  /** The gradient of `out`, `(batch, heads, tq, headSize)`. */
  dout: AttentionView<S>;
  /** The gradient of `q`, written. */
  dq: AttentionView<S>;
  /** The gradient of `k`, written. */
  dk: AttentionView<S>;
  /** The gradient of `v`, written. */
  dv: AttentionView<S>;
}

/** Binary elementwise ops. `eq` and `gt` give 1 or 0 (in the output dtype). */
export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'eq' | 'gt';

/** Unary elementwise ops. */
export type UnaryOp = 'neg' | 'exp' | 'log' | 'tanh' | 'sqrt' | 'relu';

/** Reductions over a set of axes. */
export type ReduceOp = 'sum' | 'max';

/**
 * The storage handles of a one-input kernel: `x` read, `out` written. Used by {@link CoreBackend.copy},
 * `cast`, `unary`, `reduce`, `permute`, `slice`, `dropout`, and the optional `softmax`, `logSoftmax` and
 * `gelu` (tfjs's `UnaryInputs`).
 *
 * @example
 * ```ts
 * import { createJsBackend, type UnaryInputs } from '@lxmls/tensor';
 * const inputs: UnaryInputs<Float32Array> = { x: new Float32Array([1, -2]), out: new Float32Array(2) };
 * createJsBackend().unary(inputs, { op: 'relu', size: 2 });
 * console.log(Array.from(inputs.out)); // → [ 1, 0 ]
 * ```
 */
export interface UnaryInputs<S = unknown> {
  x: S;
  out: S;
}
/** The attributes of {@link CoreBackend.copy} and of the optional `gelu`: `size` elements. */
export interface SizeAttrs {
  size: number;
}
/** The attributes of {@link CoreBackend.cast}: `size` elements converted to `to`. */
export interface CastAttrs {
  size: number;
  to: DType;
}
/** The attributes of {@link CoreBackend.unary}: `op` over `size` elements. */
export interface UnaryAttrs {
  op: UnaryOp;
  size: number;
}
/** The storage handles of {@link CoreBackend.binary}: `out = op(a, b)`. */
export interface BinaryInputs<S = unknown> {
  a: S;
  b: S;
  out: S;
}
/**
 * The attributes of {@link CoreBackend.binary}: `aShape`, `bShape` and `outShape` have the same rank; every
 * axis of `a` and `b` is either the size of `out`'s axis or 1.
 *
 * @example
 * ```ts
 * import { createJsBackend, type BinaryAttrs } from '@lxmls/tensor';
 * const out = new Float32Array(2);
 * const attrs: BinaryAttrs = { op: 'mul', aShape: [2], bShape: [1], outShape: [2] };
 * createJsBackend().binary({ a: new Float32Array([3, 4]), b: new Float32Array([10]), out }, attrs);
 * console.log(Array.from(out)); // → [ 30, 40 ]
 * ```
 */
export interface BinaryAttrs {
  op: BinaryOp;
  aShape: readonly number[];
  bShape: readonly number[];
  outShape: readonly number[];
}
/** The storage handles of {@link CoreBackend.maskedFill}. */
export interface MaskedFillInputs<S = unknown> {
  x: S;
  mask: S;
  out: S;
}
/** The attributes of {@link CoreBackend.maskedFill}: `x` and `out` have `shape`; `mask` has `maskShape`, broadcast to it. */
export interface MaskedFillAttrs {
  shape: readonly number[];
  maskShape: readonly number[];
  value: number;
}
/** The attributes of {@link CoreBackend.reduce}: `op` over `axes` of `x`, of shape `shape`. */
export interface ReduceAttrs {
  op: ReduceOp;
  shape: readonly number[];
  axes: readonly number[];
}
/** The attributes of {@link CoreBackend.permute}: `x` has `shape`; `out` has `shape[perm[0]], shape[perm[1]], …`. */
export interface PermuteAttrs {
  shape: readonly number[];
  perm: readonly number[];
}
/**
 * The attributes of {@link CoreBackend.slice} and {@link CoreBackend.sliceAssign}: the block
 * `[begin, begin + sizes)` of a tensor of shape `shape`.
 *
 * @example
 * ```ts
 * import { createJsBackend, type SliceAttrs } from '@lxmls/tensor';
 * const out = new Float32Array(2);
 * const attrs: SliceAttrs = { shape: [2, 3], begin: [1, 1], sizes: [1, 2] };
 * createJsBackend().slice({ x: new Float32Array([0, 1, 2, 3, 4, 5]), out }, attrs);
 * console.log(Array.from(out)); // → [ 4, 5 ]
 * ```
 */
export interface SliceAttrs {
  shape: readonly number[];
  begin: readonly number[];
  sizes: readonly number[];
}
/** The storage handles of {@link CoreBackend.sliceAssign}: `src` (shape `sizes`) written into `out` (shape `shape`). */
export interface SliceAssignInputs<S = unknown> {
  src: S;
  out: S;
}
/** The attributes of {@link CoreBackend.dropout}: `size` elements, drop probability `p`, 32-bit `seed`. */
export interface DropoutAttrs {
  size: number;
  p: number;
  seed: number;
}
/** The attributes of the optional softmax kernels: `x` viewed as `(rows, cols)`, normalised per row. */
export interface SoftmaxAttrs {
  rows: number;
  cols: number;
}
/** The storage handles of the optional `softmaxBackward` and `logSoftmaxBackward`: the forward output `y`, its gradient `dy`, and `dx` written. */
export interface SoftmaxBackwardInputs<S = unknown> {
  y: S;
  dy: S;
  dx: S;
}
/**
 * The storage handles of the optional `geluBackward`: the forward input `x`, the gradient `dy`, `dx`
 * written, and optionally the forward output `y`.
 */
export interface GeluBackwardInputs<S = unknown> {
  x: S;
  dy: S;
  dx: S;
  y?: S;
}
/** The storage handles of {@link CoreBackend.matmul}: `out = op(a) @ op(b)`. */
export interface MatmulInputs<S = unknown> {
  a: S;
  b: S;
  out: S;
}
/**
 * The attributes of {@link CoreBackend.matmul}: `a` is `(batchA, m, k)`, or `(batchA, k, m)` when `transA`;
 * `b` is `(batchB, k, n)`, or `(batchB, n, k)` when `transB`; `out` is `(max(batchA, batchB), m, n)`.
 *
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * const out = new Float32Array(1);
 * const attrs = { batchA: 1, batchB: 1, m: 1, k: 2, n: 1, transA: false, transB: false };
 * createJsBackend().matmul({ a: new Float32Array([1, 2]), b: new Float32Array([3, 4]), out }, attrs);
 * console.log(out[0]); // → 11
 * ```
 */
export interface MatmulAttrs {
  batchA: number;
  batchB: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
}
/** The storage handles of {@link CoreBackend.gather}. */
export interface GatherInputs<S = unknown> {
  table: S;
  ids: S;
  out: S;
}
/** The storage handles of {@link CoreBackend.scatterAdd}. */
export interface ScatterAddInputs<S = unknown> {
  dy: S;
  ids: S;
  dtable: S;
}
/** The attributes of {@link CoreBackend.gather} and {@link CoreBackend.scatterAdd}: a `(numRows, dim)` table, `numIds` ids. */
export interface GatherAttrs {
  numIds: number;
  numRows: number;
  dim: number;
}
/** The storage handles of {@link Backend.linear}. */
export interface LinearInputs<S = unknown> {
  x: S;
  weight: S;
  bias: S | null;
  out: S;
}
/** The attributes of {@link Backend.linear}: `x` `(rows, inFeatures)`, `weight` `(outFeatures, inFeatures)`. */
export interface LinearAttrs {
  rows: number;
  inFeatures: number;
  outFeatures: number;
}
/**
 * The storage handles of {@link Backend.linearBackward}: the output gradient `dy` `(rows, outFeatures)`, the
 * forward's `x` and `weight`, and the gradients to write (null when not needed).
 */
export interface LinearBackwardInputs<S = unknown> {
  dy: S;
  x: S;
  weight: S;
  dx: S | null;
  dweight: S | null;
  dbias: S | null;
  /**
   * What `linearGelu` saved, when the forward was `linearGelu` (`dy` is then the gradient of `gelu(h)`, `h`
   * the pre-activation, and the kernel uses `dy · gelu'(h)` in its place). Absent or null after `linear`.
   */
  saved?: S | null;
}
/**
 * The storage handles of {@link Backend.linearGelu}: those of `linear`, and `saved` (the output's shape) for
 * what the backend's `linearBackward` needs of the pre-activation `h` (`h` itself, or `gelu'(h)` as webgpu saves).
 */
export interface LinearGeluInputs<S = unknown> extends LinearInputs<S> {
  saved: S;
}
/**
 * The storage handles of {@link Backend.linearResidual}: those of `linear`, and `residual` (the output's shape),
 * added to the layer's output.
 */
export interface LinearResidualInputs<S = unknown> extends LinearInputs<S> {
  residual: S;
}
/** The storage handles of {@link Backend.argmax}. */
export interface ArgmaxInputs<S = unknown> {
  x: S;
  out: S;
}
/** The attributes of {@link Backend.argmax}: `x` viewed as `(outer, n, inner)`. */
export interface ArgmaxAttrs {
  outer: number;
  n: number;
  inner: number;
}
/** The storage handles of {@link Backend.topk}. */
export interface TopkInputs<S = unknown> {
  x: S;
  values: S;
  indices: S;
}
/** The attributes of {@link Backend.topk}: `x` `(rows, cols)`, the `k` largest of each row. */
export interface TopkAttrs {
  rows: number;
  cols: number;
  k: number;
}
/** The storage handles of {@link Backend.crossEntropy}. */
export interface CrossEntropyInputs<S = unknown> {
  logits: S;
  targets: S;
  out: S;
}
/** The storage handles of {@link Backend.crossEntropyBackward}. */
export interface CrossEntropyBackwardInputs<S = unknown> {
  logits: S;
  targets: S;
  dloss: S;
  dlogits: S;
}
/** The attributes of {@link Backend.crossEntropy}: `logits` `(n, c)`, `targets` `(n)`. */
export interface CrossEntropyAttrs {
  n: number;
  c: number;
  ignoreIndex: number;
}
/** The storage handles of {@link Backend.layerNorm}. */
export interface LayerNormInputs<S = unknown> {
  x: S;
  weight: S | null;
  bias: S | null;
  out: S;
  mean: S;
  rstd: S;
}
/** The storage handles of {@link Backend.layerNormBackward}. */
export interface LayerNormBackwardInputs<S = unknown> {
  dy: S;
  x: S;
  weight: S | null;
  mean: S;
  rstd: S;
  dx: S;
  dweight: S | null;
  dbias: S | null;
}
/** The attributes of {@link Backend.layerNorm}: `x` `(rows, cols)`, normalised per row. */
export interface LayerNormAttrs {
  rows: number;
  cols: number;
  /** Added to the variance (forward only). */
  eps: number;
}
/** The storage handles of {@link Backend.multinomial}. */
export interface MultinomialInputs<S = unknown> {
  probs: S;
  out: S;
}
/** The attributes of {@link Backend.multinomial}: `probs` `(rows, cols)`, `numSamples` draws per row. */
export interface MultinomialAttrs {
  rows: number;
  cols: number;
  numSamples: number;
  seed: number;
}
/** The storage handles of {@link Backend.adamw} (all updated in place except `grad`). */
export interface AdamWInputs<S = unknown> {
  param: S;
  grad: S;
  m: S;
  v: S;
}
/** The attributes of {@link Backend.adamw}: `size` elements, step `step ≥ 1`. */
export interface AdamWAttrs {
  size: number;
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  step: number;
}

/**
 * The storage handles of {@link Backend.adamwMulti}: entry `i` of each list belongs to parameter `i` (all
 * updated in place except the gradients).
 */
export interface AdamWMultiInputs<S = unknown> {
  params: S[];
  grads: S[];
  m: S[];
  v: S[];
}
/**
 * The attributes of {@link Backend.adamwMulti}: per parameter its element count, learning rate, weight decay
 * and step (`≥ 1`, as the optimizer's per-parameter state holds it); β1, β2, eps shared.
 */
export interface AdamWMultiAttrs {
  sizes: number[];
  lr: number[];
  weightDecay: number[];
  step: number[];
  beta1: number;
  beta2: number;
  eps: number;
}

/** The storage handles of {@link Backend.clipNorm}: the vector `x`, the scaled copy `out`, the norm `norm` (1 element). */
export interface ClipNormInputs<S = unknown> {
  x: S;
  out: S;
  norm: S;
}
/** The attributes of {@link Backend.clipNorm}: `size` elements, the largest norm `maxNorm > 0`. */
export interface ClipNormAttrs {
  size: number;
  maxNorm: number;
}

/**
 * The core of the kernel interface: the 17 kernels every backend implements. `S` is the backend's storage
 * handle type; the core sees it as `unknown`. Everything else in {@link Backend} is optional: `@lxmls/tensor`
 * composes it from these (see `docs/backend-contract.md`), so a backend implementing only the core passes the
 * conformance suite.
 *
 * Conventions for every kernel:
 * - `out`-style arguments were allocated by the core with `alloc(size, dtype)` (zero-filled) and have exactly
 *   the size the kernel writes; kernels never allocate tensors the core can see.
 * - Every kernel takes two objects, the storage handles and the attributes
 *   (`matmul({ a, b, out }, { batchA, batchB, m, k, n, transA, transB })`, after tfjs's `inputs`/`attrs`);
 *   only the memory methods `alloc`, `free`, `read` and `write` take plain arguments.
 * - Shapes are plain `number[]`, row-major; `rows × cols` means a tensor viewed as a matrix whose last axis
 *   has `cols` elements.
 * - Reductions accumulate in float64 in the reference backend; others may use float32 with pairwise/blocked
 *   sums as long as they pass the conformance tolerances.
 * - Random kernels take a 32-bit `seed` and derive the `i`-th uniform number from `(seed, i)` with
 *   {@link uniformAt}'s counter-based hash, so every backend produces the same mask and the same samples.
 */
export interface CoreBackend<S = unknown> {
  /** Registry name, e.g. `js`, `wasm`, `tfjs-webgl`. */
  readonly name: string;
  /** What this backend supports. */
  readonly capabilities: BackendCapabilities;

  // ---- memory -------------------------------------------------------------------------------------------
  /** Allocates zero-filled storage for `size` elements of `dtype`. */
  alloc(size: number, dtype: DType): S;
  /** Releases storage; the core calls it exactly once per `alloc`. */
  free(storage: S): void;
  /** A synchronous copy of the elements (a fresh array the caller may keep). */
  read(storage: S): TypedArray;
  /** Overwrites the elements of `storage` with `data` (same length and dtype). */
  write(storage: S, data: TypedArray): void;
  /** `out[i] = x[i]` for `i < size`. */
  copy(inputs: UnaryInputs<S>, attrs: SizeAttrs): void;
  /** `out[i] = x[i]` for `i < size`, converting to dtype `to`; float32 → int32 truncates toward zero. */
  cast(inputs: UnaryInputs<S>, attrs: CastAttrs): void;

  // ---- elementwise --------------------------------------------------------------------------------------
  /**
   * `out = op(a, b)` with broadcasting. `aShape`, `bShape` and `outShape` have the same rank; every axis of
   * `a` and `b` is either the size of `out`'s axis or 1 (then that operand is repeated along it).
   */
  binary(inputs: BinaryInputs<S>, attrs: BinaryAttrs): void;
  /** `out[i] = op(x[i])` for `i < size`. `relu(x) = max(x, 0)`. */
  unary(inputs: UnaryInputs<S>, attrs: UnaryAttrs): void;
  /** `out = mask ≠ 0 ? value : x`; `mask` (any dtype) broadcasts to `shape` (same rank, axes equal or 1). */
  maskedFill(inputs: MaskedFillInputs<S>, attrs: MaskedFillAttrs): void;

  // ---- linear algebra -----------------------------------------------------------------------------------
  /**
   * Batched matrix product `out[b] = op(A[b]) @ op(B[b])`, `op(X) = Xᵀ` when its flag is set (shapes in
   * {@link MatmulAttrs}). A batch of 1 broadcasts.
   */
  matmul(inputs: MatmulInputs<S>, attrs: MatmulAttrs): void;

  // ---- reductions ---------------------------------------------------------------------------------------
  /**
   * Sum or max over `axes` of `x` (shape `shape`), keeping the reduced axes as size 1: `out` has
   * `shape` with every axis in `axes` set to 1. Max propagates NaN. Also the gradient of broadcasting:
   * summing a gradient over its broadcast axes.
   */
  reduce(inputs: UnaryInputs<S>, attrs: ReduceAttrs): void;

  // ---- indexing and copies ------------------------------------------------------------------------------
  /** Embedding lookup: `out[i, :] = table[ids[i], :]`; int32 `ids`. Out-of-range ids are an error. */
  gather(inputs: GatherInputs<S>, attrs: GatherAttrs): void;
  /** Backward of gather: `dtable[ids[i], :] += dy[i, :]` (a repeated id accumulates). `dtable` starts at zero. */
  scatterAdd(inputs: ScatterAddInputs<S>, attrs: GatherAttrs): void;
  /** Transposition: `out` has shape `shape[perm[0]], shape[perm[1]], …` and `out[i] = x[i permuted back]`. */
  permute(inputs: UnaryInputs<S>, attrs: PermuteAttrs): void;
  /** Copies the block `[begin, begin + sizes)` of `x` (shape `shape`) into `out` (shape `sizes`). */
  slice(inputs: UnaryInputs<S>, attrs: SliceAttrs): void;
  /** The inverse of slice: writes `src` (shape `sizes`) into the block `[begin, begin + sizes)` of `out` (shape `shape`), leaving the rest. */
  sliceAssign(inputs: SliceAssignInputs<S>, attrs: SliceAttrs): void;

  // ---- randomness ---------------------------------------------------------------------------------------
  /**
   * Inverted dropout: keeps element `i` when `uniformAt(seed, i) >= p`, scaling it by `1/(1 - p)`, else 0.
   * Calling it again with the same seed on `dy` is its backward.
   */
  dropout(inputs: UnaryInputs<S>, attrs: DropoutAttrs): void;
}

/**
 * The kernel interface: the {@link CoreBackend} kernels every backend implements, plus optional ones. An
 * optional kernel is a fast path (a fused kernel, or memory management a GPU needs); without it the op in
 * `@lxmls/tensor` composes the same values from the core kernels (or, for argmax, topk and multinomial, runs
 * the `js` definition on the host between a `read` and a `write`), with the gradient composed too.
 */
export interface Backend<S = unknown> extends CoreBackend<S> {
  // ---- optional memory ----------------------------------------------------------------------------------
  /**
   * Optional: allocates storage for `size` elements of `dtype` whose contents are unspecified (not
   * zero-filled), freed with {@link CoreBackend.free} like any other. The core uses it only for the output
   * of a kernel that overwrites every element (matmul, elementwise, softmax, layerNorm, copies…), never for
   * the accumulating ones (`scatterAdd`'s `dtable`, `sliceAssign` into a gradient). A backend that
   * implements it promises that each such kernel writes its whole output, even in edge cases (an empty
   * reduced axis, a fully masked attention row). Skipping the zero-fill saves a write of every activation
   * and gradient (about 30 MB per gpt-nano step). Without it the core calls `alloc`.
   */
  allocUninit?(size: number, dtype: DType): S;
  /** Optional asynchronous read for GPU backends (without it the core calls `read`). */
  readAsync?(storage: S): Promise<TypedArray>;

  // ---- optional: linear algebra -------------------------------------------------------------------------
  /**
   * Optional fused Linear layer (PyTorch's `nn.Linear`): `out = x · weightᵀ + bias`, with `x`
   * `(rows, inFeatures)`, `weight` `(outFeatures, inFeatures)`, `bias` `(outFeatures)` or null, `out`
   * `(rows, outFeatures)`. Without it: `matmul(…, transB)` and a broadcast `add`.
   */
  linear?(inputs: LinearInputs<S>, attrs: LinearAttrs): void;
  /**
   * Optional backward of {@link Backend.linear}, all of it in one call: `dx = dy · weight`
   * `(rows, in)`, `dweight = dyᵀ · x` `(out, in)`, `dbias = Σ_rows dy` `(out)`; each output overwritten, and
   * skipped when null. (A GPU backend runs the three in one dispatch.)
   */
  linearBackward?(inputs: LinearBackwardInputs<S>, attrs: LinearAttrs): void;
  /**
   * Optional. `linear` with NewGELU in its epilogue (the MLP's `gelu(c_fc(x))`): with `h = x · weightᵀ + bias`,
   * `out = gelu(h)`, and `saved` for the backward. Used only by a backend that also has `linearBackward`
   * (which takes `saved` back and applies GELU's derivative as it reads `dy`).
   */
  linearGelu?(inputs: LinearGeluInputs<S>, attrs: LinearAttrs): void;
  /**
   * Optional. `linear` with a residual added in its epilogue (a block's `x + c_proj(y)`):
   * `out = residual + (x · weightᵀ + bias)`, `residual` and `out` `(rows, outFeatures)`. Its backward is
   * `linearBackward` (or its fallback); the residual's gradient is `dy` itself. Without it: `linear`, then `add`.
   */
  linearResidual?(inputs: LinearResidualInputs<S>, attrs: LinearAttrs): void;

  // ---- optional: choosing -------------------------------------------------------------------------------
  /**
   * Optional. Index of the largest element along the middle axis of `x` viewed as `(outer, n, inner)`, into
   * int32 `out` of shape `(outer, inner)`. Ties give the first index; NaN counts as the largest.
   */
  argmax?(inputs: ArgmaxInputs<S>, attrs: ArgmaxAttrs): void;
  /**
   * Optional. The `k` largest values of each row of `x` `(rows, cols)`, sorted descending (ties: lower index
   * first), into `values` (float32) and `indices` (int32), both `(rows, k)`.
   */
  topk?(inputs: TopkInputs<S>, attrs: TopkAttrs): void;
  /**
   * Optional. Draws `numSamples` indices per row of non-negative weights `probs` `(rows, cols)` (not
   * necessarily normalised), with replacement, into int32 `out` `(rows, numSamples)`: sample `s` of row `r` is
   * the first `j` whose cumulative weight exceeds `uniformAt(seed, r · numSamples + s) · total_r`.
   */
  multinomial?(inputs: MultinomialInputs<S>, attrs: MultinomialAttrs): void;

  // ---- optional: softmax family -------------------------------------------------------------------------
  /** Optional. `y[r, j] = exp(x[r, j] - max_r) / Σ_j' exp(x[r, j'] - max_r)` over each row of `(rows, cols)`. */
  softmax?(inputs: UnaryInputs<S>, attrs: SoftmaxAttrs): void;
  /** Optional. `y[r, j] = x[r, j] - max_r - log Σ_j' exp(x[r, j'] - max_r)`. */
  logSoftmax?(inputs: UnaryInputs<S>, attrs: SoftmaxAttrs): void;
  /** Optional. Given `y = softmax(x)`: `dx[r, j] = y[r, j] · (dy[r, j] - Σ_j' dy[r, j'] · y[r, j'])`. */
  softmaxBackward?(inputs: SoftmaxBackwardInputs<S>, attrs: SoftmaxAttrs): void;
  /** Optional. Given `y = logSoftmax(x)`: `dx[r, j] = dy[r, j] - exp(y[r, j]) · Σ_j' dy[r, j']`. */
  logSoftmaxBackward?(inputs: SoftmaxBackwardInputs<S>, attrs: SoftmaxAttrs): void;
  /**
   * Optional. Mean cross-entropy of `logits` `(n, c)` against int32 `targets` `(n)`, skipping rows whose
   * target is `ignoreIndex`: `out[0] = Σ_kept (logsumexp(x_r) - x[r, t_r]) / #kept` (NaN when nothing is
   * kept, as in PyTorch). A target outside `[0, c)` other than `ignoreIndex` is an error.
   */
  crossEntropy?(inputs: CrossEntropyInputs<S>, attrs: CrossEntropyAttrs): void;
  /**
   * Optional gradient of {@link Backend.crossEntropy} (fused with the softmax): for kept rows
   * `dlogits[r, j] = dloss[0] · (softmax(x_r)[j] - [j = t_r]) / #kept`, and 0 for ignored rows.
   */
  crossEntropyBackward?(inputs: CrossEntropyBackwardInputs<S>, attrs: CrossEntropyAttrs): void;

  // ---- optional: normalisation and activations ----------------------------------------------------------
  /**
   * Optional. Layer normalisation of each row of `x` `(rows, cols)` (PyTorch: biased variance):
   * `mean_r = Σ_j x/cols`, `rstd_r = 1/sqrt(Σ_j (x - mean_r)²/cols + eps)`,
   * `out = (x - mean_r) · rstd_r · weight + bias`. `weight`/`bias` `(cols)` may be null (1 and 0). Saves
   * `mean` and `rstd` `(rows)` for the backward.
   */
  layerNorm?(inputs: LayerNormInputs<S>, attrs: LayerNormAttrs): void;
  /**
   * Optional backward of {@link Backend.layerNorm}. With `x̂ = (x - mean)·rstd` and `g = dy · weight`:
   * `dx = rstd · (g - mean_j(g) - x̂ · mean_j(g · x̂))`, `dweight = Σ_rows dy · x̂`, `dbias = Σ_rows dy`.
   * `dweight`/`dbias` are null when not needed. `mean` and `rstd` are what `layerNorm` saved (either kernel's).
   */
  layerNormBackward?(inputs: LayerNormBackwardInputs<S>, attrs: LayerNormAttrs): void;
  /** Optional. NewGELU, the tanh form: `0.5 · x · (1 + tanh(sqrt(2/π) · (x + 0.044715 · x³)))`. */
  gelu?(inputs: UnaryInputs<S>, attrs: SizeAttrs): void;
  /**
   * Optional. `dx = dy · gelu'(x)`, with `u = sqrt(2/π)(x + 0.044715x³)`, `t = tanh(u)`:
   * `gelu' = 0.5(1 + t) + 0.5x(1 - t²)·sqrt(2/π)(1 + 3·0.044715x²)`. `y`, when given, is the forward output
   * `gelu(x)`, which a backend may use instead of recomputing `tanh` (`0.5(1 + t) = y / x`).
   */
  geluBackward?(inputs: GeluBackwardInputs<S>, attrs: SizeAttrs): void;

  // ---- optional: optimiser ------------------------------------------------------------------------------
  /**
   * Optional. One AdamW step in place, PyTorch semantics (decoupled weight decay), for `size` elements, at
   * step `t ≥ 1`: `p *= 1 - lr·wd; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²;
   *  p -= (lr / (1 - β1ᵗ)) · m / (sqrt(v) / sqrt(1 - β2ᵗ) + eps)`.
   */
  adamw?(inputs: AdamWInputs<S>, attrs: AdamWAttrs): void;
  /**
   * Optional. The {@link Backend.adamw} step of many parameters in one call ("foreach", as
   * `torch.optim.AdamW(foreach=True)`): parameter `i` of `sizes[i]` elements with `lr[i]`, `weightDecay[i]` and
   * `step[i]`, the same arithmetic as `adamw` on each. Every storage appears once across `params`, `m`, `v`.
   * A GPU backend runs it as one dispatch over all parameters (a backend may move the storages it is given,
   * e.g. into one buffer per role, since storages are its own handles).
   */
  adamwMulti?(inputs: AdamWMultiInputs<S>, attrs: AdamWMultiAttrs): void;
  /**
   * Optional. The global-norm clip of one float32 vector (`torch.nn.utils.clip_grad_norm_` on gradients
   * flattened into one): `norm = √(Σ x²)`, `out = x · min(1, maxNorm / (norm + 1e-6))`, float32 arithmetic.
   * A GPU backend runs it as one dispatch (the sum, the coefficient and the scaling in one workgroup).
   */
  clipNorm?(inputs: ClipNormInputs<S>, attrs: ClipNormAttrs): void;

  // ---- optional fused attention (capabilities.fusedAttention) -------------------------------------------
  /**
   * Optional fused scaled dot-product attention over `batch × heads` independent heads, each operand read
   * through an {@link AttentionView} (so the plain `(B·H, T, d)`, packed `(B, T, 3·H·d)` and split
   * `(B, T, H·d)` layouts are the same kernel with other strides):
   * `out[b, h] = dropout(softmax(q[b, h] @ k[b, h]ᵀ · scale + causalMask)) @ v[b, h]`, with `q[b, h]`
   * `(tq, headSize)`, `k[b, h]`, `v[b, h]` `(tk, headSize)` and `out[b, h]` `(tq, headSize)`.
   *
   * - When `causal`, query `i` sees keys `j ≤ i + (tk − tq)` (the last `tq` of `tk` positions, a KV cache);
   *   a query that sees no key gets a zero output and log-sum-exp `−∞`.
   * - `lse` (contiguous `(batch, heads, tq)`) receives each score row's log-sum-exp `log Σ_j exp(s_ij)`, for
   *   the backend's own backward; a backend whose backward recomputes the weights from `q` and `k` may leave
   *   it unwritten (the core never reads it).
   * - With `dropout` > 0 (only when `capabilities.fusedAttentionDropout`), the weights are dropped as the
   *   `dropout` kernel drops the materialised `(batch, heads, tq, tk)` weights: element
   *   `((b·heads + h)·tq + i)·tk + j` kept when `uniformAt(seed, ·) ≥ dropout`, scaled by `1/(1 − dropout)`.
   * - Every element of the `out` view is written; elements of its storage outside the view are left alone.
   *   The `out` view must not overlap `q`, `k` or `v`.
   */
  attention?(inputs: AttentionInputs<S>, attrs: AttentionAttrs): void;
  /**
   * Optional backward of {@link Backend.attention}, with the same `attrs`: from `dout` (a view with the
   * layout of `out`) writes every element of the `dq`, `dk`, `dv` views (overwriting, not accumulating; the
   * three views must not overlap each other, and may be views into one storage, e.g. the gradient of a
   * packed projection). May recompute the weights from `lse`, or from `q` and `k`.
   */
  attentionBackward?(inputs: AttentionBackwardInputs<S>, attrs: AttentionAttrs): void;

  /** Releases everything the backend holds (workers, WebAssembly memory). Optional. */
  dispose?(): void;
}

/**
 * The names of the {@link CoreBackend} kernels, the ones every backend implements (17). Every other method of
 * {@link Backend} is optional.
 *
 * @example
 * ```ts
 * import { CORE_KERNELS } from '@lxmls/tensor';
 * console.log(CORE_KERNELS.length, CORE_KERNELS.includes('matmul'), CORE_KERNELS.includes('softmax' as never)); // → 17 true false
 * ```
 */
export const CORE_KERNELS = [
  'alloc',
  'free',
  'read',
  'write',
  'copy',
  'cast',
  'binary',
  'unary',
  'maskedFill',
  'matmul',
  'reduce',
  'gather',
  'scatterAdd',
  'permute',
  'slice',
  'sliceAssign',
  'dropout',
] as const satisfies readonly Exclude<keyof CoreBackend, 'name' | 'capabilities'>[];

/**
 * One 32-bit integer mixer round ("lowbias32", Chris Wellons): a bijection on `[0, 2³²)` with good avalanche.
 *
 * @param x - A 32-bit integer.
 * @returns The mixed value, in `[0, 2³²)`.
 * @example
 * ```ts
 * import { mix32 } from '@lxmls/tensor';
 * console.log(mix32(1) !== mix32(2), mix32(0)); // → true 0
 * ```
 */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/**
 * The counter-based uniform number every random kernel uses: `mix32(mix32(i) ^ seed) / 2³²`, in `[0, 1)`.
 *
 * Being a pure function of `(seed, i)`, it lets every backend (and every thread or GPU lane) produce exactly
 * the same dropout mask and samples without sharing a generator.
 *
 * @param seed - A 32-bit seed, drawn by the core from a {@link RandomGenerator}.
 * @param i - The element index.
 * @returns A number in `[0, 1)` with 32 random bits.
 * @example
 * ```ts
 * import { uniformAt } from '@lxmls/tensor';
 * console.log(uniformAt(42, 0) === uniformAt(42, 0), uniformAt(42, 0) < 1); // → true true
 * ```
 */
export function uniformAt(seed: number, i: number): number {
  return mix32((mix32(i >>> 0) ^ seed) >>> 0) / 4294967296;
}
