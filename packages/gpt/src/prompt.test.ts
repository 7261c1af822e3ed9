import { crossAttention } from '@lxmls/attention';
import { BPETokenizer } from '@lxmls/bpe';
import { slice, tensor, topk, transpose } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { getDefaultConfig } from './config.js';
import { LxmlsGptError } from './errors.js';
import { generate } from './generate.js';
import { GPT } from './model.js';
import { END_OF_TEXT, formatSamples, genBatch, promptTopK } from './prompt.js';

// Golden values E of docs/course-behaviour.md §8: gpt-nano with the GPT-2 vocabulary (V=50257, block 1024),
// LCG initialisation, the real BPE; lxmls master, torch 1.13 CPU, float32.
const OBAMA = 'Barack Obama, the';
const OBAMA_IDS = [10374, 441, 2486, 11, 262];
const CONTINUATIONS = [
  { ids: [22963, 14397, 37436, 15743, 26031], text: 'Barack Obama, the pathways sillyledged BashMont' },
  {
    ids: [28486, 20755, 21564, 22984, 6235],
    text: 'Barack Obama, the derivatives impactedelsh Courtesy pointed',
  },
  { ids: [1118, 32446, 37436, 45342, 37899], text: 'Barack Obama, theodydeclledgedoled Marshal' },
];

const tok = new BPETokenizer();
const model = new GPT(
  { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 50257, blockSize: 1024 },
  { init: 'lcg' },
).eval();
const ids = (row: number[]) => tensor([row], undefined, 'int32');

describe('genBatch / promptTopK / prompt: golden values E (course-behaviour §8)', () => {
  test('"Barack Obama, the" encodes to [10374, 441, 2486, 11, 262]', () => {
    expect(tok.encode(OBAMA)).toEqual(OBAMA_IDS);
  });

  test('genBatch(ids, 5, { batch: 3 }) gives the three golden continuations', () => {
    const outs = genBatch(model, ids(OBAMA_IDS), 5, { batch: 3 });
    expect(outs.map((t) => (t.toArray() as number[][])[0]!.slice(5))).toEqual(
      CONTINUATIONS.map((c) => c.ids),
    );
    expect(outs.map((t) => tok.decode(t.data()))).toEqual(CONTINUATIONS.map((c) => c.text));
  });

  test('promptTopK("Barack Obama, the", 5, 3) returns the three texts; formatSamples prints them after 80 dashes', () => {
    const texts = promptTopK(model, OBAMA, 5, 3);
    expect(texts).toEqual(CONTINUATIONS.map((c) => c.text));
    const dashes = '-'.repeat(80);
    expect(formatSamples(texts)).toBe(CONTINUATIONS.map((c) => `${dashes}\n${c.text}\n`).join(''));
  });

  test('greedy generate equals the first continuation; temperature 0.5 + topK 3 greedy too', () => {
    const first = [...OBAMA_IDS, ...CONTINUATIONS[0]!.ids];
    expect((generate(model, ids(OBAMA_IDS), 5).toArray() as number[][])[0]).toEqual(first);
    expect(
      (generate(model, ids(OBAMA_IDS), 5, { temperature: 0.5, topK: 3 }).toArray() as number[][])[0],
    ).toEqual(first);
    expect(model.prompt(OBAMA, 5, 2, false)).toEqual([CONTINUATIONS[0]!.text, CONTINUATIONS[0]!.text]);
  });

  test('"Hello, my name is": the top-5 next ids and logits', () => {
    const hello = tok.encode('Hello, my name is');
    expect(hello).toEqual([15496, 11, 616, 1438, 318]);
    const { logits } = model.forward(ids(hello));
    const { values, indices } = topk(slice(logits, [0, 4, 0], [1, 1, 50257]).reshape([50257]), 5);
    expect(Array.from(indices.data())).toEqual([9789, 7710, 27115, 21606, 33298]);
    const expected = [1.76487, 1.6443, 1.54217, 1.51817, 1.50109];
    for (const [i, v] of Array.from(values.data()).entries())
      expect(Math.abs(v - expected[i]!)).toBeLessThan(2e-5);
  });

  test('unconditional genBatch([[50256]], 3, { batch: 2 })', () => {
    const outs = genBatch(model, ids([END_OF_TEXT]), 3, { batch: 2 });
    expect(outs.map((t) => (t.toArray() as number[][])[0])).toEqual([
      [50256, 10434, 10434, 35152],
      [50256, 5610, 12998, 24507],
    ]);
    expect(promptTopK(model, '', 3, 2)).toEqual(outs.map((t) => tok.decode(t.data())));
  });

  test('prompt samples from the top 100 with a seeded generator: same seed, same texts', () => {
    const a = model.prompt(OBAMA, 4, 2, true, { seed: 42 });
    expect(model.prompt(OBAMA, 4, 2, true, { seed: 42 })).toEqual(a);
    expect(a.every((t) => t.startsWith(OBAMA))).toBe(true);
    expect(model.prompt('', 2, 1, true, { seed: 1 })[0]!.startsWith('<|endoftext|>')).toBe(true);
  });
});

describe('genBatch quirks and errors', () => {
  const nano = new GPT(
    { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 },
    { init: 'lcg' },
  ).eval();

  test('genBatch with maxNewTokens 0 still adds one token', () => {
    expect(genBatch(nano, ids([1, 4]), 0, { batch: 2 }).map((t) => t.shape)).toEqual([
      [1, 3],
      [1, 3],
    ]);
  });

  test('genBatch candidates are distinct and in descending probability of their first token', () => {
    const firsts = genBatch(nano, ids([1, 4, 4, 4, 3, 2]), 2, { batch: 8 }).map(
      (t) => (t.toArray() as number[][])[0]![6],
    );
    expect(new Set(firsts).size).toBe(8);
    expect(firsts[0]).toBe(7);
  });

  test.each([
    [
      'two rows',
      () => genBatch(nano, tensor([[1], [2]], undefined, 'int32'), 2),
      'idx must be one row of int32 token ids',
    ],
    [
      'batch above the vocabulary',
      () => genBatch(nano, ids([1]), 2, { batch: 9 }),
      'received batch 9 with vocabulary size 8',
    ],
  ])('genBatch with %s throws INVALID_ARGUMENT', (_, call, message) => {
    expect(call).toThrow(LxmlsGptError);
    expect(call).toThrow(message);
  });
});

describe('notebook In[13]–In[14]: crossAttention on the real BPE ids', () => {
  test('the ids of the two sentences, and the expected attended values', () => {
    const sentence = tok.encode('I travelled to Lisbon in July to attend an NLP summer school');
    const query = tok.encode('I like traveling');
    expect(sentence).toEqual([40, 21650, 284, 41898, 287, 2901, 284, 5262, 281, 399, 19930, 3931, 1524]);
    expect(query).toEqual([40, 588, 11300]);
    const out = crossAttention(
      transpose(tensor([sentence])),
      transpose(tensor([query])),
      tensor([[0.1, 0.2, 0.3]]),
      tensor([[0.7, 0.8, 0.9]]),
      tensor([[1.6, 1.7, 1.8]]),
    ).toArray() as number[][];
    for (const row of out) {
      for (const [j, e] of [67036.8047, 71226.6016, 75416.3984].entries())
        expect(Math.abs(row[j]! - e)).toBeLessThan(1e-4 * e);
    }
  });
});
