/**
 * createSession: an ONNX Runtime session of an exported model, on onnxruntime-node when it is installed, else
 * on onnxruntime-web's wasm build (in Node too: its `.wasm` files load from its own package, never from a
 * CDN). The runtimes are optional peers, loaded when first asked for; the model's bytes are checked first
 * (an ONNX `ModelProto` that decodes, with a graph), so a corrupt or foreign file fails with a clear error.
 *
 * Follows the onnxruntime-common API (`InferenceSession.create(bytes, options)`, `new Tensor(type, data, dims)`),
 * which onnxruntime-node and onnxruntime-web share.
 */

import { check, LxmlsOnnxError } from './errors.js';
import { onnx } from './graph.js';

/** The part of an ONNX Runtime tensor that this package reads. */
export interface OrtTensorLike {
  readonly data: unknown;
  readonly dims: readonly number[];
}

/** The part of an `InferenceSession` (onnxruntime-node or onnxruntime-web) that this package uses. */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly { name: string; shape?: readonly (number | string)[] }[];
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

/** The part of a runtime module (`onnxruntime-node`, `onnxruntime-web`) that this package uses. */
export interface OrtRuntimeLike {
  Tensor: new (
    type: 'int64' | 'float32',
    data: BigInt64Array | Float32Array,
    dims: readonly number[],
  ) => unknown;
  InferenceSession: { create(bytes: Uint8Array, options?: object): Promise<OrtSessionLike> };
  env?: { wasm?: { numThreads?: number } };
}

/**
 * Which runtime runs a session: onnxruntime-node (native), onnxruntime-web's wasm build, or onnxruntime-web on
 * the GPU through WebGPU (browsers with `navigator.gpu` only).
 */
export type OnnxBackend = 'onnx-node' | 'onnx-wasm' | 'onnx-webgpu';

/** A session with its runtime, what {@link createSession} returns and {@link generateOnnx} takes. */
export interface OnnxSession {
  /** The runtime's `InferenceSession`: `run(feeds)` as ONNX Runtime documents it. */
  readonly session: OrtSessionLike;
  /** The runtime module (its `Tensor` class builds inputs). */
  readonly runtime: OrtRuntimeLike;
  /** The runtime in use. */
  readonly backend: OnnxBackend;
  /** The model's block size, from the export's `lxmls.config` metadata (undefined for another exporter's model). */
  readonly blockSize: number | undefined;
  /**
   * onnxruntime-node only: the intra-op threads asked for (`numThreads`, or what `'auto'` chose: see
   * {@link CreateSessionOptions}); undefined where the runtime chose (one per core).
   */
  readonly numThreads?: number;
}

/** Options of {@link createSession}. */
export interface CreateSessionOptions {
  /**
   * `'onnx-node'`, `'onnx-wasm'`, `'onnx-webgpu'` (onnxruntime-web's WebGPU execution provider; where
   * `navigator.gpu` exists), or `'auto'` (default): onnxruntime-node if it loads, else onnxruntime-web's wasm.
   */
  backend?: OnnxBackend | 'auto';
  /**
   * Threads: onnxruntime-node's intra-op threads (`intraOpNumThreads`), or the wasm build's
   * (`env.wasm.numThreads`). Default for onnxruntime-node, `'auto'`: the runtime's choice (one per core, the
   * fastest while each thread has a core of its own) unless the machine is busy when the session opens (a
   * 1-minute load average at or above the core count), then one: threads that share their cores with other
   * processes stall each other (one descheduled in the middle of an operator holds up the others, one
   * spinning for work takes time from the one that has it); on the loaded machine of the README, one thread
   * generated about twice as fast as two. The wasm build: the runtime's choice.
   */
  numThreads?: number | 'auto';
  /** ONNX Runtime's graph optimisation level (default `'all'`). */
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Or a runtime module given directly (e.g. a bundler's import of onnxruntime-web); `backend` then names it. */
  runtime?: OrtRuntimeLike;
}

/** Imports a module by a name the bundlers do not follow (the runtimes are optional peers). */
const importOptional = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

/** The runtime module of a backend, or null when it is not installed. */
async function loadRuntime(backend: OnnxBackend): Promise<OrtRuntimeLike | null> {
  try {
    const mod = (await importOptional(backend === 'onnx-node' ? 'onnxruntime-node' : 'onnxruntime-web')) as {
      default?: OrtRuntimeLike;
    } & OrtRuntimeLike;
    return mod.InferenceSession ? mod : (mod.default ?? null);
  } catch {
    return null;
  }
}

/** Decodes the model's header to check it is an ONNX model with a graph; returns its `lxmls.config` block size. */
function checkModel(bytes: Uint8Array): number | undefined {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    check.fail(
      'createSession',
      'bytes',
      undefined,
      'the bytes are not an ONNX model',
      'an ONNX ModelProto (e.g. from exportOnnx)',
      {
        code: 'INVALID_MODEL',
        received: `${bytes.length} bytes that do not decode (${(e as Error).message})`,
      },
    );
  }
  if (!model.graph?.node?.length)
    check.fail(
      'createSession',
      'bytes',
      undefined,
      'the ONNX model has no graph',
      'an ONNX ModelProto with a graph of nodes',
      { code: 'INVALID_MODEL', received: `${bytes.length} bytes without one` },
    );
  const config = model.metadataProps.find((p) => p.key === 'lxmls.config')?.value;
  try {
    const blockSize = config ? (JSON.parse(config) as { blockSize?: unknown }).blockSize : undefined;
    return typeof blockSize === 'number' ? blockSize : undefined;
  } catch {
    return undefined;
  }
}

/**
 * @internal onnxruntime-node's intra-op threads: `numThreads` itself, or for `'auto'` one on a busy machine
 * (a 1-minute load average at or above its core count) and the runtime's choice (undefined) otherwise.
 */
export function chooseNumThreads(
  numThreads: number | 'auto',
  load: number,
  cores: number,
): number | undefined {
  if (numThreads !== 'auto') return numThreads;
  return load >= cores ? 1 : undefined;
}

/** In Node, the 1-minute load average and the core count; in browsers (which do not say), an idle machine. */
function machineLoad(): [number, number] {
  const p = (globalThis as { process?: { getBuiltinModule?: (name: string) => unknown } }).process;
  if (typeof p?.getBuiltinModule !== 'function') return [0, 1];
  const os = p.getBuiltinModule('node:os') as {
    loadavg(): number[];
    availableParallelism?: () => number;
    cpus(): unknown[];
  };
  return [os.loadavg()[0] ?? 0, os.availableParallelism?.() ?? os.cpus().length];
}

/**
 * Opens an exported model on ONNX Runtime: onnxruntime-node when installed (or asked for), else
 * onnxruntime-web's wasm build.
 *
 * @param bytes - An ONNX model, e.g. from {@link exportOnnx}.
 * @param options - `backend` (`'auto'`, `'onnx-node'`, `'onnx-wasm'`, `'onnx-webgpu'`), `numThreads`,
 *   `graphOptimizationLevel`, or a `runtime` module.
 * @returns The session with its runtime, backend and block size.
 * @throws {@link LxmlsOnnxError} `INVALID_MODEL` for bytes that are not an ONNX model or that the runtime
 *   refuses; `RUNTIME_UNAVAILABLE` when the asked-for runtime is not installed, or for `'onnx-webgpu'` where
 *   there is no WebGPU (Node).
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { createSession, exportOnnx } from '@lxmls/onnx';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const onnx = await createSession(exportOnnx(model));
 * const { Tensor } = onnx.runtime;
 * const out = await onnx.session.run({ input_ids: new Tensor('int64', BigInt64Array.of(1n, 4n, 3n), [1, 3]) });
 * console.log(onnx.backend, onnx.blockSize, out.logits?.dims); // → onnx-node 11 [ 1, 3, 8 ]
 * ```
 */
export async function createSession(
  bytes: Uint8Array,
  options: CreateSessionOptions = {},
): Promise<OnnxSession> {
  const { backend = 'auto', numThreads = 'auto', graphOptimizationLevel = 'all' } = options;
  const blockSize = checkModel(bytes);
  let runtime = options.runtime ?? null;
  let chosen: OnnxBackend = backend === 'auto' ? 'onnx-node' : backend;
  if (!runtime) {
    runtime = await loadRuntime(chosen);
    if (!runtime && backend === 'auto') {
      chosen = 'onnx-wasm';
      runtime = await loadRuntime(chosen);
    }
  }
  if (!runtime)
    check.fail(
      'createSession',
      'options.backend',
      undefined,
      'ONNX Runtime is not installed',
      backend === 'auto' ? 'onnxruntime-node or onnxruntime-web installed' : `${chosen} installed`,
      {
        code: 'RUNTIME_UNAVAILABLE',
        received: `${backend}: the module does not load`,
        hint: 'Install onnxruntime-node (Node) or onnxruntime-web (browsers and Node).',
      },
    );
  if (
    chosen === 'onnx-webgpu' &&
    (globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu === undefined
  )
    check.fail(
      'createSession',
      'options.backend',
      undefined,
      'WebGPU is not available here',
      'a browser with WebGPU (navigator.gpu)',
      {
        code: 'RUNTIME_UNAVAILABLE',
        received: 'no navigator.gpu (Node has none)',
        hint: "Use 'onnx-wasm' or 'onnx-node' instead.",
      },
    );
  const [load, cores] = chosen === 'onnx-node' && numThreads === 'auto' ? machineLoad() : [0, 1];
  const nodeThreads = chooseNumThreads(numThreads, load, cores);
  if (chosen !== 'onnx-node' && numThreads !== 'auto' && runtime.env?.wasm)
    runtime.env.wasm.numThreads = numThreads;
  try {
    const session = await runtime.InferenceSession.create(bytes, {
      graphOptimizationLevel,
      logSeverityLevel: 3, // errors only: the runtime's warnings would print (WebGPU: ops placed on the CPU)
      ...(chosen !== 'onnx-node'
        ? { executionProviders: [chosen === 'onnx-webgpu' ? 'webgpu' : 'wasm'] }
        : nodeThreads === undefined
          ? {}
          : { intraOpNumThreads: nodeThreads }),
    });
    return {
      session,
      runtime,
      backend: chosen,
      blockSize,
      ...(chosen === 'onnx-node' && nodeThreads !== undefined ? { numThreads: nodeThreads } : {}),
    };
  } catch (e) {
    check.fail(
      'createSession',
      'bytes',
      undefined,
      'ONNX Runtime refused the model',
      'an ONNX model with operators the runtime supports',
      { code: 'INVALID_MODEL', received: (e as Error).message },
    );
  }
}
