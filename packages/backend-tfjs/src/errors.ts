/**
 * Errors of @lxmls/backend-tfjs: one class, {@link LxmlsBackendTfjsError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/backend-tfjs] fn: what failed. Expected X, received Y.`
 * Kernel-level input errors (an id out of range, a bad target) are thrown as `@lxmls/tensor`'s own
 * `LxmlsTensorError`, exactly as the `js` reference backend throws them.
 */

/**
 * Stable error codes of @lxmls/backend-tfjs: `MISSING_DEPENDENCY` (a TensorFlow.js package is not installed),
 * `BACKEND_UNAVAILABLE` (the package is there but the engine cannot start here, e.g. no WebGL or no WebGPU
 * adapter), `INVALID_ARGUMENT`.
 */
export type BackendTfjsErrorCode = 'MISSING_DEPENDENCY' | 'BACKEND_UNAVAILABLE' | 'INVALID_ARGUMENT';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsBackendTfjsError} besides its message. */
export interface BackendTfjsErrorDetails {
  /** The function that failed, e.g. `createTfjsBackend`. */
  fn: string;
  /** The argument at fault, e.g. `backend`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

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
export class LxmlsBackendTfjsError extends Error {
  override readonly name = 'LxmlsBackendTfjsError';
  readonly code: BackendTfjsErrorCode;
  readonly fn: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  readonly [MARKER] = true;

  constructor(code: BackendTfjsErrorCode, what: string, details: BackendTfjsErrorDetails) {
    let message = `[@lxmls/backend-tfjs] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsBackendTfjsError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsBackendTfjsError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsBackendTfjsError'
    );
  }
}
