/**
 * The GPT's configuration: the defaults of `GPT.get_default_config()`, the model-type table, the toolkit's
 * validation (with clear errors instead of `KeyError` / `AssertionError`) and a formatter that prints a config
 * exactly as Python's `CfgNode.__str__` does (`print(model_config)` in the notebook).
 *
 * Follows `lxmls/transformers/model.py` (`GPT.get_default_config`, `GPT.__init__`) and minGPT's `utils.CfgNode`.
 */

import { pythonStr, snakeCase } from '@lxmls/base';
import { check, LxmlsGptError } from './errors.js';

/**
 * The GPT config, minGPT's keys in camelCase and in the same order (printing order matters).
 *
 * Either set `modelType` to a key of {@link MODEL_TYPES}, or set `modelType: null` and give `nLayer`, `nHead`
 * and `nEmbd`. `vocabSize` and `blockSize` are always required.
 */
export interface GPTConfig {
  /** A key of {@link MODEL_TYPES} (`'gpt-nano'`, `'gpt2'`, …) or null; the default `'gpt'` is not one. */
  modelType: string | null;
  /** Number of transformer blocks (`n_layer`). */
  nLayer: number | null;
  /** Attention heads per block (`n_head`). */
  nHead: number | null;
  /** Width of the residual stream (`n_embd`). */
  nEmbd: number | null;
  /** Number of token ids (`vocab_size`). */
  vocabSize: number | null;
  /** Longest sequence (`block_size`). */
  blockSize: number | null;
  /** Dropout on the embeddings (`embd_pdrop`). */
  embdPdrop: number;
  /** Dropout on the residual branches (`resid_pdrop`). */
  residPdrop: number;
  /** Dropout on the attention weights (`attn_pdrop`). */
  attnPdrop: number;
  /** Use the fused `c_attn` attention of GPT-2 checkpoints (true) or the exercise attention (false). */
  pretrained: boolean;
}

/** A config after validation: every size is known. */
export interface ResolvedGPTConfig extends GPTConfig {
  nLayer: number;
  nHead: number;
  nEmbd: number;
  vocabSize: number;
  blockSize: number;
}

/** The sizes of one entry of {@link MODEL_TYPES}. */
export interface ModelTypeSizes {
  readonly nLayer: number;
  readonly nHead: number;
  readonly nEmbd: number;
}

/**
 * The model-type table of minGPT (names follow Hugging Face); the comments give the parameter counts printed
 * for vocabulary 50257 and block size 1024.
 *
 * @remarks Python: the `type_given` dictionary of `GPT.__init__`.
 * @example
 * ```ts
 * import { MODEL_TYPES } from '@lxmls/gpt';
 * console.log(MODEL_TYPES['gpt-nano']); // → { nLayer: 3, nHead: 3, nEmbd: 48 }
 * ```
 */
export const MODEL_TYPES = Object.freeze({
  // names follow the huggingface naming conventions
  // GPT-1
  'openai-gpt': { nLayer: 12, nHead: 12, nEmbd: 768 }, // 117M params
  // GPT-2 configs
  gpt2: { nLayer: 12, nHead: 12, nEmbd: 768 }, // 124M params
  'gpt2-medium': { nLayer: 24, nHead: 16, nEmbd: 1024 }, // 350M params
  'gpt2-large': { nLayer: 36, nHead: 20, nEmbd: 1280 }, // 774M params
  'gpt2-xl': { nLayer: 48, nHead: 25, nEmbd: 1600 }, // 1558M params
  // Gophers
  'gopher-44m': { nLayer: 8, nHead: 16, nEmbd: 512 },
  // (there are a number more...)
  // I made these tiny models up
  'gpt-mini': { nLayer: 6, nHead: 6, nEmbd: 192 },
  'gpt-micro': { nLayer: 4, nHead: 4, nEmbd: 128 },
  'gpt-nano': { nLayer: 3, nHead: 3, nEmbd: 48 },
} satisfies Record<string, ModelTypeSizes>);

/** A key of {@link MODEL_TYPES}. */
export type ModelType = keyof typeof MODEL_TYPES;

/**
 * The default config: `modelType: 'gpt'`, sizes null, dropouts 0.1, `pretrained: false`.
 *
 * @returns A new object; change it and pass it to `new GPT(config)`.
 * @remarks Python: `GPT.get_default_config()`.
 * @example
 * ```ts
 * import { getDefaultConfig } from '@lxmls/gpt';
 * console.log(Object.keys(getDefaultConfig()).join(' ')); // → modelType nLayer nHead nEmbd vocabSize blockSize embdPdrop residPdrop attnPdrop pretrained
 * ```
 */
export function getDefaultConfig(): GPTConfig {
  return {
    // either modelType or (nLayer, nHead, nEmbd) must be given in the config
    modelType: 'gpt',
    nLayer: null,
    nHead: null,
    nEmbd: null,
    // these options must be filled in externally
    vocabSize: null,
    blockSize: null,
    // dropout hyperparameters
    embdPdrop: 0.1,
    residPdrop: 0.1,
    attnPdrop: 0.1,
    // lxmls: use the fused attention of GPT-2 checkpoints
    pretrained: false,
  };
}

const KEYS = Object.keys(getDefaultConfig());

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1;

/**
 * Validates a config as `GPT.__init__` does and merges the model-type entry into **the caller's object**
 * (so printing it afterwards shows the sizes, as in the notebook).
 *
 * @param config - The config to check; modified in place when `modelType` is given.
 * @param fn - The function named in errors.
 * @returns The same object, typed as resolved.
 * @throws {@link LxmlsGptError} `INVALID_CONFIG` (missing vocabSize/blockSize, model type and sizes both or
 *   neither given, a size that is not a positive integer, nEmbd not divisible by nHead, an unknown key, a
 *   dropout outside [0, 1)); `UNKNOWN_MODEL` for a model type not in {@link MODEL_TYPES}.
 * @remarks Python: the asserts and `config.merge_from_dict(type_given)` of `GPT.__init__`.
 * @example
 * ```ts
 * import { getDefaultConfig, resolveConfig } from '@lxmls/gpt';
 * const config = { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * resolveConfig(config);
 * console.log(config.nLayer, config.nHead, config.nEmbd); // → 3 3 48
 * ```
 */
export function resolveConfig(config: GPTConfig, fn = 'resolveConfig'): ResolvedGPTConfig {
  const invalid = (what: string, argument: string, expected: string, received: string, hint?: string) =>
    new LxmlsGptError('INVALID_CONFIG', what, {
      fn,
      argument,
      expected,
      received,
      ...(hint ? { hint } : {}),
    });
  if (typeof config !== 'object' || config === null) {
    throw invalid(
      'config must be an object',
      'config',
      'a GPTConfig (GPT.getDefaultConfig())',
      String(config),
    );
  }
  const unknown = Object.keys(config).filter((k) => !KEYS.includes(k));
  if (unknown.length > 0) {
    throw invalid('config has unknown keys', unknown[0]!, `only ${KEYS.join(', ')}`, unknown.join(', '));
  }
  for (const key of ['vocabSize', 'blockSize'] as const) {
    if (!isPositiveInt(config[key])) {
      throw invalid(`config.${key} is required`, key, 'a positive integer', String(config[key]));
    }
  }
  const typeGiven = config.modelType !== null && config.modelType !== undefined;
  const paramsGiven = [config.nLayer, config.nHead, config.nEmbd].every((v) => v !== null && v !== undefined);
  if (typeGiven === paramsGiven) {
    throw invalid(
      typeGiven
        ? 'config gives both a modelType and the sizes'
        : 'config gives neither a modelType nor all sizes',
      'modelType',
      'exactly one of: modelType, or all of nLayer, nHead, nEmbd',
      `modelType ${JSON.stringify(config.modelType)}, nLayer ${config.nLayer}, nHead ${config.nHead}, nEmbd ${config.nEmbd}`,
      typeGiven ? 'Set modelType: null to give the sizes yourself.' : undefined,
    );
  }
  if (typeGiven) {
    const entry = (MODEL_TYPES as Record<string, ModelTypeSizes>)[config.modelType!];
    if (!Object.hasOwn(MODEL_TYPES, config.modelType!) || entry === undefined)
      check.fail(
        fn,
        'modelType',
        undefined,
        'config.modelType is not a known model type',
        `one of ${Object.keys(MODEL_TYPES).join(', ')}`,
        {
          code: 'UNKNOWN_MODEL',
          received: JSON.stringify(config.modelType),
          hint: "(The default 'gpt' is not one: choose a type, or set modelType: null and give nLayer, nHead, nEmbd.)",
        },
      );
    // translate from modelType to detailed configuration, into the caller's config
    Object.assign(config, { nLayer: entry.nLayer, nHead: entry.nHead, nEmbd: entry.nEmbd });
  }
  for (const key of ['nLayer', 'nHead', 'nEmbd'] as const) {
    if (!isPositiveInt(config[key]))
      throw invalid(`config.${key} must be a positive integer`, key, 'an integer ≥ 1', String(config[key]));
  }
  if (config.nEmbd! % config.nHead! !== 0) {
    throw invalid(
      'config.nEmbd must be a multiple of config.nHead',
      'nHead',
      `a divisor of nEmbd ${config.nEmbd}`,
      String(config.nHead),
    );
  }
  for (const key of ['embdPdrop', 'residPdrop', 'attnPdrop'] as const) {
    const p = config[key];
    if (typeof p !== 'number' || !(p >= 0 && p < 1))
      throw invalid(`config.${key} must be a probability`, key, 'a number in [0, 1)', String(p));
  }
  return config as ResolvedGPTConfig;
}

/** Options of {@link formatConfig}. */
export interface FormatConfigOptions {
  /** Keys (camelCase) whose numbers are Python floats; defaults to the three dropouts. */
  floatKeys?: Iterable<string>;
}

/**
 * The config as Python prints it (`print(config)` of a `CfgNode`): one `key: value` line per key in
 * insertion order, snake_case keys, Python values (`None`, `False`, `0.1`), nested objects indented with
 * CfgNode's quirk (only the first line of a block at depth ≥ 2 gets the extra indent). The text ends in a
 * newline, so `console.log` shows the same blank line as Python's `print`.
 *
 * @param config - A GPT config (or any flat or nested plain object).
 * @param options - `floatKeys`: which numeric keys are floats (default: embdPdrop, residPdrop, attnPdrop).
 * @returns The text.
 * @remarks Python: `lxmls.transformers.utils.CfgNode.__str__`.
 * @example
 * ```ts
 * import { formatConfig, getDefaultConfig, resolveConfig } from '@lxmls/gpt';
 * const config = resolveConfig({ ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 });
 * console.log(formatConfig(config).split('\n').slice(0, 2).join(' | ')); // → model_type: gpt-nano | n_layer: 3
 * console.log(formatConfig(config).split('\n').slice(6, 10).join(' | ')); // → embd_pdrop: 0.1 | resid_pdrop: 0.1 | attn_pdrop: 0.1 | pretrained: False
 * ```
 */
export function formatConfig(config: object, options: FormatConfigOptions = {}): string {
  const floats = new Set(options.floatKeys ?? ['embdPdrop', 'residPdrop', 'attnPdrop']);
  const value = (key: string, v: unknown): string => pythonStr(v, floats.has(key));
  const helper = (node: object, indent: number): string => {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(node)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
        parts.push(`${snakeCase(k)}:\n`);
        parts.push(helper(v as object, indent + 1));
      } else {
        parts.push(`${snakeCase(k)}: ${value(k, v)}\n`);
      }
    }
    return parts.map((p) => ' '.repeat(4 * indent) + p).join('');
  };
  return helper(config, 0);
}
