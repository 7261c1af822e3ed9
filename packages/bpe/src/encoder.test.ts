import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { BPETokenizer, decode, Encoder, encode, getEncoder, LxmlsBpeError } from './index.js';

interface ReferenceCase {
  text: string;
  tiktoken: number[];
  hf_slow: number[];
  hf_fast: number[];
  decoded: string;
  tokens: string[];
}

const reference: ReferenceCase[] = JSON.parse(
  readFileSync(new URL('./__fixtures__/bpe-reference.json', import.meta.url), 'utf8'),
);
const encoder = getEncoder();
const merged = (text: string) => encoder.encodeAndShowWork(text).parts.flatMap((part) => part.tokenMerged);

describe('the 40 reference strings of bpe-reference.json', () => {
  test('there are 40 of them', () => {
    expect(reference).toHaveLength(40);
  });

  test.each(reference.map((c) => [JSON.stringify(c.text).slice(0, 60), c] as const))(
    'encode(%s) gives the tiktoken ids, tokens and decoded text',
    (_, c) => {
      const ids = encoder.encode(c.text);
      expect(ids).toEqual(c.tiktoken);
      expect(ids.map((id) => encoder.idToToken(id))).toEqual(c.tokens);
      expect(encoder.decode(ids)).toBe(c.decoded);
      expect(encoder.decode(ids)).toBe(c.text);
    },
  );

  test('encode(text, { allowedSpecial: "all" }) gives the Hugging Face ids, which treat <|endoftext|> as special', () => {
    for (const c of reference) expect(encoder.encode(c.text, { allowedSpecial: 'all' })).toEqual(c.hf_fast);
  });
});

// docs/course-behaviour.md §1.8: verified with the Python toolkit and the GPT-2 files.
const golden: [string, number[]][] = [
  [
    "Hello!! I'm Andrej Karpathy. It's 2022. w00t :D 🤗",
    [
      15496, 3228, 314, 1101, 10948, 73, 509, 5117, 10036, 13, 632, 338, 33160, 13, 266, 405, 83, 1058, 35,
      12520, 97, 245,
    ],
  ],
  ['Your drawing is charmingly anachronistic.', [7120, 8263, 318, 23332, 306, 281, 620, 1313, 2569, 13]],
  ['running is very cool', [20270, 318, 845, 3608]],
  ['very cool!', [548, 3608, 0]],
  [
    'I like to circumnavigate the globe every year',
    [40, 588, 284, 2498, 4182, 615, 10055, 262, 13342, 790, 614],
  ],
  [
    'I like to cirkumnavigate the globe every year',
    [40, 588, 284, 10774, 74, 4182, 615, 10055, 262, 13342, 790, 614],
  ],
  [
    "We are about to start exercise 2 about attention, let's have fun!",
    [1135, 389, 546, 284, 923, 5517, 362, 546, 3241, 11, 1309, 338, 423, 1257, 0],
  ],
  ['Barack Obama, the', [10374, 441, 2486, 11, 262]],
  ['Alan Turing, the', [36235, 39141, 11, 262]],
  ['Ramon Astudillo, the', [49, 16487, 8304, 463, 16111, 11, 262]],
  ['Hello, my name is', [15496, 11, 616, 1438, 318]],
  [
    'Hello!!!!!!!!!? 🤗, my dog is a little',
    [15496, 13896, 50184, 30, 12520, 97, 245, 11, 616, 3290, 318, 257, 1310],
  ],
  [
    '  multiple   spaces\n\nnewline\ttab  ',
    [220, 3294, 220, 220, 9029, 198, 198, 3605, 1370, 197, 8658, 220, 220],
  ],
  ["I'M DON'T you're", [40, 6, 44, 23917, 6, 51, 345, 821]],
];

describe('golden vectors of the course toolkit (course-behaviour §1.8)', () => {
  test.each(golden)('encode(%j)', (text, ids) => {
    expect(encode(text)).toEqual(ids);
    expect(decode(ids)).toBe(text);
  });

  test('encode("<|endoftext|>") is plain text by default and decode([50256]) is the special token', () => {
    expect(encode('<|endoftext|>')).toEqual([27, 91, 437, 1659, 5239, 91, 29]);
    expect(decode([50256])).toBe('<|endoftext|>');
  });

  test('bpe(token) merges a translated chunk as Python does', () => {
    expect(encoder.bpe('Ġcharmingly')).toBe('Ġcharming ly');
    expect(encoder.bpe('Ġanachronistic')).toBe('Ġan ach ron istic');
    expect(encoder.bpe('Ġcirkumnavigate')).toBe('Ġcir k umn av igate');
    expect(encoder.bpe('x')).toBe('x');
  });

  test('idToToken/tokenToId distinguish "Ġvery" (845) from "very" (548)', () => {
    expect(encoder.tokenToId('Ġvery')).toBe(845);
    expect(encoder.tokenToId('very')).toBe(548);
    expect(encoder.idToToken(50256)).toBe('<|endoftext|>');
    expect(encoder.tokenToId('no such token')).toBeUndefined();
  });

  test('getVocab() has the 50,257 entries of encoder.json, in the same order', () => {
    const fixture: Record<string, number> = JSON.parse(
      readFileSync(new URL('./__fixtures__/encoder.json', import.meta.url), 'utf8'),
    );
    expect([...encoder.getVocab()]).toEqual(Object.entries(fixture).sort((a, b) => a[1] - b[1]));
  });

  test('getMerges() lists the 50,000 merges of vocab.bpe in rank order', () => {
    const lines = readFileSync(new URL('./__fixtures__/vocab.bpe', import.meta.url), 'utf8').split('\n');
    expect(encoder.getMerges()).toEqual(lines.slice(1, -1).map((line) => line.split(' ')));
  });
});

describe('notebook cells of Exercise 1 (BPE)', () => {
  test('In[6]-In[7]: merged tokens of "Your drawing is charmingly anachronistic."', () => {
    const tokens = new BPETokenizer().encoder.encodeAndShowWork('Your drawing is charmingly anachronistic.');
    expect(tokens.parts.flatMap((x) => x.tokenMerged)).toEqual([
      'Your',
      'Ġdrawing',
      'Ġis',
      'Ġcharming',
      'ly',
      'Ġan',
      'ach',
      'ron',
      'istic',
      '.',
    ]);
  });

  test('In[8]-In[9]: "very" gets two different tokens', () => {
    expect(merged('running is very cool')).toEqual(['running', 'Ġis', 'Ġvery', 'Ġcool']);
    expect(merged('very cool!')).toEqual(['very', 'Ġcool', '!']);
  });

  test('In[10]-In[11]: a typo changes the split', () => {
    // the tokens, separated by spaces (a token's own space is its Ġ)
    const tokens = (text: string) => text.split(' ');
    expect(merged('I like to circumnavigate the globe every year')).toEqual(
      tokens('I Ġlike Ġto Ġcirc umn av igate Ġthe Ġglobe Ġevery Ġyear'),
    );
    expect(merged('I like to cirkumnavigate the globe every year')).toEqual(
      tokens('I Ġlike Ġto Ġcir k umn av igate Ġthe Ġglobe Ġevery Ġyear'),
    );
  });

  test('In[12]: decode(encode(sentence)) gives the sentence back', () => {
    const original = "We are about to start exercise 2 about attention, let's have fun!";
    const tokenizer = new BPETokenizer();
    expect(tokenizer.encoder.decode(tokenizer.encoder.encode(original))).toBe(original);
  });
});

describe('encodeAndShowWork(text)', () => {
  test('returns the parts of the Karpathy sentence as bpe.py prints them', () => {
    const work = encoder.encodeAndShowWork("Hello!! I'm Andrej Karpathy. It's 2022. w00t :D 🤗");
    expect(work.tokens).toEqual([
      'Hello',
      '!!',
      ' I',
      "'m",
      ' Andrej',
      ' Karpathy',
      '.',
      ' It',
      "'s",
      ' 2022',
      '.',
      ' w',
      '00',
      't',
      ' :',
      'D',
      ' 🤗',
    ]);
    expect(work.parts[4]).toEqual({
      token: ' Andrej',
      tokenBytes: new TextEncoder().encode(' Andrej'),
      tokenTranslated: 'ĠAndrej',
      tokenMerged: ['ĠAndre', 'j'],
      tokenIx: [10948, 73],
    });
    expect(work.parts[16]!.tokenBytes).toEqual(Uint8Array.of(32, 240, 159, 164, 151));
    expect(work.parts[16]!.tokenTranslated).toBe('ĠðŁ¤Ĺ');
    expect(work.parts[16]!.tokenMerged).toEqual(['ĠðŁ', '¤', 'Ĺ']);
    expect(work.bpeIdx).toEqual(encoder.encode("Hello!! I'm Andrej Karpathy. It's 2022. w00t :D 🤗"));
  });

  test('has exactly the keys of the Python dicts, in order', () => {
    const work = encoder.encodeAndShowWork('hi');
    expect(Object.keys(work)).toEqual(['bpeIdx', 'tokens', 'parts']);
    expect(Object.keys(work.parts[0]!)).toEqual([
      'token',
      'tokenBytes',
      'tokenTranslated',
      'tokenMerged',
      'tokenIx',
    ]);
  });

  test("encodeAndShowWork('') is empty", () => {
    expect(encoder.encodeAndShowWork('')).toEqual({ bpeIdx: [], tokens: [], parts: [] });
  });
});

describe('byte-level edge cases', () => {
  test("encode('') is [] and decode([]) is ''", () => {
    expect(encode('')).toEqual([]);
    expect(decode([])).toBe('');
  });

  test('decode replaces invalid UTF-8 as Python does', () => {
    expect(decode([12520])).toBe(' \ufffd'); // a space and the first two bytes of 🤗
    expect(decode([12520, 97])).toBe(' \ufffd');
    expect(decode([12520, 97, 245])).toBe(' 🤗');
    expect(decode([97, 245, 12520])).toBe('\ufffd\ufffd \ufffd'); // two lone continuation bytes
    expect(decode([12520, 11])).toBe(' \ufffd,');
  });

  test('decode keeps a leading byte-order mark, as Python does', () => {
    const ids = encode('\ufeffhello');
    expect(decode(ids)).toBe('\ufeffhello');
    expect(decode(encoder.encode('\ufeff'))).toBe('\ufeff');
  });

  test('encode turns a lone surrogate into U+FFFD (documented: Python raises UnicodeEncodeError)', () => {
    expect(encode('a\ud800b')).toEqual(encode('a\ufffdb'));
    expect(encode('\udc00')).toEqual(encode('\ufffd'));
    expect(decode(encode('x\ud83d'))).toBe('x\ufffd');
  });

  test('decode accepts typed arrays and iterables', () => {
    expect(decode(Int32Array.of(15496, 11))).toBe('Hello,');
    expect(decode(new Set([15496, 11]))).toBe('Hello,');
  });

  test('decodeBytes(ids) gives the raw bytes', () => {
    expect(encoder.decodeBytes([12520])).toEqual(Uint8Array.of(32, 240, 159));
  });

  test('prototype-like words are ordinary text', () => {
    const text = 'toString constructor hasOwnProperty valueOf __proto__';
    expect(decode(encode(text))).toBe(text);
  });

  test('a long run of one character encodes and decodes', () => {
    const text = 'x'.repeat(20_000);
    expect(decode(encode(text))).toBe(text);
    const spaces = ' '.repeat(10_000);
    expect(decode(encode(`${spaces}a`))).toBe(`${spaces}a`);
  });

  test('a full cache is emptied and results stay the same', () => {
    const small = new Encoder(getEncoder().vocabulary, { cacheSize: 2 });
    const text = 'one two three four five six seven one two three';
    expect(small.encode(text)).toEqual(encode(text));
  });
});

describe('special tokens', () => {
  test('allowedSpecial maps <|endoftext|> to 50256', () => {
    expect(encode('a<|endoftext|>b', { allowedSpecial: 'all' })).toEqual([64, 50256, 65]);
    expect(encode('<|endoftext|><|endoftext|>', { allowedSpecial: ['<|endoftext|>'] })).toEqual([
      50256, 50256,
    ]);
    expect(encode('a<|endoftext|>b', { allowedSpecial: [] })).toEqual(encode('a<|endoftext|>b'));
  });

  test('an unknown special token is an error naming it', () => {
    expect(() => encode('x', { allowedSpecial: ['<|im_start|>'] })).toThrow(
      /allowedSpecial.*<\|im_start\|>/s,
    );
  });
});

describe('bad input', () => {
  test.each([
    [42, /Encoder\.encode: text must be a string\. Expected a string, received number 42\./],
    [null, /received null/],
    [undefined, /received undefined/],
    [['a'], /received array of length 1/],
  ])('encode(%j) throws INVALID_ARGUMENT', (value, message) => {
    expect(() => encode(value as unknown as string)).toThrow(message);
    try {
      encode(value as unknown as string);
    } catch (error) {
      expect(LxmlsBpeError.isInstance(error)).toBe(true);
      expect((error as LxmlsBpeError).code).toBe('INVALID_ARGUMENT');
      expect((error as LxmlsBpeError).argument).toBe('text');
    }
  });

  test.each([
    [
      [15496, 50257],
      'UNKNOWN_TOKEN',
      /ids\[1\].*Expected an integer in \[0, 50257\), received number 50257\./,
    ],
    [[-1], 'UNKNOWN_TOKEN', /ids\[0\].*received number -1/],
    [[1, 2, 3.5], 'INVALID_ARGUMENT', /ids\[2\].*received number 3\.5/],
    [[Number.NaN], 'INVALID_ARGUMENT', /ids\[0\].*received number NaN/],
    [['7'], 'INVALID_ARGUMENT', /ids\[0\].*received string "7"/],
  ])('decode(%j) throws %s naming the position and the value', (ids, code, message) => {
    expect(() => decode(ids as number[])).toThrow(message);
    try {
      decode(ids as number[]);
    } catch (error) {
      expect((error as LxmlsBpeError).code).toBe(code);
    }
  });

  test('decode(42) says ids must be a list', () => {
    expect(() => decode(42 as unknown as number[])).toThrow(
      /ids must be a list of token ids.*received number 42/,
    );
  });

  test('bpe() of a character that stands for no byte is an error', () => {
    expect(() => encoder.bpe('a b')).toThrow(/Encoder\.bpe: character 1 of the token stands for no byte/);
  });
});

describe('long decodes (the flat token table and the reused buffer)', () => {
  // A fresh encoder so that the flat table is built here: it is used past 16,384 decoded ids.
  const fresh = new Encoder(getEncoder().vocabulary);
  const text = readFileSync(new URL('./__fixtures__/tinyshakespeare.txt', import.meta.url), 'utf8').slice(
    0,
    200_000,
  );
  const ids = fresh.encode(text);

  test('decode(ids) gives the text back from an array, a Uint32Array and an Int32Array', () => {
    expect(ids.length).toBeGreaterThan(16_384);
    expect(fresh.decode(ids)).toBe(text);
    expect(fresh.decode(Uint32Array.from(ids))).toBe(text);
    expect(fresh.decode(Int32Array.from(ids))).toBe(text);
  });

  test('decodeBytes(ids) returns its own copy: a later decode does not change it', () => {
    const first = fresh.decodeBytes(ids.slice(0, 20_000));
    const copy = first.slice();
    fresh.decode(ids.slice(20_000, 40_000));
    fresh.decodeBytes([50256, 12520, 50255]);
    expect(first).toEqual(copy);
    expect(new TextDecoder().decode(first)).toBe(fresh.decode(ids.slice(0, 20_000)));
  });

  test('decode of tokens longer than 8 bytes and of <|endoftext|> after the table is built', () => {
    const long = fresh.encode(' ----------------------------------------------------------------');
    expect(long.length).toBeLessThan(4);
    expect(fresh.decode([...long, 50256, ...long])).toBe(
      ' ----------------------------------------------------------------<|endoftext|> ----------------------------------------------------------------',
    );
  });

  test.each([
    [1.5, 'INVALID_ARGUMENT'],
    [-1, 'UNKNOWN_TOKEN'],
    [50257, 'UNKNOWN_TOKEN'],
    [Number.NaN, 'INVALID_ARGUMENT'],
  ])('decode(long ids with %s at the end) throws %s naming the position', (bad, code) => {
    const list = [...ids.slice(0, 20_000), bad];
    try {
      fresh.decode(list);
      expect.unreachable();
    } catch (error) {
      expect((error as LxmlsBpeError).code).toBe(code);
      expect((error as LxmlsBpeError).message).toContain('ids[20000] is not a token id');
    }
  });
});
