/**
 * Validation helpers that throw a package's own error class in the project's message format, so that a
 * check and its five-to-seven-line `throw` block become one call: {@link checks} binds them to a class
 * made by `defineError`; {@link describeValue} writes the "received" part and {@link formatShape} a
 * shape.
 *
 * The default wordings are the ones the packages used before they shared this module (@lxmls/trainer's and
 * @lxmls/weather-data's `checkInteger` / `checkNumber`, @lxmls/bpe's `expectString`); each can be
 * overridden per call (`what`, `expected`, `received`, `code`), so a package keeps its messages exactly.
 */

import type { ErrorDetails } from './errors.js';

/**
 * Describes a received value for an error message: its type, and the value itself cut to 200 characters.
 *
 * @param value - Anything.
 * @returns `null`, `undefined`, `string "…"`, `number 5`, `bigint 5n`, `boolean true`, `a function`,
 *   `array of length 3`, `Float32Array of length 4`, `object [object Object]`.
 * @example
 * ```ts
 * import { describeValue } from '@lxmls/base';
 * console.log(describeValue('hi'), '|', describeValue(1.5), '|', describeValue([1, 2]), '|', describeValue(null));
 * // → string "hi" | number 1.5 | array of length 2 | null
 * console.log(describeValue(new Float32Array(4)), '|', describeValue({}), '|', describeValue(() => 1));
 * // → Float32Array of length 4 | object [object Object] | a function
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'bigint') return `bigint ${String(value)}n`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object') return `object ${truncate(Object.prototype.toString.call(value))}`;
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}

/**
 * A shape as the messages print it: tuple text, `(2, 3)`, `(5)`, `()` for a scalar; a named dimension
 * prints its name.
 *
 * @param shape - The shape.
 * @returns The text.
 * @example
 * ```ts
 * import { formatShape } from '@lxmls/base';
 * console.log(formatShape([2, 3]), formatShape([]), formatShape(['B', 'T', 3])); // → (2, 3) () (B, T, 3)
 * ```
 */
export function formatShape(shape: readonly (number | string)[]): string {
  return `(${shape.join(', ')})`;
}

/**
 * The choices of a one-of check as a message lists them: `'a', 'b' or 'c'` (strings quoted).
 *
 * @param choices - The choices.
 * @returns The text.
 * @example
 * ```ts
 * import { formatChoices } from '@lxmls/base';
 * console.log(formatChoices(['train', 'test']), '|', formatChoices([1, 2, 4])); // → 'train' or 'test' | 1, 2 or 4
 * ```
 */
export function formatChoices(choices: readonly unknown[]): string {
  const items = choices.map((c) => (typeof c === 'string' ? `'${c}'` : String(c)));
  return items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** Per-call overrides of a check's message: any part left out takes the check's default. */
export interface CheckOptions<Code extends string> {
  /** The error code; default: the one given to {@link checks}. */
  code?: Code;
  /** What failed, without the final period. */
  what?: string;
  /** What was expected, in words. */
  expected?: string;
  /** What was received; default: {@link describeValue} of the value. */
  received?: string;
  /** A hint or a correct example, appended after the message. */
  hint?: string;
  /** The underlying error, if any. */
  cause?: unknown;
  /**
   * More fields of the error's details, passed to the class as they are (e.g. @lxmls/hub's `url` and `path`),
   * so that a throw block with such fields is one call too.
   */
  details?: Readonly<Record<string, unknown>>;
}

/** A range for {@link Checks.integer} and {@link Checks.number}, both ends included. */
export interface RangeOptions<Code extends string> extends CheckOptions<Code> {
  /** The smallest value taken. */
  min?: number;
  /** The largest value taken. */
  max?: number;
}

/**
 * The validation helpers of one error class (see {@link checks}). Each throws the class's error, with the
 * function, the argument, what was expected and what was received, unless the value passes.
 */
export interface Checks<Code extends string> {
  /**
   * Throws unless `condition` holds: the one-line form of a `throw` block.
   *
   * @param condition - What must hold.
   * @param fn - The function that checks, e.g. `Trainer.run`.
   * @param argument - The argument at fault, or `undefined` for none.
   * @param value - The value received (described by {@link describeValue} unless `options.received`).
   * @param what - What failed, without the final period.
   * @param expected - What was expected, in words.
   * @param options - `code`, `received`, `hint`, `cause`, `details` (more fields of the error).
   */
  that(
    condition: unknown,
    fn: string,
    argument: string | undefined,
    value: unknown,
    what: string,
    expected: string,
    options?: Pick<CheckOptions<Code>, 'code' | 'received' | 'hint' | 'cause' | 'details'>,
  ): asserts condition;
  /**
   * Throws always: the same error as {@link Checks.that}, for a hot path that tests its condition itself (so
   * that the message's template strings are built only on failure): `if (!ok) check.fail(…)`.
   */
  fail(
    fn: string,
    argument: string | undefined,
    value: unknown,
    what: string,
    expected: string,
    options?: Pick<CheckOptions<Code>, 'code' | 'received' | 'hint' | 'cause' | 'details'>,
  ): never;
  /** Throws unless `value` is a string: `text must be a string. Expected a string, received …`. */
  string(fn: string, argument: string, value: unknown, options?: CheckOptions<Code>): asserts value is string;
  /**
   * Returns `value` if it is an integer in `[min, max]`, else throws `argument is not an integer` or
   * `argument is out of range`, expecting `an integer >= min` or `an integer in [min, max]`.
   */
  integer(fn: string, argument: string, value: unknown, options?: RangeOptions<Code>): number;
  /**
   * Returns `value` if it is a finite number in `[min, max]`, else throws `argument is not a number` or
   * `argument is out of range`, expecting `a finite number`, `a finite number >= min` or `a number in [min, max]`.
   */
  number(fn: string, argument: string, value: unknown, options?: RangeOptions<Code>): number;
  /**
   * Throws unless `value` is an integer >= `min` (default 1): `n must be a positive integer` (`min` 1) or
   * `n must be a non-negative integer` (`min` 0), expecting `an integer ≥ min`; a number is received as
   * itself (`0`), anything else as {@link describeValue} says. The check of a layer's or a config's sizes.
   */
  count(
    fn: string,
    argument: string,
    value: unknown,
    min?: number,
    options?: CheckOptions<Code>,
  ): asserts value is number;
  /**
   * Throws unless `p` is a number in [0, 1): `p must be a probability`, expecting `a number in [0, 1)`; received
   * as {@link Checks.count} writes it. The check of a dropout probability.
   */
  probability(fn: string, argument: string, p: unknown, options?: CheckOptions<Code>): asserts p is number;
  /** Returns `value` if it is one of `choices` (`===`), else throws, expecting `'a', 'b' or 'c'`. */
  oneOf<T>(
    fn: string,
    argument: string,
    value: unknown,
    choices: readonly T[],
    options?: CheckOptions<Code>,
  ): T;
  /**
   * Throws unless `shape` fits `expected`, where a string entry (`'B'`) takes any size:
   * `x has the wrong shape. Expected shape (B, 3), received shape (2, 4).`
   */
  shape(
    fn: string,
    argument: string,
    shape: readonly number[],
    expected: readonly (number | string)[],
    options?: CheckOptions<Code>,
  ): void;
}

/**
 * The validation helpers bound to an error class made by {@link defineError}. A package makes them once,
 * next to its class, and declares the type (`Checks<Code>`) so that TypeScript narrows after each call.
 *
 * @param ErrorClass - The package's error class.
 * @param defaultCode - The code thrown when a call does not name one, usually `INVALID_ARGUMENT`.
 * @returns The helpers.
 * @example
 * ```ts
 * import { checks, type Checks, defineError } from '@lxmls/base';
 * type Code = 'INVALID_ARGUMENT' | 'INVALID_CONFIG';
 * class DemoError extends defineError<Code>('@lxmls/demo', 'DemoError') {}
 * const check: Checks<Code> = checks(DemoError, 'INVALID_ARGUMENT');
 * const message = (f: () => unknown) => { try { f(); return ''; } catch (e) { return (e as Error).message; } };
 * console.log(check.integer('f', 'n', 3, { min: 1 })); // → 3
 * console.log(message(() => check.integer('f', 'n', 1.5, { min: 1 }))); // → [@lxmls/demo] f: n is not an integer. Expected an integer >= 1, received number 1.5.
 * console.log(message(() => check.number('f', 'lr', -1, { min: 0 }))); // → [@lxmls/demo] f: lr is out of range. Expected a finite number >= 0, received number -1.
 * console.log(message(() => check.count('Linear', 'inFeatures', 0))); // → [@lxmls/demo] Linear: inFeatures must be a positive integer. Expected an integer ≥ 1, received 0.
 * console.log(message(() => check.probability('Dropout', 'p', 1))); // → [@lxmls/demo] Dropout: p must be a probability. Expected a number in [0, 1), received 1.
 * console.log(message(() => check.oneOf('f', 'split', 'dev', ['train', 'test']))); // → [@lxmls/demo] f: split is not one of the choices. Expected 'train' or 'test', received string "dev".
 * console.log(message(() => check.shape('f', 'x', [2, 4], ['B', 3]))); // → [@lxmls/demo] f: x has the wrong shape. Expected shape (B, 3), received shape (2, 4).
 * console.log(message(() => check.that(false, 'f', 'dir', '', 'dir is not a folder', 'a non-empty string', { code: 'INVALID_CONFIG' })));
 * // → [@lxmls/demo] f: dir is not a folder. Expected a non-empty string, received string "".
 * console.log(message(() => check.fail('f', 'ids[2]', 99, 'ids[2] is not a token id', 'an integer in [0, 10)')));
 * // → [@lxmls/demo] f: ids[2] is not a token id. Expected an integer in [0, 10), received number 99.
 * ```
 */
export function checks<Code extends string>(
  ErrorClass: new (code: Code, what: string, details: ErrorDetails) => Error,
  defaultCode: Code,
): Checks<Code> {
  const fail = (
    fn: string,
    argument: string | undefined,
    value: unknown,
    o: CheckOptions<Code>,
    what: string,
    expected: string,
  ) =>
    new ErrorClass(o.code ?? defaultCode, o.what ?? what, {
      ...o.details,
      fn,
      ...(argument === undefined ? {} : { argument }),
      expected: o.expected ?? expected,
      received: o.received ?? describeValue(value),
      ...(o.hint === undefined ? {} : { hint: o.hint }),
      ...(o.cause === undefined ? {} : { cause: o.cause }),
    });
  return {
    that(condition, fn, argument, value, what, expected, options = {}) {
      if (!condition) throw fail(fn, argument, value, options, what, expected);
    },
    fail(fn, argument, value, what, expected, options = {}) {
      throw fail(fn, argument, value, options, what, expected);
    },
    string(fn, argument, value, options = {}) {
      if (typeof value !== 'string')
        throw fail(fn, argument, value, options, `${argument} must be a string`, 'a string');
    },
    integer(fn, argument, value, options = {}) {
      const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = options;
      if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
      const isInteger = typeof value === 'number' && Number.isInteger(value);
      const what = `${argument} is ${isInteger ? 'out of range' : 'not an integer'}`;
      throw fail(fn, argument, value, options, what, rangeText('an integer', 'an integer', options));
    },
    number(fn, argument, value, options = {}) {
      const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = options;
      if (typeof value === 'number' && Number.isFinite(value) && value >= min && value <= max) return value;
      const what = `${argument} is ${typeof value === 'number' ? 'out of range' : 'not a number'}`;
      throw fail(fn, argument, value, options, what, rangeText('a finite number', 'a number', options));
    },
    count(fn, argument, value, min = 1, options = {}) {
      if (typeof value === 'number' && Number.isInteger(value) && value >= min) return;
      const what = `${argument} must be a ${min === 1 ? 'positive' : 'non-negative'} integer`;
      const o = { received: numberText(value), ...options };
      throw fail(fn, argument, value, o, what, `an integer ≥ ${min}`);
    },
    probability(fn, argument, p, options = {}) {
      if (typeof p === 'number' && p >= 0 && p < 1) return;
      const o = { received: numberText(p), ...options };
      throw fail(fn, argument, p, o, `${argument} must be a probability`, 'a number in [0, 1)');
    },
    oneOf<T>(
      fn: string,
      argument: string,
      value: unknown,
      choices: readonly T[],
      options: CheckOptions<Code> = {},
    ) {
      if (choices.includes(value as T)) return value as T;
      throw fail(
        fn,
        argument,
        value,
        options,
        `${argument} is not one of the choices`,
        formatChoices(choices),
      );
    },
    shape(fn, argument, shape, expected, options = {}) {
      const fits =
        shape.length === expected.length && expected.every((d, i) => typeof d === 'string' || d === shape[i]);
      if (fits) return;
      const o = { received: `shape ${formatShape(shape)}`, ...options };
      throw fail(fn, argument, shape, o, `${argument} has the wrong shape`, `shape ${formatShape(expected)}`);
    },
  };
}

/** A received number as itself (`0`, `NaN`), anything else as {@link describeValue} says. */
function numberText(value: unknown): string {
  return typeof value === 'number' ? String(value) : describeValue(value);
}

/** `an integer >= 1`, `an integer in [0, 9]`, `a finite number`: the expected part of a range check. */
function rangeText(open: string, closed: string, { min, max }: { min?: number; max?: number }): string {
  const hasMin = min !== undefined && min !== Number.NEGATIVE_INFINITY;
  const hasMax = max !== undefined && max !== Number.MAX_SAFE_INTEGER && max !== Number.POSITIVE_INFINITY;
  if (hasMax) return `${closed} in [${min ?? Number.NEGATIVE_INFINITY}, ${max}]`;
  return hasMin ? `${open} >= ${min}` : open;
}
