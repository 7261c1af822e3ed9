/**
 * Errors of @lxmls/tensor: one class, {@link LxmlsTensorError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/tensor] op: what failed. Expected X, received Y.`, naming the
 * op and, for shape errors, every shape involved (as tfjs does for matMul), so a learner sees at once which
 * tensor was wrong.
 */

/** Stable error codes of @lxmls/tensor. */
export type TensorErrorCode =
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'DISPOSED'
  | 'UNKNOWN_BACKEND'
  | 'BACKEND_MISMATCH'
  | 'BACKEND_NOT_READY'
  | 'MISSING_CAPABILITY'
  | 'NOT_IMPLEMENTED'
  | 'INVALID_ARGUMENT';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsTensorError} besides its message. */
export interface TensorErrorDetails {
  /** The op or function that failed, e.g. `matmul`. */
  fn: string;
  /** The argument at fault, e.g. `axis`. */
  argument?: string;
  /** What the op expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/tensor.
 *
 * Check it with `LxmlsTensorError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { LxmlsTensorError, matmul, zeros } from '@lxmls/tensor';
 * try {
 *   matmul(zeros([2, 3]), zeros([4, 5]));
 * } catch (e) {
 *   console.log(LxmlsTensorError.isInstance(e) && e.code); // → SHAPE_MISMATCH
 *   console.log((e as Error).message); // → [@lxmls/tensor] matmul: inner dimensions differ. Expected a (…, M, K) @ (…, K, N), received (2, 3) and (4, 5).
 * }
 * ```
 */
export class LxmlsTensorError extends Error {
  override readonly name = 'LxmlsTensorError';
  readonly code: TensorErrorCode;
  readonly fn: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  readonly [MARKER] = true;

  constructor(code: TensorErrorCode, what: string, details: TensorErrorDetails) {
    let message = `[@lxmls/tensor] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsTensorError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsTensorError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsTensorError'
    );
  }
}

/**
 * Formats a shape as tuple text for messages: `(2, 3)`, `(5)`, `()` for a scalar.
 *
 * @param shape - The shape.
 * @returns The text.
 * @example
 * ```ts
 * import { formatShape } from '@lxmls/tensor';
 * console.log(formatShape([2, 3]), formatShape([])); // → (2, 3) ()
 * ```
 */
export function formatShape(shape: readonly number[]): string {
  return `(${shape.join(', ')})`;
}

/** Throws `INVALID_ARGUMENT` with the given text unless `condition` holds; the message is built lazily. */
export function check(
  condition: boolean,
  fn: string,
  what: () => string,
  expected?: () => string,
  received?: () => string,
  argument?: string,
): asserts condition {
  if (condition) return;
  throw new LxmlsTensorError('INVALID_ARGUMENT', what(), {
    fn,
    ...(argument === undefined ? {} : { argument }),
    ...(expected === undefined ? {} : { expected: expected() }),
    ...(received === undefined ? {} : { received: received() }),
  });
}
