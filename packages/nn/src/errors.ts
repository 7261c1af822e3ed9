/**
 * Errors of @lxmls/nn: one class, {@link LxmlsNnError}, with a stable `code`, made by
 * @lxmls/base's `defineError`, and the package's validation helpers (`check`), which throw it.
 *
 * Messages follow the project's format: `[@lxmls/nn] fn: what failed. Expected X, received Y.` A state dict that
 * does not fit a model names the key and both shapes; a broken safetensors file names the byte offset at fault.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

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

/** Fields of a {@link LxmlsNnError} besides its message. */
export type NnErrorDetails = ErrorDetails;

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
export class LxmlsNnError extends defineError<NnErrorCode>('@lxmls/nn', 'LxmlsNnError') {}

/** @internal The validation helpers of @lxmls/nn: they throw {@link LxmlsNnError}. */
export const check: Checks<NnErrorCode> = checks(LxmlsNnError, 'INVALID_ARGUMENT');
