/**
 * Errors of @lxmls/bert: one class, {@link LxmlsBertError}, with a stable `code`, made by
 * @lxmls/base's `defineError`, and the package's validation helpers (`check`), which throw it.
 *
 * Messages follow the project's format: `[@lxmls/bert] fn: what failed. Expected X, received Y.` Echoed input
 * is cut to 200 characters so a huge argument never floods a terminal.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

export { describeValue as describe } from '@lxmls/base';

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
 * - `INVALID_WEIGHTS`: a `model.safetensors` that cannot be read, or whose weights are not finite (NaN or
 *   ±Infinity: the tensor and the index are named).
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
  | 'FILE_NOT_FOUND'
  | 'INVALID_WEIGHTS';

/** Fields of a {@link LxmlsBertError} besides its message. */
export type BertErrorDetails = ErrorDetails;

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
export class LxmlsBertError extends defineError<BertErrorCode>('@lxmls/bert', 'LxmlsBertError') {}

/** @internal The validation helpers of @lxmls/bert: they throw {@link LxmlsBertError}. */
export const check: Checks<BertErrorCode> = checks(LxmlsBertError, 'INVALID_ARGUMENT');

/** @internal Throws `INVALID_ARGUMENT` unless `value` is a string. */
export function expectString(value: unknown, fn: string, argument = 'text'): asserts value is string {
  check.string(fn, argument, value);
}

/** @internal Throws `INVALID_ARGUMENT` unless `value` is a boolean. */
export function expectBoolean(value: unknown, fn: string, argument: string): asserts value is boolean {
  if (typeof value !== 'boolean')
    check.fail(fn, argument, value, `${argument} must be a boolean`, 'true or false');
}

/**
 * @internal `json` parsed when it is text, else `json` as it is; text that is not JSON throws `code` with `what`
 * and `expected`, naming the argument `json`.
 */
export function parseJsonArgument(
  json: string | object,
  fn: string,
  what: string,
  expected: string,
  code: BertErrorCode,
): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json);
  } catch (cause) {
    return check.fail(fn, 'json', json, what, expected, { code, cause });
  }
}
