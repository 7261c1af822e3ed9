// Tests of prettifyTokens: GPT-2 byte stand-ins and BERT WordPiece continuations.
import { describe, expect, test } from 'vitest';
import { prettifyTokens } from './index.js';

describe('prettifyTokens', () => {
  test.each([
    ['Ġdrawing', '␣drawing'],
    ['Ċ', '↵'],
    ['ĊĊ', '↵↵'],
    ['ĉ', '⇥'],
    ['ĠðŁ¤Ĺ', '␣🤗'],
    ['ĠðŁ', '␣ðŁ'], // half an emoji: stand-ins kept, the space still shown
    ['Ã©', 'é'],
    ['##ing', '·ing'],
    ['##', '##'],
    ['[CLS]', '[CLS]'],
    ['<|endoftext|>', '<|endoftext|>'],
    ['café', 'café'], // a BERT token with an accent is not GPT-2 bytes
    ['Hello', 'Hello'],
  ])('prettifyTokens([%j]) is [%j]', (token, label) => {
    expect(prettifyTokens([token])).toEqual([label]);
  });

  test('prettifyTokens(tokens, options) uses the given signs', () => {
    expect(prettifyTokens(['Ġa', 'Ċ', '##b'], { space: ' ', newline: '\\n', continuation: '' })).toEqual([
      ' a',
      '\\n',
      'b',
    ]);
  });

  test('prettifyTokens([]) is []', () => {
    expect(prettifyTokens([])).toEqual([]);
  });
});
