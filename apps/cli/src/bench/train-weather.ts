/**
 * The benchmark of `lxmls bench train-weather`: the course run of Exercise 3.1 (`lxmls train weather`, gpt-nano
 * on the weather data with FusedCausalSelfAttention) and the same run with another attention (a student's
 * `CausalSelfAttention`, or the exercise form of @lxmls/attention), one after the other in one process, each
 * scored on the held-out sequences. Follows the targets of issue 12: the student's run reaches a held-out loss
 * ≤ 1.04× the Bayes-optimal 0.2502, at ≤ 2× the course run's milliseconds per iteration.
 */

import type { AttentionFactory } from '@lxmls/attention';
import { FIXED_PROBA } from '@lxmls/weather-data';
import {
  bayesFigures,
  evaluateWeather,
  trainWeather,
  WEATHER_ATTENTION,
  WEATHER_RECIPES,
  type WeatherRecipe,
} from '../train/weather.js';
import { median } from './timing.js';

/** The targets of issue 12 for a student's attention against the course run. */
export const TRAIN_WEATHER_TARGETS = Object.freeze({
  /** Held-out loss over the Bayes-optimal loss on all sequences (0.2502), at most. */
  lossRatio: 1.04,
  /** Milliseconds per iteration over the course run's, at most. */
  msPerIterRatio: 2,
});

/** Untimed iterations of each attention before the timed runs. */
const WARMUP_ITERS = 20;

/** One timed and scored weather run. */
export interface WeatherBenchRun {
  /** The attention's class name (or `factory`). */
  attention: string;
  /** Wall-clock milliseconds per iteration (the run's seconds over its iterations, as `lxmls train` prints). */
  msPerIter: number;
  /** The median of the iterations' own times (`iter_dt`), the first one excluded. */
  medianMs: number;
  /** The run's wall-clock seconds. */
  seconds: number;
  /** The last training loss. */
  trainLoss: number;
  /** The mean held-out loss per label. */
  evalLoss: number;
  /** `evalLoss` over the Bayes-optimal loss on all sequences (0.2502). */
  lossRatio: number;
  /** Labels decoded right (greedy). */
  labelAccuracy: number;
  /** Sequences decoded entirely right (greedy). */
  sequenceAccuracy: number;
}

/** What {@link benchTrainWeather} runs. */
export interface TrainWeatherBenchSetup {
  /** The attention to compare with the course run's. */
  attention: AttentionFactory;
  /** Iterations of each run (the course recipe's 2000 by default). */
  iters?: number;
  /** The seed of both runs (default 42, as `lxmls train weather`). */
  seed?: number;
  /** Held-out sequences scored after each run (default 10000). */
  evalSamples?: number;
  /** Called before each run starts, with its attention's name (progress on stderr). */
  onRun?: (name: string) => void;
}

/** What {@link benchTrainWeather} measures. */
export interface TrainWeatherBenchResult {
  /** The recipe both runs used. */
  recipe: WeatherRecipe;
  seed: number;
  evalSamples: number;
  /** The Bayes-optimal loss on all sequences (0.2502) and on the test split (0.2445). */
  bayesLossAll: number;
  bayesLossTest: number;
  /** The course run (FusedCausalSelfAttention). */
  course: WeatherBenchRun;
  /** The run with the other attention. */
  other: WeatherBenchRun;
  /** The other run's msPerIter over the course run's. */
  msPerIterRatio: number;
}

/**
 * Trains gpt-nano on the weather data twice with the course recipe, first with the course's attention
 * ({@link WEATHER_ATTENTION}) then with `attention`, and scores both. Both attentions first train 20 untimed
 * iterations (at most `iters`; the warm-up), so that the first timed run does not pay for compiling and
 * allocating.
 *
 * @param setup - The attention, iterations, seed, held-out samples.
 * @returns Both runs' times and scores, and their ratios.
 * @example
 * ```ts
 * import { CausalSelfAttention } from '@lxmls/attention';
 * import { registerWasmBackend } from '@lxmls/backend-wasm';
 * import { getBackend, setBackend } from '@lxmls/tensor';
 * import { benchTrainWeather } from './bench/train-weather.js';
 * const before = getBackend().name;
 * registerWasmBackend();
 * await setBackend('wasm'); // as the CLI trains
 * const r = await benchTrainWeather({ attention: CausalSelfAttention, iters: 1, evalSamples: 10 });
 * console.log(r.course.attention, r.other.attention, r.msPerIterRatio > 0); // → FusedCausalSelfAttention CausalSelfAttention true
 * await setBackend(before);
 * ```
 */
export async function benchTrainWeather(setup: TrainWeatherBenchSetup): Promise<TrainWeatherBenchResult> {
  const { attention, seed = 42, evalSamples = 10_000, onRun } = setup;
  const recipe = { ...WEATHER_RECIPES.course, iters: setup.iters ?? WEATHER_RECIPES.course.iters };
  const bayes = bayesFigures(FIXED_PROBA);
  const run = async (factory: AttentionFactory): Promise<WeatherBenchRun> => {
    const name = factory.name || 'factory';
    onRun?.(name);
    const times: number[] = [];
    const { model, trainer, seconds } = await trainWeather({
      recipe,
      seed,
      attention: factory,
      onBatchEnd: (t) => {
        if (t.iterNum >= 2) times.push(1000 * t.iterDt); // iter_dt of iterations 1, 2, …
      },
    });
    try {
      const scores = evaluateWeather(model, FIXED_PROBA, evalSamples);
      const msPerIter = (1000 * seconds) / trainer.iterNum;
      return {
        attention: name,
        msPerIter,
        medianMs: times.length > 0 ? median(times) : msPerIter,
        seconds,
        trainLoss: trainer.loss,
        evalLoss: scores.loss,
        lossRatio: scores.loss / bayes.all.loss,
        labelAccuracy: scores.labelAccuracy,
        sequenceAccuracy: scores.sequenceAccuracy,
      };
    } finally {
      model.dispose();
    }
  };
  // warm up both (the JIT, the backend's buffers) with a few untimed iterations, so neither run pays for it
  for (const factory of [WEATHER_ATTENTION, attention]) {
    const iters = Math.min(WARMUP_ITERS, recipe.iters);
    const warm = await trainWeather({ recipe: { ...recipe, iters }, seed, attention: factory });
    warm.model.dispose();
  }
  const course = await run(WEATHER_ATTENTION);
  const other = await run(attention);
  return {
    recipe,
    seed,
    evalSamples,
    bayesLossAll: bayes.all.loss,
    bayesLossTest: bayes.test.loss,
    course,
    other,
    msPerIterRatio: other.msPerIter / course.msPerIter,
  };
}
