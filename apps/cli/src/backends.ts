/**
 * The tensor backends the command line can run on, shared by `lxmls bench`, `lxmls generate` and `lxmls info`:
 * `wasm` (@lxmls/backend-wasm, the default), `js` (the reference), and the Node tfjs engines `tfjs-wasm` and
 * `tfjs-cpu` (@lxmls/backend-tfjs), and `webgpu` (@lxmls/backend-webgpu, where Node has a WebGPU adapter: Dawn
 * from the npm `webgpu` package, webgpu-node.ts, and a GPU; elsewhere one line says why, and the CPU backends stay). `--backend B` picks
 * one; an unknown name lists the available ones.
 */

import { totalmem } from 'node:os';
import { registerTfjsBackends } from '@lxmls/backend-tfjs';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { registerWebGpuBackend, webgpuUnavailableReason } from '@lxmls/backend-webgpu';
import { type Backend, getBackend, listBackends, removeBackend, setBackend } from '@lxmls/tensor';
import { CliError } from './errors.js';
import { nodeWebGpu } from './webgpu-node.js';

/** Whether `webgpu` is registered with the `navigator.gpu` it runs on (the browser's, or Dawn's in Node). */
let webgpuStarted = false;

/** The thread count the registered `wasm` backend was created with. */
let wasmThreads: number | 'auto' | undefined;

/**
 * Registers `wasm` and the Node tfjs engines (once) and makes `name`, or the highest-priority backend (wasm),
 * the current one.
 *
 * @param name - A backend name (`--backend B`), or `undefined` for the default.
 * @param options - `threads`: the wasm backend's thread count (`--threads N`, 1 or 2; default: as many as
 *   the machine allows, see @lxmls/backend-wasm `availableThreads`); `asyncReads`: the command runs on a
 *   backend whose reads are asynchronous (`webgpu`), else such a backend is refused in one line.
 * @returns The backend now current.
 * @throws {@link CliError} for a name that is not registered, listing the available ones, and for `webgpu`
 *   where Node has no WebGPU adapter (the reason, and the CPU backend to use instead).
 * @example
 * ```ts
 * import { chooseBackend } from './backends.js';
 * console.log((await chooseBackend('js')).name); // → js
 * ```
 */
export async function chooseBackend(
  name: string | undefined,
  options: { threads?: number; asyncReads?: boolean } = {},
): Promise<Backend> {
  const threads = options.threads ?? 'auto';
  if (!listBackends().includes('wasm') || wasmThreads !== threads) {
    registerWasmBackend(10, { threads }); // replaces (and disposes) a wasm backend of another thread count
    wasmThreads = threads;
  }
  if (!listBackends().includes('tfjs-wasm')) registerTfjsBackends({ engines: ['wasm', 'cpu'] });
  // priority 0: never the default; its factory is asynchronous (finding an adapter), so only --backend webgpu starts it
  if (!listBackends().includes('webgpu')) registerWebGpuBackend();
  const available = listBackends();
  const chosen = name ?? available[0]!;
  if (!available.includes(chosen))
    throw new CliError(
      `unknown backend ${JSON.stringify(chosen)}: available backends are ${available.join(', ')}`,
    );
  if (chosen === 'webgpu' && !webgpuStarted) {
    // Node: Dawn from the npm webgpu package (webgpu-node.ts); one line where it is missing or finds no adapter
    const gpu = (await webgpuUnavailableReason()) === null ? undefined : await nodeWebGpu();
    removeBackend('webgpu');
    registerWebGpuBackend(gpu === undefined ? {} : { gpu });
    webgpuStarted = true;
  }
  await setBackend(chosen);
  const backend = getBackend();
  if (backend.capabilities.async === true && options.asyncReads !== true) {
    await setBackend(available[0]!);
    throw new CliError(
      `this command reads tensors synchronously, and backend ${chosen}'s reads are asynchronous: use --backend wasm (${chosen} runs lxmls train, generate --mode sample and bench train-step)`,
    );
  }
  return backend;
}

/**
 * What a backend can hold, for the memory checks made before training or generating (issue 17): 4 GiB for
 * the WebAssembly backends (32-bit memory), else this machine's memory.
 *
 * @param backend - The backend's name.
 * @returns The bytes, and the limit in words for a message.
 * @example
 * ```ts
 * import { memoryLimit } from './backends.js';
 * console.log(memoryLimit('wasm')); // → [ 4294967296, "the wasm backend's 4 GiB of WebAssembly memory" ]
 * ```
 */
export function memoryLimit(backend: string): [number, string] {
  if (backend.includes('wasm')) return [2 ** 32, `the ${backend} backend's 4 GiB of WebAssembly memory`];
  return [totalmem(), `this machine's ${(totalmem() / 2 ** 30).toFixed(1)} GiB of memory`];
}
