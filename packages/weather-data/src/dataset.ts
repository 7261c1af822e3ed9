/**
 * `WeatherDataset`: sequences of activities (observations) and the weather (hidden states) that caused them,
 * sampled from a small hidden Markov model, laid out for an autoregressive transformer.
 *
 * Follows `lxmls.transformers.dataset.WeatherDataset` (LxMLS toolkit, `dataset.py`, unchanged since 2023-07-07)
 * exactly: the same ids, vocabulary size 8, block size `2 * seqLen - 1`, the `x`/`y` layout with the first
 * `seqLen - 1` labels masked with -1, the first-state quirk (the state drawn from `initial` is never
 * recorded), and the same draws as `np.random.choice` for a numpy seed. The one change is the split hash
 * (see `split.ts`), which is deterministic here.
 */

import { check, checkInteger, LxmlsWeatherDataError } from './errors.js';
import {
  type CompiledProba,
  compileProba,
  generateRandomProba,
  NUM_OBSERVATIONS,
  NUM_STATES,
  OBSERVATIONS,
  STATES,
  type WeatherProba,
} from './proba.js';
import { RandomState, searchRight } from './random-state.js';
import { murmur3Bytes, type Split } from './split.js';

/** Options of {@link WeatherDataset}. */
export interface WeatherDatasetOptions {
  /** The number of (observation, state) pairs per sequence; 6 by default. Python: `seq_len`. */
  seqLen?: number;
  /** What {@link WeatherDataset.length} reports; 10,000 by default. Python: `num_instances`. */
  numInstances?: number;
  /**
   * The HMM's probabilities, for example {@link FIXED_PROBA} (the course's). If omitted, random ones as the
   * toolkit makes them: `generateRandomProba(seed)`, i.e. Python's `random.seed(seed)` then
   * `generate_random_proba()`.
   */
  proba?: WeatherProba;
  /**
   * numpy's seed for the samples: the dataset draws from `new RandomState(seed)`, exactly as the toolkit draws
   * from numpy's global generator after `np.random.seed(seed)`. An integer in `[0, 2**32 - 1]`; 0 by default,
   * so a dataset is always reproducible.
   */
  seed?: number;
}

/** One example: `x` and `y`, each of length {@link WeatherDataset.getBlockSize} (11 by default). */
export interface WeatherSample {
  /** The input tokens: the `seqLen` observations, then the first `seqLen - 1` states. */
  x: Int32Array;
  /** The targets: `seqLen - 1` times -1 (no loss), then the `seqLen` states. */
  y: Int32Array;
}

/** Rejection sampling gives up after this many draws in a row from the other split. */
const MAX_REJECTIONS = 1_000_000;

/**
 * The weather HMM dataset of the course's Exercise 3.1.
 *
 * Each example is one sequence of `seqLen` observations (ids 0-4: clean, read, shop, tennis, walk) and the
 * hidden states that emitted them (ids 5-7: rainy, snowy, sunny), concatenated and shifted by one:
 * `x = obs₁..obs₆, st₁..st₅` and `y = -1 ×5, st₁..st₆`. A model reads all six observations before it must
 * predict the first state.
 *
 * As in the toolkit, `get(idx)` ignores `idx` and samples a fresh sequence, by rejection, until its
 * observations belong to the dataset's split; the train and test splits never share an observation
 * sequence. Unlike the toolkit, everything is reproducible: `seed` fixes every sample.
 *
 * @remarks Python: `lxmls.transformers.dataset.WeatherDataset(split, seq_len=6, num_instances=10000,
 *   proba=False)`.
 * @example
 * ```ts
 * import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
 * const train = new WeatherDataset('train', { proba: FIXED_PROBA, seed: 0 });
 * console.log(train.getVocabSize(), train.getBlockSize(), train.length); // → 8 11 10000
 * const { x, y } = train.get(0);
 * console.log(Array.from(x)); // → [ 0, 4, 2, 4, 4, 2, 5, 5, 6, 7, 5 ]
 * console.log(Array.from(y)); // → [ -1, -1, -1, -1, -1, 5, 5, 6, 7, 5, 5 ]
 * console.log(train.decodeObs(x.subarray(0, 6))); // → [ 'clean', 'walk', 'shop', 'walk', 'walk', 'shop' ]
 * console.log(train.decodeSt(y.subarray(5))); // → [ 'rainy', 'rainy', 'snowy', 'sunny', 'rainy', 'rainy' ]
 * ```
 */
export class WeatherDataset {
  /** `'train'` or `'test'`. */
  readonly split: Split;
  /** The number of examples reported by {@link WeatherDataset.length}. Python: `self.size`. */
  readonly size: number;
  /** The number of (observation, state) pairs per sequence. Python: `self.length`. */
  readonly seqLen: number;
  /** The observation words, by id. Python: `self.obs`. */
  readonly obs: readonly string[] = OBSERVATIONS;
  /** The state words, by id minus 5. Python: `self.states`. */
  readonly states: readonly string[] = STATES;
  /** The HMM's probabilities (a frozen copy). Python: `self.proba`. */
  readonly proba: WeatherProba;
  /** The numpy generator the samples are drawn from; save and restore it with `getState` / `setState`. */
  readonly rng: RandomState;

  private readonly compiled: CompiledProba;
  private readonly wantTest: boolean;
  private readonly seqObs: Int32Array;
  private readonly seqStates: Int32Array;
  private readonly uniforms: Float64Array;

  /**
   * @param split - `'train'` or `'test'`.
   * @param options - `seqLen` (6), `numInstances` (10000), `proba` (random if omitted), `seed` (0).
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` for a bad split, length, size or seed;
   *   `INVALID_PROBABILITIES` when `proba` is not a 3 / 3×3 / 3×5 table of rows summing to 1.
   */
  constructor(split: Split, options: WeatherDatasetOptions = {}) {
    const fn = 'WeatherDataset';
    if (split !== 'train' && split !== 'test')
      check.fail(fn, 'split', split, 'split is not a split name', "'train' or 'test'");
    if (options === null || typeof options !== 'object')
      check.fail(
        fn,
        'options',
        options,
        'options is not an object',
        'an object { seqLen, numInstances, proba, seed }',
      );
    const { seqLen = 6, numInstances = 10000, proba, seed = 0 } = options;
    this.split = split;
    this.seqLen = checkInteger(fn, 'seqLen', seqLen, 1, 1 << 20);
    this.size = checkInteger(fn, 'numInstances', numInstances, 0, Number.MAX_SAFE_INTEGER);
    checkInteger(fn, 'seed', seed, 0, 0xffffffff);
    this.compiled = compileProba(fn, proba === undefined ? generateRandomProba(seed) : proba);
    this.proba = this.compiled.proba;
    this.rng = new RandomState(seed);
    this.wantTest = split === 'test';
    this.seqObs = new Int32Array(this.seqLen);
    this.seqStates = new Int32Array(this.seqLen);
    this.uniforms = new Float64Array(1 + 2 * this.seqLen);
  }

  /**
   * The number of examples, `numInstances`, whatever the split (the toolkit's train and test datasets both
   * report 10,000). It only matters to code that walks the indices in order.
   *
   * @returns `numInstances`.
   * @remarks Python: `WeatherDataset.__len__`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * console.log(new WeatherDataset('test', { numInstances: 500 }).length); // → 500
   * ```
   */
  get length(): number {
    return this.size;
  }

  /**
   * The vocabulary size: 5 observations + 3 states = 8.
   *
   * @returns 8.
   * @remarks Python: `WeatherDataset.get_vocab_size`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * console.log(new WeatherDataset('train').getVocabSize()); // → 8
   * ```
   */
  getVocabSize(): number {
    return NUM_OBSERVATIONS + NUM_STATES;
  }

  /**
   * The length of `x` and `y`: `2 * seqLen - 1` (11 for the default 6).
   *
   * @returns The block size.
   * @remarks Python: `WeatherDataset.get_block_size`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * console.log(new WeatherDataset('test', { seqLen: 4 }).getBlockSize()); // → 7
   * ```
   */
  getBlockSize(): number {
    return 2 * this.seqLen - 1;
  }

  /**
   * The vocabulary: observations and states, each sorted alphabetically.
   *
   * @returns `[observations, states]`, fresh arrays.
   * @remarks Python: `WeatherDataset.generate_voc`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * console.log(new WeatherDataset('train').generateVoc());
   * // → [ [ 'clean', 'read', 'shop', 'tennis', 'walk' ], [ 'rainy', 'snowy', 'sunny' ] ]
   * ```
   */
  generateVoc(): [string[], string[]] {
    return [[...OBSERVATIONS], [...STATES]];
  }

  /**
   * Observation ids to words, with Python's list indexing: `-1` is `'walk'`, as `self.obs[-1]`.
   *
   * @param ids - Integers in `[-5, 5)`.
   * @returns The words.
   * @throws {@link LxmlsWeatherDataError} `UNKNOWN_ID` when an id is outside `[-5, 5)` (Python's `IndexError`).
   * @remarks Python: `WeatherDataset.decode_obs`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * const ds = new WeatherDataset('train');
   * console.log(ds.decodeObs([1, 4, 4, 4, 3, 2])); // → [ 'read', 'walk', 'walk', 'walk', 'tennis', 'shop' ]
   * console.log(ds.decodeObs([-1])); // → [ 'walk' ]
   * ```
   */
  decodeObs(ids: ArrayLike<number>): string[] {
    return decodeIds('WeatherDataset.decodeObs', ids, OBSERVATIONS, 0, 'an observation id');
  }

  /**
   * State token ids to words: `states[id - 5]`, with Python's list indexing (so 2, 3 and 4 also decode, as
   * `self.states[-3..-1]`; -1, the mask, does not).
   *
   * @param ids - Integers in `[2, 8)`; the real state ids are 5, 6, 7.
   * @returns The words.
   * @throws {@link LxmlsWeatherDataError} `UNKNOWN_ID` when `id - 5` is outside `[-3, 3)` (Python's `IndexError`).
   * @remarks Python: `WeatherDataset.decode_st`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * const ds = new WeatherDataset('train');
   * console.log(ds.decodeSt([6, 7, 7, 7, 7, 7])); // → [ 'snowy', 'sunny', 'sunny', 'sunny', 'sunny', 'sunny' ]
   * ```
   */
  decodeSt(ids: ArrayLike<number>): string[] {
    return decodeIds('WeatherDataset.decodeSt', ids, STATES, NUM_OBSERVATIONS, 'a state id');
  }

  /**
   * Decodes observations and states together.
   *
   * @param x - Observation ids, as for {@link WeatherDataset.decodeObs}.
   * @param y - State ids, as for {@link WeatherDataset.decodeSt}.
   * @returns `[decodeObs(x), decodeSt(y)]`.
   * @throws {@link LxmlsWeatherDataError} `UNKNOWN_ID` for an id that names no word.
   * @remarks Python: `WeatherDataset.decode_seq`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * const ds = new WeatherDataset('train');
   * console.log(ds.decodeSeq([4, 3], [7, 5])); // → [ [ 'walk', 'tennis' ], [ 'sunny', 'rainy' ] ]
   * ```
   */
  decodeSeq(x: ArrayLike<number>, y: ArrayLike<number>): [string[], string[]] {
    return [this.decodeObs(x), this.decodeSt(y)];
  }

  /**
   * One draw from a probability vector with the dataset's generator: `np.random.choice(arange(len(p)), p=p)`.
   *
   * @param p - Probabilities summing to 1 (within `sqrt(float64 eps)`).
   * @returns An index into `p`.
   * @throws {@link LxmlsWeatherDataError} `INVALID_PROBABILITIES` when `p` is not a probability vector.
   * @remarks Python: `WeatherDataset.sample_p`.
   * @example
   * ```ts
   * import { WeatherDataset } from '@lxmls/weather-data';
   * const ds = new WeatherDataset('train', { seed: 0 });
   * console.log(ds.sampleP([0.5, 0.5])); // → 1
   * ```
   */
  sampleP(p: ArrayLike<number>): number {
    if (p === null || typeof p !== 'object' || typeof p.length !== 'number' || p.length === 0)
      check.fail(
        'WeatherDataset.sampleP',
        'p',
        p,
        'p is not a probability vector',
        'a non-empty array of probabilities',
        { code: 'INVALID_PROBABILITIES' },
      );
    return this.rng.choice(p.length, { p });
  }

  /**
   * Samples one sequence from the HMM, whatever its split. The state drawn from `initial` is not recorded
   * (the toolkit's first-state quirk): the first recorded state follows `initial · transition`. Each call
   * uses exactly `1 + 2 * seqLen` uniforms, in the order initial, then transition and emission alternately.
   *
   * @returns `[obs, states]`: observation ids (0-4) and state token ids (5-7), `seqLen` each.
   * @remarks Python: `WeatherDataset.generate_seq`; after `np.random.seed(seed)` Python returns the same
   *   sequences in the same order.
   * @example
   * ```ts
   * import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
   * const ds = new WeatherDataset('train', { proba: FIXED_PROBA, seed: 0 });
   * console.log(ds.generateSeq()); // → [ [ 4, 3, 3, 4, 4, 2 ], [ 7, 7, 7, 7, 5, 6 ] ]
   * console.log(ds.generateSeq()); // → [ [ 0, 4, 2, 4, 4, 2 ], [ 5, 5, 6, 7, 5, 5 ] ]
   * ```
   */
  generateSeq(): [number[], number[]] {
    this.drawSequence();
    return [Array.from(this.seqObs), Array.from(this.seqStates, (s) => s + NUM_OBSERVATIONS)];
  }

  /**
   * One example of the dataset's split. As in the toolkit, `idx` does not choose the example: every call
   * samples a fresh sequence (rejecting those of the other split) from the dataset's generator.
   *
   * @param idx - An integer in `[0, length)`, checked and otherwise ignored.
   * @returns `{ x, y }`, two new `Int32Array`s of length `2 * seqLen - 1`.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `idx` is out of range;
   *   `IMPOSSIBLE_SEQUENCE` when a million draws in a row all belong to the other split.
   * @remarks Python: `WeatherDataset.__getitem__` (which returns int64 tensors).
   * @example
   * ```ts
   * import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
   * const test = new WeatherDataset('test', { proba: FIXED_PROBA, seed: 0 });
   * const { x, y } = test.get(0);
   * console.log(x.join(' ')); // → 4 3 3 4 4 2 7 7 7 7 5
   * console.log(y.join(' ')); // → -1 -1 -1 -1 -1 7 7 7 7 5 6
   * ```
   */
  get(idx: number): WeatherSample {
    checkInteger('WeatherDataset.get', 'idx', idx, 0, this.size - 1);
    const T = this.getBlockSize();
    const x = new Int32Array(T);
    const y = new Int32Array(T);
    this.drawFromSplit('WeatherDataset.get');
    this.writeExample(x, y, 0);
    return { x, y };
  }

  /**
   * A batch of `batchSize` examples in two flat row-major `(batchSize, blockSize)` arrays, written in place
   * when `out` is given. The examples are exactly those of `batchSize` calls to {@link WeatherDataset.get}.
   *
   * @param batchSize - A non-negative integer (64 in the course).
   * @param out - Arrays to fill, each an `Int32Array` of length `batchSize * blockSize`.
   * @returns `out`, or new arrays: `x` (B, T) and `y` (B, T).
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` for a bad `batchSize` or `out`;
   *   `IMPOSSIBLE_SEQUENCE` as in {@link WeatherDataset.get}.
   * @remarks Python: what the toolkit's `DataLoader` collates from `batch_size` calls to `__getitem__`.
   * @example
   * ```ts
   * import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
   * const train = new WeatherDataset('train', { proba: FIXED_PROBA, seed: 1 });
   * const batch = train.sampleBatch(64); // reuse arrays with train.sampleBatch(64, batch)
   * console.log(batch.x.length, batch.y.length); // → 704 704
   * console.log(Array.from(batch.y.subarray(0, 11))); // → [ -1, -1, -1, -1, -1, 6, 6, 6, 6, 7, 7 ]
   * ```
   */
  sampleBatch(batchSize: number, out?: WeatherSample): WeatherSample {
    const fn = 'WeatherDataset.sampleBatch';
    const B = checkInteger(fn, 'batchSize', batchSize, 0, Number.MAX_SAFE_INTEGER);
    const T = this.getBlockSize();
    let x: Int32Array;
    let y: Int32Array;
    if (out === undefined) {
      x = new Int32Array(B * T); // (B, T)
      y = new Int32Array(B * T); // (B, T)
    } else {
      x = checkBuffer(fn, 'out.x', (out as Partial<WeatherSample> | null)?.x, B * T);
      y = checkBuffer(fn, 'out.y', out.y, B * T);
    }
    for (let b = 0; b < B; b++) {
      this.drawFromSplit(fn);
      this.writeExample(x, y, b * T);
    }
    return out ?? { x, y };
  }

  /** Draws one sequence into the scratch arrays (state indices 0-2, not token ids). */
  private drawSequence(): void {
    const u = this.rng.mt.fillDoubles(this.uniforms); // (1 + 2L,) initial, then transition/emission pairs
    const { initialCdf, transitionCdf, emissionCdf } = this.compiled;
    const obs = this.seqObs;
    const st = this.seqStates;
    let c = searchRight(initialCdf, 0, u[0]!); // the hidden, never recorded, first state
    for (let k = 0; k < obs.length; k++) {
      c = searchRight(transitionCdf, c * NUM_STATES, u[1 + 2 * k]!);
      st[k] = c;
      obs[k] = searchRight(emissionCdf, c * NUM_OBSERVATIONS, u[2 + 2 * k]!);
    }
  }

  /** Draws sequences until one belongs to the dataset's split. */
  private drawFromSplit(fn: string): void {
    const L = this.seqLen;
    for (let tries = 0; tries < MAX_REJECTIONS; tries++) {
      this.drawSequence();
      if (((murmur3Bytes(this.seqObs, 0, L) & 3) === 0) === this.wantTest) return;
    }
    throw new LxmlsWeatherDataError(
      'IMPOSSIBLE_SEQUENCE',
      `no sequence of the '${this.split}' split came up`,
      {
        fn,
        expected: `probabilities that give the '${this.split}' split some observation sequences`,
        received: `${MAX_REJECTIONS} draws in a row from the other split`,
      },
    );
  }

  /** Writes the scratch sequence as one example at `offset` of `x` and `y`. */
  private writeExample(x: Int32Array, y: Int32Array, offset: number): void {
    const L = this.seqLen;
    const obs = this.seqObs;
    const st = this.seqStates;
    for (let k = 0; k < L; k++) x[offset + k] = obs[k]!; // x = obs₁..obs_L,
    for (let k = 0; k < L - 1; k++) {
      x[offset + L + k] = st[k]! + NUM_OBSERVATIONS; //    st₁..st_{L-1}
      y[offset + k] = -1; //                            y = -1 × (L-1),
    }
    for (let k = 0; k < L; k++) y[offset + L - 1 + k] = st[k]! + NUM_OBSERVATIONS; // st₁..st_L
  }
}

function decodeIds(
  fn: string,
  ids: ArrayLike<number>,
  words: readonly string[],
  offset: number,
  what: string,
): string[] {
  if (ids === null || typeof ids !== 'object' || typeof ids.length !== 'number')
    check.fail(fn, 'ids', ids, 'ids is not an array', 'an array of integer ids');
  const n = words.length;
  const out = new Array<string>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    const index = typeof id === 'number' && Number.isInteger(id) ? id - offset : Number.NaN;
    if (!(index >= -n && index < n))
      check.fail(
        fn,
        `ids[${i}]`,
        id,
        `ids[${i}] is not ${what}`,
        `an integer in [${offset - n}, ${offset + n}) (Python list indexing)`,
        { code: 'UNKNOWN_ID' },
      );
    out[i] = words[index < 0 ? index + n : index]!;
  }
  return out;
}

function checkBuffer(fn: string, argument: string, value: unknown, length: number): Int32Array {
  if (!(value instanceof Int32Array) || value.length !== length)
    check.fail(fn, argument, value, `${argument} cannot hold the batch`, `an Int32Array of length ${length}`);
  return value;
}
