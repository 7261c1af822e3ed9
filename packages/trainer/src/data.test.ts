import { RandomGenerator } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { BatchLoader, LxmlsTrainerError } from './index.js';
import { CountingSampler, countingItems } from './tiny-model.test.helpers.js';

describe('BatchLoader', () => {
  test('BatchLoader.next() on a batch sampler refills the same arrays with the sampler’s next batch', () => {
    const sampler = new CountingSampler(6, 5, 3);
    const twin = new CountingSampler(6, 5, 3);
    const loader = new BatchLoader(sampler, 4, new RandomGenerator(0));
    const a = loader.next();
    const expected1 = twin.sampleBatch(4);
    expect(a.shape).toEqual([4, 5]);
    expect(Array.from(a.x)).toEqual(Array.from(expected1.x));
    const xArray = a.x;
    const b = loader.next();
    expect(b.x).toBe(xArray); // written in place
    expect(Array.from(b.y)).toEqual(Array.from(twin.sampleBatch(4).y));
  });

  test('BatchLoader.next() takes the arrays of a sampler that ignores `out`', () => {
    let k = 0;
    const sampler = {
      sampleBatch: (B: number) => ({ x: new Int32Array(B * 2).fill(k), y: new Int32Array(B * 2).fill(k++) }),
    };
    const loader = new BatchLoader(sampler, 3, new RandomGenerator(0));
    loader.next();
    const second = loader.next();
    expect(Array.from(second.x)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(second.shape).toEqual([3, 2]);
  });

  test('BatchLoader.next() on an indexed dataset collates random examples (with replacement, all indices reachable)', () => {
    const items = countingItems(7, 6, 3);
    const loader = new BatchLoader(items, 50, new RandomGenerator(1));
    const seen = new Set<number>();
    for (let k = 0; k < 4; k++) {
      const { x, y, shape } = loader.next();
      expect(shape).toEqual([50, 3]);
      for (let b = 0; b < 50; b++) {
        const row = Array.from(x.subarray(b * 3, b * 3 + 3));
        const start = row[0]!;
        expect(row).toEqual(items.get(start).x); // counting rows: index i starts at i mod 6
        expect(Array.from(y.subarray(b * 3, b * 3 + 3))).toEqual(items.get(start).y);
        seen.add(start);
      }
    }
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('BatchLoader.next() is reproducible from the generator’s seed and accepts [x, y] tuples and getItem', () => {
    const data = { length: 100, getItem: (i: number) => [[i], [i + 1]] as [number[], number[]] };
    const a = new BatchLoader(data, 8, new RandomGenerator(5)).next();
    const b = new BatchLoader(data, 8, new RandomGenerator(5)).next();
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
    expect(Array.from(a.y)).toEqual(Array.from(a.x, (v) => v + 1));
    expect(Array.from(new BatchLoader(data, 8, new RandomGenerator(6)).next().x)).not.toEqual(
      Array.from(a.x),
    );
  });

  test.each([
    [
      'a sampler returning arrays of another length',
      { sampleBatch: () => ({ x: new Int32Array(5), y: new Int32Array(5) }) },
    ],
    ['a sampler returning plain arrays', { sampleBatch: () => ({ x: [0, 0], y: [0, 0] }) }],
    ['an example without y', { length: 2, get: () => ({ x: [1, 2] }) }],
    ['an example with x and y of different lengths', { length: 2, get: () => ({ x: [1, 2], y: [1] }) }],
  ])('BatchLoader.next() throws INVALID_DATASET for %s', (_, dataset) => {
    const loader = new BatchLoader(dataset as never, 2, new RandomGenerator(0));
    let error: unknown;
    try {
      loader.next();
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_DATASET');
  });

  test('new BatchLoader throws for a bad batch size or a dataset of neither kind', () => {
    expect(() => new BatchLoader(countingItems(), 0, new RandomGenerator(0))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new BatchLoader({ length: 3 } as never, 2, new RandomGenerator(0))).toThrow(
      expect.objectContaining({ code: 'INVALID_DATASET' }),
    );
  });
});
