/**
 * The ONNX Runtime backends of `lxmls generate` and `lxmls viz` (`--backend onnx | onnx-wasm | onnx-node |
 * onnx-webgpu`): the loaded GPT is exported to ONNX in memory (@lxmls/onnx's `exportOnnx`, with the KV cache,
 * with the attention weights as outputs for viz) and run on onnxruntime-node or onnxruntime-web's wasm build,
 * with the tensor path's semantics (@lxmls/onnx's `promptRowsOnnx`, which `lxmls generate` runs: the same ids;
 * `attentionForVizOnnx`: the same attentions). A missing runtime, or WebGPU in Node, is one line and exit code 2.
 *
 * Follows `modelAttention` of viz-model.ts (the GPT's tokens, cropped to the block size).
 */

import type { GPT } from '@lxmls/gpt';
import {
  attentionForVizOnnx,
  createSession,
  exportOnnx,
  LxmlsOnnxError,
  type OnnxSession,
} from '@lxmls/onnx';

export type { OnnxSession };

import { COMMON_OPTIONS, type StringOption } from './args.js';
import { CliError } from './errors.js';
import type { ModelAttention, VizModel } from './viz-model.js';

/**
 * The `--backend` names that run the model on ONNX Runtime.
 *
 * @example
 * ```ts
 * import { ONNX_BACKENDS } from './onnx-backend.js';
 * console.log(ONNX_BACKENDS.join(' ')); // → onnx onnx-wasm onnx-node onnx-webgpu
 * ```
 */
export const ONNX_BACKENDS = ['onnx', 'onnx-wasm', 'onnx-node', 'onnx-webgpu'] as const;

/** One of {@link ONNX_BACKENDS}. */
export type OnnxBackendName = (typeof ONNX_BACKENDS)[number];

/**
 * The `--backend B` row of `lxmls generate` and `lxmls viz`: the tensor backends, and ONNX Runtime.
 *
 * @example
 * ```ts
 * import { BACKEND_OR_ONNX_OPTION } from './onnx-backend.js';
 * console.log(BACKEND_OR_ONNX_OPTION.help.includes('onnx-wasm')); // → true
 * ```
 */
export const BACKEND_OR_ONNX_OPTION: StringOption = {
  ...COMMON_OPTIONS.backend,
  help: `${COMMON_OPTIONS.backend.help}
Or ONNX Runtime (@lxmls/onnx: the model is exported to ONNX in memory and run there, with the same
results): onnx (onnxruntime-node when it is installed, else onnxruntime-web's wasm build), onnx-node,
onnx-wasm, onnx-webgpu (browsers only; the docs site has it).`,
};

/**
 * Whether `--backend` names ONNX Runtime rather than a tensor backend.
 *
 * @param name - The `--backend` value.
 * @returns True for `onnx`, `onnx-wasm`, `onnx-node`, `onnx-webgpu`.
 * @example
 * ```ts
 * import { isOnnxBackend } from './onnx-backend.js';
 * console.log(isOnnxBackend('onnx-wasm'), isOnnxBackend('wasm'), isOnnxBackend(undefined)); // → true false false
 * ```
 */
export function isOnnxBackend(name: string | undefined): name is OnnxBackendName {
  return (ONNX_BACKENDS as readonly (string | undefined)[]).includes(name);
}

/**
 * Exports `model` to ONNX in memory (KV cache, ONNX Runtime's fused operators, `num_logits_to_keep`; attention
 * weights as outputs when asked) and opens it on the runtime `--backend` names, with all graph optimisations.
 *
 * @param model - The loaded GPT.
 * @param backend - An ONNX backend name.
 * @param options - `attentions`: export every layer's attention weights.
 * @returns The session; release it with `session.release()`.
 * @throws {@link CliError} with one line when the runtime is missing, for `onnx-webgpu` in Node, or for a
 *   model the exporter cannot write.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { RandomGenerator } from '@lxmls/tensor';
 * import { openOnnx } from './onnx-backend.js';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const error = await openOnnx(model, 'onnx-webgpu').then(() => new Error('opened'), (e: unknown) => e as Error);
 * console.log(error.name, error.message);
 * // → CliError --backend onnx-webgpu: WebGPU is not available here (no navigator.gpu (Node has none)); use --backend onnx, onnx-node or onnx-wasm, or the docs site in a browser with WebGPU
 * ```
 */
export async function openOnnx(
  model: GPT,
  backend: OnnxBackendName,
  options: { attentions?: boolean } = {},
): Promise<OnnxSession> {
  try {
    // the graph for ONNX Runtime: its fused contrib operators, and the head on the last position when generating
    const bytes = exportOnnx(model, {
      kvCache: true,
      attentions: options.attentions === true,
      fused: true,
      numLogitsToKeep: true,
    });
    return await createSession(bytes, { backend: backend === 'onnx' ? 'auto' : backend });
  } catch (error) {
    if (!LxmlsOnnxError.isInstance(error)) throw error;
    throw onnxCliError(error, backend);
  }
}

/**
 * The one line of an @lxmls/onnx error under `--backend`: what is missing and what to use instead.
 *
 * @param error - The error of @lxmls/onnx.
 * @param backend - The `--backend` value.
 * @returns The CLI error (exit code 2).
 * @example
 * ```ts
 * import { LxmlsOnnxError } from '@lxmls/onnx';
 * import { onnxCliError } from './onnx-backend.js';
 * const missing = new LxmlsOnnxError('RUNTIME_UNAVAILABLE', 'ONNX Runtime is not installed', { fn: 'createSession', received: 'onnx-node: the module does not load' });
 * console.log(onnxCliError(missing, 'onnx-node').message);
 * // → --backend onnx-node: ONNX Runtime is not installed (onnx-node: the module does not load); install onnxruntime-node (or onnxruntime-web for onnx-wasm), or use a tensor backend (wasm)
 * ```
 */
export function onnxCliError(error: LxmlsOnnxError, backend: OnnxBackendName): CliError {
  if (error.code !== 'RUNTIME_UNAVAILABLE') return new CliError(error.message);
  const instead =
    backend === 'onnx-webgpu'
      ? 'use --backend onnx, onnx-node or onnx-wasm, or the docs site in a browser with WebGPU'
      : 'install onnxruntime-node (or onnxruntime-web for onnx-wasm), or use a tensor backend (wasm)';
  return new CliError(`--backend ${backend}: ${error.what} (${String(error.received)}); ${instead}`);
}

/**
 * What `lxmls viz` draws, on ONNX Runtime: the GPT's tokens of `text` (cropped to the block size) and every
 * layer's attention weights from the export's `attentions.N` outputs.
 *
 * @param model - The loaded model (a GPT; a BERT is refused).
 * @param backend - An ONNX backend name.
 * @param text - The text.
 * @param options - `queriesKeys`: the neuron view's queries and keys, which the export does not output (refused).
 * @returns The tokens and the weights, as `modelAttention` returns them.
 * @throws {@link CliError} for a BERT, for the neuron view, and what {@link openOnnx} throws.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { RandomGenerator } from '@lxmls/tensor';
 * import { onnxAttention } from './onnx-backend.js';
 * import { modelTokenizer } from './text-tokenizer.js';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const gpt = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const tokenizer = await modelTokenizer('lxmls/weather-nano', 8);
 * const data = await onnxAttention({ kind: 'gpt', gpt, tokenizer }, 'onnx', 'read walk sunny');
 * console.log(data.tokens, data.attention.length, data.attention[0]!.length, data.attention[0]![0]!.length); // → [ 'read', 'walk', 'sunny' ] 3 3 9
 * ```
 */
export async function onnxAttention(
  model: VizModel,
  backend: OnnxBackendName,
  text: string,
  options: { queriesKeys?: boolean } = {},
): Promise<ModelAttention> {
  if (model.kind !== 'gpt')
    throw new CliError(
      `--backend ${backend} runs GPT models only; a BERT runs on the tensor backends (wasm, js)`,
    );
  if (options.queriesKeys === true)
    throw new CliError(
      `--view neuron needs each head's queries and keys, which the ONNX export does not output: use --view head or model with --backend ${backend}, or a tensor backend (wasm) for the neuron view`,
    );
  const gpt = model.gpt;
  const { ids, tokens } = model.tokenizer.tokens(text);
  const T = Math.min(ids.length, gpt.blockSize);
  const onnx = await openOnnx(gpt, backend, { attentions: true });
  try {
    const attention = await attentionForVizOnnx(onnx, ids.slice(0, T));
    return {
      tokens: tokens.slice(0, T),
      attention,
      ...(ids.length > T ? { croppedFrom: ids.length } : {}),
    };
  } finally {
    await onnx.session.release();
  }
}
