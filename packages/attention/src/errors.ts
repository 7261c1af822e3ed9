/**
 * Errors of @lxmls/attention: one class, {@link LxmlsAttentionError}, with a stable `code`,
 * made by @lxmls/base's `defineError`, and the package's validation helpers (`check`), which throw it.
 *
 * Messages follow the project's format: `[@lxmls/attention] fn: what failed. Expected X, received Y.`, with the
 * shapes involved, so a learner sees at once which of q, k, v or the mask did not fit.
 */

import { type Checks, checks, defineError, type ErrorDetails, formatShape } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/attention.
 *
 * - `INVALID_ARGUMENT`: a size, probability or option that the function does not take.
 * - `SHAPE_MISMATCH`: inputs whose shapes do not fit together (all shapes are named).
 * - `SEQUENCE_TOO_LONG`: more positions than the causal mask buffer (`blockSize`) covers.
 */
export type AttentionErrorCode = 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'SEQUENCE_TOO_LONG';

/** Fields of a {@link LxmlsAttentionError} besides its message. */
export type AttentionErrorDetails = ErrorDetails;

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
export class LxmlsAttentionError extends defineError<AttentionErrorCode>(
  '@lxmls/attention',
  'LxmlsAttentionError',
) {}

/** @internal The validation helpers of @lxmls/attention: they throw {@link LxmlsAttentionError}. */
export const check: Checks<AttentionErrorCode> = checks(LxmlsAttentionError, 'INVALID_ARGUMENT');

/** `(2, 3)`: a shape as the messages print it. */
export const shapeText = (shape: readonly number[]): string => formatShape(shape);

/** Throws `INVALID_ARGUMENT` unless `value` is an integer ≥ `min`. */
export function expectInteger(
  fn: string,
  argument: string,
  value: unknown,
  min = 1,
): asserts value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  const what = `${argument} must be a ${min === 1 ? 'positive' : 'non-negative'} integer`;
  check.fail(fn, argument, value, what, `an integer ≥ ${min}`, { received: String(value) });
}

/** Throws `INVALID_ARGUMENT` unless `p` is a probability in [0, 1). */
export function expectProbability(fn: string, argument: string, p: unknown): asserts p is number {
  if (typeof p === 'number' && p >= 0 && p < 1) return;
  check.fail(fn, argument, p, `${argument} must be a probability`, 'a number in [0, 1)', {
    received: String(p),
  });
}
