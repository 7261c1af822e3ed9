import { fileURLToPath } from 'node:url';
import { GPT } from '@lxmls/gpt';
import { modelUrl } from '@lxmls/models';
import { RandomGenerator, tensor } from '@lxmls/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { sampleTokens } from './sample-text.js';

describe('sampleTokens', () => {
  let model: GPT;
  beforeAll(async () => {
    model = (await GPT.fromPretrained(fileURLToPath(modelUrl('lxmls/shakespeare-char')))).eval();
  });
  afterAll(() => model.dispose());

  test('sampleTokens in chunks gives the tokens of one generate call with the same seed', async () => {
    const options = { maxNewTokens: 80, temperature: 0.8, topK: 10, seed: 7 };
    const streamed: number[] = [];
    const chunked = await sampleTokens(model, [0], {
      ...options,
      chunk: 7,
      onToken: (t) => streamed.push(t),
    });
    const once = model.generate(tensor([[0]], undefined, 'int32'), 80, {
      doSample: true,
      temperature: 0.8,
      topK: 10,
      generator: new RandomGenerator(7),
    });
    expect(chunked).toEqual((once.toArray() as number[][])[0]!.slice(1));
    expect(streamed).toEqual(chunked);
    once.dispose();
    expect(await sampleTokens(model, [0], { ...options, seed: 8 })).not.toEqual(chunked);
  });

  test('sampleTokens past the block size keeps going (the context is cropped)', async () => {
    const out = await sampleTokens(model, [0], { maxNewTokens: 70, seed: 1, chunk: 30 });
    expect(out).toHaveLength(70);
    expect(out.every((t) => Number.isInteger(t) && t >= 0 && t < 65)).toBe(true);
  });

  test('sampleTokens stops when pause resolves to false', async () => {
    let pauses = 0;
    const out = await sampleTokens(model, [0], {
      maxNewTokens: 50,
      seed: 1,
      chunk: 10,
      pause: async () => ++pauses < 2,
    });
    expect(out).toHaveLength(20);
  });

  test('sampleTokens with an empty prompt throws', async () => {
    await expect(sampleTokens(model, [], { maxNewTokens: 1, seed: 0 })).rejects.toThrow(/empty prompt/);
  });
});
