/**
 * BertConfig: the sizes and settings of a BERT, as Hugging Face's `BertConfig` (`config.json`) holds them, with
 * snake_case turned into camelCase. Defaults are `bert-base-uncased`'s.
 */

import { check, describe, LxmlsBertError, parseJsonArgument } from './errors.js';

/** The activations of the feed-forward block that this package runs (Hugging Face's `hidden_act` names). */
export type BertActivation = 'gelu' | 'gelu_new' | 'gelu_pytorch_tanh' | 'relu';

/** A BERT's configuration. Python: `transformers.BertConfig`. */
export interface BertConfig {
  /** Number of tokens. Python: `vocab_size` (30522). */
  vocabSize: number;
  /** Width of every hidden state, C. Python: `hidden_size` (768). */
  hiddenSize: number;
  /** Number of encoder layers. Python: `num_hidden_layers` (12). */
  numHiddenLayers: number;
  /** Number of attention heads per layer (C must be a multiple). Python: `num_attention_heads` (12). */
  numAttentionHeads: number;
  /** Width of the feed-forward block. Python: `intermediate_size` (3072). */
  intermediateSize: number;
  /** The feed-forward activation; `gelu` is the exact erf form. Python: `hidden_act` ('gelu'). */
  hiddenAct: BertActivation;
  /** Dropout after embeddings and sublayers. Python: `hidden_dropout_prob` (0.1). */
  hiddenDropoutProb: number;
  /** Dropout on the attention weights. Python: `attention_probs_dropout_prob` (0.1). */
  attentionProbsDropoutProb: number;
  /** Number of positions (the longest input). Python: `max_position_embeddings` (512). */
  maxPositionEmbeddings: number;
  /** Number of token types (segments A/B). Python: `type_vocab_size` (2). */
  typeVocabSize: number;
  /** The std of the normal initialisation of weights. Python: `initializer_range` (0.02). */
  initializerRange: number;
  /** LayerNorm epsilon. Python: `layer_norm_eps` (1e-12). */
  layerNormEps: number;
  /** The padding id, whose word embedding starts at zero. Python: `pad_token_id` (0). */
  padTokenId: number;
}

/**
 * `bert-base-uncased`'s configuration (Hugging Face `BertConfig()` defaults).
 *
 * @example
 * ```ts
 * import { BERT_BASE_CONFIG } from '@lxmls/bert';
 * console.log(BERT_BASE_CONFIG.numHiddenLayers, BERT_BASE_CONFIG.numAttentionHeads, BERT_BASE_CONFIG.hiddenSize); // → 12 12 768
 * ```
 */
export const BERT_BASE_CONFIG: Readonly<BertConfig> = Object.freeze({
  vocabSize: 30522,
  hiddenSize: 768,
  numHiddenLayers: 12,
  numAttentionHeads: 12,
  intermediateSize: 3072,
  hiddenAct: 'gelu',
  hiddenDropoutProb: 0.1,
  attentionProbsDropoutProb: 0.1,
  maxPositionEmbeddings: 512,
  typeVocabSize: 2,
  initializerRange: 0.02,
  layerNormEps: 1e-12,
  padTokenId: 0,
});

const ACTIVATIONS: readonly BertActivation[] = ['gelu', 'gelu_new', 'gelu_pytorch_tanh', 'relu'];

const invalid = (fn: string, field: string, expected: string, received: unknown) =>
  new LxmlsBertError('INVALID_CONFIG', `${field} is not valid`, {
    fn,
    argument: field,
    expected,
    received: describe(received),
  });

/**
 * Completes and checks a configuration: missing fields take `bert-base-uncased`'s values.
 *
 * @param config - Some or all fields.
 * @param fn - The function to name in errors.
 * @returns A full, frozen configuration.
 * @throws {@link LxmlsBertError} `INVALID_CONFIG` naming the field at fault.
 * @example
 * ```ts
 * import { bertConfig } from '@lxmls/bert';
 * const config = bertConfig({ hiddenSize: 48, numAttentionHeads: 3, numHiddenLayers: 3 });
 * console.log(config.hiddenSize / config.numAttentionHeads, config.intermediateSize); // → 16 3072
 * ```
 */
export function bertConfig(config: Partial<BertConfig> = {}, fn = 'bertConfig'): Readonly<BertConfig> {
  if (typeof config !== 'object' || config === null) throw invalid(fn, 'config', 'an object', config);
  const full: BertConfig = { ...BERT_BASE_CONFIG, ...config };
  const positive = [
    'vocabSize',
    'hiddenSize',
    'numHiddenLayers',
    'numAttentionHeads',
    'intermediateSize',
    'maxPositionEmbeddings',
    'typeVocabSize',
  ] as const;
  for (const key of positive) {
    const v = full[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw invalid(fn, key, 'an integer ≥ 1', v);
  }
  if (full.hiddenSize % full.numAttentionHeads !== 0)
    check.fail(
      fn,
      'hiddenSize',
      undefined,
      'hiddenSize is not a multiple of numAttentionHeads',
      `a multiple of numAttentionHeads (${full.numAttentionHeads})`,
      { code: 'INVALID_CONFIG', received: `number ${full.hiddenSize}` },
    );
  if (!ACTIVATIONS.includes(full.hiddenAct))
    throw invalid(fn, 'hiddenAct', `one of ${ACTIVATIONS.join(', ')}`, full.hiddenAct);
  for (const key of ['hiddenDropoutProb', 'attentionProbsDropoutProb'] as const) {
    const p = full[key];
    if (typeof p !== 'number' || !(p >= 0 && p < 1)) throw invalid(fn, key, 'a probability in [0, 1)', p);
  }
  for (const key of ['layerNormEps', 'initializerRange'] as const) {
    const v = full[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))
      throw invalid(fn, key, 'a positive number', v);
  }
  if (!Number.isInteger(full.padTokenId) || full.padTokenId < 0 || full.padTokenId >= full.vocabSize)
    throw invalid(fn, 'padTokenId', `an integer in [0, ${full.vocabSize})`, full.padTokenId);
  return Object.freeze(full);
}

/** snake_case field of `config.json` → camelCase field of {@link BertConfig}. */
const FIELDS: Record<string, keyof BertConfig> = {
  vocab_size: 'vocabSize',
  hidden_size: 'hiddenSize',
  num_hidden_layers: 'numHiddenLayers',
  num_attention_heads: 'numAttentionHeads',
  intermediate_size: 'intermediateSize',
  hidden_act: 'hiddenAct',
  hidden_dropout_prob: 'hiddenDropoutProb',
  attention_probs_dropout_prob: 'attentionProbsDropoutProb',
  max_position_embeddings: 'maxPositionEmbeddings',
  type_vocab_size: 'typeVocabSize',
  initializer_range: 'initializerRange',
  layer_norm_eps: 'layerNormEps',
  pad_token_id: 'padTokenId',
};

/**
 * Reads a Hugging Face `config.json` of a BERT (`model_type` "bert"). Fields it does not list take
 * `BertConfig()`'s defaults; fields that change the architecture in ways this package does not run (relative
 * position embeddings, a decoder, cross-attention) are refused.
 *
 * @param json - The file's text, or the parsed object.
 * @returns The configuration.
 * @throws {@link LxmlsBertError} `INVALID_CONFIG` naming the field at fault.
 * @remarks Python: `BertConfig.from_pretrained(folder)`.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { bertConfigFromJson } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const config = bertConfigFromJson(readFileSync(new URL('config.json', modelUrl('lxmls/bert-mini')), 'utf8'));
 * console.log(config.numHiddenLayers, config.numAttentionHeads, config.hiddenSize, config.layerNormEps); // → 4 4 128 1e-12
 * ```
 */
export function bertConfigFromJson(json: string | object): Readonly<BertConfig> {
  const fn = 'bertConfigFromJson';
  const root = parseJsonArgument(
    json,
    fn,
    'the config is not valid JSON',
    'the text of a config.json',
    'INVALID_CONFIG',
  );
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    throw invalid(fn, 'json', 'an object', root);
  const hf = root as Record<string, unknown>;
  if (hf.model_type !== undefined && hf.model_type !== 'bert')
    throw invalid(fn, 'model_type', '"bert"', hf.model_type);
  if (hf.position_embedding_type !== undefined && hf.position_embedding_type !== 'absolute')
    throw invalid(fn, 'position_embedding_type', '"absolute"', hf.position_embedding_type);
  if (hf.is_decoder === true) throw invalid(fn, 'is_decoder', 'false (an encoder)', hf.is_decoder);
  if (hf.add_cross_attention === true)
    throw invalid(fn, 'add_cross_attention', 'false', hf.add_cross_attention);
  const config: Partial<Record<keyof BertConfig, unknown>> = {};
  for (const [key, field] of Object.entries(FIELDS)) {
    const value = hf[key];
    if (value !== undefined && value !== null) config[field] = value;
  }
  return bertConfig(config as Partial<BertConfig>, fn);
}
