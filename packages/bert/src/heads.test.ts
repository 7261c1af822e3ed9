import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { attentionPatterns, strongestHeads } from './heads.js';
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
