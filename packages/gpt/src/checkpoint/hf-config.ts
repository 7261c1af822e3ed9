/**
 * Hugging Face GPT-2 `config.json` ↔ the course config (minGPT's `CfgNode`, camelCase).
 *
 * Reading checks everything our GPT would otherwise get silently wrong: the activation (only `gelu_new`, the
 * tanh GELU of docs/course-behaviour.md §2.2), the LayerNorm epsilon (1e-5, PyTorch's default), the MLP width (4·n_embd), and the
 * attention variants transformers has but minGPT has not (scaling by layer index, cross-attention).
 * Writing produces a `config.json` that transformers' `GPT2LMHeadModel.from_pretrained` loads: every field of
 * `GPT2Config` with its default, keys sorted as `save_pretrained` writes them.
 */

import { check, LxmlsGptError } from '../errors.js';

/** The course config of a checkpoint: the fields of minGPT's `GPT.get_default_config()` (docs/course-behaviour.md §2.1). */
export interface CheckpointConfig {
  /** A model type of the table (`'gpt2'`, ...) when known, else `null` (the sizes below are given). */
  modelType: string | null;
  /** Number of blocks. */
  nLayer: number;
  /** Number of attention heads. */
  nHead: number;
  /** Embedding width C. */
  nEmbd: number;
  /** Vocabulary size V. */
  vocabSize: number;
  /** Context length (HF `n_positions`). */
  blockSize: number;
  /** Dropout after the embeddings. */
  embdPdrop: number;
  /** Dropout on the residual branches. */
  residPdrop: number;
  /** Dropout on the attention weights. */
  attnPdrop: number;
  /** True: the blocks use the fused `c_attn` attention (docs/course-behaviour.md §2.4); false: the exercise attention (§2.3). */
  pretrained: boolean;
}

/** A Hugging Face `config.json` of a GPT-2 model, as parsed JSON. */
export type HfGpt2Config = Record<string, unknown>;

/** Options of {@link hfConfigToGptConfig}. */
export interface HfConfigToGptConfigOptions {
  /** The `modelType` of the result (e.g. `'gpt2'` for the hub model). @defaultValue `null` */
  modelType?: string | null;
  /** The `pretrained` flag of the result (true: fused `c_attn` attention). @defaultValue true */
  pretrained?: boolean;
}

const describe = (value: unknown) =>
  value === undefined ? 'undefined' : typeof value === 'string' ? JSON.stringify(value) : String(value);

/**
 * Reads a Hugging Face GPT-2 `config.json` into the course config.
 *
 * `n_positions` (or the legacy `n_ctx`) becomes `blockSize`. Absent fields take `GPT2Config`'s defaults
 * (dropouts 0.1, epsilon 1e-5, `gelu_new`); the sizes are required.
 *
 * @remarks Python: `GPT.from_pretrained` (docs/course-behaviour.md §2.9) builds this config by hand for the four hub models
 *   (`vocab_size=50257`, `block_size=1024`, `pretrained=True`); here it is read from the file, so any GPT-2
 *   sized checkpoint loads.
 * @param hf - The parsed `config.json`.
 * @param options - `modelType` and `pretrained` of the result.
 * @returns The course config.
 * @throws {@link LxmlsGptError} `INVALID_CONFIG` naming the field: a size that is not a positive integer,
 *   `n_embd` not divisible by `n_head`, a dropout outside [0, 1), `model_type` other than `gpt2`,
 *   `activation_function` other than `gelu_new`, `layer_norm_epsilon` other than 1e-5, `n_inner` other than
 *   null or 4·n_embd, `scale_attn_weights: false`, `scale_attn_by_inverse_layer_idx: true`,
 *   `add_cross_attention: true`, a non-boolean `tie_word_embeddings`.
 * @example
 * ```ts
 * import { hfConfigToGptConfig } from '@lxmls/gpt';
 * const config = hfConfigToGptConfig({ n_layer: 12, n_head: 12, n_embd: 768, vocab_size: 50257, n_positions: 1024 });
 * console.log(config.nLayer, config.blockSize, config.attnPdrop, config.pretrained); // → 12 1024 0.1 true
 * try {
 *   hfConfigToGptConfig({ n_layer: 2, n_head: 2, n_embd: 8, vocab_size: 10, n_positions: 4, activation_function: 'relu' });
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/gpt] hfConfigToGptConfig: config.json asks for an activation the GPT does not have. Expected activation_function "gelu_new" (the tanh GELU), received "relu".
 * }
 * ```
 */
export function hfConfigToGptConfig(
  hf: HfGpt2Config,
  options: HfConfigToGptConfigOptions = {},
): CheckpointConfig {
  const fn = 'hfConfigToGptConfig';
  if (typeof hf !== 'object' || hf === null || Array.isArray(hf))
    check.fail(
      fn,
      'hf',
      undefined,
      'the config is not a JSON object',
      'the parsed config.json of a GPT-2 model',
      { code: 'INVALID_CONFIG', received: Array.isArray(hf) ? 'an array' : describe(hf) },
    );
  const bad = (field: string, what: string, expected: string): never => {
    check.fail(fn, field, undefined, what, `${field} ${expected}`, {
      code: 'INVALID_CONFIG',
      received: describe(hf[field]),
    });
  };
  const size = (field: string, fallback?: string): number => {
    const value = hf[field] ?? (fallback === undefined ? undefined : hf[fallback]);
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
    return bad(field, `config.json has no valid ${field}`, 'a positive integer');
  };
  const probability = (field: string): number => {
    const value = hf[field] ?? 0.1;
    if (typeof value === 'number' && value >= 0 && value < 1) return value;
    return bad(field, `config.json has an invalid ${field}`, 'a probability in [0, 1)');
  };
  const flag = (field: string, required: boolean) => {
    const value = hf[field];
    if (value === undefined || value === null || value === required) return;
    bad(field, `config.json asks for an attention variant the GPT does not have`, `${required} (or absent)`);
  };

  if (hf.model_type !== undefined && hf.model_type !== 'gpt2') {
    bad('model_type', 'config.json is not a GPT-2 config', '"gpt2"');
  }
  const nLayer = size('n_layer');
  const nHead = size('n_head');
  const nEmbd = size('n_embd');
  const vocabSize = size('vocab_size');
  const blockSize =
    hf.n_positions === undefined && hf.n_ctx !== undefined ? size('n_ctx') : size('n_positions');
  if (nEmbd % nHead !== 0)
    check.fail(fn, 'n_embd', nEmbd, 'n_embd is not a multiple of n_head', `a multiple of n_head = ${nHead}`, {
      code: 'INVALID_CONFIG',
      received: String(nEmbd),
    });
  const activation = hf.activation_function ?? 'gelu_new';
  if (activation !== 'gelu_new') {
    bad(
      'activation_function',
      'config.json asks for an activation the GPT does not have',
      '"gelu_new" (the tanh GELU)',
    );
  }
  const eps = hf.layer_norm_epsilon ?? 1e-5;
  if (eps !== 1e-5) bad('layer_norm_epsilon', 'config.json asks for another LayerNorm epsilon', '1e-5');
  if (hf.n_inner !== undefined && hf.n_inner !== null && hf.n_inner !== 4 * nEmbd) {
    bad('n_inner', 'config.json asks for another MLP width', `null or 4·n_embd = ${4 * nEmbd}`);
  }
  flag('scale_attn_weights', true);
  flag('scale_attn_by_inverse_layer_idx', false);
  flag('add_cross_attention', false);
  if (hf.tie_word_embeddings !== undefined && typeof hf.tie_word_embeddings !== 'boolean') {
    bad('tie_word_embeddings', 'config.json has an invalid tie_word_embeddings', 'a boolean');
  }
  return {
    modelType: options.modelType ?? null,
    nLayer,
    nHead,
    nEmbd,
    vocabSize,
    blockSize,
    embdPdrop: probability('embd_pdrop'),
    residPdrop: probability('resid_pdrop'),
    attnPdrop: probability('attn_pdrop'),
    pretrained: options.pretrained ?? true,
  };
}

/** Options of {@link gptConfigToHfConfig}. */
export interface GptConfigToHfConfigOptions {
  /**
   * `tie_word_embeddings`: true when the weights file has no `lm_head.weight` (transformers then uses
   * `wte` as the head), false when it has its own.
   * @defaultValue true
   */
  tieWordEmbeddings?: boolean;
  /**
   * `dtype`: the type the weights file stores, `'float16'` for a checkpoint saved with `float16`.
   * @defaultValue 'float32'
   */
  dtype?: 'float32' | 'float16';
}

/** The GPT-2 end-of-text token, GPT2Config's default `bos_token_id` and `eos_token_id`. */
const END_OF_TEXT = 50256;

/**
 * Writes the course config as a Hugging Face GPT-2 `config.json` object that transformers'
 * `GPT2LMHeadModel.from_pretrained` loads: `architectures: ["GPT2LMHeadModel"]`, `model_type: "gpt2"`, the
 * sizes and dropouts, and every other `GPT2Config` field with its default, keys sorted.
 *
 * `bos_token_id` / `eos_token_id` are GPT-2's `<|endoftext|>` (50256) when the vocabulary has it, else null.
 *
 * @param config - The course config (the fields of {@link CheckpointConfig} that matter here).
 * @param options - `tieWordEmbeddings` (default true).
 * @returns A plain object; `JSON.stringify(obj, null, 2)` is the file.
 * @throws {@link LxmlsGptError} `INVALID_CONFIG` for a size that is not a positive integer or a dropout
 *   outside [0, 1).
 * @example
 * ```ts
 * import { gptConfigToHfConfig } from '@lxmls/gpt';
 * const hf = gptConfigToHfConfig({ nLayer: 3, nHead: 3, nEmbd: 48, vocabSize: 8, blockSize: 11, embdPdrop: 0.1, residPdrop: 0.1, attnPdrop: 0.1 });
 * console.log(hf.architectures, hf.model_type, hf.n_positions, hf.activation_function, hf.eos_token_id); // → [ 'GPT2LMHeadModel' ] gpt2 11 gelu_new null
 * ```
 */
export function gptConfigToHfConfig(
  config: Pick<
    CheckpointConfig,
    'nLayer' | 'nHead' | 'nEmbd' | 'vocabSize' | 'blockSize' | 'embdPdrop' | 'residPdrop' | 'attnPdrop'
  >,
  options: GptConfigToHfConfigOptions = {},
): HfGpt2Config {
  const fn = 'gptConfigToHfConfig';
  const valid = (field: keyof typeof config, ok: (v: unknown) => boolean, expected: string) => {
    const value = (config as Record<string, unknown>)[field];
    if (ok(value)) return value as number;
    check.fail(fn, `config.${field}`, undefined, `config.${field} is invalid`, expected, {
      code: 'INVALID_CONFIG',
      received: describe(value),
    });
  };
  const positive = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 1;
  const probability = (v: unknown) => typeof v === 'number' && v >= 0 && v < 1;
  const nLayer = valid('nLayer', positive, 'a positive integer');
  const nHead = valid('nHead', positive, 'a positive integer');
  const nEmbd = valid('nEmbd', positive, 'a positive integer');
  const vocabSize = valid('vocabSize', positive, 'a positive integer');
  const blockSize = valid('blockSize', positive, 'a positive integer');
  const embdPdrop = valid('embdPdrop', probability, 'a probability in [0, 1)');
  const residPdrop = valid('residPdrop', probability, 'a probability in [0, 1)');
  const attnPdrop = valid('attnPdrop', probability, 'a probability in [0, 1)');
  if (nEmbd % nHead !== 0)
    check.fail(
      fn,
      'config.nEmbd',
      nEmbd,
      'nEmbd is not a multiple of nHead',
      `a multiple of nHead = ${nHead} (GPT2Config requires it)`,
      { code: 'INVALID_CONFIG', received: String(nEmbd) },
    );
  const special = vocabSize > END_OF_TEXT ? END_OF_TEXT : null;
  return {
    activation_function: 'gelu_new',
    add_cross_attention: false,
    architectures: ['GPT2LMHeadModel'],
    attn_pdrop: attnPdrop,
    bos_token_id: special,
    dtype: options.dtype ?? 'float32',
    embd_pdrop: embdPdrop,
    eos_token_id: special,
    initializer_range: 0.02,
    layer_norm_epsilon: 1e-5,
    model_type: 'gpt2',
    n_embd: nEmbd,
    n_head: nHead,
    n_inner: null,
    n_layer: nLayer,
    n_positions: blockSize,
    pad_token_id: null,
    reorder_and_upcast_attn: false,
    resid_pdrop: residPdrop,
    scale_attn_by_inverse_layer_idx: false,
    scale_attn_weights: true,
    summary_activation: null,
    summary_first_dropout: 0.1,
    summary_proj_to_labels: true,
    summary_type: 'cls_index',
    summary_use_proj: true,
    tie_word_embeddings: options.tieWordEmbeddings ?? true,
    use_cache: true,
    vocab_size: vocabSize,
  };
}
