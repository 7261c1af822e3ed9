// Tests of dataset.ts: WeatherDataset against the golden values of docs/course-behaviour.md §4 (verified with
// the toolkit's dataset.py, numpy's legacy RandomState, np.random.seed(0) and the notebook's fixed_proba) and
// the notebook cell of Exercise 3.1.
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import {
  FIXED_PROBA,
  LxmlsWeatherDataError,
  RandomState,
  splitOf,
  type WeatherDataErrorCode,
  WeatherDataset,
  type WeatherProba,
} from './index.js';

/** docs/course-behaviour.md §4: consecutive generate_seq() calls after np.random.seed(0) with fixed_proba. */
const GOLDEN_SEED_0: [number[], number[]][] = [
  [
    [4, 3, 3, 4, 4, 2],
    [7, 7, 7, 7, 5, 6],
  ],
  [
    [0, 4, 2, 4, 4, 2],
    [5, 5, 6, 7, 5, 5],
  ],
  [
    [2, 1, 3, 2, 4, 4],
    [6, 6, 7, 7, 7, 7],
  ],
  [
    [1, 2, 4, 0, 0, 1],
    [6, 7, 7, 5, 5, 6],
  ],
  [
    [0, 2, 0, 0, 2, 0],
    [5, 5, 5, 5, 5, 5],
  ],
];

/** The toolkit's layout: x = obs + states[:-1], y = [-1] * (L - 1) + states. */
const layout = (obs: number[], st: number[]) => ({
  x: [...obs, ...st.slice(0, -1)],
  y: [...obs.slice(1).map(() => -1), ...st],
});

const fixed = (split: 'train' | 'test', seed = 0, seqLen?: number) =>
  new WeatherDataset(split, { proba: FIXED_PROBA, seed, ...(seqLen === undefined ? {} : { seqLen }) });

describe('WeatherDataset', () => {
  test('WeatherDataset#generateSeq() with seed 0 reproduces the five golden sequences of course-behaviour §4', () => {
    const ds = fixed('train');
    for (const golden of GOLDEN_SEED_0) expect(ds.generateSeq()).toEqual(golden);
  });

  test('WeatherDataset#generateSeq() uses exactly 1 + 2 * seqLen uniforms per sequence', () => {
    for (const seqLen of [1, 6, 9]) {
      const ds = fixed('train', 3, seqLen);
      const ref = new RandomState(3);
      ds.generateSeq();
      ds.generateSeq();
      ref.randomSample(2 * (1 + 2 * seqLen));
      expect(ds.rng.getState()).toEqual(ref.getState());
    }
  });

  test.each([
    ['train', [1, 2, 3, 4]],
    ['test', [0]],
  ] as const)(
    'WeatherDataset(%s).get(i) returns the golden sequences of its split, laid out as x / y',
    (split, which) => {
      const ds = fixed(split);
      for (const g of which) {
        const [obs, st] = GOLDEN_SEED_0[g]!;
        const { x, y } = ds.get(0);
        expect(x).toBeInstanceOf(Int32Array);
        expect({ x: Array.from(x), y: Array.from(y) }).toEqual(layout(obs, st));
      }
    },
  );

  test('WeatherDataset#get(0) of the golden train example has the course-behaviour §4 layout', () => {
    const { x, y } = fixed('train').get(0);
    expect(Array.from(x)).toEqual([0, 4, 2, 4, 4, 2, 5, 5, 6, 7, 5]);
    expect(Array.from(y)).toEqual([-1, -1, -1, -1, -1, 5, 5, 6, 7, 5, 5]);
  });

  test.each([
    [1, 1],
    [2, 3],
    [3, 5],
    [6, 11],
    [10, 19],
  ])(
    'WeatherDataset with seqLen %i has block size %i and masks the first seqLen - 1 labels',
    (seqLen, block) => {
      const ds = fixed('train', 7, seqLen);
      expect(ds.getBlockSize()).toBe(block);
      const { x, y } = ds.get(0);
      expect(x.length).toBe(block);
      expect(y.length).toBe(block);
      expect(Array.from(y.subarray(0, seqLen - 1)).every((v) => v === -1)).toBe(true);
      expect(Array.from(y.subarray(seqLen - 1)).every((v) => v >= 5 && v <= 7)).toBe(true);
      expect(Array.from(x.subarray(0, seqLen)).every((v) => v >= 0 && v <= 4)).toBe(true);
      expect(Array.from(x.subarray(seqLen))).toEqual(Array.from(y.subarray(seqLen - 1, block - 1)));
    },
  );

  test('WeatherDataset sizes: vocab 8, block 11, length numInstances (10,000 by default) for both splits', () => {
    for (const split of ['train', 'test'] as const) {
      const ds = new WeatherDataset(split);
      expect([ds.getVocabSize(), ds.getBlockSize(), ds.length, ds.size, ds.seqLen]).toEqual([
        8, 11, 10000, 10000, 6,
      ]);
    }
    expect(new WeatherDataset('train', { numInstances: 5 }).length).toBe(5);
  });

  test('WeatherDataset#decodeObs / decodeSt decode the notebook example', () => {
    const ds = fixed('train');
    const x = [1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7];
    const y = [-1, -1, -1, -1, -1, 6, 7, 7, 7, 7, 7];
    expect(ds.decodeObs(x.slice(0, 6))).toEqual(['read', 'walk', 'walk', 'walk', 'tennis', 'shop']);
    expect(ds.decodeSt(y.slice(5))).toEqual(['snowy', 'sunny', 'sunny', 'sunny', 'sunny', 'sunny']);
    expect(ds.decodeSeq(x.slice(0, 6), y.slice(5))).toEqual([
      ['read', 'walk', 'walk', 'walk', 'tennis', 'shop'],
      ['snowy', 'sunny', 'sunny', 'sunny', 'sunny', 'sunny'],
    ]);
  });

  test.each([
    ['decodeObs', [-1, -5, 0], ['walk', 'clean', 'clean']],
    ['decodeSt', [2, 3, 4, 5, 7], ['rainy', 'snowy', 'sunny', 'rainy', 'sunny']],
  ] as const)('WeatherDataset#%s(%j) follows Python negative list indexing', (method, ids, words) => {
    expect(fixed('train')[method](ids)).toEqual(words);
  });

  test.each([
    ['decodeObs', [5]],
    ['decodeObs', [-6]],
    ['decodeObs', [1.5]],
    ['decodeSt', [-1]],
    ['decodeSt', [8]],
    ['decodeSt', [1]],
  ] as const)('WeatherDataset#%s(%j) throws UNKNOWN_ID (Python IndexError)', (method, ids) => {
    expect(() => fixed('train')[method](ids)).toThrow(/is not an? (observation|state) id/);
  });

  test('WeatherDataset#sampleBatch(B) equals B calls to get() and fills out in place', () => {
    const a = fixed('test', 11);
    const b = fixed('test', 11);
    const batch = a.sampleBatch(64);
    expect(batch.x.length).toBe(64 * 11);
    for (let i = 0; i < 64; i++) {
      const { x, y } = b.get(i);
      expect(Array.from(batch.x.subarray(i * 11, i * 11 + 11))).toEqual(Array.from(x));
      expect(Array.from(batch.y.subarray(i * 11, i * 11 + 11))).toEqual(Array.from(y));
    }
    const out = { x: new Int32Array(3 * 11), y: new Int32Array(3 * 11) };
    expect(a.sampleBatch(3, out)).toBe(out);
    const again = b.sampleBatch(3);
    expect(out).toEqual(again);
  });

  test('WeatherDataset#sampleBatch(0) returns empty arrays', () => {
    expect(fixed('train').sampleBatch(0)).toEqual({ x: new Int32Array(0), y: new Int32Array(0) });
  });

  test('new WeatherDataset(split, { seed }) is deterministic: same seed, same data; other seeds differ', () => {
    const batches = (seed: number) => fixed('train', seed).sampleBatch(32).x.join();
    expect(batches(5)).toBe(batches(5));
    expect(batches(5)).not.toBe(batches(6));
    expect(new WeatherDataset('train').sampleBatch(8)).toEqual(
      new WeatherDataset('train', { seed: 0 }).sampleBatch(8),
    );
  });

  test('WeatherDataset#rng.setState() resumes the stream bit-identically', () => {
    const ds = fixed('train', 21);
    ds.sampleBatch(10);
    const saved = ds.rng.getState();
    const next = ds.sampleBatch(10);
    const resumed = fixed('train', 0);
    resumed.rng.setState(saved);
    expect(resumed.sampleBatch(10)).toEqual(next);
  });

  test('WeatherDataset train and test splits never share an observation sequence', () => {
    const seen = { train: new Set<string>(), test: new Set<string>() };
    for (const split of ['train', 'test'] as const) {
      const { x } = fixed(split, 2).sampleBatch(2000);
      for (let i = 0; i < 2000; i++) {
        const obs = Array.from(x.subarray(i * 11, i * 11 + 6));
        expect(splitOf(obs)).toBe(split);
        seen[split].add(obs.join());
      }
    }
    for (const key of seen.test) expect(seen.train.has(key)).toBe(false);
  });

  test('WeatherDataset#generateSeq() puts about 25% of draws (24.8% of the probability mass) in test', () => {
    const ds = fixed('train', 4);
    let test = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) if (splitOf(ds.generateSeq()[0]) === 'test') test++;
    expect(test / n).toBeCloseTo(0.2482, 2);
  });

  test('WeatherDataset#generateSeq() first recorded state follows initial · transition (.35, .40, .25)', () => {
    const ds = fixed('train', 8);
    const counts = [0, 0, 0];
    const n = 20000;
    for (let i = 0; i < n; i++) counts[ds.generateSeq()[1][0]! - 5]!++;
    expect(Math.abs(counts[0]! / n - 0.35)).toBeLessThan(0.015);
    expect(Math.abs(counts[1]! / n - 0.4)).toBeLessThan(0.015);
    expect(Math.abs(counts[2]! / n - 0.25)).toBeLessThan(0.015);
  });

  test('WeatherDataset#sampleP(p) is np.random.choice(arange(len(p)), p=p)', () => {
    const ds = fixed('train', 1);
    const rs = new RandomState(1);
    for (let i = 0; i < 10; i++)
      expect(ds.sampleP([0.2, 0.3, 0.5])).toBe(rs.choice(3, { p: [0.2, 0.3, 0.5] }));
  });

  test('WeatherDataset#proba is a frozen copy; FIXED_PROBA and the notebook test_dataset(proba=train.proba) work', () => {
    const train = fixed('train');
    expect(train.proba).toEqual(FIXED_PROBA);
    expect(Object.isFrozen(train.proba.transition[1])).toBe(true);
    const test = new WeatherDataset('test', { proba: train.proba });
    expect(test.proba).toEqual(FIXED_PROBA);
  });

  test('WeatherDataset#generateVoc() returns the sorted vocabularies', () => {
    expect(fixed('train').generateVoc()).toEqual([
      ['clean', 'read', 'shop', 'tennis', 'walk'],
      ['rainy', 'snowy', 'sunny'],
    ]);
  });

  const badProba = (patch: Partial<Record<keyof WeatherProba, unknown>>) =>
    ({ ...FIXED_PROBA, ...patch }) as unknown as WeatherProba;

  test.each<[string, () => unknown, WeatherDataErrorCode, RegExp]>([
    [
      'new WeatherDataset("validation")',
      () => new WeatherDataset('validation' as 'train'),
      'INVALID_ARGUMENT',
      /split is not a split name. Expected 'train' or 'test', received string "validation"\./,
    ],
    [
      'new WeatherDataset("train", { seqLen: 0 })',
      () => new WeatherDataset('train', { seqLen: 0 }),
      'INVALID_ARGUMENT',
      /seqLen is out of range/,
    ],
    [
      'new WeatherDataset("train", { seqLen: 2.5 })',
      () => new WeatherDataset('train', { seqLen: 2.5 }),
      'INVALID_ARGUMENT',
      /seqLen is not an integer/,
    ],
    [
      'new WeatherDataset("train", { numInstances: -1 })',
      () => new WeatherDataset('train', { numInstances: -1 }),
      'INVALID_ARGUMENT',
      /numInstances/,
    ],
    [
      'new WeatherDataset("train", { seed: -1 })',
      () => new WeatherDataset('train', { seed: -1 }),
      'INVALID_ARGUMENT',
      /seed is out of range. Expected an integer in \[0, 2\*\*32 - 1\], received number -1\./,
    ],
    [
      'new WeatherDataset("train", { seed: 2 ** 32 })',
      () => new WeatherDataset('train', { seed: 2 ** 32 }),
      'INVALID_ARGUMENT',
      /seed/,
    ],
    [
      'new WeatherDataset("train", { proba: {} })',
      () => new WeatherDataset('train', { proba: {} as WeatherProba }),
      'INVALID_PROBABILITIES',
      /proba.initial has the wrong length/,
    ],
    [
      'proba.initial of 2',
      () => fixedWith(badProba({ initial: [0.5, 0.5] })),
      'INVALID_PROBABILITIES',
      /proba.initial has the wrong length. Expected an array of 3 probabilities/,
    ],
    [
      'proba.transition of 2 rows',
      () =>
        fixedWith(
          badProba({
            transition: [
              [1, 0, 0],
              [0, 1, 0],
            ],
          }),
        ),
      'INVALID_PROBABILITIES',
      /proba.transition has the wrong shape/,
    ],
    [
      'proba.emission[1] of 3',
      () =>
        fixedWith(
          badProba({
            emission: [
              [0.2, 0.2, 0.2, 0.2, 0.2],
              [0.5, 0.5, 0],
              [0.2, 0.2, 0.2, 0.2, 0.2],
            ],
          }),
        ),
      'INVALID_PROBABILITIES',
      /proba.emission\[1\] has the wrong length/,
    ],
    [
      'proba.transition[2] summing to 1.1',
      () =>
        fixedWith(
          badProba({
            transition: [
              [1, 0, 0],
              [0, 1, 0],
              [0.5, 0.1, 0.5],
            ],
          }),
        ),
      'INVALID_PROBABILITIES',
      /proba.transition\[2\] does not sum to 1. Expected probabilities summing to 1 \(within 1.49e-8\), received \[0.5, 0.1, 0.5\] \(sum 1.1\)\./,
    ],
    [
      'proba.initial with a negative entry',
      () => fixedWith(badProba({ initial: [1.5, -0.5, 0] })),
      'INVALID_PROBABILITIES',
      /proba.initial\[1\] is not a probability/,
    ],
    [
      'WeatherDataset#get(-1)',
      () => fixed('train').get(-1),
      'INVALID_ARGUMENT',
      /WeatherDataset.get: idx is out of range. Expected an integer in \[0, 9999\], received number -1\./,
    ],
    ['WeatherDataset#get(10000)', () => fixed('train').get(10000), 'INVALID_ARGUMENT', /idx is out of range/],
    ['WeatherDataset#sampleBatch(-1)', () => fixed('train').sampleBatch(-1), 'INVALID_ARGUMENT', /batchSize/],
    [
      'WeatherDataset#sampleBatch(2, short out)',
      () => fixed('train').sampleBatch(2, { x: new Int32Array(21), y: new Int32Array(22) }),
      'INVALID_ARGUMENT',
      /out.x cannot hold the batch. Expected an Int32Array of length 22, received Int32Array of length 21\./,
    ],
    [
      'WeatherDataset#sampleP([0.5, 0.6])',
      () => fixed('train').sampleP([0.5, 0.6]),
      'INVALID_PROBABILITIES',
      /p does not sum to 1/,
    ],
    [
      'WeatherDataset("test").get(0) when every sequence is train',
      () => fixedWith(ONLY_WALKS, 'test').get(0),
      'IMPOSSIBLE_SEQUENCE',
      /no sequence of the 'test' split came up/,
    ],
  ])('%s throws %s', (_, call, code, message) => {
    const error = thrownError(LxmlsWeatherDataError, call);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^\[@lxmls\/weather-data\] /);
    expect(error.message).toMatch(message);
  });
});

/** Every sequence is walk × 6, which is a train sequence. */
const ONLY_WALKS: WeatherProba = {
  initial: [1, 0, 0],
  transition: [
    [1, 0, 0],
    [0, 1, 0],
    [0, 0, 1],
  ],
  emission: [
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1],
    [0, 0, 0, 0, 1],
  ],
};

function fixedWith(proba: WeatherProba, split: 'train' | 'test' = 'train'): WeatherDataset {
  return new WeatherDataset(split, { proba });
}
