import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { LxmlsBertError } from './errors.js';
import { attentionPatterns, headPatterns, strongestHeads } from './heads.js';
import { BertModel } from './model.js';
import { BertTokenizer } from './tokenizer.js';
import { attentionForViz } from './viz.js';

const dir = new URL('./__fixtures__/tiny-bert/', import.meta.url);
const model = BertModel.fromSafetensors(
  readFileSync(new URL('config.json', dir), 'utf8'),
  readFileSync(new URL('model.safetensors', dir)),
);
const tokenizer = BertTokenizer.fromVocab(readFileSync(new URL('vocab.txt', dir), 'utf8'));
// "will" twice (the same token); "embeddings" is four pieces (the same word)
const texts = ['I will go for a run and will jump into a lake.', 'The embeddings were unhappily cold.'];

describe('attentionPatterns', () => {
  test('attentionPatterns gives every layer and head, with the counts of texts and queries', () => {
    const { heads, texts: n, queries } = attentionPatterns(model, tokenizer, texts);
    expect(heads.map((h) => `${h.layer}.${h.head}`)).toEqual([
      '0.0',
      '0.1',
      '0.2',
      '1.0',
      '1.1',
      '1.2',
      '2.0',
      '2.1',
      '2.2',
    ]);
    expect(n).toBe(2);
    expect(queries).toBe(15 + tokenizer.tokenize(texts[1]!).length + 2);
  });

  test('attentionPatterns scores equal the means computed by hand from attentionForViz', () => {
    const { heads } = attentionPatterns(model, tokenizer, texts);
    const sums = { previous: 0, next: 0, self: 0, cls: 0, sep: 0, sameToken: 0, sameWord: 0 };
    const counts = { previous: 0, next: 0, self: 0, cls: 0, sep: 0, sameToken: 0, sameWord: 0 };
    for (const text of texts) {
      const { tokens, attention } = attentionForViz(model, tokenizer, text);
      const a = attention[1]![2]!; // layer 1, head 2
      const T = tokens.length;
      const wordOf = (i: number): number => (i > 0 && tokens[i]!.startsWith('##') ? wordOf(i - 1) : i);
      for (let i = 0; i < T; i++) {
        if (i > 0) {
          sums.previous += a[i]![i - 1]!;
          counts.previous++;
        }
        if (i < T - 1) {
          sums.next += a[i]![i + 1]!;
          counts.next++;
        }
        sums.self += a[i]![i]!;
        counts.self++;
        sums.cls += a[i]![0]!;
        counts.cls++;
        sums.sep += a[i]![T - 1]!;
        counts.sep++;
        const same = tokens.flatMap((t, j) => (j !== i && t === tokens[i] ? [j] : []));
        if (same.length > 0) {
          sums.sameToken += same.reduce((s, j) => s + a[i]![j]!, 0);
          counts.sameToken++;
        }
        const word = tokens.flatMap((_, j) => (j !== i && wordOf(j) === wordOf(i) ? [j] : []));
        if (word.length > 0) {
          sums.sameWord += word.reduce((s, j) => s + a[i]![j]!, 0);
          counts.sameWord++;
        }
      }
    }
    expect(counts.sameToken).toBe(4); // "will" ×2 and "a" ×2 in the first text
    expect(counts.sameWord).toBeGreaterThan(0); // a word of several pieces in the second
    const head = heads.find((h) => h.layer === 1 && h.head === 2)!;
    for (const key of Object.keys(sums) as (keyof typeof sums)[]) {
      expect(head[key]).toBeCloseTo(sums[key] / counts[key], 6);
    }
  });

  test('attentionPatterns without special tokens has no [CLS]/[SEP] score (NaN)', () => {
    const { heads } = attentionPatterns(model, tokenizer, texts.slice(0, 1), { addSpecialTokens: false });
    expect(Number.isNaN(heads[0]!.cls)).toBe(true);
    expect(Number.isNaN(heads[0]!.sep)).toBe(true);
    expect(Number.isNaN(heads[0]!.sameWord)).toBe(true); // no word of several pieces in the notebook's sentence
    expect(heads[0]!.previous).toBeGreaterThan(0);
  });
});

describe('headPatterns', () => {
  // one layer of four heads on 6 tokens, each head a pure pattern; the first query of the "previous" head
  // (it has no previous token) and the last of the "next" head look at themselves
  const tokens = ['[CLS]', 'the', 'run', '##ning', 'the', '[SEP]'];
  const T = tokens.length;
  const oneHot = (pick: (i: number) => number) =>
    tokens.map((_, i) => tokens.map((_, j) => (j === pick(i) ? 1 : 0)));
  const previous = oneHot((i) => Math.max(i - 1, 0));
  const next = oneHot((i) => Math.min(i + 1, T - 1));
  const cls = oneHot(() => 0);
  const uniform = tokens.map(() => tokens.map(() => 1 / T));

  test.each([
    ['previous', 0, { previous: 1, next: 0, self: 1 / T, cls: 2 / T, sep: 0 }],
    ['next', 1, { previous: 0, next: 1, self: 1 / T, cls: 0, sep: 2 / T }],
    ['[CLS]', 2, { previous: 1 / (T - 1), next: 0, self: 1 / T, cls: 1, sep: 0 }],
    ['uniform', 3, { previous: 1 / T, next: 1 / T, self: 1 / T, cls: 1 / T, sep: 1 / T }],
  ])('headPatterns scores a %s head (head %i) as computed by hand', (_, h, expected) => {
    const { heads, texts: n, queries } = headPatterns([[previous, next, cls, uniform]], tokens);
    expect([n, queries, heads.length]).toEqual([1, T, 4]);
    for (const [key, value] of Object.entries(expected)) {
      expect(heads[h]![key as keyof (typeof heads)[0]]).toBeCloseTo(value, 12);
    }
  });

  test('headPatterns: same token over the queries whose token recurs, same word over the pieces of a word', () => {
    const { heads } = headPatterns([[previous, next, cls, uniform]], tokens);
    // "the" at 1 and 4: the previous head puts nothing on the other "the"; of "run ##ning", query 3 looks at 2
    expect(heads[0]!.sameToken).toBe(0);
    expect(heads[0]!.sameWord).toBeCloseTo(0.5, 12); // query 3 on 2 (1), query 2 on 1 (0)
    expect(heads[1]!.sameWord).toBeCloseTo(0.5, 12); // query 2 on 3 (1), query 3 on 4 (0)
    expect(heads[3]!.sameToken).toBeCloseTo(1 / T, 12);
  });

  test('headPatterns reads row-major T·T arrays as lxmls viz holds them, with the same scores', () => {
    const flat = [[previous, next, cls, uniform].map((w) => Float32Array.from(w.flat()))];
    const a = headPatterns(flat, tokens).heads;
    const b = headPatterns([[previous, next, cls, uniform]], tokens).heads;
    for (const [i, h] of a.entries()) {
      for (const key of ['previous', 'next', 'self', 'cls', 'sep', 'sameToken', 'sameWord'] as const) {
        expect(h[key]).toBeCloseTo(b[i]![key], 6);
      }
    }
  });

  test('headPatterns without [CLS]/[SEP] or words of several pieces gives NaN for those', () => {
    const { heads } = headPatterns([[uniform.slice(1, 3).map((r) => r.slice(1, 3))]], ['a', 'b']);
    expect([heads[0]!.cls, heads[0]!.sep, heads[0]!.sameToken, heads[0]!.sameWord]).toEqual([
      Number.NaN,
      Number.NaN,
      Number.NaN,
      Number.NaN,
    ]);
  });

  test('headPatterns counts the special tokens named in its options', () => {
    const three = ['<s>', 'a', '</s>'];
    const first = three.map(() => three.map((_, j) => (j === 0 ? 1 : 0)));
    const { heads } = headPatterns([[first]], three, { clsToken: '<s>', sepToken: '</s>' });
    expect([heads[0]!.cls, heads[0]!.sep]).toEqual([1, 0]);
  });

  test.each([
    ['heads', [[previous, next], [previous]], 'attention[1]', '1 heads'],
    ['rows', [[previous.slice(1)]], 'attention[0][0]', '5 rows'],
    ['numbers', [[Float32Array.from(previous.flat()).subarray(1)]], 'attention[0][0]', '35 numbers'],
  ])(
    'headPatterns throws SHAPE_MISMATCH for weights whose %s disagree',
    (_, attention, argument, received) => {
      const call = () => headPatterns(attention, tokens);
      expect(call).toThrow(LxmlsBertError);
      try {
        call();
      } catch (error) {
        expect((error as LxmlsBertError).code).toBe('SHAPE_MISMATCH');
        expect((error as Error).message).toContain(argument);
        expect((error as Error).message).toContain(received);
      }
    },
  );
});

describe('strongestHeads', () => {
  const head = (layer: number, h: number, previous: number, sep: number) => ({
    layer,
    head: h,
    previous,
    next: 0.05,
    self: 0.1,
    cls: Number.NaN,
    sep,
    sameToken: 0,
    sameWord: 0,
  });
  test('strongestHeads names the best head per pattern above the threshold, best first', () => {
    const best = strongestHeads({
      heads: [head(0, 0, 0.2, 0.9), head(1, 1, 0.7, 0.1)],
      texts: 1,
      queries: 3,
    });
    expect(best).toEqual([
      { pattern: 'sep', layer: 0, head: 0, score: 0.9 },
      { pattern: 'previous', layer: 1, head: 1, score: 0.7 },
    ]);
  });
  test('strongestHeads with threshold 0 names every pattern that was measured (not NaN)', () => {
    const best = strongestHeads({ heads: [head(0, 0, 0.2, 0.9)], texts: 1, queries: 3 }, 0);
    expect(best.map((b) => b.pattern).sort()).toEqual([
      'next',
      'previous',
      'sameToken',
      'sameWord',
      'self',
      'sep',
    ]);
  });
});
