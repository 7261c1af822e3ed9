/**
 * The `webgpu` backend of @lxmls/backend-webgpu in a page of the site: found and created once (the adapter,
 * the device), registered under the name `webgpu` with priority 0 (wasm stays the default). WebGPU reads are
 * asynchronous (`item()` throws there), so the pages carry a model between it and the CPU with @lxmls/course's
 * `copyModel` (each tensor read once with `await dataAsync()`): a model trained on the GPU to the wasm backend
 * for the evaluation, which reads synchronously, and a model loaded on the CPU to the GPU to generate there.
 *
 * Follows the training and generate pages' backend picker of issue 16 (item 3): the adapter's name shown,
 * and a clear message naming the CPU fallback where WebGPU is missing.
 */

import { createWebGpuBackend, type WebGpuBackend, webgpuUnavailableReason } from '@lxmls/backend-webgpu';
import { listBackends, registerBackend } from '@lxmls/tensor';

/** The page's webgpu backend, or why there is none. */
export type PageWebGpu = { backend: WebGpuBackend; unavailable?: undefined } | { unavailable: string };

let started: Promise<PageWebGpu> | null = null;

/**
 * The page's `webgpu` backend, created on first call (later calls share it) and registered as `webgpu`, or
 * the reason WebGPU cannot run in this browser.
 *
 * @returns `{ backend }` (its `adapterName` for the page) or `{ unavailable }`.
 */
export function pageWebGpu(): Promise<PageWebGpu> {
  started ??= (async (): Promise<PageWebGpu> => {
    const reason = await webgpuUnavailableReason();
    if (reason !== null) return { unavailable: reason };
    try {
      const backend = await createWebGpuBackend();
      if (!listBackends().includes('webgpu')) registerBackend('webgpu', () => backend, 0);
      return { backend };
    } catch (error) {
      return { unavailable: error instanceof Error ? error.message : String(error) };
    }
  })();
  return started;
}

/** The sentence a page shows where WebGPU cannot run: the reason and the CPU backend used instead. */
export function webgpuFallbackText(reason: string): string {
  return `WebGPU is not available in this browser (${reason}), so this runs on the CPU (the wasm backend). Chrome and Edge 113+ have WebGPU; Firefox and Safari behind a setting.`;
}

/**
 * A note for an adapter that runs WebGPU on the CPU (SwiftShader, llvmpipe: headless browsers and machines
 * without a GPU), where WebGPU is slower than the wasm backend; '' for a GPU.
 *
 * @param adapterName - The backend's `adapterName`.
 * @returns The note, starting with a space, or ''.
 * @example
 * ```ts
 * import { cpuAdapterNote } from './lib/page-webgpu.js';
 * console.log(cpuAdapterNote('google swiftshader') !== '', cpuAdapterNote('nvidia hopper')); // → true
 * ```
 */
export function cpuAdapterNote(adapterName: string): string {
  return /swiftshader|llvmpipe|lavapipe/i.test(adapterName)
    ? ' This adapter runs WebGPU on the CPU (no GPU here), so it is slower than wasm.'
    : '';
}
