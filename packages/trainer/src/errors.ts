/**
 * Errors of @lxmls/trainer: one class, {@link LxmlsTrainerError}, with a stable `code`.
 *
 * Follows the project's error format (the same shape as the other packages' errors):
 * `[@lxmls/trainer] fn: what failed. Expected X, received Y.` Where the Python toolkit fails with a bare
 * `assert` or an exception from deep inside PyTorch, this package throws one of these instead.
 */

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
 */
export type TrainerErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_CONFIG'
  | 'INVALID_MODEL'
  | 'INVALID_DATASET'
  | 'INVALID_CHECKPOINT'
  | 'ALREADY_RUNNING'
  | 'NOT_SUPPORTED';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsTrainerError} besides its message. */
export interface TrainerErrorDetails {
  /** The function that failed, e.g. `Trainer.run`. */
  fn: string;
  /** The argument at fault, e.g. `config.batchSize`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

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
export class LxmlsTrainerError extends Error {
  override readonly name = 'LxmlsTrainerError';
  /** The stable error code. */
  readonly code: TrainerErrorCode;
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
   * Builds the message `[@lxmls/trainer] fn: what. Expected X, received Y.` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation and received value.
   */
  constructor(code: TrainerErrorCode, what: string, details: TrainerErrorDetails) {
    let message = `[@lxmls/trainer] ${details.fn}: ${what}.`;
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
   * True for any {@link LxmlsTrainerError}, even one from another copy of the package.
   *
   * @param error - Anything caught.
   * @returns Whether it is a {@link LxmlsTrainerError}.
   */
  static isInstance(error: unknown): error is LxmlsTrainerError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsTrainerError'
    );
  }
}

/** Describes a received value for an error message: its type, and the value itself cut to 200 characters. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'boolean') return `boolean ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object') return `object ${truncate(Object.prototype.toString.call(value))}`;
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}

/** Throws `code` (default `INVALID_ARGUMENT`) unless `value` is an integer in `[min, max]`; returns it. */
export function checkInteger(
  fn: string,
  argument: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  code: TrainerErrorCode = 'INVALID_ARGUMENT',
): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    const what =
      typeof value === 'number' && Number.isInteger(value)
        ? `${argument} is out of range`
        : `${argument} is not an integer`;
    throw new LxmlsTrainerError(code, what, { fn, argument, expected: range, received: describe(value) });
  }
  return value;
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
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min === Number.NEGATIVE_INFINITY && max === Number.POSITIVE_INFINITY
        ? 'a finite number'
        : max === Number.POSITIVE_INFINITY
          ? `a finite number >= ${min}`
          : `a number in [${min}, ${max}]`;
    const what = typeof value === 'number' ? `${argument} is out of range` : `${argument} is not a number`;
    throw new LxmlsTrainerError(code, what, { fn, argument, expected: range, received: describe(value) });
  }
  return value;
}
