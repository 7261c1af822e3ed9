/**
 * Masked-language-model pretraining of a small BERT, as `@lxmls/models`' `lxmls/bert-mini` (Exercise 2.4) was
 * trained: from a text corpus and a WordPiece vocabulary (bert-base-uncased's `vocab.txt`), with
 * @lxmls/trainer's `Trainer` on whatever tensor backend is set, producing the files of a Hugging Face folder
 * (`config.json`, `model.safetensors` in float16, `vocab.txt`, `tokenizer_config.json`) plus `training.json`
 * (the run, the held-out MLM loss and accuracy, and the attention patterns of every head).
 *
 * Its pieces (the corpus softmax, the bias calibration, the sinusoidal positions…) are in pretrain-parts.ts.
 * No file system here: the texts come in as strings and the files go out through a `save` callback (the
 * script `tools/pretrain-bert.ts` reads and writes them); progress lines go to a `log` callback.
 *
 * The data: the corpus is tokenized once; the last `heldOutFraction` of its lines is held out (the MLM
 * evaluation and the sentences whose attention is measured). Batches: {@link MlmBatchSampler} (rows of 8–64
 * WordPieces, `[CLS] … [SEP]` or bare, 15% masked 80/10/10). Optimiser: AdamW (β 0.9/0.999, weight decay
 * 0.01 except biases and LayerNorm), warmup then cosine decay, gradient clipping at 1. Everything is seeded.
 */

import { argmax, getBackend, manualSeed, noGrad, tensor, tidy } from '@lxmls/tensor';
import { Trainer } from '@lxmls/trainer';
import type { BertConfig } from './config.js';
import { check } from './errors.js';
import { attentionPatterns, strongestHeads } from './heads.js';
import { BertForMaskedLM } from './mlm.js';
import { MlmBatchSampler } from './mlm-data.js';
import {
  bertConfigJson,
  calibrateUnseenBias,
  corpusSoftmax,
  heldOutSentences,
  sinusoidalPositions,
} from './pretrain-parts.js';
import { BertTokenizer } from './tokenizer.js';

/** A saved BERT's two files: `config.json`'s text and `model.safetensors`' bytes. */
export interface BertWeightFiles {
  /** The text of `config.json`. */
  config: string;
  /** The bytes of `model.safetensors`. */
  weights: Uint8Array;
}

/** The options of {@link pretrainMaskedLM}; every one has a default but the texts. */
export interface PretrainMaskedLMOptions {
  /** The corpus's text. */
  corpus: string;
  /** The text of bert-base-uncased's `vocab.txt` (one WordPiece a line). */
  vocab: string;
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
   * The files of a model saved by this function whose weights start the training (its config fixes the
   * architecture: the layer, head, size and position options and `biasInit` / `positionInit` are then not
   * used), and its name for the record. Default: a fresh initialisation.
   */
  initFrom?: BertWeightFiles & { name: string };
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
  /** Recorded in training.json: the command line (default null). */
  command?: string;
  /** Recorded in training.json: the machine and backend it ran on (default null). */
  machine?: string;
  /** Recorded in training.json: the corpus's name (a path; default null). */
  corpusName?: string;
}

/** The callbacks of {@link pretrainMaskedLM}: a library never prints nor writes files itself. */
export interface PretrainMaskedLMHooks {
  /** Receives the progress lines. */
  log?: (line: string) => void;
  /**
   * Receives files to write into the output folder, by name: the whole folder at every evaluation, then
   * `training.json` alone with the final measurements.
   */
  save?: (files: Record<string, string | Uint8Array>) => void | Promise<void>;
}

/**
 * The notebook's sentence (Exercise 2.4), whose head patterns training.json records.
 *
 * @example
 * ```ts
 * import { NOTEBOOK_SENTENCE } from '@lxmls/bert';
 * console.log(NOTEBOOK_SENTENCE.split(' ').length); // → 12
 * ```
 */
export const NOTEBOOK_SENTENCE = 'I will go for a run and will jump into a lake.';

/**
 * The least mean attention on one kind of position for a head to be named worth looking at: 0.15, more than
 * twice what a uniform head puts on one position of the held-out sentences (0.063 over those of 6–30 WordPieces).
 */
const WORTH_LOOKING_AT = 0.15;

/** A fixed masked batch of the held-out text. */
type HeldOutBatch = { x: Int32Array; y: Int32Array; shape: [number, number] };

/** The held-out MLM loss and accuracy (argmax = original token) over fixed masked batches. */
function evaluateMlm(
  model: BertForMaskedLM,
  batches: readonly HeldOutBatch[],
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

/** The tokenized corpus, the samplers and the held-out data, as both entry points prepare them. */
function prepareData(options: PretrainMaskedLMOptions, log: (line: string) => void) {
  const { minLength = 8, maxLength = 64, batchSize = 32, seed = 0, mlmProbability = 0.15 } = options;
  const { heldOutFraction = 0.05, evalBatches = 20, patternSentences = 200 } = options;
  const tokenizer = BertTokenizer.fromVocab(options.vocab);
  const lines = options.corpus.split('\n');
  const cut = Math.floor(lines.length * (1 - heldOutFraction));
  const heldText = lines.slice(cut).join('\n');
  const started = performance.now();
  const trainIds = tokenizer.convertTokensToIds(tokenizer.tokenize(lines.slice(0, cut).join('\n')));
  const heldIds = tokenizer.convertTokensToIds(tokenizer.tokenize(heldText));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log(`tokenized: ${trainIds.length} train, ${heldIds.length} held-out WordPieces (${seconds} s)`);

  const special = (t: string) => tokenizer.convertTokensToIds([t])[0]!;
  const vocabSize = tokenizer.vocabSize;
  const continuation = new Uint8Array(vocabSize);
  options.vocab.split('\n').forEach((t, i) => {
    if (t.startsWith('##') && i < vocabSize) continuation[i] = 1;
  });
  const samplerOptions = {
    clsId: special('[CLS]'),
    sepId: special('[SEP]'),
    maskId: special('[MASK]'),
    vocabSize,
    minLength,
    maxLength,
    isContinuation: (id: number) => continuation[id] === 1,
  };
  const sampler = new MlmBatchSampler(trainIds, {
    ...samplerOptions,
    mlmProbability,
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
  return { tokenizer, trainIds, heldIds, sampler, heldBatches, sentences };
}

/** The held-out MLM quality and the head patterns of the model saved as `files` (its float16 weights). */
function measureFiles(
  files: BertWeightFiles,
  tokenizer: BertTokenizer,
  heldBatches: readonly HeldOutBatch[],
  sentences: string[],
  log: (line: string) => void,
): Record<string, unknown> {
  const model = BertForMaskedLM.fromSafetensors(files.config, files.weights);
  try {
    const final = evaluateMlm(model, heldBatches);
    model.eval();
    const patterns = attentionPatterns(model.bert, tokenizer, sentences);
    const bare = attentionPatterns(model.bert, tokenizer, sentences, { addSpecialTokens: false });
    const notebook = attentionPatterns(model.bert, tokenizer, [NOTEBOOK_SENTENCE]);
    const notebookBare = attentionPatterns(model.bert, tokenizer, [NOTEBOOK_SENTENCE], {
      addSpecialTokens: false,
    });
    const percent = (final.accuracy * 100).toFixed(1);
    log(`held-out MLM loss ${final.loss.toFixed(3)}, accuracy ${percent}% (float16 weights)`);
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
 * Measures a model saved by {@link pretrainMaskedLM} again, with the same held-out data as its training (the
 * same corpus, vocabulary and data options): the held-out MLM loss and accuracy and the head patterns, as
 * `training.json`'s `heldOut` and `patterns`.
 *
 * @param options - The corpus, the vocabulary and the data options of the training run.
 * @param files - The saved model's `config.json` and `model.safetensors`.
 * @param log - Receives progress lines.
 * @returns `{ heldOut, patterns }`.
 */
export function measureMaskedLM(
  options: PretrainMaskedLMOptions,
  files: BertWeightFiles,
  log: (line: string) => void = () => {},
): Record<string, unknown> {
  const { tokenizer, heldBatches, sentences } = prepareData(options, log);
  return measureFiles(files, tokenizer, heldBatches, sentences, log);
}

/**
 * Trains a small BERT with masked-language modelling on the tensor backend that is set, saving the whole
 * folder (through `hooks.save`) at every evaluation and at the end, then measures the files saved (float16
 * weights). Returns what `training.json` records.
 *
 * @param options - The texts and the hyper-parameters.
 * @param hooks - `log` receives progress lines; `save` receives the files to write.
 * @returns The summary written to `training.json`.
 * @throws {@link LxmlsBertError} `INVALID_CONFIG` for an `initFrom` model with fewer positions than `maxLength`.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { pretrainMaskedLM } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const lines = ['First Citizen: Before we proceed any further, hear me speak.', 'All: Speak, speak.', 'First Citizen: You are all resolved rather to die than to famish?', 'All: Resolved. resolved.'];
 * const summary = await pretrainMaskedLM({
 *   corpus: Array.from({ length: 50 }, () => lines.join('\n')).join('\n'),
 *   vocab: readFileSync(new URL('vocab.txt', modelUrl('lxmls/bert-mini')), 'utf8'),
 *   layers: 1, heads: 2, hidden: 8, maxLength: 16, batchSize: 2, iters: 2, evalEvery: 0, evalBatches: 1, patternSentences: 2,
 * });
 * console.log(summary.iterations, (summary.heldOut as { weights: string }).weights); // → 2 float16
 * ```
 */
export async function pretrainMaskedLM(
  options: PretrainMaskedLMOptions,
  hooks: PretrainMaskedLMHooks = {},
): Promise<Record<string, unknown>> {
  const { layers = 4, heads = 4, hidden = 128, maxLength = 64, minLength = 8, batchSize = 32 } = options;
  const { iters = 3000, lr = 1e-3, seed = 0, evalEvery = 500, mlmProbability = 0.15 } = options;
  const { outputVocab = 'full', initFrom } = options;
  const initRange = options.initRange ?? 0.02;
  const dropout = options.dropout ?? 0.1;
  const warmup = options.warmup ?? Math.max(1, Math.round(iters / 20));
  const log = hooks.log ?? (() => {});
  const { tokenizer, trainIds, heldIds, sampler, heldBatches, sentences } = prepareData(options, log);
  const vocabSize = tokenizer.vocabSize;

  manualSeed(seed);
  const config: Partial<BertConfig> = {
    vocabSize,
    hiddenSize: hidden,
    numHiddenLayers: layers,
    numAttentionHeads: heads,
    intermediateSize: options.intermediate ?? 4 * hidden,
    maxPositionEmbeddings: maxLength,
    hiddenDropoutProb: dropout,
    attentionProbsDropoutProb: dropout,
    initializerRange: initRange,
  };
  const model = initFrom
    ? (BertForMaskedLM.fromSafetensors(initFrom.config, initFrom.weights).train() as BertForMaskedLM)
    : new BertForMaskedLM(config);
  const counts = new Int32Array(vocabSize);
  for (const id of trainIds) counts[id]!++;
  if (initFrom) {
    const c = model.config;
    const { hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize, maxPositionEmbeddings } = c;
    Object.assign(config, { hiddenSize, numHiddenLayers, numAttentionHeads, intermediateSize });
    Object.assign(config, { maxPositionEmbeddings, initializerRange: c.initializerRange });
    if (maxPositionEmbeddings < maxLength)
      check.fail(
        'pretrainMaskedLM',
        'initFrom',
        undefined,
        `the model ${initFrom.name} has fewer positions than maxLength`,
        `at least maxLength = ${maxLength} positions`,
        { code: 'INVALID_CONFIG', received: `${maxPositionEmbeddings}` },
      );
    log(`weights from ${initFrom.name}`);
  } else {
    if (options.biasInit === 'unigram') {
      const total = trainIds.length + vocabSize; // add-one
      const logFrequency = Float32Array.from(counts, (c) => Math.log((c + 1) / total));
      noGrad(() => model.cls.predictions.bias.copyFrom(logFrequency));
    }
    if (options.positionInit === 'sinusoidal') {
      const weight = model.bert.embeddings.positionEmbeddings.weight; // (maxLength, hidden)
      noGrad(() => weight.copyFrom(sinusoidalPositions(maxLength, hidden, initRange)));
    }
  }
  const { numHiddenLayers, numAttentionHeads, hiddenSize } = model.config;
  log(
    `model: ${numHiddenLayers} layers, ${numAttentionHeads} heads, hidden ${hiddenSize}, ${model.numParameters()} parameters; backend ${getBackend().name}`,
  );

  const trainerConfig = {
    ...Trainer.getDefaultConfig(),
    maxIters: iters,
    batchSize,
    learningRate: lr,
    betas: [0.9, 0.999] as [number, number],
    weightDecay: 0.01,
    gradNormClip: 1.0,
    lrSchedule: { type: 'cosine' as const, warmupIters: warmup, decayIters: iters, minLr: lr / 10 },
    seed,
    yieldEvery: null,
  };
  const candidates = Int32Array.from(Array.from(counts).flatMap((c, id) => (c > 0 ? [id] : [])));
  const trained = outputVocab === 'corpus' ? corpusSoftmax(model, candidates) : model;
  if (outputVocab === 'corpus') {
    log(`softmax of the training loss over the ${candidates.length} WordPieces of the training text`);
  }
  const trainer = new Trainer(trainerConfig, trained, sampler);
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  let saved: BertWeightFiles | undefined;
  const save = async (summary: Record<string, unknown>) => {
    if (outputVocab === 'corpus') calibrateUnseenBias(model, candidates, counts);
    saved = {
      config: json(bertConfigJson(model.config)),
      weights: model.toSafetensors({ dtype: 'float16', metadata: { format: 'pt' } }),
    };
    const tokenizerConfig = {
      do_lower_case: true,
      tokenizer_class: 'BertTokenizer',
      model_max_length: maxLength,
    };
    await hooks.save?.({
      'model.safetensors': saved.weights,
      'config.json': saved.config,
      'vocab.txt': options.vocab,
      'tokenizer_config.json': json(tokenizerConfig),
      'training.json': json(summary),
    });
  };
  const trainStart = performance.now();
  const elapsed = () => (performance.now() - trainStart) / 1000;
  let smoothed = Number.NaN;
  const history: { iter: number; seconds: number; heldOutLoss: number; heldOutAccuracy: number }[] = [];
  const summaryOf = (iter: number) => ({
    command: options.command ?? null,
    machine: options.machine ?? null,
    corpus: options.corpusName ?? null,
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
      initFrom: initFrom?.name ?? null,
    },
    iterations: iter,
    trainSeconds: Math.round(elapsed()),
    parameters: model.numParameters(),
    history,
  });
  trainer.setCallback('on_batch_end', async (t) => {
    smoothed = Number.isNaN(smoothed) ? t.loss : 0.98 * smoothed + 0.02 * t.loss;
    const it = t.iterNum + 1;
    if (it % 25 === 0 || it === 1) {
      log(
        `iter ${it}/${iters} loss ${t.loss.toFixed(3)} (smoothed ${smoothed.toFixed(3)}) lr ${t.lr.toExponential(2)} ${elapsed().toFixed(0)} s`,
      );
    }
    if ((evalEvery > 0 && it % evalEvery === 0) || it === iters) {
      if (outputVocab === 'corpus') calibrateUnseenBias(model, candidates, counts); // evaluated as saved
      const e = evaluateMlm(model, heldBatches);
      history.push({
        iter: it,
        seconds: Math.round(elapsed()),
        heldOutLoss: e.loss,
        heldOutAccuracy: e.accuracy,
      });
      log(
        `eval iter ${it}: held-out MLM loss ${e.loss.toFixed(3)}, accuracy ${(e.accuracy * 100).toFixed(1)}% over ${e.tokens} tokens`,
      );
      await save(summaryOf(it));
    }
  });
  await trainer.run();
  await save(summaryOf(iters));
  model.dispose();
  // measured on the files saved (float16 weights), so the numbers are those of the model shipped
  const summary = {
    ...summaryOf(iters),
    ...measureFiles(saved!, tokenizer, heldBatches, sentences, log),
  };
  await hooks.save?.({ 'training.json': json(summary) });
  return summary;
}
