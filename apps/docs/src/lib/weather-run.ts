/**
 * Exercise 3.1 set up as in the notebook, with @lxmls/course's recipe (`createWeatherTraining`, the one
 * `lxmls train weather` runs): gpt-nano on the weather data, trained by the course Trainer with
 * `learning_rate 5e-4`, batch 64, and the notebook's log line every 100 iterations. The attention is
 * FusedCausalSelfAttention (the exercise form's parameters on the fused kernel, as `lxmls train weather`
 * trains it), or a student's own class (the exercise page's "Train with my attention"). The page adds the
 * buttons and the chart; this module has no DOM, so Node tests run it too.
 */

import type { AttentionFactory } from '@lxmls/attention';
import {
  createWeatherTraining,
  evaluateWeather as evaluateWeatherScores,
  logLine,
  type TrainingCallbacks,
  WEATHER_RECIPES,
} from '@lxmls/course';
import type { GPT } from '@lxmls/gpt';
import type { Trainer } from '@lxmls/trainer';
import { bayesOptimal, FIXED_PROBA, type WeatherDataset } from '@lxmls/weather-data';

/** The knobs of a run (the notebook's values by default). */
export interface WeatherRunOptions {
  /** Iterations (notebook: 2000). */
  maxIters?: number;
  /** AdamW learning rate (notebook: 5e-4). */
  learningRate?: number;
  /** Examples per batch (notebook: 64). */
  batchSize?: number;
  /** Seeds the weights, the dropout masks, and the dataset (numpy's `np.random.seed`). */
  seed?: number;
  /**
   * The attention of every block (a student's `CausalSelfAttention`, exercise-2-2.html); default
   * FusedCausalSelfAttention, the course recipe's (the exercise form's parameters on the fused kernel).
   */
  attention?: AttentionFactory;
  /** Receives the trainer's notice: `SLOW_BACKEND` when the model is on the slow `js` reference backend. */
  onNotice?: TrainingCallbacks['onNotice'];
}

/** A model, its trainer and the datasets, ready for `trainer.run()`. */
export interface WeatherRun {
  model: GPT;
  trainer: Trainer<GPT>;
  train: WeatherDataset;
  /** The exact floor of the loss and accuracies for the course's HMM (`bayesOptimal(FIXED_PROBA, 6)`). */
  bayes: ReturnType<typeof bayesOptimal>;
  /** The same figures on the test split only (`bayesOptimal(FIXED_PROBA, 6, { split: 'test' })`). */
  bayesTest: ReturnType<typeof bayesOptimal>;
}

/**
 * Builds gpt-nano for the weather data and its Trainer (as notebook cells In[21] and In[22]), with its own
 * random source seeded with `seed`, plus the Bayes-optimal figures.
 *
 * @param options - {@link WeatherRunOptions}.
 * @returns The {@link WeatherRun}; dispose `model` when done with it.
 */
export function createWeatherRun(options: WeatherRunOptions = {}): WeatherRun {
  const { maxIters = 2000, learningRate = 5e-4, batchSize = 64, seed = 0, attention, onNotice } = options;
  const recipe = { ...WEATHER_RECIPES.course, iters: maxIters, learningRate, batchSize };
  const { model, trainer, train } = createWeatherTraining({
    recipe,
    seed,
    ownGenerator: true,
    onNotice,
    ...(attention ? { attention } : {}),
  });
  return {
    model,
    trainer,
    train,
    bayes: bayesOptimal(FIXED_PROBA, 6),
    bayesTest: bayesOptimal(FIXED_PROBA, 6, { split: 'test' }),
  };
}

/** What {@link evaluateWeather} measures, next to what a perfect model (the true HMM conditionals) gets. */
export interface WeatherEvaluation {
  /** Sequences evaluated. */
  samples: number;
  /** Mean loss per label, each weather predicted from the observations and the true weathers before it. */
  loss: number;
  /** Labels right when the model decodes greedily from the six observations, feeding back its own guesses. */
  labelAccuracy: number;
  /** Sequences with all six labels right, greedy decoding. */
  sequenceAccuracy: number;
  /** The perfect model's figures on the test split: loss, and greedy label and sequence accuracy. */
  perfect: { loss: number; labelAccuracy: number; sequenceAccuracy: number; viterbiSequenceAccuracy: number };
}

/**
 * Evaluates a run's model on the test split (@lxmls/course's `evaluateWeather`, the held-out sequences
 * `lxmls train weather` and `lxmls eval weather` score: drawn with seed 1): the training loss, and the accuracy
 * of greedy decoding (the model reads six activities and writes six weathers, each from its own previous
 * guesses), next to a perfect model's exact figures.
 *
 * @param run - A {@link WeatherRun} (trained or not).
 * @param samples - How many test sequences.
 * @returns The {@link WeatherEvaluation}.
 */
export function evaluateWeather(run: WeatherRun, samples = 1000): WeatherEvaluation {
  const scores = evaluateWeatherScores(run.model, FIXED_PROBA, samples);
  const perfect = run.bayesTest;
  return {
    samples,
    ...scores,
    perfect: {
      loss: perfect.loss,
      labelAccuracy: perfect.labelAccuracy,
      sequenceAccuracy: perfect.greedySequenceAccuracy,
      viterbiSequenceAccuracy: perfect.sequenceAccuracy,
    },
  };
}

/**
 * The notebook's progress line (cell In[23]): @lxmls/course's `logLine`, as `lxmls train weather` prints it.
 *
 * @example
 * ```ts
 * import { iterLine } from './lib/weather-run.js';
 * console.log(iterLine({ iterDt: 0.01667, iterNum: 100, loss: 0.689219 })); // → iter_dt 16.67ms; iter 100: train loss 0.68922
 * ```
 */
export const iterLine: (t: { iterDt: number; iterNum: number; loss: number }) => string = logLine;
