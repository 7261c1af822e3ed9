// Tests of promptRows and promptRowsAsync: the rows of generate (the prompt repeated) and of genBatch, as ids.
import { RandomGenerator, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { generate } from './generate.js';
import { GPT } from './model.js';
import { genBatch } from './prompt.js';
import { promptRows, promptRowsAsync, samplingOptions } from './prompt-rows.js';

const nano = () =>
  new GPT(
    { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 },
    { init: 'lcg' },
  ).eval();

describe('promptRows', () => {
  test.each([
    ['greedy', { doSample: false }],
    ['sampled, top-k 3, seed 5', { doSample: true, topK: 3, generator: new RandomGenerator(5) }],
  ])('promptRows(nano, prompt, 6, 3, %s) is generate on the prompt repeated 3 times', (_, options) => {
    const model = nano();
    const prompt = [1, 4, 4, 3];
    const rows = promptRows(model, prompt, 6, 3, options);
    const seed = 'generator' in options ? { generator: new RandomGenerator(5) } : {};
    const want = generate(model, tensor([prompt, prompt, prompt], undefined, 'int32'), 6, {
      ...options,
      ...seed,
    });
    expect(rows).toEqual(want.toArray());
    model.dispose();
  });

  test.each([
    [3, 2],
    [1, 5],
    [0, 2], // genBatch adds at least one token
  ])('promptRows(nano, prompt, %i, %i) without options is genBatch’s rows', (maxNew, batch) => {
    const model = nano();
    const rows = promptRows(model, [2, 5], maxNew, batch);
    const want = genBatch(model, tensor([[2, 5]], undefined, 'int32'), maxNew, { batch }).map(
      (t) => (t.toArray() as number[][])[0],
    );
    expect(rows).toEqual(want);
    expect(rows).toHaveLength(batch);
    model.dispose();
  });
});

describe('promptRowsAsync', () => {
  test('promptRowsAsync gives promptRows’ rows for the same seeded options', async () => {
    const model = nano();
    const options = (seed: number) => ({ doSample: true, topK: 4, generator: new RandomGenerator(seed) });
    const sync = promptRows(model, [1, 4], 7, 2, options(9));
    expect(await promptRowsAsync(model, [1, 4], 7, 2, options(9))).toEqual(sync);
    model.dispose();
  });
});

describe('samplingOptions', () => {
  test.each([
    [
      'the default top-k 100, clamped to a vocabulary of 8',
      { seed: 1 },
      8,
      { doSample: true, topK: 8, topP: null },
    ],
    ['the default top-k 100', { seed: 1 }, 50257, { doSample: true, topK: 100, topP: null }],
    ['greedy', { greedy: true, seed: 1 }, 50257, { doSample: false, topK: null, topP: null }],
    ['top-p over top-k', { topK: 5, topP: 0.5, seed: 1 }, 50257, { doSample: true, topK: null, topP: 0.5 }],
    [
      'top-k 5, temperature 0.7',
      { topK: 5, temperature: 0.7, seed: 1 },
      50257,
      { topK: 5, temperature: 0.7 },
    ],
  ])('samplingOptions: %s', (_, choice, vocabSize, want) => {
    expect(samplingOptions(choice, vocabSize)).toMatchObject(want);
  });

  test('samplingOptions seeds a fresh generator: the same seed samples the same rows', () => {
    const model = nano();
    const rows = (seed: number) => promptRows(model, [1, 4], 5, 2, samplingOptions({ seed }, 8));
    expect(rows(3)).toEqual(rows(3));
    expect(samplingOptions({ greedy: true, seed: 3 }, 8).generator).toBeUndefined();
    model.dispose();
  });
});
