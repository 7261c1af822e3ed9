/**
 * The small part of the WebGPU API this package uses, typed here so that the package needs no
 * `@webgpu/types` dependency and its declarations name no global WebGPU type (after the W3C WebGPU
 * specification's IDL; only the members called in `runtime.ts` are listed). Internal, except
 * {@link GpuBuffer}, the type of a storage's buffer.
 */

import type { GpuStorage } from './runtime.js';

/** `GPUBufferUsage` flags (WebGPU §5.1). */
export const BUFFER_USAGE = {
  MAP_READ: 0x0001,
  MAP_WRITE: 0x0002,
  COPY_SRC: 0x0004,
  COPY_DST: 0x0008,
  INDEX: 0x0010,
  VERTEX: 0x0020,
  UNIFORM: 0x0040,
  STORAGE: 0x0080,
} as const;

/** `GPUMapMode.READ`. */
export const MAP_MODE_READ = 0x0001;

/**
 * The members of a `GPUBuffer` this package uses (a real `GPUBuffer` has them): the buffer of a
 * {@link GpuStorage}.
 *
 * @example
 * ```ts
 * import type { GpuBuffer } from '@lxmls/backend-webgpu';
 * const size = (b: GpuBuffer) => b.size;
 * console.log(size({ size: 256 } as GpuBuffer)); // → 256
 * ```
 */
export interface GpuBuffer {
  readonly size: number;
  mapAsync(mode: number, offset?: number, size?: number): Promise<void>;
  getMappedRange(offset?: number, size?: number): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

/** A `GPUComputePipeline`. */
export interface GpuComputePipeline {
  getBindGroupLayout(index: number): unknown;
}

/** A `GPUComputePassEncoder`. */
export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

/** A `GPUCommandEncoder`. */
export interface GpuCommandEncoder {
  beginComputePass(descriptor?: object): GpuComputePass;
  copyBufferToBuffer(
    src: GpuBuffer,
    srcOffset: number,
    dst: GpuBuffer,
    dstOffset: number,
    size: number,
  ): void;
  clearBuffer(buffer: GpuBuffer, offset?: number, size?: number): void;
  finish(): unknown;
}

/** A `GPUQueue`. */
export interface GpuQueue {
  submit(buffers: unknown[]): void;
  writeBuffer(
    buffer: GpuBuffer,
    offset: number,
    data: ArrayBufferView,
    dataOffset?: number,
    size?: number,
  ): void;
  onSubmittedWorkDone(): Promise<void>;
}

/** `GPUSupportedLimits`, the members read here. */
export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBuffersPerShaderStage: number;
  readonly minStorageBufferOffsetAlignment?: number;
}

/** A `GPUDevice`. */
export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly queue: GpuQueue;
  readonly lost: Promise<{ message: string; reason?: string }>;
  createBuffer(descriptor: {
    size: number;
    usage: number;
    mappedAtCreation?: boolean;
    label?: string;
  }): GpuBuffer;
  createShaderModule(descriptor: { code: string; label?: string }): unknown;
  createComputePipeline(descriptor: {
    layout: 'auto';
    compute: { module: unknown; entryPoint: string };
    label?: string;
  }): GpuComputePipeline;
  createBindGroup(descriptor: {
    layout: unknown;
    entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[];
  }): unknown;
  createCommandEncoder(descriptor?: object): GpuCommandEncoder;
  pushErrorScope(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope(): Promise<{ message: string } | null>;
  destroy(): void;
}

/** `GPUAdapterInfo`. */
export interface GpuAdapterInfo {
  readonly vendor?: string;
  readonly architecture?: string;
  readonly device?: string;
  readonly description?: string;
}

/** A `GPUAdapter`. */
export interface GpuAdapter {
  readonly info?: GpuAdapterInfo;
  readonly limits: GpuLimits;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

/** `navigator.gpu`. */
export interface Gpu {
  requestAdapter(options?: {
    powerPreference?: 'low-power' | 'high-performance';
  }): Promise<GpuAdapter | null>;
}
