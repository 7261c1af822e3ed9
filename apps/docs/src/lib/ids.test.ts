import { describe, expect, test } from 'vitest';
import { formatIds, parseIds } from './ids.js';

describe('formatIds / parseIds', () => {
  test.each([
    [[], '[]'],
    [[13], '[13]'],
    [[7120, 8263, 318], '[7120, 8263, 318]'],
  ])('formatIds(%j) is %j and parses back', (ids, text) => {
    expect(formatIds(ids)).toBe(text);
    expect(parseIds(text)).toEqual(ids);
  });

  test.each([
    ['', []],
    ['  ', []],
    ['[ ]', []],
    ['7120 8263', [7120, 8263]],
    ['7120,8263', [7120, 8263]],
    [' [7120,\n 8263 ,318] ', [7120, 8263, 318]],
  ])('parseIds(%j) is %j', (text, ids) => {
    expect(parseIds(text)).toEqual(ids);
  });

  test.each([
    ['[15496, x]', 'ids[1] is not a token id: "x".'],
    ['-1', 'ids[0] is not a token id: "-1".'],
    ['1.5', 'ids[0] is not a token id: "1.5".'],
  ])('parseIds(%j) throws naming the piece and what to type, in words for people', (text, message) => {
    expect(() => parseIds(text)).toThrow(
      `${message} Type whole numbers (0 or more) separated by commas or spaces, such as [15496, 11].`,
    );
    expect(() => parseIds(text)).not.toThrow(/^\[/); // no [lxmls-docs] fn: prefix
  });
});
