/**
 * Errors of @lxmls/backend-tfjs: one class, {@link LxmlsBackendTfjsError}, with a stable `code`,
 * made by @lxmls/base's `defineError`.
 *
 * Messages follow the project's format: `[@lxmls/backend-tfjs] fn: what failed. Expected X, received Y.`
 * Kernel-level input errors (an id out of range, a bad target) are thrown as `@lxmls/tensor`'s own
 * `LxmlsTensorError`, exactly as the `js` reference backend throws them.
 */

import { defineError, type ErrorDetails } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/backend-tfjs: `MISSING_DEPENDENCY` (a TensorFlow.js package is not installed),
 * `BACKEND_UNAVAILABLE` (the package is there but the engine cannot start here, e.g. no WebGL or no WebGPU
 * adapter), `INVALID_ARGUMENT`.
 */
export type BackendTfjsErrorCode = 'MISSING_DEPENDENCY' | 'BACKEND_UNAVAILABLE' | 'INVALID_ARGUMENT';

/** Fields of a {@link LxmlsBackendTfjsError} besides its message. */
export type BackendTfjsErrorDetails = ErrorDetails;

/**
 * The error thrown by @lxmls/backend-tfjs.
 *
 * Check it with `LxmlsBackendTfjsError.isInstance(e)`, which works across duplicated installs, and branch on
 * `e.code`.
 *
 * @example
 * ```ts
 * import { createTfjsBackend, LxmlsBackendTfjsError } from '@lxmls/backend-tfjs';
 * try {
 *   await createTfjsBackend({ backend: 'cuda' as 'cpu' });
 * } catch (e) {
 *   console.log(LxmlsBackendTfjsError.isInstance(e) && e.code); // → INVALID_ARGUMENT
 * }
 * ```
 */
export class LxmlsBackendTfjsError extends defineError<BackendTfjsErrorCode>(
  '@lxmls/backend-tfjs',
  'LxmlsBackendTfjsError',
) {}
