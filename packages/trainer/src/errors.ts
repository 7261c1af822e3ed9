/**
 * Errors of @lxmls/trainer: one class, {@link LxmlsTrainerError}, with a stable `code`, made by
 * @lxmls/base's `defineError`, and the package's validation helpers (`check`, `checkInteger`, `checkNumber`).
 *
 * Follows the project's error format (the same shape as the other packages' errors):
 * `[@lxmls/trainer] fn: what failed. Expected X, received Y.` Where the Python toolkit fails with a bare
 * `assert` or an exception from deep inside PyTorch, this package throws one of these instead.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

export { describeValue as describe } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/trainer.
 *
 * - `INVALID_ARGUMENT`: an argument of the wrong type or range (a batch size, a callback, a schedule).
 * - `INVALID_CONFIG`: a trainer config with an unknown key or a bad value.
 * - `INVALID_MODEL`: a model without the methods a trainer needs, or whose forward gave no loss.
 * - `INVALID_DATASET`: a dataset with neither `sampleBatch` nor `get` / `getItem`, or a malformed batch.
 * - `INVALID_CHECKPOINT`: a checkpoint that is malformed, inconsistent, or does not fit the model.
 * - `ALREADY_RUNNING`: `run()` called while a run is in progress.
 * - `NOT_SUPPORTED`: a Node-only function called in a browser.
 * - `NOT_FINITE`: a training loss that became NaN or ±Infinity (the run diverged: too high a learning rate):
 *   the run stops there instead of training on garbage.
 */
export type TrainerErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'INVALID_MODEL'
  | 'INVALID_DATASET'
  | 'INVALID_CHECKPOINT'
  | 'ALREADY_RUNNING'
  | 'NOT_SUPPORTED'
  | 'NOT_FINITE';

/** Fields of a {@link LxmlsTrainerError} besides its message. */
export type TrainerErrorDetails = ErrorDetails;

/**
 * The error thrown by every function of @lxmls/trainer.
 *
 * Check it with `LxmlsTrainerError.isInstance(e)`, which works across duplicated installs, and branch on
 * `e.code`.
 *
 * @remarks Python: replaces the `AssertionError`s and PyTorch exceptions of `mingpt.trainer.Trainer`.
 * @example
 * ```ts
 * import { clipGradNorm, LxmlsTrainerError } from '@lxmls/trainer';
 * try {
 *   clipGradNorm([], 0);
 * } catch (e) {
 *   console.log(LxmlsTrainerError.isInstance(e) && e.code); // → INVALID_ARGUMENT
 *   console.log((e as Error).message);
 *   // → [@lxmls/trainer] clipGradNorm: maxNorm is not positive. Expected a number > 0 (Infinity to only measure), received number 0.
 * }
 * ```
 */
export class LxmlsTrainerError extends defineError<TrainerErrorCode>('@lxmls/trainer', 'LxmlsTrainerError') {}

/** @internal The validation helpers of @lxmls/trainer: they throw {@link LxmlsTrainerError}. */
export const check: Checks<TrainerErrorCode> = checks(LxmlsTrainerError, 'INVALID_ARGUMENT');

/** Throws `code` (default `INVALID_ARGUMENT`) unless `value` is an integer in `[min, max]`; returns it. */
export function checkInteger(
  fn: string,
  argument: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  code: TrainerErrorCode = 'INVALID_ARGUMENT',
): number {
  return check.integer(fn, argument, value, { min, max, code });
}

/** Throws `code` (default `INVALID_ARGUMENT`) unless `value` is a finite number in `[min, max]`; returns it. */
export function checkNumber(
  fn: string,
  argument: string,
  value: unknown,
  min = Number.NEGATIVE_INFINITY,
  max = Number.POSITIVE_INFINITY,
  code: TrainerErrorCode = 'INVALID_ARGUMENT',
): number {
  return check.number(fn, argument, value, { min, max, code });
}
