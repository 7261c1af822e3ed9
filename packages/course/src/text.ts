/**
 * The recipe of a small GPT trained on plain text (`lxmls train text --data FILE`), as minGPT's `projects/chargpt`: the
 * text is tokenized once (characters, or a byte-level BPE trained on it), cut 90% / 10% into a training and a
 * validation part, and each example is a random window of `blockSize + 1` tokens: `x` its first `blockSize`,
 * `y` the same shifted by one.
 */

import { FusedCausalSelfAttention } from '@lxmls/attention';
import type { TextTokenizer } from '@lxmls/bpe';
import { GPT, type GPTConfig, generate } from '@lxmls/gpt';
import { type Backend, getBackend, manualSeed, RandomGenerator, tensor, withBackend } from '@lxmls/tensor';
import { evaluate, getDefaultTrainerConfig, type TrainableModel, Trainer } from '@lxmls/trainer';
import { copyModel, type TrainedRun, type TrainingCallbacks } from './training.js';

/**
 * Random windows of a token sequence, drawn with their own seeded generator: a batch-sampler dataset for
 * @lxmls/trainer.
 *
 * @example
 * ```ts
 * import { TextWindows } from '@lxmls/course';
 * const data = new TextWindows(Int32Array.of(0, 1, 2, 3, 4, 5), 3, 0);
 * const { x, y } = data.sampleBatch(1);
 * console.log(x[1]! + 1 === y[1]!, x.length); // → true 3
 * ```
 */
export class TextWindows {
  readonly #ids: Int32Array;
  readonly #blockSize: number;
  readonly #generator: RandomGenerator;
  /** How many examples an evaluation covers by default. */
  readonly length: number;

  /**
   * @param ids - The tokens; at least `blockSize + 1`.
   * @param blockSize - The window's length T.
   * @param seed - The seed of the window positions.
   */
  constructor(ids: Int32Array, blockSize: number, seed: number) {
    this.#ids = ids;
    this.#blockSize = blockSize;
    this.#generator = new RandomGenerator(seed);
    this.length = Math.max(1, ids.length - blockSize);
  }

  /** @returns The window length T. */
  getBlockSize(): number {
    return this.#blockSize;
  }

  /**
   * Draws `batchSize` windows.
   *
   * @param batchSize - B.
   * @param out - Arrays of `B * T` to fill, if any.
   * @returns `{ x, y }`, each `B * T` ids.
   */
  sampleBatch(batchSize: number, out?: { x: Int32Array; y: Int32Array }): { x: Int32Array; y: Int32Array } {
    const T = this.#blockSize;
    const x = out?.x ?? new Int32Array(batchSize * T);
    const y = out?.y ?? new Int32Array(batchSize * T);
    const starts = this.#ids.length - T; // windows of T + 1 tokens start at 0 .. length - T - 1
    for (let b = 0; b < batchSize; b++) {
      const i = Math.min(starts - 1, Math.floor(this.#generator.float() * starts));
      x.set(this.#ids.subarray(i, i + T), b * T);
      y.set(this.#ids.subarray(i + 1, i + 1 + T), b * T);
    }
    return { x, y };
  }
}

/** What {@link trainText} receives. */
export interface TrainTextOptions extends TrainingCallbacks {
  /** The model: a model type or explicit sizes, with the block size; the vocabulary comes from the tokenizer. */
  model: Pick<GPTConfig, 'modelType' | 'nLayer' | 'nHead' | 'nEmbd' | 'blockSize'>;
  /** Iterations. */
  iters: number;
  /** Windows per batch. */
  batchSize: number;
  /** The peak learning rate (linear warmup over 5% of the run, then cosine decay to a tenth). */
  learningRate: number;
  /** Seeds the initialisation, dropout and the windows. */
  seed: number;
  /**
   * Where the model is trained on a backend whose reads are asynchronous (`webgpu`): the CPU backend it is
   * copied to ({@link copyModel}) for the validation loss (`evaluate` reads synchronously), and returned on.
   */
  evalBackend?: Backend;
}

/** What {@link trainText} returns. */
export interface TrainedText extends TrainedRun {
  /** The mean loss on 100 batches of validation windows (the last 10% of the text), seed 1. */
  valLoss: number;
}

/**
 * Trains a GPT on a tokenized text, with dropout 0.1 and the exercise attention, AdamW (betas 0.9/0.95,
 * weight decay 0.1, clip 1.0) and a warmup + cosine schedule.
 *
 * @param ids - The whole text's tokens (at least `2 * (blockSize + 1)` of them).
 * @param tokenizer - Its tokenizer (for the vocabulary size).
 * @param options - The model, the recipe and callbacks.
 * @returns The model, the trainer, the time and the validation loss.
 * @example
 * ```ts
 * import { charTokenizer } from '@lxmls/bpe';
 * import { trainText } from '@lxmls/course';
 * const tok = charTokenizer(['a', 'b']);
 * const ids = Int32Array.from(tok.encode('ab'.repeat(40)));
 * const model = { modelType: null, nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 4 };
 * const run = await trainText(ids, tok, { model, iters: 5, batchSize: 4, learningRate: 1e-2, seed: 0 });
 * console.log(run.trainer.iterNum, Number.isFinite(run.valLoss)); // → 5 true
 * run.model.dispose();
 * ```
 */
export async function trainText(
  ids: Int32Array,
  tokenizer: TextTokenizer,
  options: TrainTextOptions,
): Promise<TrainedText> {
  // the exercise form's parameters on the fused kernel: the same model, trained at the fused kernel's speed
  const modelConfig = { ...GPT.getDefaultConfig(), ...options.model, vocabSize: tokenizer.vocabSize };
  return trainWindows(ids, options, () => new GPT(modelConfig, { attention: FusedCausalSelfAttention }));
}

/**
 * @internal The run that {@link trainText} and `trainTextCompact` share: `ids` cut 90% / 10% into training
 * windows (seeded by `options.seed`) and validation windows (seed 1), the model made by `makeModel` after
 * `manualSeed(options.seed)`, trained with the recipe of {@link TrainTextOptions} and scored on 100 validation
 * batches. The model is disposed if anything throws; else the caller owns it.
 */
export async function trainWindows<M extends TrainableModel & { dispose(): void }>(
  ids: Int32Array,
  options: Omit<TrainTextOptions, 'onBatchEnd'> & {
    onBatchEnd?: (trainer: Trainer<M>) => void | Promise<void>;
  },
  makeModel: () => M,
): Promise<{ model: M; trainer: Trainer<M>; seconds: number; valLoss: number }> {
  const { iters, batchSize, learningRate, seed, log, onNotice, onBatchEnd } = options;
  const T = options.model.blockSize!;
  const cut = Math.max(T + 1, Math.floor(ids.length * 0.9));
  const train = new TextWindows(ids.subarray(0, cut), T, seed);
  const val = new TextWindows(ids.subarray(Math.min(cut, ids.length - T - 1)), T, 1);
  manualSeed(seed);
  const model = makeModel();
  try {
    const config = {
      ...getDefaultTrainerConfig(),
      numWorkers: 0,
      maxIters: iters,
      batchSize,
      learningRate,
      lrSchedule: { type: 'cosine' as const, warmupIters: Math.floor(iters / 20) },
      seed,
    };
    const trainer = new Trainer(config, model, train, { log, onNotice });
    if (onBatchEnd) trainer.setCallback('on_batch_end', onBatchEnd);
    const summary = await trainer.run();
    // evaluate reads synchronously: a model trained where reads are asynchronous is scored (and returned) on evalBackend
    const { evalBackend } = options;
    const copied = evalBackend !== undefined && getBackend().capabilities.async === true;
    const trained = copied ? await copyModel(model, makeModel, evalBackend) : model;
    if (copied) model.dispose();
    try {
      const score = () => evaluate(trained, val, { batches: 100, batchSize: Math.min(batchSize, 32) }).loss;
      const valLoss = copied ? withBackend(evalBackend, score) : score();
      return { model: trained, trainer, seconds: summary.seconds, valLoss };
    } catch (error) {
      if (copied) trained.dispose();
      throw error;
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * A sample of a text model: `tokens` new tokens after the tokenizer's start token, drawn from the whole
 * distribution at temperature 1 with a seeded generator.
 *
 * @param model - The model (put in eval mode here).
 * @param tokenizer - Its tokenizer.
 * @param tokens - New tokens.
 * @param seed - The sampling seed.
 * @returns The text, without the start token.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { charTokenizer } from '@lxmls/bpe';
 * import { sampleText } from '@lxmls/course';
 * const tok = charTokenizer(['\n', 'a', 'b']);
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: null, nLayer: 1, nHead: 1, nEmbd: 8, vocabSize: 3, blockSize: 4 }, { init: 'lcg' });
 * console.log(sampleText(model, tok, 5, 0).length); // → 5
 * model.dispose();
 * ```
 */
export function sampleText(model: GPT, tokenizer: TextTokenizer, tokens: number, seed: number): string {
  model.eval();
  const start = tensor(Int32Array.of(tokenizer.startId), [1, 1], 'int32'); // (1, 1)
  const out = generate(model, start, tokens, { doSample: true, seed }); // (1, 1 + tokens)
  const ids = Array.from(out.data() as Int32Array).slice(1);
  start.dispose();
  out.dispose();
  return tokenizer.decode(ids);
}
