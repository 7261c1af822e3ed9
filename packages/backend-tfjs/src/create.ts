/**
 * Creating and registering the TensorFlow.js backends: {@link createTfjsBackend} and
 * {@link registerTfjsBackends}. Nothing is loaded or registered when this package is imported.
 */

import { listBackends, registerBackend } from '@lxmls/tensor';
import { TfjsBackend, type TfjsBackendOptions } from './backend.js';
import { LxmlsBackendTfjsError } from './errors.js';
import { ENGINE_PACKAGES, loadEngine, loadTfjsCore, type TfjsEngine, type TfModule } from './load.js';

/**
 * The engines, in the order {@link registerTfjsBackends} registers them.
 *
 * @example
 * ```ts
 * import { TFJS_ENGINES } from '@lxmls/backend-tfjs';
 * console.log(TFJS_ENGINES.map((e) => `tfjs-${e}`).join(' ')); // → tfjs-webgpu tfjs-webgl tfjs-wasm tfjs-cpu
 * ```
 */
export const TFJS_ENGINES: readonly TfjsEngine[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** Options of {@link createTfjsBackend}. */
export interface CreateTfjsBackendOptions extends TfjsBackendOptions {
  /** The tfjs engine: `cpu`, `wasm`, `webgl` or `webgpu` (registry names `tfjs-cpu`, … `tfjs-webgpu`). */
  backend: TfjsEngine;
  /**
   * The tfjs-core module to run on (`import * as tf from '@tensorflow/tfjs-core'`, or the `tf` global of
   * the script bundles). Defaults to a lazy `import('@tensorflow/tfjs-core')`. With a bundler, pass it, and
   * import the engine package yourself: that registers the engine in this `tf`.
   */
  tf?: TfModule;
  /** For `wasm`: where the `.wasm` files are, with a trailing slash. In Node, defaults to the package's `dist/`. */
  wasmPaths?: string;
}

/**
 * Creates a {@link TfjsBackend} on one TensorFlow.js engine: loads `@tensorflow/tfjs-core` and the engine's
 * package if needed (both optional peer dependencies), initialises the engine, and returns the backend,
 * named `tfjs-<engine>`.
 *
 * @param options - The engine, and optionally the `tf` module, `wasmPaths`, `checkIndices`.
 * @returns A promise of the backend, ready to use.
 * @throws {@link LxmlsBackendTfjsError} `MISSING_DEPENDENCY` naming the package to install,
 *   `BACKEND_UNAVAILABLE` when the engine cannot start here (no WebGL, no WebGPU adapter), or
 *   `INVALID_ARGUMENT` for an unknown engine.
 * @example
 * ```ts
 * import { createTfjsBackend } from '@lxmls/backend-tfjs';
 * import { tensor, withBackend } from '@lxmls/tensor';
 * const backend = await createTfjsBackend({ backend: 'cpu' });
 * const y = withBackend(backend, () => tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])));
 * console.log(backend.name, y.toArray()); // → tfjs-cpu [ [ 3 ], [ 7 ] ]
 * ```
 */
export async function createTfjsBackend(options: CreateTfjsBackendOptions): Promise<TfjsBackend> {
  const engine = options?.backend;
  if (!TFJS_ENGINES.includes(engine)) {
    throw new LxmlsBackendTfjsError('INVALID_ARGUMENT', 'unknown TensorFlow.js engine', {
      fn: 'createTfjsBackend',
      argument: 'backend',
      expected: `one of ${TFJS_ENGINES.map((e) => `'${e}'`).join(', ')}`,
      received: typeof engine === 'string' ? `'${engine}'` : String(engine),
    });
  }
  const tf = options.tf ?? (await loadTfjsCore());
  await loadEngine(tf, engine, options.wasmPaths);
  const previous = tf.engine().backendName ?? null;
  let ready = false;
  let cause: unknown;
  try {
    ready = await tf.setBackend(engine);
  } catch (error) {
    cause = error;
  }
  if (!ready) {
    if (previous && previous !== engine && tf.engine().registry[previous]) await tf.setBackend(previous);
    throw new LxmlsBackendTfjsError('BACKEND_UNAVAILABLE', `the '${engine}' engine cannot start here`, {
      fn: 'createTfjsBackend',
      argument: 'backend',
      expected:
        engine === 'webgpu'
          ? 'a browser with WebGPU (navigator.gpu and an adapter; headless Chromium needs --enable-unsafe-webgpu)'
          : engine === 'webgl'
            ? 'a browser with WebGL (a canvas context)'
            : `${ENGINE_PACKAGES[engine]} to initialise`,
      received: cause instanceof Error ? cause.message : 'tf.setBackend returned false',
      ...(cause === undefined ? {} : { cause }),
    });
  }
  return new TfjsBackend(tf, engine, options);
}

/** Options of {@link registerTfjsBackends}. */
export interface RegisterTfjsBackendsOptions extends Omit<CreateTfjsBackendOptions, 'backend'> {
  /** Which engines to register. Defaults to all four. */
  engines?: readonly TfjsEngine[];
  /**
   * Registry priority (higher wins when no backend was chosen). Defaults to 0, below `js` (1): registering
   * never changes the default backend; select one with `await setBackend('tfjs-webgl')`.
   */
  priority?: number;
}

/**
 * Registers `tfjs-webgpu`, `tfjs-webgl`, `tfjs-wasm` and `tfjs-cpu` (or `options.engines`) with
 * `@lxmls/tensor`'s registry. Nothing is loaded until a backend is selected: then `await setBackend(name)`
 * creates it with {@link createTfjsBackend}.
 *
 * @param options - Which engines, their priority, and the options passed to {@link createTfjsBackend}.
 * @returns The registered names.
 * @example
 * ```ts
 * import { registerTfjsBackends } from '@lxmls/backend-tfjs';
 * import { getBackend, setBackend, tensor } from '@lxmls/tensor';
 * console.log(registerTfjsBackends()); // → [ 'tfjs-webgpu', 'tfjs-webgl', 'tfjs-wasm', 'tfjs-cpu' ]
 * await setBackend('tfjs-cpu');
 * console.log(getBackend().name, tensor([1, 2]).exp().toArray()); // → tfjs-cpu [ 2.7182817459106445, 7.389056205749512 ]
 * await setBackend('js');
 * ```
 */
export function registerTfjsBackends(options: RegisterTfjsBackendsOptions = {}): string[] {
  const { engines = TFJS_ENGINES, priority = 0, ...rest } = options;
  const names: string[] = [];
  for (const engine of engines) {
    const name = `tfjs-${engine}`;
    registerBackend(name, () => createTfjsBackend({ ...rest, backend: engine }), priority);
    names.push(name);
  }
  return names.filter((name) => listBackends().includes(name));
}
