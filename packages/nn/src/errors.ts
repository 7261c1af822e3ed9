/**
 * Errors of @lxmls/nn: one class, {@link LxmlsNnError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/nn] fn: what failed. Expected X, received Y.` A state dict that
 * does not fit a model names the key and both shapes; a broken safetensors file names the byte offset at fault.
 */

/**
 * Stable error codes of @lxmls/nn.
 *
 * - `INVALID_ARGUMENT`: a size, probability, name or option that the function does not take.
 * - `SHAPE_MISMATCH`: an input or a loaded tensor with the wrong shape (the key and both shapes are named).
 * - `MISSING_KEY`: a state dict without a key the model needs.
 * - `UNEXPECTED_KEY`: a state dict with a key the model does not have (strict loading).
 * - `INVALID_SAFETENSORS`: a safetensors file that is truncated, corrupt or hostile (the offset is named).
 * - `UNSUPPORTED_DTYPE`: a safetensors tensor of a dtype this package cannot convert.
 */
export type NnErrorCode =
  | 'INVALID_ARGUMENT'
  | 'SHAPE_MISMATCH'
  | 'MISSING_KEY'
  | 'UNEXPECTED_KEY'
  | 'INVALID_SAFETENSORS'
  | 'UNSUPPORTED_DTYPE';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsNnError} besides its message. */
export interface NnErrorDetails {
  /** The function that failed, e.g. `Module.loadStateDict`. */
  fn: string;
  /** The argument (or state-dict key) at fault. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/nn.
 *
 * Check it with `LxmlsNnError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { Linear, LxmlsNnError } from '@lxmls/nn';
 * try {
 *   new Linear(0, 4);
 * } catch (e) {
 *   console.log(LxmlsNnError.isInstance(e) && e.code); // → INVALID_ARGUMENT
 *   console.log((e as Error).message); // → [@lxmls/nn] Linear: inFeatures must be a positive integer. Expected an integer ≥ 1, received 0.
 * }
 * ```
 */
export class LxmlsNnError extends Error {
  override readonly name = 'LxmlsNnError';
  /** The stable error code. */
  readonly code: NnErrorCode;
  /** The function that failed. */
  readonly fn: string;
  /** The argument or key at fault, if one is. */
  readonly argument: string | undefined;
  /** What was expected, in words. */
  readonly expected: string | undefined;
  /** What was received, described for a human. */
  readonly received: string | undefined;
  readonly [MARKER] = true;

  /**
   * Builds the message `[@lxmls/nn] fn: what. Expected X, received Y.` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation and received value.
   */
  constructor(code: NnErrorCode, what: string, details: NnErrorDetails) {
    let message = `[@lxmls/nn] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsNnError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsNnError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsNnError'
    );
  }
}

/** Throws `INVALID_ARGUMENT` unless `value` is an integer ≥ `min`. */
export function expectInteger(
  fn: string,
  argument: string,
  value: unknown,
  min = 1,
): asserts value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  throw new LxmlsNnError(
    'INVALID_ARGUMENT',
    `${argument} must be a ${min === 1 ? 'positive' : 'non-negative'} integer`,
    {
      fn,
      argument,
      expected: `an integer ≥ ${min}`,
      received:
        typeof value === 'number' ? String(value) : `${typeof value} ${JSON.stringify(value) ?? ''}`.trim(),
    },
  );
}

/** Throws `INVALID_ARGUMENT` unless `p` is a probability in [0, 1). */
export function expectProbability(fn: string, argument: string, p: unknown): asserts p is number {
  if (typeof p === 'number' && p >= 0 && p < 1) return;
  throw new LxmlsNnError('INVALID_ARGUMENT', `${argument} must be a probability`, {
    fn,
    argument,
    expected: 'a number in [0, 1)',
    received: String(p),
  });
}
