/**
 * The error-class factory of the @lxmls packages: {@link defineError} gives each package its own error class
 * (`LxmlsBpeError`, `LxmlsNnError`, …) with its stable codes, the project's message format and an
 * `isInstance` that works across duplicated installs of a package.
 *
 * The message format is the project's (docs/architecture.md, "Conventions"):
 * `[@lxmls/pkg] fn: what failed. Expected X, received Y.` The brand that `isInstance` checks is the
 * registry symbol `Symbol.for('lxmls.error')` set to `true` on the instance, plus the error's `name`, so an
 * error made by another copy of a package (or by a release before this factory) is still recognised.
 */

const BRAND = Symbol.for('lxmls.error');

/** Fields of an `@lxmls` error besides its message: what the message is built from. */
export interface ErrorDetails {
  /** The function that failed, e.g. `Encoder.decode`. */
  fn: string;
  /** The argument (or key, or field) at fault, e.g. `ids[3]`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human (see {@link describeValue}). */
  received?: string;
  /** A hint or a correct example, appended after the message. */
  hint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** Options of {@link defineError}. */
export interface DefineErrorOptions {
  /** Cut `received` to this many characters (then `…`) before it enters the message; default: no cut. */
  maxReceived?: number;
  /** The message is `what` as given, without the `[pkg] fn:` prefix (the CLI's one-line errors). */
  plain?: boolean;
  /**
   * Applied to `what`, `expected`, `received` and `hint` before they enter the message and the fields, e.g. to
   * remove credentials from a URL (@lxmls/hub's `redactText`).
   */
  redact?: (text: string) => string;
}

/**
 * An error of an `@lxmls` package: the instance side of a class made by {@link defineError}.
 *
 * @example
 * ```ts
 * import { defineError, type LxmlsError } from '@lxmls/base';
 * class DemoError extends defineError<'BAD'>('@lxmls/demo', 'DemoError') {}
 * const e: LxmlsError<'BAD'> = new DemoError('BAD', 'x is wrong', { fn: 'f', argument: 'x' });
 * console.log(e.code, e.fn, e.argument); // → BAD f x
 * ```
 */
export interface LxmlsError<Code extends string = string> extends Error {
  /** The stable error code. */
  readonly code: Code;
  /** The function that failed. */
  readonly fn: string;
  /** What failed, without the final period: the message's first part. */
  readonly what: string;
  /** The argument, key or field at fault, if one is. */
  readonly argument: string | undefined;
  /** What was expected, in words. */
  readonly expected: string | undefined;
  /** What was received, described for a human. */
  readonly received: string | undefined;
  /** The hint appended to the message, if any. */
  readonly hint: string | undefined;
}

/**
 * The class side of an error class made by {@link defineError}: `new (code, what, details)` and
 * `isInstance`.
 *
 * @example
 * ```ts
 * import { defineError, type LxmlsErrorClass } from '@lxmls/base';
 * const DemoError: LxmlsErrorClass<'BAD'> = defineError('@lxmls/demo', 'DemoError');
 * console.log(DemoError.packageName, DemoError.errorName); // → @lxmls/demo DemoError
 * ```
 */
export interface LxmlsErrorClass<Code extends string, Details extends ErrorDetails = ErrorDetails> {
  /**
   * Builds the message `[pkg] fn: what. Expected X, received Y.` from its parts.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, argument, expectation, received value, hint and cause.
   */
  new (code: Code, what: string, details: Details): LxmlsError<Code>;
  /** The package the errors come from, e.g. `@lxmls/bpe`: the message's prefix. */
  readonly packageName: string;
  /** The errors' `name`, e.g. `LxmlsBpeError`. */
  readonly errorName: string;
  /**
   * True for any error of this class, even one from another copy of the package: checks the
   * `Symbol.for('lxmls.error')` brand and the `name`, not the prototype.
   *
   * @param error - Anything caught.
   * @returns Whether it is an error of this class.
   */
  isInstance<T extends abstract new (...args: never) => Error>(
    this: T,
    error: unknown,
  ): error is InstanceType<T>;
}

/**
 * The project's error message: `[pkg] fn: what. Expected X, received Y.` (either part may be missing), then
 * the hint.
 *
 * @param packageName - The prefix, e.g. `@lxmls/bpe`.
 * @param what - What failed, without the final period.
 * @param details - The function, expectation, received value and hint.
 * @returns The message.
 * @example
 * ```ts
 * import { formatMessage } from '@lxmls/base';
 * console.log(formatMessage('@lxmls/nn', 'p must be a probability', { fn: 'Dropout', expected: 'a number in [0, 1)', received: '2' }));
 * // → [@lxmls/nn] Dropout: p must be a probability. Expected a number in [0, 1), received 2.
 * console.log(formatMessage('@lxmls/gpt', 'no such model', { fn: 'load', received: "'gpt5'" })); // → [@lxmls/gpt] load: no such model. Received 'gpt5'.
 * ```
 */
export function formatMessage(packageName: string, what: string, details: ErrorDetails): string {
  const { expected, received, hint } = details;
  let message = `[${packageName}] ${details.fn}: ${what}.`;
  if (expected !== undefined)
    message +=
      received !== undefined ? ` Expected ${expected}, received ${received}.` : ` Expected ${expected}.`;
  else if (received !== undefined) message += ` Received ${received}.`;
  if (hint !== undefined) message += ` ${hint}`;
  return message;
}

/**
 * Makes the error class of a package. Extend the result so that the class keeps its own name, TSDoc and
 * `instanceof`:
 *
 * ```ts
 * export class LxmlsBpeError extends defineError<BpeErrorCode>('@lxmls/bpe', 'LxmlsBpeError') {}
 * ```
 *
 * Every instance has `name`, `code`, `fn`, `argument`, `expected` and `received`, and `cause` when one is
 * given; `isInstance` recognises errors of the class from any copy of the package.
 *
 * @param packageName - The package, e.g. `@lxmls/bpe`: the prefix of every message.
 * @param name - The class name, e.g. `LxmlsBpeError`: the errors' `name`, and what `isInstance` checks.
 * @param options - `maxReceived` (cut long received values), `plain` (no prefix), `redact` (clean every part).
 * @returns The class to extend.
 * @example
 * ```ts
 * import { defineError } from '@lxmls/base';
 * class LxmlsDemoError extends defineError<'INVALID_ARGUMENT'>('@lxmls/demo', 'LxmlsDemoError') {}
 * const e = new LxmlsDemoError('INVALID_ARGUMENT', 'n is out of range', { fn: 'f', expected: 'n ≥ 1', received: '0' });
 * console.log(e.message); // → [@lxmls/demo] f: n is out of range. Expected n ≥ 1, received 0.
 * console.log(e instanceof LxmlsDemoError, LxmlsDemoError.isInstance(e), e.name, e.code); // → true true LxmlsDemoError INVALID_ARGUMENT
 * console.log(LxmlsDemoError.isInstance({ ...e, name: 'LxmlsDemoError', [Symbol.for('lxmls.error')]: true })); // → true
 * ```
 */
export function defineError<Code extends string, Details extends ErrorDetails = ErrorDetails>(
  packageName: string,
  name: string,
  options: DefineErrorOptions = {},
): LxmlsErrorClass<Code, Details> {
  const { maxReceived, plain = false, redact } = options;
  // control characters (a newline in a parser's message, a terminal escape in a file name) are escaped, so
  // that a message is one line and prints as it reads (issue 17); the CLI's plain messages are its own
  const escapeText = plain ? (text: string) => text : escapeControls;
  const clean = (text: string | undefined) =>
    text === undefined ? text : escapeText(redact === undefined ? text : redact(text));
  class DefinedError extends Error {
    static readonly packageName = packageName;
    static readonly errorName = name;
    override readonly name: string = name;
    readonly code: Code;
    readonly fn: string;
    readonly what: string;
    readonly argument: string | undefined;
    readonly expected: string | undefined;
    readonly received: string | undefined;
    readonly hint: string | undefined;
    readonly [BRAND] = true;

    constructor(code: Code, rawWhat: string, details: Details) {
      const cut =
        maxReceived !== undefined && details.received !== undefined && details.received.length > maxReceived
          ? `${details.received.slice(0, maxReceived)}…`
          : details.received;
      const what = clean(rawWhat) as string;
      const parts = {
        fn: details.fn,
        expected: clean(details.expected),
        received: clean(cut),
        hint: clean(details.hint),
      };
      super(
        plain ? what : formatMessage(packageName, what, parts),
        details.cause === undefined ? undefined : { cause: details.cause },
      );
      this.code = code;
      this.fn = details.fn;
      this.what = what;
      this.argument = details.argument;
      this.expected = parts.expected;
      this.received = parts.received;
      this.hint = parts.hint;
    }

    static isInstance(error: unknown): boolean {
      return isLxmlsError(error) && error.name === name;
    }
  }
  return DefinedError as unknown as LxmlsErrorClass<Code, Details>;
}

/** Control characters, and the line and paragraph separators, as `\n`, `\t`, `\r` or `\u001b` escapes. */
function escapeControls(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * True for an error of any `@lxmls` package (any class made by {@link defineError}, from any copy), e.g. to
 * tell a library's own error from an unexpected one.
 *
 * @param error - Anything caught.
 * @returns Whether it carries the `Symbol.for('lxmls.error')` brand.
 * @example
 * ```ts
 * import { defineError, isLxmlsError } from '@lxmls/base';
 * class DemoError extends defineError<'BAD'>('@lxmls/demo', 'DemoError') {}
 * console.log(isLxmlsError(new DemoError('BAD', 'no', { fn: 'f' })), isLxmlsError(new Error('no'))); // → true false
 * ```
 */
export function isLxmlsError(error: unknown): error is LxmlsError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** An error class with the `isInstance` of {@link defineError}'s classes. */
export type ErrorClassWithGuard<E extends Error = Error> = (abstract new (
  ...args: never
) => E) & {
  isInstance(error: unknown): boolean;
};

/**
 * Runs `call` and returns the error it throws, checked to be one of `errorClass`'s with its `isInstance` (which
 * works across copies of a package): what a test calls to look at an error's `code` and fields. Any other
 * error is thrown again; nothing thrown is an `Error` saying so.
 *
 * @param errorClass - The error class expected, e.g. `LxmlsBpeError`.
 * @param call - What should throw.
 * @returns The error thrown.
 * @throws The error `call` throws when it is not of `errorClass`; an `Error` when it throws nothing.
 * @example
 * ```ts
 * import { defineError, thrownError } from '@lxmls/base';
 * class DemoError extends defineError<'BAD'>('@lxmls/demo', 'DemoError') {}
 * const error = thrownError(DemoError, () => {
 *   throw new DemoError('BAD', 'no', { fn: 'f' });
 * });
 * console.log(error.code, error.message); // → BAD [@lxmls/demo] f: no.
 * ```
 */
export function thrownError<E extends Error>(errorClass: ErrorClassWithGuard<E>, call: () => unknown): E {
  try {
    call();
  } catch (error) {
    if (errorClass.isInstance(error)) return error as E;
    throw error;
  }
  throw new Error(`expected a ${errorClass.name} to be thrown, but nothing was thrown`);
}

/**
 * The error a promise (or an async function's) rejects with, checked to be one of `errorClass`'s, as
 * {@link thrownError} does for a call.
 *
 * @param errorClass - The error class expected.
 * @param work - A promise, or a function that returns one.
 * @returns The error it rejects with.
 * @throws Its rejection when not of `errorClass`; an `Error` when it resolves.
 * @example
 * ```ts
 * import { defineError, rejectedError } from '@lxmls/base';
 * class DemoError extends defineError<'LATE'>('@lxmls/demo', 'DemoError') {}
 * const error = await rejectedError(DemoError, Promise.reject(new DemoError('LATE', 'too late', { fn: 'f' })));
 * console.log(error.code); // → LATE
 * ```
 */
export async function rejectedError<E extends Error>(
  errorClass: ErrorClassWithGuard<E>,
  work: Promise<unknown> | (() => Promise<unknown>),
): Promise<E> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    if (errorClass.isInstance(error)) return error as E;
    throw error;
  }
  throw new Error(`expected a ${errorClass.name} rejection, but the promise resolved`);
}
