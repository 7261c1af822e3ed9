/**
 * The JavaScript face of the SIMD kernels: {@link createWasmKernels} instantiates the embedded .wasm over a
 * fresh `WebAssembly.Memory` and returns {@link WasmKernels}, one typed method per kernel.
 *
 * Follows docs/wasm-kernels.md (the measured designs and the `wasm` backend). Buffers are
 * allocations in the kernels' memory (see {@link Allocator}); arguments are byte pointers plus sizes in
 * elements, in the order of the kernel's formula: inputs, then outputs, then sizes, then options. Every
 * call checks its sizes and that each pointer lies in a live allocation holding the floats its shape
 * needs, and throws a {@link LxmlsBackendWasmError} that names the kernel, the argument and the shape.
 * No `node:` import: the same code runs in Node and in browsers.
 *
 * Over 500 lines: the one boundary between JavaScript and the .wasm (every kernel's typed method with its size
 * and pointer checks), kept in one file so that the checks and the calling conventions stay uniform.
 */

import { Allocator } from './allocator.js';
import { expectSize, LxmlsBackendWasmError } from './errors.js';
import { KERNELS_RELAXED_WASM_BASE64 } from './generated/kernels-relaxed-wasm.js';
import { KERNELS_WASM_BASE64 } from './generated/kernels-wasm.js';
import { toSharedMemoryModule } from './shared-memory.js';

/**
 * A byte offset into the kernels' memory, as returned by {@link WasmKernels.alloc} (always 16-byte aligned).
 *
 * @example
 * ```ts
 * import { createWasmKernels, type Ptr } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const p: Ptr = k.alloc(3);
 * console.log(p % 16); // → 0
 * ```
 */
export type Ptr = number;

/**
 * Options of {@link createWasmKernels}.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels({ initialPages: 1 });
 * console.log(k.memory.buffer.byteLength); // → 65536
 * ```
 */
export interface WasmKernelsOptions {
  /** Initial size of the memory in 64 KiB pages (default 16, i.e. 1 MiB); it grows on demand. */
  initialPages?: number;
  /** Largest size of the memory in pages (default 65536, i.e. 4 GiB). */
  maximumPages?: number;
}

/**
 * Options of {@link WasmKernels.matmul}.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const q = k.upload([1, 2, 3, 4]); // (2 batches, 1, 2)
 * const key = k.upload([1, 1, 0, 1]); // (2 batches, 1, 2), used transposed
 * const att = k.alloc(2); // (2 batches, 1, 1)
 * k.matmul(q, key, att, 1, 2, 1, { batch: 2, transB: true }); // q·keyᵀ per batch
 * console.log(Array.from(k.f32(att, 2))); // → [ 3, 4 ]
 * ```
 */
export interface MatmulOptions {
  /** A is stored K×M and used transposed (Aᵀ·B). Default false. */
  transA?: boolean;
  /** B is stored N×K and used transposed (A·Bᵀ). Default false. */
  transB?: boolean;
  /**
   * Number of independent products in one call: a count, or `[outer, inner]` (e.g. `[B, nh]` for
   * attention heads) with two-level strides. Default 1.
   */
  batch?: number | [number, number];
  /**
   * Floats between consecutive A matrices: one stride, or `[outer, inner]` with a two-level batch
   * (default: packed, i.e. rows·lda per matrix and inner·that per outer step; 0 reuses one A).
   */
  strideA?: number | [number, number];
  /** Floats between consecutive B matrices, as {@link MatmulOptions.strideA}. */
  strideB?: number | [number, number];
  /** Floats between consecutive C matrices, as {@link MatmulOptions.strideA}. */
  strideC?: number | [number, number];
  /** Floats between stored rows of A (default its stored width: K, or M with transA). */
  lda?: number;
  /** Floats between stored rows of B (default its stored width: N, or K with transB). */
  ldb?: number;
  /** Floats between rows of C (default N). */
  ldc?: number;
  /** Add into C (beta = 1, for gradient accumulation) instead of overwriting it. Default false. */
  accumulate?: boolean;
}

/**
 * Options of {@link WasmKernels.adamw}: torch.optim.AdamW's, with its defaults.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const [p, g, m, v] = [k.upload([1]), k.upload([0.5]), k.upload([0]), k.upload([0])];
 * k.adamw(p, g, m, v, 1, { lr: 0.1, weightDecay: 0, step: 1 }); // the first step moves p by lr
 * console.log(k.f32(p, 1)[0]!.toFixed(4)); // → 0.9000
 * ```
 */
export interface AdamWOptions {
  /** Learning rate (default 1e-3). */
  lr?: number;
  /** β1 (default 0.9). */
  beta1?: number;
  /** β2 (default 0.999). */
  beta2?: number;
  /** ε (default 1e-8). */
  eps?: number;
  /** Decoupled weight decay (default 0.01). */
  weightDecay?: number;
  /** The step number t ≥ 1, counting this update (for the bias corrections). */
  step: number;
}

/**
 * What {@link WasmKernels.crossEntropyForward} returns.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const logits = k.upload([0, 0, 5, 1]); // (2 rows, 2 classes)
 * const targets = k.alloc(2);
 * k.i32(targets, 2).set([1, -1]); // the second row is ignored
 * const r = k.crossEntropyForward(logits, targets, k.alloc(4), 2, 2);
 * console.log(r.count, r.loss.toFixed(4)); // → 1 0.6931
 * ```
 */
export interface CrossEntropyResult {
  /** Σ of −log p[target] over the rows whose target is not −1. */
  lossSum: number;
  /** Number of rows whose target is not −1. */
  count: number;
  /** lossSum / count (PyTorch's mean reduction); NaN when count is 0, as in PyTorch. */
  loss: number;
}

/** @internal The exports of the .wasm (see assembly/*.ts for each formula); used by src/wasm/runtime.ts and the kernel families. */
export interface KernelExports {
  heapBase(): number;
  matmul(...args: number[]): void;
  /** `matmul`'s arguments, then scratchBytes, part, parts: one part of the call (assembly/parts.ts). */
  matmulPart(...args: number[]): void;
  /** The other kernels' parts (assembly/parts.ts): the kernel's arguments, then part, parts. */
  dropoutPart(...args: number[]): void;
  geluFastPart(...args: number[]): void;
  geluBackwardFromYPart(...args: number[]): void;
  scaledSoftmaxPart(...args: number[]): void;
  softmaxBackwardScaledPart(...args: number[]): void;
  binary4Part(...args: number[]): void;
  colSumPart(...args: number[]): void;
  layerNormForwardPart(...args: number[]): void;
  gemvNKPart(...args: number[]): void;
  gemvKNPart(...args: number[]): void;
  add(a: number, b: number, out: number, n: number): void;
  mul(a: number, b: number, out: number, n: number): void;
  rowBroadcast(x: number, row: number, out: number, rows: number, cols: number, op: number): void;
  colSum(x: number, out: number, rows: number, cols: number, accumulate: number): void;
  layerNormForward(...args: number[]): void;
  layerNormBackward(...args: number[]): void;
  geluForward(x: number, y: number, n: number): void;
  geluBackward(x: number, dy: number, dx: number, n: number, accumulate: number): void;
  softmax(x: number, y: number, rows: number, cols: number, queryLen: number): void;
  softmaxBackward(y: number, dy: number, dx: number, rows: number, cols: number, accumulate: number): void;
  crossEntropyForward(...args: number[]): void;
  crossEntropyBackward(...args: number[]): void;
  adamw(...args: number[]): void;
  strided4(...args: number[]): void;
  binary4(...args: number[]): void;
  unary(op: number, x: number, out: number, n: number): void;
  rowReduce(x: number, out: number, rows: number, cols: number, op: number): void;
  gather(table: number, ids: number, out: number, numIds: number, dim: number): void;
  scatterAdd(dy: number, ids: number, dtable: number, numIds: number, dim: number): void;
  scaledSoftmax(...args: number[]): void;
  softmaxBackwardScaled(p: number, dp: number, ds: number, rows: number, cols: number, scale: number): void;
  geluFast(x: number, y: number, n: number): void;
  geluBackwardFast(x: number, dy: number, dx: number, n: number): void;
  geluBackwardFromY(x: number, y: number, dy: number, dx: number, n: number): void;
  gemvKN(a: number, b: number, y: number, k: number, n: number, ldb: number): void;
  gemvNK(a: number, b: number, y: number, k: number, n: number, ldb: number, bias: number): void;
  dropout(x: number, out: number, n: number, threshold: number, scale: number, seed: number): void;
  maskedFill4(...args: number[]): void;
}
type Exports = KernelExports;

/**
 * The SIMD kernels over one WebAssembly memory. Create with {@link createWasmKernels}.
 *
 * Pointers are byte offsets of allocations made with {@link WasmKernels.alloc} (or inside them, 4-byte
 * aligned). All matrices are row-major float32; targets are int32. Outputs may not overlap inputs unless
 * the kernel says so (the elementwise ones allow `out` to be an input).
 *
 * @example
 * ```ts
 * import { createWasmKernels } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const scores = k.upload([1, 2, 3, 4]); // (T=2, T=2) attention scores
 * const att = k.alloc(4);
 * k.softmaxCausal(scores, att, 2, 2); // query 0 sees key 0 only
 * console.log(Array.from(k.f32(att, 4), (p) => p.toFixed(4))); // → [ '1.0000', '0.0000', '0.2689', '0.7311' ]
 * ```
 */
export interface WasmKernels {
  /** The memory every pointer refers to. It grows on demand: re-create views after `alloc`. */
  readonly memory: WebAssembly.Memory;
  /** The allocator behind {@link WasmKernels.alloc} and {@link WasmKernels.free}. */
  readonly allocator: Allocator;
  /** Allocates `floats` float32 (or int32) slots, 16-byte aligned, uninitialised; returns the pointer. */
  alloc(floats: number): Ptr;
  /** Frees an allocation. */
  free(ptr: Ptr): void;
  /** Allocates and fills a buffer with a copy of `data`. */
  upload(data: ArrayLike<number>): Ptr;
  /** A fresh Float32Array view of `len` floats at `ptr` (valid until the memory grows). */
  f32(ptr: Ptr, len: number): Float32Array;
  /** A fresh Int32Array view of `len` ints at `ptr` (valid until the memory grows). */
  i32(ptr: Ptr, len: number): Int32Array;
  /** C (M×N) = op(A)·op(B), or += with `accumulate`; batched with `batch`. See {@link MatmulOptions}. */
  matmul(a: Ptr, b: Ptr, c: Ptr, m: number, k: number, n: number, options?: MatmulOptions): void;
  /** out = a + b, n elements. */
  add(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  /** out = a · b, n elements. */
  mul(a: Ptr, b: Ptr, out: Ptr, n: number): void;
  /** out[r, j] = x[r, j] + row[j] (bias add), rows × cols. */
  addRow(x: Ptr, row: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[r, j] = x[r, j] · row[j], rows × cols. */
  mulRow(x: Ptr, row: Ptr, out: Ptr, rows: number, cols: number): void;
  /** out[j] = Σ_r x[r, j] (bias gradient), or += with `accumulate`. */
  colSum(x: Ptr, out: Ptr, rows: number, cols: number, accumulate?: boolean): void;
  /** nn.LayerNorm forward over the last axis: y, and the per-row mean and rstd = 1/√(var + eps). */
  layerNormForward(
    x: Ptr,
    gamma: Ptr,
    beta: Ptr,
    y: Ptr,
    mean: Ptr,
    rstd: Ptr,
    rows: number,
    cols: number,
    eps?: number,
  ): void;
  /** LayerNorm backward from the saved mean/rstd: dx, and dgamma/dbeta (summed over rows; += with `accumulate`). */
  layerNormBackward(
    dy: Ptr,
    x: Ptr,
    gamma: Ptr,
    mean: Ptr,
    rstd: Ptr,
    dx: Ptr,
    dgamma: Ptr,
    dbeta: Ptr,
    rows: number,
    cols: number,
    accumulate?: boolean,
  ): void;
  /** NewGELU: y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), n elements. */
  geluForward(x: Ptr, y: Ptr, n: number): void;
  /** dx = dy · GELU′(x) (or += with `accumulate`), n elements. */
  geluBackward(x: Ptr, dy: Ptr, dx: Ptr, n: number, accumulate?: boolean): void;
  /** Softmax over the last axis of rows × cols. */
  softmax(x: Ptr, y: Ptr, rows: number, cols: number): void;
  /**
   * Causal softmax: row r is query t = r mod queryLen and sees columns j ≤ t + cols − queryLen (others get 0).
   * queryLen defaults to cols (square attention scores, (B·nh·T) × T).
   */
  softmaxCausal(x: Ptr, y: Ptr, rows: number, cols: number, queryLen?: number): void;
  /** dx = y·(dy − Σ dy·y) per row, from the softmax output y (or += with `accumulate`). */
  softmaxBackward(y: Ptr, dy: Ptr, dx: Ptr, rows: number, cols: number, accumulate?: boolean): void;
  /** F.cross_entropy(logits, targets, ignore_index = −1): writes probs, returns loss sum, count and mean. */
  crossEntropyForward(logits: Ptr, targets: Ptr, probs: Ptr, rows: number, cols: number): CrossEntropyResult;
  /** dlogits = (probs − onehot(targets)) · gradLoss / count; ignored rows get 0. */
  crossEntropyBackward(
    probs: Ptr,
    targets: Ptr,
    dlogits: Ptr,
    rows: number,
    cols: number,
    count: number,
    gradLoss?: number,
  ): void;
  /** One torch.optim.AdamW step in place on p, m, v (n floats each) from the gradient g. */
  adamw(p: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, options: AdamWOptions): void;
}

// The smallest module with a SIMD instruction (i8x16.splat, i8x16.popcnt), as in wasm-feature-detect.
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98,
  11,
]);

/**
 * True when this JavaScript engine runs WebAssembly SIMD128 (Node ≥ 16.4, every current browser).
 *
 * @example
 * ```ts
 * import { hasWasmSimd } from '@lxmls/backend-wasm';
 * console.log(hasWasmSimd()); // → true
 * ```
 */
export function hasWasmSimd(): boolean {
  return typeof WebAssembly === 'object' && WebAssembly.validate(SIMD_PROBE);
}

/** Decodes base64 with `atob` (available in Node ≥ 16 and browsers). */
function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

let relaxedBytes: Uint8Array<ArrayBuffer> | undefined;

/**
 * True when this engine accepts the relaxed-SIMD build of the kernels (fused multiply-add in the matmul):
 * Chrome ≥ 114, Node ≥ 22, or Node 20 started with `--experimental-wasm-relaxed-simd`. Checked with
 * `WebAssembly.validate` on the module itself each call (cheap), so a flag set at run time is seen.
 *
 * @example
 * ```ts
 * import { hasWasmRelaxedSimd } from '@lxmls/backend-wasm';
 * console.log(typeof hasWasmRelaxedSimd()); // → boolean
 * ```
 */
export function hasWasmRelaxedSimd(): boolean {
  if (!hasWasmSimd()) return false;
  relaxedBytes ??= decode(KERNELS_RELAXED_WASM_BASE64);
  return WebAssembly.validate(relaxedBytes);
}

/** The embedded .wasm bytes: the relaxed-SIMD build where the engine runs it (and `relaxed` allows), else the plain one. */
function kernelBytes(relaxed = true): Uint8Array<ArrayBuffer> {
  if (relaxed && hasWasmRelaxedSimd()) return relaxedBytes!;
  return decode(KERNELS_WASM_BASE64);
}

function requireSimd(fn: string): void {
  if (hasWasmSimd()) return;
  throw new LxmlsBackendWasmError('NO_SIMD', 'this JavaScript engine does not run WebAssembly SIMD', {
    fn,
    expected: 'WebAssembly with SIMD128 (Node ≥ 16.4, Chrome ≥ 91, Firefox ≥ 89, Safari ≥ 16.4)',
    received:
      typeof WebAssembly === 'object'
        ? 'WebAssembly without SIMD'
        : 'no WebAssembly at all; use the js backend instead',
  });
}

function makeMemory(fn: string, options: WasmKernelsOptions): WebAssembly.Memory {
  const initial = options.initialPages ?? 16;
  const maximum = options.maximumPages ?? 65536;
  expectSize(initial, fn, 'options.initialPages');
  expectSize(maximum, fn, 'options.maximumPages');
  if (initial < 1 || maximum < initial || maximum > 65536) {
    throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'memory pages out of range', {
      fn,
      argument: 'options',
      expected: '1 ≤ initialPages ≤ maximumPages ≤ 65536',
      received: `initialPages ${initial}, maximumPages ${maximum}`,
    });
  }
  return new WebAssembly.Memory({ initial, maximum });
}

let cachedModule: WebAssembly.Module | undefined; // createWasmKernels*
/** The backend's compiled modules: plain or relaxed SIMD, each with a private or a shared memory import. */
const cachedModules = new Map<string, WebAssembly.Module>();

/**
 * Compiles (once per process) and instantiates the SIMD kernels over a new memory.
 * Throws `NO_SIMD` where WebAssembly SIMD is missing. Use {@link createWasmKernelsSync} in a worker or Node
 * when a promise is in the way.
 *
 * @example
 * ```ts
 * import { createWasmKernels } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const a = k.upload([1, 2, 3, 4, 5, 6]); // (2, 3)
 * const b = k.upload([1, 0, 0, 1, 1, 1]); // (3, 2)
 * const c = k.alloc(4); // (2, 2)
 * k.matmul(a, b, c, 2, 3, 2);
 * console.log(Array.from(k.f32(c, 4))); // → [ 4, 5, 10, 11 ]
 * ```
 */
export async function createWasmKernels(options: WasmKernelsOptions = {}): Promise<WasmKernels> {
  requireSimd('createWasmKernels');
  const memory = makeMemory('createWasmKernels', options);
  cachedModule ??= await WebAssembly.compile(kernelBytes());
  const instance = await WebAssembly.instantiate(cachedModule, { env: { memory } });
  return wrap(instance.exports as unknown as Exports, memory);
}

/**
 * Synchronous {@link createWasmKernels}: compiles with `new WebAssembly.Module`, which browsers allow only
 * in workers for modules of this size; fine in Node.
 *
 * @example
 * ```ts
 * import { createWasmKernelsSync } from '@lxmls/backend-wasm';
 * const k = createWasmKernelsSync();
 * const x = k.upload([-1, 0, 2]);
 * k.geluForward(x, x, 3);
 * console.log(Array.from(k.f32(x, 3), (v) => v.toFixed(4))); // → [ '-0.1588', '0.0000', '1.9546' ]
 * ```
 */
export function createWasmKernelsSync(options: WasmKernelsOptions = {}): WasmKernels {
  requireSimd('createWasmKernelsSync');
  const memory = makeMemory('createWasmKernelsSync', options);
  cachedModule ??= new WebAssembly.Module(kernelBytes());
  const instance = new WebAssembly.Instance(cachedModule, { env: { memory } });
  return wrap(instance.exports as unknown as Exports, memory);
}

/**
 * @internal The compiled module (for src/wasm/runtime.ts), compiled synchronously once per process and build:
 * the relaxed-SIMD build when `relaxed` and the engine accepts it, else the plain one. Throws `NO_SIMD`
 * where WebAssembly SIMD is missing.
 */
export function kernelModuleSync(
  fn: string,
  relaxed = true,
  shared = false,
): { module: WebAssembly.Module; relaxed: boolean } {
  requireSimd(fn);
  const useRelaxed = relaxed && hasWasmRelaxedSimd();
  const key = `${useRelaxed ? 'relaxed' : 'plain'}${shared ? '-shared' : ''}`;
  let module = cachedModules.get(key);
  if (!module) {
    const bytes = useRelaxed ? relaxedBytes! : decode(KERNELS_WASM_BASE64);
    module = new WebAssembly.Module(shared ? toSharedMemoryModule(bytes) : bytes);
    cachedModules.set(key, module);
  }
  return { module, relaxed: useRelaxed };
}

function wrap(w: Exports, memory: WebAssembly.Memory): WasmKernels {
  const heap = new Allocator(memory, w.heapBase());
  let scratch = heap.alloc(16 * 64 * 4); // packed B panel: 16·K floats
  let scratchFloats = 16 * 64;
  const ceOut = heap.alloc(16); // two f64 written by crossEntropyForward

  /** Throws OUT_OF_BOUNDS unless [ptr, ptr + 4·floats) is inside one live allocation. */
  const span = (fn: string, argument: string, ptr: Ptr, floats: number, shape: string): void => {
    if (floats === 0) return;
    if (typeof ptr !== 'number' || !Number.isInteger(ptr) || ptr % 4 !== 0) {
      throw new LxmlsBackendWasmError('INVALID_ARGUMENT', `${argument} is not a pointer`, {
        fn,
        argument,
        expected: 'a 4-byte aligned pointer from alloc',
        received: String(ptr),
      });
    }
    const block = heap.find(ptr);
    if (block === undefined) {
      throw new LxmlsBackendWasmError('OUT_OF_BOUNDS', `${argument} is not inside a live allocation`, {
        fn,
        argument,
        expected: `a pointer to ${shape} (${floats} floats) from alloc`,
        received: `pointer ${ptr}`,
      });
    }
    const have = (block[0] + block[1] - ptr) / 4;
    if (have < floats) {
      throw new LxmlsBackendWasmError('OUT_OF_BOUNDS', `${argument} is too small for ${shape}`, {
        fn,
        argument,
        expected: `${floats} floats`,
        received: `${have} floats from pointer ${ptr} to the end of its allocation`,
      });
    }
  };
  const sizes = (fn: string, values: Record<string, number>): void => {
    for (const [name, value] of Object.entries(values)) expectSize(value, fn, name);
  };
  const flag = (value: boolean | undefined): number => (value ? 1 : 0);
  const finite = (fn: string, argument: string, value: number): void => {
    if (typeof value === 'number' && Number.isFinite(value)) return;
    throw new LxmlsBackendWasmError('INVALID_ARGUMENT', `${argument} must be a finite number`, {
      fn,
      argument,
      expected: 'a finite number',
      received: String(value),
    });
  };
  const checkTargets = (fn: string, targets: Ptr, rows: number, cols: number): void => {
    span(fn, 'targets', targets, rows, `targets (${rows})`);
    const t = new Int32Array(memory.buffer, targets, rows);
    for (let r = 0; r < rows; r++) {
      const v = t[r]!;
      if (v === -1 || (v >= 0 && v < cols)) continue;
      throw new LxmlsBackendWasmError('INVALID_TARGET', `targets[${r}] is out of range`, {
        fn,
        argument: 'targets',
        expected: `-1 (ignored) or a class in [0, ${cols})`,
        received: String(v),
      });
    }
  };
  const elementwise = (fn: string, a: Ptr, b: Ptr, out: Ptr, n: number): void => {
    sizes(fn, { n });
    span(fn, 'a', a, n, `(${n})`);
    span(fn, 'b', b, n, `(${n})`);
    span(fn, 'out', out, n, `(${n})`);
  };
  const rowwise = (fn: string, x: Ptr, row: Ptr, out: Ptr, rows: number, cols: number): void => {
    sizes(fn, { rows, cols });
    span(fn, 'x', x, rows * cols, `x (${rows}×${cols})`);
    span(fn, 'row', row, cols, `row (${cols})`);
    span(fn, 'out', out, rows * cols, `out (${rows}×${cols})`);
  };

  return {
    memory,
    allocator: heap,
    alloc(floats) {
      expectSize(floats, 'alloc', 'floats');
      return heap.alloc(floats * 4);
    },
    free(ptr) {
      heap.free(ptr);
    },
    upload(data) {
      const ptr = heap.alloc(data.length * 4);
      new Float32Array(memory.buffer, ptr, data.length).set(data);
      return ptr;
    },
    f32(ptr, len) {
      span('f32', 'ptr', ptr, len, `(${len})`);
      return new Float32Array(memory.buffer, ptr, len);
    },
    i32(ptr, len) {
      span('i32', 'ptr', ptr, len, `(${len})`);
      return new Int32Array(memory.buffer, ptr, len);
    },
    matmul(a, b, c, m, k, n, options = {}) {
      const fn = 'matmul';
      sizes(fn, { m, k, n });
      const ta = options.transA === true;
      const tb = options.transB === true;
      const [outer, inner] = Array.isArray(options.batch) ? options.batch : [options.batch ?? 1, 1];
      sizes(fn, { 'options.batch': outer, 'options.batch[1]': inner });
      // Stored shapes (rows × width) of A, B and C.
      const [rA, wA] = ta ? [k, m] : [m, k];
      const [rB, wB] = tb ? [n, k] : [k, n];
      const lda = options.lda ?? wA;
      const ldb = options.ldb ?? wB;
      const ldc = options.ldc ?? n;
      sizes(fn, { 'options.lda': lda, 'options.ldb': ldb, 'options.ldc': ldc });
      for (const [name, ld, width] of [
        ['lda', lda, wA],
        ['ldb', ldb, wB],
        ['ldc', ldc, n],
      ] as const) {
        if (ld < width) {
          throw new LxmlsBackendWasmError('INVALID_ARGUMENT', `options.${name} is smaller than a row`, {
            fn,
            argument: `options.${name}`,
            expected: `at least ${width}`,
            received: String(ld),
          });
        }
      }
      const strides = (value: number | [number, number] | undefined, matrix: number, name: string) => {
        const [so, si] = Array.isArray(value)
          ? value
          : value === undefined
            ? [matrix * inner, matrix]
            : inner === 1
              ? [value, 0]
              : [value * inner, value];
        sizes(fn, { [`options.${name}`]: so, [`options.${name}[1]`]: si });
        return [so, si] as const;
      };
      const [sAo, sAi] = strides(options.strideA, rA * lda, 'strideA');
      const [sBo, sBi] = strides(options.strideB, rB * ldb, 'strideB');
      const [sCo, sCi] = strides(options.strideC, m * ldc, 'strideC');
      // Floats from the pointer to one past the last element read or written.
      const extent = (rows: number, width: number, ld: number, so: number, si: number) =>
        rows === 0 || width === 0 ? 0 : (outer - 1) * so + (inner - 1) * si + (rows - 1) * ld + width;
      const count = outer * inner;
      if (count > 0) {
        const pre = count === 1 ? '' : `${Array.isArray(options.batch) ? `${outer}×${inner}` : count} × `;
        const of = (rows: number, width: number, ld: number, t: boolean) =>
          `${rows}×${width}${t ? ', transposed' : ''}${ld !== width ? `, ld ${ld}` : ''}`;
        span(fn, 'a', a, extent(rA, wA, lda, sAo, sAi), `A (${pre}${of(rA, wA, lda, ta)})`);
        span(fn, 'b', b, extent(rB, wB, ldb, sBo, sBi), `B (${pre}${of(rB, wB, ldb, tb)})`);
        span(fn, 'c', c, extent(m, n, ldc, sCo, sCi), `C (${pre}${of(m, n, ldc, false)})`);
      }
      if (count === 0 || m === 0 || n === 0) return;
      if (16 * k + 16 > scratchFloats) {
        heap.free(scratch);
        scratchFloats = 16 * k + 16; // the packed B panel and its bias row
        scratch = heap.alloc(scratchFloats * 4);
      }
      w.matmul(
        a,
        b,
        c,
        m,
        k,
        n,
        +ta,
        +tb,
        lda,
        ldb,
        ldc,
        outer,
        sAo,
        sBo,
        sCo,
        inner,
        sAi,
        sBi,
        sCi,
        flag(options.accumulate),
        scratch,
        0, // no bias
      );
    },
    add(a, b, out, n) {
      elementwise('add', a, b, out, n);
      w.add(a, b, out, n);
    },
    mul(a, b, out, n) {
      elementwise('mul', a, b, out, n);
      w.mul(a, b, out, n);
    },
    addRow(x, row, out, rows, cols) {
      rowwise('addRow', x, row, out, rows, cols);
      w.rowBroadcast(x, row, out, rows, cols, 0);
    },
    mulRow(x, row, out, rows, cols) {
      rowwise('mulRow', x, row, out, rows, cols);
      w.rowBroadcast(x, row, out, rows, cols, 1);
    },
    colSum(x, out, rows, cols, accumulate) {
      const fn = 'colSum';
      sizes(fn, { rows, cols });
      span(fn, 'x', x, rows * cols, `x (${rows}×${cols})`);
      span(fn, 'out', out, cols, `out (${cols})`);
      w.colSum(x, out, rows, cols, flag(accumulate));
    },
    layerNormForward(x, gamma, beta, y, mean, rstd, rows, cols, eps = 1e-5) {
      const fn = 'layerNormForward';
      sizes(fn, { rows, cols });
      finite(fn, 'eps', eps);
      const shape = `(${rows}×${cols})`;
      span(fn, 'x', x, rows * cols, `x ${shape}`);
      span(fn, 'gamma', gamma, cols, `gamma (${cols})`);
      span(fn, 'beta', beta, cols, `beta (${cols})`);
      span(fn, 'y', y, rows * cols, `y ${shape}`);
      span(fn, 'mean', mean, rows, `mean (${rows})`);
      span(fn, 'rstd', rstd, rows, `rstd (${rows})`);
      if (cols === 0) return;
      w.layerNormForward(x, gamma, beta, y, mean, rstd, rows, cols, eps);
    },
    layerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols, accumulate) {
      const fn = 'layerNormBackward';
      sizes(fn, { rows, cols });
      const shape = `(${rows}×${cols})`;
      span(fn, 'dy', dy, rows * cols, `dy ${shape}`);
      span(fn, 'x', x, rows * cols, `x ${shape}`);
      span(fn, 'gamma', gamma, cols, `gamma (${cols})`);
      span(fn, 'mean', mean, rows, `mean (${rows})`);
      span(fn, 'rstd', rstd, rows, `rstd (${rows})`);
      span(fn, 'dx', dx, rows * cols, `dx ${shape}`);
      span(fn, 'dgamma', dgamma, cols, `dgamma (${cols})`);
      span(fn, 'dbeta', dbeta, cols, `dbeta (${cols})`);
      w.layerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols, flag(accumulate));
    },
    geluForward(x, y, n) {
      sizes('geluForward', { n });
      span('geluForward', 'x', x, n, `x (${n})`);
      span('geluForward', 'y', y, n, `y (${n})`);
      w.geluForward(x, y, n);
    },
    geluBackward(x, dy, dx, n, accumulate) {
      const fn = 'geluBackward';
      sizes(fn, { n });
      span(fn, 'x', x, n, `x (${n})`);
      span(fn, 'dy', dy, n, `dy (${n})`);
      span(fn, 'dx', dx, n, `dx (${n})`);
      w.geluBackward(x, dy, dx, n, flag(accumulate));
    },
    softmax(x, y, rows, cols) {
      sizes('softmax', { rows, cols });
      span('softmax', 'x', x, rows * cols, `x (${rows}×${cols})`);
      span('softmax', 'y', y, rows * cols, `y (${rows}×${cols})`);
      w.softmax(x, y, rows, cols, 0);
    },
    softmaxCausal(x, y, rows, cols, queryLen = cols) {
      const fn = 'softmaxCausal';
      sizes(fn, { rows, cols, queryLen });
      if (queryLen === 0 && rows > 0) {
        throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'queryLen must be positive', {
          fn,
          argument: 'queryLen',
          expected: 'a positive number of queries per attention matrix',
          received: '0',
        });
      }
      span(fn, 'x', x, rows * cols, `x (${rows}×${cols})`);
      span(fn, 'y', y, rows * cols, `y (${rows}×${cols})`);
      w.softmax(x, y, rows, cols, queryLen);
    },
    softmaxBackward(y, dy, dx, rows, cols, accumulate) {
      const fn = 'softmaxBackward';
      sizes(fn, { rows, cols });
      const shape = `(${rows}×${cols})`;
      span(fn, 'y', y, rows * cols, `y ${shape}`);
      span(fn, 'dy', dy, rows * cols, `dy ${shape}`);
      span(fn, 'dx', dx, rows * cols, `dx ${shape}`);
      w.softmaxBackward(y, dy, dx, rows, cols, flag(accumulate));
    },
    crossEntropyForward(logits, targets, probs, rows, cols) {
      const fn = 'crossEntropyForward';
      sizes(fn, { rows, cols });
      if (cols === 0 && rows > 0) {
        throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'logits have no classes', {
          fn,
          argument: 'cols',
          expected: 'at least one class',
          received: '0',
        });
      }
      span(fn, 'logits', logits, rows * cols, `logits (${rows}×${cols})`);
      span(fn, 'probs', probs, rows * cols, `probs (${rows}×${cols})`);
      checkTargets(fn, targets, rows, cols);
      w.crossEntropyForward(logits, targets, probs, ceOut, rows, cols);
      const out = new Float64Array(memory.buffer, ceOut, 2);
      const lossSum = out[0]!;
      const count = out[1]!;
      return { lossSum, count, loss: lossSum / count };
    },
    crossEntropyBackward(probs, targets, dlogits, rows, cols, count, gradLoss = 1) {
      const fn = 'crossEntropyBackward';
      sizes(fn, { rows, cols, count });
      finite(fn, 'gradLoss', gradLoss);
      span(fn, 'probs', probs, rows * cols, `probs (${rows}×${cols})`);
      span(fn, 'dlogits', dlogits, rows * cols, `dlogits (${rows}×${cols})`);
      checkTargets(fn, targets, rows, cols);
      w.crossEntropyBackward(probs, targets, dlogits, rows, cols, count === 0 ? 0 : gradLoss / count);
    },
    adamw(p, g, m, v, n, options) {
      const fn = 'adamw';
      sizes(fn, { n });
      const { lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01, step } = options;
      for (const [name, value] of Object.entries({ lr, beta1, beta2, eps, weightDecay })) {
        finite(fn, `options.${name}`, value);
      }
      if (!Number.isSafeInteger(step) || step < 1) {
        throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'options.step must be a positive integer', {
          fn,
          argument: 'options.step',
          expected: 'the step number t ≥ 1, counting this update',
          received: String(step),
        });
      }
      for (const [name, ptr] of Object.entries({ p, g, m, v })) span(fn, name, ptr, n, `${name} (${n})`);
      const stepSize = lr / (1 - beta1 ** step);
      const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
      w.adamw(p, g, m, v, n, 1 - lr * weightDecay, beta1, beta2, eps, stepSize, bc2Sqrt);
    },
  };
}
