/**
 * The WebGPU plumbing every kernel shares: storage (a pooled `GPUBuffer` per tensor), the pipeline cache,
 * one command encoder that records dispatches until something must be read, the uniform "arena" that holds
 * every dispatch's parameters, the dispatch/submit counters, and the read (`mapAsync`).
 *
 * Follows tfjs-backend-webgpu's design (a buffer manager with size buckets, one command encoder per batch of
 * programs), cut down to what the @lxmls/tensor contract needs. Nothing is submitted until a read,
 * `flush()`, or a full parameter arena: a training step is recorded into as few command buffers as its
 * reads allow.
 */

import type { DType, TypedArray } from '@lxmls/tensor';
import { LxmlsBackendWebgpuError } from './errors.js';
import {
  BUFFER_USAGE,
  type GpuBuffer,
  type GpuCommandEncoder,
  type GpuComputePass,
  type GpuComputePipeline,
  type GpuDevice,
  MAP_MODE_READ,
} from './gpu-types.js';

/**
 * A buffer shared by several storages at aligned offsets: where `adamwMulti` moves the parameters and their
 * moments, so that one dispatch reaches all of them. Destroyed when its last storage is freed or moved out.
 */
export interface GpuArena {
  readonly buffer: GpuBuffer;
  /** Storages living in it. */
  live: number;
}

/**
 * One tensor's storage on the GPU: a buffer from the pool (maybe larger than needed) or a slot of an arena
 * (`offset` bytes in), the element count and type, and for int32 tensors written from the host (token ids,
 * targets) a host copy, so that kernels can check ids without reading the GPU.
 *
 * @example
 * ```ts
 * import { GpuStorage } from '@lxmls/backend-webgpu';
 * const s = new GpuStorage(null, 3, 'int32');
 * console.log(s.size, s.dtype, s.host); // → 3 int32 null
 * ```
 */
export class GpuStorage {
  /** The host copy of an int32 tensor's values, when known without reading the GPU (else null). */
  host: Int32Array | null = null;
  /** True once `free` returned the buffer to the pool. */
  freed = false;
  /** Bytes into `buffer` where the elements start (0 unless the storage lives in an arena). */
  offset = 0;
  /** The arena holding the storage, or null for a buffer of its own. */
  arena: GpuArena | null = null;

  /**
   * @param buffer - The GPU buffer (null only in tests and examples without a device).
   * @param size - Elements.
   * @param dtype - Element type.
   */
  constructor(
    public buffer: GpuBuffer | null,
    readonly size: number,
    readonly dtype: DType,
  ) {}
}

/**
 * What a backend has sent to the GPU so far (cumulative; subtract two snapshots to count one step).
 *
 * @example
 * ```ts
 * import type { WebGpuCounters } from '@lxmls/backend-webgpu';
 * const before: WebGpuCounters = { dispatches: 10, submits: 1, encoders: 1, reads: 0 };
 * const after: WebGpuCounters = { dispatches: 95, submits: 2, encoders: 2, reads: 1 };
 * console.log(after.dispatches - before.dispatches, after.submits - before.submits); // → 85 1
 * ```
 */
export interface WebGpuCounters {
  /** Compute dispatches recorded. */
  dispatches: number;
  /** `queue.submit` calls (one command buffer each). */
  submits: number;
  /** Command encoders created (one per submit). */
  encoders: number;
  /** Reads of a storage back to the host (`read` or `readAsync`). */
  reads: number;
}

/** One operand of a dispatch: the name its WGSL body uses (`$name`), its storage, and how it is accessed. */
export interface Operand {
  name: string;
  storage: GpuStorage;
  /** The kernel writes it. */
  write?: boolean;
  /** Bound as `array<atomic<u32>>` (float atomics by compare-exchange). */
  atomic?: boolean;
}

/** A kernel's WGSL: workgroup size, extra module-scope declarations, and the body of `main`. */
export interface KernelSource {
  /** Threads per workgroup (1-D). */
  wg: number;
  /** Module-scope declarations (functions, `var<workgroup>` arrays). */
  decls?: string;
  /**
   * The body of `main`. In scope: `wid` (the workgroup's linear index), `lid` (the thread's index in it),
   * `gid` (`wid · wg + lid`), the parameter readers `pu(i)`, `pi(i)`, `pf(i)`, and each operand as `$name`.
   */
  body: string;
}

/** Size of one dispatch's parameter slot: 64 words (the uniform offset alignment is 256 bytes). */
const SLOT_BYTES = 256;
const SLOT_WORDS = SLOT_BYTES / 4;
/** Parameter slots per command buffer; a full arena submits. */
const ARENA_SLOTS = 2048;

/** The parameter readers and numeric helpers every kernel's module starts with. */
const PRELUDE = /* wgsl */ `
struct Params { w: array<vec4<u32>, ${SLOT_WORDS / 4}> }
@group(0) @binding(0) var<uniform> P: Params;
fn pu(i: u32) -> u32 { return P.w[i >> 2u][i & 3u]; }
fn pi(i: u32) -> i32 { return bitcast<i32>(pu(i)); }
fn pf(i: u32) -> f32 { return bitcast<f32>(pu(i)); }
fn nanf() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn inff() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn isnanf(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }
fn isinff(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }
`;

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The bits of `x` as a float32, for a parameter slot. */
export function f32bits(x: number): number {
  F32[0] = x;
  return U32[0]!;
}

/** Bytes of a pooled buffer for `bytes`: powers of two up to 1 MiB, then multiples of 1/8 of a power of two. */
function bucket(bytes: number): number {
  const b = Math.max(bytes, 16);
  if (b <= 1 << 20) return 2 ** Math.ceil(Math.log2(b));
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

/**
 * The shared state of one WebGPU device: buffer pool, pipelines, the open command encoder, the parameter
 * arena and the counters. Internal: `WebGpuBackend` holds one.
 */
export class Runtime {
  readonly counters: WebGpuCounters = { dispatches: 0, submits: 0, encoders: 0, reads: 0 };
  /** Dispatches per kernel (the key before its variant suffix), cumulative. */
  readonly perKernel = new Map<string, number>();
  private readonly pool = new Map<number, GpuBuffer[]>();
  private readonly pipelines = new Map<string, GpuComputePipeline>();
  private encoder: GpuCommandEncoder | null = null;
  private pass: GpuComputePass | null = null;
  private readonly arena: GpuBuffer;
  private readonly arenaHost = new Uint32Array(ARENA_SLOTS * SLOT_WORDS);
  private arenaUsed = 0;
  /** Buffers to destroy once the current command buffer is submitted (upload staging). */
  private toDestroy: GpuBuffer[] = [];
  /** Validation and out-of-memory errors the device reported, thrown at the next read. */
  readonly errors: string[] = [];
  /** A small buffer where kernels flag bad input found on the GPU (word 0: an id out of range; word 1: a bad target). */
  readonly flags: GpuStorage;
  /** True when a kernel that may set a flag ran since the flags were last read. */
  flagsDirty = false;
  readonly maxGroups: number;

  /**
   * @param device - The `GPUDevice`.
   * @param simple - Run the barrier-free kernels (one thread per output or row, no workgroup memory) instead
   *   of the tiled ones: CPU implementations of WebGPU (SwiftShader) run a workgroup with barriers as one
   *   coroutine per thread, which makes tiling many times slower there.
   */
  constructor(
    readonly device: GpuDevice,
    readonly simple = false,
  ) {
    this.maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    this.arena = device.createBuffer({
      size: ARENA_SLOTS * SLOT_BYTES,
      usage: BUFFER_USAGE.UNIFORM | BUFFER_USAGE.COPY_DST,
      label: 'lxmls-params',
    });
    const withEvents = device as GpuDevice & {
      addEventListener?: (type: string, fn: (e: { error?: { message?: string } }) => void) => void;
    };
    withEvents.addEventListener?.('uncapturederror', (e) => {
      this.errors.push(e.error?.message ?? 'unknown WebGPU error');
    });
    this.flags = this.alloc(4, 'int32', true);
  }

  /** A storage of `size` elements: from the pool, zero-filled unless `uninit`. */
  alloc(size: number, dtype: DType, uninit = false): GpuStorage {
    const bytes = bucket(size * 4);
    const free = this.pool.get(bytes);
    let buffer = free?.pop();
    if (buffer === undefined) {
      if (bytes > this.device.limits.maxStorageBufferBindingSize) {
        throw new LxmlsBackendWebgpuError(
          'UNSUPPORTED',
          'the tensor is larger than a storage binding allows',
          {
            fn: 'alloc',
            argument: 'size',
            expected: `at most ${this.device.limits.maxStorageBufferBindingSize / 4} elements`,
            received: String(size),
          },
        );
      }
      // a new buffer is zero-filled by WebGPU
      buffer = this.device.createBuffer({
        size: bytes,
        usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST,
      });
    } else if (!uninit) {
      this.endPass();
      this.commandEncoder().clearBuffer(buffer, 0, bytes);
    }
    return new GpuStorage(buffer, size, dtype);
  }

  /** Returns a storage's buffer to the pool (commands already recorded still see its old contents in order). */
  free(storage: GpuStorage): void {
    if (storage.freed || storage.buffer === null) return;
    storage.freed = true;
    storage.host = null;
    this.release(storage);
  }

  /** Gives back where a storage lives: its buffer to the pool, or its slot (the arena once empty). */
  private release(storage: GpuStorage): void {
    const arena = storage.arena;
    if (arena !== null) {
      storage.arena = null;
      // destroyed after the next submit: recorded commands may still use it
      if (--arena.live === 0) this.toDestroy.push(arena.buffer);
      return;
    }
    const list = this.pool.get(storage.buffer!.size);
    if (list === undefined) this.pool.set(storage.buffer!.size, [storage.buffer!]);
    else list.push(storage.buffer!);
  }

  /**
   * Moves `storages` into one new arena buffer of `bytes`, storage `i` at byte `offsets[i]` (aligned to the
   * storage-binding offset alignment), copying their elements; their old buffers go back to the pool.
   */
  moveToArena(storages: readonly GpuStorage[], offsets: readonly number[], bytes: number): GpuArena {
    const arena: GpuArena = {
      buffer: this.device.createBuffer({
        size: bytes,
        usage: BUFFER_USAGE.STORAGE | BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST,
        label: 'lxmls-arena',
      }),
      live: storages.length,
    };
    storages.forEach((s, i) => {
      this.copyBytes(s.buffer!, s.offset, arena.buffer, offsets[i]!, s.size * 4);
      this.release(s);
      s.buffer = arena.buffer;
      s.offset = offsets[i]!;
      s.arena = arena;
    });
    return arena;
  }

  /** The alignment of a storage binding's offset (bytes). */
  get offsetAlignment(): number {
    return this.device.limits.minStorageBufferOffsetAlignment ?? 256;
  }

  /**
   * Overwrites `storage` with `data`, in order with the recorded commands: the data goes into a fresh
   * staging buffer by `queue.writeBuffer` (which runs before the command buffer that copies it), and a copy
   * into the storage is recorded (no submit).
   */
  write(storage: GpuStorage, data: TypedArray): void {
    if (data.length === 0) return;
    const bytes = data.length * 4;
    const staging = this.device.createBuffer({
      size: bytes,
      usage: BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST,
    });
    this.device.queue.writeBuffer(staging, 0, data, 0, data.length);
    this.endPass();
    this.commandEncoder().copyBufferToBuffer(staging, 0, storage.buffer!, storage.offset, bytes);
    this.toDestroy.push(staging);
  }

  /** Zeros every element of `storage` (a buffer clear, no dispatch). */
  clear(storage: GpuStorage): void {
    if (storage.size === 0) return;
    this.endPass();
    this.commandEncoder().clearBuffer(storage.buffer!, storage.offset, storage.size * 4);
  }

  /** `out[0, size) = x[0, size)` as a buffer copy (no dispatch). */
  copy(x: GpuStorage, out: GpuStorage, size: number): void {
    this.copyAt(x, 0, out, 0, size);
  }

  /** `out[outAt, outAt + size) = x[xAt, xAt + size)` (elements) as a buffer copy (no dispatch). */
  copyAt(x: GpuStorage, xAt: number, out: GpuStorage, outAt: number, size: number): void {
    this.copyBytes(x.buffer!, x.offset + xAt * 4, out.buffer!, out.offset + outAt * 4, size * 4);
  }

  /** A copy between buffers, through a temporary buffer when both are one (WebGPU forbids that copy). */
  private copyBytes(from: GpuBuffer, fromAt: number, to: GpuBuffer, toAt: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    const encoder = this.commandEncoder();
    if (from !== to) {
      encoder.copyBufferToBuffer(from, fromAt, to, toAt, bytes);
      return;
    }
    const temp = this.device.createBuffer({
      size: bytes,
      usage: BUFFER_USAGE.COPY_SRC | BUFFER_USAGE.COPY_DST,
    });
    encoder.copyBufferToBuffer(from, fromAt, temp, 0, bytes);
    encoder.copyBufferToBuffer(temp, 0, to, toAt, bytes);
    this.toDestroy.push(temp);
  }

  private commandEncoder(): GpuCommandEncoder {
    if (this.encoder === null) {
      this.encoder = this.device.createCommandEncoder();
      this.counters.encoders++;
    }
    return this.encoder;
  }

  private endPass(): void {
    this.pass?.end();
    this.pass = null;
  }

  /**
   * Records one dispatch of `groups` workgroups (laid out in 2-D past the per-dimension limit; the body sees
   * the linear `wid`) with `params` (u32 words, at most 64) and `operands` bound once per distinct buffer.
   */
  dispatch(
    key: string,
    source: KernelSource,
    operands: Operand[],
    params: readonly number[],
    groups: number,
  ): void {
    if (groups <= 0) return;
    if (params.length > SLOT_WORDS)
      throw new Error(`${key}: ${params.length} parameter words, at most ${SLOT_WORDS}`);
    // one binding per distinct storage, so that views into one storage (dq, dk, dv of a packed gradient) never
    // alias two bindings; storages in one arena are disjoint slots of one buffer
    const storages: GpuStorage[] = [];
    const access: boolean[] = [];
    const types: string[] = [];
    const slotOf = new Map<string, number>();
    for (const op of operands) {
      let slot = storages.findIndex((s) => s.buffer === op.storage.buffer && s.offset === op.storage.offset);
      if (slot < 0) {
        slot = storages.length;
        storages.push(op.storage);
        access.push(false);
        types.push(op.atomic ? 'atomic<u32>' : op.storage.dtype === 'int32' ? 'i32' : 'f32');
      }
      if (op.write) {
        access[slot] = true;
        if (op.storage.dtype === 'int32') op.storage.host = null;
      }
      if (op.atomic) types[slot] = 'atomic<u32>';
      slotOf.set(op.name, slot);
    }
    // WebGPU forbids binding one buffer read-only and writable in one dispatch: slots of a written arena are
    // all bound read_write
    for (let i = 0; i < storages.length; i++) {
      if (access[i]) continue;
      access[i] = storages.some((s, j) => access[j] === true && s.buffer === storages[i]!.buffer);
    }
    const signature = `${key}|${operands.map((o) => slotOf.get(o.name)).join(',')}|${types.join(',')}|${access.join(',')}`;
    let pipeline = this.pipelines.get(signature);
    if (pipeline === undefined) {
      const bindings = storages
        .map(
          (_, i) =>
            `@group(0) @binding(${i + 1}) var<storage, ${access[i] ? 'read_write' : 'read'}> b${i}: array<${types[i]}>;`,
        )
        .join('\n');
      const body = source.body.replace(/\$(\w+)/g, (_, name: string) => {
        const slot = slotOf.get(name);
        if (slot === undefined) throw new Error(`${key}: the body names $${name}, which is no operand`);
        return `b${slot}`;
      });
      const decls = (source.decls ?? '').replace(/\$(\w+)/g, (_, name: string) => `b${slotOf.get(name)}`);
      const code = `${PRELUDE}\n${bindings}\n${decls}
@compute @workgroup_size(${source.wg})
fn main(@builtin(workgroup_id) w3: vec3<u32>, @builtin(num_workgroups) n3: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let wid = w3.x + w3.y * n3.x;
  let gid = wid * ${source.wg}u + lid;
${body}
}`;
      const module = this.device.createShaderModule({ code, label: key });
      pipeline = this.device.createComputePipeline({
        layout: 'auto',
        compute: { module, entryPoint: 'main' },
        label: key,
      });
      this.pipelines.set(signature, pipeline);
    }
    if (this.arenaUsed === ARENA_SLOTS) this.flush();
    const slot = this.arenaUsed++;
    this.arenaHost.fill(0, slot * SLOT_WORDS, (slot + 1) * SLOT_WORDS);
    for (let i = 0; i < params.length; i++) this.arenaHost[slot * SLOT_WORDS + i] = params[i]! >>> 0;
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: this.arena, offset: slot * SLOT_BYTES, size: SLOT_BYTES } },
        ...storages.map((s, i) => ({
          binding: i + 1,
          resource:
            s.arena === null
              ? { buffer: s.buffer! }
              : { buffer: s.buffer!, offset: s.offset, size: Math.max(4, s.size * 4) },
        })),
      ],
    });
    if (this.pass === null) this.pass = this.commandEncoder().beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const y = Math.ceil(groups / this.maxGroups);
    this.pass.dispatchWorkgroups(Math.ceil(groups / y), y);
    this.counters.dispatches++;
    this.perKernel.set(key, (this.perKernel.get(key) ?? 0) + 1);
  }

  /** Submits what was recorded (one command buffer), after uploading the parameters it uses. */
  flush(): void {
    this.endPass();
    if (this.encoder === null) return;
    if (this.arenaUsed > 0) {
      this.device.queue.writeBuffer(this.arena, 0, this.arenaHost, 0, this.arenaUsed * SLOT_WORDS);
      this.arenaUsed = 0;
    }
    this.device.queue.submit([this.encoder.finish()]);
    this.encoder = null;
    this.counters.submits++;
    for (const b of this.toDestroy) b.destroy();
    this.toDestroy = [];
  }

  private throwErrors(fn: string): void {
    if (this.errors.length === 0) return;
    const first = this.errors.splice(0);
    throw new LxmlsBackendWebgpuError('UNSUPPORTED', 'the GPU rejected a command', {
      fn,
      expected: 'no WebGPU validation error',
      received: first.join(' | ').slice(0, 500),
    });
  }

  /** The elements of `storage`, read with `mapAsync` (submits what was recorded). */
  async readAsync(storage: GpuStorage): Promise<TypedArray> {
    this.counters.reads++;
    const bytes = storage.size * 4;
    const flagBytes = this.flagsDirty ? 16 : 0;
    this.flagsDirty = false;
    const staging = this.device.createBuffer({
      size: Math.max(bytes + flagBytes, 4),
      usage: BUFFER_USAGE.MAP_READ | BUFFER_USAGE.COPY_DST,
    });
    this.endPass();
    const encoder = this.commandEncoder();
    if (bytes > 0) encoder.copyBufferToBuffer(storage.buffer!, storage.offset, staging, 0, bytes);
    if (flagBytes > 0) encoder.copyBufferToBuffer(this.flags.buffer!, 0, staging, bytes, 16);
    this.flush();
    await staging.mapAsync(MAP_MODE_READ);
    const copy = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    this.throwErrors('readAsync');
    if (flagBytes > 0) this.checkFlags(new Int32Array(copy, bytes, 4));
    const data = copy.slice(0, bytes);
    return storage.dtype === 'int32' ? new Int32Array(data) : new Float32Array(data);
  }

  /**
   * A synchronous read, which WebGPU does not have: always throws `UNSUPPORTED`, naming the asynchronous
   * read to use. (tfjs-backend-webgpu's trick, copying the buffer into a WebGPU canvas and reading it back
   * with a 2D context, returned zeros and lost the device in headless Chromium on SwiftShader.)
   */
  readSync(_storage: GpuStorage): TypedArray {
    throw new LxmlsBackendWebgpuError('UNSUPPORTED', 'WebGPU cannot read GPU memory synchronously', {
      fn: 'read',
      expected: 'an asynchronous read (await tensor.dataAsync())',
      received: 'a synchronous read (item(), toArray(), dataSync())',
    });
  }

  /** Throws what a kernel flagged on the GPU (ids or targets out of range), then clears the flags. */
  private checkFlags(flags: Int32Array): void {
    if (flags[0] === 0 && flags[1] === 0) return;
    this.endPass();
    this.commandEncoder().clearBuffer(this.flags.buffer!, 0, 16);
    const what =
      flags[0] !== 0 ? 'an id was out of range in gather' : 'a target was not a class index in crossEntropy';
    throw new LxmlsBackendWebgpuError(
      'INVALID_ARGUMENT',
      `${what} (found on the GPU, reported at this read)`,
      {
        fn: 'read',
        expected: 'ids in [0, numRows) and targets in [0, c) or the ignore index',
        received: 'a value outside',
      },
    );
  }

  /** Waits until the GPU has run everything submitted. */
  async sync(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
    this.throwErrors('sync');
  }

  /** Destroys every pooled buffer and the device. */
  dispose(): void {
    this.flush();
    for (const list of this.pool.values()) for (const b of list) b.destroy();
    this.pool.clear();
    this.arena.destroy();
    this.device.destroy();
  }
}
