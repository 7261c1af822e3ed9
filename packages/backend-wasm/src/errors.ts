/**
 * Errors of @lxmls/backend-wasm: one class, {@link LxmlsBackendWasmError}, with a stable `code`, made by
 * @lxmls/base's `defineError` (the project's error format), and the package's validation helpers (`check`).
 *
 * Messages follow the project's format: `[@lxmls/backend-wasm] fn: what failed. Expected X, received Y.`
 * Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

export { describeValue as describe } from '@lxmls/base';

/** Stable error codes of @lxmls/backend-wasm. */
export type BackendWasmErrorCode =
  /** A size, flag or option of the wrong type or range. */
  | 'INVALID_ARGUMENT'
  /** A pointer that is not inside a live allocation, or whose allocation is too small for the shape. */
  | 'OUT_OF_BOUNDS'
  /** A target of cross-entropy outside [0, classes) and not the ignore index −1. */
  | 'INVALID_TARGET'
  /** `free` of a pointer that is not a live allocation. */
  | 'INVALID_FREE'
  /** The memory cannot grow further. */
  | 'OUT_OF_MEMORY'
  /** The JavaScript engine has no WebAssembly SIMD (or no WebAssembly). */
  | 'NO_SIMD'
  /** A part of a kernel call threw in the backend's worker thread. */
  | 'THREAD_FAILED';

/** Fields of a {@link LxmlsBackendWasmError} besides its message. */
export type BackendWasmErrorDetails = ErrorDetails;

/**
 * The error thrown by every function of @lxmls/backend-wasm.
 *
 * Check it with `LxmlsBackendWasmError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { createWasmKernels, LxmlsBackendWasmError } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const a = k.alloc(6);
 * try {
 *   k.matmul(a, a, a, 2, 3, 4); // B would need 12 floats
 * } catch (e) {
 *   console.log(LxmlsBackendWasmError.isInstance(e) && e.code); // → OUT_OF_BOUNDS
 * }
 * ```
 */
export class LxmlsBackendWasmError extends defineError<BackendWasmErrorCode>(
  '@lxmls/backend-wasm',
  'LxmlsBackendWasmError',
) {}

/** @internal The validation helpers of @lxmls/backend-wasm: they throw {@link LxmlsBackendWasmError}. */
export const check: Checks<BackendWasmErrorCode> = checks(LxmlsBackendWasmError, 'INVALID_ARGUMENT');

/** Throws `INVALID_ARGUMENT` unless `value` is a non-negative safe integer. */
export function expectSize(value: unknown, fn: string, argument: string): asserts value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  check.fail(fn, argument, value, `${argument} must be a non-negative integer`, 'a non-negative integer');
}
