import { describe, expect, test } from 'vitest';
import {
  type Checks,
  checks,
  defineError,
  describeValue,
  type ErrorDetails,
  formatChoices,
  formatMessage,
  formatShape,
  isLxmlsError,
  rejectedError,
  thrownError,
} from './index.js';

type Code = 'INVALID_ARGUMENT' | 'OTHER';
class TestError extends defineError<Code>('@lxmls/test', 'TestError') {}
class OtherError extends defineError<Code>('@lxmls/other', 'OtherError') {}
const check: Checks<Code> = checks(TestError, 'INVALID_ARGUMENT');

/** The error `f` throws (fails the test if it throws none, or another class's). */
const thrown = (f: () => unknown): TestError => thrownError(TestError, f);

describe('formatMessage', () => {
  test.each([
    [{ fn: 'f' }, '[@lxmls/x] f: bad.'],
    [{ fn: 'f', expected: 'E' }, '[@lxmls/x] f: bad. Expected E.'],
    [{ fn: 'f', received: 'R' }, '[@lxmls/x] f: bad. Received R.'],
    [{ fn: 'f', expected: 'E', received: 'R' }, '[@lxmls/x] f: bad. Expected E, received R.'],
    [
      { fn: 'f', expected: 'E', received: 'R', hint: 'Try g.' },
      '[@lxmls/x] f: bad. Expected E, received R. Try g.',
    ],
  ])('formatMessage(pkg, what, %j) is %s', (details, message) => {
    expect(formatMessage('@lxmls/x', 'bad', details)).toBe(message);
  });
});

describe('defineError', () => {
  test('new Class(code, what, details) has the message, the fields, the cause and instanceof', () => {
    const cause = new Error('inner');
    const e = new TestError('OTHER', 'x is wrong', {
      fn: 'f',
      argument: 'x',
      expected: 'E',
      received: 'R',
      cause,
    });
    expect(e.message).toBe('[@lxmls/test] f: x is wrong. Expected E, received R.');
    expect([e.name, e.code, e.fn, e.argument, e.expected, e.received]).toEqual([
      'TestError',
      'OTHER',
      'f',
      'x',
      'E',
      'R',
    ]);
    expect(e.cause).toBe(cause);
    expect(e).toBeInstanceOf(TestError);
    expect(e).toBeInstanceOf(Error);
    expect(e).not.toBeInstanceOf(OtherError);
    expect(Object.hasOwn(new TestError('OTHER', 'x', { fn: 'f' }), 'cause')).toBe(false);
  });

  test('Class.isInstance(error) checks the brand and the name, not the prototype', () => {
    const e = new TestError('OTHER', 'x', { fn: 'f' });
    expect(TestError.isInstance(e)).toBe(true);
    expect(OtherError.isInstance(e)).toBe(false);
    expect(TestError.isInstance(new Error('x'))).toBe(false);
    expect(TestError.isInstance(null)).toBe(false);
    // an error of another copy of the package: another class, the same brand and name
    class Copy extends defineError<Code>('@lxmls/test', 'TestError') {}
    expect(TestError.isInstance(new Copy('OTHER', 'x', { fn: 'f' }))).toBe(true);
    // an error built before the factory existed: a plain object with the registry brand
    expect(TestError.isInstance({ name: 'TestError', [Symbol.for('lxmls.error')]: true })).toBe(true);
    expect(isLxmlsError(e) && isLxmlsError(new OtherError('OTHER', 'x', { fn: 'f' }))).toBe(true);
    expect(isLxmlsError(new Error('x'))).toBe(false);
  });

  test('defineError(pkg, name, { maxReceived, redact, plain }) cuts the received part, cleans every part, or keeps the message as is', () => {
    class Cut extends defineError<'X'>('@lxmls/cut', 'Cut', { maxReceived: 3 }) {}
    const e = new Cut('X', 'bad', { fn: 'f', received: 'abcdef' });
    expect([e.message, e.received]).toEqual(['[@lxmls/cut] f: bad. Received abc….', 'abc…']);
    class Redacted extends defineError<'X'>('@lxmls/r', 'Redacted', {
      redact: (t) => t.replace('s3cret', '***'),
    }) {}
    const r = new Redacted('X', 'bad s3cret', {
      fn: 'f',
      expected: 's3cret',
      received: 's3cret',
      hint: 's3cret',
    });
    expect([r.message, r.what, r.expected, r.received, r.hint]).toEqual([
      '[@lxmls/r] f: bad ***. Expected ***, received ***. ***',
      'bad ***',
      '***',
      '***',
      '***',
    ]);
    class Plain extends defineError<'X'>('lxmls', 'Plain', { plain: true }) {}
    expect(new Plain('X', 'unknown option --jsno', { fn: 'lxmls' }).message).toBe('unknown option --jsno');
  });
});

describe('describeValue, formatShape, formatChoices', () => {
  test.each([
    [null, 'null'],
    [undefined, 'undefined'],
    ['a"b', 'string "a\\"b"'],
    [2, 'number 2'],
    [2n, 'bigint 2n'],
    [true, 'boolean true'],
    [() => 1, 'a function'],
    [[1, 2, 3], 'array of length 3'],
    [new Int32Array(2), 'Int32Array of length 2'],
    [new Map(), 'object [object Map]'],
    [Symbol('s'), 'symbol Symbol(s)'],
    ['x'.repeat(300), `string "${'x'.repeat(196)}...`],
  ])('describeValue(%s) is %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });

  test('formatShape(shape) and formatChoices(choices) write tuples and lists', () => {
    expect([formatShape([]), formatShape([5]), formatShape(['B', 2])]).toEqual(['()', '(5)', '(B, 2)']);
    expect([formatChoices([]), formatChoices(['a']), formatChoices(['a', 'b', 'c'])]).toEqual([
      'nothing',
      "'a'",
      "'a', 'b' or 'c'",
    ]);
  });
});

describe('checks(ErrorClass, defaultCode)', () => {
  test('check.that(condition, …) throws the class with the default code, or the one given', () => {
    expect(() => check.that(true, 'f', 'x', 1, 'x is bad', 'good')).not.toThrow();
    const e = thrown(() => check.that(false, 'f', 'x', 1, 'x is bad', 'good'));
    expect(TestError.isInstance(e)).toBe(true);
    expect([e.code, e.argument, e.message]).toEqual([
      'INVALID_ARGUMENT',
      'x',
      '[@lxmls/test] f: x is bad. Expected good, received number 1.',
    ]);
    const other = thrown(() =>
      check.that(0, 'f', 'x', 1, 'x is bad', 'good', { code: 'OTHER', received: 'one' }),
    );
    expect([other.code, other.message]).toEqual([
      'OTHER',
      '[@lxmls/test] f: x is bad. Expected good, received one.',
    ]);
  });

  test('check.fail(…) always throws the error check.that(false, …) throws', () => {
    const e = thrown(() => check.fail('f', 'x', 1, 'x is bad', 'good', { code: 'OTHER' }));
    expect([e.code, e.message]).toEqual([
      'OTHER',
      '[@lxmls/test] f: x is bad. Expected good, received number 1.',
    ]);
  });

  test('check.fail(…, { hint, cause }) appends the hint and keeps the cause', () => {
    const cause = new SyntaxError('Unexpected token');
    const e = thrown(() =>
      check.fail('f', 'json', '{', 'json is not JSON', 'a JSON text', { hint: 'Fix it.', cause }),
    );
    expect([e.message, e.hint, e.cause]).toEqual([
      '[@lxmls/test] f: json is not JSON. Expected a JSON text, received string "{". Fix it.',
      'Fix it.',
      cause,
    ]);
  });

  test('check.fail(fn, undefined, …, { details }) passes more fields to the class and names no argument', () => {
    class PathError extends defineError<Code, ErrorDetails & { path?: string }>('@lxmls/test', 'PathError') {
      readonly path: string | undefined;
      constructor(code: Code, what: string, details: ErrorDetails & { path?: string }) {
        super(code, what, details);
        this.path = details.path;
      }
    }
    const pathCheck: Checks<Code> = checks(PathError, 'INVALID_ARGUMENT');
    let e: unknown;
    try {
      pathCheck.fail('f', undefined, null, 'no file', 'a file', {
        received: 'none',
        details: { path: '/x' },
      });
    } catch (error) {
      e = error;
    }
    expect(e).toBeInstanceOf(PathError);
    const error = e as PathError;
    expect([error.message, error.path, error.argument, 'argument' in error]).toEqual([
      '[@lxmls/test] f: no file. Expected a file, received none.',
      '/x',
      undefined,
      true,
    ]);
  });

  test.each([
    [
      'a newline from a parser',
      'Unexpected token \'x\', "x{\n  "a"" is not valid JSON',
      'Unexpected token \'x\', "x{\\n  "a"" is not valid JSON',
    ],
    ['a terminal escape and a bell', 'name\u001b[2J\u0007', 'name\\u001b[2J\\u0007'],
    ['a tab, a carriage return, DEL and U+2028', 'a\tb\rc\u007fd\u2028', 'a\\tb\\rc\\u007fd\\u2028'],
  ])('new Class(…) escapes %s in every part, so that the message is one line', (_, raw, escaped) => {
    const e = new TestError('OTHER', `bad ${raw}`, { fn: 'f', expected: raw, received: raw, hint: raw });
    expect(e.message).toBe(
      `[@lxmls/test] f: bad ${escaped}. Expected ${escaped}, received ${escaped}. ${escaped}`,
    );
    expect([e.what, e.expected, e.received, e.hint]).toEqual([`bad ${escaped}`, escaped, escaped, escaped]);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    expect(e.message).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  test('check.string(fn, argument, value) takes strings only', () => {
    expect(() => check.string('f', 'text', '')).not.toThrow();
    expect(thrown(() => check.string('f', 'text', 5)).message).toBe(
      '[@lxmls/test] f: text must be a string. Expected a string, received number 5.',
    );
  });

  test.each([
    [1.5, { min: 1 }, 'n is not an integer. Expected an integer >= 1, received number 1.5.'],
    [0, { min: 1 }, 'n is out of range. Expected an integer >= 1, received number 0.'],
    [10, { min: 0, max: 9 }, 'n is out of range. Expected an integer in [0, 9], received number 10.'],
    ['3', {}, 'n is not an integer. Expected an integer, received string "3".'],
    [
      -1,
      { min: 0, what: 'n must be ≥ 0', expected: 'a count' },
      'n must be ≥ 0. Expected a count, received number -1.',
    ],
  ])('check.integer(fn, n, %j, %j) throws %s', (value, options, message) => {
    expect(thrown(() => check.integer('f', 'n', value, options)).message).toBe(`[@lxmls/test] f: ${message}`);
  });

  test.each([
    ['x', {}, 'lr is not a number. Expected a finite number, received string "x".'],
    [Number.NaN, {}, 'lr is out of range. Expected a finite number, received number NaN.'],
    [-1, { min: 0 }, 'lr is out of range. Expected a finite number >= 0, received number -1.'],
    [2, { min: 0, max: 1 }, 'lr is out of range. Expected a number in [0, 1], received number 2.'],
  ])('check.number(fn, lr, %j, %j) throws %s', (value, options, message) => {
    expect(thrown(() => check.number('f', 'lr', value, options)).message).toBe(`[@lxmls/test] f: ${message}`);
  });

  test.each([
    [0, 1, 'n must be a positive integer. Expected an integer ≥ 1, received 0.'],
    [1.5, 1, 'n must be a positive integer. Expected an integer ≥ 1, received 1.5.'],
    [-1, 0, 'n must be a non-negative integer. Expected an integer ≥ 0, received -1.'],
    ['3', 1, 'n must be a positive integer. Expected an integer ≥ 1, received string "3".'],
  ])('check.count(fn, n, %j, %j) throws %s', (value, min, message) => {
    expect(thrown(() => check.count('f', 'n', value, min)).message).toBe(`[@lxmls/test] f: ${message}`);
  });

  test.each([
    [1, 'p must be a probability. Expected a number in [0, 1), received 1.'],
    [-0.5, 'p must be a probability. Expected a number in [0, 1), received -0.5.'],
    [null, 'p must be a probability. Expected a number in [0, 1), received null.'],
  ])('check.probability(fn, p, %j) throws %s', (value, message) => {
    expect(thrown(() => check.probability('f', 'p', value)).message).toBe(`[@lxmls/test] f: ${message}`);
  });

  test('check.count and check.probability pass an integer >= min and a number in [0, 1)', () => {
    expect(() => check.count('f', 'n', 0, 0)).not.toThrow();
    expect(() => check.count('f', 'n', 5)).not.toThrow();
    expect(() => check.probability('f', 'p', 0)).not.toThrow();
    expect(() => check.probability('f', 'p', 0.999)).not.toThrow();
  });

  test('check.integer and check.number return the value when it passes', () => {
    expect(check.integer('f', 'n', 7, { min: 0, max: 7 })).toBe(7);
    expect(check.number('f', 'lr', 0.5, { min: 0, max: 1 })).toBe(0.5);
  });

  test('check.oneOf(fn, argument, value, choices) returns the choice or names them all', () => {
    expect(check.oneOf('f', 'split', 'test', ['train', 'test'] as const)).toBe('test');
    expect(thrown(() => check.oneOf('f', 'split', 'dev', ['train', 'test'])).message).toBe(
      `[@lxmls/test] f: split is not one of the choices. Expected 'train' or 'test', received string "dev".`,
    );
  });

  test('check.shape(fn, argument, shape, expected) takes any size for a named dimension', () => {
    expect(() => check.shape('f', 'x', [7, 3], ['B', 3])).not.toThrow();
    expect(thrown(() => check.shape('f', 'x', [7, 3, 1], ['B', 3])).message).toBe(
      '[@lxmls/test] f: x has the wrong shape. Expected shape (B, 3), received shape (7, 3, 1).',
    );
  });
});

describe('thrownError and rejectedError', () => {
  const bad = () => new TestError('OTHER', 'bad', { fn: 'f' });
  test('thrownError(class, call) returns the error of that class that call throws', () => {
    const error = bad();
    expect(
      thrownError(TestError, () => {
        throw error;
      }),
    ).toBe(error);
  });

  test('thrownError(class, call) throws again an error of another class, and says when nothing is thrown', () => {
    const other = new OtherError('OTHER', 'other', { fn: 'g' });
    expect(() =>
      thrownError(TestError, () => {
        throw other;
      }),
    ).toThrow(other);
    expect(() => thrownError(TestError, () => 1)).toThrow(
      'expected a TestError to be thrown, but nothing was thrown',
    );
  });

  test('rejectedError(class, promise or function) returns the rejection of that class', async () => {
    const error = bad();
    expect(await rejectedError(TestError, Promise.reject(error))).toBe(error);
    expect(await rejectedError(TestError, () => Promise.reject(error))).toBe(error);
  });

  test("rejectedError(class, work) rejects with another class's error, and says when it resolves", async () => {
    const other = new OtherError('OTHER', 'other', { fn: 'g' });
    await expect(rejectedError(TestError, Promise.reject(other))).rejects.toBe(other);
    await expect(rejectedError(TestError, Promise.resolve(1))).rejects.toThrow(
      'expected a TestError rejection, but the promise resolved',
    );
  });
});
