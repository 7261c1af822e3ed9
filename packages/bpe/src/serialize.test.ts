// Tests of serialize.ts and python-json.ts: GPT-2's files written back byte for byte, and save → load round trips.
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  getEncoder,
  LxmlsBpeError,
  loadGpt2Files,
  loadTokenizerJson,
  saveGpt2Files,
  saveTokenizerJson,
  trainBPE,
} from './index.js';
import { pythonJsonDict, pythonJsonString } from './python-json.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
const shakespeare = fixture('tinyshakespeare.txt');
const reference: { text: string; tiktoken: number[]; hf_fast: number[] }[] = JSON.parse(
  fixture('bpe-reference.json'),
);
const gpt2 = getEncoder();
const samples = [...reference.map((c) => c.text), shakespeare.slice(0, 20_000)];

describe('pythonJsonString', () => {
  // Expected values printed by CPython 3.11's json.dumps(s).
  test.each([
    ['plain', '"plain"'],
    ['"quote" and \\ backslash', '"\\"quote\\" and \\\\ backslash"'],
    ['\n\r\t\b\f', '"\\n\\r\\t\\b\\f"'],
    ['\x00\x01\x1f\x7f\x80', '"\\u0000\\u0001\\u001f\\u007f\\u0080"'],
    ['é ñ ü Ġ Ċ', '"\\u00e9 \\u00f1 \\u00fc \\u0120 \\u010a"'],
    ['🤗 𝔘', '"\\ud83e\\udd17 \\ud835\\udd18"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['\ud800 lone', '"\\ud800 lone"'],
    ['~ and /', '"~ and /"'],
  ])('pythonJsonString(%j) is json.dumps', (text, expected) => {
    expect(pythonJsonString(text)).toBe(expected);
    expect(JSON.parse(expected)).toBe(text);
  });

  test('pythonJsonDict(entries) uses Python separators', () => {
    expect(
      pythonJsonDict([
        ['a', 1],
        ['Ġb', 2],
      ]),
    ).toBe('{"a": 1, "\\u0120b": 2}');
    expect(pythonJsonDict([])).toBe('{}');
  });
});

describe('saveGpt2Files', () => {
  test('saveGpt2Files(getEncoder()) gives back encoder.json and vocab.bpe byte for byte', () => {
    const { encoderJson, vocabBpe } = saveGpt2Files(gpt2);
    expect(encoderJson === fixture('encoder.json')).toBe(true);
    expect(vocabBpe === fixture('vocab.bpe')).toBe(true);
  });

  test('saveGpt2Files(trained) → loadGpt2Files encodes as the trained encoder, special tokens included', () => {
    const trained = trainBPE(shakespeare, { vocabSize: 800, specialTokens: ['<|endoftext|>', '<|pad|>'] });
    const { encoderJson, vocabBpe } = saveGpt2Files(trained);
    const loaded = loadGpt2Files(encoderJson, vocabBpe, { specialTokens: ['<|endoftext|>', '<|pad|>'] });
    expect(loaded.vocabSize).toBe(800);
    expect(loaded.specialTokens).toEqual(trained.specialTokens);
    for (const text of samples) {
      expect(loaded.encode(text)).toEqual(trained.encode(text));
      expect(loaded.encode(text, { allowedSpecial: 'all' })).toEqual(
        trained.encode(text, { allowedSpecial: 'all' }),
      );
    }
    // And saving again gives the same files.
    expect(saveGpt2Files(loaded)).toEqual({ encoderJson, vocabBpe });
  });

  test('saveGpt2Files(encoder with a repeated token string) throws INVALID_VOCABULARY', () => {
    // A special token "a" has the same string as the byte token "a".
    const encoder = trainBPE('ab ab', { vocabSize: 300, specialTokens: ['a'] });
    expect(() => saveGpt2Files(encoder)).toThrowError(
      /^\[@lxmls\/bpe\] saveGpt2Files: ids 64 and \d+ are the same token\. Expected a distinct string for each id, received string "a"\.$/,
    );
    expect(() => saveTokenizerJson(encoder)).toThrowError(LxmlsBpeError);
  });

  test('saveGpt2Files(non-encoder) throws INVALID_ARGUMENT', () => {
    expect(() => saveGpt2Files({} as never)).toThrowError(
      '[@lxmls/bpe] saveGpt2Files: encoder must be an Encoder. Expected an Encoder (from getEncoder, trainBPE or a loader), received object [object Object].',
    );
  });
});

describe('saveTokenizerJson', () => {
  const text = saveTokenizerJson(gpt2);
  const json = JSON.parse(text);

  test('saveTokenizerJson(getEncoder()) writes GPT-2 in the layout of Hugging Face tokenizers', () => {
    expect(Object.keys(json)).toEqual([
      'version',
      'truncation',
      'padding',
      'added_tokens',
      'normalizer',
      'pre_tokenizer',
      'post_processor',
      'decoder',
      'model',
    ]);
    expect(json.version).toBe('1.0');
    expect(json.added_tokens).toEqual([
      {
        id: 50256,
        content: '<|endoftext|>',
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ]);
    expect(json.pre_tokenizer).toEqual({
      type: 'ByteLevel',
      add_prefix_space: false,
      trim_offsets: true,
      use_regex: true,
    });
    expect(json.decoder.type).toBe('ByteLevel');
    expect(json.post_processor.type).toBe('ByteLevel');
    const { vocab, merges, ...options } = json.model;
    expect(options).toEqual({
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
    });
    expect(Object.keys(vocab)).toHaveLength(50257);
    expect(vocab.Ġthe).toBe(262);
    expect(vocab['<|endoftext|>']).toBe(50256);
    expect(merges).toHaveLength(50000);
    expect(merges[0]).toEqual(['Ġ', 't']);
  });

  test('saveTokenizerJson writes the vocabulary in id order, digits included', () => {
    // A JavaScript object would put "0".."9" first; the file keeps encoder.json's order.
    expect(text).toContain('      "!": 0,\n      "\\"": 1,\n      "#": 2,');
    expect(text.indexOf('"0": 15')).toBeGreaterThan(text.indexOf('"/": 14'));
  });

  test('saveTokenizerJson(getEncoder()) → loadTokenizerJson gives the same ids on the reference strings', () => {
    const loaded = loadTokenizerJson(text);
    expect(loaded.vocabSize).toBe(50257);
    expect(loaded.specialTokens).toEqual(gpt2.specialTokens);
    for (const c of reference) {
      expect(loaded.encode(c.text)).toEqual(c.tiktoken);
      expect(loaded.encode(c.text, { allowedSpecial: 'all' })).toEqual(c.hf_fast);
      expect(loaded.decode(c.tiktoken)).toBe(c.text);
    }
    expect(loaded.encode(shakespeare)).toEqual(gpt2.encode(shakespeare));
    expect(saveTokenizerJson(loaded)).toBe(text);
  });

  test('saveTokenizerJson(trained) → loadTokenizerJson encodes as the trained encoder', () => {
    const trained = trainBPE(shakespeare, { vocabSize: 700, specialTokens: ['<|endoftext|>', '<|ünï|>'] });
    const loaded = loadTokenizerJson(saveTokenizerJson(trained));
    expect(loaded.vocabSize).toBe(700);
    expect(loaded.specialTokens).toEqual(trained.specialTokens);
    for (const sample of [...samples, 'x<|ünï|>y<|endoftext|>']) {
      expect(loaded.encode(sample)).toEqual(trained.encode(sample));
      expect(loaded.encode(sample, { allowedSpecial: 'all' })).toEqual(
        trained.encode(sample, { allowedSpecial: 'all' }),
      );
    }
    expect(loaded.decode(trained.encode('<|ünï|>', { allowedSpecial: 'all' }))).toBe('<|ünï|>');
  });

  test('saveTokenizerJson of an encoder without merges writes empty lists', () => {
    const bytesOnly = trainBPE('', { vocabSize: 256, specialTokens: [] });
    const json = JSON.parse(saveTokenizerJson(bytesOnly));
    expect(json.added_tokens).toEqual([]);
    expect(json.model.merges).toEqual([]);
    expect(loadTokenizerJson(json).encode('hi 🤗')).toEqual(bytesOnly.encode('hi 🤗'));
  });
});
