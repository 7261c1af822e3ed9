/**
 * Learning-rate schedules: constant (the toolkit's only one: minGPT's trainer never changes the rate) and
 * linear warmup followed by cosine decay to a floor, as nanoGPT's `get_lr(it)`.
 *
 * The trainer sets the optimizer's rate from {@link learningRateAt} before every iteration, with the
 * iteration number that the callbacks will see (`iterNum`, counted from 0).
 */

import { check, checkInteger, checkNumber, LxmlsTrainerError } from './errors.js';

/**
 * Linear warmup then cosine decay (nanoGPT's `get_lr`):
 * - for `it < warmupIters`: `lr · (it + 1) / (warmupIters + 1)`;
 * - for `it > decayIters`: `minLr`;
 * - in between: `minLr + ½ (1 + cos(π · (it − warmupIters) / (decayIters − warmupIters))) · (lr − minLr)`.
 */
export interface WarmupCosineSchedule {
  /** The schedule's kind. */
  type: 'cosine';
  /** Iterations of linear warmup (0 for none). */
  warmupIters: number;
  /** The iteration at which the rate reaches `minLr`; defaults to the trainer's `maxIters`. */
  decayIters?: number;
  /** The floor; defaults to a tenth of the base learning rate (nanoGPT's advice). */
  minLr?: number;
}

/**
 * A learning-rate schedule: `'constant'` (the default, as the toolkit), a {@link WarmupCosineSchedule}, or a
 * function of the iteration number and the base rate (not saved in checkpoints: give it again on resume).
 */
export type LrSchedule = 'constant' | WarmupCosineSchedule | ((iter: number, baseLr: number) => number);

/**
 * The learning rate at iteration `iter` (counted from 0) for a schedule and a base rate.
 *
 * @param schedule - `'constant'`, a {@link WarmupCosineSchedule} or a function.
 * @param iter - The iteration number, an integer >= 0.
 * @param baseLr - The trainer's `learningRate`.
 * @param maxIters - The trainer's `maxIters`: the default `decayIters` of a cosine schedule.
 * @returns The rate, a finite number >= 0.
 * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` for a bad schedule or iteration, or a cosine schedule
 *   without `decayIters` when `maxIters` is null.
 * @remarks Python: no counterpart in the toolkit (constant rate); nanoGPT's `get_lr(it)` for the cosine one.
 * @example
 * ```ts
 * import { learningRateAt } from '@lxmls/trainer';
 * const schedule = { type: 'cosine', warmupIters: 100, decayIters: 1000, minLr: 5e-5 } as const;
 * const lrs = [0, 99, 100, 550, 1000, 1500].map((it) => learningRateAt(schedule, it, 5e-4, null));
 * console.log(lrs.map((lr) => lr.toExponential(3)).join(' '));
 * // → 4.950e-6 4.950e-4 5.000e-4 2.750e-4 5.000e-5 5.000e-5
 * console.log(learningRateAt('constant', 123, 5e-4, 2000)); // → 0.0005
 * ```
 */
export function learningRateAt(
  schedule: LrSchedule,
  iter: number,
  baseLr: number,
  maxIters: number | null,
): number {
  const fn = 'learningRateAt';
  checkInteger(fn, 'iter', iter, 0);
  if (schedule === 'constant') return baseLr;
  if (typeof schedule === 'function') {
    return checkNumber(fn, 'the schedule function result', schedule(iter, baseLr), 0);
  }
  const { warmupIters, decayIters, minLr } = resolveCosine(fn, schedule, baseLr, maxIters);
  // 1) linear warmup for warmupIters steps
  if (iter < warmupIters) return (baseLr * (iter + 1)) / (warmupIters + 1);
  // 2) if it > decayIters, return the minimum learning rate
  if (iter > decayIters) return minLr;
  // 3) in between, use cosine decay down to the minimum learning rate
  const decayRatio = decayIters === warmupIters ? 1 : (iter - warmupIters) / (decayIters - warmupIters);
  const coeff = 0.5 * (1 + Math.cos(Math.PI * decayRatio)); // coeff ranges 0..1
  return minLr + coeff * (baseLr - minLr);
}

/**
 * Checks a schedule up front (so that a bad one fails when the trainer is built, not at iteration 1000).
 *
 * @returns The schedule itself.
 */
export function checkSchedule(
  fn: string,
  schedule: unknown,
  baseLr: number,
  maxIters: number | null,
): LrSchedule {
  if (schedule === 'constant' || typeof schedule === 'function') return schedule as LrSchedule;
  if (
    schedule === null ||
    typeof schedule !== 'object' ||
    (schedule as { type?: unknown }).type !== 'cosine'
  ) {
    check.fail(
      fn,
      'lrSchedule',
      schedule,
      'lrSchedule is not a schedule',
      "'constant', { type: 'cosine', warmupIters, decayIters?, minLr? } or a function",
      { code: 'INVALID_CONFIG' },
    );
  }
  resolveCosine(fn, schedule as WarmupCosineSchedule, baseLr, maxIters, 'INVALID_CONFIG');
  return schedule as WarmupCosineSchedule;
}

function resolveCosine(
  fn: string,
  schedule: WarmupCosineSchedule,
  baseLr: number,
  maxIters: number | null,
  code: 'INVALID_ARGUMENT' | 'INVALID_CONFIG' = 'INVALID_ARGUMENT',
): Required<Omit<WarmupCosineSchedule, 'type'>> {
  if (schedule === null || typeof schedule !== 'object' || schedule.type !== 'cosine')
    check.fail(
      fn,
      'schedule',
      schedule,
      'schedule is not a schedule',
      "'constant', { type: 'cosine', warmupIters, decayIters?, minLr? } or a function",
      { code },
    );
  const warmupIters = checkInteger(fn, 'lrSchedule.warmupIters', schedule.warmupIters, 0, undefined, code);
  const decay = schedule.decayIters ?? maxIters;
  if (decay === null)
    check.fail(
      fn,
      'lrSchedule.decayIters',
      undefined,
      'a cosine schedule needs an end',
      'decayIters, or a trainer maxIters',
      { code: code, received: 'neither' },
    );
  const decayIters = checkInteger(fn, 'lrSchedule.decayIters', decay, warmupIters, undefined, code);
  const minLr = checkNumber(fn, 'lrSchedule.minLr', schedule.minLr ?? baseLr / 10, 0, undefined, code);
  return { warmupIters, decayIters, minLr };
}
