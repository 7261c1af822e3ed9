// Tests of simple.ts: the word and character tokenizers of Exercise 1, against notebook cells In[2]-In[3]
// and CPython's str.split().
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { charTokenize, LxmlsBpeError, wordTokenize } from './index.js';

/** The 29 characters for which Python's `str.isspace()` is true (CPython 3.11). */
const PYTHON_WHITESPACE = [
  ...'\t\n\v\f\r\x1c\x1d\x1e\x1f \x85\xa0\u1680',
  ...'\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a',
  ...'\u2028\u2029\u202f\u205f\u3000',
];

describe('wordTokenize', () => {
  test('wordTokenize(text) reproduces notebook cell In[2]', () => {
    const text = 'I travelled to Lisbon in July to attend an NLP summer school';
    // the notebook's output: ['I', 'travelled', 'to', ..., 'summer', 'school'], the words between the spaces
    expect(wordTokenize(text)).toEqual(text.split(' '));
    expect(wordTokenize(text)).toHaveLength(12);
  });

  // Expected values printed by CPython 3.11's str.split().
  test.each([
    ['', []],
    ['   ', []],
    [' a  b ', ['a', 'b']],
    ['a\u200bb\ufeffc\u180ed', ['a\u200bb\ufeffc\u180ed']],
    ['x\x1cy\x1fz\x85w\u3000v', ['x', 'y', 'z', 'w', 'v']],
    ['tab\tnew\nline\r\n', ['tab', 'new', 'line']],
    ['🤗 emoji\u00a0nbsp', ['🤗', 'emoji', 'nbsp']],
  ])('wordTokenize(%j) is Python str.split()', (text, words) => {
    expect(wordTokenize(text)).toEqual(words);
  });

  test.each(PYTHON_WHITESPACE.map((c) => [c.codePointAt(0)!.toString(16).padStart(4, '0'), c]))(
    'wordTokenize splits at U+%s, which Python counts as whitespace',
    (_, c) => {
      expect(wordTokenize(`a${c}b${c}${c}`)).toEqual(['a', 'b']);
    },
  );

  test('wordTokenize(text) splits exactly at the 29 Python whitespace characters (property)', () => {
    const isSpace = new Set(PYTHON_WHITESPACE);
    const char = fc.oneof(
      fc.constantFrom(...PYTHON_WHITESPACE, '\u200b', '\ufeff', '\u180e', 'a', 'é'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    );
    fc.assert(
      fc.property(fc.array(char, { maxLength: 30 }), (chars) => {
        // The reference: Python's algorithm, one character at a time.
        const words: string[] = [];
        let word = '';
        for (const c of chars.join('')) {
          if (isSpace.has(c)) {
            if (word !== '') words.push(word);
            word = '';
          } else word += c;
        }
        if (word !== '') words.push(word);
        expect(wordTokenize(chars.join(''))).toEqual(words);
      }),
    );
  });

  test('wordTokenize(non-string) throws INVALID_ARGUMENT naming the argument', () => {
    expect(() => wordTokenize(42 as unknown as string)).toThrowError(
      '[@lxmls/bpe] wordTokenize: text must be a string. Expected a string, received number 42.',
    );
  });
});

describe('charTokenize', () => {
  test('charTokenize(text, { drop }) reproduces notebook cell In[3]', () => {
    const text =
      "I will travel to Lisbon in July, I will attend an NLP summer school but I hope to visit around: it's a beatiful city!";
    // The notebook prints one character per line; these are those lines.
    // biome-ignore format: one entry per printed character, as in the notebook
    const printed = [
      'I', ' ', 'w', 'i', 'l', 'l', ' ', 't', 'r', 'a', 'v', 'e', 'l', ' ', 't', 'o', ' ', 'L', 'i', 's',
      'b', 'o', 'n', ' ', 'i', 'n', ' ', 'J', 'u', 'l', 'y', ' ', 'I', ' ', 'w', 'i', 'l', 'l', ' ', 'a',
      't', 't', 'e', 'n', 'd', ' ', 'a', 'n', ' ', 'N', 'L', 'P', ' ', 's', 'u', 'm', 'm', 'e', 'r', ' ',
      's', 'c', 'h', 'o', 'o', 'l', ' ', 'b', 'u', 't', ' ', 'I', ' ', 'h', 'o', 'p', 'e', ' ', 't', 'o',
      ' ', 'v', 'i', 's', 'i', 't', ' ', 'a', 'r', 'o', 'u', 'n', 'd', ' ', 'i', 't', 's', ' ', 'a', ' ',
      'b', 'e', 'a', 't', 'i', 'f', 'u', 'l', ' ', 'c', 'i', 't', 'y',
    ];
    expect(printed).toHaveLength(113);
    expect(charTokenize(text, { drop: [',', ';', ':', "'", '!', '?'] })).toEqual(printed);
  });

  test('charTokenize(text) keeps every character, spaces included', () => {
    expect(charTokenize('a b')).toEqual(['a', ' ', 'b']);
    expect(charTokenize('')).toEqual([]);
  });

  test('charTokenize(text) iterates code points: an emoji is one character, as in Python', () => {
    expect(charTokenize('🤗x👍🏽')).toEqual(['🤗', 'x', '👍', '🏽']);
  });

  test('charTokenize(text, { drop }) accepts a string of characters to drop', () => {
    expect(charTokenize('a,b;c', { drop: ',;' })).toEqual(['a', 'b', 'c']);
    expect(charTokenize('🤗!x', { drop: '🤗' })).toEqual(['!', 'x']);
  });

  test('charTokenize(text) joined gives the text back (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(charTokenize(text).join('')).toBe(text);
        expect(charTokenize(text)).toEqual([...text]);
      }),
    );
  });

  test('charTokenize throws INVALID_ARGUMENT for bad arguments', () => {
    expect(() => charTokenize(null as unknown as string)).toThrowError(LxmlsBpeError);
    expect(() => charTokenize('abc', { drop: 5 as unknown as string[] })).toThrowError(
      '[@lxmls/bpe] charTokenize: drop must list characters. Expected an array of strings or a string, received number 5.',
    );
    expect(() => charTokenize('abc', { drop: [1] as unknown as string[] })).toThrowError(
      /options\.drop|drop must/,
    );
  });
});
