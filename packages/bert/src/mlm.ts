/**
 * BertForMaskedLM: BERT with its masked-language-modelling head, in Hugging Face's layout (`bert.*` for the
 * encoder, `cls.predictions.*` for the head), so checkpoints keep Hugging Face's key names both ways.
 *
 *   h (B, T, C) ─ gather the N chosen positions ─→ (N, C)
 *     → transform: LayerNorm(act(dense(h)))                 cls.predictions.transform.{dense, LayerNorm}
 *     → decoder: h · Wₑᵀ + bias  (N, V)                       Wₑ = bert.embeddings.word_embeddings (tied)
 *     → cross-entropy against the original tokens            cls.predictions.bias
 *
 * Follows `transformers.models.bert.modeling_bert` (`BertPredictionHeadTransform`, `BertLMPredictionHead`,
 * `BertOnlyMLMHead`, `BertForMaskedLM`). One change for speed: with labels, the vocabulary logits are computed
 * only at the labelled positions (about 15% of them), not at every position and then ignored; the loss is the
 * same number.
 */

import {
  initConstant,
  initNormal,
  LayerNorm,
  Linear,
  type LoadResult,
  Module,
  type ParamGroup,
  writeSafetensors,
} from '@lxmls/nn';
import {
  crossEntropy,
  gather,
  getGenerator,
  linear,
  type RandomGenerator,
  reshape,
  Tensor,
  tensor,
  zeros,
} from '@lxmls/tensor';
import { activation } from './activations.js';
import { type BertConfig, bertConfig, bertConfigFromJson } from './config.js';
import { check, LxmlsBertError } from './errors.js';
import {
  type BertForwardInput,
  type BertIds,
  type BertLoadOptions,
  BertModel,
  type BertModelOptions,
  loadSafetensors,
} from './model.js';

/**
 * `LayerNorm(act(dense(h)))`, C → C: the transform before the vocabulary projection.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertPredictionHeadTransform`.
 * @example
 * ```ts
 * import { BertPredictionHeadTransform, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const transform = new BertPredictionHeadTransform(bertConfig({ hiddenSize: 8, numAttentionHeads: 2 }));
 * console.log(transform.forward(randn([3, 8])).shape); // → [ 3, 8 ]
 * ```
 */
export class BertPredictionHeadTransform extends Module {
  /** `(C, C)`. */
  readonly dense: Linear;
  /** The activation of `hidden_act` (the exact erf GELU for BERT). */
  readonly act: (x: Tensor) => Tensor;
  /** `LayerNorm`, eps from the config. */
  readonly layerNorm: LayerNorm;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.hiddenSize));
    this.act = activation(config.hiddenAct);
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(config.hiddenSize, config.layerNormEps));
  }

  /**
   * @param h - `(…, C)`.
   * @returns `(…, C)`.
   */
  forward(h: Tensor): Tensor {
    return this.layerNorm.forward(this.act(this.dense.forward(h))); // (…, C)
  }
}

/**
 * The transform, then the decoder `h · Wᵀ + bias` onto the vocabulary, with `W` the word embeddings (tied: the
 * head owns only `transform.*` and `bias`).
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertLMPredictionHead` (its `decoder` Linear shares
 *   its weight with `bert.embeddings.word_embeddings` and its bias with `bias`).
 * @example
 * ```ts
 * import { BertLMPredictionHead, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const embeddings = randn([50, 8]); // (V, C), the word embeddings
 * const head = new BertLMPredictionHead(bertConfig({ vocabSize: 50, hiddenSize: 8, numAttentionHeads: 2 }), embeddings);
 * console.log(head.forward(randn([3, 8])).shape, head.bias.shape); // → [ 3, 50 ] [ 50 ]
 * ```
 */
export class BertLMPredictionHead extends Module {
  /** `cls.predictions.transform.*`. */
  readonly transform: BertPredictionHeadTransform;
  /** `(V)`: `cls.predictions.bias` (= `cls.predictions.decoder.bias`). */
  readonly bias: Tensor;
  /** `(V, C)`: the decoder's weight, the word embeddings (not a parameter of this module: it is tied). */
  readonly decoderWeight: Tensor;

  /**
   * @param config - A full configuration.
   * @param decoderWeight - The word embeddings `(V, C)` the decoder shares.
   */
  constructor(config: Readonly<BertConfig>, decoderWeight: Tensor) {
    super();
    this.transform = this.registerModule('transform', new BertPredictionHeadTransform(config));
    this.bias = this.registerParameter('bias', zeros([config.vocabSize]));
    this.decoderWeight = decoderWeight;
  }

  /**
   * @param h - `(…, C)` hidden states.
   * @returns `(…, V)` vocabulary logits.
   */
  forward(h: Tensor): Tensor {
    return linear(this.transform.forward(h), this.decoderWeight, this.bias); // (…, V)
  }
}

/**
 * The `cls` module of BertForMaskedLM: only `predictions`.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertOnlyMLMHead`.
 * @example
 * ```ts
 * import { BertOnlyMLMHead, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const cls = new BertOnlyMLMHead(bertConfig({ vocabSize: 50, hiddenSize: 8, numAttentionHeads: 2 }), randn([50, 8]));
 * console.log([...cls.stateDict().keys()].join(' '));
 * // → predictions.bias predictions.transform.dense.weight predictions.transform.dense.bias predictions.transform.LayerNorm.weight predictions.transform.LayerNorm.bias
 * ```
 */
export class BertOnlyMLMHead extends Module {
  /** `cls.predictions.*`. */
  readonly predictions: BertLMPredictionHead;

  /**
   * @param config - A full configuration.
   * @param decoderWeight - The word embeddings `(V, C)`.
   */
  constructor(config: Readonly<BertConfig>, decoderWeight: Tensor) {
    super();
    this.predictions = this.registerModule('predictions', new BertLMPredictionHead(config, decoderWeight));
  }

  /**
   * @param h - `(…, C)`.
   * @returns `(…, V)`.
   */
  forward(h: Tensor): Tensor {
    return this.predictions.forward(h); // (…, V)
  }
}

/** What {@link BertForMaskedLM.forward} returns. Python: `MaskedLMOutput`. */
export interface BertMaskedLMOutput {
  /** The mean cross-entropy over the labelled positions (a scalar), or null without labels. */
  loss: Tensor | null;
  /**
   * Vocabulary logits: `(N, V)` at the N labelled positions (in row-major order) when labels are given, else
   * `(B, T, V)` at every position.
   */
  logits: Tensor;
  /** With labels: the flat indices `b·T + t` of the N labelled positions, in the order of `logits`' rows. */
  positions?: Int32Array;
  /** `numHiddenLayers` tensors `(B, nh, T, T)`, on request. */
  attentions?: Tensor[];
}

/** The keys of the head in a Hugging Face checkpoint that are ties, not weights of their own. */
const TIED_KEYS = new Set(['cls.predictions.decoder.weight', 'cls.predictions.decoder.bias']);

/**
 * BERT with the masked-language-modelling head: `bert` (a {@link BertModel}) and `cls.predictions`, whose
 * decoder is tied to the word embeddings. `forward(inputIds, labels)` fits @lxmls/trainer's model contract
 * (`forward(x, y) → { loss }`); labels below 0 (−1, or Hugging Face's −100) are ignored.
 *
 * Keys are Hugging Face's (`bert.embeddings.…`, `cls.predictions.transform.dense.weight`,
 * `cls.predictions.bias`); the tied `cls.predictions.decoder.*` are not stored, as `save_pretrained` does.
 * The encoder keeps its pooler (Hugging Face's BertForMaskedLM has none; BertForPreTraining does), so the
 * saved `bert.*` loads into a {@link BertModel} as it is.
 *
 * @remarks Python: `transformers.BertForMaskedLM` (plus the pooler).
 * @example
 * ```ts
 * import { BertForMaskedLM } from '@lxmls/bert';
 * import { manualSeed } from '@lxmls/tensor';
 * manualSeed(0);
 * const mlm = new BertForMaskedLM({ vocabSize: 30, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16 });
 * const out = mlm.forward([[2, 7, 4, 9, 3]], [[-1, 5, -1, -1, -1]]);
 * console.log(out.logits.shape, Array.from(out.positions!), out.loss!.item() > 0); // → [ 1, 30 ] [ 1 ] true
 * console.log(mlm.stateDict().has('cls.predictions.transform.LayerNorm.weight')); // → true
 * ```
 */
export class BertForMaskedLM extends Module {
  /** The configuration (complete and frozen). */
  readonly config: Readonly<BertConfig>;
  /** `bert.*`: the encoder. */
  readonly bert: BertModel;
  /** `cls.predictions.*`: the head. */
  readonly cls: BertOnlyMLMHead;

  /**
   * Builds the model with Hugging Face's initialisation (head weights N(0, initializerRange²), biases 0,
   * LayerNorm 1 and 0).
   *
   * @param config - Some or all of {@link BertConfig}; the rest is `bert-base-uncased`'s.
   * @param options - `generator`, `initWeights`.
   */
  constructor(config: Partial<BertConfig> = {}, options: BertModelOptions = {}) {
    super();
    this.config = bertConfig(config, 'BertForMaskedLM');
    const generator: RandomGenerator = options.generator ?? getGenerator();
    this.bert = this.registerModule('bert', new BertModel(this.config, { ...options, generator }));
    this.cls = this.registerModule(
      'cls',
      new BertOnlyMLMHead(this.config, this.bert.embeddings.wordEmbeddings.weight),
    );
    if (options.initWeights !== false) {
      const t = this.cls.predictions.transform;
      initNormal(t.dense.weight, this.config.initializerRange, 0, generator);
      initConstant(t.dense.bias!, 0);
      initConstant(t.layerNorm.weight, 1);
      initConstant(t.layerNorm.bias, 0);
    }
  }

  /**
   * Runs the encoder and the head.
   *
   * @param input - Token ids `(B, T)` (a tensor or arrays), or {@link BertForwardInput} (mask, token types,
   *   `outputAttentions`).
   * @param labels - `(B, T)`: the original id at each position to predict, a negative number elsewhere; or
   *   null / omitted for logits at every position.
   * @returns `{ loss, logits, positions, attentions? }`: with labels, `logits (N, V)` at the N labelled
   *   positions; without, `logits (B, T, V)` and a null loss.
   * @throws {@link LxmlsBertError} `SHAPE_MISMATCH` when labels do not match the ids; `INVALID_ARGUMENT` when
   *   no position is labelled or a label is not a token id; the errors of {@link BertModel.forward}.
   * @remarks Python: `BertForMaskedLM.forward(input_ids, labels=labels)`.
   */
  forward(input: BertIds | BertForwardInput, labels: BertIds | null = null): BertMaskedLMOutput {
    const fn = 'BertForMaskedLM.forward';
    const forwardInput: BertForwardInput =
      input instanceof Tensor || Array.isArray(input)
        ? { inputIds: input as BertIds }
        : (input as BertForwardInput);
    const encoded = this.bert.forward(forwardInput);
    const h = encoded.lastHiddenState; // (B, T, C)
    const [B, T, C] = h.shape as [number, number, number];
    const extra = encoded.attentions ? { attentions: encoded.attentions } : {};
    if (labels === null || labels === undefined) {
      return { loss: null, logits: this.cls.forward(h), ...extra }; // (B, T, V)
    }
    const flat = labelArray(labels, B, T, fn);
    const positions: number[] = [];
    const targets: number[] = [];
    for (let i = 0; i < flat.length; i++) {
      const label = flat[i]!;
      if (label < 0) continue;
      if (!Number.isInteger(label) || label >= this.config.vocabSize)
        check.fail(
          fn,
          `labels (flat index ${i})`,
          label,
          'a label is not a token id',
          `an integer in [0, ${this.config.vocabSize}), or a negative number to ignore the position`,
        );
      positions.push(i);
      targets.push(label);
    }
    if (positions.length === 0)
      check.fail(
        fn,
        'labels',
        undefined,
        'no position is labelled',
        'at least one label ≥ 0 (the masked positions)',
        { received: `${flat.length} negative labels` },
      );
    const index = Int32Array.from(positions);
    const chosen = gather(reshape(h, [B * T, C]), tensor(index, [index.length], 'int32')); // (N, C)
    const logits = this.cls.forward(chosen); // (N, V)
    const loss = crossEntropy(logits, tensor(Int32Array.from(targets), [targets.length], 'int32')); // ()
    return { loss, logits, positions: index, ...extra };
  }

  /**
   * Builds the model from a Hugging Face `config.json` and a BertForMaskedLM / BertForPreTraining
   * `model.safetensors` (F32, F16 or BF16). The tied `cls.predictions.decoder.*` and the NSP head
   * (`cls.seq_relationship.*`) are left out. Returns it in eval mode.
   *
   * @param configJson - The `config.json` text or object.
   * @param bytes - The `model.safetensors` bytes.
   * @param options - `strict` (default true): a missing weight throws.
   * @returns The model, in eval mode.
   * @throws {@link LxmlsBertError} `MISSING_KEY`, `UNEXPECTED_KEY`, `SHAPE_MISMATCH` naming the key.
   * @remarks Python: `BertForMaskedLM.from_pretrained(folder)`.
   * @example
   * ```ts
   * import { BertForMaskedLM } from '@lxmls/bert';
   * import { manualSeed } from '@lxmls/tensor';
   * manualSeed(0);
   * const config = { vocabSize: 30, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16 };
   * const bytes = new BertForMaskedLM(config).toSafetensors({ dtype: 'float16' });
   * const loaded = BertForMaskedLM.fromSafetensors({ vocab_size: 30, hidden_size: 8, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 16 }, bytes);
   * console.log(loaded.training, loaded.numParameters()); // → false 5158
   * ```
   */
  static fromSafetensors(
    configJson: string | object,
    bytes: Uint8Array,
    options: BertLoadOptions = {},
  ): BertForMaskedLM {
    const config = bertConfigFromJson(configJson);
    return loadSafetensors(bytes, options, () => new BertForMaskedLM(config, { initWeights: false }));
  }

  /**
   * Copies a Hugging Face BertForMaskedLM / BertForPreTraining state dict into this model: `bert.*` (or
   * unprefixed encoder keys) into the encoder, `cls.predictions.*` into the head. Ties and the NSP head are
   * reported as left out. Everything is checked before anything is copied.
   *
   * @param tensors - Checkpoint key → tensor.
   * @param options - `strict` (default true): a missing weight throws.
   * @returns The missing keys (only with `strict: false`) and the keys left out.
   * @throws {@link LxmlsBertError} `MISSING_KEY`, `UNEXPECTED_KEY` or `SHAPE_MISMATCH` naming the key.
   */
  loadHFStateDict(tensors: ReadonlyMap<string, Tensor>, options: BertLoadOptions = {}): LoadResult {
    const fn = 'BertForMaskedLM.loadHFStateDict';
    const { strict = true } = options;
    const encoder = new Map<string, Tensor>();
    const head = new Map<string, Tensor>();
    const ignored: string[] = [];
    for (const [key, value] of tensors) {
      if (TIED_KEYS.has(key) || key.startsWith('cls.seq_relationship.')) ignored.push(key);
      else if (key.startsWith('cls.')) {
        head.set(
          key
            .slice('cls.'.length)
            .replace(/\.gamma$/, '.weight')
            .replace(/\.beta$/, '.bias'),
          value,
        );
      } else encoder.set(key.startsWith('bert.') ? key : `bert.${key}`, value);
    }
    if (!head.has('predictions.bias') && tensors.has('cls.predictions.decoder.bias')) {
      head.set('predictions.bias', tensors.get('cls.predictions.decoder.bias')!); // older checkpoints
    }
    const own = this.cls.stateDict();
    for (const [key, value] of head) {
      const target = own.get(key);
      if (!target)
        check.fail(
          fn,
          `cls.${key}`,
          undefined,
          'the checkpoint has a head weight BertForMaskedLM lacks',
          'cls.predictions.{bias, transform.dense.*, transform.LayerNorm.*}',
          { code: 'UNEXPECTED_KEY', received: `cls.${key}` },
        );
      if (value.shape.length !== target.shape.length || value.shape.some((d, i) => d !== target.shape[i]))
        check.fail(
          fn,
          `cls.${key}`,
          undefined,
          `cls.${key} has another shape in the checkpoint`,
          `shape (${target.shape.join(', ')}) (the model's, from its config)`,
          { code: 'SHAPE_MISMATCH', received: `shape (${value.shape.join(', ')})` },
        );
    }
    const missingHead = [...own.keys()].filter((k) => !head.has(k)).map((k) => `cls.${k}`);
    if (strict && missingHead.length > 0)
      check.fail(
        fn,
        missingHead[0]!,
        undefined,
        'the checkpoint lacks weights of the masked-LM head',
        `all ${own.size} weights of cls.predictions`,
        { code: 'MISSING_KEY', received: `no ${missingHead.join(', ')}` },
      );
    const result = this.bert.loadHFStateDict(encoder, { strict });
    this.cls.loadStateDict(head, { strict: false });
    return {
      missingKeys: [...result.missingKeys.map((k) => `bert.${k}`), ...missingHead],
      unexpectedKeys: [...result.unexpectedKeys, ...ignored],
    };
  }

  /**
   * AdamW's parameter groups as BERT's pretraining (and Hugging Face's `Trainer`) uses them: weight decay on
   * every weight but the biases and the LayerNorm weights. @lxmls/trainer's `Trainer` calls it.
   *
   * @param config - `weightDecay` for the decayed group.
   * @returns Two groups: decayed, then not decayed.
   * @remarks Python: the `no_decay = ["bias", "LayerNorm.weight"]` groups of `run_mlm.py`.
   * @example
   * ```ts
   * import { BertForMaskedLM } from '@lxmls/bert';
   * const mlm = new BertForMaskedLM({ vocabSize: 30, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16 });
   * const [decay, noDecay] = mlm.configureOptimizers({ weightDecay: 0.01 });
   * console.log(decay!.weightDecay, decay!.names[0], noDecay!.weightDecay, noDecay!.names.includes('cls.predictions.bias')); // → 0.01 bert.embeddings.word_embeddings.weight 0 true
   * ```
   */
  configureOptimizers(config: { weightDecay: number }): ParamGroup[] {
    const decay: ParamGroup = { names: [], params: [], weightDecay: config.weightDecay };
    const noDecay: ParamGroup = { names: [], params: [], weightDecay: 0 };
    for (const [name, p] of this.namedParameters()) {
      const group =
        name.endsWith('.bias') || name.endsWith('LayerNorm.weight') || name === 'cls.predictions.bias'
          ? noDecay
          : decay;
      group.names.push(name);
      group.params.push(p);
    }
    return [decay, noDecay];
  }

  /**
   * The state dict under Hugging Face's keys (`bert.*`, `cls.predictions.*`), without the tied decoder.
   *
   * @returns Key → tensor (the model's own tensors, not copies).
   * @example
   * ```ts
   * import { BertForMaskedLM } from '@lxmls/bert';
   * const mlm = new BertForMaskedLM({ vocabSize: 30, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16 });
   * const keys = [...mlm.hfStateDict().keys()];
   * console.log(keys.length, keys[0], keys.includes('cls.predictions.decoder.weight')); // → 28 bert.embeddings.word_embeddings.weight false
   * ```
   */
  hfStateDict(): Map<string, Tensor> {
    return this.stateDict();
  }

  /**
   * The model as `model.safetensors` bytes with Hugging Face's keys, in float32 or float16 (half the size).
   *
   * @param options - `dtype`: `'float32'` (default) or `'float16'`; `metadata`: the header's `__metadata__`.
   * @returns The file's bytes.
   * @remarks Python: `model.save_pretrained(folder)` (safetensors), `model.half()` for float16.
   * @example
   * ```ts
   * import { BertForMaskedLM } from '@lxmls/bert';
   * const mlm = new BertForMaskedLM({ vocabSize: 30, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16 });
   * const f32 = mlm.toSafetensors(), f16 = mlm.toSafetensors({ dtype: 'float16' });
   * console.log(mlm.numParameters(), f16.length < f32.length); // → 5158 true
   * ```
   */
  toSafetensors(
    options: { dtype?: 'float32' | 'float16'; metadata?: Record<string, string> } = {},
  ): Uint8Array {
    const float16 = options.dtype === 'float16';
    return writeSafetensors(this.hfStateDict(), options.metadata ?? { format: 'pt' }, { float16 });
  }

  protected override extraRepr(): string {
    const c = this.config;
    return `layers=${c.numHiddenLayers}, heads=${c.numAttentionHeads}, hidden=${c.hiddenSize}, vocab=${c.vocabSize}`;
  }
}

/** Labels as a flat array of `B·T` numbers, checked against the ids' shape. */
function labelArray(labels: BertIds, B: number, T: number, fn: string): ArrayLike<number> {
  let flat: ArrayLike<number>;
  let shape: number[];
  if (labels instanceof Tensor) {
    flat = labels.data();
    shape = labels.shape.length === 1 ? [1, labels.shape[0]!] : [...labels.shape];
  } else if (Array.isArray(labels)) {
    const rows = (
      labels.length > 0 && Array.isArray(labels[0]) ? labels : [labels]
    ) as readonly (readonly number[])[];
    flat = rows.flat();
    shape = [rows.length, rows[0]?.length ?? 0];
    if (rows.some((r) => !Array.isArray(r) || r.length !== shape[1])) shape = [rows.length, Number.NaN];
  } else {
    check.fail(fn, 'labels', labels, 'labels must be ids', 'an int32 tensor (B, T), number[] or number[][]');
  }
  if (shape.length !== 2 || shape[0] !== B || shape[1] !== T)
    check.fail(fn, 'labels', undefined, 'labels must match the ids', `shape (${B}, ${T}), as inputIds`, {
      code: 'SHAPE_MISMATCH',
      received: `shape (${shape.join(', ')})`,
    });
  return flat;
}
