/**
 * Lazy loading of TensorFlow.js: `@tensorflow/tfjs-core` and one engine package, imported on first use (never
 * at import time of this package) so that only the packages a user picks need to be installed.
 *
 * The specifiers are computed, not literal, on purpose: a bundler then does not try to resolve the optional
 * peers a user did not install. With a bundler, import TensorFlow.js yourself and pass it as
 * `createTfjsBackend({ tf })` (see the README); in Node and in browsers with an import map, the lazy import
 * just works.
 */

import type * as TF from '@tensorflow/tfjs-core';
import { LxmlsBackendTfjsError } from './errors.js';

/** The TensorFlow.js core module (`import * as tf from '@tensorflow/tfjs-core'`, or the `tf` global). */
export type TfModule = typeof TF;

/** The TensorFlow.js engines this package maps the kernels onto. */
export type TfjsEngine = 'cpu' | 'wasm' | 'webgl' | 'webgpu';

/**
 * The npm package that provides each engine (an optional peer dependency of this package).
 *
 * @example
 * ```ts
 * import { ENGINE_PACKAGES } from '@lxmls/backend-tfjs';
 * console.log(ENGINE_PACKAGES.webgl); // → @tensorflow/tfjs-backend-webgl
 * ```
 */
export const ENGINE_PACKAGES: Record<TfjsEngine, string> = {
  cpu: '@tensorflow/tfjs-backend-cpu',
  wasm: '@tensorflow/tfjs-backend-wasm',
  webgl: '@tensorflow/tfjs-backend-webgl',
  webgpu: '@tensorflow/tfjs-backend-webgpu',
};

const CORE = '@tensorflow/tfjs-core';

/** A CommonJS module imported from ESM may put its exports under `default`. */
function unwrap<T>(module: unknown, probe: string): T {
  const m = module as Record<string, unknown>;
  if (typeof m[probe] === 'function') return m as T;
  const d = m.default as Record<string, unknown> | undefined;
  return (d && typeof d[probe] === 'function' ? d : m) as T;
}

async function importPackage(name: string, fn: string, cause: string): Promise<unknown> {
  try {
    return await import(/* @vite-ignore */ /* webpackIgnore: true */ name);
  } catch (error) {
    throw new LxmlsBackendTfjsError('MISSING_DEPENDENCY', `cannot load ${name}`, {
      fn,
      expected: `the package to be installed (${cause}): npm install ${name}@^4.22.0, or pass \`tf\` with the engine already loaded`,
      received: error instanceof Error ? error.message : String(error),
      cause: error,
    });
  }
}

/**
 * Imports `@tensorflow/tfjs-core`, with a `MISSING_DEPENDENCY` error naming the package when it is absent.
 *
 * @returns The tfjs-core module.
 */
export async function loadTfjsCore(): Promise<TfModule> {
  const module = await importPackage(CORE, 'createTfjsBackend', 'a peer dependency of @lxmls/backend-tfjs');
  return unwrap<TfModule>(module, 'tidy');
}

/**
 * Makes sure `engine` is registered in `tf`: imports its package when `tf` does not know it yet.
 *
 * @param tf - The tfjs-core module the kernels will run on.
 * @param engine - The engine.
 * @param wasmPaths - For `wasm`: the folder (or URL) holding the `.wasm` files, with a trailing slash.
 * @returns Nothing.
 */
export async function loadEngine(tf: TfModule, engine: TfjsEngine, wasmPaths?: string): Promise<void> {
  const name = ENGINE_PACKAGES[engine];
  let module: unknown;
  if (tf.findBackendFactory(engine) == null || (engine === 'wasm' && wasmPaths !== undefined)) {
    module = await importPackage(name, 'createTfjsBackend', `for the '${engine}' engine`);
  }
  if (tf.findBackendFactory(engine) == null && (engine === 'webgl' || engine === 'webgpu')) {
    // these packages register their engine only where it can run (a browser with WebGL / navigator.gpu)
    throw new LxmlsBackendTfjsError('BACKEND_UNAVAILABLE', `the '${engine}' engine is not available here`, {
      fn: 'createTfjsBackend',
      argument: 'backend',
      expected:
        engine === 'webgpu'
          ? 'a browser with WebGPU (navigator.gpu; headless Chromium needs --enable-unsafe-webgpu), and the package loaded into the same tfjs-core as `tf`'
          : 'a browser with WebGL, and the package loaded into the same tfjs-core as `tf`',
      received: typeof navigator === 'undefined' ? 'no navigator (Node?)' : navigator.userAgent,
    });
  }
  if (tf.findBackendFactory(engine) == null) {
    throw new LxmlsBackendTfjsError('MISSING_DEPENDENCY', `${name} did not register '${engine}'`, {
      fn: 'createTfjsBackend',
      argument: 'tf',
      expected: `${name} loaded into the same tfjs-core instance as \`tf\` (import it before calling, or do not pass \`tf\`)`,
      received: `a tfjs-core whose engines are ${Object.keys(tf.engine().registryFactory).join(', ') || 'none'}`,
    });
  }
  if (engine === 'wasm' && tf.engine().registry.wasm == null) {
    const setWasmPaths = unwrap<{ setWasmPaths?: (p: string) => void }>(
      module ?? (await importPackage(name, 'createTfjsBackend', "for the 'wasm' engine")),
      'setWasmPaths',
    ).setWasmPaths;
    const paths = wasmPaths ?? (await nodeWasmPaths());
    if (paths !== undefined && setWasmPaths) setWasmPaths(paths);
  }
}

/** In Node: the `dist/` folder of @tensorflow/tfjs-backend-wasm, so the `.wasm` files load from disk. */
async function nodeWasmPaths(): Promise<string | undefined> {
  const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
  if (!isNode) return undefined; // browsers: tfjs looks next to its script unless `wasmPaths` is given
  const { createRequire } = (await import(/* @vite-ignore */ 'node:module' as string)) as {
    createRequire: (from: string) => { resolve: (id: string) => string };
  };
  const packageJson = createRequire(import.meta.url).resolve(`${ENGINE_PACKAGES.wasm}/package.json`);
  return `${packageJson.slice(0, -'package.json'.length)}dist/`;
}
