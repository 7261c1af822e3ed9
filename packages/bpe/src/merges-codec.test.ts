// Tests of merges-codec.ts and of the data it ships (generated/gpt2-merges.ts): exactly GPT-2's merges, up to
// date with the script, escape-free, and round trips of other merge lists.
import { readFileSync } from 'node:fs';
import { thrownError } from '@lxmls/base';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { GPT2_MERGE_COUNT, GPT2_MERGES } from './generated/gpt2-merges.js';
import { LxmlsBpeError } from './index.js';
import { decodeMerges, encodeMerges, MERGES_ALPHABET } from './merges-codec.js';

const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');

/** GPT-2's merges as ids, read from encoder.json and vocab.bpe as scripts/codegen-gpt2.mjs reads them. */
function gpt2Merges(): { left: number[]; right: number[] } {
  const encoder = JSON.parse(fixture('encoder.json')) as Record<string, number>;
  const lines = fixture('vocab.bpe').split('\n').slice(1, -1);
  const left: number[] = [];
  const right: number[] = [];
  for (const line of lines) {
    const [a, b] = line.split(' ') as [string, string];
    left.push(encoder[a]!);
    right.push(encoder[b]!);
  }
  return { left, right };
}

/** FNV-1a over ids interleaved as (left, right), two bytes each, little-endian. */
function checksum(left: ArrayLike<number>, right: ArrayLike<number>): string {
  let h = 0x811c9dc5;
  for (let r = 0; r < left.length; r++) {
    for (const id of [left[r]!, right[r]!]) {
      h = Math.imul(h ^ (id & 0xff), 0x01000193);
      h = Math.imul(h ^ (id >>> 8), 0x01000193);
    }
  }
  return (h >>> 0).toString(16);
}

/** Runs `f` and returns the LxmlsBpeError it throws. */
const thrown = (f: () => unknown): LxmlsBpeError => thrownError(LxmlsBpeError, f);

describe('GPT2_MERGES (generated/gpt2-merges.ts)', () => {
  const expected = gpt2Merges();
  const decoded = decodeMerges(GPT2_MERGES, GPT2_MERGE_COUNT);

  test('decodeMerges(GPT2_MERGES) gives the merges of vocab.bpe, id for id', () => {
    expect(GPT2_MERGE_COUNT).toBe(50_000);
    expect(Array.from(decoded.left)).toEqual(expected.left);
    expect(Array.from(decoded.right)).toEqual(expected.right);
  });

  test('decodeMerges(GPT2_MERGES) gives the ids that the package shipped before (checksum and ends)', () => {
    // The 100,000 ids of the earlier data (one UTF-16 code unit per id), taken before it was replaced.
    expect(checksum(decoded.left, decoded.right)).toBe('a5fee96e');
    expect([decoded.left[0], decoded.right[0], decoded.left[1], decoded.right[1]]).toEqual([
      220, 83, 220, 64,
    ]);
    expect([decoded.left[49_999], decoded.right[49_999]]).toEqual([308, 13_865]);
  });

  test('encodeMerges(vocab.bpe) equals GPT2_MERGES: the generated file is up to date', () => {
    // If this fails, run `tsc --build && node scripts/codegen-gpt2.mjs` in packages/bpe.
    expect(encodeMerges(expected.left, expected.right) === GPT2_MERGES).toBe(true);
  });

  test('GPT2_MERGES is printable ASCII that no quote style, template literal, HTML or JSON escapes', () => {
    expect(GPT2_MERGES.length).toBeLessThan(190_000);
    expect(/^[!#(-;=?-[\]-_a-~]+$/.test(GPT2_MERGES)).toBe(true);
    expect(JSON.stringify(GPT2_MERGES)).toBe(`"${GPT2_MERGES}"`);
    for (const bad of ['"', "'", '`', '\\', '$', '<', '>', '&', ' '])
      expect(GPT2_MERGES.includes(bad)).toBe(false);
  });
});

describe('encodeMerges / decodeMerges', () => {
  test('MERGES_ALPHABET has 85 distinct printable characters in code order', () => {
    expect(MERGES_ALPHABET.length).toBe(85);
    expect(new Set(MERGES_ALPHABET).size).toBe(85);
    expect([...MERGES_ALPHABET].every((c, i) => i === 0 || c > MERGES_ALPHABET[i - 1]!)).toBe(true);
  });

  test('decodeMerges(encodeMerges(merges)) gives any valid merge list back (property)', () => {
    // Merge r may join any two ids below 256 + r; often a small one, as in real vocabularies.
    const merges = fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { maxLength: 600 });
    fc.assert(
      fc.property(merges, (pairs) => {
        const left = pairs.map(([a, , small], r) => a % (small ? Math.min(300, 256 + r) : 256 + r));
        const right = pairs.map(([, b], r) => b % (256 + r));
        const text = encodeMerges(left, right);
        const back = decodeMerges(text, pairs.length);
        expect(Array.from(back.left)).toEqual(left);
        expect(Array.from(back.right)).toEqual(right);
        expect(/^[!#(-;=?-[\]-_a-~]+$/.test(text)).toBe(true);
      }),
      { numRuns: 200, seed: 20261206 },
    );
  });

  test('encodeMerges refuses an id that is not a token yet', () => {
    expect(() => encodeMerges([0, 300], [1, 2])).toThrow(RangeError);
  });

  test.each([
    ['a character outside the alphabet', `${GPT2_MERGES.slice(0, 5000)}"${GPT2_MERGES.slice(5001)}`],
    ['a text shorter than the frequency table', GPT2_MERGES.slice(0, 100)],
    ['a broken frequency table', `~~~~${GPT2_MERGES.slice(4)}`],
  ])('decodeMerges throws INVALID_VOCABULARY on %s', (_, text) => {
    const error = thrown(() => decodeMerges(text, GPT2_MERGE_COUNT));
    expect(error.code).toBe('INVALID_VOCABULARY');
    expect(error.message).toBe(
      '[@lxmls/bpe] getEncoder: the bundled merge data is corrupt. Expected the text written by scripts/codegen-gpt2.mjs.',
    );
  });
});
