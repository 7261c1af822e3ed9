import { getEncoder, textTokenizerFromEncoder } from '@lxmls/bpe';
import { compactVocabulary } from '@lxmls/gpt';
import { describe, expect, test } from 'vitest';
import { trainTextCompact } from './text-compact.js';

const TEXT = 'To be, or not to be, that is the question:\nWhether tis nobler in the mind to suffer\n'.repeat(
  12,
);
const tokenizer = textTokenizerFromEncoder(getEncoder());
const ids = Int32Array.from(tokenizer.encode(TEXT));
const model = { modelType: null, nLayer: 1, nHead: 2, nEmbd: 16, blockSize: 8 };

describe('trainTextCompact', () => {
  test('trainTextCompact learns the text: the loss falls, and the widened model has all 50,257 ids, tied', async () => {
    const losses: number[] = [];
    const run = await trainTextCompact(ids, tokenizer, {
      model,
      iters: 40,
      batchSize: 8,
      learningRate: 1e-2,
      seed: 0,
      onBatchEnd: (trainer) => {
        losses.push(trainer.loss);
      },
    });
    try {
      expect(run.keptIds).toBe(compactVocabulary(ids, 50257).keep.length);
      expect(losses).toHaveLength(40);
      expect(losses[0]!).toBeGreaterThan(Math.log(run.keptIds)); // starts near log(kept + absent mass)
      expect(losses.at(-1)!).toBeLessThan(losses[0]! / 2);
      expect(run.valLoss).toBeLessThan(losses[0]!);
      expect(run.model.config.vocabSize).toBe(50257);
      const state = run.model.stateDict();
      expect([...state.get('lm_head.weight')!.data()]).toEqual([
        ...state.get('transformer.wte.weight')!.data(),
      ]);
      expect(run.model.training).toBe(false);
    } finally {
      run.model.dispose();
    }
  }, 60_000);

  test('trainTextCompact is seeded: the same seed gives the same losses', async () => {
    const once = async () => {
      const run = await trainTextCompact(ids, tokenizer, {
        model,
        iters: 3,
        batchSize: 2,
        learningRate: 1e-2,
        seed: 5,
      });
      run.model.dispose();
      return [run.trainer.loss, run.valLoss];
    };
    expect(await once()).toEqual(await once());
  }, 60_000);
});
