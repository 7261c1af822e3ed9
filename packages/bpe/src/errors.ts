/**
 * Errors of @lxmls/bpe: one class, {@link LxmlsBpeError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/bpe] fn: what failed. Expected X, received Y.`
 * Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

/** Stable error codes of @lxmls/bpe. */
export type BpeErrorCode = 'INVALID_ARGUMENT' | 'UNKNOWN_TOKEN' | 'INVALID_VOCABULARY' | 'UNSUPPORTED_FORMAT';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsBpeError} besides its message. */
export interface BpeErrorDetails {
  /** The function that failed, e.g. `Encoder.decode`. */
  fn: string;
  /** The argument at fault, e.g. `ids`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/bpe.
 *
 * Check it with `LxmlsBpeError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { decode, LxmlsBpeError } from '@lxmls/bpe';
 * try {
 *   decode([15496, 99999]);
 * } catch (e) {
 *   console.log(LxmlsBpeError.isInstance(e) && e.code); // → UNKNOWN_TOKEN
 * }
 * ```
 */
export class LxmlsBpeError extends Error {
  override readonly name = 'LxmlsBpeError';
  readonly code: BpeErrorCode;
  readonly fn: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  readonly [MARKER] = true;

  constructor(code: BpeErrorCode, what: string, details: BpeErrorDetails) {
    let message = `[@lxmls/bpe] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsBpeError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsBpeError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsBpeError'
    );
  }
}

/** Describes a received value for an error message: its type, and the value itself cut to 200 characters. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'bigint') return `bigint ${String(value)}n`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object') return `object ${truncate(Object.prototype.toString.call(value))}`;
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}

/** Throws `INVALID_ARGUMENT` unless `value` is a string: `[@lxmls/bpe] fn: argument must be a string. ...` */
export function expectString(value: unknown, fn: string, argument = 'text'): asserts value is string {
  if (typeof value === 'string') return;
  throw new LxmlsBpeError('INVALID_ARGUMENT', `${argument} must be a string`, {
    fn,
    argument,
    expected: 'a string',
    received: describe(value),
  });
}
