// trainingMemoryBytes and checkTrainingMemory: the estimate from the config alone, and the refusal before
// building a model that cannot fit (issue 17 item 5).
import { describe, expect, test } from 'vitest';
import { type GPTConfig, getDefaultConfig } from './config.js';
import { LxmlsGptError } from './errors.js';
import {
  checkGenerationMemory,
  checkTrainingMemory,
  generationMemoryBytes,
  trainingMemoryBytes,
} from './memory.js';
import { GPT } from './model.js';

const config = (modelType: string, vocabSize: number, blockSize: number): GPTConfig => ({
  ...getDefaultConfig(),
  modelType,
  vocabSize,
  blockSize,
});
const GiB4 = 2 ** 32;

describe('trainingMemoryBytes(config, batchSize)', () => {
  test.each([
    ['gpt-nano', 8, 11],
    ['gpt-micro', 65, 64],
    ['gpt-mini', 512, 32],
  ])('trainingMemoryBytes counts 16 bytes per parameter of the built %s model', (type, vocab, block) => {
    const model = new GPT(config(type, vocab, block));
    const params = model.parameters().reduce((n, p) => n + p.size, 0);
    expect(trainingMemoryBytes(config(type, vocab, block), 1).parameters).toBe(16 * params);
    model.dispose();
  });

  test('trainingMemoryBytes grows linearly with the batch size, and leaves the config as it was', () => {
    const c = config('gpt-micro', 65, 64);
    const one = trainingMemoryBytes(c, 1);
    const many = trainingMemoryBytes(c, 100);
    expect(many.activations).toBe(100 * one.activations);
    expect(many.parameters).toBe(one.parameters);
    expect(many.total).toBe(many.parameters + many.activations);
    expect(c.nLayer).toBeNull();
  });
});

describe('checkTrainingMemory(config, batchSize, limitBytes, limitName)', () => {
  test.each([
    ['the course weather run', config('gpt-nano', 8, 11), 64],
    ['lxmls train text defaults', config('gpt-micro', 65, 64), 32],
    ['GPT-2 small, batch 4', config('gpt2', 50257, 1024), 1],
  ])('checkTrainingMemory passes %s under 4 GiB', (_, c, batch) => {
    expect(() => checkTrainingMemory(c, batch, GiB4, '4 GiB')).not.toThrow();
  });

  test.each([
    ['--model-type gpt2-xl', config('gpt2-xl', 50257, 1024), 1, '24.4 GiB of parameters and optimizer state'],
    [
      '--batch-size 65536 on gpt-micro',
      config('gpt-micro', 65, 64),
      65536,
      'batch size 65536, block size 64',
    ],
    [
      '--batch-size 65536 on the weather model',
      config('gpt-nano', 8, 11),
      65536,
      '3 layers, 3 heads, 48 channels',
    ],
  ])(
    'checkTrainingMemory refuses %s with TOO_LARGE naming the limit and the estimate',
    (_, c, batch, text) => {
      let error: unknown;
      try {
        checkTrainingMemory(c, batch, GiB4, "the wasm backend's 4 GiB");
      } catch (e) {
        error = e;
      }
      expect(LxmlsGptError.isInstance(error) && error.code).toBe('TOO_LARGE');
      const message = (error as Error).message;
      expect(message).toMatch(
        /^\[@lxmls\/gpt\] checkTrainingMemory: training needs more memory than the runtime has\. Expected at most the wasm backend's 4 GiB, received at least [\d.]+ GiB/,
      );
      expect(message).toContain(text);
    },
  );
});

describe('generationMemoryBytes and checkGenerationMemory', () => {
  const gpt2 = config('gpt2', 50257, 1024);
  test('generationMemoryBytes counts the weights once, the KV cache of every row and the widest logits', () => {
    const base = generationMemoryBytes(gpt2, { batchSize: 1, promptLength: 1, maxNewTokens: 1 });
    const rows = generationMemoryBytes(gpt2, { batchSize: 11, promptLength: 1, maxNewTokens: 1 });
    // 10 more rows: each 12 layers × keys and values × 2 positions × 768 floats, and one row of logits
    expect(rows - base).toBe(10 * (4 * 12 * 2 * 2 * 768 + 4 * 50257));
    const sliding = generationMemoryBytes(gpt2, { batchSize: 1, promptLength: 1000, maxNewTokens: 100 });
    const within = generationMemoryBytes(gpt2, { batchSize: 1, promptLength: 1000, maxNewTokens: 24 });
    expect(sliding - within).toBe(4 * 24 * 50257); // past the block size: whole blocks of logits, the cache capped
  });

  test.each([
    ['3 samples of 50 tokens', { batchSize: 3, promptLength: 5, maxNewTokens: 50 }],
    ['100 samples of a 1-token prompt', { batchSize: 100, promptLength: 1, maxNewTokens: 50 }],
  ])('checkGenerationMemory passes %s on GPT-2 under 4 GiB', (_, size) => {
    expect(() => checkGenerationMemory(gpt2, size, GiB4, '4 GiB')).not.toThrow();
  });

  test('checkGenerationMemory refuses 1000 samples of a 1000-token prompt with TOO_LARGE', () => {
    const call = () =>
      checkGenerationMemory(gpt2, { batchSize: 1000, promptLength: 1000, maxNewTokens: 50 }, GiB4, '4 GiB');
    expect(call).toThrow(expect.objectContaining({ code: 'TOO_LARGE' }));
    expect(call).toThrow(
      'generation needs more memory than the runtime has. Expected at most 4 GiB, received at least 262.5 GiB for 1000 rows of 1000 + 50 tokens',
    );
  });
});
