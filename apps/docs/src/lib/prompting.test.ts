import { join } from 'node:path';
import { formatSamples, GPT } from '@lxmls/gpt';
import { manualSeed } from '@lxmls/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { promptBoth } from './prompting.js';

const FIXTURE = join(import.meta.dirname, '../../../../packages/gpt/src/__fixtures__/tiny-gpt2');
let model: GPT;
beforeAll(async () => {
  model = (await GPT.fromPretrained(FIXTURE)).eval();
});
afterAll(() => model.dispose());

describe('promptBoth', () => {
  test('promptBoth gives what prompt after manualSeed(seed) and promptTopK give, printed as the toolkit', () => {
    const out = promptBoth(model, 'Barack Obama, the', 4, 3, 42);
    manualSeed(42);
    const sampled = model.prompt('Barack Obama, the', 4, 3);
    const topK = model.promptTopK('Barack Obama, the', 4, 3);
    expect(out.sampledTexts).toEqual(sampled);
    expect(out.topKTexts).toEqual(topK);
    expect(out.sampled).toBe(formatSamples(sampled));
    expect(out.topK).toBe(formatSamples(topK));
  });

  test('promptBoth repeats itself for the same seed, as the notebook loop does', () => {
    const a = promptBoth(model, 'Barack Obama, the', 4, 2, 7);
    const b = promptBoth(model, 'Barack Obama, the', 4, 2, 7);
    expect(b).toEqual(a);
  });

  test('promptBoth: the top-k texts differ in their first new token', () => {
    const { topKTexts } = promptBoth(model, 'Barack Obama, the', 3, 3, 0);
    expect(new Set(topKTexts).size).toBe(3);
  });
});
