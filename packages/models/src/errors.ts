/**
 * Errors of @lxmls/models: one class, {@link LxmlsModelsError}, with a stable `code`, made by @lxmls/base's
 * `defineError`, in the project's message format `[@lxmls/models] fn: what failed. Expected X, received Y.`
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/models.
 *
 * - `UNKNOWN_MODEL`: a name that is not one of {@link MODELS}.
 */
export type ModelsErrorCode = 'UNKNOWN_MODEL';

/** Fields of a {@link LxmlsModelsError} besides its message. */
export type ModelsErrorDetails = ErrorDetails;

/**
 * The error thrown by @lxmls/models. Check it with `LxmlsModelsError.isInstance(e)` (works across duplicated
 * installs) and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { LxmlsModelsError, modelUrl } from '@lxmls/models';
 * try {
 *   modelUrl('gpt2');
 * } catch (e) {
 *   console.log(LxmlsModelsError.isInstance(e) && e.code); // → UNKNOWN_MODEL
 * }
 * ```
 */
export class LxmlsModelsError extends defineError<ModelsErrorCode>('@lxmls/models', 'LxmlsModelsError') {}

/** @internal The validation helpers of @lxmls/models: they throw {@link LxmlsModelsError}. */
export const check: Checks<ModelsErrorCode> = checks(LxmlsModelsError, 'UNKNOWN_MODEL');
