/**
 * Errors of @lxmls/weather-data: one class, {@link LxmlsWeatherDataError}, with a stable `code`.
 *
 * Follows the project's error format (the same shape as @lxmls/bpe's `LxmlsBpeError`):
 * `[@lxmls/weather-data] fn: what failed. Expected X, received Y.` Where the Python toolkit fails with a bare
 * `assert`, an `IndexError` or numpy's `ValueError`, this package throws one of these instead.
 * Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

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

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsWeatherDataError} besides its message. */
export interface WeatherDataErrorDetails {
  /** The function that failed, e.g. `WeatherDataset.decodeObs`. */
  fn: string;
  /** The argument at fault, e.g. `ids[3]`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

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
 *   new WeatherDataset('validation');
 * } catch (e) {
 *   console.log(LxmlsWeatherDataError.isInstance(e) && e.code); // → INVALID_ARGUMENT
 *   console.log((e as Error).message);
 *   // → [@lxmls/weather-data] WeatherDataset: split is not a split name. Expected 'train' or 'test', received string "validation".
 * }
 * ```
 */
export class LxmlsWeatherDataError extends Error {
  override readonly name = 'LxmlsWeatherDataError';
  /** The stable error code. */
  readonly code: WeatherDataErrorCode;
  /** The function that failed. */
  readonly fn: string;
  /** The argument at fault, if one is. */
  readonly argument: string | undefined;
  /** What was expected, in words. */
  readonly expected: string | undefined;
  /** What was received, described for a human. */
  readonly received: string | undefined;
  readonly [MARKER] = true;

  /**
   * Builds the message `[@lxmls/weather-data] fn: what. Expected X, received Y.` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation and received value.
   */
  constructor(code: WeatherDataErrorCode, what: string, details: WeatherDataErrorDetails) {
    let message = `[@lxmls/weather-data] ${details.fn}: ${what}.`;
    if (details.expected !== undefined) message += ` Expected ${details.expected}`;
    if (details.received !== undefined) {
      message +=
        details.expected !== undefined ? `, received ${details.received}.` : ` Received ${details.received}.`;
    } else if (details.expected !== undefined) message += '.';
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.fn = details.fn;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }

  /**
   * True for any {@link LxmlsWeatherDataError}, even one from another copy of the package.
   *
   * @param error - Anything caught.
   * @returns Whether it is a {@link LxmlsWeatherDataError}.
   */
  static isInstance(error: unknown): error is LxmlsWeatherDataError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsWeatherDataError'
    );
  }
}

/** Describes a received value for an error message: its type, and the value itself cut to 200 characters. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'bigint') return `bigint ${String(value)}n`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object') return `object ${truncate(Object.prototype.toString.call(value))}`;
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}

/** Throws `INVALID_ARGUMENT` unless `value` is an integer in `[min, max]`; returns it. */
export function checkInteger(fn: string, argument: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? `an integer >= ${min}`
        : `an integer in [${min}, ${max === 4294967295 ? '2**32 - 1' : max}]`;
    const what =
      typeof value === 'number' && Number.isInteger(value)
        ? `${argument} is out of range`
        : `${argument} is not an integer`;
    throw new LxmlsWeatherDataError('INVALID_ARGUMENT', what, {
      fn,
      argument,
      expected: range,
      received: describe(value),
    });
  }
  return value;
}
