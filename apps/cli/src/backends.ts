/**
 * The tensor backends the command line can run on, shared by `lxmls bench`, `lxmls generate` and `lxmls info`:
 * `wasm` (@lxmls/backend-wasm, the default), `js` (the reference), and the Node tfjs engines `tfjs-wasm` and
 * `tfjs-cpu` (@lxmls/backend-tfjs). `--backend B` picks one; an unknown name lists the available ones.
 */

import { registerTfjsBackends } from '@lxmls/backend-tfjs';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { type Backend, getBackend, listBackends, setBackend } from '@lxmls/tensor';
import type { StringOption } from './args.js';
import { CliError } from './errors.js';

/** The `--backend B` row of the commands that compute with tensors. */
export const BACKEND_OPTION: StringOption = {
  type: 'string',
  value: 'B',
  help: 'The tensor backend (default: the highest-priority one, wasm): wasm, js, tfjs-wasm, tfjs-cpu. An unknown name lists the available ones.',
};

/** The thread count the registered `wasm` backend was created with. */
let wasmThreads: number | 'auto' | undefined;

/**
 * Registers `wasm` and the Node tfjs engines (once) and makes `name`, or the highest-priority backend (wasm),
 * the current one.
 *
 * @param name - A backend name (`--backend B`), or `undefined` for the default.
 * @param options - `threads`: the wasm backend's thread count (`--threads N`, 1 or 2; default: as many as
 *   the machine allows, see @lxmls/backend-wasm `availableThreads`).
 * @returns The backend now current.
 * @throws {@link CliError} for a name that is not registered, listing the available ones.
 * @example
 * ```ts
 * import { chooseBackend } from './backends.js';
 * console.log((await chooseBackend('js')).name); // → js
 * ```
 */
export async function chooseBackend(
  name: string | undefined,
  options: { threads?: number } = {},
): Promise<Backend> {
  const threads = options.threads ?? 'auto';
  if (!listBackends().includes('wasm') || wasmThreads !== threads) {
    registerWasmBackend(10, { threads }); // replaces (and disposes) a wasm backend of another thread count
    wasmThreads = threads;
  }
  if (!listBackends().includes('tfjs-wasm')) registerTfjsBackends({ engines: ['wasm', 'cpu'] });
  const available = listBackends();
  const chosen = name ?? available[0]!;
  if (!available.includes(chosen))
    throw new CliError(
      `unknown backend ${JSON.stringify(chosen)}: available backends are ${available.join(', ')}`,
    );
  await setBackend(chosen);
  return getBackend();
}
