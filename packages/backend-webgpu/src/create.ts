/**
 * Finding WebGPU and creating the backend: {@link webgpuUnavailableReason}, {@link createWebGpuBackend} and
 * {@link registerWebGpuBackend} (the `webgpu` name in @lxmls/tensor's registry). Nothing touches the GPU
 * when this package is imported.
 */

import { listBackends, registerBackend } from '@lxmls/tensor';
import { WebGpuBackend, type WebGpuBackendOptions } from './backend.js';
import { LxmlsBackendWebgpuError } from './errors.js';
import type { Gpu, GpuAdapter } from './gpu-types.js';

/** Options of {@link createWebGpuBackend}. */
export interface CreateWebGpuBackendOptions extends WebGpuBackendOptions {
  /**
   * The `navigator.gpu` object to use (in Node, the npm `webgpu` package's `create([])`); `null` means
   * none. Defaults to `globalThis.navigator?.gpu`.
   */
  gpu?: unknown;
  /** The adapter's power preference. */
  powerPreference?: 'low-power' | 'high-performance';
}

function defaultGpu(): Gpu | undefined {
  return (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
}

/**
 * Why WebGPU cannot run here, or `null` when an adapter is found: no `navigator.gpu` (Node without the
 * `webgpu` package, an old browser), or `requestAdapter()` returning null (no GPU and no software adapter).
 *
 * @param gpu - The `navigator.gpu` object to try (defaults to `globalThis.navigator?.gpu`).
 * @returns A one-line reason, or null.
 * @example
 * ```ts
 * import { webgpuUnavailableReason } from '@lxmls/backend-webgpu';
 * console.log(await webgpuUnavailableReason(null)); // → no navigator.gpu in this environment
 * ```
 */
export async function webgpuUnavailableReason(gpu?: unknown): Promise<string | null> {
  const g = (gpu === undefined ? defaultGpu() : gpu) as Gpu | null | undefined;
  if (g === null || g === undefined) return 'no navigator.gpu in this environment';
  try {
    const adapter = await g.requestAdapter();
    return adapter === null ? 'navigator.gpu.requestAdapter() found no adapter' : null;
  } catch (error) {
    return `navigator.gpu.requestAdapter() failed: ${(error as Error).message}`;
  }
}

/** `vendor architecture` of an adapter, for display. */
function describeAdapter(adapter: GpuAdapter): string {
  const info = adapter.info ?? {};
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((p) => p);
  return parts.length > 0 ? parts.join(' ') : 'unknown adapter';
}

/**
 * Creates the `webgpu` backend on the first adapter `navigator.gpu` gives, with the adapter's largest
 * storage-buffer limits, and the `simple` kernels on a CPU adapter (SwiftShader, llvmpipe), the `tiled` ones
 * otherwise (unless `kernels` says).
 *
 * @param options - {@link CreateWebGpuBackendOptions}: the `gpu` object, power preference, `fused`.
 * @returns A promise of the backend.
 * @throws {@link LxmlsBackendWebgpuError} `BACKEND_UNAVAILABLE` when there is no `navigator.gpu`, no adapter,
 *   or the device cannot be created.
 * @example
 * ```ts
 * import { createWebGpuBackend } from '@lxmls/backend-webgpu';
 * const outcome = await createWebGpuBackend({ gpu: null }).catch((e) => e.code);
 * console.log(outcome); // → BACKEND_UNAVAILABLE
 * ```
 */
export async function createWebGpuBackend(options: CreateWebGpuBackendOptions = {}): Promise<WebGpuBackend> {
  const gpu = (options.gpu === undefined ? defaultGpu() : options.gpu) as Gpu | null | undefined;
  const reason = await webgpuUnavailableReason(gpu ?? null);
  if (reason !== null || gpu === null || gpu === undefined) {
    throw new LxmlsBackendWebgpuError('BACKEND_UNAVAILABLE', 'WebGPU is not available', {
      fn: 'createWebGpuBackend',
      expected: 'a WebGPU adapter (a browser with WebGPU, or Node with the npm webgpu package and a GPU)',
      received: reason ?? 'no navigator.gpu',
    });
  }
  const adapter = (await gpu.requestAdapter(
    options.powerPreference ? { powerPreference: options.powerPreference } : undefined,
  )) as GpuAdapter;
  let device: unknown;
  try {
    device = await adapter.requestDevice({
      requiredLimits: {
        maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: adapter.limits.maxBufferSize,
        maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      },
    });
  } catch (error) {
    throw new LxmlsBackendWebgpuError('BACKEND_UNAVAILABLE', 'the WebGPU device could not be created', {
      fn: 'createWebGpuBackend',
      expected: 'adapter.requestDevice() to succeed',
      received: (error as Error).message,
    });
  }
  const adapterName = options.adapterName ?? describeAdapter(adapter);
  // a CPU implementation of WebGPU runs barriers as coroutine switches: the barrier-free kernels are faster there
  const cpu = /swiftshader|llvmpipe|lavapipe|warp/i.test(adapterName);
  return new WebGpuBackend(device, {
    ...options,
    adapterName,
    kernels: options.kernels ?? (cpu ? 'simple' : 'tiled'),
  });
}

/**
 * Registers `webgpu` in @lxmls/tensor's registry. Its factory is asynchronous (finding an adapter is), so
 * `getBackend()` never picks it by itself: `await setBackend('webgpu')` creates it, and fails with
 * `BACKEND_UNAVAILABLE` where WebGPU is missing (the caller then keeps its CPU backend).
 *
 * @param options - Passed to {@link createWebGpuBackend}.
 * @param priority - The registry priority (default 0, below `js`, so that `getBackend()` never starts it).
 * @example
 * ```ts
 * import { registerWebGpuBackend } from '@lxmls/backend-webgpu';
 * import { listBackends } from '@lxmls/tensor';
 * registerWebGpuBackend();
 * console.log(listBackends().includes('webgpu')); // → true
 * ```
 */
export function registerWebGpuBackend(options: CreateWebGpuBackendOptions = {}, priority = 0): void {
  if (listBackends().includes('webgpu')) return;
  registerBackend('webgpu', () => createWebGpuBackend(options), priority);
}
