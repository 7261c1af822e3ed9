/**
 * The course recipe of Exercise 3.1 of the Transformer Day: gpt-nano trained on the weather HMM data, then
 * scored on held-out sequences next to the Bayes-optimal figures (the best any model can do, computed exactly
 * from the HMM). `lxmls train weather`, `lxmls eval weather`, `lxmls bench train-weather`, `lxmls demo weather`
 * and the docs site's Exercise 3.1 page all run it from here.
 *
 * Follows cells In [19] to In [23] of the notebook (the course's `fixed_proba`, gpt-nano with vocabulary 8 and
 * block size 11, the trainer config of In [22]) and the evaluation of `Training_GPT_sequences.ipynb` (docs/course-behaviour.md §6):
 * the first six tokens (the observations) are given, `model.generate(x[:, :6], 6)` decodes the six states
 * greedily, and the labels and whole sequences that match are counted.
 */

import { type AttentionFactory, FusedCausalSelfAttention } from '@lxmls/attention';
import { GPT, type GPTConfig, generate } from '@lxmls/gpt';
import { type Backend, getBackend, manualSeed, RandomGenerator, tensor, withBackend } from '@lxmls/tensor';
import {
  type Batch,
  evaluate,
  getDefaultTrainerConfig,
  type LrSchedule,
  sequenceLabelAccuracy,
  Trainer,
  type TrainerConfig,
} from '@lxmls/trainer';
import { bayesOptimal, FIXED_PROBA, WeatherDataset, type WeatherProba } from '@lxmls/weather-data';
import { LxmlsCourseError } from './errors.js';
import { copyModel, type TrainedRun, type TrainingCallbacks } from './training.js';

/** Observations per sequence (`seq_len`): the model reads 6 observations, then labels 6 states. */
export const WEATHER_SEQ_LEN = 6;

/**
 * The seed of the held-out test sequences: every evaluation (after `lxmls train weather` and by `lxmls eval
 * weather`) scores the same sequences, so their losses can be compared.
 */
export const WEATHER_EVAL_SEED = 1;

/** How one training run is set up: iterations, batch size, learning rate and its schedule. */
export interface WeatherRecipe {
  /** Iterations (`max_iters`). */
  iters: number;
  /** Sequences per batch. */
  batchSize: number;
  /** The base learning rate. */
  learningRate: number;
  /** The learning-rate schedule. */
  lrSchedule: LrSchedule;
}

/**
 * The recipes of `lxmls train weather --recipe NAME`.
 *
 * - `course`: the notebook's In [22]: 2000 iterations, batch 64, constant learning rate 5e-4.
 * - `fast`: 500 iterations of batch 64 at a peak rate of 3e-3, 30 iterations of linear warmup, then a cosine
 *   decay to 3e-4: close to the floor in a quarter of the course's time (see the command's help).
 *
 * @example
 * ```ts
 * import { WEATHER_RECIPES } from '@lxmls/course';
 * console.log(WEATHER_RECIPES.course); // → { iters: 2000, batchSize: 64, learningRate: 0.0005, lrSchedule: 'constant' }
 * ```
 */
export const WEATHER_RECIPES: Readonly<Record<'course' | 'fast', WeatherRecipe>> = {
  course: { iters: 2000, batchSize: 64, learningRate: 5e-4, lrSchedule: 'constant' },
  fast: {
    iters: 500,
    batchSize: 64,
    learningRate: 3e-3,
    lrSchedule: { type: 'cosine', warmupIters: 30, minLr: 3e-4 },
  },
};

/**
 * The attention the course recipe trains gpt-nano with: {@link FusedCausalSelfAttention}, the exercise form's
 * parameters (`query_proj`, `key_proj`, `value_proj`, `output_proj`) on the fused kernel, equal to the exercise
 * form in values and gradients and faster. `lxmls train weather --attention FILE` trains with a student's
 * instead.
 *
 * @example
 * ```ts
 * import { WEATHER_ATTENTION } from '@lxmls/course';
 * console.log(WEATHER_ATTENTION.name); // → FusedCausalSelfAttention
 * ```
 */
export const WEATHER_ATTENTION: AttentionFactory = FusedCausalSelfAttention;

/**
 * The model config of In [21]: gpt-nano (3 layers, 3 heads, 48 channels) over the 8 weather tokens, block
 * size 11, dropouts 0.1, the exercise attention (`pretrained: false`).
 *
 * @returns A fresh config.
 * @example
 * ```ts
 * import { weatherModelConfig } from '@lxmls/course';
 * const { modelType, vocabSize, blockSize, pretrained } = weatherModelConfig();
 * console.log(modelType, vocabSize, blockSize, pretrained); // → gpt-nano 8 11 false
 * ```
 */
export function weatherModelConfig(): GPTConfig {
  const config = GPT.getDefaultConfig();
  config.modelType = 'gpt-nano';
  config.vocabSize = 8;
  config.blockSize = 2 * WEATHER_SEQ_LEN - 1;
  return config;
}

/**
 * The trainer config of In [22] with a recipe's numbers: betas (0.9, 0.95), weight decay 0.1, gradient clip
 * 1.0, `num_workers` 0, the device `auto` (the backend holding the parameters).
 *
 * @param recipe - Iterations, batch size, learning rate and schedule.
 * @param seed - The trainer's own seed (it only samples indexed datasets; the weather data has its own).
 * @returns The config.
 * @example
 * ```ts
 * import { formatTrainerConfig } from '@lxmls/trainer';
 * import { WEATHER_RECIPES, weatherTrainerConfig } from '@lxmls/course';
 * console.log(formatTrainerConfig(weatherTrainerConfig(WEATHER_RECIPES.course, 42)).split('\n')[4]); // → learning_rate: 0.0005
 * ```
 */
export function weatherTrainerConfig(recipe: WeatherRecipe, seed: number): TrainerConfig {
  return {
    ...getDefaultTrainerConfig(),
    numWorkers: 0,
    maxIters: recipe.iters,
    batchSize: recipe.batchSize,
    learningRate: recipe.learningRate,
    lrSchedule: recipe.lrSchedule,
    seed,
  };
}

/** The figures of a weather model on held-out sequences (or of the Bayes-optimal predictor). */
export interface WeatherScores {
  /** Mean cross-entropy per label, in nats. */
  loss: number;
  /** Labels decoded right / labels. */
  labelAccuracy: number;
  /** Sequences whose six labels are all right / sequences. */
  sequenceAccuracy: number;
}

/** What {@link bayesFigures} returns: the best possible figures on the test split and on all sequences. */
export interface BayesFigures {
  /** On the test split, which the evaluation samples (the fair comparison). */
  test: WeatherScores & { greedySequenceAccuracy: number };
  /** On every sequence (the course's floor, 0.2502 for `fixed_proba`). */
  all: WeatherScores & { greedySequenceAccuracy: number };
}

/**
 * The Bayes-optimal figures of an HMM, exactly (`bayesOptimal` of @lxmls/weather-data): the loss of the true
 * conditionals, the label accuracy of greedy decoding with them, the exact-sequence accuracy of Viterbi and of
 * greedy decoding; on the test split and on all sequences.
 *
 * @param proba - The HMM's probabilities.
 * @returns The figures.
 * @example
 * ```ts
 * import { FIXED_PROBA } from '@lxmls/weather-data';
 * import { bayesFigures } from '@lxmls/course';
 * const { all, test } = bayesFigures(FIXED_PROBA);
 * console.log(all.loss.toFixed(4), all.labelAccuracy.toFixed(4), all.sequenceAccuracy.toFixed(4), test.loss.toFixed(4)); // → 0.2502 0.8490 0.4584 0.2445
 * ```
 */
export function bayesFigures(proba: WeatherProba): BayesFigures {
  const pick = (split?: 'test') => {
    const b = bayesOptimal(proba, WEATHER_SEQ_LEN, split ? { split } : {});
    return {
      loss: b.loss,
      labelAccuracy: b.labelAccuracy,
      sequenceAccuracy: b.sequenceAccuracy,
      greedySequenceAccuracy: b.greedySequenceAccuracy,
    };
  };
  return { test: pick('test'), all: pick() };
}

/**
 * The states a model decodes greedily for a batch, aligned with `batch.y`: `generate(x[:, :6], 6)` without
 * sampling, as `Training_GPT_sequences.ipynb` does; the six new tokens are the predicted states.
 *
 * @param model - The weather GPT.
 * @param batch - A batch of `(B, 11)` sequences.
 * @returns `B * 11` ids: the predictions at positions 5 to 10, 0 elsewhere (not scored).
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { greedyStates, weatherModelConfig } from '@lxmls/course';
 * const model = new GPT(weatherModelConfig(), { init: 'lcg' }).eval();
 * const x = Int32Array.of(1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7);
 * console.log(greedyStates(model, { x, y: x, shape: [1, 11] }).length); // → 11
 * model.dispose();
 * ```
 */
export function greedyStates(model: GPT, batch: Batch): Int32Array {
  const [B, T] = batch.shape;
  const L = WEATHER_SEQ_LEN;
  const obs = new Int32Array(B * L);
  for (let b = 0; b < B; b++) obs.set(batch.x.subarray(b * T, b * T + L), b * L);
  const out = generate(model, tensor(obs, [B, L], 'int32'), L, { doSample: false }); // (B, 2L)
  const ids = out.data() as Int32Array; // (B, 2L) row-major
  const pred = new Int32Array(B * T);
  for (let b = 0; b < B; b++) pred.set(ids.subarray(b * 2 * L + L, (b + 1) * 2 * L), b * T + L - 1);
  return pred;
}

/**
 * Scores a weather model on `samples` held-out test sequences (seed {@link WEATHER_EVAL_SEED}): the exact mean
 * loss (the trainer's `evaluate`) and the label and exact-sequence accuracy of greedy decoding.
 *
 * @param model - The weather GPT (its mode is restored afterwards).
 * @param proba - The HMM the sequences are drawn from.
 * @param samples - How many test sequences.
 * @returns The scores.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { FIXED_PROBA } from '@lxmls/weather-data';
 * import { evaluateWeather, weatherModelConfig } from '@lxmls/course';
 * const model = new GPT(weatherModelConfig(), { init: 'lcg' });
 * const scores = evaluateWeather(model, FIXED_PROBA, 64);
 * console.log(scores.loss > 1, scores.labelAccuracy < 0.5); // → true true
 * model.dispose();
 * ```
 */
export function evaluateWeather(model: GPT, proba: WeatherProba, samples: number): WeatherScores {
  const test = new WeatherDataset('test', { proba, seed: WEATHER_EVAL_SEED });
  const metric = sequenceLabelAccuracy({ predict: (batch) => greedyStates(model, batch) });
  const result = evaluate(model, test, { samples, batchSize: 500, metrics: [metric] });
  return {
    loss: result.loss,
    labelAccuracy: result.metrics.labelAccuracy!,
    sequenceAccuracy: result.metrics.sequenceAccuracy!,
  };
}

/** What {@link trainWeather} receives. */
export interface TrainWeatherOptions extends TrainingCallbacks {
  /** The recipe: iterations, batch size, learning rate, schedule. */
  recipe: WeatherRecipe;
  /** Seeds the model's initialisation and dropout (`manualSeed`) and the training data. */
  seed: number;
  /** The HMM; the course's `fixed_proba` by default. */
  proba?: WeatherProba;
  /** The attention of every block (a class or a factory); {@link WEATHER_ATTENTION} by default. */
  attention?: AttentionFactory;
  /**
   * The model's own random source (initialisation and dropout masks), seeded with `seed`; by default the
   * global one that `manualSeed(seed)` resets, which gives the same numbers while nothing else draws from it
   * (two runs that take turns need their own).
   */
  ownGenerator?: boolean;
}

/** What {@link trainWeather} returns. */
export type TrainedWeather = TrainedRun;

/** What {@link createWeatherTraining} builds: the model, its trainer and the training split, before the run. */
export interface WeatherTraining {
  /** gpt-nano of {@link weatherModelConfig}, in training mode; dispose it when done. */
  model: GPT;
  /** The trainer of {@link weatherTrainerConfig}; `await trainer.run()` trains. */
  trainer: Trainer<GPT>;
  /** The training split, drawn with the seed. */
  train: WeatherDataset;
}

/**
 * Builds the run of cells In [20] to In [22] without starting it: the train split drawn with `seed`, the model
 * of {@link weatherModelConfig} with `attention` ({@link WEATHER_ATTENTION} unless given), the trainer of
 * {@link weatherTrainerConfig}. A page that trains step by step (the docs site) calls this; {@link trainWeather}
 * runs it to the end.
 *
 * @param options - The recipe, seed, probabilities, attention and log (`onBatchEnd` is not used here).
 * @returns The model, its trainer and the training split.
 * @example
 * ```ts
 * import { createWeatherTraining, WEATHER_RECIPES } from '@lxmls/course';
 * const { model, trainer, train } = createWeatherTraining({ recipe: WEATHER_RECIPES.course, seed: 0, ownGenerator: true });
 * console.log(train.getBlockSize(), trainer.config.learningRate, trainer.config.maxIters); // → 11 0.0005 2000
 * model.dispose();
 * ```
 */
export function createWeatherTraining(options: TrainWeatherOptions): WeatherTraining {
  const { recipe, seed, proba = FIXED_PROBA, log, onNotice, attention = WEATHER_ATTENTION } = options;
  const train = new WeatherDataset('train', { proba, seed });
  const generator = options.ownGenerator ? { generator: new RandomGenerator(seed) } : {};
  const model = new GPT(weatherModelConfig(), { attention, ...generator });
  try {
    const trainer = new Trainer(weatherTrainerConfig(recipe, seed), model, train, { log, onNotice });
    return { model, trainer, train };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * Trains gpt-nano on the weather data, as cells In [20] to In [23]: `manualSeed(seed)`, then the run of
 * {@link createWeatherTraining} to its last iteration.
 *
 * @param options - The recipe, seed, probabilities, attention and callbacks.
 * @returns The model, the trainer and the run's time.
 * @example
 * ```ts
 * import { trainWeather, WEATHER_RECIPES } from '@lxmls/course';
 * const { model, trainer } = await trainWeather({ recipe: { ...WEATHER_RECIPES.course, iters: 3, batchSize: 4 }, seed: 42 });
 * console.log(trainer.iterNum, Number.isFinite(trainer.loss)); // → 3 true
 * model.dispose();
 * ```
 */
export async function trainWeather(options: TrainWeatherOptions): Promise<TrainedWeather> {
  manualSeed(options.seed);
  const { model, trainer } = createWeatherTraining(options);
  try {
    if (options.onBatchEnd) trainer.setCallback('on_batch_end', options.onBatchEnd);
    const summary = await trainer.run();
    return { model, trainer, seconds: summary.seconds };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** What {@link runWeatherCourse} receives: {@link trainWeather}'s options and the evaluation's. */
export interface RunWeatherCourseOptions extends TrainWeatherOptions {
  /** Held-out test sequences to score ({@link evaluateWeather}). */
  evalSamples: number;
  /**
   * Where the model is trained on a backend whose reads are asynchronous (`webgpu`): the CPU backend it is
   * copied to ({@link copyModel}) for the evaluation (which reads synchronously), and returned on.
   */
  evalBackend?: Backend;
  /** Called once the training ends, before the evaluation (a caller prints the training time). */
  onTrained?: (run: TrainedWeather) => void | Promise<void>;
}

/** What {@link runWeatherCourse} returns: the trained run, its scores and the Bayes-optimal figures. */
export interface WeatherCourseRun extends TrainedRun {
  /** {@link evaluateWeather} on `evalSamples` held-out sequences. */
  scores: WeatherScores;
  /** {@link bayesFigures} of the HMM. */
  bayes: BayesFigures;
}

/**
 * Exercise 3.1 end to end, as `lxmls train weather` runs it: {@link trainWeather}, the model copied to
 * `evalBackend` where the training backend's reads are asynchronous, then scored by {@link evaluateWeather}
 * next to {@link bayesFigures}.
 *
 * @param options - The training options, `evalSamples`, `evalBackend` and `onTrained`.
 * @returns The model (on `evalBackend` when copied; dispose it when done), trainer, time, scores and Bayes figures.
 * @throws {@link LxmlsCourseError} `INVALID_ARGUMENT` for an `evalSamples` that is not a positive integer, before
 *   any training.
 * @example
 * ```ts
 * import { runWeatherCourse, WEATHER_RECIPES } from '@lxmls/course';
 * const run = await runWeatherCourse({ recipe: { ...WEATHER_RECIPES.course, iters: 2, batchSize: 4 }, seed: 42, evalSamples: 8 });
 * console.log(run.trainer.iterNum, run.scores.loss > 0, run.bayes.all.loss.toFixed(4)); // → 2 true 0.2502
 * run.model.dispose();
 * ```
 */
export async function runWeatherCourse(options: RunWeatherCourseOptions): Promise<WeatherCourseRun> {
  const { evalBackend, proba = FIXED_PROBA, evalSamples } = options;
  // checked before the training, not after it
  if (!Number.isInteger(evalSamples) || evalSamples < 1)
    throw new LxmlsCourseError('INVALID_ARGUMENT', 'options.evalSamples must be a positive integer', {
      fn: 'runWeatherCourse',
      expected: 'an integer ≥ 1 (held-out sequences to score)',
      received: String(evalSamples),
    });
  const run = await trainWeather(options);
  // evaluate reads synchronously: a model trained where reads are asynchronous is scored (and returned) on evalBackend
  const copied = evalBackend !== undefined && getBackend().capabilities.async === true;
  let model = run.model;
  if (copied) {
    const attention = options.attention ?? WEATHER_ATTENTION;
    try {
      model = await copyModel(run.model, () => new GPT(weatherModelConfig(), { attention }), evalBackend);
    } finally {
      run.model.dispose();
    }
  }
  try {
    await options.onTrained?.({ ...run, model });
    const score = () => evaluateWeather(model, proba, evalSamples);
    const scores = copied ? withBackend(evalBackend, score) : score();
    return { ...run, model, scores, bayes: bayesFigures(proba) };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/**
 * The notebook's log line of In [23]: `iter_dt 74.95ms; iter 100: train loss 0.68922`.
 *
 * @param trainer - The trainer, inside its `on_batch_end` callback.
 * @returns The line.
 * @example
 * ```ts
 * import { logLine } from '@lxmls/course';
 * console.log(logLine({ iterDt: 0.07495, iterNum: 100, loss: 0.689221 })); // → iter_dt 74.95ms; iter 100: train loss 0.68922
 * ```
 */
export function logLine(trainer: { iterDt: number; iterNum: number; loss: number }): string {
  return `iter_dt ${(trainer.iterDt * 1000).toFixed(2)}ms; iter ${trainer.iterNum}: train loss ${trainer.loss.toFixed(5)}`;
}

/**
 * The summary table: the model's figures on the held-out sequences next to the Bayes-optimal ones on the
 * test split and on all sequences.
 *
 * @param model - The model's scores.
 * @param bayes - {@link bayesFigures}.
 * @param samples - How many test sequences were scored.
 * @returns The lines.
 * @example
 * ```ts
 * import { FIXED_PROBA } from '@lxmls/weather-data';
 * import { bayesFigures, formatWeatherSummary } from '@lxmls/course';
 * const lines = formatWeatherSummary({ loss: 0.25, labelAccuracy: 0.85, sequenceAccuracy: 0.46 }, bayesFigures(FIXED_PROBA), 10000);
 * console.log(lines[2]); // → loss (nats per label)                0.2500       0.2445       0.2502
 * ```
 */
export function formatWeatherSummary(model: WeatherScores, bayes: BayesFigures, samples: number): string[] {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const row = (label: string, cells: string[]) =>
    `${label.padEnd(32)}${cells.map((cell) => cell.padStart(13)).join('')}`;
  return [
    `held-out evaluation: ${samples} test sequences, greedy decoding (model.generate(x[:, :6], 6))`,
    row('', ['model', 'Bayes (test)', 'Bayes (all)']),
    row('loss (nats per label)', [
      model.loss.toFixed(4),
      bayes.test.loss.toFixed(4),
      bayes.all.loss.toFixed(4),
    ]),
    row('label accuracy', [
      pct(model.labelAccuracy),
      pct(bayes.test.labelAccuracy),
      pct(bayes.all.labelAccuracy),
    ]),
    row('sequence accuracy (greedy)', [
      pct(model.sequenceAccuracy),
      pct(bayes.test.greedySequenceAccuracy),
      pct(bayes.all.greedySequenceAccuracy),
    ]),
    row('sequence accuracy (Viterbi)', [
      '',
      pct(bayes.test.sequenceAccuracy),
      pct(bayes.all.sequenceAccuracy),
    ]),
    `loss / Bayes-optimal: ${(model.loss / bayes.test.loss).toFixed(3)} (test split), ${(model.loss / bayes.all.loss).toFixed(3)} (all sequences)`,
  ];
}
