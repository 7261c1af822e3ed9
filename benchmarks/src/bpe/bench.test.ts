/**
 * Smoke tests of the BPE benchmark's inputs and checks, with no timing: the corpora are deterministic, of the
 * stated sizes, well-formed UTF-16 and free of `<|endoftext|>`; the ~1 kB pieces put back together give the
 * corpus; the ids hash is stable; and @lxmls/bpe's ids equal tiktoken's on the generated corpora.
 */

import { afterAll, describe, expect, test } from 'vitest';
import { findContender, type Tokenizer } from './contenders.js';
import {
  CORPUS_BYTES,
  CORPUS_NAMES,
  loadCorpora,
  mixedScriptText,
  mulberry32,
  randomUnicodeText,
  splitIntoChunks,
} from './corpora.js';
import { IdsHasher, idsHash, median } from './measure.js';
import { parityHashes } from './run.js';

const full = loadCorpora();
const quick = loadCorpora({ quick: true });

/** True when `text` has no lone surrogate: it survives a UTF-8 round trip unchanged. */
function isWellFormed(text: string): boolean {
  return new TextDecoder().decode(new TextEncoder().encode(text)) === text;
}

describe('mulberry32', () => {
  test('mulberry32(seed) gives the same sequence for the same seed, in [0, 1)', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });
});

describe('loadCorpora', () => {
  test('loadCorpora() gives the four corpora in order, the same on every call', () => {
    expect(full.map((c) => c.name)).toEqual(CORPUS_NAMES);
    expect(loadCorpora()).toEqual(full);
    expect(loadCorpora({ quick: true })).toEqual(quick);
  });

  test('mixedScriptText and randomUnicodeText depend on the seed', () => {
    expect(mixedScriptText(5000, 1)).toBe(mixedScriptText(5000, 1));
    expect(mixedScriptText(5000, 1)).not.toBe(mixedScriptText(5000, 2));
    expect(randomUnicodeText(5000, 1)).toBe(randomUnicodeText(5000, 1));
    expect(randomUnicodeText(5000, 1)).not.toBe(randomUnicodeText(5000, 2));
  });

  const sizes: Record<string, [number, number]> = {
    tinyshakespeare: [1_115_394, 1_115_394],
    'mixed-script': [290_000, 310_000],
    code: [200_000, 300_000],
    'random-unicode': [190_000, 210_000],
  };
  test.each(full.map((c) => [c.name, c] as const))('loadCorpora() %s has the stated size', (name, corpus) => {
    const bytes = Buffer.byteLength(corpus.text);
    expect(bytes).toBeGreaterThanOrEqual(sizes[name]![0]);
    expect(bytes).toBeLessThanOrEqual(sizes[name]![1]);
  });

  test.each(quick.map((c) => [c.name, c] as const))(
    'loadCorpora({ quick: true }) %s is small',
    (name, corpus) => {
      const bytes = Buffer.byteLength(corpus.text);
      expect(bytes).toBeGreaterThan(CORPUS_BYTES.quick[name] * 0.8);
      expect(bytes).toBeLessThan(CORPUS_BYTES.quick[name] * 1.1);
    },
  );

  test.each([...full, ...quick].map((c) => [c.name, c] as const))(
    'loadCorpora() %s is well-formed UTF-16 without <|endoftext|>',
    (_, corpus) => {
      expect(isWellFormed(corpus.text)).toBe(true);
      expect(corpus.text).not.toContain('<|endoftext|>');
    },
  );

  test('the mixed-script corpus has every script, emoji ZWJ sequences and skin tones', () => {
    const text = full[1]!.text;
    for (const script of [
      'Latin',
      'Cyrillic',
      'Greek',
      'Arabic',
      'Hebrew',
      'Devanagari',
      'Han',
      'Hangul',
      'Thai',
    ]) {
      expect(text).toMatch(new RegExp(`\\p{Script=${script}}`, 'u'));
    }
    expect(text).toContain('\u200d');
    expect(text).toMatch(/\u{1F3FD}/u);
    expect(text).toMatch(/[0-9]/);
  });

  test('the random-unicode corpus has surrogate pairs, spaces and newlines', () => {
    const text = full[3]!.text;
    expect(text).toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(text).toContain(' ');
    expect(text).toContain('\n');
  });
});

describe('splitIntoChunks', () => {
  test.each(full.map((c) => [c.name, c] as const))(
    'splitIntoChunks(%s) gives ~1 kB pieces that join back',
    (_, c) => {
      const chunks = splitIntoChunks(c.text);
      expect(chunks.join('')).toBe(c.text);
      expect(chunks.every((chunk) => chunk.length > 0 && chunk.length <= 4001)).toBe(true);
      expect(chunks.every(isWellFormed)).toBe(true);
      expect(median(chunks.map((chunk) => chunk.length))).toBeGreaterThanOrEqual(1000);
    },
  );

  test('splitIntoChunks never cuts a surrogate pair', () => {
    const text = '😀'.repeat(3000);
    const chunks = splitIntoChunks(text, 999);
    expect(chunks.join('')).toBe(text);
    expect(chunks.every(isWellFormed)).toBe(true);
  });

  test('splitIntoChunks("") gives no pieces', () => {
    expect(splitIntoChunks('')).toEqual([]);
  });
});

describe('idsHash', () => {
  test('idsHash gives count:hash, equal for equal ids, streamable', () => {
    expect(idsHash([])).toBe('0:811c9dc5');
    expect(idsHash([1, 2, 3])).toBe(idsHash(Uint32Array.of(1, 2, 3)));
    expect(idsHash([1, 2, 3])).not.toBe(idsHash([1, 3, 2]));
    expect(idsHash([50256, 0])).not.toBe(idsHash([50256, 1]));
    expect(new IdsHasher().add([1, 2]).add([3]).digest()).toBe(idsHash([1, 2, 3]));
  });
});

describe('parity of @lxmls/bpe with tiktoken (correctness, not timing)', () => {
  let lxmls: Tokenizer | undefined;
  let tiktoken: Tokenizer | undefined;
  afterAll(() => tiktoken?.free?.());

  test.each(full.filter((c) => c.name !== 'tinyshakespeare').map((c) => [c.name, c] as const))(
    'parityHashes(@lxmls/bpe, %s) equals tiktoken, and decode(encode(text)) === text',
    async (_, corpus) => {
      lxmls ??= await findContender('@lxmls/bpe')!.load();
      tiktoken ??= await findContender('tiktoken')!.load();
      expect(parityHashes(lxmls, corpus.text)).toEqual(parityHashes(tiktoken, corpus.text));
      expect(lxmls.decode(lxmls.encode(corpus.text))).toBe(corpus.text);
    },
  );
});
