/**
 * The `webgpu` backend: the @lxmls/tensor kernel contract (docs/backend-contract.md) on one WebGPU device,
 * every kernel a WGSL compute shader written for it (`kernels/<family>.ts`). This class holds the memory and
 * one line per kernel, as the `js` and `wasm` backends do.
 *
 * Kernels are recorded into one command encoder and submitted only when a value is read (`read`,
 * `readAsync`), so a training step whose loss is read once is one submit. Ids and targets written from the
 * host are checked on the host copy this backend keeps of int32 tensors, so no check reads the GPU.
 */

import {
  type AdamWAttrs,
  type AdamWInputs,
  type AdamWMultiAttrs,
  type AdamWMultiInputs,
  type ArgmaxAttrs,
  type ArgmaxInputs,
  type AttentionAttrs,
  type AttentionBackwardInputs,
  type AttentionInputs,
  type Backend,
  type BackendCapabilities,
  type BinaryAttrs,
  type BinaryInputs,
  type CastAttrs,
  type ClipNormAttrs,
  type ClipNormInputs,
  type CrossEntropyAttrs,
  type CrossEntropyBackwardInputs,
  type CrossEntropyInputs,
  createJsBackend,
  type DropoutAttrs,
  type DType,
  type GatherAttrs,
  type GatherInputs,
  type GeluBackwardInputs,
  type LayerNormAttrs,
  type LayerNormBackwardInputs,
  type LayerNormInputs,
  type LinearAttrs,
  type LinearBackwardInputs,
  type LinearGeluInputs,
  type LinearInputs,
  type LinearResidualInputs,
  LxmlsTensorError,
  type MaskedFillAttrs,
  type MaskedFillInputs,
  type MatmulAttrs,
  type MatmulInputs,
  type MultinomialAttrs,
  type MultinomialInputs,
  type PermuteAttrs,
  type ReduceAttrs,
  type ScatterAddInputs,
  type SizeAttrs,
  type SliceAssignInputs,
  type SliceAttrs,
  type SoftmaxAttrs,
  type SoftmaxBackwardInputs,
  type TopkAttrs,
  type TopkInputs,
  type TypedArray,
  type UnaryAttrs,
  type UnaryInputs,
} from '@lxmls/tensor';
import type { GpuDevice } from './gpu-types.js';
import { attention, attentionBackward } from './kernels/attention.js';
import { argmax, multinomial, topk } from './kernels/choose.js';
import * as elementwise from './kernels/elementwise.js';
import { gather, scatterAdd } from './kernels/embedding.js';
import { linear, linearBackward, linearGelu, linearResidual, matmul } from './kernels/matmul.js';
import { layerNorm, layerNormBackward } from './kernels/norm.js';
import { adamw, adamwMulti, clipNorm } from './kernels/optim.js';
import * as shape from './kernels/shape.js';
import * as softmax from './kernels/softmax.js';
import { type GpuStorage, Runtime, type WebGpuCounters } from './runtime.js';

/** The `js` backend, for the host side of int32 kernels whose inputs have host copies. */
const HOST = createJsBackend();

/** Options of {@link WebGpuBackend}. */
export interface WebGpuBackendOptions {
  /**
   * Use the fused kernels (softmax, cross-entropy, layerNorm, GELU, linear, attention, AdamW). Default
   * true; false keeps the 17 core kernels only, so the ops compose the rest (the core path, for checking).
   */
  fused?: boolean;
  /** A name for the adapter, shown by tools (e.g. `google swiftshader`). */
  adapterName?: string;
  /**
   * Which kernels run: `tiled` (workgroup-memory tiling and tree reductions, for GPUs) or `simple` (one thread
   * per output or row, no barriers: for CPU implementations of WebGPU such as SwiftShader, which run a
   * workgroup with barriers as one coroutine per thread). Default `tiled`; `createWebGpuBackend` picks `simple`
   * for a CPU adapter.
   */
  kernels?: 'tiled' | 'simple';
}

/**
 * The @lxmls/tensor kernels on a WebGPU device (storage: {@link GpuStorage}). Create it with
 * `createWebGpuBackend()`, which finds the adapter and the device.
 *
 * @example
 * ```ts
 * import { WebGpuBackend } from '@lxmls/backend-webgpu';
 * console.log(typeof WebGpuBackend.prototype.matmul, WebGpuBackend.prototype.name); // → function undefined
 * ```
 */
export class WebGpuBackend implements Backend<GpuStorage> {
  readonly name = 'webgpu';
  readonly capabilities: BackendCapabilities;
  /** The adapter's name, for display (`vendor architecture`, or what `createWebGpuBackend` was told). */
  readonly adapterName: string;
  /** The kernel variant in use (see {@link WebGpuBackendOptions.kernels}). */
  readonly kernels: 'tiled' | 'simple';
  private readonly rt: Runtime;

  /**
   * @param device - A `GPUDevice` (from `adapter.requestDevice()`).
   * @param options - {@link WebGpuBackendOptions}.
   */
  constructor(device: unknown, options: WebGpuBackendOptions = {}) {
    this.rt = new Runtime(device as GpuDevice, options.kernels === 'simple');
    this.kernels = options.kernels ?? 'tiled';
    this.adapterName = options.adapterName ?? 'unknown adapter';
    const fused = options.fused ?? true;
    this.capabilities = {
      gradients: true,
      float16: false,
      async: true,
      fusedAttention: fused,
      fusedAttentionDropout: fused,
    };
    if (!fused) {
      // the core contract only: the ops compose every optional kernel
      for (const name of FUSED_KERNELS) (this as unknown as Record<string, unknown>)[name] = undefined;
    }
  }

  /**
   * What this backend has sent to the GPU so far: dispatches, submits, command encoders, reads (a copy;
   * subtract two to count a step).
   *
   * @returns A snapshot of the counters.
   */
  counters(): WebGpuCounters {
    return { ...this.rt.counters };
  }

  /**
   * Dispatches per kernel so far (cumulative), e.g. `{ 'matmul-simple-bias': 18, softmax: 3 }`: where a step's
   * dispatches go.
   *
   * @returns A fresh object, kernel name → dispatches.
   */
  dispatchesPerKernel(): Record<string, number> {
    return Object.fromEntries(this.rt.perKernel);
  }

  /** Submits what has been recorded (one command buffer), without waiting. */
  flush(): void {
    this.rt.flush();
  }

  /**
   * Submits what has been recorded and waits until the GPU has run it (for timing a step).
   *
   * @returns A promise resolved when the queue is idle.
   */
  sync(): Promise<void> {
    return this.rt.sync();
  }

  // ---- memory -------------------------------------------------------------------------------------------
  alloc(size: number, dtype: DType): GpuStorage {
    return this.rt.alloc(size, dtype);
  }
  allocUninit(size: number, dtype: DType): GpuStorage {
    return this.rt.alloc(size, dtype, true);
  }
  free(storage: GpuStorage): void {
    this.rt.free(storage);
  }
  /**
   * A synchronous read: only of int32 tensors whose values the backend knows on the host (written from the
   * host, or sliced from such); anything else throws `UNSUPPORTED`, since WebGPU can only read GPU memory
   * asynchronously (`await tensor.dataAsync()`).
   */
  read(storage: GpuStorage): TypedArray {
    if (storage.host !== null) return storage.host.slice();
    return this.rt.readSync(storage);
  }
  readAsync(storage: GpuStorage): Promise<TypedArray> {
    if (storage.host !== null) return Promise.resolve(storage.host.slice());
    return this.rt.readAsync(storage);
  }
  write(storage: GpuStorage, data: TypedArray): void {
    this.rt.write(storage, data);
    storage.host = storage.dtype === 'int32' ? Int32Array.from(data) : null;
  }
  copy({ x, out }: UnaryInputs<GpuStorage>, { size }: SizeAttrs): void {
    this.rt.copy(x, out, size);
    out.host = x.host?.slice() ?? null;
  }
  cast(inputs: UnaryInputs<GpuStorage>, attrs: CastAttrs): void {
    elementwise.cast(this.rt, inputs, attrs);
    if (attrs.to === 'int32' && inputs.x.dtype === 'int32') inputs.out.host = inputs.x.host?.slice() ?? null;
  }

  // ---- elementwise --------------------------------------------------------------------------------------
  binary(inputs: BinaryInputs<GpuStorage>, attrs: BinaryAttrs): void {
    elementwise.binary(this.rt, inputs, attrs);
  }
  unary(inputs: UnaryInputs<GpuStorage>, attrs: UnaryAttrs): void {
    elementwise.unary(this.rt, inputs, attrs);
  }
  maskedFill(inputs: MaskedFillInputs<GpuStorage>, attrs: MaskedFillAttrs): void {
    elementwise.maskedFill(this.rt, inputs, attrs);
  }

  // ---- linear algebra, reductions -----------------------------------------------------------------------
  matmul(inputs: MatmulInputs<GpuStorage>, attrs: MatmulAttrs): void {
    matmul(this.rt, inputs, attrs);
  }
  reduce(inputs: UnaryInputs<GpuStorage>, attrs: ReduceAttrs): void {
    shape.reduce(this.rt, inputs, attrs);
  }

  // ---- indexing and copies ------------------------------------------------------------------------------
  gather(inputs: GatherInputs<GpuStorage>, attrs: GatherAttrs): void {
    const ids = inputs.ids.host;
    if (ids !== null) checkIds(ids, attrs.numIds, attrs.numRows, 'gather');
    gather(this.rt, inputs, attrs);
  }
  scatterAdd(inputs: ScatterAddInputs<GpuStorage>, attrs: GatherAttrs): void {
    const ids = inputs.ids.host;
    if (ids !== null) checkIds(ids, attrs.numIds, attrs.numRows, 'scatterAdd');
    scatterAdd(this.rt, inputs, attrs);
  }
  permute(inputs: UnaryInputs<GpuStorage>, attrs: PermuteAttrs): void {
    shape.permute(this.rt, inputs, attrs);
    this.hostToo(inputs.x, inputs.out, (x, out) => HOST.permute({ x, out }, attrs));
  }
  slice(inputs: UnaryInputs<GpuStorage>, attrs: SliceAttrs): void {
    shape.slice(this.rt, inputs, attrs);
    this.hostToo(inputs.x, inputs.out, (x, out) => HOST.slice({ x, out }, attrs));
  }
  sliceAssign(inputs: SliceAssignInputs<GpuStorage>, attrs: SliceAttrs): void {
    const hadHost = inputs.out.host;
    shape.sliceAssign(this.rt, inputs, attrs);
    if (hadHost !== null && inputs.src.host !== null) {
      HOST.sliceAssign({ src: inputs.src.host, out: hadHost }, attrs);
      inputs.out.host = hadHost;
    }
  }

  /** Keeps an int32 result's host copy when its input has one (ids sliced into batches stay checkable). */
  private hostToo(x: GpuStorage, out: GpuStorage, run: (x: Int32Array, out: Int32Array) => void): void {
    if (x.dtype !== 'int32' || x.host === null || out.dtype !== 'int32') return;
    const host = new Int32Array(out.size);
    run(x.host, host);
    out.host = host;
  }

  // ---- randomness ---------------------------------------------------------------------------------------
  dropout(inputs: UnaryInputs<GpuStorage>, attrs: DropoutAttrs): void {
    elementwise.dropout(this.rt, inputs, attrs);
  }

  // ---- optional: choosing on the GPU (no read of the logits) ------------------------------------------------
  argmax(inputs: ArgmaxInputs<GpuStorage>, attrs: ArgmaxAttrs): void {
    argmax(this.rt, inputs, attrs);
  }
  topk(inputs: TopkInputs<GpuStorage>, attrs: TopkAttrs): void {
    topk(this.rt, inputs, attrs);
  }
  multinomial(inputs: MultinomialInputs<GpuStorage>, attrs: MultinomialAttrs): void {
    multinomial(this.rt, inputs, attrs);
  }

  // ---- optional fused kernels ---------------------------------------------------------------------------
  linear(inputs: LinearInputs<GpuStorage>, attrs: LinearAttrs): void {
    linear(this.rt, inputs, attrs);
  }
  linearBackward(inputs: LinearBackwardInputs<GpuStorage>, attrs: LinearAttrs): void {
    linearBackward(this.rt, inputs, attrs);
  }
  linearGelu(inputs: LinearGeluInputs<GpuStorage>, attrs: LinearAttrs): void {
    linearGelu(this.rt, inputs, attrs);
  }
  linearResidual(inputs: LinearResidualInputs<GpuStorage>, attrs: LinearAttrs): void {
    linearResidual(this.rt, inputs, attrs);
  }
  softmax(inputs: UnaryInputs<GpuStorage>, attrs: SoftmaxAttrs): void {
    softmax.softmax(this.rt, inputs, attrs, false);
  }
  logSoftmax(inputs: UnaryInputs<GpuStorage>, attrs: SoftmaxAttrs): void {
    softmax.softmax(this.rt, inputs, attrs, true);
  }
  softmaxBackward(inputs: SoftmaxBackwardInputs<GpuStorage>, attrs: SoftmaxAttrs): void {
    softmax.softmaxBackward(this.rt, inputs, attrs, false);
  }
  logSoftmaxBackward(inputs: SoftmaxBackwardInputs<GpuStorage>, attrs: SoftmaxAttrs): void {
    softmax.softmaxBackward(this.rt, inputs, attrs, true);
  }
  crossEntropy(inputs: CrossEntropyInputs<GpuStorage>, attrs: CrossEntropyAttrs): void {
    this.checkTargets(inputs.targets, attrs);
    softmax.crossEntropy(this.rt, inputs, attrs);
  }
  crossEntropyBackward(inputs: CrossEntropyBackwardInputs<GpuStorage>, attrs: CrossEntropyAttrs): void {
    this.checkTargets(inputs.targets, attrs);
    softmax.crossEntropyBackward(this.rt, inputs, attrs);
  }
  layerNorm(inputs: LayerNormInputs<GpuStorage>, attrs: LayerNormAttrs): void {
    layerNorm(this.rt, inputs, attrs);
  }
  layerNormBackward(inputs: LayerNormBackwardInputs<GpuStorage>, attrs: LayerNormAttrs): void {
    layerNormBackward(this.rt, inputs, attrs);
  }
  gelu(inputs: UnaryInputs<GpuStorage>, attrs: SizeAttrs): void {
    elementwise.gelu(this.rt, inputs, attrs);
  }
  geluBackward(inputs: GeluBackwardInputs<GpuStorage>, attrs: SizeAttrs): void {
    elementwise.geluBackward(this.rt, inputs, attrs);
  }
  adamw(inputs: AdamWInputs<GpuStorage>, attrs: AdamWAttrs): void {
    adamw(this.rt, inputs, attrs);
  }
  /**
   * Every parameter's AdamW step in one dispatch: the first call moves the parameters and moments into one
   * arena buffer each (their storages stay valid, now slots of the arena); the gradients are copied into one
   * buffer by buffer copies.
   */
  adamwMulti(inputs: AdamWMultiInputs<GpuStorage>, attrs: AdamWMultiAttrs): void {
    adamwMulti(this.rt, inputs, attrs);
  }
  /** The global-norm clip of one vector: norm, coefficient and scaling in one dispatch of one workgroup. */
  clipNorm(inputs: ClipNormInputs<GpuStorage>, attrs: ClipNormAttrs): void {
    clipNorm(this.rt, inputs, attrs);
  }
  attention(inputs: AttentionInputs<GpuStorage>, attrs: AttentionAttrs): void {
    attention(this.rt, inputs, attrs);
  }
  attentionBackward(inputs: AttentionBackwardInputs<GpuStorage>, attrs: AttentionAttrs): void {
    attentionBackward(this.rt, inputs, attrs);
  }

  /** The targets' host copy, when there is one, checked as the `js` backend checks them. */
  private checkTargets(targets: GpuStorage, { n, c, ignoreIndex }: CrossEntropyAttrs): void {
    const t = targets.host;
    if (t === null) {
      this.rt.flagsDirty = true;
      return;
    }
    for (let r = 0; r < n; r++) {
      const v = t[r]!;
      if (v !== ignoreIndex && (v < 0 || v >= c)) {
        throw new LxmlsTensorError('INVALID_ARGUMENT', `targets[${r}] is not a class index`, {
          fn: 'crossEntropy',
          argument: 'targets',
          expected: `an integer in [0, ${c}) or the ignore index ${ignoreIndex}`,
          received: String(v),
        });
      }
    }
  }

  /** Releases every buffer and the device. */
  dispose(): void {
    this.rt.dispose();
  }
}

/** Ids checked as the `js` backend checks them. */
function checkIds(ids: Int32Array, numIds: number, numRows: number, fn: string): void {
  for (let i = 0; i < numIds; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numRows) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', `ids[${i}] is out of range`, {
        fn,
        argument: 'ids',
        expected: `an integer in [0, ${numRows})`,
        received: String(id),
      });
    }
  }
}

/** The optional kernels this backend implements, which `{ fused: false }` leaves out. */
const FUSED_KERNELS = [
  'allocUninit',
  'linear',
  'linearBackward',
  'linearGelu',
  'linearResidual',
  'softmax',
  'logSoftmax',
  'softmaxBackward',
  'logSoftmaxBackward',
  'crossEntropy',
  'crossEntropyBackward',
  'layerNorm',
  'layerNormBackward',
  'gelu',
  'geluBackward',
  'adamw',
  'adamwMulti',
  'clipNorm',
  'attention',
  'attentionBackward',
] as const;
