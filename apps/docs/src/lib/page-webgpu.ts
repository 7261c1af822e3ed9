/**
 * The `webgpu` backend of @lxmls/backend-webgpu in a page of the site: found and created once (the adapter,
 * the device), registered under the name `webgpu` with priority 0 (wasm stays the default), and the helpers
 * that carry a model between it and the CPU. WebGPU reads are asynchronous (`item()` throws there), so a
 * model trained on the GPU is copied to the wasm backend (each tensor read once with `await dataAsync()`)
 * for the evaluation, which reads synchronously; and a model loaded on the CPU is copied to the GPU to
 * generate there.
 *
 * Follows the training and generate pages' backend picker of issue 16 (item 3): the adapter's name shown,
 * and a clear message naming the CPU fallback where WebGPU is missing.
 */

import { createWebGpuBackend, type WebGpuBackend, webgpuUnavailableReason } from '@lxmls/backend-webgpu';
import { type Backend, listBackends, registerBackend, type Tensor, tensor, withBackend } from '@lxmls/tensor';

/** A module's state, as @lxmls/nn's `Module` (and so `GPT`) has it. */
interface WithState {
  stateDict(): Map<string, Tensor>;
  loadStateDict(state: Map<string, Tensor>): unknown;
}

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

/**
 * Copies the parameters and buffers of `source` into `target` (a module of the same architecture on another
 * backend), reading each of `source`'s tensors once with `await dataAsync()` (so `source` may live on
 * WebGPU) and writing it on `target`'s backend.
 *
 * @param source - The trained module (any backend).
 * @param target - The module to fill (its tensors are overwritten in place).
 * @param targetBackend - The backend `target` lives on (the wasm backend, the page's webgpu one).
 * @returns `target`.
 */
export async function copyWeights<M extends WithState>(
  source: WithState,
  target: M,
  targetBackend: Backend,
): Promise<M> {
  const state = new Map<string, Tensor>();
  try {
    for (const [name, t] of source.stateDict()) {
      const data = await t.dataAsync();
      state.set(
        name,
        withBackend(targetBackend, () => tensor(data, t.shape, t.dtype)),
      );
    }
    target.loadStateDict(state);
  } finally {
    for (const t of state.values()) t.dispose();
  }
  return target;
}
