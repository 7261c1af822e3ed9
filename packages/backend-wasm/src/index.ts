/**
 * @lxmls/backend-wasm: SIMD WebAssembly kernels (AssemblyScript, compiled at build time and embedded), the
 * kernel layer of the default CPU backend of @lxmls/tensor (docs/architecture.md "Why we own the tensor core").
 *
 * @packageDocumentation
 */

export type { AllocatorOptions } from './allocator.js';
export { Allocator } from './allocator.js';
export type { WasmBackendOptions } from './backend.js';
export { createWasmBackend, registerWasmBackend, WasmBackend, WasmStorage } from './backend.js';
export type { BackendWasmErrorCode, BackendWasmErrorDetails } from './errors.js';
export { LxmlsBackendWasmError } from './errors.js';
export type {
  AdamWOptions,
  CrossEntropyResult,
  MatmulOptions,
  Ptr,
  WasmKernels,
  WasmKernelsOptions,
} from './kernels.js';
export { createWasmKernels, createWasmKernelsSync, hasWasmRelaxedSimd, hasWasmSimd } from './kernels.js';
export { toSharedMemoryModule } from './shared-memory.js';
export type { TeamStats } from './threads.js';
export { availableThreads } from './threads.js';
