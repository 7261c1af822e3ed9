/**
 * Errors of @lxmls/models: one class, {@link LxmlsModelsError}, with a stable `code`, in the project's message
 * format `[@lxmls/models] fn: what failed. Expected X, received Y.`
 */

/**
 * Stable error codes of @lxmls/models.
 *
 * - `UNKNOWN_MODEL`: a name that is not one of {@link MODELS}.
 */
export type ModelsErrorCode = 'UNKNOWN_MODEL';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsModelsError} besides its message. */
export interface ModelsErrorDetails {
  /** The function that failed, e.g. `modelUrl`. */
  fn: string;
  /** The argument at fault. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, described for a human. */
  received?: string;
}

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
export class LxmlsModelsError extends Error {
  override readonly name = 'LxmlsModelsError';
  /** The stable error code. */
  readonly code: ModelsErrorCode;
  /** The function that failed. */
  readonly fn: string;
  /** The argument at fault, if one is. */
  readonly argument: string | undefined;
  readonly [MARKER] = true;

  /**
   * Builds the message `[@lxmls/models] fn: what. Expected X, received Y.`
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation and received value.
   */
  constructor(code: ModelsErrorCode, what: string, details: ModelsErrorDetails) {
    let message = `[@lxmls/models] ${details.fn}: ${what}.`;
    if (details.expected !== undefined) message += ` Expected ${details.expected}`;
    if (details.received !== undefined) {
      message +=
        details.expected !== undefined ? `, received ${details.received}.` : ` Received ${details.received}.`;
    } else if (details.expected !== undefined) message += '.';
    super(message);
    this.code = code;
    this.fn = details.fn;
    this.argument = details.argument;
  }

  /** True for any {@link LxmlsModelsError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsModelsError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsModelsError'
    );
  }
}
