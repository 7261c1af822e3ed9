import { describe, expect, test } from 'vitest';
import { MlmBatchSampler } from './mlm-data.js';

// a stream of "words": a word start (id 2000 + k) followed by 0–2 continuation pieces (id 3000 + j)
const stream: number[] = [];
for (let k = 0; stream.length < 3000; k++) {
  stream.push(2000 + (k % 500));
  for (let j = 0; j < k % 3; j++) stream.push(3000 + j);
}
const base = {
  clsId: 101,
  sepId: 102,
  maskId: 103,
  vocabSize: 30522,
  minLength: 8,
  maxLength: 24,
  isContinuation: (id: number) => id >= 3000,
};

describe('MlmBatchSampler', () => {
  test('sampleBatch(B) gives B rows of one length in [minLength, maxLength], masked', () => {
    const sampler = new MlmBatchSampler(stream, { ...base, seed: 0 });
    const lengths = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const { x, y, shape } = sampler.sampleBatch(5);
      expect(shape[0]).toBe(5);
      expect(x.length).toBe(5 * shape[1]);
      expect(y.length).toBe(x.length);
      expect(shape[1]).toBeGreaterThanOrEqual(8);
      expect(shape[1]).toBeLessThanOrEqual(24);
      expect(y.some((l) => l >= 0)).toBe(true);
      lengths.add(shape[1]);
    }
    expect(lengths.size).toBeGreaterThan(8); // lengths vary batch to batch
  });

  test('sampleBatch rows are [CLS] span [SEP] or bare spans that start at a word, never at a ## piece', () => {
    const sampler = new MlmBatchSampler(stream, {
      ...base,
      bareProbability: 0.3,
      mlmProbability: 0,
      seed: 1,
    });
    let bare = 0;
    let wrapped = 0;
    for (let i = 0; i < 40; i++) {
      const { x, y, shape } = sampler.sampleBatch(4);
      const T = shape[1];
      expect(y.every((l) => l === -1)).toBe(true); // mlmProbability 0: nothing chosen
      for (let b = 0; b < 4; b++) {
        const row = Array.from(x.subarray(b * T, (b + 1) * T));
        if (row[0] === 101) {
          wrapped++;
          expect(row[T - 1]).toBe(102);
          expect(row[1]).toBeLessThan(3000);
          expect(row.slice(1, -1).every((id) => id >= 2000)).toBe(true);
        } else {
          bare++;
          expect(row[0]).toBeLessThan(3000);
          expect(row.every((id) => id >= 2000)).toBe(true);
        }
      }
    }
    expect(bare).toBeGreaterThan(20);
    expect(wrapped).toBeGreaterThan(80);
  });

  test('sampleBatch with the same seed gives the same batches', () => {
    const a = new MlmBatchSampler(stream, { ...base, seed: 5 });
    const b = new MlmBatchSampler(stream, { ...base, seed: 5 });
    for (let i = 0; i < 3; i++) expect(b.sampleBatch(3)).toEqual(a.sampleBatch(3));
  });

  test('new MlmBatchSampler with a stream shorter than a row or lengths out of order throws INVALID_ARGUMENT', () => {
    expect(() => new MlmBatchSampler([1, 2, 3], base)).toThrow(/shorter than a row/);
    expect(() => new MlmBatchSampler(stream, { ...base, minLength: 30 })).toThrow(/not in order/);
  });
});
