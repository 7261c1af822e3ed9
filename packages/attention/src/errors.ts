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
