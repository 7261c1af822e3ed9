/**
 * The GPT language model, as in the LxMLS course toolkit: token and position embeddings, a stack of
 * transformer blocks, a final LayerNorm and a linear head over the vocabulary, trained with next-token
 * cross-entropy.
 *
 * Full definition of a GPT Language Model, all of it in this single file. References:
 * 1) the official GPT-2 TensorFlow implementation released by OpenAI: https://github.com/openai/gpt-2/blob/master/src/model.py
 * 2) huggingface/transformers PyTorch implementation: https://github.com/huggingface/transformers/blob/main/src/transformers/models/gpt2/modeling_gpt2.py
 *
 * Follows `lxmls/transformers/model.py` (a fork of karpathy/minGPT's `mingpt/model.py`). Shapes: B batch,
 * T sequence length, C = nEmbd channels, V vocabulary size, nh heads.
 */

import type { AttentionFactory, KVCache } from '@lxmls/attention';
import {
  Dropout,
  Embedding,
  LayerNorm,
  Linear,
  Module,
  ModuleDict,
  ModuleList,
  type ParamGroup,
} from '@lxmls/nn';
import { add, arange, crossEntropy, getGenerator, RandomGenerator, type Tensor } from '@lxmls/tensor';
import { Block } from './block.js';
import { type LoadCheckpointOptions, loadCheckpoint } from './checkpoint/load.js';
import { type SaveFolderOptions, saveHuggingFace } from './checkpoint/save.js';
import {
  type GPTConfig,
  getDefaultConfig,
  MODEL_TYPES,
  type ModelTypeSizes,
  type ResolvedGPTConfig,
  resolveConfig,
} from './config.js';
import { check, LxmlsGptError } from './errors.js';
import { type GenerateOptions, generate } from './generate.js';
import { initGPTWeights, lcgInit } from './init.js';
import type { GPTCache } from './kv-cache.js';
import { type GenBatchOptions, genBatch, type PromptOptions, prompt, promptTopK } from './prompt.js';

/** Options of the {@link GPT} constructor. */
export interface GPTOptions {
  /**
   * How to initialise the weights: `'normal'` (the toolkit's, default), `'lcg'` (the deterministic stream of
   * docs/course-behaviour.md §8, see {@link lcgInit}) or `'none'` (PyTorch's layer defaults, e.g. before
   * loading a checkpoint).
   */
  init?: 'normal' | 'lcg' | 'none';
  /** The random source of the initialisation and of the dropout masks; defaults to the global one. */
  generator?: RandomGenerator;
  /**
   * The attention of every block: a class constructed as `new Attention(config, options)` (the exercise
   * form's constructor, e.g. a student's `CausalSelfAttention`, or `FusedCausalSelfAttention` of
   * `@lxmls/attention` for speed) or a factory `(config, options) => module`; see {@link AttentionFactory}.
   * Default: the exercise form `CausalSelfAttention` (composed step by step), or
   * `PretrainedCausalSelfAttention` when `config.pretrained`. A module without `supportsKVCache: true` is
   * never given a cache: `generate` runs the
   * whole context at each step instead (the same tokens).
   */
  attention?: AttentionFactory;
}

/** Options of {@link GPT.forward}. */
export interface GPTForwardOptions {
  /** Also return each block's attention weights `(B, nh, T, Tk)`, one tensor per layer. Default false. */
  returnAttentions?: boolean;
  /** Also return each block's queries `(B, nh, T, hs)` and keys `(B, nh, Tk, hs)`. Default false. */
  returnQueriesKeys?: boolean;
  /** A {@link GPTCache}: the new positions follow the cached ones and are appended to it (generation). */
  cache?: GPTCache;
}

/** What {@link GPT.forward} returns. */
export interface GPTOutput {
  /** The next-token logits `(B, T, V)`. */
  logits: Tensor;
  /** The mean cross-entropy over targets ≠ -1 (a scalar; NaN if all are -1), or null without targets. */
  loss: Tensor | null;
  /** Each block's attention weights `(B, nh, T, Tk)`, when `returnAttentions` was set. */
  attentions?: Tensor[];
  /** Each block's queries `(B, nh, T, hs)`, when `returnQueriesKeys` was set. */
  queries?: Tensor[];
  /** Each block's keys `(B, nh, Tk, hs)`, when `returnQueriesKeys` was set. */
  keys?: Tensor[];
}

/**
 * GPT Language Model.
 *
 * The module tree and names are the toolkit's, so state dicts match PyTorch key for key:
 * `transformer.wte`, `transformer.wpe`, `transformer.drop`, `transformer.h.N` ({@link Block}),
 * `transformer.ln_f`, and `lm_head` (no bias, not tied to `wte`).
 *
 * @remarks Python: `lxmls.transformers.model.GPT`.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { tensor } from '@lxmls/tensor';
 * const config = GPT.getDefaultConfig();
 * config.modelType = 'gpt-nano';
 * config.vocabSize = 8;
 * config.blockSize = 11;
 * const model = new GPT(config, { init: 'lcg' }).eval();
 * console.log(model.parameterCountLine()); // → number of parameters: 0.09M
 * const x = tensor([[1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7]], undefined, 'int32');
 * const y = tensor([[-1, -1, -1, -1, -1, 6, 7, 7, 7, 7, 7]], undefined, 'int32');
 * const { logits, loss } = model.forward(x, y);
 * console.log(logits.shape, loss?.item().toFixed(6)); // → [ 1, 11, 8 ] 1.729259
 * ```
 */
export class GPT extends Module {
  /** The resolved config (sizes filled in from the model type). */
  readonly config: ResolvedGPTConfig;
  /** The longest sequence the model takes. */
  readonly blockSize: number;
  readonly transformer: ModuleDict;
  readonly lmHead: Linear;
  readonly #wte: Embedding;
  readonly #wpe: Embedding;
  readonly #drop: Dropout;
  readonly #h: ModuleList<Block>;
  readonly #lnF: LayerNorm;

  /**
   * The default config (`modelType: 'gpt'`, sizes null, dropouts 0.1, `pretrained: false`).
   *
   * @remarks Python: `GPT.get_default_config()`.
   */
  static getDefaultConfig(): GPTConfig {
    return getDefaultConfig();
  }

  /**
   * Builds the model. The model type's sizes are merged into `config` itself, as in the toolkit.
   *
   * @param config - A config from {@link GPT.getDefaultConfig} with `vocabSize`, `blockSize` and either
   *   `modelType` or `nLayer`/`nHead`/`nEmbd` filled in.
   * @param options - `init` ('normal' | 'lcg' | 'none'), `generator`.
   * @throws {@link LxmlsGptError} `INVALID_CONFIG` / `UNKNOWN_MODEL` (see {@link resolveConfig}).
   */
  constructor(config: GPTConfig, options: GPTOptions = {}) {
    super();
    this.config = resolveConfig(config, 'GPT');
    this.blockSize = this.config.blockSize;
    const { nLayer, nEmbd: C, vocabSize: V, blockSize, embdPdrop } = this.config;
    const { init = 'normal', generator, attention } = options;
    // the layers' own default initialisation draws from a private stream, since it is overwritten below
    const initGenerator = init === 'none' ? (generator ?? getGenerator()) : new RandomGenerator(0);
    const o = { generator: initGenerator };
    const drop = generator ? { generator } : {}; // no generator: the global one at each call

    this.#wte = new Embedding(V, C, o); // token embedding
    this.#wpe = new Embedding(blockSize, C, o); // position embedding
    this.#drop = new Dropout(embdPdrop, drop);
    this.#h = new ModuleList(
      Array.from(
        { length: nLayer },
        () => new Block(this.config, { ...drop, initGenerator, ...(attention ? { attention } : {}) }),
      ),
    );
    this.#lnF = new LayerNorm(C);
    this.transformer = this.registerModule(
      'transformer',
      new ModuleDict({ wte: this.#wte, wpe: this.#wpe, drop: this.#drop, h: this.#h, ln_f: this.#lnF }),
    );
    this.lmHead = this.registerModule('lm_head', new Linear(C, V, { bias: false, ...o }));

    // init all weights, and apply a special scaled init to the residual projections, per GPT-2 paper
    if (init === 'normal') initGPTWeights(this, nLayer, generator ?? getGenerator());
    else if (init === 'lcg') lcgInit(this);
  }

  /**
   * Loads a GPT-2 checkpoint in Hugging Face layout (`config.json` + `model.safetensors`) from a folder, a
   * URL or a hub model id (`gpt2`, `gpt2-medium`, …; downloaded once into a cache). As in the toolkit, the
   * blocks use the fused `c_attn` attention (`pretrained: true`) unless `attention: 'separate'` asks for the
   * exercise form, and the model is returned in training mode: call `.eval()` before generating.
   *
   * @param source - A folder, a URL or a hub model id.
   * @param options - `attention` ('fused' | 'separate'), the download options (cache, progress, …) and
   *   `generator` (for the dropout masks).
   * @returns The model with the checkpoint's weights.
   * @throws {@link LxmlsGptError} `NOT_FOUND`, `DOWNLOAD_FAILED`, `INVALID_CHECKPOINT`, `CHECKPOINT_MISMATCH`.
   * @remarks Python: `GPT.from_pretrained(model_type)` (Hugging Face weights, Conv1D weights transposed).
   */
  static async fromPretrained(
    source: string,
    options: LoadCheckpointOptions & { generator?: RandomGenerator } = {},
  ): Promise<GPT> {
    const { config, stateDict } = await loadCheckpoint(source, options);
    try {
      // a model type of the table fills in the sizes, as in the toolkit; any other checkpoint gives its sizes
      const entry: ModelTypeSizes | undefined = config.modelType
        ? (MODEL_TYPES as Record<string, ModelTypeSizes>)[config.modelType]
        : undefined;
      const known =
        entry &&
        Object.hasOwn(MODEL_TYPES, config.modelType!) &&
        entry.nLayer === config.nLayer &&
        entry.nHead === config.nHead &&
        entry.nEmbd === config.nEmbd;
      const gptConfig: GPTConfig = known
        ? { ...getDefaultConfig(), ...config, nLayer: null, nHead: null, nEmbd: null }
        : { ...getDefaultConfig(), ...config, modelType: null };
      const { generator } = options;
      const model = new GPT(gptConfig, { init: 'none', ...(generator ? { generator } : {}) });
      const { missingKeys, unexpectedKeys } = model.loadStateDict(stateDict, { strict: false });
      const missing = missingKeys.filter((k) => !/\.attn\.bias$/.test(k)); // the causal masks are not weights
      if (missing.length > 0 || unexpectedKeys.length > 0) {
        model.dispose();
        check.fail(
          'GPT.fromPretrained',
          'source',
          undefined,
          'the checkpoint does not fit the model',
          'exactly the parameters of the GPT',
          {
            code: 'CHECKPOINT_MISMATCH',
            received: `missing ${missing.slice(0, 5).join(', ') || 'none'}; unexpected ${unexpectedKeys.slice(0, 5).join(', ') || 'none'}`,
          },
        );
      }
      return model;
    } finally {
      for (const t of stateDict.values()) t.dispose();
    }
  }

  /**
   * Saves the model as a Hugging Face GPT-2 checkpoint folder (`config.json` + `model.safetensors`), which
   * {@link GPT.fromPretrained} and transformers' `GPT2LMHeadModel.from_pretrained(dir)` load. Node only.
   *
   * @param dir - The folder (created if needed; written whole and atomically, an existing model folder
   *   replaced unless `overwrite: false`).
   * @param options - `tieWordEmbeddings`, safetensors `metadata`, `float16`, `overwrite`, `extraFiles`.
   * @returns The paths written.
   */
  save(dir: string, options: SaveFolderOptions = {}): Promise<{ configPath: string; weightsPath: string }> {
    return saveHuggingFace(dir, this.config, this.stateDict(), options);
  }

  /**
   * True when every block's attention keeps a KV cache (`supportsKVCache`), as the course's modules do;
   * false with a module that does not (a student's): {@link generate} then recomputes the whole context at
   * each step, and `forward` refuses a `cache`.
   */
  get supportsKVCache(): boolean {
    return [...this.#h].every((block) => block.attn.supportsKVCache === true);
  }

  /**
   * The number of parameters of `transformer` (the lm head is not counted, as in the toolkit).
   *
   * @returns e.g. 85,824 for gpt-nano on the weather data.
   */
  numTransformerParameters(): number {
    return this.transformer.numParameters();
  }

  /**
   * The line the toolkit prints when it builds a GPT: `number of parameters: %.2fM`.
   *
   * @returns e.g. `number of parameters: 0.09M` (gpt-nano, weather data) or `… 124.44M` (gpt2).
   */
  parameterCountLine(): string {
    return `number of parameters: ${(this.numTransformerParameters() / 1e6).toFixed(2)}M`;
  }

  /**
   * Splits the parameters into two optimizer groups: with weight decay (the Linear weights) and without
   * (biases, LayerNorm and Embedding weights), each sorted by full name.
   *
   * @param trainConfig - `weightDecay` for the decayed group.
   * @returns `[decay, noDecay]`, for an AdamW such as @lxmls/trainer's.
   * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` if a parameter falls in neither or both groups.
   * @remarks Python: `GPT.configure_optimizers` (minus building the torch optimizer).
   */
  configureOptimizers(trainConfig: { weightDecay: number }): ParamGroup[] {
    // separate out all parameters to those that will and won't experience regularizing weight decay
    const decay = new Set<string>();
    const noDecay = new Set<string>();
    for (const [mn, m] of this.namedModules()) {
      for (const [pn] of m.ownParameters()) {
        const fpn = mn ? `${mn}.${pn}` : pn; // full param name
        if (pn.endsWith('bias'))
          noDecay.add(fpn); // all biases will not be decayed
        else if (pn.endsWith('weight') && m instanceof Linear)
          decay.add(fpn); // weights of whitelist modules
        else if (pn.endsWith('weight') && (m instanceof LayerNorm || m instanceof Embedding))
          noDecay.add(fpn);
      }
    }
    // validate that we considered every parameter
    const params = new Map(this.namedParameters());
    const both = [...decay].filter((n) => noDecay.has(n));
    const neither = [...params.keys()].filter((n) => !decay.has(n) && !noDecay.has(n));
    if (both.length > 0 || neither.length > 0) {
      throw new LxmlsGptError('INVALID_ARGUMENT', 'parameters were not separated into decay / no_decay', {
        fn: 'GPT.configureOptimizers',
        expected: 'every parameter in exactly one group',
        received: `in both: ${both.join(', ') || 'none'}; in neither: ${neither.join(', ') || 'none'}`,
      });
    }
    const group = (names: Set<string>, weightDecay: number): ParamGroup => {
      const sorted = [...names].sort();
      return { names: sorted, params: sorted.map((n) => params.get(n)!), weightDecay };
    };
    return [group(decay, trainConfig.weightDecay), group(noDecay, 0)];
  }

  /**
   * The forward pass.
   *
   * @param idx - Token ids, int32 `(B, T)`, T ≤ blockSize (cached positions included).
   * @param targets - Next-token ids, int32 `(B, T)`, -1 where there is nothing to predict; or null.
   * @param options - `returnAttentions`, `returnQueriesKeys`, `cache`.
   * @returns `{ logits (B, T, V), loss (scalar) | null, attentions?, queries?, keys? }`.
   * @throws {@link LxmlsGptError} `SEQUENCE_TOO_LONG` past blockSize; `INVALID_ARGUMENT` for a wrong dtype or shape.
   * @remarks Python: `GPT.forward(idx, targets=None)`.
   */
  forward(idx: Tensor, targets: Tensor | null = null, options: GPTForwardOptions = {}): GPTOutput {
    const { returnAttentions = false, returnQueriesKeys = false, cache } = options;
    checkIds('GPT.forward', 'idx', idx);
    const [b, t] = idx.shape as [number, number];
    const past = cache ? cache.length : 0;
    if (past + t > this.blockSize)
      check.fail(
        'GPT.forward',
        'idx',
        undefined,
        `Cannot forward sequence of length ${past + t}, block size is only ${this.blockSize}`,
        `at most ${this.blockSize} positions`,
        { code: 'SEQUENCE_TOO_LONG', received: past ? `${past} cached + ${t} new` : `shape (${b}, ${t})` },
      );
    if (targets) checkIds('GPT.forward', 'targets', targets, idx.shape);
    if (cache && !this.supportsKVCache)
      check.fail(
        'GPT.forward',
        'options.cache',
        undefined,
        'this model cannot use a KV cache',
        'attention modules with supportsKVCache: true',
        {
          received: `${attentionName(this.#h)}, which does not declare supportsKVCache`,
          hint: 'Leave out the cache (generate does so by itself for such a model).',
        },
      );
    const pos = arange(past, past + t, 1, 'int32'); // (t) positions
    // forward the GPT model itself
    const tokEmb = this.#wte.forward(idx); // (b, t, C) token embeddings
    const posEmb = this.#wpe.forward(pos); // (t, C) position embeddings
    let x = this.#drop.forward(add(tokEmb, posEmb)); // (b, t, C)
    const attentions: Tensor[] = [];
    const queries: Tensor[] = [];
    const keys: Tensor[] = [];
    for (const [i, block] of [...this.#h].entries()) {
      const layerCache: KVCache | undefined = cache?.layers[i];
      const out = block.forward(x, {
        returnWeights: returnAttentions,
        returnQueriesKeys,
        ...(layerCache ? { cache: layerCache } : {}),
      });
      x = out.x; // (b, t, C)
      if (layerCache && layerCache.length !== past + t) throw ignored(i, block, 'the KV cache');
      if (returnAttentions && !out.weights) throw ignored(i, block, 'returnWeights');
      if (returnQueriesKeys && !(out.queries && out.keys)) throw ignored(i, block, 'returnQueriesKeys');
      if (out.weights) attentions.push(out.weights); // (b, nh, t, past + t)
      if (out.queries && out.keys) {
        queries.push(out.queries); // (b, nh, t, hs)
        keys.push(out.keys); // (b, nh, past + t, hs)
      }
    }
    x = this.#lnF.forward(x); // (b, t, C)
    const logits = this.lmHead.forward(x); // (b, t, V)
    // if we are given some desired targets also calculate the loss (positions with target -1 are ignored)
    const loss = targets ? crossEntropy(logits, targets, { ignoreIndex: -1 }) : null; // ()
    return {
      logits,
      loss,
      ...(returnAttentions ? { attentions } : {}),
      ...(returnQueriesKeys ? { queries, keys } : {}),
    };
  }

  /**
   * Take a conditioning sequence of indices idx (int32 `(B, T)`) and complete the sequence `maxNewTokens`
   * times, feeding the predictions back into the model each time. See {@link generate}.
   *
   * @remarks Python: `GPT.generate(idx, max_new_tokens, temperature=1.0, do_sample=False, top_k=None)`.
   */
  generate(idx: Tensor, maxNewTokens: number, options: GenerateOptions = {}): Tensor {
    return generate(this, idx, maxNewTokens, options);
  }

  /** The `batch` most likely next tokens, each continued greedily. See {@link genBatch}. */
  genBatch(idx: Tensor, maxNewTokens: number, options: GenBatchOptions = {}): Tensor[] {
    return genBatch(this, idx, maxNewTokens, options);
  }

  /** Sampled continuations of a text (top-k 100). See {@link prompt}. */
  prompt(pText = '', tokens = 20, numSamples = 1, doSample = true, options: PromptOptions = {}): string[] {
    return prompt(this, pText, tokens, numSamples, doSample, options);
  }

  /** The top-`numSamples` first tokens, each continued greedily, decoded. See {@link promptTopK}. */
  promptTopK(pText = '', tokens = 20, numSamples = 5, options: PromptOptions = {}): string[] {
    return promptTopK(this, pText, tokens, numSamples, options);
  }
}

/** The class name of the blocks' attention, as the error messages name it. */
function attentionName(blocks: Iterable<Block>): string {
  for (const block of blocks) return `the attention ${block.attn.constructor.name}`;
  return 'no attention';
}

/**
 * The error for an attention module that did not do what the GPT asked of it: keep the KV cache, or return its
 * weights (or queries and keys).
 */
function ignored(layer: number, block: Block, what: 'the KV cache' | 'returnWeights' | 'returnQueriesKeys') {
  const name = block.attn.constructor.name;
  const expected = {
    'the KV cache': 'a module that appends its keys and values to options.cache (supportsKVCache: true)',
    returnWeights: 'forward(x, { returnWeights: true }) to return { output, weights (B, nh, T, T) }',
    returnQueriesKeys: 'forward(x, { returnQueriesKeys: true }) to return { output, weights, queries, keys }',
  }[what];
  return new LxmlsGptError(
    'INVALID_ARGUMENT',
    what === 'the KV cache'
      ? `the attention of block ${layer} (${name}) ignored the KV cache`
      : `the attention of block ${layer} (${name}) does not return ${what === 'returnWeights' ? 'its weights' : 'its queries and keys'}`,
    {
      fn: 'GPT.forward',
      argument:
        what === 'the KV cache'
          ? 'options.cache'
          : what === 'returnWeights'
            ? 'options.returnAttentions'
            : 'options.returnQueriesKeys',
      expected,
      received: `${name}.forward, which returned ${what === 'the KV cache' ? 'without extending the cache' : 'none'}`,
      ...(what === 'the KV cache'
        ? { hint: 'Set supportsKVCache only on a module that uses options.cache.' }
        : {}),
    },
  );
}

/** Throws `INVALID_ARGUMENT` unless `t` is an int32 `(B, T)` tensor (of `shape`, when given). */
function checkIds(fn: string, argument: string, t: Tensor, shape?: readonly number[]): void {
  const ok =
    t.dtype === 'int32' &&
    t.shape.length === 2 &&
    t.shape[1]! >= 1 &&
    (!shape || (t.shape[0] === shape[0] && t.shape[1] === shape[1]));
  if (ok) return;
  check.fail(
    fn,
    argument,
    undefined,
    `${argument} must be int32 token ids (B, T)`,
    shape ? `int32 (${shape.join(', ')})` : 'int32 (B, T) with T ≥ 1',
    { received: `${t.dtype} (${t.shape.join(', ')})` },
  );
}
