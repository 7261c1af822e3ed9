/**
 * A student's attention against the course run of Exercise 3.1 (`lxmls bench train-weather`): the course run
 * (gpt-nano on the weather data with FusedCausalSelfAttention, as `lxmls train weather`) and the same run with
 * another attention (a student's `CausalSelfAttention`, or the exercise form of @lxmls/attention), side by side
 * in one process (taking turns, one iteration each), each scored on the held-out sequences. Follows the
 * targets of issue 12: the student's run reaches a held-out loss ≤ 1.04× the Bayes-optimal 0.2502, at ≤ 2× the
 * course run's milliseconds per iteration. Browser-safe (`performance.now` only).
 */

import type { AttentionFactory } from '@lxmls/attention';
import { FIXED_PROBA } from '@lxmls/weather-data';
import { median } from './median.js';
import {
  bayesFigures,
  evaluateWeather,
  trainWeather,
  WEATHER_ATTENTION,
  WEATHER_RECIPES,
  type WeatherRecipe,
} from './weather.js';

/**
 * The targets of issue 12 for a student's attention against the course run.
 *
 * @example
 * ```ts
 * import { TRAIN_WEATHER_TARGETS } from '@lxmls/course';
 * console.log(TRAIN_WEATHER_TARGETS); // → { lossRatio: 1.04, msPerIterRatio: 2 }
 * ```
 */
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
  /** Milliseconds per iteration: the run's own time (its turns) over its timed iterations (all but the first). */
  msPerIter: number;
  /** The median of the iterations' times. */
  medianMs: number;
  /** The run's seconds: the sum of its timed iterations' times. */
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
  /** Sequences per batch (the course recipe's 64 by default; fewer for a quick look). */
  batchSize?: number;
  /** The seed of both runs (default 42, as `lxmls train weather`). */
  seed?: number;
  /** Held-out sequences scored after each run (default 10000). */
  evalSamples?: number;
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
  /** Whether the other run meets {@link TRAIN_WEATHER_TARGETS}: its loss ratio, its msPerIter ratio. */
  passed: { loss: boolean; speed: boolean };
}

/**
 * Trains gpt-nano on the weather data twice with the course recipe, with the course's attention
 * ({@link WEATHER_ATTENTION}) and with `attention`, the two runs taking turns one iteration each (so a
 * changing load on the machine weighs on both alike), and scores both. Each run is timed over its own
 * iterations only, and has its own random source seeded as `lxmls train weather` seeds the global one, so
 * its numbers are those of `lxmls train weather`. Both attentions first train 20 untimed iterations (at most
 * `iters`; the warm-up), so that neither run pays for compiling and allocating.
 *
 * @param setup - The attention, iterations, seed, held-out samples.
 * @returns Both runs' times and scores, their ratios, and whether the other run meets the targets.
 * @example
 * ```ts
 * import { CausalSelfAttention } from '@lxmls/attention';
 * import { benchTrainWeather } from '@lxmls/course';
 * const r = await benchTrainWeather({ attention: CausalSelfAttention, iters: 2, batchSize: 2, evalSamples: 2 });
 * console.log(r.course.attention, r.other.attention, r.msPerIterRatio > 0); // → FusedCausalSelfAttention CausalSelfAttention true
 * ```
 */
export async function benchTrainWeather(setup: TrainWeatherBenchSetup): Promise<TrainWeatherBenchResult> {
  const { attention, seed = 42, evalSamples = 10_000 } = setup;
  const { iters = WEATHER_RECIPES.course.iters, batchSize = WEATHER_RECIPES.course.batchSize } = setup;
  const recipe = { ...WEATHER_RECIPES.course, iters, batchSize };
  const bayes = bayesFigures(FIXED_PROBA);
  // warm up both (the JIT, the backend's buffers) with a few untimed iterations, so neither run pays for it
  for (const factory of [WEATHER_ATTENTION, attention]) {
    const iters = Math.min(WARMUP_ITERS, recipe.iters);
    const warm = await trainWeather({ recipe: { ...recipe, iters }, seed, attention: factory });
    warm.model.dispose();
  }
  // the two runs take turns, one iteration each, so that the machine's load weighs on both alike; each has
  // its own random source (seeded as lxmls train weather seeds the global one: the same numbers)
  const turns = new Turns();
  const clocks = [new IterationClock(), new IterationClock()];
  const runs = [WEATHER_ATTENTION, attention].map((factory, i) =>
    trainWeather({
      recipe,
      seed,
      attention: factory,
      ownGenerator: true,
      onBatchEnd: async () => {
        clocks[i]!.stop();
        await turns.pass(i);
        clocks[i]!.start();
      },
    }).finally(() => turns.finish(i)),
  );
  const trained = await Promise.allSettled(runs);
  const failed = trained.find((r) => r.status === 'rejected');
  if (failed) {
    for (const r of trained) if (r.status === 'fulfilled') r.value.model.dispose();
    throw (failed as PromiseRejectedResult).reason;
  }
  const [course, other] = trained.map((r, i) => {
    const { model, trainer } = (r as PromiseFulfilledResult<Awaited<ReturnType<typeof trainWeather>>>).value;
    try {
      const factory = i === 0 ? WEATHER_ATTENTION : attention;
      const scores = evaluateWeather(model, FIXED_PROBA, evalSamples);
      const clock = clocks[i]!;
      const timed = Math.max(1, clock.times.length);
      return {
        attention: factory.name || 'factory',
        msPerIter: clock.totalMs / timed,
        medianMs: clock.times.length > 0 ? median(clock.times) : 0,
        seconds: clock.totalMs / 1000,
        trainLoss: trainer.loss,
        evalLoss: scores.loss,
        lossRatio: scores.loss / bayes.all.loss,
        labelAccuracy: scores.labelAccuracy,
        sequenceAccuracy: scores.sequenceAccuracy,
      };
    } finally {
      model.dispose();
    }
  }) as [WeatherBenchRun, WeatherBenchRun];
  const msPerIterRatio = other.msPerIter / course.msPerIter;
  return {
    recipe,
    seed,
    evalSamples,
    bayesLossAll: bayes.all.loss,
    bayesLossTest: bayes.test.loss,
    course,
    other,
    msPerIterRatio,
    passed: {
      loss: other.lossRatio <= TRAIN_WEATHER_TARGETS.lossRatio,
      speed: msPerIterRatio <= TRAIN_WEATHER_TARGETS.msPerIterRatio,
    },
  };
}

/**
 * The times of one run's iterations, each from the moment the run got its turn back to the end of its step
 * (its `on_batch_end`), so the other run's iterations are not counted. The first iteration (with the run's
 * set-up) is not timed.
 */
class IterationClock {
  readonly times: number[] = [];
  totalMs = 0;
  #started: number | null = null;

  /** The run has its turn again: its next iteration starts. */
  start(): void {
    this.#started = performance.now();
  }

  /** The run's iteration ended (its `on_batch_end`). */
  stop(): void {
    if (this.#started === null) return; // the first iteration
    const ms = performance.now() - this.#started;
    this.times.push(ms);
    this.totalMs += ms;
  }
}

/** Two runs taking turns: `pass(i)` wakes the other run and waits until it passes back (or has finished). */
class Turns {
  readonly #waiting: [(() => void) | null, (() => void) | null] = [null, null];
  readonly #finished = [false, false];

  /** Run `i` ended an iteration: let the other run go, and wait for its turn to come back. */
  pass(i: number): Promise<void> {
    this.#wake(1 - i);
    if (this.#finished[1 - i]) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiting[i] = resolve;
    });
  }

  /** Run `i` has finished (or failed): the other one no longer waits for it. */
  finish(i: number): void {
    this.#finished[i] = true;
    this.#wake(1 - i);
  }

  #wake(j: number): void {
    const resume = this.#waiting[j];
    this.#waiting[j] = null;
    resume?.();
  }
}
