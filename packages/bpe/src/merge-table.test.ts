// MergeTable: the round-by-round merge (Python's loop, for short chunks) and the heap merge (long chunks,
// issue 17: an adversarial word without spaces) give Python's result on GPT-2's merges and on hostile tables
// whose merges create lower-ranked pairs, compared with a transcription of encoder.py's `bpe` loop.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { getEncoder } from './index.js';
import { LONG_CHUNK, MergeTable, NO_RANK } from './merge-table.js';

/** encoder.py's `bpe(token)` on ids: the lowest-ranked pair, every occurrence left to right, until none. */
function pythonBpe(table: MergeTable, word: number[]): number[] {
  while (word.length > 1) {
    let best = NO_RANK;
    for (let i = 0; i < word.length - 1; i++) best = Math.min(best, table.rank(word[i]!, word[i + 1]!));
    if (best === NO_RANK) break;
    const first = table.left[best]!;
    const second = table.right[best]!;
    const out: number[] = [];
    for (let i = 0; i < word.length; ) {
      if (word[i] === first && i < word.length - 1 && word[i + 1] === second) {
        out.push(table.result[best]!);
        i += 2;
      } else out.push(word[i++]!);
    }
    word = out;
  }
  return word;
}

const rounds = (table: MergeTable, word: number[]) => {
  const ids = Int32Array.from(word);
  const n = table.mergeRounds(ids, ids.length, new Int32Array(ids.length), new Int32Array(ids.length));
  return Array.from(ids.subarray(0, n));
};
const heap = (table: MergeTable, word: number[]) => {
  const ids = Int32Array.from(word);
  return Array.from(ids.subarray(0, table.mergeHeap(ids, ids.length)));
};

/** A random merge table over ids [0, 6): any pair, any result in [0, 8), in any order (no vocabulary behind it). */
const hostileTable = fc
  .uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 5 })), {
    minLength: 1,
    maxLength: 20,
    selector: ([a, b]) => a * 6 + b,
  })
  .chain((pairs) =>
    fc.array(fc.integer({ min: 0, max: 7 }), { minLength: pairs.length, maxLength: pairs.length }).map(
      (results) =>
        new MergeTable(
          Int32Array.from(pairs, ([a]) => a),
          Int32Array.from(pairs, ([, b]) => b),
          Int32Array.from(results),
        ),
    ),
  );

describe('MergeTable', () => {
  // a = 0, b = 1, X = 2, Y = 3
  test.each([
    [
      'a merge that makes a lower-ranked pair waits for the round to end',
      [
        [2, 0, 3],
        [0, 1, 2],
      ],
      [0, 1, 0, 1],
      [2, 2],
    ],
    ['overlapping occurrences are taken left to right', [[0, 0, 2]], [0, 0, 0, 0, 0], [2, 2, 0]],
    ['a merge whose result is its own left symbol', [[0, 1, 0]], [0, 1, 1, 0, 1], [0, 0]],
    [
      'pairs of one round that a merge breaks',
      [
        [0, 1, 2],
        [1, 0, 3],
      ],
      [1, 0, 1, 0],
      [1, 2, 0],
    ],
  ])('MergeTable.mergeHeap: %s, as encoder.py', (_, merges, word, expected) => {
    const table = new MergeTable(
      Int32Array.from(merges, (m) => m[0]!),
      Int32Array.from(merges, (m) => m[1]!),
      Int32Array.from(merges, (m) => m[2]!),
    );
    expect(pythonBpe(table, word)).toEqual(expected);
    expect(heap(table, word)).toEqual(expected);
    expect(rounds(table, word)).toEqual(expected);
  });

  test('MergeTable.mergeHeap and mergeRounds equal encoder.py on hostile tables and words (property)', () => {
    fc.assert(
      fc.property(
        hostileTable,
        fc.array(fc.integer({ min: 0, max: 11 }), { maxLength: 80 }),
        (table, word) => {
          const expected = pythonBpe(table, word);
          expect(heap(table, word)).toEqual(expected);
          expect(rounds(table, word)).toEqual(expected);
        },
      ),
      { seed: 17, numRuns: 3000 },
    );
  });

  test('MergeTable.mergeHeap equals encoder.py on GPT-2 merges for long words of letters, digits and bytes (property)', () => {
    const table = (getEncoder() as unknown as { table: MergeTable }).table;
    const byteToId = getEncoder().vocabulary.byteToId;
    const alphabets = ['abcdefghijklmnopqrstuvwxyz', 'aaaaaab', '0123456789', 'ab'];
    fc.assert(
      fc.property(
        fc.constantFrom(...alphabets),
        fc.array(fc.nat(), { minLength: 1, maxLength: 700 }),
        (alphabet, picks) => {
          const word = picks.map((k) => byteToId[alphabet.charCodeAt(k % alphabet.length)]!);
          expect(heap(table, word)).toEqual(pythonBpe(table, word));
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });

  test(`Encoder.encode of a word longer than ${LONG_CHUNK} bytes (the heap merge) round-trips and equals the round merge`, () => {
    const encoder = getEncoder();
    const table = (encoder as unknown as { table: MergeTable }).table;
    let state = 12345; // a seeded LCG: random lowercase letters, one "word" without spaces
    const letters = Array.from({ length: 20_000 }, () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return String.fromCharCode(97 + ((state >>> 16) % 26));
    }).join('');
    const ids = encoder.encode(letters);
    expect(encoder.decode(ids)).toBe(letters);
    const word = Array.from(letters, (c) => encoder.vocabulary.byteToId[c.charCodeAt(0)]!);
    expect(ids).toEqual(rounds(table, word));
  });
});
