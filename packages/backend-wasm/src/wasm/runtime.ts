/**
 * The runtime of the `wasm` backend: one `WebAssembly.Memory` with its allocator, the instantiated SIMD
 * kernels of this package, the second thread, and the plumbing every kernel family shares (views of the
 * memory, scratch panels, temporary buffers, the matmul driver and the split of a call into parts). The
 * kernels themselves are in the family files beside this one (matmul.ts, elementwise.ts, reduce.ts,
 * softmax.ts, norm.ts, embedding.ts, shape.ts, random.ts, optim.ts, attention.ts), named as the `Backend`
 * methods that call them (src/backend.ts) and as their AssemblyScript side (assembly/*.ts).
 */

import type { DType, TypedArray } from '@lxmls/tensor';
import { createJsBackend, sizeOf } from '@lxmls/tensor';
import { Allocator } from '../allocator.js';
import { describe, LxmlsBackendWasmError } from '../errors.js';
import { type KernelExports, kernelModuleSync } from '../kernels.js';
import { availableThreads, KernelTeam } from '../threads.js';

/** The K blocking depth of assembly/matmul.ts `matmulSliced`: its scratch holds a KC × 16 panel. */
export const KC = 256;
/** A matmul call does at least this many multiply-adds before it is split between threads (about 2–4 µs). */
export const SPLIT_MACS = 65536;
/**
 * Parts per split call: more than the two threads, so that whichever is free takes the next part (the
 * worker's caches do not hold the caller's fresh activations, and it may start late).
 */
export const MATMUL_PARTS = 4;
export const ELEMENT_PARTS = 4;
/** An elementwise or softmax call covers at least this many elements before it is split (about 10–30 µs). */
export const SPLIT_ELEMENTS = 16384;
/** The kernels the worker thread runs parts of (assembly/parts.ts); a part's op is its index here. */
export const PART_KERNELS = [
  'matmulPart',
  'dropoutPart',
  'geluFastPart',
  'geluBackwardFromYPart',
  'scaledSoftmaxPart',
  'softmaxBackwardScaledPart',
  'binary4Part',
  'colSumPart',
  'layerNormForwardPart',
  'gemvNKPart',
  'gemvKNPart',
] as const;
export type PartKernelName = (typeof PART_KERNELS)[number];

/**
 * The storage handle of the `wasm` backend: one allocation in the backend's WebAssembly memory.
 *
 * @example
 * ```ts
 * import { createWasmBackend } from '@lxmls/backend-wasm';
 * const wasm = createWasmBackend();
 * const s = wasm.alloc(3, 'float32');
 * console.log(s.size, s.dtype, s.ptr % 16); // → 3 float32 0
 * wasm.free(s);
 * ```
 */
export class WasmStorage {
  /** Byte offset of the first element in the memory (16-byte aligned). */
  readonly ptr: number;
  /** Number of elements. */
  readonly size: number;
  /** Element type (4 bytes each). */
  readonly dtype: DType;

  /**
   * @param ptr - Byte offset of the first element in the memory (16-byte aligned).
   * @param size - Number of elements.
   * @param dtype - Element type.
   */
  constructor(ptr: number, size: number, dtype: DType) {
    this.ptr = ptr;
    this.size = size;
    this.dtype = dtype;
  }
}

/**
 * Options of {@link createWasmBackend}.
 *
 * @example
 * ```ts
 * import { createWasmBackend } from '@lxmls/backend-wasm';
 * const wasm = createWasmBackend({ initialPages: 32 });
 * console.log(wasm.memory.buffer.byteLength); // → 2097152
 * ```
 */
export interface WasmBackendOptions {
  /** Initial size of the memory in 64 KiB pages (default 256, i.e. 16 MiB); it grows on demand. */
  initialPages?: number;
  /** Largest size of the memory in pages (default 65536, i.e. 4 GiB). */
  maximumPages?: number;
  /**
   * Testing aid: fill the storage of `allocUninit` with NaN instead of leaving whatever was there, so a
   * kernel that does not write its whole output shows up in the conformance suite (default false).
   */
  poisonUninit?: boolean;
  /**
   * Use the relaxed-SIMD build (fused multiply-add in the matmul, about 35% faster on x86) where the engine
   * accepts it (default true; see `hasWasmRelaxedSimd`). False always uses the plain SIMD build, whose
   * results do not depend on the CPU (relaxed_madd may round once or twice depending on the hardware).
   */
  relaxedSimd?: boolean;
  /**
   * Threads that run the big matmuls: 1, 2, or `'auto'` (the default: {@link availableThreads}, which is 2 on
   * a machine with two or more cores where workers can share memory). With 2 the memory is a shared
   * `WebAssembly.Memory` and a worker thread, started at the first matmul big enough to split, takes half
   * of each (see src/threads.ts). Results are the same bit for bit with 1 or 2.
   */
  threads?: number | 'auto';
  /**
   * With 2 threads, run the calls on the calling thread alone while the worker is late, as when another
   * process keeps a core busy (default true; see src/thread-policy.ts). False shares every big call with the
   * worker once it runs: a testing aid for the split itself.
   */
  adaptiveThreads?: boolean;
}

/**
 * Drops axes of size 1 and merges neighbouring axes that every operand walks contiguously (stride of the
 * outer axis = stride of the inner one × its size), so most shapes become 1 to 3 axes.
 */
export function coalesce(
  shape: readonly number[],
  strides: readonly (readonly number[])[],
): [number[], number[][]] {
  const dims: number[] = [];
  const out: number[][] = strides.map(() => []);
  for (let ax = 0; ax < shape.length; ax++) {
    const n = shape[ax]!;
    if (n === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => out[k]![last] === s[ax]! * n)) {
      dims[last]! *= n;
      for (let k = 0; k < strides.length; k++) out[k]![last] = strides[k]![ax]!;
    } else {
      dims.push(n);
      for (let k = 0; k < strides.length; k++) out[k]!.push(strides[k]![ax]!);
    }
  }
  return [dims, out];
}

/**
 * Calls `fn` with 4-axis blocks covering `dims` (padded with leading size-1 axes; more than 4 axes are
 * walked here, the innermost 4 per call), passing each operand's element offset and its 4 strides.
 */
export function forBlocks4(
  dims: readonly number[],
  strides: readonly (readonly number[])[],
  fn: (offsets: number[], n: number[], s: number[][]) => void,
): void {
  const rank = dims.length;
  const pad = Math.max(0, 4 - rank);
  const lead = Math.max(0, rank - 4);
  const n = [...new Array<number>(pad).fill(1), ...dims.slice(lead)];
  const s = strides.map((st) => [...new Array<number>(pad).fill(0), ...st.slice(lead)]);
  const offsets = strides.map(() => 0);
  if (lead === 0) {
    fn(offsets, n, s);
    return;
  }
  const counter = new Array<number>(lead).fill(0);
  const total = sizeOf(dims.slice(0, lead));
  for (let i = 0; i < total; i++) {
    fn(offsets, n, s);
    for (let ax = lead - 1; ax >= 0; ax--) {
      counter[ax]!++;
      for (let k = 0; k < strides.length; k++) offsets[k]! += strides[k]![ax]!;
      if (counter[ax]! < dims[ax]!) break;
      for (let k = 0; k < strides.length; k++) offsets[k]! -= strides[k]![ax]! * counter[ax]!;
      counter[ax] = 0;
    }
  }
}

/**
 * @internal The state of one `wasm` backend (see the file header). Its members are used by the kernel
 * families; {@link WasmBackend} holds one and exposes `memory`, `allocator`, `threads` and `relaxedSimd`.
 */
export class WasmRuntime {
  /** The memory every storage lives in. */
  readonly memory: WebAssembly.Memory;
  /** True when the kernels are the relaxed-SIMD build (fused multiply-add). */
  readonly relaxedSimd: boolean;
  /** The allocator of that memory. */
  readonly allocator: Allocator;
  /** Threads that run the big kernels (1 or 2). */
  readonly threads: number;
  /** The WebAssembly exports (assembly/index.ts). */
  readonly w: KernelExports;
  /** The worker thread's team, with 2 threads. */
  readonly team: KernelTeam | undefined;
  private readonly mmArgs = new Array<number>(25).fill(0); // matmulPart's arguments, reused
  private buffer: ArrayBuffer | null = null;
  private f32v = new Float32Array(0);
  private i32v = new Int32Array(0);
  /** The packed B panel of matmul: 16·K floats, then 16 for the panel's bias (one per part with 2 threads). */
  scratch = 0;
  private scratchFloats = 0;
  /** `cols` ones and zeros for layerNorm without affine parameters ({@link WasmRuntime.ensureUnits}). */
  ones = 0;
  zeros = 0;
  private unitFloats = 0;
  /** The two f64 that crossEntropyForward writes. */
  ceOut = 0;
  /** Fill `allocUninit` storage with NaN (a testing aid). */
  readonly poison: boolean;
  /**
   * The `js` reference backend, run on views of this memory for the kernels that are rare or CPU-bound
   * anyway (argmax, topk, logSoftmax, multinomial, and int32 maskedFill): one definition, identical results.
   */
  readonly reference = createJsBackend();

  /** @param options - As for `createWasmBackend`. */
  constructor(options: WasmBackendOptions = {}) {
    // the options are checked before anything is compiled or allocated
    const threads = options.threads ?? 'auto';
    if (!(threads === 'auto' || threads === 1 || threads === 2)) {
      throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'options.threads is not a supported thread count', {
        fn: 'createWasmBackend',
        argument: 'options.threads',
        expected: "1, 2 or 'auto'",
        received: describe(threads),
      });
    }
    const initial = options.initialPages ?? 256;
    const maximum = options.maximumPages ?? 65536;
    if (!(Number.isInteger(initial) && Number.isInteger(maximum) && initial >= 1 && maximum >= initial)) {
      throw new LxmlsBackendWasmError('INVALID_ARGUMENT', 'memory pages out of range', {
        fn: 'createWasmBackend',
        argument: 'options',
        expected: '1 ≤ initialPages ≤ maximumPages ≤ 65536 (integers)',
        received: `initialPages ${describe(initial)}, maximumPages ${describe(maximum)}`,
      });
    }
    this.threads = threads === 'auto' ? availableThreads() : Math.min(threads, availableThreads());
    const shared = this.threads > 1;
    const { module, relaxed } = kernelModuleSync('createWasmBackend', options.relaxedSimd !== false, shared);
    this.relaxedSimd = relaxed;
    this.memory = new WebAssembly.Memory({ initial, maximum: Math.min(maximum, 65536), shared });
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    this.w = instance.exports as unknown as KernelExports;
    this.team = shared
      ? new KernelTeam(module, this.memory, PART_KERNELS, { adaptive: options.adaptiveThreads !== false })
      : undefined;
    // The size cache makes alloc/free O(1) in a training loop (same sizes every step) and reuses the most
    // recently freed, cache-warm block first.
    this.allocator = new Allocator(this.memory, this.w.heapBase(), { sizeCache: true });
    this.poison = options.poisonUninit === true;
    this.ensureScratch(64);
    this.ceOut = this.allocator.alloc(16);
  }

  get F(): Float32Array {
    if (this.memory.buffer !== this.buffer) this.refresh();
    return this.f32v;
  }
  get I(): Int32Array {
    if (this.memory.buffer !== this.buffer) this.refresh();
    return this.i32v;
  }
  refresh(): void {
    this.buffer = this.memory.buffer;
    this.f32v = new Float32Array(this.buffer);
    this.i32v = new Int32Array(this.buffer);
  }
  /** A float32 view of `s` (valid until the next allocation). */
  f32(s: WasmStorage): Float32Array {
    return this.view(s) as Float32Array;
  }
  /** A view of `s` in its dtype (valid until the next allocation). */
  view(s: WasmStorage): TypedArray {
    const at = s.ptr >> 2;
    return s.dtype === 'int32' ? this.I.subarray(at, at + s.size) : this.F.subarray(at, at + s.size);
  }
  ensureScratch(k: number): void {
    if (16 * k + 16 <= this.scratchFloats) return;
    if (this.scratch) this.allocator.free(this.scratch);
    this.scratchFloats = 16 * Math.max(k, 64) + 16; // the packed B panel (K × 16) and its bias row
    // one panel per part: the parts of a split matmul (assembly/parts.ts) pack into scratch + part · scratchBytes
    this.scratch = this.allocator.alloc(this.scratchFloats * 4 * (this.team ? MATMUL_PARTS : 1));
  }
  /**
   * The matmul kernel with K blocking (`matmulSliced`: arguments as in assembly/matmul.ts, scratch of
   * 16·min(K, {@link KC}) + 16 floats from {@link ensureScratch}), split between the threads when it is big
   * enough.
   */
  mm(
    a: number,
    b: number,
    c: number,
    m: number,
    k: number,
    n: number,
    transA: number,
    transB: number,
    lda: number,
    ldb: number,
    ldc: number,
    outer: number,
    sAo: number,
    sBo: number,
    sCo: number,
    inner: number,
    sAi: number,
    sBi: number,
    sCi: number,
    accumulate: number,
    scratch: number,
    bias: number,
  ): void {
    const x = this.mmArgs;
    x[0] = a;
    x[1] = b;
    x[2] = c;
    x[3] = m;
    x[4] = k;
    x[5] = n;
    x[6] = transA;
    x[7] = transB;
    x[8] = lda;
    x[9] = ldb;
    x[10] = ldc;
    x[11] = outer;
    x[12] = sAo;
    x[13] = sBo;
    x[14] = sCo;
    x[15] = inner;
    x[16] = sAi;
    x[17] = sBi;
    x[18] = sCi;
    x[19] = accumulate;
    x[20] = scratch;
    x[21] = bias;
    x[22] = this.scratchFloats * 4; // bytes between the threads' scratch panels
    if (this.team && m * k * n * outer * inner >= SPLIT_MACS) {
      this.team.run(this.w.matmulPart, 0, x, MATMUL_PARTS);
    } else {
      x[23] = 0; // part 0 of 1: the whole call
      x[24] = 1;
      this.w.matmulPart(...x);
    }
  }
  /**
   * Runs the part kernel `name` (assembly/parts.ts) with `args`: split between the threads when `work` ≥
   * `minWork`, else as one part (part 0 of 1 is the whole call).
   */
  inParts(name: PartKernelName, work: number, minWork: number, args: number[]): void {
    const kernel = this.w[name];
    if (this.team && work >= minWork) {
      args.push(0, 0);
      this.team.run(kernel, PART_KERNELS.indexOf(name), args, ELEMENT_PARTS);
    } else {
      args.push(0, 1);
      kernel(...args);
    }
  }
  ensureUnits(cols: number): void {
    if (cols <= this.unitFloats) return;
    if (this.ones) {
      this.allocator.free(this.ones);
      this.allocator.free(this.zeros);
    }
    this.unitFloats = Math.max(cols, 64);
    this.ones = this.allocator.alloc(this.unitFloats * 4);
    this.zeros = this.allocator.alloc(this.unitFloats * 4);
    this.F.fill(1, this.ones >> 2, (this.ones >> 2) + this.unitFloats);
    this.F.fill(0, this.zeros >> 2, (this.zeros >> 2) + this.unitFloats);
  }
  /** A temporary buffer of `floats` floats (uninitialised); free it with `this.allocator.free`. */
  temp(floats: number): number {
    return this.allocator.alloc(Math.max(floats, 1) * 4);
  }
  alloc(size: number, dtype: DType): WasmStorage {
    const ptr = this.allocator.alloc(Math.max(size, 1) * 4);
    this.F.fill(0, ptr >> 2, (ptr >> 2) + size);
    return new WasmStorage(ptr, size, dtype);
  }
  /**
   * Storage left as it is (no zero-fill): every kernel of this backend writes its whole output, so the core
   * uses this for outputs (see `Backend.allocUninit`). Saves writing ~30 MB of zeros per gpt-nano step.
   */
  allocUninit(size: number, dtype: DType): WasmStorage {
    const ptr = this.allocator.alloc(Math.max(size, 1) * 4);
    if (this.poison) this.F.fill(Number.NaN, ptr >> 2, (ptr >> 2) + size);
    return new WasmStorage(ptr, size, dtype);
  }
  free(storage: WasmStorage): void {
    this.allocator.free(storage.ptr);
  }
  read(storage: WasmStorage): TypedArray {
    return this.view(storage).slice();
  }
  write(storage: WasmStorage, data: TypedArray): void {
    this.view(storage).set(data);
  }
  copy(x: WasmStorage, out: WasmStorage, size: number): void {
    this.I.copyWithin(out.ptr >> 2, x.ptr >> 2, (x.ptr >> 2) + size);
  }
  cast(x: WasmStorage, out: WasmStorage, size: number, to: DType): void {
    if (x.dtype === to) {
      this.copy(x, out, size);
      return;
    }
    const src = this.view(x);
    const dst = this.view(out);
    for (let i = 0; i < size; i++) dst[i] = src[i]!; // Int32Array assignment truncates toward zero
  }
}
