// Tests of train.ts: trainBPE on hand-checked corpora, against a naive trainer, and on tinyshakespeare.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { bytesToUnicode, LxmlsBpeError, preTokenize, type TrainBPEProgress, trainBPE } from './index.js';

const shakespeare = readFileSync(new URL('./__fixtures__/tinyshakespeare.txt', import.meta.url), 'utf8');

/** The merges as `'left right'` strings, easy to read in a failing test. */
const mergesOf = (encoder: ReturnType<typeof trainBPE>) => encoder.getMerges().map((pair) => pair.join(' '));

const byteToChar = bytesToUnicode();
const charToByte = new Map([...byteToChar].map(([b, c]) => [c, b]));

/**
 * BPE training done the slow, obvious way: recount every pair of every chunk after each merge. The test
 * compares trainBPE with it. Symbols are GPT-2 token strings (one character per byte).
 */
function naiveTrain(texts: string[], maxMerges: number, minFrequency: number) {
  const words = new Map<string, number>();
  for (const text of texts) {
    for (const chunk of preTokenize(text)) {
      const symbols = Array.from(new TextEncoder().encode(chunk), (b) => byteToChar.get(b)!);
      const key = symbols.join(' ');
      words.set(key, (words.get(key) ?? 0) + 1);
    }
  }
  let segmented = [...words].map(([key, count]) => ({ symbols: key.split(' '), count }));
  const bytesOf = (token: string) => Array.from(token, (c) => charToByte.get(c)!);
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return a.length - b.length;
  };
  const merges: string[] = [];
  while (merges.length < maxMerges) {
    const counts = new Map<string, number>();
    for (const { symbols, count } of segmented) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        counts.set(key, (counts.get(key) ?? 0) + count);
      }
    }
    let best: [string, string, number] | undefined;
    for (const [key, count] of counts) {
      const [left, right] = key.split(' ') as [string, string];
      const order =
        best === undefined
          ? -1
          : best[2] - count ||
            compare(bytesOf(left), bytesOf(best[0])) ||
            compare(bytesOf(right), bytesOf(best[1]));
      if (order < 0) best = [left, right, count];
    }
    if (best === undefined || best[2] < Math.max(1, minFrequency)) break;
    const [left, right] = best;
    merges.push(`${left} ${right}`);
    segmented = segmented.map(({ symbols, count }) => {
      const out: string[] = [];
      for (let i = 0; i < symbols.length; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          out.push(left + right);
          i++;
        } else out.push(symbols[i]!);
      }
      return { symbols: out, count };
    });
  }
  return { merges, segmented };
}

describe('trainBPE', () => {
  test('trainBPE("aaabdaaabac") learns the textbook merges aa, ab, aaab and stops when every pair is unique', () => {
    const encoder = trainBPE('aaabdaaabac', { vocabSize: 1000 });
    expect(mergesOf(encoder)).toEqual(['a a', 'a b', 'aa ab']);
    expect(encoder.vocabSize).toBe(256 + 3 + 1);
    expect(encoder.encode('aaabdaaabac').map((id) => encoder.idToToken(id))).toEqual([
      'aaab',
      'd',
      'aaab',
      'a',
      'c',
    ]);
  });

  test('trainBPE(words) keeps the leading space of a word: " low" and "low" are different chunks', () => {
    const corpus = 'low lower lowest newer wider';
    // Counts: e r, l o, o w, w e: 3 each; the tie goes to the smaller left token, 'e'. Then l o, lo w and
    // Ġ low (2: ' lower', ' lowest'); every pair left occurs once.
    const encoder = trainBPE(corpus, { vocabSize: 1000 });
    expect(mergesOf(encoder)).toEqual(['e r', 'l o', 'lo w', 'Ġ low']);
    expect(encoder.encode(' lowest').map((id) => encoder.idToToken(id))).toEqual(['Ġlow', 'e', 's', 't']);
    expect(encoder.encode('lowest').map((id) => encoder.idToToken(id))).toEqual(['low', 'e', 's', 't']);
    // With minFrequency 1 the pairs seen once are merged too, ties by the bytes of the left then right token.
    const more = trainBPE(corpus, { vocabSize: 262, minFrequency: 1 });
    expect(mergesOf(more)).toEqual(['e r', 'l o', 'lo w', 'Ġ low', 'Ġ n']);
  });

  test('trainBPE(corpus, { vocabSize }) stops at vocabSize = 256 + merges + special tokens', () => {
    const encoder = trainBPE(shakespeare, { vocabSize: 1000 });
    expect(encoder.vocabSize).toBe(1000);
    expect(encoder.getMerges()).toHaveLength(1000 - 256 - 1);
    expect(encoder.specialTokens).toEqual(new Map([['<|endoftext|>', 999]]));
    expect(mergesOf(encoder).slice(0, 4)).toEqual(['Ġ t', 'h e', 'Ġ a', 'o u']);
    const ids = encoder.encode(shakespeare);
    expect(encoder.decode(ids)).toBe(shakespeare);
    expect(ids.length).toBeLessThan(shakespeare.length / 2);
  });

  test('trainBPE matches a naive trainer that recounts every pair after each merge (property)', () => {
    const text = fc.array(
      fc.constantFrom('a', 'b', 'ab', 'ba', ' ', '  ', 'é', '🤗', '1', '!', "'s", '\n', 'aaa'),
      { maxLength: 25 },
    );
    fc.assert(
      fc.property(
        fc.array(
          text.map((parts) => parts.join('')),
          { maxLength: 4 },
        ),
        fc.nat(3),
        (texts, minFrequency) => {
          const reference = naiveTrain(texts, 40, minFrequency);
          const encoder = trainBPE(texts, { vocabSize: 256 + 40, specialTokens: [], minFrequency });
          expect(mergesOf(encoder)).toEqual(reference.merges);
          // Encoding a training chunk with the learned merges gives the segmentation training ended with.
          for (const { symbols } of reference.segmented) {
            const chunk = new TextDecoder().decode(
              Uint8Array.from(symbols.join(''), (c) => charToByte.get(c)!),
            );
            expect(encoder.encode(chunk).map((id) => encoder.idToToken(id))).toEqual(symbols);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  test('trainBPE is deterministic: the same text, or the same documents in another order, give the same merges', () => {
    const documents = shakespeare.slice(0, 200_000).split('\n\n');
    const a = trainBPE(documents, { vocabSize: 600 });
    const b = trainBPE([...documents].reverse(), { vocabSize: 600 });
    const c = trainBPE(documents, { vocabSize: 600 });
    expect(mergesOf(b)).toEqual(mergesOf(a));
    expect(mergesOf(c)).toEqual(mergesOf(a));
  });

  test('trainBPE(corpus, { onProgress }) reports each merge as it is learned', () => {
    const seen: TrainBPEProgress[] = [];
    const encoder = trainBPE('low lower lowest newer wider', {
      vocabSize: 300,
      onProgress: (progress) => seen.push(progress),
    });
    expect(seen.map((p) => p.merges)).toEqual([1, 2, 3, 4]);
    expect(seen.map((p) => p.pair.join(' '))).toEqual(mergesOf(encoder));
    expect(seen.map((p) => p.count)).toEqual([3, 3, 3, 2]);
    expect(seen[0]!.maxMerges).toBe(300 - 256 - 1);
  });

  test('trainBPE(corpus, { specialTokens }) cuts the corpus at special tokens and numbers them last', () => {
    const encoder = trainBPE('<|endoftext|>hello<|endoftext|>hello<|pad|><|pad|>', {
      vocabSize: 300,
      specialTokens: ['<|endoftext|>', '<|pad|>'],
    });
    expect(mergesOf(encoder).some((merge) => /[<|>]/.test(merge))).toBe(false);
    const n = encoder.getMerges().length;
    expect([...encoder.specialTokens]).toEqual([
      ['<|endoftext|>', 256 + n],
      ['<|pad|>', 257 + n],
    ]);
    expect(encoder.encode('hello<|pad|>', { allowedSpecial: 'all' })).toEqual([
      encoder.tokenToId('hello'),
      257 + n,
    ]);
  });

  test('trainBPE(empty corpus) gives the 256 byte tokens and the special tokens', () => {
    for (const corpus of ['', [], ['', 'x']]) {
      const encoder = trainBPE(corpus, { vocabSize: 1000 });
      expect(encoder.vocabSize).toBe(257);
      expect(encoder.decode(encoder.encode('any text 🤗'))).toBe('any text 🤗');
    }
  });

  test('trainBPE round-trips any text with the trained encoder (property)', () => {
    const encoder = trainBPE(shakespeare.slice(0, 100_000), { vocabSize: 500 });
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        expect(encoder.decode(encoder.encode(text))).toBe(text);
      }),
    );
  });

  test.each([
    ['corpus', 42, { vocabSize: 300 }, 'corpus'],
    ['a corpus entry', ['ok', 7], { vocabSize: 300 }, 'corpus[1]'],
    ['options', 'text', undefined, 'options'],
    ['vocabSize below 256 + specials', 'text', { vocabSize: 256 }, 'options.vocabSize'],
    ['a fractional vocabSize', 'text', { vocabSize: 300.5 }, 'options.vocabSize'],
    ['a missing vocabSize', 'text', {}, 'options.vocabSize'],
    [
      'repeated special tokens',
      'text',
      { vocabSize: 300, specialTokens: ['<a>', '<a>'] },
      'options.specialTokens',
    ],
    ['an empty special token', 'text', { vocabSize: 300, specialTokens: [''] }, 'options.specialTokens'],
    ['a negative minFrequency', 'text', { vocabSize: 300, minFrequency: -1 }, 'options.minFrequency'],
    ['a non-function onProgress', 'text', { vocabSize: 300, onProgress: 1 }, 'options.onProgress'],
  ])('trainBPE with %s throws INVALID_ARGUMENT naming the argument', (_, corpus, options, argument) => {
    try {
      trainBPE(corpus as string, options as never);
      expect.unreachable();
    } catch (e) {
      expect(LxmlsBpeError.isInstance(e)).toBe(true);
      expect((e as LxmlsBpeError).code).toBe('INVALID_ARGUMENT');
      expect((e as LxmlsBpeError).argument).toBe(argument);
      expect((e as LxmlsBpeError).message).toMatch(
        /^\[@lxmls\/bpe\] trainBPE: .*\. Expected .*, received .*\.$/,
      );
    }
  });

  test('trainBPE says how large vocabSize must be', () => {
    expect(() => trainBPE('text', { vocabSize: 100, specialTokens: ['<a>', '<b>'] })).toThrowError(
      '[@lxmls/bpe] trainBPE: options.vocabSize is out of range. Expected an integer from 258 (256 bytes + 2 special tokens) to 67108864, received number 100.',
    );
  });
});
