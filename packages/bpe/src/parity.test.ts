// Parity with a peer: tiktoken (the WASM build of OpenAI's Rust tokenizer, a devDependency) on random text,
// and the scanner of pretokenize.ts against the GPT-2 regex it replaces.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { get_encoding, type Tiktoken } from 'tiktoken';
import { afterAll, describe, expect, test } from 'vitest';
import { decode, encode, GPT2_PATTERN, preTokenize } from './index.js';

const tiktoken: Tiktoken = get_encoding('gpt2');
afterAll(() => tiktoken.free());
const peer = (text: string) => Array.from(tiktoken.encode_ordinary(text));

/** Pieces that exercise every branch of the pre-tokenizer: contractions, Python-only whitespace, scripts, emoji. */
const piece = fc.oneof(
  fc.constantFrom(
    "'s",
    "'t",
    "'re",
    "'ve",
    "'m",
    "'ll",
    "'d",
    "'S",
    "'",
    ' ',
    '  ',
    '\n',
    '\r\n',
    '\t',
    '\u0085',
    '\u00a0',
    '\u2028',
    '\u3000',
    '\ufeff',
    '\u200b',
    '\u180e',
    '\u001c',
    'the',
    ' world',
    'Ωμέγα',
    'добрый',
    '日本語',
    '한국어',
    'مرحبا',
    '१२३',
    '٣',
    'Ⅻ',
    '½',
    '🤗',
    '👨‍👩‍👧‍👦',
    '👍🏽',
    'é',
    'e\u0301',
    '<|endoftext|>',
    '$',
    '...',
    '2022',
    'x²',
    '\u0000',
    '\u007f',
  ),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
);
const text = fc.array(piece, { maxLength: 24 }).map((pieces) => pieces.join(''));

describe('agreement with tiktoken (gpt2, encode_ordinary)', () => {
  test('encode(text) equals tiktoken on random Unicode text', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(encode(s)).toEqual(peer(s));
      }),
      { numRuns: 3000, seed: 20261127 },
    );
  });

  test('encode(text) equals tiktoken on random full-Unicode strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 64 }), (s) => {
        expect(encode(s)).toEqual(peer(s));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  test('all of tinyshakespeare.txt encodes identically to tiktoken', () => {
    const corpus = readFileSync(new URL('./__fixtures__/tinyshakespeare.txt', import.meta.url), 'utf8');
    const ids = encode(corpus);
    expect(ids.length).toBe(338_025);
    expect(Int32Array.from(ids)).toEqual(Int32Array.from(peer(corpus)));
    expect(decode(ids)).toBe(corpus);
  });
});

describe('round trip', () => {
  test('decode(encode(s)) === s for every well-formed string', () => {
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'binary', maxLength: 200 })), (s) => {
        expect(decode(encode(s))).toBe(s);
      }),
      { numRuns: 3000, seed: 42 },
    );
  });

  test('decode(encode(s)) is s with lone surrogates replaced by U+FFFD', () => {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 });
    fc.assert(
      fc.property(units, (codes) => {
        const s = String.fromCharCode(...codes);
        expect(decode(encode(s))).toBe(s.toWellFormed());
      }),
      { numRuns: 3000, seed: 3 },
    );
  });

  test('decode(ids) equals Python-style replacement decoding for random ids', () => {
    const strict = new TextDecoder('utf-8', { ignoreBOM: true });
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50256 }), { maxLength: 30 }), (ids) => {
        expect(decode(ids)).toBe(strict.decode(tiktoken.decode(Uint32Array.from(ids))));
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});

describe('preTokenize(text) against GPT2_PATTERN', () => {
  test('the scanner cuts exactly where the regex does', () => {
    const withSurrogates = fc
      .array(
        fc.oneof(
          piece,
          fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
        ),
        {
          maxLength: 24,
        },
      )
      .map((p) => p.join(''));
    fc.assert(
      fc.property(fc.oneof(text, withSurrogates), (s) => {
        expect(preTokenize(s)).toEqual(s.match(GPT2_PATTERN) ?? []);
      }),
      { numRuns: 5000, seed: 5 },
    );
  });

  test.each([
    ["I'M DON'T you're", ['I', "'", 'M', ' DON', "'", 'T', ' you', "'re"]],
    ['  multiple', [' ', ' multiple']],
    [' 🤗,', [' 🤗,']],
    ['a\n\nb', ['a', '\n', '\n', 'b']],
    ['end   ', ['end', '   ']],
    ['x\u0085y', ['x', '\u0085', 'y']],
    ['x\ufeffy', ['x', '\ufeff', 'y']],
  ])('preTokenize(%j)', (input, chunks) => {
    expect(preTokenize(input)).toEqual(chunks);
  });
});
