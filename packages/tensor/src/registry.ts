/**
 * The backend registry, after tfjs's engine: backends register a factory (not an instance) with a priority;
 * `setBackend(name)` picks one, `getBackend()` returns the current one, creating the highest-priority backend
 * on first use. `js` is registered by default with priority 1 (a `wasm` package registers itself higher).
 *
 * No setup is needed: without any call, every op runs on the best registered backend.
 */

import type { Backend, BackendCapabilities } from './backend.js';
import { createJsBackend } from './backends/js.js';
import { LxmlsTensorError } from './errors.js';

/** Creates a backend; may be async (a WebGPU device, a WebAssembly module to compile). */
export type BackendFactory = () => Backend | Promise<Backend>;

interface Entry {
  factory: BackendFactory;
  priority: number;
  instance?: Backend;
  pending?: Promise<Backend>;
}

const entries = new Map<string, Entry>([['js', { factory: createJsBackend, priority: 1 }]]);
let current: { name: string; backend: Backend | null } | null = null;

/**
 * Registers a backend under a name. Registering an existing name replaces it (its instance is disposed).
 *
 * @param name - The name used by `setBackend`, e.g. `wasm` or `tfjs-webgl`.
 * @param factory - Creates the backend; called once, on first use.
 * @param priority - Higher wins when no backend was chosen with `setBackend`. Defaults to 1 (as `js`).
 * @returns Nothing.
 * @example
 * ```ts
 * import { createJsBackend, listBackends, registerBackend } from '@lxmls/tensor';
 * registerBackend('js-copy', createJsBackend, 0);
 * console.log(listBackends().includes('js-copy')); // → true
 * ```
 */
export function registerBackend(name: string, factory: BackendFactory, priority = 1): void {
  if (typeof name !== 'string' || name === '' || typeof factory !== 'function') {
    throw new LxmlsTensorError('INVALID_ARGUMENT', 'a backend needs a name and a factory', {
      fn: 'registerBackend',
      expected: 'a non-empty string and a function',
      received: `${typeof name} and ${typeof factory}`,
    });
  }
  removeBackend(name);
  entries.set(name, { factory, priority });
}

/**
 * Removes a registered backend, disposing its instance. If it was the current one, the next `getBackend()`
 * picks the best remaining backend.
 *
 * @param name - A registered name; unknown names are ignored.
 * @returns Nothing.
 * @example
 * ```ts
 * import { createJsBackend, listBackends, registerBackend, removeBackend } from '@lxmls/tensor';
 * registerBackend('tmp', createJsBackend, 0);
 * removeBackend('tmp');
 * console.log(listBackends().includes('tmp')); // → false
 * ```
 */
export function removeBackend(name: string): void {
  const entry = entries.get(name);
  if (!entry) return;
  entry.instance?.dispose?.();
  entries.delete(name);
  if (current?.name === name) current = null;
}

/**
 * The registered backend names, highest priority first.
 *
 * @returns The names.
 * @example
 * ```ts
 * import { listBackends } from '@lxmls/tensor';
 * console.log(listBackends().includes('js')); // → true
 * ```
 */
export function listBackends(): string[] {
  return [...entries.entries()].sort((a, b) => b[1].priority - a[1].priority).map(([name]) => name);
}

function entryOf(fn: string, name: string): Entry {
  const entry = entries.get(name);
  if (!entry) {
    throw new LxmlsTensorError('UNKNOWN_BACKEND', `no backend is registered as '${name}'`, {
      fn,
      argument: 'name',
      expected: `one of ${listBackends()
        .map((n) => `'${n}'`)
        .join(', ')}`,
      received: `'${name}'`,
    });
  }
  return entry;
}

/** Instantiates a backend; returns it synchronously when its factory is synchronous. */
function instantiate(entry: Entry): Backend | Promise<Backend> {
  if (entry.instance) return entry.instance;
  if (entry.pending) return entry.pending;
  const made = entry.factory();
  if (made instanceof Promise) {
    entry.pending = made.then((backend) => {
      entry.instance = backend;
      entry.pending = undefined;
      return backend;
    });
    return entry.pending;
  }
  entry.instance = made;
  return made;
}

/**
 * Makes `name` the current backend. A synchronous backend (`js`, `wasm` once compiled) is ready when the call
 * returns, so awaiting is optional; an asynchronous one (WebGPU) is ready when the promise resolves.
 *
 * @param name - A registered backend name.
 * @returns A promise that resolves to the backend once it is ready.
 * @throws {@link LxmlsTensorError} `UNKNOWN_BACKEND` with the list of registered names.
 * @example
 * ```ts
 * import { getBackend, setBackend } from '@lxmls/tensor';
 * await setBackend('js');
 * console.log(getBackend().name); // → js
 * ```
 */
export function setBackend(name: string): Promise<Backend> {
  const entry = entryOf('setBackend', name);
  const made = instantiate(entry);
  if (made instanceof Promise) {
    current = { name, backend: null };
    return made.then((backend) => {
      if (current?.name === name) current = { name, backend };
      return backend;
    });
  }
  current = { name, backend: made };
  return Promise.resolve(made);
}

/**
 * The current backend. Without a `setBackend` call, the highest-priority registered backend whose factory is
 * synchronous is created and used.
 *
 * @returns The current backend.
 * @throws {@link LxmlsTensorError} `BACKEND_NOT_READY` while an asynchronous backend chosen with `setBackend`
 *   is still initialising.
 * @example
 * ```ts
 * import { getBackend } from '@lxmls/tensor';
 * console.log(getBackend().capabilities.gradients); // → true
 * ```
 */
export function getBackend(): Backend {
  if (current?.backend) return current.backend;
  if (current) {
    throw new LxmlsTensorError('BACKEND_NOT_READY', `backend '${current.name}' is still initialising`, {
      fn: 'getBackend',
      expected: `\`await setBackend('${current.name}')\` before running ops`,
    });
  }
  for (const name of listBackends()) {
    const entry = entries.get(name)!;
    try {
      const made = instantiate(entry);
      if (made instanceof Promise) continue;
      current = { name, backend: made };
      return made;
    } catch {
      // a backend that cannot start here (no WebAssembly SIMD, no GPU): try the next one
    }
  }
  throw new LxmlsTensorError('UNKNOWN_BACKEND', 'no registered backend could start synchronously', {
    fn: 'getBackend',
    expected: `one of ${listBackends().join(', ')} to start`,
  });
}

/**
 * Runs `fn` with `backend` as the current backend, then restores the previous one (used by the conformance
 * suite to run the same ops on two backends).
 *
 * @param backend - A backend instance or a registered name.
 * @param fn - The code to run.
 * @returns What `fn` returns.
 * @example
 * ```ts
 * import { createJsBackend, getBackend, withBackend } from '@lxmls/tensor';
 * const other = createJsBackend();
 * console.log(withBackend(other, () => getBackend() === other)); // → true
 * ```
 */
export function withBackend<T>(backend: Backend | string, fn: () => T): T {
  const instance = typeof backend === 'string' ? instantiate(entryOf('withBackend', backend)) : backend;
  if (instance instanceof Promise) {
    throw new LxmlsTensorError('BACKEND_NOT_READY', `backend '${String(backend)}' is still initialising`, {
      fn: 'withBackend',
      expected: `\`await setBackend('${String(backend)}')\` first`,
    });
  }
  const saved = current;
  current = { name: instance.name, backend: instance };
  try {
    return fn();
  } finally {
    current = saved;
  }
}

/**
 * Throws `MISSING_CAPABILITY` unless `backend` has `capability`; ops call it on first use of a feature.
 *
 * @param backend - The backend to check.
 * @param capability - The capability needed.
 * @param fn - The op that needs it, for the message.
 * @returns Nothing.
 * @throws {@link LxmlsTensorError} `MISSING_CAPABILITY`.
 * @example
 * ```ts
 * import { getBackend, requireCapability } from '@lxmls/tensor';
 * requireCapability(getBackend(), 'gradients', 'backward');
 * console.log('ok'); // → ok
 * ```
 */
export function requireCapability(backend: Backend, capability: keyof BackendCapabilities, fn: string): void {
  if (backend.capabilities[capability]) return;
  throw new LxmlsTensorError(
    'MISSING_CAPABILITY',
    `backend '${backend.name}' does not support ${capability}`,
    {
      fn,
      expected: `a backend with capabilities.${capability} = true (available: ${listBackends().join(', ')})`,
      received: `'${backend.name}'`,
    },
  );
}
