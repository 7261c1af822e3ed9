/**
 * The two simple tokenizers of Exercise 1 of the LxMLS Transformer Day: words and characters.
 *
 * Follows notebook cells In[2] (`text.split()`) and In[3] (`[c for c in text if c not in drop]`). They show
 * the two ends of the granularity scale that subword tokenizers (BPE, see encoder.ts) sit between: a word
 * vocabulary is huge and still misses rare words; a character vocabulary is tiny but makes sequences long.
 */

import { check, describe, expectString, LxmlsBpeError } from './errors.js';

/**
 * Python's whitespace for `str.split()` and `str.isspace()`: the 29 code points below. It is not JavaScript's
 * `\s`, which lacks U+001C..U+001F and U+0085 and adds U+FEFF.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: Python counts U+001C..U+001F as whitespace.
const PYTHON_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * Splits text into words at runs of whitespace, exactly as Python's `str.split()` with no arguments.
 *
 * A "word" here is any run of characters without whitespace, punctuation included (`'school!'`). Whitespace
 * is Python's (`str.isspace()`): tab, newline, vertical tab, form feed, carriage return, U+001C..U+001F,
 * space, U+0085, no-break space, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and U+3000.
 * Leading and trailing whitespace give no empty strings, so `''` and `'   '` give `[]`.
 *
 * @remarks Python: `text.split()`, notebook cell In[2] of Exercise 1.
 * @param text - Any string.
 * @returns The words, in order.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `text` is not a string.
 * @example
 * ```ts
 * import { wordTokenize } from '@lxmls/bpe';
 * console.log(wordTokenize('  I travelled to\tLisbon\n')); // → [ 'I', 'travelled', 'to', 'Lisbon' ]
 * ```
 */
export function wordTokenize(text: string): string[] {
  expectString(text, 'wordTokenize');
  return splitPythonWhitespace(text);
}

/** `text.split()` of Python, without argument checks (also used to read vocab.bpe lines). */
export function splitPythonWhitespace(text: string): string[] {
  const words = text.split(PYTHON_WHITESPACE);
  // Only the first and the last piece can be empty: when the text starts or ends with whitespace.
  if (words.length > 0 && words[words.length - 1] === '') words.pop();
  if (words.length > 0 && words[0] === '') words.shift();
  return words;
}

/** Options of {@link charTokenize}. */
export interface CharTokenizeOptions {
  /**
   * Characters to leave out, as an array of one-character strings or a string of them (`',;:'`).
   * @defaultValue none
   */
  drop?: Iterable<string>;
}

/**
 * Splits text into its characters (Unicode code points), leaving out the ones listed in `drop`.
 *
 * Spaces are characters too and are kept, unless dropped. A character outside the Basic Multilingual Plane,
 * such as an emoji, is one character, as in Python, although it is two UTF-16 code units in JavaScript.
 *
 * @remarks Python: `[c for c in text if c not in drop]`, notebook cell In[3] of Exercise 1.
 * @param text - Any string.
 * @param options - {@link CharTokenizeOptions}: the characters to drop.
 * @returns The characters, in order.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `text` is not a string or `drop` holds a non-string.
 * @example
 * ```ts
 * import { charTokenize } from '@lxmls/bpe';
 * console.log(charTokenize('city! 🤗', { drop: ['!', '?'] })); // → [ 'c', 'i', 't', 'y', ' ', '🤗' ]
 * ```
 */
export function charTokenize(text: string, options: CharTokenizeOptions = {}): string[] {
  expectString(text, 'charTokenize');
  const dropped = new Set<string>();
  const drop = options.drop;
  if (drop !== undefined) {
    if (drop === null || typeof (drop as Partial<Iterable<string>>)[Symbol.iterator] !== 'function')
      check.fail(
        'charTokenize',
        'options.drop',
        drop,
        'drop must list characters',
        'an array of strings or a string',
      );
    for (const c of drop) {
      if (typeof c !== 'string')
        check.fail(
          'charTokenize',
          'options.drop',
          undefined,
          'drop must list characters',
          'an array of strings or a string',
          { received: `an entry ${describe(c)}` },
        );
      dropped.add(c);
    }
  }
  const chars: string[] = [];
  for (const c of text) if (!dropped.has(c)) chars.push(c);
  return chars;
}
