/**
 * @lxmls/backend-webgpu: the kernels of `@lxmls/tensor` in WGSL on WebGPU (`webgpu`), with fused softmax,
 * cross-entropy, layerNorm, GELU, linear, attention and AdamW kernels, a buffer pool, reads only when
 * asked, and dispatch/submit counters. Every export is listed here.
 */

export { WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
export {
  type CreateWebGpuBackendOptions,
  createWebGpuBackend,
  registerWebGpuBackend,
  webgpuUnavailableReason,
} from './create.js';
export {
  type BackendWebgpuErrorCode,
  type BackendWebgpuErrorDetails,
  LxmlsBackendWebgpuError,
} from './errors.js';
export type { GpuBuffer } from './gpu-types.js';
export { type GpuArena, GpuStorage, type WebGpuCounters } from './runtime.js';
