// Tests of buildTextTokenizer: the three tokenizers of the text recipe (moved from the CLI's text-tokenizer.ts).
import { getEncoder, textTokenizerFromJson } from '@lxmls/bpe';
import { describe, expect, test } from 'vitest';
import { buildTextTokenizer } from './text-tokenizer.js';

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
