/**
 * The `wasm` backend of @lxmls/tensor: every kernel of its `Backend` interface on the SIMD WebAssembly
 * kernels of this package, over one `WebAssembly.Memory`.
 *
 * Follows docs/backend-contract.md and the `js` reference backend (packages/tensor/src/backends/js.ts), which
 * defines each kernel. Storage is a {@link WasmStorage}: an allocation of the package's {@link Allocator}
 * (16-byte aligned, zero-filled on `alloc`, returned to the free list on `free`, so a tidy'd training loop
 * reuses the same blocks every step). The hot kernels run in WebAssembly (assembly/*.ts): matmul in every
 * layout with batches and broadcast weights, broadcasting binary ops and unary ops, permute / slice /
 * sliceAssign as strided copies, sums over coalesced axes, softmax, layerNorm, GELU, cross-entropy, embedding
 * gather / scatter-add, AdamW, fused attention, maskedFill and dropout (the same counter-based hash as `js`,
 * so the same mask). The rare ones (argmax, topk, logSoftmax, int32 arithmetic and multinomial, which must
 * draw `uniformAt` exactly as `js` does) are TypeScript loops over Float32Array / Int32Array views of the same
 * memory (views are re-created after the memory grows).
 */

import type {
  AdamWAttrs,
  AdamWInputs,
  ArgmaxAttrs,
  ArgmaxInputs,
  AttentionAttrs,
  AttentionBackwardInputs,
  AttentionInputs,
  AttentionView,
  Backend,
  BackendCapabilities,
  BinaryOp,
  CrossEntropyAttrs,
  CrossEntropyBackwardInputs,
  CrossEntropyInputs,
  DType,
  GatherAttrs,
  GatherInputs,
  LayerNormAttrs,
  LayerNormBackwardInputs,
  LayerNormInputs,
  LinearAttrs,
  LinearInputs,
  MatmulAttrs,
  MatmulInputs,
  MultinomialAttrs,
  MultinomialInputs,
  ReduceOp,
  ScatterAddInputs,
  TopkAttrs,
  TopkInputs,
  TypedArray,
  UnaryOp,
} from '@lxmls/tensor';
import {
  broadcastIndex,
  broadcastStrides,
  createJsBackend,
  LxmlsTensorError,
  registerBackend,
  sizeOf,
  stridesOf,
} from '@lxmls/tensor';
import { Allocator } from './allocator.js';
import { describe, LxmlsBackendWasmError } from './errors.js';
import { type KernelExports, kernelModuleSync } from './kernels.js';
import { availableThreads, KernelTeam } from './threads.js';

/** The K blocking depth of assembly/matmul.ts `matmulSliced`: its scratch holds a KC × 16 panel. */
const KC = 256;
/** A matmul call does at least this many multiply-adds before it is split between threads (about 2–4 µs). */
const SPLIT_MACS = 65536;
/**
 * Parts per split call: more than the two threads, so that whichever is free takes the next part (the
 * worker's caches do not hold the caller's fresh activations, and it may start late).
 */
const MATMUL_PARTS = 4;
const ELEMENT_PARTS = 4;
/** An elementwise or softmax call covers at least this many elements before it is split (about 10–30 µs). */
const SPLIT_ELEMENTS = 16384;
/** The kernels the worker thread runs parts of (assembly/parts.ts); a part's op is its index here. */
const PART_KERNELS = [
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
type PartKernelName = (typeof PART_KERNELS)[number];

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
}

const BINARY_CODE: Record<BinaryOp, number> = {
  add: 0,
  sub: 1,
  mul: 2,
  div: 3,
  maximum: 4,
  pow: 5,
  eq: 6,
  gt: 7,
};
const BINARY_JS: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max,
  eq: (a, b) => (a === b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
};
const UNARY_CODE: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, tanh: 3, sqrt: 4, relu: 5 };
const UNARY_JS: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
  relu: (x) => Math.max(x, 0),
};

/**
 * Drops axes of size 1 and merges neighbouring axes that every operand walks contiguously (stride of the
 * outer axis = stride of the inner one × its size), so most shapes become 1 to 3 axes.
 */
function coalesce(shape: readonly number[], strides: readonly (readonly number[])[]): [number[], number[][]] {
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
function forBlocks4(
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
  private readonly w: KernelExports;
  private readonly team: KernelTeam | undefined;
  private readonly mmArgs = new Array<number>(25).fill(0); // matmulPart's arguments, reused
  private buffer: ArrayBuffer | null = null;
  private f32v = new Float32Array(0);
  private i32v = new Int32Array(0);
  private scratch = 0; // the packed B panel of matmul: 16·K floats, then 16 for the panel's bias
  private scratchFloats = 0;
  private ones = 0; // `cols` ones and zeros for layerNorm without affine parameters
  private zeros = 0;
  private unitFloats = 0;
  private ceOut = 0; // the two f64 that crossEntropyForward writes
  private readonly poison: boolean;
  /**
   * The `js` reference backend, run on views of this memory for the kernels that are rare or CPU-bound
   * anyway (argmax, topk, logSoftmax, multinomial, and int32 maskedFill): one definition, identical results.
   */
  private readonly reference = createJsBackend();

  /** Use {@link createWasmBackend}. */
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
    this.team = shared ? new KernelTeam(module, this.memory, PART_KERNELS) : undefined;
    // The size cache makes alloc/free O(1) in a training loop (same sizes every step) and reuses the most
    // recently freed, cache-warm block first.
    this.allocator = new Allocator(this.memory, this.w.heapBase(), { sizeCache: true });
    this.poison = options.poisonUninit === true;
    this.ensureScratch(64);
    this.ceOut = this.allocator.alloc(16);
  }

  // ---- views and scratch --------------------------------------------------------------------------------

  private get F(): Float32Array {
    if (this.memory.buffer !== this.buffer) this.refresh();
    return this.f32v;
  }
  private get I(): Int32Array {
    if (this.memory.buffer !== this.buffer) this.refresh();
    return this.i32v;
  }
  private refresh(): void {
    this.buffer = this.memory.buffer;
    this.f32v = new Float32Array(this.buffer);
    this.i32v = new Int32Array(this.buffer);
  }
  /** A float32 view of `s` (valid until the next allocation). */
  private f32(s: WasmStorage): Float32Array {
    return this.view(s) as Float32Array;
  }
  /** A view of `s` in its dtype (valid until the next allocation). */
  private view(s: WasmStorage): TypedArray {
    const at = s.ptr >> 2;
    return s.dtype === 'int32' ? this.I.subarray(at, at + s.size) : this.F.subarray(at, at + s.size);
  }
  private ensureScratch(k: number): void {
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
  private mm(
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
  private inParts(name: PartKernelName, work: number, minWork: number, args: number[]): void {
    const kernel = this.w[name];
    if (this.team && work >= minWork) {
      args.push(0, 0);
      this.team.run(kernel, PART_KERNELS.indexOf(name), args, ELEMENT_PARTS);
    } else {
      args.push(0, 1);
      kernel(...args);
    }
  }
  /**
   * Parts of matmul calls that the worker thread has run (0 with one thread, or before the worker started):
   * a test and benchmark aid.
   */
  get workerParts(): number {
    return this.team?.workerParts ?? 0;
  }
  /** Stops the worker thread, if any (a later big matmul starts a new one); the memory is garbage collected. */
  dispose(): void {
    this.team?.dispose();
  }
  private ensureUnits(cols: number): void {
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
  private temp(floats: number): number {
    return this.allocator.alloc(Math.max(floats, 1) * 4);
  }

  // ---- memory -------------------------------------------------------------------------------------------

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

  // ---- elementwise --------------------------------------------------------------------------------------

  binary(
    op: BinaryOp,
    a: WasmStorage,
    aShape: readonly number[],
    b: WasmStorage,
    bShape: readonly number[],
    out: WasmStorage,
    outShape: readonly number[],
  ): void {
    const n = out.size;
    if (n === 0) return;
    if (out.dtype === 'int32' || a.dtype === 'int32') {
      const f = BINARY_JS[op];
      const va = this.view(a);
      const vb = this.view(b);
      const vo = this.view(out);
      const ia = broadcastIndex(aShape, outShape);
      const ib = broadcastIndex(bShape, outShape);
      for (let i = 0; i < n; i++) vo[i] = f(va[ia[i]!]!, vb[ib[i]!]!);
      return;
    }
    const code = BINARY_CODE[op];
    const [dims, st] = coalesce(outShape, [
      broadcastStrides(aShape, outShape),
      broadcastStrides(bShape, outShape),
      stridesOf(outShape),
    ]);
    forBlocks4(dims, st, (o, d, s) => {
      const sa = s[0]!;
      const sb = s[1]!;
      this.inParts('binary4Part', d[0]! * d[1]! * d[2]! * d[3]!, SPLIT_ELEMENTS, [
        code,
        a.ptr + 4 * o[0]!,
        b.ptr + 4 * o[1]!,
        out.ptr + 4 * o[2]!,
        d[0]!,
        d[1]!,
        d[2]!,
        d[3]!,
        sa[0]!,
        sa[1]!,
        sa[2]!,
        sa[3]!,
        sb[0]!,
        sb[1]!,
        sb[2]!,
        sb[3]!,
      ]);
    });
  }

  unary(op: UnaryOp, x: WasmStorage, out: WasmStorage, size: number): void {
    if (x.dtype === 'int32') {
      const f = UNARY_JS[op];
      const vx = this.view(x);
      const vo = this.view(out);
      for (let i = 0; i < size; i++) vo[i] = f(vx[i]!);
      return;
    }
    this.w.unary(UNARY_CODE[op], x.ptr, out.ptr, size);
  }

  // ---- linear algebra -----------------------------------------------------------------------------------

  matmul({ a, b, out }: MatmulInputs<WasmStorage>, attrs: MatmulAttrs): void {
    const { batchA, batchB, m, k, n, transA, transB } = attrs;
    this.gemm(a.ptr, b.ptr, out.ptr, batchA, batchB, m, k, n, transA, transB, 0);
  }

  /**
   * `out = x · weightᵀ + bias` (a Linear layer, weight stored (out, in)): the matmul with the bias as the
   * start value of its sums, so the bias costs no extra pass over the output.
   */
  linear({ x, weight, bias, out }: LinearInputs<WasmStorage>, attrs: LinearAttrs): void {
    const { rows, inFeatures, outFeatures } = attrs;
    this.gemm(
      x.ptr,
      weight.ptr,
      out.ptr,
      1,
      1,
      rows,
      inFeatures,
      outFeatures,
      false,
      true,
      bias ? bias.ptr : 0,
    );
  }

  /** The matmul of {@link WasmBackend.matmul} on pointers, plus an optional bias row (0 = none). */
  private gemm(
    a: number,
    b: number,
    out: number,
    batchA: number,
    batchB: number,
    m: number,
    k: number,
    n: number,
    transA: boolean,
    transB: boolean,
    bias: number,
  ): void {
    const batch = Math.max(batchA, batchB);
    if (batch === 0 || m === 0 || n === 0) return;
    if (m === 1 && batch === 1 && transB) {
      // inference on one token through a Linear (weight (out, in)): one dot product per row of B, B read once
      this.inParts('gemvNKPart', k * n, SPLIT_MACS, [a, b, out, k, n, k, bias]);
      return;
    }
    if (m === 1 && batch === 1 && bias === 0) {
      // inference on one token: y = a·B streams B once instead of packing it panel by panel
      this.inParts('gemvKNPart', k * n, SPLIT_MACS, [a, b, out, k, n, n]);
      return;
    }
    const lda = transA ? m : k; // floats per stored row of A
    const ldb = transB ? k : n;
    this.ensureScratch(Math.min(k, KC));
    this.mm(
      a,
      b,
      out,
      m,
      k,
      n,
      transA ? 1 : 0,
      transB ? 1 : 0,
      lda,
      ldb,
      n, // ldc
      batch,
      batchA === 1 ? 0 : m * k, // a batch of 1 broadcasts
      batchB === 1 ? 0 : k * n,
      m * n,
      1,
      0,
      0,
      0,
      0,
      this.scratch,
      bias, // a linear layer's bias starts the sums
    );
  }

  // ---- reductions ---------------------------------------------------------------------------------------

  reduce(
    op: ReduceOp,
    x: WasmStorage,
    shape: readonly number[],
    axes: readonly number[],
    out: WasmStorage,
  ): void {
    const size = sizeOf(shape);
    if (size === 0) {
      // an empty reduced axis: the sum is 0 and the max −∞ (out may be uninitialised storage)
      const fill = op === 'max' ? Number.NEGATIVE_INFINITY : 0;
      this.F.fill(fill, out.ptr >> 2, (out.ptr >> 2) + out.size);
      return;
    }
    // Groups of neighbouring axes that are all kept or all reduced: [n, reduced?].
    const groups: [number, boolean][] = [];
    for (let ax = 0; ax < shape.length; ax++) {
      const n = shape[ax]!;
      if (n === 1) continue;
      const reduced = axes.includes(ax);
      const last = groups[groups.length - 1];
      if (last && last[1] === reduced) last[0] *= n;
      else groups.push([n, reduced]);
    }
    const pattern = groups.map((g) => (g[1] ? 'R' : 'K')).join('');
    const w = this.w;
    const code = op === 'sum' ? 0 : 1;
    if (pattern === '' || pattern === 'K') {
      this.copy(x, out, size);
    } else if (pattern === 'R') {
      w.rowReduce(x.ptr, out.ptr, 1, size, code);
    } else if (pattern === 'KR') {
      w.rowReduce(x.ptr, out.ptr, groups[0]![0], groups[1]![0], code);
    } else if (op === 'sum' && (pattern === 'RK' || pattern === 'KRK')) {
      const [outer, r, inner] =
        pattern === 'RK' ? [1, groups[0]![0], groups[1]![0]] : groups.map((g) => g[0]);
      for (let o = 0; o < outer!; o++) {
        const args = [x.ptr + 4 * o * r! * inner!, out.ptr + 4 * o * inner!, r!, inner!, 0];
        this.inParts('colSumPart', r! * inner!, SPLIT_ELEMENTS, args);
      }
    } else {
      this.reduceGeneric(op, x, shape, axes, out);
    }
  }

  /** Any reduction, as the `js` backend computes it (float64 accumulators). */
  private reduceGeneric(
    op: ReduceOp,
    x: WasmStorage,
    shape: readonly number[],
    axes: readonly number[],
    out: WasmStorage,
  ): void {
    const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const index = broadcastIndex(outShape, shape);
    const acc = new Float64Array(out.size).fill(op === 'sum' ? 0 : Number.NEGATIVE_INFINITY);
    const vx = this.view(x);
    for (let i = 0; i < vx.length; i++) {
      const o = index[i]!;
      const v = vx[i]!;
      if (op === 'sum') acc[o]! += v;
      else if (v > acc[o]! || Number.isNaN(v)) acc[o] = v;
    }
    this.view(out).set(acc);
  }

  argmax({ x, out }: ArgmaxInputs<WasmStorage>, attrs: ArgmaxAttrs): void {
    this.reference.argmax({ x: this.f32(x), out: this.view(out) as Int32Array }, attrs);
  }

  topk({ x, values, indices }: TopkInputs<WasmStorage>, attrs: TopkAttrs): void {
    const inputs = { x: this.f32(x), values: this.f32(values), indices: this.view(indices) as Int32Array };
    this.reference.topk(inputs, attrs);
  }

  // ---- softmax family -----------------------------------------------------------------------------------

  softmax(x: WasmStorage, out: WasmStorage, rows: number, cols: number): void {
    this.w.softmax(x.ptr, out.ptr, rows, cols, 0);
  }

  logSoftmax(x: WasmStorage, out: WasmStorage, rows: number, cols: number): void {
    this.reference.logSoftmax(this.f32(x), this.f32(out), rows, cols);
  }

  softmaxBackward(y: WasmStorage, dy: WasmStorage, dx: WasmStorage, rows: number, cols: number): void {
    this.w.softmaxBackward(y.ptr, dy.ptr, dx.ptr, rows, cols, 0);
  }

  logSoftmaxBackward(y: WasmStorage, dy: WasmStorage, dx: WasmStorage, rows: number, cols: number): void {
    this.reference.logSoftmaxBackward(this.f32(y), this.f32(dy), this.f32(dx), rows, cols);
  }

  /** Checks every target (as `js` does) and returns how many rows are kept. */
  private keptTargets(targets: WasmStorage, n: number, c: number, ignoreIndex: number): number {
    const t = this.view(targets);
    let kept = 0;
    for (let r = 0; r < n; r++) {
      const v = t[r]!;
      if (v === ignoreIndex) continue;
      if (!(v >= 0 && v < c)) {
        throw new LxmlsTensorError('INVALID_ARGUMENT', `targets[${r}] is not a class index`, {
          fn: 'crossEntropy',
          argument: 'targets',
          expected: `an integer in [0, ${c}) or the ignore index ${ignoreIndex}`,
          received: String(v),
        });
      }
      kept++;
    }
    return kept;
  }

  crossEntropy({ logits, targets, out }: CrossEntropyInputs<WasmStorage>, attrs: CrossEntropyAttrs): void {
    const { n, c, ignoreIndex } = attrs;
    const kept = this.keptTargets(targets, n, c, ignoreIndex);
    if (ignoreIndex !== -1) {
      const vl = this.view(logits);
      const vt = this.view(targets);
      let total = 0;
      for (let r = 0; r < n; r++) {
        const t = vt[r]!;
        if (t !== ignoreIndex) total += logSumExp(vl, r * c, c) - vl[r * c + t]!;
      }
      this.view(out)[0] = total / kept;
      return;
    }
    const probs = this.temp(n * c);
    this.w.crossEntropyForward(logits.ptr, targets.ptr, probs, this.ceOut, n, c);
    this.allocator.free(probs);
    const lossSum = new Float64Array(this.memory.buffer, this.ceOut, 1)[0]!;
    this.F[out.ptr >> 2] = lossSum / kept; // 0/0 = NaN when every target is ignored, as in PyTorch
  }

  crossEntropyBackward(
    { logits, targets, dloss, dlogits }: CrossEntropyBackwardInputs<WasmStorage>,
    { n, c, ignoreIndex }: CrossEntropyAttrs,
  ): void {
    const kept = this.keptTargets(targets, n, c, ignoreIndex);
    const g = this.F[dloss.ptr >> 2]! / kept;
    if (ignoreIndex !== -1) {
      const vl = this.view(logits);
      const vt = this.view(targets);
      const vd = this.view(dlogits);
      for (let r = 0; r < n; r++) {
        const t = vt[r]!;
        const o = r * c;
        if (t === ignoreIndex) {
          vd.fill(0, o, o + c);
          continue;
        }
        const lse = logSumExp(vl, o, c);
        for (let j = 0; j < c; j++) vd[o + j] = g * (Math.exp(vl[o + j]! - lse) - (j === t ? 1 : 0));
      }
      return;
    }
    const probs = this.temp(n * c);
    this.w.crossEntropyForward(logits.ptr, targets.ptr, probs, this.ceOut, n, c);
    this.w.crossEntropyBackward(probs, targets.ptr, dlogits.ptr, n, c, g);
    this.allocator.free(probs);
  }

  // ---- normalisation and activations --------------------------------------------------------------------

  layerNorm(
    { x, weight, bias, out, mean, rstd }: LayerNormInputs<WasmStorage>,
    { rows, cols, eps }: LayerNormAttrs,
  ): void {
    if (rows === 0 || cols === 0) return;
    if (!weight || !bias) this.ensureUnits(cols);
    const w = weight ? weight.ptr : this.ones;
    const b = bias ? bias.ptr : this.zeros;
    const args = [x.ptr, w, b, out.ptr, mean.ptr, rstd.ptr, rows, cols, eps];
    this.inParts('layerNormForwardPart', rows * cols, SPLIT_ELEMENTS, args);
  }

  layerNormBackward(
    { dy, x, weight, mean, rstd, dx, dweight, dbias }: LayerNormBackwardInputs<WasmStorage>,
    { rows, cols }: LayerNormAttrs,
  ): void {
    if (cols === 0) return;
    if (!weight) this.ensureUnits(cols);
    const dw = dweight ? dweight.ptr : this.temp(cols);
    const db = dbias ? dbias.ptr : this.temp(cols);
    const w = weight ? weight.ptr : this.ones;
    this.w.layerNormBackward(dy.ptr, x.ptr, w, mean.ptr, rstd.ptr, dx.ptr, dw, db, rows, cols, 0);
    if (!dweight) this.allocator.free(dw);
    if (!dbias) this.allocator.free(db);
  }

  gelu(x: WasmStorage, out: WasmStorage, size: number): void {
    this.inParts('geluFastPart', size, SPLIT_ELEMENTS, [x.ptr, out.ptr, size]);
  }

  geluBackward(x: WasmStorage, dy: WasmStorage, dx: WasmStorage, size: number, y?: WasmStorage): void {
    // with the forward output, σ(2u) = y / x: a division instead of a second exponential
    if (y) this.inParts('geluBackwardFromYPart', size, SPLIT_ELEMENTS, [x.ptr, y.ptr, dy.ptr, dx.ptr, size]);
    else this.w.geluBackwardFast(x.ptr, dy.ptr, dx.ptr, size);
  }

  // ---- indexing -----------------------------------------------------------------------------------------

  private checkIds(ids: WasmStorage, numIds: number, numRows: number): void {
    const v = this.view(ids);
    for (let i = 0; i < numIds; i++) {
      const id = v[i]!;
      if (id < 0 || id >= numRows) {
        throw new LxmlsTensorError('INVALID_ARGUMENT', `ids[${i}] is out of range`, {
          fn: 'gather',
          argument: 'ids',
          expected: `an integer in [0, ${numRows})`,
          received: String(id),
        });
      }
    }
  }

  gather({ table, ids, out }: GatherInputs<WasmStorage>, { numIds, numRows, dim }: GatherAttrs): void {
    this.checkIds(ids, numIds, numRows);
    this.w.gather(table.ptr, ids.ptr, out.ptr, numIds, dim);
  }

  scatterAdd(
    { dy, ids, dtable }: ScatterAddInputs<WasmStorage>,
    { numIds, numRows, dim }: GatherAttrs,
  ): void {
    this.checkIds(ids, numIds, numRows);
    this.w.scatterAdd(dy.ptr, ids.ptr, dtable.ptr, numIds, dim);
  }

  maskedFill(
    x: WasmStorage,
    shape: readonly number[],
    mask: WasmStorage,
    maskShape: readonly number[],
    value: number,
    out: WasmStorage,
  ): void {
    if (x.dtype === 'int32' || out.size === 0) {
      this.reference.maskedFill(this.view(x), shape, this.view(mask), maskShape, value, this.view(out));
      return;
    }
    const [dims, st] = coalesce(shape, [stridesOf(shape), broadcastStrides(maskShape, shape)]);
    const w = this.w;
    const isFloat = mask.dtype === 'float32' ? 1 : 0;
    forBlocks4(dims, st, (o, n, s) => {
      const sx = s[0]!;
      const sm = s[1]!;
      w.maskedFill4(
        x.ptr + 4 * o[0]!,
        mask.ptr + 4 * o[1]!,
        out.ptr + 4 * o[0]!,
        value,
        isFloat,
        n[0]!,
        n[1]!,
        n[2]!,
        n[3]!,
        sx[0]!,
        sx[1]!,
        sx[2]!,
        sx[3]!,
        sm[0]!,
        sm[1]!,
        sm[2]!,
        sm[3]!,
      );
    });
  }

  /** dst[block] = src[block] for 4-byte elements, over `dims` with element strides and base offsets. */
  private stridedCopy(
    src: number,
    dst: number,
    dims: readonly number[],
    srcStrides: readonly number[],
    dstStrides: readonly number[],
  ): void {
    if (sizeOf(dims) === 0) return;
    const [d, st] = coalesce(dims, [srcStrides, dstStrides]);
    const w = this.w;
    forBlocks4(d, st, (o, n, s) => {
      const ss = s[0]!;
      const ds = s[1]!;
      w.strided4(
        src + 4 * o[0]!,
        dst + 4 * o[1]!,
        n[0]!,
        n[1]!,
        n[2]!,
        n[3]!,
        ss[0]!,
        ss[1]!,
        ss[2]!,
        ss[3]!,
        ds[0]!,
        ds[1]!,
        ds[2]!,
        ds[3]!,
      );
    });
  }

  permute(x: WasmStorage, shape: readonly number[], perm: readonly number[], out: WasmStorage): void {
    const inStrides = stridesOf(shape);
    const outShape = perm.map((p) => shape[p]!);
    this.stridedCopy(
      x.ptr,
      out.ptr,
      outShape,
      perm.map((p) => inStrides[p]!),
      stridesOf(outShape),
    );
  }

  slice(
    x: WasmStorage,
    shape: readonly number[],
    begin: readonly number[],
    sizes: readonly number[],
    out: WasmStorage,
  ): void {
    const strides = stridesOf(shape);
    const base = begin.reduce((s, b, ax) => s + b * strides[ax]!, 0);
    this.stridedCopy(x.ptr + 4 * base, out.ptr, sizes, strides, stridesOf(sizes));
  }

  sliceAssign(
    src: WasmStorage,
    sizes: readonly number[],
    out: WasmStorage,
    shape: readonly number[],
    begin: readonly number[],
  ): void {
    const strides = stridesOf(shape);
    const base = begin.reduce((s, b, ax) => s + b * strides[ax]!, 0);
    this.stridedCopy(src.ptr, out.ptr + 4 * base, sizes, stridesOf(sizes), strides);
  }

  // ---- randomness ---------------------------------------------------------------------------------------

  dropout(x: WasmStorage, out: WasmStorage, size: number, p: number, seed: number): void {
    // keep element i when its 32-bit hash is ≥ ⌈p·2³²⌉ (= uniformAt(seed, i) ≥ p, see assembly/random.ts)
    const threshold = Math.ceil(p * 4294967296);
    if (threshold <= 0) {
      this.reference.dropout(this.f32(x), this.f32(out), size, p, seed); // p ≤ 0: a scaled copy
      return;
    }
    if (threshold >= 4294967296) {
      this.F.fill(0, out.ptr >> 2, (out.ptr >> 2) + size); // nothing is kept
      return;
    }
    this.inParts('dropoutPart', size, SPLIT_ELEMENTS, [
      x.ptr,
      out.ptr,
      size,
      threshold,
      1 / (1 - p),
      seed >>> 0,
    ]);
  }

  multinomial({ probs, out }: MultinomialInputs<WasmStorage>, attrs: MultinomialAttrs): void {
    this.reference.multinomial({ probs: this.f32(probs), out: this.view(out) as Int32Array }, attrs);
  }

  // ---- optimiser ----------------------------------------------------------------------------------------

  adamw({ param, grad, m, v }: AdamWInputs<WasmStorage>, attrs: AdamWAttrs): void {
    const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
    const stepSize = lr / (1 - beta1 ** step);
    const bc2Sqrt = Math.sqrt(1 - beta2 ** step);
    this.w.adamw(
      param.ptr,
      grad.ptr,
      m.ptr,
      v.ptr,
      size,
      1 - lr * weightDecay,
      beta1,
      beta2,
      eps,
      stepSize,
      bc2Sqrt,
    );
  }

  // ---- fused attention ----------------------------------------------------------------------------------

  /**
   * Attention through strided views (docs/backend-contract.md): every matmul runs over batch × heads as
   * `outer × inner` with the views' strides and row strides, so the plain `(B·H, T, d)`, packed
   * `(B, T, 3C)` and split `(B, T, C)` layouts are read and written in place (no split, head transpose or
   * concat is copied). The weights `(batch, heads, tq, tk)` live in a temporary buffer; `lse` is not written
   * (the backward recomputes the weights from q and k, which saves a log per row).
   */
  attention(inputs: AttentionInputs<WasmStorage>, attrs: AttentionAttrs): void {
    const { batch, heads, tq, tk, headSize: d } = attrs;
    if (batch === 0 || heads === 0 || tq === 0) return;
    const { v, out } = inputs;
    if (tk === 0) {
      this.fillView(out, batch, heads, tq, d); // no key: a zero output
      return;
    }
    const n = batch * heads * tq * tk;
    const p = this.temp(n); // (batch, heads, tq, tk) attention weights
    this.attentionWeights(inputs, p, attrs);
    if ((attrs.dropout ?? 0) > 0) this.dropWeights(p, p, n, attrs);
    this.ensureScratch(tk);
    const sP = [heads * tq * tk, tq * tk] as const; // (outer, inner) strides of the weights
    // out[b, h] = p[b, h] @ v[b, h]: (tq, tk) @ (tk, d)
    this.mm(
      p,
      at(v),
      at(out),
      tq,
      tk,
      d,
      0,
      0,
      tk,
      v.rowStride,
      out.rowStride,
      batch,
      sP[0],
      v.batchStride,
      out.batchStride,
      heads,
      sP[1],
      v.headStride,
      out.headStride,
      0,
      this.scratch,
      0,
    );
    this.allocator.free(p);
  }

  /**
   * The backward of {@link WasmBackend.attention}: dq, dk, dv through their views from dout. With dropout,
   * dv = dropout(p)ᵀ dout and the weights' gradient dout vᵀ goes back through the same mask before the
   * softmax backward.
   */
  attentionBackward(inputs: AttentionBackwardInputs<WasmStorage>, attrs: AttentionAttrs): void {
    const { batch, heads, tq, tk, headSize: d, scale } = attrs;
    if (batch === 0 || heads === 0) return;
    const { q, k, v, dout, dq, dk, dv } = inputs;
    if (tq === 0 || tk === 0) {
      this.fillView(dq, batch, heads, tq, d); // nothing attended: zero gradients
      this.fillView(dk, batch, heads, tk, d);
      this.fillView(dv, batch, heads, tk, d);
      return;
    }
    const dropout = attrs.dropout ?? 0;
    const n = batch * heads * tq * tk;
    const p = this.temp(n); // (batch, heads, tq, tk) the weights, recomputed
    const ds = this.temp(n); // dp, then ds in place
    const dropped = dropout > 0 ? this.temp(n) : p; // dropout(p): the weights the forward multiplied v by
    this.attentionWeights(inputs, p, attrs);
    if (dropout > 0) this.dropWeights(p, dropped, n, attrs);
    this.ensureScratch(Math.max(tq, tk, d));
    const sc = this.scratch;
    const sP = [heads * tq * tk, tq * tk] as const; // (outer, inner) strides of p and ds
    // dv = dropout(p)ᵀ @ dout: (tq, tk)ᵀ @ (tq, d)
    this.mm(
      dropped,
      at(dout),
      at(dv),
      tk,
      tq,
      d,
      1,
      0,
      tk,
      dout.rowStride,
      dv.rowStride,
      batch,
      sP[0],
      dout.batchStride,
      dv.batchStride,
      heads,
      sP[1],
      dout.headStride,
      dv.headStride,
      0,
      sc,
      0,
    );
    // dp = dout @ vᵀ: (tq, d) @ (tk, d)ᵀ
    this.mm(
      at(dout),
      at(v),
      ds,
      tq,
      d,
      tk,
      0,
      1,
      dout.rowStride,
      v.rowStride,
      tk,
      batch,
      dout.batchStride,
      v.batchStride,
      sP[0],
      heads,
      dout.headStride,
      v.headStride,
      sP[1],
      0,
      sc,
      0,
    );
    if (dropout > 0) this.dropWeights(ds, ds, n, attrs); // the gradient of p, through the same mask
    // ds = scale · p · (dp − Σ_j p·dp): the softmax backward (masked weights are 0, so their ds is 0)
    this.inParts('softmaxBackwardScaledPart', n, SPLIT_ELEMENTS, [p, ds, ds, batch * heads * tq, tk, scale]);
    // dq = ds @ k: (tq, tk) @ (tk, d)
    this.mm(
      ds,
      at(k),
      at(dq),
      tq,
      tk,
      d,
      0,
      0,
      tk,
      k.rowStride,
      dq.rowStride,
      batch,
      sP[0],
      k.batchStride,
      dq.batchStride,
      heads,
      sP[1],
      k.headStride,
      dq.headStride,
      0,
      sc,
      0,
    );
    // dk = dsᵀ @ q: (tq, tk)ᵀ @ (tq, d)
    this.mm(
      ds,
      at(q),
      at(dk),
      tk,
      tq,
      d,
      1,
      0,
      tk,
      q.rowStride,
      dk.rowStride,
      batch,
      sP[0],
      q.batchStride,
      dk.batchStride,
      heads,
      sP[1],
      q.headStride,
      dk.headStride,
      0,
      sc,
      0,
    );
    this.allocator.free(p);
    if (dropped !== p) this.allocator.free(dropped);
    this.allocator.free(ds);
  }

  /** p (batch, heads, tq, tk) = softmax(scale · q kᵀ, causal), q and k read through their views. */
  private attentionWeights({ q, k }: AttentionInputs<WasmStorage>, p: number, attrs: AttentionAttrs): void {
    const { batch, heads, tq, tk, headSize: d, scale, causal } = attrs;
    this.ensureScratch(d);
    // scores[b, h] = q[b, h] @ k[b, h]ᵀ: (tq, d) @ (tk, d)ᵀ
    this.mm(
      at(q),
      at(k),
      p,
      tq,
      d,
      tk,
      0,
      1,
      q.rowStride,
      k.rowStride,
      tk,
      batch,
      q.batchStride,
      k.batchStride,
      heads * tq * tk,
      heads,
      q.headStride,
      k.headStride,
      tq * tk,
      0,
      this.scratch,
      0,
    );
    this.inParts('scaledSoftmaxPart', batch * heads * tq * tk, SPLIT_ELEMENTS, [
      p,
      p,
      0, // no lse: the backward recomputes the weights
      batch * heads,
      tq,
      tk,
      scale,
      causal ? 1 : 0,
    ]);
  }

  /**
   * Dropout of `n` attention weights at `p` into `out` (may be `p`), with the `dropout` kernel's mask over
   * their (batch, heads, tq, tk) layout: the same mask as the `dropout` op on the materialised weights.
   */
  private dropWeights(p: number, out: number, n: number, attrs: AttentionAttrs): void {
    const dropout = attrs.dropout ?? 0;
    // keep element i when its 32-bit hash is ≥ ⌈p·2³²⌉ (= uniformAt(seed, i) ≥ p, see assembly/random.ts)
    const threshold = Math.ceil(dropout * 4294967296);
    const seed = (attrs.seed ?? 0) >>> 0;
    this.inParts('dropoutPart', n, SPLIT_ELEMENTS, [p, out, n, threshold, 1 / (1 - dropout), seed]);
  }

  /** Writes zeros through `view`, a `(batch, heads, rows, d)` operand. */
  private fillView(
    view: AttentionView<WasmStorage>,
    batch: number,
    heads: number,
    rows: number,
    d: number,
  ): void {
    const F = this.F;
    const base = (view.storage.ptr >> 2) + view.offset;
    for (let b = 0; b < batch; b++)
      for (let h = 0; h < heads; h++)
        for (let i = 0; i < rows; i++) {
          const o = base + b * view.batchStride + h * view.headStride + i * view.rowStride;
          F.fill(0, o, o + d);
        }
  }
}

/** The byte address of a view's first element. */
function at(view: AttentionView<WasmStorage>): number {
  return view.storage.ptr + 4 * view.offset;
}

/** Row `o`'s log-sum-exp over `cols` values, computed stably in float64. */
function logSumExp(x: TypedArray, o: number, cols: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
  return max + Math.log(sum);
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
 * const y = withBackend(wasm, () => gelu(tensor([-1, 0, 2])).toArray());
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
