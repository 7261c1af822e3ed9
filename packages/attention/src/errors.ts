/**
 * Errors of @lxmls/attention: one class, {@link LxmlsAttentionError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/attention] fn: what failed. Expected X, received Y.`, with the
 * shapes involved, so a learner sees at once which of q, k, v or the mask did not fit.
 */

/**
 * Stable error codes of @lxmls/attention.
 *
 * - `INVALID_ARGUMENT`: a size, probability or option that the function does not take.
 * - `SHAPE_MISMATCH`: inputs whose shapes do not fit together (all shapes are named).
 * - `SEQUENCE_TOO_LONG`: more positions than the causal mask buffer (`blockSize`) covers.
 */
export type AttentionErrorCode = 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'SEQUENCE_TOO_LONG';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsAttentionError} besides its message. */
export interface AttentionErrorDetails {
  /** The function that failed, e.g. `scaledDotProductAttention`. */
  fn: string;
  /** The argument at fault. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/attention.
 *
 * Check it with `LxmlsAttentionError.isInstance(e)`, which works across duplicated installs, and branch on
 * `e.code`.
 *
 * @example
 * ```ts
 * import { causalMask, LxmlsAttentionError } from '@lxmls/attention';
 * try {
 *   causalMask(0);
 * } catch (e) {
 *   console.log(LxmlsAttentionError.isInstance(e) && e.code); // → INVALID_ARGUMENT
 *   console.log((e as Error).message); // → [@lxmls/attention] causalMask: T must be a positive integer. Expected an integer ≥ 1, received 0.
 * }
 * ```
 */
export class LxmlsAttentionError extends Error {
  override readonly name = 'LxmlsAttentionError';
  /** The stable error code. */
  readonly code: AttentionErrorCode;
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
   * Builds the message `[@lxmls/attention] fn: what. Expected X, received Y.` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation and received value.
   */
  constructor(code: AttentionErrorCode, what: string, details: AttentionErrorDetails) {
    let message = `[@lxmls/attention] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsAttentionError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsAttentionError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsAttentionError'
    );
  }
}

/** `(2, 3)`: a shape as the messages print it. */
export const shapeText = (shape: readonly number[]): string => `(${shape.join(', ')})`;

/** Throws `INVALID_ARGUMENT` unless `value` is an integer ≥ `min`. */
export function expectInteger(
  fn: string,
  argument: string,
  value: unknown,
  min = 1,
): asserts value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  throw new LxmlsAttentionError(
    'INVALID_ARGUMENT',
    `${argument} must be a ${min === 1 ? 'positive' : 'non-negative'} integer`,
    { fn, argument, expected: `an integer ≥ ${min}`, received: String(value) },
  );
}

/** Throws `INVALID_ARGUMENT` unless `p` is a probability in [0, 1). */
export function expectProbability(fn: string, argument: string, p: unknown): asserts p is number {
  if (typeof p === 'number' && p >= 0 && p < 1) return;
  throw new LxmlsAttentionError('INVALID_ARGUMENT', `${argument} must be a probability`, {
    fn,
    argument,
    expected: 'a number in [0, 1)',
    received: String(p),
  });
}
