// Tests of buildTextTokenizer (the three tokenizers of the text recipe) and modelTokenizer (the tokenizer that
// travels with a GPT), both moved from the CLI's text-tokenizer.ts.
import { getEncoder, textTokenizerFromJson } from '@lxmls/bpe';
import { describe, expect, test } from 'vitest';
import { LxmlsCourseError } from './errors.js';
import { buildTextTokenizer, modelTokenizer } from './text-tokenizer.js';

const TEXT = 'to be or not to be, that is the question\nwhether tis nobler in the mind to suffer\n';

describe('buildTextTokenizer', () => {
  test.each(['char', 'bpe', 'gpt2'] as const)(
    'buildTextTokenizer(text, %s) round-trips the text and its tokenizer.json',
    (kind) => {
      const tokenizer = buildTextTokenizer(TEXT, kind, 280);
      expect(tokenizer.decode(tokenizer.encode(TEXT))).toBe(TEXT);
      const back = textTokenizerFromJson(tokenizer.toJson());
      expect(back.encode(TEXT)).toEqual(tokenizer.encode(TEXT));
    },
  );

  test('buildTextTokenizer(text, char) has one id per distinct character', () => {
    expect(buildTextTokenizer(TEXT, 'char', 0).vocabSize).toBe(new Set(TEXT).size);
  });

  test('buildTextTokenizer(text, bpe, 264) has the 256 bytes and 8 merges', () => {
    const bpe = buildTextTokenizer(TEXT, 'bpe', 264);
    expect(bpe.vocabSize).toBe(264);
    expect(bpe.encode(TEXT).length).toBeLessThan(new TextEncoder().encode(TEXT).length);
  });

  test('buildTextTokenizer(text, gpt2) is GPT-2’s BPE starting from a newline', () => {
    const gpt2 = buildTextTokenizer('', 'gpt2', 0);
    expect(gpt2.vocabSize).toBe(50257);
    expect(gpt2.startId).toBe(getEncoder().encode('\n')[0]);
    expect(gpt2.encode('hello world')).toEqual(getEncoder().encode('hello world'));
  });
});

describe('modelTokenizer', () => {
  test('modelTokenizer(tokenizer.json, its size) reads and writes the folder tokenizer, one character per token', () => {
    const json = buildTextTokenizer(TEXT, 'char', 0).toJson();
    const char = modelTokenizer(json, new Set(TEXT).size);
    expect(char.kind).toBe('char');
    expect(char.decode(char.encode('to be'))).toBe('to be');
    expect(char.tokens('be').tokens).toEqual(['b', 'e']);
    expect(char.tokens('').ids).toEqual([char.startId]);
  });

  test('modelTokenizer(tokenizer.json, another size) is refused: ids would be lost', () => {
    const json = buildTextTokenizer(TEXT, 'char', 0).toJson();
    expect(() => modelTokenizer(json, 65)).toThrow(/does not fit the model/);
  });

  test.each([
    [8, 'weather', 'read walk  snowy', [1, 4, 6], undefined],
    [50257, 'gpt2', 'The cat', [464, 3797], 50256],
  ] as const)('modelTokenizer(null, %i) is the %s tokenizer', (size, kind, text, ids, startId) => {
    const tokenizer = modelTokenizer(null, size);
    expect(tokenizer.kind).toBe(kind);
    expect(tokenizer.startId).toBe(startId);
    expect(tokenizer.tokens(text).ids).toEqual(ids);
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text.replace(/ +/g, ' '));
  });

  test.each([
    [8, 'read swim', 'the model has the weather task\'s 8 tokens, and "swim" is not one of them'],
    [
      9,
      '',
      "the empty prompt starts with <|endoftext|>, id 50256, but the model's vocabulary has only 9 tokens",
    ],
    [
      300,
      'hi',
      'the text has token id 5303 ("hi"), but the model\'s vocabulary has only 300 tokens (ids 0 to 299)',
    ],
  ])('modelTokenizer(null, %i).tokens(%j) throws UNKNOWN_TOKEN', (size, text, message) => {
    const error = (() => {
      try {
        modelTokenizer(null, size).tokens(text);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(LxmlsCourseError.isInstance(error) && error.code).toBe('UNKNOWN_TOKEN');
    expect((error as Error).message).toContain(message);
  });
});
