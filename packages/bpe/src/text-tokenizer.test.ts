// Tests of the text-model tokenizers: character-level and byte-level BPE, and their tokenizer.json.
import { describe, expect, test } from 'vitest';
import { LxmlsBpeError } from './errors.js';
import { getEncoder } from './gpt2.js';
import {
  charTokenizer,
  charTokenizerFromJson,
  textTokenizerFromEncoder,
  textTokenizerFromJson,
  trainCharTokenizer,
} from './text-tokenizer.js';
import { trainBPE } from './train.js';

describe('character tokenizer', () => {
  test('trainCharTokenizer sorts the distinct code points and round-trips the text', () => {
    const t = trainCharTokenizer('ROMEO:\nO, she! 🙂');
    expect(t.chars).toEqual(['\n', ' ', '!', ',', ':', 'E', 'M', 'O', 'R', 'e', 'h', 's', '🙂']);
    expect(t.vocabSize).toBe(13);
    expect(t.startId).toBe(0);
    expect(t.decode(t.encode('ROMEO: she 🙂'))).toBe('ROMEO: she 🙂');
  });

  test('charTokenizer without a newline starts from id 0', () => {
    expect(charTokenizer(['a', 'b']).startId).toBe(0);
    expect(charTokenizer(['a', '\n']).startId).toBe(1);
  });

  test('CharTokenizer.encode names a character outside the vocabulary', () => {
    const encode = () => charTokenizer(['a']).encode('ab');
    expect(encode).toThrow('[@lxmls/bpe] CharTokenizer.encode: "b" is not in the model\'s vocabulary.');
    try {
      encode();
    } catch (error) {
      expect(LxmlsBpeError.isInstance(error) && error.code).toBe('UNKNOWN_TOKEN');
    }
  });

  test('toJson then textTokenizerFromJson gives the same tokenizer', () => {
    const t = trainCharTokenizer('abc\n');
    const back = textTokenizerFromJson(t.toJson());
    expect(back.kind).toBe('char');
    expect(back.encode('cab\n')).toEqual(t.encode('cab\n'));
    expect(JSON.parse(t.toJson()).model).toEqual({
      type: 'WordLevel',
      vocab: { '\n': 0, a: 1, b: 2, c: 3 },
      unk_token: '',
    });
  });

  test.each([
    [{ model: { type: 'BPE', vocab: {} } }, /Expected model\.type "WordLevel"/],
    [{ model: { type: 'WordLevel', vocab: { ab: 0 } } }, /received "ab": 0/],
    [{ model: { type: 'WordLevel', vocab: { a: 3 } } }, /received "a": 3/],
  ])('charTokenizerFromJson(%j) throws', (bad, message) => {
    expect(() => charTokenizerFromJson(bad)).toThrow(message);
  });
});

describe('BPE text tokenizer', () => {
  test('textTokenizerFromEncoder(GPT-2) starts from <|endoftext|>', () => {
    const t = textTokenizerFromEncoder(getEncoder());
    expect([t.kind, t.vocabSize, t.startId]).toEqual(['bpe', 50257, 50256]);
    expect(t.decode(t.encode('Hello world'))).toBe('Hello world');
  });

  test('a trained BPE round-trips through tokenizer.json and starts from a newline', () => {
    const text = 'the cat sat on the mat\nthe dog sat on the log\n'.repeat(4);
    const t = textTokenizerFromEncoder(trainBPE(text, { vocabSize: 270, specialTokens: [] }));
    const back = textTokenizerFromJson(t.toJson());
    expect(back.kind).toBe('bpe');
    expect(back.encode(text)).toEqual(t.encode(text));
    expect(t.startId).toBe(t.encode('\n')[0]);
  });

  test.each([
    ['{', /not valid JSON/],
    [{ model: { type: 'Unigram' } }, /Expected model\.type "BPE" \(byte-level\) or "WordLevel"/],
  ])('textTokenizerFromJson(%j) throws UNSUPPORTED_FORMAT', (bad, message) => {
    expect(() => textTokenizerFromJson(bad)).toThrow(message);
  });

  test.each([
    ['smaller than the model (ids would vanish from the text)', 3, 65],
    ['larger than the model', 65, 3],
  ])(
    'textTokenizerFromJson(json, { vocabSize }) with a tokenizer %s is INVALID_VOCABULARY',
    (_, size, model) => {
      const json = charTokenizer(
        Array.from({ length: size }, (_, i) => String.fromCharCode(65 + i)),
      ).toJson();
      expect(textTokenizerFromJson(json, { vocabSize: size }).vocabSize).toBe(size);
      expect(() => textTokenizerFromJson(json, { vocabSize: model })).toThrow(
        expect.objectContaining({
          code: 'INVALID_VOCABULARY',
          message: expect.stringContaining(
            `the tokenizer does not fit the model. Expected ${model} tokens (options.vocabSize, the model's vocabulary), received ${size} tokens.`,
          ),
        }),
      );
    },
  );
});
