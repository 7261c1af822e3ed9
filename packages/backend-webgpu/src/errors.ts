/**
 * Errors of @lxmls/backend-webgpu: one class, {@link LxmlsBackendWebgpuError}, with a stable `code`, made
 * by @lxmls/base's `defineError` (as @lxmls/backend-tfjs's).
 *
 * Messages follow the project's format: `[@lxmls/backend-webgpu] fn: what failed. Expected X, received Y.`
 * Kernel-level input errors (an id out of range, a bad target) are thrown as `@lxmls/tensor`'s own
 * `LxmlsTensorError`, exactly as the `js` reference backend throws them.
 */

import { defineError, type ErrorDetails } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/backend-webgpu: `BACKEND_UNAVAILABLE` (no `navigator.gpu`, no adapter, or
 * the device could not be created or was lost), `UNSUPPORTED` (a read or a size this environment or device
 * cannot do), `INVALID_ARGUMENT`.
 */
export type BackendWebgpuErrorCode = 'BACKEND_UNAVAILABLE' | 'UNSUPPORTED' | 'INVALID_ARGUMENT';

/** Fields of a {@link LxmlsBackendWebgpuError} besides its message. */
export type BackendWebgpuErrorDetails = ErrorDetails;

/**
 * The error thrown by @lxmls/backend-webgpu.
 *
 * Check it with `LxmlsBackendWebgpuError.isInstance(e)`, which works across duplicated installs, and branch
 * on `e.code`.
 *
 * @example
 * ```ts
 * import { createWebGpuBackend, LxmlsBackendWebgpuError } from '@lxmls/backend-webgpu';
 * try {
 *   await createWebGpuBackend({ gpu: null }); // as in Node, where there is no navigator.gpu
 * } catch (e) {
 *   console.log(LxmlsBackendWebgpuError.isInstance(e) && e.code); // → BACKEND_UNAVAILABLE
 * }
 * ```
 */
export class LxmlsBackendWebgpuError extends defineError<BackendWebgpuErrorCode>(
  '@lxmls/backend-webgpu',
  'LxmlsBackendWebgpuError',
) {}
