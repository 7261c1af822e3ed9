/**
 * Errors of @lxmls/bert: one class, {@link LxmlsBertError}, with a stable `code`.
 *
 * Messages follow the project's format: `[@lxmls/bert] fn: what failed. Expected X, received Y.` Echoed input
 * is cut to 200 characters so a huge argument never floods a terminal.
 */

/**
 * Stable error codes of @lxmls/bert.
 *
 * - `INVALID_ARGUMENT`: an argument or option of the wrong type or out of range.
 * - `INVALID_VOCABULARY`: a `vocab.txt` or vocabulary without a token the tokenizer needs (e.g. `[UNK]`).
 * - `UNSUPPORTED_TOKENIZER`: a `tokenizer.json` that is not a BERT WordPiece tokenizer, or is not JSON.
 * - `UNKNOWN_ID`: an id outside the vocabulary (decoding).
 * - `INVALID_CONFIG`: a `config.json` that is not a BERT config this package runs (a field is named).
 * - `SHAPE_MISMATCH`: inputs whose shapes do not fit, or a checkpoint tensor of another shape (key and both
 *   shapes are named).
 * - `MISSING_KEY` / `UNEXPECTED_KEY`: a checkpoint without a weight the model needs, or with one it lacks.
 * - `SEQUENCE_TOO_LONG`: more tokens than `max_position_embeddings`.
 * - `FILE_NOT_FOUND`: a folder without `config.json`, the weights or a vocabulary.
 */
export type BertErrorCode =
  | 'INVALID_ARGUMENT'
  | 'INVALID_VOCABULARY'
  | 'UNSUPPORTED_TOKENIZER'
  | 'UNKNOWN_ID'
  | 'INVALID_CONFIG'
  | 'SHAPE_MISMATCH'
  | 'MISSING_KEY'
  | 'UNEXPECTED_KEY'
  | 'SEQUENCE_TOO_LONG'
  | 'FILE_NOT_FOUND';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsBertError} besides its message. */
export interface BertErrorDetails {
  /** The function that failed, e.g. `BertTokenizer.decode`. */
  fn: string;
  /** The argument (or checkpoint key, or config field) at fault. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/bert.
 *
 * Check it with `LxmlsBertError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { BertTokenizer, LxmlsBertError } from '@lxmls/bert';
 * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n');
 * try {
 *   tokenizer.decode([4, 99]);
 * } catch (e) {
 *   console.log(LxmlsBertError.isInstance(e) && e.code); // → UNKNOWN_ID
 *   console.log((e as Error).message); // → [@lxmls/bert] BertTokenizer.decode: ids[1] is not a token id. Expected an integer in [0, 5), received number 99.
 * }
 * ```
 */
export class LxmlsBertError extends Error {
  override readonly name = 'LxmlsBertError';
  /** The stable error code. */
  readonly code: BertErrorCode;
  /** The function that failed. */
  readonly fn: string;
  /** The argument, key or field at fault, if one is. */
  readonly argument: string | undefined;
  /** What was expected, in words. */
  readonly expected: string | undefined;
  /** What was received, described for a human. */
  readonly received: string | undefined;
  readonly [MARKER] = true;

  /**
   * Builds the message `[@lxmls/bert] fn: what. Expected X, received Y.` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation and received value.
   */
  constructor(code: BertErrorCode, what: string, details: BertErrorDetails) {
    let message = `[@lxmls/bert] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsBertError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsBertError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsBertError'
    );
  }
}

/** @internal Describes a received value for an error message: its type, and the value cut to 200 characters. */
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

/** @internal Throws `INVALID_ARGUMENT` unless `value` is a string. */
export function expectString(value: unknown, fn: string, argument = 'text'): asserts value is string {
  if (typeof value === 'string') return;
  throw new LxmlsBertError('INVALID_ARGUMENT', `${argument} must be a string`, {
    fn,
    argument,
    expected: 'a string',
    received: describe(value),
  });
}

/** @internal Throws `INVALID_ARGUMENT` unless `value` is a boolean. */
export function expectBoolean(value: unknown, fn: string, argument: string): asserts value is boolean {
  if (typeof value === 'boolean') return;
  throw new LxmlsBertError('INVALID_ARGUMENT', `${argument} must be a boolean`, {
    fn,
    argument,
    expected: 'true or false',
    received: describe(value),
  });
}

/** @internal Throws `INVALID_ARGUMENT` unless `value` is an integer ≥ `min`. */
export function expectInteger(
  value: unknown,
  fn: string,
  argument: string,
  min = 1,
): asserts value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
  throw new LxmlsBertError(
    'INVALID_ARGUMENT',
    `${argument} must be a ${min === 1 ? 'positive' : 'non-negative'} integer`,
    { fn, argument, expected: `an integer ≥ ${min}`, received: describe(value) },
  );
}
