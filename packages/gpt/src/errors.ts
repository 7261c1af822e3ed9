/**
 * Errors of @lxmls/gpt: one class, {@link LxmlsGptError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/gpt] fn: what failed. Expected X, received Y.` Where the
 * Python toolkit raised a bare `KeyError` or `AssertionError` (an unknown model type, a config with both a
 * model type and sizes, a sequence longer than the block size), this package says what was wrong and how to
 * fix it.
 */

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
 */
export type GptErrorCode =
  | 'INVALID_CONFIG'
  | 'INVALID_ARGUMENT'
  | 'SEQUENCE_TOO_LONG'
  | 'UNKNOWN_MODEL'
  | 'CHECKPOINT_MISMATCH'
  | 'INVALID_CHECKPOINT'
  | 'DOWNLOAD_FAILED'
  | 'NOT_FOUND';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsGptError} besides its message. */
export interface GptErrorDetails {
  /** The function that failed, e.g. `GPT.forward`. */
  fn: string;
  /** The argument (or config key, or checkpoint key) at fault. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human (echoed input is cut to 200 characters). */
  received?: string;
  /** A hint or a correct example, appended after the message. */
  hint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

const cut = (text: string) => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

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
export class LxmlsGptError extends Error {
  override readonly name = 'LxmlsGptError';
  /** The stable error code. */
  readonly code: GptErrorCode;
  /** The function that failed. */
  readonly fn: string;
  /** The argument or key at fault, if one is. */
  readonly argument: string | undefined;
  /** What was expected, in words. */
  readonly expected: string | undefined;
  /** What was received, described for a human. */
  readonly received: string | undefined;
  readonly [MARKER] = true;

  /**
   * Builds the message `[@lxmls/gpt] fn: what. Expected X, received Y. Hint` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation, received value, hint and cause.
   */
  constructor(code: GptErrorCode, what: string, details: GptErrorDetails) {
    const received = details.received === undefined ? undefined : cut(details.received);
    let message = `[@lxmls/gpt] ${details.fn}: ${what}.`;
    if (details.expected !== undefined) message += ` Expected ${details.expected}`;
    if (received !== undefined) {
      message += details.expected !== undefined ? `, received ${received}.` : ` Received ${received}.`;
    } else if (details.expected !== undefined) message += '.';
    if (details.hint !== undefined) message += ` ${details.hint}`;
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.fn = details.fn;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = received;
  }

  /** True for any {@link LxmlsGptError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsGptError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsGptError'
    );
  }
}
