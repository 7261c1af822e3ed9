/**
 * Errors of @lxmls/bpe: one class, {@link LxmlsBpeError}, with a stable `code`, made by @lxmls/base's
 * `defineError`, and the package's validation helpers (`check`), which throw it.
 *
 * Messages follow the project's format: `[@lxmls/bpe] fn: what failed. Expected X, received Y.`
 * Echoed input is cut to 200 characters (`describe`) so a huge argument never floods a terminal.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

export { describeValue as describe } from '@lxmls/base';

/** Stable error codes of @lxmls/bpe. */
export type BpeErrorCode = 'INVALID_ARGUMENT' | 'UNKNOWN_TOKEN' | 'INVALID_VOCABULARY' | 'UNSUPPORTED_FORMAT';

/** Fields of a {@link LxmlsBpeError} besides its message. */
export type BpeErrorDetails = ErrorDetails;

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
export class LxmlsBpeError extends defineError<BpeErrorCode>('@lxmls/bpe', 'LxmlsBpeError') {}

/** @internal The validation helpers of @lxmls/bpe (`check.that`, `check.integer`, …): they throw {@link LxmlsBpeError}. */
export const check: Checks<BpeErrorCode> = checks(LxmlsBpeError, 'INVALID_ARGUMENT');

/** Throws `INVALID_ARGUMENT` unless `value` is a string: `[@lxmls/bpe] fn: argument must be a string. ...` */
export function expectString(value: unknown, fn: string, argument = 'text'): asserts value is string {
  check.string(fn, argument, value);
}
