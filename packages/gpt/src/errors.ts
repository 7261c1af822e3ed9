/**
 * Errors of @lxmls/gpt: one class, {@link LxmlsGptError}, with a stable `code`, made by
 * @lxmls/base's `defineError` (received values cut to 200 characters, a hint after the message).
 *
 * Messages follow the project's format: `[@lxmls/gpt] fn: what failed. Expected X, received Y.` Where the
 * Python toolkit raised a bare `KeyError` or `AssertionError` (an unknown model type, a config with both a
 * model type and sizes, a sequence longer than the block size), this package says what was wrong and how to
 * fix it.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/gpt.
 *
 * - `INVALID_CONFIG`: a config the GPT cannot be built from (missing sizes, model type and sizes both given).
 * - `INVALID_ARGUMENT`: an argument out of range (a top-k larger than the vocabulary, a non-integer count).
 * - `SEQUENCE_TOO_LONG`: a forward pass over more positions than the block size.
 * - `UNKNOWN_MODEL`: a model type or checkpoint name that is not known.
 * - `CHECKPOINT_MISMATCH`: a checkpoint whose tensors do not fit the model (names or shapes).
 * - `INVALID_CHECKPOINT`: a checkpoint folder or file that is unreadable or malformed.
 * - `DOWNLOAD_FAILED`: a checkpoint download that failed (HTTP status, network error).
 * - `NOT_FOUND`: a file or folder that does not exist.
 * - `TOO_LARGE`: a training run whose estimated memory exceeds what the runtime can hold (checked before
 *   building the model).
 * - `NOT_FINITE`: logits that are NaN or ±Infinity (weights or activations that overflowed): generation stops
 *   rather than emit token 0 forever.
 */
export type GptErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_ARGUMENT'
  | 'SEQUENCE_TOO_LONG'
  | 'UNKNOWN_MODEL'
  | 'CHECKPOINT_MISMATCH'
  | 'INVALID_CHECKPOINT'
  | 'DOWNLOAD_FAILED'
  | 'NOT_FOUND'
  | 'TOO_LARGE'
  | 'NOT_FINITE';

/** Fields of a {@link LxmlsGptError} besides its message (`hint`: a hint or a correct example, appended). */
export type GptErrorDetails = ErrorDetails;

/**
 * The error thrown by every function of @lxmls/gpt.
 *
 * Check it with `LxmlsGptError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { GPT, LxmlsGptError } from '@lxmls/gpt';
 * try {
 *   new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-huge', vocabSize: 8, blockSize: 11 });
 * } catch (e) {
 *   console.log(LxmlsGptError.isInstance(e) && e.code); // → UNKNOWN_MODEL
 * }
 * ```
 */
export class LxmlsGptError extends defineError<GptErrorCode>('@lxmls/gpt', 'LxmlsGptError', {
  maxReceived: 200,
}) {}

/** @internal The validation helpers of @lxmls/gpt: they throw {@link LxmlsGptError}. */
export const check: Checks<GptErrorCode> = checks(LxmlsGptError, 'INVALID_ARGUMENT');
