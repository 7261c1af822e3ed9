/**
 * Errors of @lxmls/weather-data: one class, {@link LxmlsWeatherDataError}, with a stable `code`, made by
 * @lxmls/base's `defineError`, and the package's validation helpers (`check`, `checkInteger`), which throw it.
 *
 * Messages follow the project's format: `[@lxmls/weather-data] fn: what failed. Expected X, received Y.`
 * Where the Python toolkit fails with a bare `assert`, an `IndexError` or numpy's `ValueError`, this package
 * throws one of these instead. Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

export { describeValue as describe } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/weather-data.
 *
 * - `INVALID_ARGUMENT`: a split, length, size, seed, index or array that is not what the function takes.
 * - `INVALID_PROBABILITIES`: a `proba` table or a `p` vector with the wrong shape, a negative or non-finite entry,
 *   or a row that does not sum to 1 (numpy's tolerance, `sqrt(float64 eps)`).
 * - `UNKNOWN_ID`: an observation or state id that names no word (Python's `IndexError`).
 * - `IMPOSSIBLE_SEQUENCE`: an observation sequence with probability 0, which has no posterior or best path.
 */
export type WeatherDataErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_PROBABILITIES'
  | 'UNKNOWN_ID'
  | 'IMPOSSIBLE_SEQUENCE';

/** Fields of a {@link LxmlsWeatherDataError} besides its message. */
export type WeatherDataErrorDetails = ErrorDetails;

/**
 * The error thrown by every function of @lxmls/weather-data.
 *
 * Check it with `LxmlsWeatherDataError.isInstance(e)`, which works across duplicated installs, and branch on
 * `e.code`.
 *
 * @remarks Python: replaces the `AssertionError`, `IndexError` and numpy `ValueError` of
 * `lxmls.transformers.dataset.WeatherDataset`.
 * @example
 * ```ts
 * import { LxmlsWeatherDataError, WeatherDataset } from '@lxmls/weather-data';
 * try {
 *   // @ts-expect-error: not a split name (TypeScript says so too; JavaScript callers get the error)
 *   new WeatherDataset('validation');
 * } catch (e) {
 *   console.log(LxmlsWeatherDataError.isInstance(e) && e.code); // → INVALID_ARGUMENT
 *   console.log((e as Error).message);
 *   // → [@lxmls/weather-data] WeatherDataset: split is not a split name. Expected 'train' or 'test', received string "validation".
 * }
 * ```
 */
export class LxmlsWeatherDataError extends defineError<WeatherDataErrorCode>(
  '@lxmls/weather-data',
  'LxmlsWeatherDataError',
) {}

/** @internal The validation helpers of @lxmls/weather-data: they throw {@link LxmlsWeatherDataError}. */
export const check: Checks<WeatherDataErrorCode> = checks(LxmlsWeatherDataError, 'INVALID_ARGUMENT');

/** Throws `INVALID_ARGUMENT` unless `value` is an integer in `[min, max]` (`2**32 - 1` spelt so); returns it. */
export function checkInteger(fn: string, argument: string, value: unknown, min: number, max: number): number {
  const expected = max === 4294967295 ? `an integer in [${min}, 2**32 - 1]` : undefined;
  return check.integer(fn, argument, value, { min, max, ...(expected === undefined ? {} : { expected }) });
}
