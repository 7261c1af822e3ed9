/**
 * BertModel: the BERT encoder of Hugging Face (`embeddings`, `encoder.layer.N`, `pooler`), returning the last
 * hidden state, the pooler output and, on request, every hidden state and every layer's attention weights —
 * what Exercise 2.4 of the LxMLS course feeds to bertviz's head view.
 *
 *   ids (B, T) → embeddings (B, T, C) → L × BertLayer (B, T, C) → lastHiddenState
 *                                                                  → pooler: tanh(dense(h[:, 0])) (B, C)
 */

import { paddingMask } from '@lxmls/attention';
import {
  Embedding,
  initConstant,
  initNormal,
  LayerNorm,
  Linear,
  type LoadResult,
  Module,
  readSafetensors,
} from '@lxmls/nn';
import { getGenerator, noGrad, type RandomGenerator, reshape, Tensor, tensor } from '@lxmls/tensor';
import { hfBertStateDict } from './checkpoint.js';
import { type BertConfig, bertConfig, bertConfigFromJson } from './config.js';
import { BertEmbeddings } from './embeddings.js';
import { BertEncoder, BertPooler } from './encoder.js';
import { check, LxmlsBertError } from './errors.js';
import type { LoadBertOptions } from './load.js';

/** Token ids, token types or an attention mask: an int32 tensor `(B, T)`, or plain arrays `(T)` / `(B, T)`. */
export type BertIds = Tensor | readonly number[] | readonly (readonly number[])[];

/** The input of {@link BertModel.forward}. Python: the keyword arguments of `BertModel.forward`. */
export interface BertForwardInput {
  /** Token ids `(B, T)` (a flat array is one sequence). Python: `input_ids`. */
  inputIds: BertIds;
  /** Segment ids `(B, T)`, 0 for A and 1 for B; all 0 when omitted. Python: `token_type_ids`. */
  tokenTypeIds?: BertIds | null;
  /** 1 = real token, 0 = padding `(B, T)`; all 1 when omitted. Python: `attention_mask`. */
  attentionMask?: BertIds | null;
  /** Return every layer's attention weights (default false). Python: `output_attentions`. */
  outputAttentions?: boolean;
  /** Return the embeddings and every layer's output (default false). Python: `output_hidden_states`. */
  outputHiddenStates?: boolean;
}

/** What {@link BertModel.forward} returns. Python: `BaseModelOutputWithPoolingAndCrossAttentions`. */
export interface BertModelOutput {
  /** `(B, T, C)`. Python: `last_hidden_state`. */
  lastHiddenState: Tensor;
  /** `(B, C)`: tanh(dense(`[CLS]` vector)). Python: `pooler_output`. */
  poolerOutput: Tensor;
  /** `numHiddenLayers + 1` tensors `(B, T, C)`: the embeddings, then each layer's output. */
  hiddenStates?: Tensor[];
  /** `numHiddenLayers` tensors `(B, nh, T, T)`: softmax weights, query × key. */
  attentions?: Tensor[];
}

/** Options of {@link BertModel}'s constructor. */
export interface BertModelOptions {
  /** The random source of the initialisation; defaults to the global one (`manualSeed`). */
  generator?: RandomGenerator;
  /**
   * Apply Hugging Face's initialisation (default true). The loaders pass false: the weights are about to be
   * overwritten, and drawing 110 M normal numbers for bert-base takes seconds.
   */
  initWeights?: boolean;
}

/** Options of {@link BertModel.fromSafetensors} and {@link BertModel.loadHFStateDict}. */
export interface BertLoadOptions {
  /** Throw when a weight of the model is missing from the checkpoint (default true). */
  strict?: boolean;
}

/** A model that loads a Hugging Face state dict: {@link BertModel}, `BertForMaskedLM`. */
interface HfLoadable extends Module {
  loadHFStateDict(tensors: ReadonlyMap<string, Tensor>, options?: BertLoadOptions): LoadResult;
}

/**
 * @internal The body of the `fromSafetensors` of {@link BertModel} and `BertForMaskedLM`: reads the file
 * (checked before any weight is allocated), builds the model with `build`, copies the weights in and returns
 * it in eval mode. The file's tensors are freed, and the model too when loading fails.
 */
export function loadSafetensors<M extends HfLoadable>(
  bytes: Uint8Array,
  options: BertLoadOptions,
  build: () => M,
): M {
  const { tensors } = readSafetensors(bytes, { finite: true });
  try {
    const model = build();
    try {
      model.loadHFStateDict(tensors, options);
    } catch (error) {
      model.dispose();
      throw error;
    }
    model.eval();
    return model;
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}

/**
 * The BERT encoder with Hugging Face's module names, so `loadStateDict` takes Hugging Face's keys.
 *
 * Built in training mode (as PyTorch); {@link BertModel.fromSafetensors} returns it in eval mode (dropout off),
 * as `from_pretrained` does. Wrap calls in `tidy` (or `noGrad` for inference) to free the intermediate tensors.
 *
 * @remarks Python: `transformers.BertModel` (`add_pooling_layer=True`, absolute positions, eager attention).
 * @example
 * ```ts
 * import { BertModel } from '@lxmls/bert';
 * import { manualSeed, noGrad } from '@lxmls/tensor';
 * manualSeed(0);
 * const model = new BertModel({ vocabSize: 100, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 4, intermediateSize: 32 }).eval();
 * const out = noGrad(() => model.forward({ inputIds: [[2, 5, 7, 3]], outputAttentions: true }));
 * console.log(out.lastHiddenState.shape, out.poolerOutput.shape, out.attentions?.length, out.attentions?.[0]?.shape); // → [ 1, 4, 16 ] [ 1, 16 ] 2 [ 1, 4, 4, 4 ]
 * ```
 */
export class BertModel extends Module {
  /** The configuration (complete and frozen). */
  readonly config: Readonly<BertConfig>;
  /** `embeddings.*`. */
  readonly embeddings: BertEmbeddings;
  /** `encoder.layer.N.*`. */
  readonly encoder: BertEncoder;
  /** `pooler.dense.*`. */
  readonly pooler: BertPooler;

  /**
   * Builds a BERT with Hugging Face's initialisation: weights N(0, initializerRange²), biases 0, LayerNorms
   * 1 and 0, and the padding id's word embedding 0.
   *
   * @param config - Some or all of {@link BertConfig}; the rest is `bert-base-uncased`'s.
   * @param options - `generator`, `initWeights`.
   * @throws {@link LxmlsBertError} `INVALID_CONFIG` naming the field at fault.
   */
  constructor(config: Partial<BertConfig> = {}, options: BertModelOptions = {}) {
    super();
    this.config = bertConfig(config, 'BertModel');
    this.embeddings = this.registerModule('embeddings', new BertEmbeddings(this.config));
    this.encoder = this.registerModule('encoder', new BertEncoder(this.config));
    this.pooler = this.registerModule('pooler', new BertPooler(this.config));
    if (options.initWeights !== false) this.#initWeights(options.generator ?? getGenerator());
  }

  /** Hugging Face's `BertPreTrainedModel._init_weights`, module by module in registration order. */
  #initWeights(generator: RandomGenerator): void {
    const std = this.config.initializerRange;
    for (const [, m] of this.namedModules()) {
      if (m instanceof Linear) {
        initNormal(m.weight, std, 0, generator);
        if (m.bias) initConstant(m.bias, 0);
      } else if (m instanceof Embedding) {
        initNormal(m.weight, std, 0, generator);
      } else if (m instanceof LayerNorm) {
        initConstant(m.weight, 1);
        initConstant(m.bias, 0);
      }
    }
    const word = this.embeddings.wordEmbeddings.weight; // (V, C): the padding row starts at zero
    const row = word.data().slice();
    const C = this.config.hiddenSize;
    row.fill(0, this.config.padTokenId * C, (this.config.padTokenId + 1) * C);
    noGrad(() => word.copyFrom(row));
  }

  /**
   * Loads a BERT in Hugging Face's layout from a folder, an http(s) URL or a hub id
   * (`google-bert/bert-base-uncased`, downloaded once into the cache), like GPT's `fromPretrained`: the
   * files go through @lxmls/hub (limits, cache, progress). Returns it in eval mode; {@link loadBert} gives
   * the tokenizer too.
   *
   * @param source - A folder path, a URL, or a hub id.
   * @param options - `strict`, and @lxmls/hub's source options (`hubUrl`, `revision`, `cacheDir`,
   *   `localOnly`, `refresh`, `onProgress`, `signal`, ...).
   * @returns The model, in eval mode.
   * @throws As {@link loadBert}.
   * @remarks Python: `BertModel.from_pretrained(source)`.
   * @example
   * ```ts
   * import { fileURLToPath } from 'node:url';
   * import { BertModel } from '@lxmls/bert';
   * import { modelUrl } from '@lxmls/models';
   * const model = await BertModel.fromPretrained(fileURLToPath(modelUrl('lxmls/bert-mini')));
   * console.log(model.training, model.numParameters()); // → false 4721024
   * ```
   */
  static async fromPretrained(source: string, options: LoadBertOptions = {}): Promise<BertModel> {
    const { loadBert } = await import('./load.js'); // load.ts imports this module: loaded on first use
    return (await loadBert(source, options)).model;
  }

  /**
   * Builds a BERT from a Hugging Face `config.json` and `model.safetensors` (with or without the `bert.`
   * prefix; task heads and the `position_ids` buffer are left out). Returns it in eval mode.
   *
   * @param configJson - The `config.json` text or object.
   * @param bytes - The `model.safetensors` bytes (F32, F16 or BF16 weights).
   * @param options - `strict` (default true): a missing weight throws.
   * @returns The model, in eval mode.
   * @throws {@link LxmlsBertError} `INVALID_CONFIG`; `MISSING_KEY`, `UNEXPECTED_KEY`, `SHAPE_MISMATCH` naming
   *   the key (and both shapes). Broken files throw @lxmls/nn's `INVALID_SAFETENSORS`.
   * @remarks Python: `BertModel.from_pretrained(folder)`.
   * @example
   * ```ts
   * import { readFileSync } from 'node:fs';
   * import { fileURLToPath } from 'node:url';
   * import { BertModel } from '@lxmls/bert';
   * import { modelUrl } from '@lxmls/models';
   * const dir = fileURLToPath(modelUrl('lxmls/bert-mini'));
   * const model = BertModel.fromSafetensors(readFileSync(`${dir}/config.json`, 'utf8'), readFileSync(`${dir}/model.safetensors`));
   * console.log(model.training, model.numParameters()); // → false 4721024
   * ```
   */
  static fromSafetensors(
    configJson: string | object,
    bytes: Uint8Array,
    options: BertLoadOptions = {},
  ): BertModel {
    const config = bertConfigFromJson(configJson);
    return loadSafetensors(bytes, options, () => new BertModel(config, { initWeights: false }));
  }

  /**
   * Copies the tensors of a Hugging Face BERT state dict into this model, after mapping the keys with
   * {@link hfBertStateDict} and checking every key and shape first (nothing is copied if one fails).
   *
   * @param tensors - Checkpoint key → tensor.
   * @param options - `strict` (default true): a missing weight throws.
   * @returns The model's keys the checkpoint lacked (only with `strict: false`) and the checkpoint keys left
   *   out (heads, buffers).
   * @throws {@link LxmlsBertError} `MISSING_KEY`, `UNEXPECTED_KEY` or `SHAPE_MISMATCH` naming the key.
   */
  loadHFStateDict(tensors: ReadonlyMap<string, Tensor>, options: BertLoadOptions = {}): LoadResult {
    const fn = 'BertModel.loadHFStateDict';
    const { strict = true } = options;
    const { state, ignoredKeys } = hfBertStateDict(tensors);
    const own = this.stateDict();
    const unexpected = [...state.keys()].filter((k) => !own.has(k));
    if (unexpected.length > 0)
      check.fail(
        fn,
        unexpected[0]!,
        undefined,
        'the checkpoint has weights a BertModel does not have',
        'only BertModel keys (embeddings.*, encoder.layer.N.*, pooler.*)',
        { code: 'UNEXPECTED_KEY', received: list(unexpected) },
      );
    const missingKeys = [...own.keys()].filter((k) => !state.has(k));
    if (strict && missingKeys.length > 0)
      check.fail(
        fn,
        missingKeys[0]!,
        undefined,
        'the checkpoint lacks weights of the model',
        `all ${own.size} weights of the model`,
        { code: 'MISSING_KEY', received: `no ${list(missingKeys)}` },
      );
    for (const [key, value] of state) {
      const target = own.get(key)!;
      if (value.shape.length !== target.shape.length || value.shape.some((d, i) => d !== target.shape[i]))
        check.fail(
          fn,
          key,
          undefined,
          `${key} has another shape in the checkpoint`,
          `shape ${shapeText(target.shape)} (the model's, from its config)`,
          { code: 'SHAPE_MISMATCH', received: `shape ${shapeText(value.shape)}` },
        );
      if (value.dtype !== 'float32')
        check.fail(
          fn,
          key,
          undefined,
          `${key} is not a float tensor`,
          'float32 (F32, F16 or BF16 in the file)',
          { code: 'SHAPE_MISMATCH', received: value.dtype },
        );
    }
    this.loadStateDict(state, { strict: false });
    return { missingKeys, unexpectedKeys: ignoredKeys };
  }

  /**
   * Runs the encoder.
   *
   * @param input - `inputIds` and optionally `tokenTypeIds`, `attentionMask`, `outputAttentions`,
   *   `outputHiddenStates`.
   * @returns `lastHiddenState (B, T, C)`, `poolerOutput (B, C)`, and on request `hiddenStates` (L + 1 tensors)
   *   and `attentions` (L tensors `(B, nh, T, T)`).
   * @throws {@link LxmlsBertError} `INVALID_ARGUMENT` for ids out of range or ragged rows; `SHAPE_MISMATCH`
   *   when the token types or mask do not match the ids; `SEQUENCE_TOO_LONG` beyond `maxPositionEmbeddings`.
   * @remarks Python: `BertModel.forward(input_ids, attention_mask, token_type_ids, output_attentions=…,
   *   output_hidden_states=…)`.
   */
  forward(input: BertForwardInput): BertModelOutput {
    const fn = 'BertModel.forward';
    if (typeof input !== 'object' || input === null || input instanceof Tensor || Array.isArray(input))
      check.fail(fn, 'input', input, 'forward takes an object { inputIds, … }', 'an object with inputIds');
    const { outputAttentions = false, outputHiddenStates = false } = input;
    const inputIds = toIds(input.inputIds, fn, 'inputIds', [0, this.config.vocabSize]); // (B, T)
    const [B, T] = inputIds.shape as [number, number];
    if (T > this.config.maxPositionEmbeddings)
      check.fail(
        fn,
        'inputIds',
        undefined,
        'the input is longer than the position embeddings',
        `at most ${this.config.maxPositionEmbeddings} tokens (maxPositionEmbeddings)`,
        { code: 'SEQUENCE_TOO_LONG', received: `${T} tokens` },
      );
    const tokenTypeIds =
      input.tokenTypeIds == null
        ? null
        : sameShape(toIds(input.tokenTypeIds, fn, 'tokenTypeIds', [0, this.config.typeVocabSize]), B, T, fn);
    const attentionMask =
      input.attentionMask == null
        ? null
        : sameShape(toIds(input.attentionMask, fn, 'attentionMask', [0, 2]), B, T, fn);
    // An all-ones mask changes nothing: leave it out (the fused attention path stays open).
    const padded = attentionMask?.data().some((v) => v === 0) ?? false;
    const mask = padded ? paddingMask(attentionMask!) : null; // (B, 1, 1, T), int32, 1 = attend

    const x = this.embeddings.forward(inputIds, tokenTypeIds); // (B, T, C)
    const encoded = this.encoder.forward(x, mask, { outputAttentions, outputHiddenStates });
    const out: BertModelOutput = {
      lastHiddenState: encoded.lastHiddenState, // (B, T, C)
      poolerOutput: this.pooler.forward(encoded.lastHiddenState), // (B, C)
    };
    if (encoded.hiddenStates) out.hiddenStates = encoded.hiddenStates;
    if (encoded.attentions) out.attentions = encoded.attentions;
    return out;
  }

  protected override extraRepr(): string {
    const c = this.config;
    return `layers=${c.numHiddenLayers}, heads=${c.numAttentionHeads}, hidden=${c.hiddenSize}, vocab=${c.vocabSize}`;
  }
}

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`;
const list = (keys: readonly string[]) =>
  `${keys.slice(0, 5).join(', ')}${keys.length > 5 ? `, … (${keys.length} in all)` : ''}`;

/** Ids as an int32 tensor `(B, T)`, each in `[low, high)`. */
function toIds(value: BertIds, fn: string, argument: string, [low, high]: [number, number]): Tensor {
  let t: Tensor;
  if (value instanceof Tensor) {
    if (value.dtype !== 'int32' || value.shape.length < 1 || value.shape.length > 2)
      check.fail(
        fn,
        argument,
        undefined,
        `${argument} must be an int32 tensor (B, T)`,
        'an int32 tensor (B, T) or (T)',
        { received: `${value.dtype} tensor ${shapeText(value.shape)}` },
      );
    t = value.shape.length === 1 ? reshape(value, [1, value.shape[0]!]) : value;
  } else if (Array.isArray(value)) {
    const rows = (
      value.length > 0 && Array.isArray(value[0]) ? value : [value]
    ) as readonly (readonly number[])[];
    const T = rows[0]?.length ?? 0;
    const flat = new Int32Array(rows.length * T);
    rows.forEach((row, b) => {
      if (!Array.isArray(row) || row.length !== T)
        check.fail(
          fn,
          `${argument}[${b}]`,
          row,
          `${argument} has rows of different lengths`,
          `${T} values (as row 0)`,
        );
      row.forEach((v, i) => {
        if (!Number.isInteger(v))
          check.fail(
            fn,
            argument,
            v,
            `${argument}[${b}][${i}] is not an integer`,
            `an integer in [${low}, ${high})`,
          );
        flat[b * T + i] = v;
      });
    });
    t = tensor(flat, [rows.length, T], 'int32');
  } else {
    check.fail(
      fn,
      argument,
      value,
      `${argument} must be ids`,
      'an int32 tensor (B, T), number[] or number[][]',
    );
  }
  if (t.shape[1] === 0)
    check.fail(fn, argument, undefined, `${argument} is empty`, 'at least one token (e.g. [CLS] and [SEP])', {
      received: `shape ${shapeText(t.shape)}`,
    });
  const data = t.data();
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < low || v >= high)
      check.fail(
        fn,
        argument,
        undefined,
        `${argument} has a value out of range`,
        `integers in [${low}, ${high})`,
        { received: `${v} at position ${i}` },
      );
  }
  return t;
}

function sameShape(t: Tensor, B: number, T: number, fn: string): Tensor {
  if (t.shape[0] !== B || t.shape[1] !== T) {
    throw new LxmlsBertError('SHAPE_MISMATCH', 'token types and attention mask must match the ids', {
      fn,
      expected: `shape (${B}, ${T}), as inputIds`,
      received: `shape ${shapeText(t.shape)}`,
    });
  }
  return t;
}
