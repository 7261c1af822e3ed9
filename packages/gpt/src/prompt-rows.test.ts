// Tests of promptRows and promptRowsAsync: the rows of generate (the prompt repeated) and of genBatch, as ids.
import { RandomGenerator, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { generate } from './generate.js';
import { GPT } from './model.js';
import { genBatch } from './prompt.js';
import { promptRows, promptRowsAsync } from './prompt-rows.js';

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
