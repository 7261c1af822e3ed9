/**
 * pretrain-bert: the script that trains `@lxmls/models`' small BERT (Exercise 2.4) with masked-language
 * modelling, from a text corpus and bert-base-uncased's WordPiece vocabulary, with @lxmls/trainer on the
 * `wasm` backend, and writes a Hugging Face folder (`config.json`, `model.safetensors` in float16,
 * `vocab.txt`, `tokenizer_config.json`) plus `training.json` (the command, the time, the held-out MLM loss and
 * accuracy, and the attention patterns of every head).
 *
 *   node apps/cli/dist/pretrain-bert.js --corpus packages/bpe/src/__fixtures__/tinyshakespeare.txt \
 *     --vocab packages/bert/src/__fixtures__/tiny-bert/vocab.txt --out /tmp/bert-mini --iters 3000
 *
 * The data: the corpus is tokenized once; the last `heldOutFraction` of its lines is held out (the MLM
 * evaluation and the sentences whose attention is measured). Batches: {@link MlmBatchSampler} (rows of 8–64
 * WordPieces, `[CLS] … [SEP]` or bare, 15% masked 80/10/10). Optimiser: AdamW (β 0.9/0.999, weight decay
 * 0.01 except biases and LayerNorm), warmup then cosine decay, gradient clipping at 1. Everything is seeded.
 */

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import {
  attentionPatterns,
  type BertConfig,
  BertForMaskedLM,
  BertTokenizer,
  MlmBatchSampler,
  strongestHeads,
} from '@lxmls/bert';
import {
  argmax,
  crossEntropy,
  gather,
  getBackend,
  linear,
  manualSeed,
  noGrad,
  reshape,
  setBackend,
  type Tensor,
  tensor,
  tidy,
} from '@lxmls/tensor';
import { type ModelOutput, type TrainableModel, Trainer } from '@lxmls/trainer';

/** The options of {@link pretrainBert}; every one has a default but the paths. */
export interface PretrainBertOptions {
  /** The corpus, a UTF-8 text file. */
  corpus: string;
  /** bert-base-uncased's `vocab.txt`. */
  vocab: string;
  /** The output folder (created). */
  out: string;
  /** Encoder layers (default 4). */
  layers?: number;
  /** Heads per layer (default 4). */
  heads?: number;
  /** Hidden size (default 128). */
  hidden?: number;
  /** Feed-forward size (default 4 × hidden). */
  intermediate?: number;
  /** The longest row and the position embeddings (default 64). */
  maxLength?: number;
  /** The shortest row (default 8). */
  minLength?: number;
  /** Rows per batch (default 32). */
  batchSize?: number;
  /** Training iterations (default 3000). */
  iters?: number;
  /** Peak learning rate (default 1e-3). */
  lr?: number;
  /** Dropout of the hidden states and of the attention weights (default 0.1, BERT's). */
  dropout?: number;
  /** The std of the initial weights (default 0.02, BERT's `initializer_range`). */
  initRange?: number;
  /**
   * How the position embeddings start: `'normal'` (default, BERT's N(0, initRange²)) or `'sinusoidal'` (the
   * Transformer's sin/cos table, scaled to the same root mean square, then trained as usual), which gives
   * every relative offset a linear map and lets previous- and next-token heads appear much sooner.
   */
  positionInit?: 'normal' | 'sinusoidal';
  /** The share of positions chosen for the loss (default 0.15, BERT's). */
  mlmProbability?: number;
  /**
   * The softmax of the training loss: `'full'` (default, all 30,522 WordPieces) or `'corpus'` (only the
   * WordPieces of the training text, every target among them: the same gradients for those, 3.5× less work
   * on tinyshakespeare's 8,647). With `'corpus'`, the output bias of the WordPieces never seen is set, in
   * every saved file, to that of those seen once less ln 2 (add-one counts 1 and 2), so the saved model is a
   * full-vocabulary BERT; the held-out evaluation always uses the full softmax.
   */
  outputVocab?: 'full' | 'corpus';
  /**
   * How the output bias starts: `'zero'` (default, BERT's: every WordPiece equally likely) or `'unigram'`
   * (the log of the training text's add-one WordPiece frequencies, so that the model predicts the unigram
   * distribution from the first step; Adam moves a bias by about the learning rate per step, so from zero
   * reaching the unigram's range of about 10 nats takes thousands of steps).
   */
  biasInit?: 'zero' | 'unigram';
  /**
   * The longest training row (default `maxLength`): shorter rows than the positions, so that a uniform head
   * spreads over fewer tokens and the previous and next tokens weigh more at the start. The held-out rows
   * keep `minLength`–`maxLength`.
   */
  rowMaxLength?: number;
  /**
   * A folder written by this script whose weights start the training (its config.json fixes the
   * architecture: the layer, head, size and position options and `biasInit` / `positionInit` are then
   * not used). Default: a fresh initialisation.
   */
  initFrom?: string;
  /** Warmup iterations (default iters / 20). */
  warmup?: number;
  /** The seed of the initialisation, the batches and the held-out masks (default 0). */
  seed?: number;
  /** Evaluate and save every this many iterations (default 500; 0: only at the end). */
  evalEvery?: number;
  /** The share of the corpus's lines held out (default 0.05). */
  heldOutFraction?: number;
  /** Held-out batches of the MLM evaluation (default 20). */
  evalBatches?: number;
  /** Held-out sentences whose attention is measured (default 200). */
  patternSentences?: number;
  /** wasm threads (default 1). */
  threads?: number;
  /** The command line to record in training.json. */
  command?: string;
  /**
   * Do not train: measure the model already in `out` (held-out MLM loss and accuracy, head patterns) with the
   * same held-out data, and update its training.json (default false).
   */
  measureOnly?: boolean;
}

/**
 * The notebook's sentence (Exercise 2.4), whose head patterns training.json records.
 *
 * @example
 * ```ts
 * import { NOTEBOOK_SENTENCE } from './pretrain-bert.js';
 * console.log(NOTEBOOK_SENTENCE.split(' ').length); // → 12
 * ```
 */
export const NOTEBOOK_SENTENCE = 'I will go for a run and will jump into a lake.';

/**
 * The Transformer's sinusoidal position table `(positions, dim)`, row-major: `sin(p / 10000^(2i/dim))` in
 * column 2i and `cos(…)` in column 2i + 1, scaled so that its root mean square is `std` (that of N(0, std²)).
 *
 * @param positions - Rows.
 * @param dim - Columns (even).
 * @param std - The root mean square wanted.
 * @returns The table.
 * @example
 * ```ts
 * import { sinusoidalPositions } from './pretrain-bert.js';
 * const table = sinusoidalPositions(4, 4, Math.SQRT1_2);
 * console.log(Array.from(table.subarray(4, 8), (v) => v.toFixed(3))); // → [ '0.841', '0.540', '0.010', '1.000' ]
 * ```
 */
export function sinusoidalPositions(positions: number, dim: number, std: number): Float32Array {
  const table = new Float32Array(positions * dim);
  const scale = std * Math.SQRT2;
  for (let p = 0; p < positions; p++) {
    for (let i = 0; i < dim; i += 2) {
      const angle = p / 10000 ** (i / dim);
      table[p * dim + i] = scale * Math.sin(angle);
      if (i + 1 < dim) table[p * dim + i + 1] = scale * Math.cos(angle);
    }
  }
  return table;
}

/**
 * The least mean attention on one kind of position for a head to be named worth looking at: 0.15, more than
 * twice what a uniform head puts on one position of the held-out sentences (0.063 over those of 6–30 WordPieces).
 */
const WORTH_LOOKING_AT = 0.15;

/**
 * `model` with its training loss's softmax restricted to `candidates` (sorted token ids, every target among
 * them): the encoder, the head's transform and the tied decoder as in `BertForMaskedLM.forward`, but the
 * decoder's rows and bias gathered at the candidates, `(N, K)` logits instead of `(N, V)`. The parameters are
 * the model's own: training the wrapper trains the model.
 *
 * @param model - The masked language model.
 * @param candidates - The token ids the softmax ranges over, ascending.
 * @returns A model for @lxmls/trainer's `Trainer`.
 * @example
 * ```ts
 * import { BertForMaskedLM } from '@lxmls/bert';
 * import { tensor } from '@lxmls/tensor';
 * import { corpusSoftmax } from './pretrain-bert.js';
 * const mlm = new BertForMaskedLM({ vocabSize: 10, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8 });
 * const trained = corpusSoftmax(mlm, Int32Array.from([2, 3, 5]));
 * const out = trained.forward(tensor(Int32Array.from([1, 2, 3, 5]), [1, 4], 'int32'), tensor(Int32Array.from([-1, 2, -1, 5]), [1, 4], 'int32'));
 * console.log(out.logits!.shape, out.loss!.shape); // → [ 2, 3 ] []
 * ```
 */
export function corpusSoftmax(model: BertForMaskedLM, candidates: Int32Array): TrainableModel {
  const V = model.config.vocabSize;
  const slot = new Int32Array(V).fill(-1);
  candidates.forEach((id, k) => {
    slot[id] = k;
  });
  const ids = tensor(candidates, [candidates.length], 'int32'); // (K)
  return {
    parameters: () => model.parameters(),
    namedParameters: () => model.namedParameters(),
    train: (mode?: boolean) => model.train(mode),
    configureOptimizers: (config) => model.configureOptimizers(config),
    get training() {
      return model.training;
    },
    forward(x: Tensor, y: Tensor): ModelOutput {
      const h = model.bert.forward({ inputIds: x }).lastHiddenState; // (B, T, C)
      const [B, T, C] = h.shape as [number, number, number];
      const labels = y.data();
      const positions: number[] = [];
      const targets: number[] = [];
      labels.forEach((label, i) => {
        if (label >= 0) {
          positions.push(i);
          targets.push(slot[label]!);
        }
      });
      const chosen = gather(
        reshape(h, [B * T, C]),
        tensor(Int32Array.from(positions), [positions.length], 'int32'),
      ); // (N, C)
      const head = model.cls.predictions;
      const weight = gather(head.decoderWeight, ids); // (K, C)
      const bias = reshape(gather(reshape(head.bias, [V, 1]), ids), [candidates.length]); // (K)
      const logits = linear(head.transform.forward(chosen), weight, bias); // (N, K)
      const loss = crossEntropy(logits, tensor(Int32Array.from(targets), [targets.length], 'int32')); // ()
      return { loss, logits };
    },
  };
}

/**
 * Sets the output bias of the WordPieces outside `candidates` to the mean bias of those seen once in training
 * less ln 2, so that the saved full-vocabulary model gives a WordPiece never seen half the probability of one
 * seen once, as add-one counts do (1 against 2). Used with {@link corpusSoftmax}, which leaves those biases
 * untrained.
 *
 * @param model - The masked language model (its `cls.predictions.bias` is changed in place).
 * @param candidates - The token ids seen in training, ascending.
 * @param counts - How often each token id occurs in the training text, `(V)`.
 * @example
 * ```ts
 * import { BertForMaskedLM } from '@lxmls/bert';
 * import { noGrad } from '@lxmls/tensor';
 * import { calibrateUnseenBias } from './pretrain-bert.js';
 * const mlm = new BertForMaskedLM({ vocabSize: 5, hiddenSize: 8, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 16, maxPositionEmbeddings: 8 });
 * const bias = mlm.cls.predictions.bias;
 * noGrad(() => bias.copyFrom(Float32Array.from([0, 1, 3, 0, 0])));
 * calibrateUnseenBias(mlm, Int32Array.from([1, 2]), Int32Array.from([0, 1, 4, 0, 0])); // token 1 seen once
 * console.log(Array.from(bias.data(), (b) => b.toFixed(3))); // → [ '0.307', '1.000', '3.000', '0.307', '0.307' ]
 * ```
 */
export function calibrateUnseenBias(
  model: BertForMaskedLM,
  candidates: Int32Array,
  counts: Int32Array,
): void {
  const bias = model.cls.predictions.bias; // (V)
  const values = Float32Array.from(bias.data());
  let sum = 0;
  let n = 0;
  for (const id of candidates) {
    if (counts[id] === 1) {
      sum += values[id]!;
      n++;
    }
  }
  const unseen = (n > 0 ? sum / n : Math.min(...values)) - Math.LN2;
  const isCandidate = new Uint8Array(values.length);
  for (const id of candidates) isCandidate[id] = 1;
  for (let i = 0; i < values.length; i++) if (!isCandidate[i]) values[i] = unseen;
  noGrad(() => bias.copyFrom(values));
}

/** The held-out MLM loss and accuracy (argmax = original token) over fixed masked batches. */
function evaluateMlm(
  model: BertForMaskedLM,
  batches: { x: Int32Array; y: Int32Array; shape: [number, number] }[],
): { loss: number; accuracy: number; tokens: number } {
  model.eval();
  let lossSum = 0;
  let correct = 0;
  let tokens = 0;
  for (const b of batches) {
    tidy(() =>
      noGrad(() => {
        const out = model.forward(tensor(b.x, b.shape, 'int32'), tensor(b.y, b.shape, 'int32'));
        const n = out.positions!.length;
        lossSum += out.loss!.item() * n;
        const predicted = argmax(out.logits, -1).data(); // (N)
        out.positions!.forEach((p, k) => {
          if (predicted[k] === b.y[p]) correct++;
        });
        tokens += n;
      }),
    );
  }
  model.train();
  return { loss: lossSum / tokens, accuracy: correct / tokens, tokens };
}

/**
 * Held-out sentences: split at . ! ? (whitespace joined), kept when 6 to `maxPieces` (default 40) WordPieces
 * long.
 *
 * @param text - The held-out text.
 * @param tokenizer - The WordPiece tokenizer.
 * @param count - At most this many sentences.
 * @param maxPieces - The longest sentence kept, in WordPieces.
 * @returns The sentences, in the text's order.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { BertTokenizer } from '@lxmls/bert';
 * import { heldOutSentences } from './pretrain-bert.js';
 * const tokenizer = BertTokenizer.fromVocab(readFileSync('apps/cli/src/__fixtures__/tiny-bert/vocab.txt', 'utf8'));
 * console.log(heldOutSentences('Go. Thou art a villain, sir!\nAy, my good lord.', tokenizer, 5)); // → [ 'Thou art a villain, sir!', 'Ay, my good lord.' ]
 * ```
 */
export function heldOutSentences(
  text: string,
  tokenizer: BertTokenizer,
  count: number,
  maxPieces = 40,
): string[] {
  const out: string[] = [];
  for (const m of text.replace(/\s+/g, ' ').matchAll(/[^.!?]+[.!?]/g)) {
    const s = m[0].trim();
    const n = tokenizer.tokenize(s).length;
    if (n >= 6 && n <= maxPieces) out.push(s);
    if (out.length >= count) break;
  }
  return out;
}

/**
 * Trains the small BERT and writes its folder, then measures the files written (float16). Returns what
 * `training.json` records.
 *
 * @param options - Paths and hyper-parameters.
 * @param log - Receives progress lines.
 * @returns The summary written to `training.json`.
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { pretrainBert } from './pretrain-bert.js';
 * const out = join(mkdtempSync(join(tmpdir(), 'bert-')), 'tiny');
 * const summary = await pretrainBert({
 *   corpus: 'packages/bpe/src/__fixtures__/tinyshakespeare.txt', vocab: 'apps/cli/src/__fixtures__/tiny-bert/vocab.txt', out,
 *   layers: 1, heads: 2, hidden: 8, maxLength: 16, batchSize: 2, iters: 2, evalEvery: 0, evalBatches: 1, patternSentences: 2,
 * });
 * console.log(summary.iterations, (summary.heldOut as { weights: string }).weights); // → 2 float16
 * ```
 */
export async function pretrainBert(
  options: PretrainBertOptions,
  log: (line: string) => void = () => {},
): Promise<Record<string, unknown>> {
  const {
    layers = 4,
    heads = 4,
    hidden = 128,
    maxLength = 64,
    minLength = 8,
    batchSize = 32,
    iters = 3000,
    lr = 1e-3,
    seed = 0,
    evalEvery = 500,
    heldOutFraction = 0.05,
    evalBatches = 20,
    patternSentences = 200,
    threads = 1,
    mlmProbability = 0.15,
    outputVocab = 'full',
  } = options;
  const intermediate = options.intermediate ?? 4 * hidden;
  const dropout = options.dropout ?? 0.1;
  const warmup = options.warmup ?? Math.max(1, Math.round(iters / 20));
  registerWasmBackend(10, { threads });
  await setBackend('wasm');

  const vocabText = readFileSync(options.vocab, 'utf8');
  const tokenizer = BertTokenizer.fromVocab(vocabText);
  const lines = readFileSync(options.corpus, 'utf8').split('\n');
  const cut = Math.floor(lines.length * (1 - heldOutFraction));
  const trainText = lines.slice(0, cut).join('\n');
  const heldText = lines.slice(cut).join('\n');
  const started = performance.now();
  const trainIds = tokenizer.convertTokensToIds(tokenizer.tokenize(trainText));
  const heldIds = tokenizer.convertTokensToIds(tokenizer.tokenize(heldText));
  log(
    `tokenized: ${trainIds.length} train, ${heldIds.length} held-out WordPieces (${((performance.now() - started) / 1000).toFixed(1)} s)`,
  );

  const special = (t: string) => tokenizer.convertTokensToIds([t])[0]!;
  const ids = { clsId: special('[CLS]'), sepId: special('[SEP]'), maskId: special('[MASK]') };
  const vocabSize = tokenizer.vocabSize;
  const continuation = new Uint8Array(vocabSize);
  vocabText.split('\n').forEach((t, i) => {
    if (t.startsWith('##') && i < vocabSize) continuation[i] = 1;
  });
  const samplerOptions = {
    ...ids,
    vocabSize,
    minLength,
    maxLength,
    mlmProbability,
    isContinuation: (id: number) => continuation[id] === 1,
  };
  const sampler = new MlmBatchSampler(trainIds, {
    ...samplerOptions,
    maxLength: options.rowMaxLength ?? maxLength,
    seed,
  });
  // held out at BERT's 15% whatever the training rate, so that held-out losses compare across runs
  const heldSampler = new MlmBatchSampler(heldIds, {
    ...samplerOptions,
    mlmProbability: 0.15,
    seed: seed + 1,
  });
  const heldBatches = Array.from({ length: evalBatches }, () => heldSampler.sampleBatch(batchSize));
  const sentences = heldOutSentences(heldText, tokenizer, patternSentences, Math.min(40, maxLength - 2));

  if (options.measureOnly) {
    const previous = JSON.parse(readFileSync(join(options.out, 'training.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const summary = { ...previous, ...measureSaved(options.out, tokenizer, heldBatches, sentences, log) };
    writeFileSync(join(options.out, 'training.json'), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  }

  manualSeed(seed);
  const config: Partial<BertConfig> = {
    vocabSize,
    hiddenSize: hidden,
    numHiddenLayers: layers,
    numAttentionHeads: heads,
    intermediateSize: intermediate,
    maxPositionEmbeddings: maxLength,
    hiddenDropoutProb: dropout,
    attentionProbsDropoutProb: dropout,
    initializerRange: options.initRange ?? 0.02,
  };
  const model = options.initFrom
    ? (BertForMaskedLM.fromSafetensors(
        readFileSync(join(options.initFrom, 'config.json'), 'utf8'),
        readFileSync(join(options.initFrom, 'model.safetensors')),
      ).train() as BertForMaskedLM)
    : new BertForMaskedLM(config);
  if (options.initFrom) {
    const c = model.config;
    Object.assign(config, {
      hiddenSize: c.hiddenSize,
      numHiddenLayers: c.numHiddenLayers,
      numAttentionHeads: c.numAttentionHeads,
      intermediateSize: c.intermediateSize,
      maxPositionEmbeddings: c.maxPositionEmbeddings,
      initializerRange: c.initializerRange,
    });
    if (c.maxPositionEmbeddings < maxLength) {
      throw new Error(
        `pretrain-bert: --init-from ${options.initFrom} has ${c.maxPositionEmbeddings} positions, fewer than --max-length ${maxLength}`,
      );
    }
    log(`weights from ${options.initFrom}`);
  }
  const counts = new Int32Array(vocabSize);
  for (const id of trainIds) counts[id]!++;
  if (options.initFrom) {
    // started from trained weights
  } else if (options.biasInit === 'unigram') {
    const total = trainIds.length + vocabSize; // add-one
    const logFrequency = Float32Array.from(counts, (c) => Math.log((c + 1) / total));
    noGrad(() => model.cls.predictions.bias.copyFrom(logFrequency));
  }
  if (options.positionInit === 'sinusoidal' && !options.initFrom) {
    const weight = model.bert.embeddings.positionEmbeddings.weight; // (maxLength, hidden)
    noGrad(() => weight.copyFrom(sinusoidalPositions(maxLength, hidden, options.initRange ?? 0.02)));
  }
  log(
    `model: ${model.config.numHiddenLayers} layers, ${model.config.numAttentionHeads} heads, hidden ${model.config.hiddenSize}, ${model.numParameters()} parameters; backend ${getBackend().name}, ${cpus().length} CPUs`,
  );

  const trainerConfig = Trainer.getDefaultConfig();
  Object.assign(trainerConfig, {
    maxIters: iters,
    batchSize,
    learningRate: lr,
    betas: [0.9, 0.999],
    weightDecay: 0.01,
    gradNormClip: 1.0,
    lrSchedule: { type: 'cosine', warmupIters: warmup, decayIters: iters, minLr: lr / 10 },
    seed,
    yieldEvery: null,
  });

  const candidates = Int32Array.from(Array.from(counts).flatMap((c, id) => (c > 0 ? [id] : [])));
  const trained = outputVocab === 'corpus' ? corpusSoftmax(model, candidates) : model;
  if (outputVocab === 'corpus') {
    log(`softmax of the training loss over the ${candidates.length} WordPieces of the training text`);
  }
  const trainer = new Trainer(trainerConfig, trained, sampler);
  mkdirSync(options.out, { recursive: true });
  const save = (extra: Record<string, unknown>) => {
    if (outputVocab === 'corpus') calibrateUnseenBias(model, candidates, counts);
    writeFileSync(
      join(options.out, 'model.safetensors'),
      model.toSafetensors({ dtype: 'float16', metadata: { format: 'pt' } }),
    );
    writeFileSync(join(options.out, 'config.json'), `${JSON.stringify(hfConfig(model.config), null, 2)}\n`);
    writeFileSync(join(options.out, 'vocab.txt'), vocabText);
    writeFileSync(
      join(options.out, 'tokenizer_config.json'),
      `${JSON.stringify({ do_lower_case: true, tokenizer_class: 'BertTokenizer', model_max_length: maxLength }, null, 2)}\n`,
    );
    writeFileSync(join(options.out, 'training.json'), `${JSON.stringify(extra, null, 2)}\n`);
  };
  const trainStart = performance.now();
  let smoothed = Number.NaN;
  const history: { iter: number; seconds: number; heldOutLoss: number; heldOutAccuracy: number }[] = [];
  const summaryOf = (iter: number) => {
    const seconds = (performance.now() - trainStart) / 1000;
    return {
      command: options.command ?? null,
      machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} vCPUs, Node ${process.version}, wasm backend (${threads} thread)`,
      corpus: options.corpus,
      trainWordPieces: trainIds.length,
      heldOutWordPieces: heldIds.length,
      config,
      hyperparameters: {
        batchSize,
        iters,
        lr,
        warmup,
        minLength,
        maxLength,
        seed,
        weightDecay: 0.01,
        gradNormClip: 1,
        mlmProbability,
        outputVocab,
        positionInit: options.positionInit ?? 'normal',
        biasInit: options.biasInit ?? 'zero',
        rowMaxLength: options.rowMaxLength ?? maxLength,
        initFrom: options.initFrom ?? null,
      },
      iterations: iter,
      trainSeconds: Math.round(seconds),
      parameters: model.numParameters(),
      history,
    };
  };
  trainer.setCallback('on_batch_end', (t) => {
    smoothed = Number.isNaN(smoothed) ? t.loss : 0.98 * smoothed + 0.02 * t.loss;
    const it = t.iterNum + 1;
    if (it % 25 === 0 || it === 1) {
      const s = (performance.now() - trainStart) / 1000;
      log(
        `iter ${it}/${iters} loss ${t.loss.toFixed(3)} (smoothed ${smoothed.toFixed(3)}) lr ${t.lr.toExponential(2)} ${s.toFixed(0)} s`,
      );
    }
    if ((evalEvery > 0 && it % evalEvery === 0) || it === iters) {
      if (outputVocab === 'corpus') calibrateUnseenBias(model, candidates, counts); // evaluated as saved
      const e = evaluateMlm(model, heldBatches);
      history.push({
        iter: it,
        seconds: Math.round((performance.now() - trainStart) / 1000),
        heldOutLoss: e.loss,
        heldOutAccuracy: e.accuracy,
      });
      log(
        `eval iter ${it}: held-out MLM loss ${e.loss.toFixed(3)}, accuracy ${(e.accuracy * 100).toFixed(1)}% over ${e.tokens} tokens`,
      );
      save(summaryOf(it));
    }
  });
  await trainer.run();
  save(summaryOf(iters));
  model.dispose();
  // measured on the files written (float16 weights), so the numbers are those of the model shipped
  const summary = {
    ...summaryOf(iters),
    ...measureSaved(options.out, tokenizer, heldBatches, sentences, log),
  };
  writeFileSync(join(options.out, 'training.json'), `${JSON.stringify(summary, null, 2)}\n`);
  return summary;
}

/** The held-out MLM quality and the head patterns of the model saved in `folder` (its float16 weights). */
function measureSaved(
  folder: string,
  tokenizer: BertTokenizer,
  heldBatches: { x: Int32Array; y: Int32Array; shape: [number, number] }[],
  sentences: string[],
  log: (line: string) => void,
): Record<string, unknown> {
  const model = BertForMaskedLM.fromSafetensors(
    readFileSync(join(folder, 'config.json'), 'utf8'),
    readFileSync(join(folder, 'model.safetensors')),
  );
  try {
    const final = evaluateMlm(model, heldBatches);
    model.eval();
    const patterns = attentionPatterns(model.bert, tokenizer, sentences);
    const bare = attentionPatterns(model.bert, tokenizer, sentences, { addSpecialTokens: false });
    const notebook = attentionPatterns(model.bert, tokenizer, [NOTEBOOK_SENTENCE]);
    const notebookBare = attentionPatterns(model.bert, tokenizer, [NOTEBOOK_SENTENCE], {
      addSpecialTokens: false,
    });
    log(
      `held-out MLM loss ${final.loss.toFixed(3)}, accuracy ${(final.accuracy * 100).toFixed(1)}% (float16 weights)`,
    );
    for (const s of strongestHeads(patterns, 0)) {
      log(`  ${s.pattern}: layer ${s.layer} head ${s.head} ${s.score.toFixed(2)}`);
    }
    return {
      heldOut: {
        mlmLoss: final.loss,
        mlmAccuracy: final.accuracy,
        maskedTokens: final.tokens,
        weights: 'float16',
      },
      patterns: {
        heldOutSentences: sentences.length,
        withSpecialTokens: patterns.heads,
        withoutSpecialTokens: bare.heads,
        strongest: strongestHeads(patterns, WORTH_LOOKING_AT),
        strongestWithoutSpecialTokens: strongestHeads(bare, WORTH_LOOKING_AT),
        notebookSentence: notebook.heads,
        notebookSentenceWithoutSpecialTokens: notebookBare.heads,
      },
    };
  } finally {
    model.dispose();
  }
}

/**
 * The Hugging Face `config.json` of a BertForMaskedLM with this config.
 *
 * @param c - The configuration.
 * @returns The JSON object (snake_case keys).
 * @example
 * ```ts
 * import { bertConfig } from '@lxmls/bert';
 * import { hfConfig } from './pretrain-bert.js';
 * const json = hfConfig(bertConfig({ hiddenSize: 128, numHiddenLayers: 4, numAttentionHeads: 4, intermediateSize: 512 }));
 * console.log(json.architectures, json.hidden_act, json.num_hidden_layers); // → [ 'BertForMaskedLM' ] gelu 4
 * ```
 */
export function hfConfig(c: Readonly<BertConfig>): Record<string, unknown> {
  return {
    architectures: ['BertForMaskedLM'],
    attention_probs_dropout_prob: c.attentionProbsDropoutProb,
    hidden_act: c.hiddenAct,
    hidden_dropout_prob: c.hiddenDropoutProb,
    hidden_size: c.hiddenSize,
    initializer_range: c.initializerRange,
    intermediate_size: c.intermediateSize,
    layer_norm_eps: c.layerNormEps,
    max_position_embeddings: c.maxPositionEmbeddings,
    model_type: 'bert',
    num_attention_heads: c.numAttentionHeads,
    num_hidden_layers: c.numHiddenLayers,
    pad_token_id: c.padTokenId,
    position_embedding_type: 'absolute',
    tie_word_embeddings: true,
    torch_dtype: 'float16',
    type_vocab_size: c.typeVocabSize,
    vocab_size: c.vocabSize,
  };
}

const INT_OPTIONS = [
  'layers',
  'heads',
  'hidden',
  'intermediate',
  'max-length',
  'min-length',
  'batch-size',
  'row-max-length',
  'iters',
  'warmup',
  'seed',
  'eval-every',
  'eval-batches',
  'pattern-sentences',
  'threads',
] as const;

/**
 * Parses the script's arguments (`--name value`) into {@link PretrainBertOptions}.
 *
 * @param argv - The arguments after the script's path.
 * @returns The options.
 * @throws Error naming a missing path or a bad integer.
 * @example
 * ```ts
 * import { parsePretrainArgs } from './pretrain-bert.js';
 * console.log(parsePretrainArgs(['--corpus', 'c.txt', '--vocab', 'v.txt', '--out', 'o', '--iters', '1000'])); // → { corpus: 'c.txt', vocab: 'v.txt', out: 'o', iters: 1000 }
 * ```
 */
export function parsePretrainArgs(argv: readonly string[]): PretrainBertOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      corpus: { type: 'string' },
      vocab: { type: 'string' },
      out: { type: 'string' },
      lr: { type: 'string' },
      dropout: { type: 'string' },
      'init-range': { type: 'string' },
      'position-init': { type: 'string' },
      'mlm-probability': { type: 'string' },
      'output-vocab': { type: 'string' },
      'bias-init': { type: 'string' },
      'init-from': { type: 'string' },
      'held-out-fraction': { type: 'string' },
      'measure-only': { type: 'boolean' },
      ...Object.fromEntries(INT_OPTIONS.map((k) => [k, { type: 'string' as const }])),
    },
    strict: true,
  });
  const v = values as Record<string, string | undefined>;
  for (const required of ['corpus', 'vocab', 'out']) {
    if (!v[required]) throw new Error(`pretrain-bert: --${required} is required`);
  }
  const options: PretrainBertOptions = { corpus: v.corpus!, vocab: v.vocab!, out: v.out! };
  const camel = (k: string) => k.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const k of INT_OPTIONS) {
    if (v[k] === undefined) continue;
    const n = Number(v[k]);
    if (!Number.isInteger(n) || n < 0)
      throw new Error(`pretrain-bert: --${k} must be an integer ≥ 0, received ${v[k]}`);
    (options as unknown as Record<string, number>)[camel(k)] = n;
  }
  if (v.lr !== undefined) options.lr = Number(v.lr);
  if (v.dropout !== undefined) options.dropout = Number(v.dropout);
  if (v['init-range'] !== undefined) options.initRange = Number(v['init-range']);
  const positionInit = v['position-init'];
  if (positionInit !== undefined) {
    if (positionInit !== 'normal' && positionInit !== 'sinusoidal')
      throw new Error(
        `pretrain-bert: --position-init must be normal or sinusoidal, received ${positionInit}`,
      );
    options.positionInit = positionInit;
  }
  if (v['mlm-probability'] !== undefined) options.mlmProbability = Number(v['mlm-probability']);
  const outputVocab = v['output-vocab'];
  if (outputVocab !== undefined) {
    if (outputVocab !== 'full' && outputVocab !== 'corpus')
      throw new Error(`pretrain-bert: --output-vocab must be full or corpus, received ${outputVocab}`);
    options.outputVocab = outputVocab;
  }
  if (v['init-from'] !== undefined) options.initFrom = v['init-from'];
  const biasInit = v['bias-init'];
  if (biasInit !== undefined) {
    if (biasInit !== 'zero' && biasInit !== 'unigram')
      throw new Error(`pretrain-bert: --bias-init must be zero or unigram, received ${biasInit}`);
    options.biasInit = biasInit;
  }
  if (v['held-out-fraction'] !== undefined) options.heldOutFraction = Number(v['held-out-fraction']);
  if ((values as Record<string, unknown>)['measure-only'] === true) options.measureOnly = true;
  return options;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const argv = process.argv.slice(2);
  const options = {
    ...parsePretrainArgs(argv),
    command: `node apps/cli/dist/pretrain-bert.js ${argv.join(' ')}`,
  };
  pretrainBert(options, (line) => console.log(`[${new Date().toISOString()}] ${line}`)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
