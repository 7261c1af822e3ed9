/**
 * The `wasm` backend of @lxmls/tensor: every kernel of its `Backend` interface on the SIMD WebAssembly
 * kernels of this package, over one `WebAssembly.Memory`.
 *
 * Follows docs/backend-contract.md and the `js` reference backend (packages/tensor/src/backends/js.ts), which
 * defines each kernel. Storage is a {@link WasmStorage}: an allocation of the package's {@link Allocator}
 * (16-byte aligned, zero-filled on `alloc`, returned to the free list on `free`, so a tidy'd training loop
 * reuses the same blocks every step). Each kernel is one line here that calls its family file, named as the
 * method: `matmul` → src/wasm/matmul.ts → assembly/matmul.ts (the runtime they share is src/wasm/runtime.ts).
 * The hot kernels run in WebAssembly (assembly/*.ts): matmul in every
 * layout with batches and broadcast weights, broadcasting binary ops and unary ops, permute / slice /
 * sliceAssign as strided copies, sums over coalesced axes, softmax, layerNorm, GELU, cross-entropy, embedding
 * gather / scatter-add, AdamW, fused attention, maskedFill and dropout (the same counter-based hash as `js`,
 * so the same mask). The rare ones (argmax, topk, logSoftmax, int32 arithmetic and multinomial, which must
 * draw `uniformAt` exactly as `js` does) are TypeScript loops over Float32Array / Int32Array views of the same
 * memory (views are re-created after the memory grows).
 */

// the kernels' named inputs and attributes: K.MatmulInputs<S>, K.MatmulAttrs, …
import type * as K from '@lxmls/tensor';
import type { Backend, BackendCapabilities, DType, TypedArray } from '@lxmls/tensor';
import { registerBackend } from '@lxmls/tensor';
import type { Allocator } from './allocator.js';
import type { TeamStats } from './threads.js';
import * as attentionKernels from './wasm/attention.js';
import * as elementwiseKernels from './wasm/elementwise.js';
import * as embeddingKernels from './wasm/embedding.js';
import * as matmulKernels from './wasm/matmul.js';
import * as normKernels from './wasm/norm.js';
import * as optimKernels from './wasm/optim.js';
import * as randomKernels from './wasm/random.js';
import * as reduceKernels from './wasm/reduce.js';
import { type WasmBackendOptions, WasmRuntime, type WasmStorage } from './wasm/runtime.js';
import * as shapeKernels from './wasm/shape.js';
import * as softmaxKernels from './wasm/softmax.js';

export type { WasmBackendOptions } from './wasm/runtime.js';
export { WasmStorage } from './wasm/runtime.js';

/**
 * The `wasm` backend: the {@link Backend} interface of @lxmls/tensor on this package's SIMD kernels.
 * Create it with {@link createWasmBackend}.
 *
 * @example
 * ```ts
 * import { createWasmBackend } from '@lxmls/backend-wasm';
 * import { tensor, withBackend } from '@lxmls/tensor';
 * const wasm = createWasmBackend();
 * const y = withBackend(wasm, () => tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray());
 * console.log(y); // → [ [ 3 ], [ 7 ] ]
 * ```
 */
export class WasmBackend implements Backend<WasmStorage> {
  readonly name: string = 'wasm';
  readonly capabilities: BackendCapabilities = {
    gradients: true,
    float16: false,
    async: false,
    fusedAttention: true,
    fusedAttentionDropout: true,
  };
  /** The memory every storage lives in. */
  readonly memory: WebAssembly.Memory;
  /** True when the kernels are the relaxed-SIMD build (fused multiply-add), see `WasmBackendOptions.relaxedSimd`. */
  readonly relaxedSimd: boolean;
  /** The allocator of that memory: `allocator.bytesInUse` is what the live storages (and scratch) hold. */
  readonly allocator: Allocator;
  /** Threads that run the big matmuls (1 or 2), see `WasmBackendOptions.threads`. */
  readonly threads: number;
  /** The memory, the kernels, the worker thread and the scratch buffers every kernel family uses. */
  private readonly rt: WasmRuntime;

  /** Use {@link createWasmBackend}. */
  constructor(options: WasmBackendOptions = {}) {
    this.rt = new WasmRuntime(options);
    this.memory = this.rt.memory;
    this.relaxedSimd = this.rt.relaxedSimd;
    this.allocator = this.rt.allocator;
    this.threads = this.rt.threads;
  }

  /**
   * Parts of matmul calls that the worker thread has run (0 with one thread, or before the worker started):
   * a test and benchmark aid.
   */
  get workerParts(): number {
    return this.rt.team?.workerParts ?? 0;
  }
  /**
   * What the two threads have done (undefined with one thread): calls shared with the worker and run alone
   * (of which `crowded`: while other processes kept the cores busy), shared calls where the worker was late,
   * fallbacks to one thread, and the worker's parts (see
   * `WasmBackendOptions.adaptiveThreads`): a test and benchmark aid.
   */
  get threadStats(): TeamStats | undefined {
    return this.rt.team?.stats;
  }
  /** Stops the worker thread, if any (a later big matmul starts a new one); the memory is garbage collected. */
  dispose(): void {
    this.rt.team?.dispose();
  }

  // ---- memory -------------------------------------------------------------------------------------------

  alloc(size: number, dtype: DType): WasmStorage {
    return this.rt.alloc(size, dtype);
  }
  /**
   * Storage left as it is (no zero-fill): every kernel of this backend writes its whole output, so the core
   * uses this for outputs (see `Backend.allocUninit`). Saves writing ~30 MB of zeros per gpt-nano step.
   */
  allocUninit(size: number, dtype: DType): WasmStorage {
    return this.rt.allocUninit(size, dtype);
  }
  free(storage: WasmStorage): void {
    this.rt.free(storage);
  }
  read(storage: WasmStorage): TypedArray {
    return this.rt.read(storage);
  }
  write(storage: WasmStorage, data: TypedArray): void {
    this.rt.write(storage, data);
  }
  copy({ x, out }: K.UnaryInputs<WasmStorage>, { size }: K.SizeAttrs): void {
    this.rt.copy(x, out, size);
  }
  cast({ x, out }: K.UnaryInputs<WasmStorage>, { size, to }: K.CastAttrs): void {
    this.rt.cast(x, out, size, to);
  }

  // ---- elementwise ------------------------------------------------------------------------------
  binary(inputs: K.BinaryInputs<WasmStorage>, attrs: K.BinaryAttrs): void {
    elementwiseKernels.binary(this.rt, inputs, attrs);
  }
  unary(inputs: K.UnaryInputs<WasmStorage>, attrs: K.UnaryAttrs): void {
    elementwiseKernels.unary(this.rt, inputs, attrs);
  }

  // ---- linear algebra ---------------------------------------------------------------------------
  matmul(inputs: K.MatmulInputs<WasmStorage>, attrs: K.MatmulAttrs): void {
    matmulKernels.matmul(this.rt, inputs, attrs);
  }
  /**
   * `out = x · weightᵀ + bias` (a Linear layer, weight stored (out, in)): the matmul with the bias as the
   * start value of its sums, so the bias costs no extra pass over the output.
   */
  linear(inputs: K.LinearInputs<WasmStorage>, attrs: K.LinearAttrs): void {
    matmulKernels.linear(this.rt, inputs, attrs);
  }

  // ---- reductions -------------------------------------------------------------------------------
  reduce(inputs: K.UnaryInputs<WasmStorage>, attrs: K.ReduceAttrs): void {
    reduceKernels.reduce(this.rt, inputs, attrs);
  }
  argmax(inputs: K.ArgmaxInputs<WasmStorage>, attrs: K.ArgmaxAttrs): void {
    reduceKernels.argmax(this.rt, inputs, attrs);
  }
  topk(inputs: K.TopkInputs<WasmStorage>, attrs: K.TopkAttrs): void {
    reduceKernels.topk(this.rt, inputs, attrs);
  }

  // ---- softmax family ---------------------------------------------------------------------------
  softmax(inputs: K.UnaryInputs<WasmStorage>, attrs: K.SoftmaxAttrs): void {
    softmaxKernels.softmax(this.rt, inputs, attrs);
  }
  logSoftmax(inputs: K.UnaryInputs<WasmStorage>, attrs: K.SoftmaxAttrs): void {
    softmaxKernels.logSoftmax(this.rt, inputs, attrs);
  }
  softmaxBackward(inputs: K.SoftmaxBackwardInputs<WasmStorage>, attrs: K.SoftmaxAttrs): void {
    softmaxKernels.softmaxBackward(this.rt, inputs, attrs);
  }
  logSoftmaxBackward(inputs: K.SoftmaxBackwardInputs<WasmStorage>, attrs: K.SoftmaxAttrs): void {
    softmaxKernels.logSoftmaxBackward(this.rt, inputs, attrs);
  }
  crossEntropy(inputs: K.CrossEntropyInputs<WasmStorage>, attrs: K.CrossEntropyAttrs): void {
    softmaxKernels.crossEntropy(this.rt, inputs, attrs);
  }
  crossEntropyBackward(inputs: K.CrossEntropyBackwardInputs<WasmStorage>, attrs: K.CrossEntropyAttrs): void {
    softmaxKernels.crossEntropyBackward(this.rt, inputs, attrs);
  }

  // ---- normalisation and activations ------------------------------------------------------------
  layerNorm(inputs: K.LayerNormInputs<WasmStorage>, attrs: K.LayerNormAttrs): void {
    normKernels.layerNorm(this.rt, inputs, attrs);
  }
  layerNormBackward(inputs: K.LayerNormBackwardInputs<WasmStorage>, attrs: K.LayerNormAttrs): void {
    normKernels.layerNormBackward(this.rt, inputs, attrs);
  }
  gelu(inputs: K.UnaryInputs<WasmStorage>, attrs: K.SizeAttrs): void {
    elementwiseKernels.gelu(this.rt, inputs, attrs);
  }
  geluBackward(inputs: K.GeluBackwardInputs<WasmStorage>, attrs: K.SizeAttrs): void {
    elementwiseKernels.geluBackward(this.rt, inputs, attrs);
  }

  // ---- indexing ---------------------------------------------------------------------------------
  gather(inputs: K.GatherInputs<WasmStorage>, attrs: K.GatherAttrs): void {
    embeddingKernels.gather(this.rt, inputs, attrs);
  }
  scatterAdd(inputs: K.ScatterAddInputs<WasmStorage>, attrs: K.GatherAttrs): void {
    embeddingKernels.scatterAdd(this.rt, inputs, attrs);
  }
  maskedFill(inputs: K.MaskedFillInputs<WasmStorage>, attrs: K.MaskedFillAttrs): void {
    elementwiseKernels.maskedFill(this.rt, inputs, attrs);
  }
  permute(inputs: K.UnaryInputs<WasmStorage>, attrs: K.PermuteAttrs): void {
    shapeKernels.permute(this.rt, inputs, attrs);
  }
  slice(inputs: K.UnaryInputs<WasmStorage>, attrs: K.SliceAttrs): void {
    shapeKernels.slice(this.rt, inputs, attrs);
  }
  sliceAssign(inputs: K.SliceAssignInputs<WasmStorage>, attrs: K.SliceAttrs): void {
    shapeKernels.sliceAssign(this.rt, inputs, attrs);
  }

  // ---- randomness -------------------------------------------------------------------------------
  dropout(inputs: K.UnaryInputs<WasmStorage>, attrs: K.DropoutAttrs): void {
    randomKernels.dropout(this.rt, inputs, attrs);
  }
  multinomial(inputs: K.MultinomialInputs<WasmStorage>, attrs: K.MultinomialAttrs): void {
    randomKernels.multinomial(this.rt, inputs, attrs);
  }

  // ---- optimiser --------------------------------------------------------------------------------
  adamw(inputs: K.AdamWInputs<WasmStorage>, attrs: K.AdamWAttrs): void {
    optimKernels.adamw(this.rt, inputs, attrs);
  }

  // ---- fused attention --------------------------------------------------------------------------
  /**
   * Attention through strided views (docs/backend-contract.md): every matmul runs over batch × heads as
   * `outer × inner` with the views' strides and row strides, so the plain `(B·H, T, d)`, packed
   * `(B, T, 3C)` and split `(B, T, C)` layouts are read and written in place (no split, head transpose or
   * concat is copied). The weights `(batch, heads, tq, tk)` live in a temporary buffer; `lse` is not written
   * (the backward recomputes the weights from q and k, which saves a log per row).
   */
  attention(inputs: K.AttentionInputs<WasmStorage>, attrs: K.AttentionAttrs): void {
    attentionKernels.attention(this.rt, inputs, attrs);
  }
  /**
   * The backward of {@link WasmBackend.attention}: dq, dk, dv through their views from dout. With dropout,
   * dv = dropout(p)ᵀ dout and the weights' gradient dout vᵀ goes back through the same mask before the
   * softmax backward.
   */
  attentionBackward(inputs: K.AttentionBackwardInputs<WasmStorage>, attrs: K.AttentionAttrs): void {
    attentionKernels.attentionBackward(this.rt, inputs, attrs);
  }
}

/**
 * Creates the `wasm` backend: compiles the embedded SIMD module (synchronously, once per process) and
 * instantiates it over a new memory. Use it with `withBackend`, or register it with
 * {@link registerWasmBackend} (or `import '@lxmls/backend-wasm/register'`) to make it the default.
 *
 * @param options - Threads, memory sizes, relaxed SIMD.
 * @returns A new {@link WasmBackend}.
 * @throws {@link LxmlsBackendWasmError} `INVALID_ARGUMENT` for a thread count other than 1, 2 or 'auto', or
 *   memory pages out of range (checked before anything is compiled); `NO_SIMD` where WebAssembly SIMD is
 *   missing.
 * @example
 * ```ts
 * import { createWasmBackend } from '@lxmls/backend-wasm';
 * import { gelu, tensor, withBackend } from '@lxmls/tensor';
 * const wasm = createWasmBackend();
 * const y = withBackend(wasm, () => gelu(tensor([-1, 0, 2])).toArray(1));
 * console.log(y.map((v) => v.toFixed(4))); // → [ '-0.1588', '0.0000', '1.9546' ]
 * ```
 */
export function createWasmBackend(options: WasmBackendOptions = {}): WasmBackend {
  return new WasmBackend(options);
}

/**
 * Registers the `wasm` backend with @lxmls/tensor's registry under the name `wasm`, with a priority above
 * `js` (1), so every op runs on it unless `setBackend` chose another. Where WebAssembly SIMD is missing its
 * factory throws and `getBackend()` falls back to `js`. `import '@lxmls/backend-wasm/register'` does the same.
 *
 * @param priority - Registry priority (default 10; `js` has 1).
 * @param options - Memory sizes, passed to {@link createWasmBackend}.
 * @returns Nothing.
 * @example
 * ```ts
 * import { registerWasmBackend } from '@lxmls/backend-wasm';
 * import { getBackend, listBackends, setBackend } from '@lxmls/tensor';
 * registerWasmBackend();
 * await setBackend('wasm');
 * console.log(listBackends()[0], getBackend().name); // → wasm wasm
 * ```
 */
export function registerWasmBackend(priority = 10, options: WasmBackendOptions = {}): void {
  registerBackend('wasm', () => createWasmBackend(options), priority);
}
