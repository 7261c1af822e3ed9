/**
 * Loading a GPT-2 checkpoint in Hugging Face layout into the course GPT's config and state dict: one call
 * for `GPT.fromPretrained`.
 *
 * The order matters for big checkpoints: `config.json` is read and checked, then the safetensors header
 * alone, against the shapes that config implies; only then are the tensors read (the mask buffers, and an
 * `lm_head.weight` that transformers would tie away, are never converted), and the Conv1D weights are
 * transposed one by one, each original freed as soon as its transpose exists.
 */

import { type LxmlsNnError, readSafetensors, readSafetensorsHeader } from '@lxmls/nn';
import type { Tensor } from '@lxmls/tensor';
import { check, LxmlsGptError } from '../errors.js';
import { type CheckpointConfig, type HfGpt2Config, hfConfigToGptConfig } from './hf-config.js';
import {
  type AttentionLayout,
  checkHead,
  checkHfTensorShapes,
  hfStateDictToMinGpt,
  isHfMaskBuffer,
  type TensorShapeInfo,
} from './hf-weights.js';
import { type ResolvedSource, type ResolveSourceOptions, resolveSource } from './source.js';

/** Options of {@link loadCheckpoint} and {@link checkpointFromFiles}. */
export interface CheckpointOptions {
  /**
   * The attention parameters of the result: `'fused'` (`c_attn` / `c_proj`, `config.pretrained = true`, as
   * the toolkit's `from_pretrained`) or `'separate'` (the exercise's `query_proj`, `key_proj`, `value_proj`,
   * `output_proj`, `config.pretrained = false`). @defaultValue `'fused'`
   */
  attention?: AttentionLayout;
}

/** Options of {@link loadCheckpoint}: the attention layout plus where and how to fetch. */
export interface LoadCheckpointOptions extends CheckpointOptions, ResolveSourceOptions {}

/** A checkpoint, ready for `new GPT(config)` and `gpt.loadStateDict(stateDict)`. */
export interface LoadedCheckpoint {
  /** The course config (sizes from `config.json`, `modelType` the hub name or `null`). */
  config: CheckpointConfig;
  /** The course state dict: minGPT names, `Linear` (out, in) weights, `lm_head.weight` included. */
  stateDict: Map<string, Tensor>;
  /** `config.json` as it was. */
  hfConfig: HfGpt2Config;
  /** Whether the checkpoint's head is tied to `wte` (its `lm_head.weight` is then a copy of `wte`). */
  tieWordEmbeddings: boolean;
  /** Where it came from. */
  source: Pick<ResolvedSource, 'kind' | 'location' | 'modelId'>;
}

/**
 * Loads a GPT-2 checkpoint in Hugging Face layout (`config.json` + `model.safetensors`) from a local folder,
 * a URL or a hub id (`gpt2`, `gpt2-medium`, `gpt2-large`, `gpt2-xl`), with a cache, progress and
 * cancellation (see {@link resolveSource}), and converts it to the course GPT's config and state dict.
 *
 * Half-precision (F16, BF16) checkpoints are converted to float32.
 *
 * @remarks Python: `GPT.from_pretrained(model_type)` (docs/course-behaviour.md §2.9), which loads the weights through
 *   `transformers.GPT2LMHeadModel`; here the files are read directly.
 * @param source - A folder path, an http(s) URL, or a hub id.
 * @param options - {@link LoadCheckpointOptions}: `attention`, `hubUrl`, `revision`, `cache`, `cacheDir`,
 *   `offline`, `fetch`, `onProgress`, `signal`.
 * @returns The {@link LoadedCheckpoint}. The tensors are new: dispose them once copied into a model.
 * @throws {@link LxmlsGptError} as {@link resolveSource}; `INVALID_CONFIG` for a `config.json` the GPT
 *   cannot follow; `INVALID_CHECKPOINT` for a truncated or corrupt `model.safetensors` (the reason named);
 *   `CHECKPOINT_MISMATCH` for tensors that do not fit `config.json` (the key and both shapes named).
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { loadCheckpoint } from '@lxmls/gpt';
 * import { modelUrl } from '@lxmls/models';
 * const { config, stateDict, tieWordEmbeddings } = await loadCheckpoint(fileURLToPath(modelUrl('lxmls/gpt2-shakespeare')));
 * console.log(config.nLayer, config.nHead, config.nEmbd, config.blockSize, tieWordEmbeddings); // → 4 4 128 128 true
 * console.log(stateDict.get('transformer.h.0.attn.c_attn.weight')?.shape); // → [ 384, 128 ]
 * for (const t of stateDict.values()) t.dispose();
 * ```
 */
export async function loadCheckpoint(
  source: string,
  options: LoadCheckpointOptions = {},
): Promise<LoadedCheckpoint> {
  const resolved = await resolveSource(source, options);
  const loaded = convert(
    resolved.configJson,
    resolved.weightsBytes,
    resolved.location,
    resolved.modelId,
    options,
    'loadCheckpoint',
  );
  return {
    ...loaded,
    source: { kind: resolved.kind, location: resolved.location, modelId: resolved.modelId },
  };
}

/**
 * Converts the two files of a Hugging Face GPT-2 checkpoint, already in memory, to the course config and
 * state dict: for files a user picked in a browser, or fetched some other way. No I/O.
 *
 * @param configJson - `config.json`: its text or the parsed object.
 * @param weightsBytes - The bytes of `model.safetensors`.
 * @param options - {@link CheckpointOptions}: `attention`.
 * @returns The {@link LoadedCheckpoint} (its `source.kind` is `'folder'`, `location` `'(memory)'`).
 * @throws {@link LxmlsGptError} as {@link loadCheckpoint}, without the I/O errors.
 * @example
 * ```ts
 * import { checkpointFromFiles } from '@lxmls/gpt';
 * try {
 *   checkpointFromFiles('{"n_layer": 1, "n_head": 1, "n_embd": 4, "vocab_size": 10, "n_positions": 8}', new Uint8Array(4));
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/gpt] checkpointFromFiles: model.safetensors is truncated or corrupt. Expected a valid safetensors file at (memory), received the file is shorter than its 8-byte header length. (The reader expected at least 8 bytes, and found 4 bytes.)
 * }
 * ```
 */
export function checkpointFromFiles(
  configJson: string | HfGpt2Config,
  weightsBytes: Uint8Array,
  options: CheckpointOptions = {},
): LoadedCheckpoint {
  const fn = 'checkpointFromFiles';
  let hf: unknown = configJson;
  if (typeof configJson === 'string') {
    try {
      hf = JSON.parse(configJson);
    } catch (error) {
      check.fail(fn, 'configJson', undefined, 'config.json is not valid JSON', 'the text of a JSON object', {
        code: 'INVALID_CHECKPOINT',
        received: (error as Error).message,
        cause: error,
      });
    }
  }
  const loaded = convert(hf as HfGpt2Config, weightsBytes, '(memory)', null, options, fn);
  return { ...loaded, source: { kind: 'folder', location: '(memory)', modelId: null } };
}

function convert(
  hfConfig: HfGpt2Config,
  bytes: Uint8Array,
  location: string,
  modelId: string | null,
  options: CheckpointOptions,
  fn: string,
): Omit<LoadedCheckpoint, 'source'> {
  const attention = options.attention ?? 'fused';
  const config = hfConfigToGptConfig(hfConfig, { modelType: modelId, pretrained: attention === 'fused' });
  const corrupt = (error: unknown): never => {
    // The reader's own message names the tensor and the offset at fault: its first sentence is the reason,
    // its expected/received the detail.
    const { message = String(error), expected, received } = error as Partial<LxmlsNnError>;
    const reason = message.replace(/^\[@lxmls\/nn\] [\w.]+: /, '').replace(/\. Expected [\s\S]*$|\.$/, '');
    const nonFinite = (error as Partial<LxmlsNnError>).what?.endsWith('not finite') === true;
    const what = nonFinite ? 'model.safetensors holds weights that are not finite' : 'truncated or corrupt';
    throw new LxmlsGptError('INVALID_CHECKPOINT', nonFinite ? what : `model.safetensors is ${what}`, {
      fn,
      argument: 'source',
      expected: `a valid safetensors file at ${location}`,
      received: reason,
      ...(expected !== undefined && received !== undefined
        ? { hint: `(The reader expected ${expected}, and found ${received}.)` }
        : {}),
      cause: error,
    });
  };
  let shapes: Map<string, TensorShapeInfo>;
  try {
    shapes = new Map(
      readSafetensorsHeader(bytes).entries.map((e) => [e.name, { shape: e.shape, dtype: e.dtype }]),
    );
  } catch (error) {
    return corrupt(error);
  }
  // far more blocks than the weights hold: said at once, as the expected shapes of checkHfTensorShapes grow
  // with n_layer (issue 17: n_layer 1e7 over a small checkpoint took 30 s and 2.4 GB before an error); a
  // near miss is named key by key there
  let layers = 0;
  for (const name of shapes.keys()) {
    const match = /(?:^|\.)h\.(\d+)\./.exec(name);
    if (match) layers = Math.max(layers, Number(match[1]) + 1);
  }
  if (layers > 0 && config.nLayer > layers + 1024)
    check.fail(
      fn,
      'n_layer',
      undefined,
      'config.json does not fit model.safetensors',
      `n_layer ${layers}, as the weights hold transformer.h.0 to transformer.h.${layers - 1} in ${location}`,
      { code: 'CHECKPOINT_MISMATCH', received: `n_layer ${config.nLayer}` },
    );
  const stored = checkHfTensorShapes(shapes, config, fn); // before any tensor is allocated
  const tie = hfConfig.tie_word_embeddings !== false;
  checkHead(fn, stored, tie, 'lm_head.weight, as config.json says tie_word_embeddings: false');
  let tensors: Map<string, Tensor>;
  try {
    // The mask buffers carry no weights, and a tied head is taken from wte: neither is converted.
    const wanted = (name: string) => !isHfMaskBuffer(name) && !(tie && name === stored.get('lm_head.weight'));
    tensors = readSafetensors(bytes, { names: wanted, finite: true }).tensors; // NaN weights: an error, not garbage
  } catch (error) {
    return corrupt(error);
  }
  const stateDict = hfStateDictToMinGpt(tensors, config, {
    attention,
    tieWordEmbeddings: tie,
    consume: true,
  });
  return { config, stateDict, hfConfig, tieWordEmbeddings: tie };
}
