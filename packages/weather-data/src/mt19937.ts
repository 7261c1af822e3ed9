/**
 * MT19937, the Mersenne Twister of Matsumoto and Nishimura, bit-exact with numpy's legacy generator and with
 * CPython's `random` module.
 *
 * Follows numpy's `numpy/random/src/mt19937/mt19937.c` (and `randomkit.c` before it) and CPython's
 * `Modules/_randommodule.c`: the same `init_genrand` (numpy's `RandomState(int)`), `init_by_array` (numpy's
 * `RandomState(array)` and Python's `random.seed(int)`), the same twist and tempering, and the same 53-bit
 * double `((a >>> 5) * 2**26 + (b >>> 6)) / 2**53` (numpy's `random_sample`, Python's `random.random()`).
 */

import { check, checkInteger, LxmlsWeatherDataError } from './errors.js';

const N = 624;
const M = 397;
const MATRIX_A = 0x9908b0df;
const UPPER_MASK = 0x80000000;
const LOWER_MASK = 0x7fffffff;

/**
 * The full state of an {@link MT19937}: numpy's `get_state()` without the Gaussian cache.
 *
 * `key` holds the 624 words and `pos` the index of the next word to temper (624 means "twist first"),
 * exactly as in numpy's `('MT19937', key, pos, has_gauss, cached_gaussian)` tuple.
 */
export interface MT19937State {
  /** The 624 state words. */
  key: Uint32Array;
  /** The position in `key`, in `[0, 624]`. */
  pos: number;
}

/**
 * The Mersenne Twister MT19937, seeded as numpy's legacy `RandomState` or as Python's `random.seed`.
 *
 * @remarks Python: numpy's legacy `RandomState` bit generator (`numpy.random.mtrand`), used through
 * `np.random.choice` by `lxmls.transformers.dataset.WeatherDataset.sample_p`; and CPython's `random.Random`,
 * used by `WeatherDataset.generate_random_proba`.
 * @example
 * ```ts
 * import { MT19937 } from '@lxmls/weather-data';
 * const numpyLike = new MT19937(0); // np.random.seed(0)
 * console.log(numpyLike.nextDouble()); // → 0.5488135039273248
 * const pythonLike = MT19937.fromPythonSeed(42); // random.seed(42)
 * console.log(pythonLike.nextDouble()); // → 0.6394267984578837
 * ```
 */
export class MT19937 {
  private readonly mt = new Uint32Array(N);
  private pos = N;

  /**
   * Seeds with numpy's integer seeding, `init_genrand(seed)`: `new MT19937(seed)` is `np.random.seed(seed)`.
   *
   * @param seed - An integer in `[0, 2**32 - 1]`; 5489 (the reference implementation's default) if omitted.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `seed` is not such an integer.
   */
  constructor(seed = 5489) {
    this.initGenrand(checkInteger('MT19937', 'seed', seed, 0, 0xffffffff));
  }

  /**
   * A generator seeded with `init_by_array(key)`: numpy's `RandomState(key)` for an array `key`.
   *
   * @param key - A non-empty list of integers in `[0, 2**32 - 1]`.
   * @returns The seeded generator.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `key` is empty or holds something else.
   * @remarks Python: `numpy.random.RandomState([k0, k1, ...])`.
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * console.log(MT19937.fromKey([1, 2, 3]).nextDouble()); // → 0.6098612722867289
   * ```
   */
  static fromKey(key: ArrayLike<number>): MT19937 {
    const fn = 'MT19937.fromKey';
    if (key === null || typeof key !== 'object' || typeof key.length !== 'number' || key.length === 0)
      check.fail(
        fn,
        'key',
        key,
        'key is not a non-empty list of integers',
        'a non-empty array of integers in [0, 2**32 - 1]',
      );
    const words = new Uint32Array(key.length);
    for (let i = 0; i < key.length; i++) words[i] = checkInteger(fn, `key[${i}]`, key[i], 0, 0xffffffff);
    const mt = new MT19937();
    mt.initByArray(words);
    return mt;
  }

  /**
   * A generator seeded as CPython's `random.seed(seed)` for an integer: `init_by_array` of the 32-bit words
   * of `|seed|`, least significant first (`[0]` for 0).
   *
   * @param seed - Any integer: a safe-integer `number` or a `bigint`.
   * @returns The seeded generator; its {@link MT19937.nextDouble} is Python's `random.random()`.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `seed` is not an integer.
   * @remarks Python: `random.seed(seed)` (CPython `random_seed` with an `int` argument).
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * const rng = MT19937.fromPythonSeed(0);
   * console.log(rng.nextDouble(), rng.nextDouble()); // → 0.8444218515250481 0.7579544029403025
   * ```
   */
  static fromPythonSeed(seed: number | bigint): MT19937 {
    if (typeof seed === 'number') {
      if (!Number.isSafeInteger(seed))
        check.fail(
          'MT19937.fromPythonSeed',
          'seed',
          seed,
          'seed is not an integer',
          'a safe integer or a bigint',
        );
      seed = BigInt(seed);
    } else if (typeof seed !== 'bigint')
      check.fail(
        'MT19937.fromPythonSeed',
        'seed',
        seed,
        'seed is not an integer',
        'a safe integer or a bigint',
      );
    let n = seed < 0n ? -seed : seed;
    const words: number[] = [];
    do {
      words.push(Number(n & 0xffffffffn));
      n >>= 32n;
    } while (n > 0n);
    const mt = new MT19937();
    mt.initByArray(Uint32Array.from(words));
    return mt;
  }

  /** `init_genrand(s)`: fills the state from one 32-bit word. */
  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]!;
      mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
    }
    this.pos = N;
  }

  /** `init_by_array(key)`: the reference implementation's array seeding. */
  private initByArray(key: Uint32Array): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1664525)) >>> 0) + key[j]! + j;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]!;
      mt[i] = ((mt[i]! ^ Math.imul(prev ^ (prev >>> 30), 1566083941)) >>> 0) - i;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  /** Regenerates the 624 words (the "twist"). */
  private twist(): void {
    const mt = this.mt;
    let i = 0;
    let y: number;
    for (; i < N - M; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + M]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    for (; i < N - 1; i++) {
      y = (mt[i]! & UPPER_MASK) | (mt[i + 1]! & LOWER_MASK);
      mt[i] = mt[i + (M - N)]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    }
    y = (mt[N - 1]! & UPPER_MASK) | (mt[0]! & LOWER_MASK);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (-(y & 1) & MATRIX_A);
    this.pos = 0;
  }

  /**
   * The next 32-bit output, an integer in `[0, 2**32)`.
   *
   * @returns The tempered word: numpy's `mt19937_next32`, Python's `genrand_uint32`.
   * @remarks Python: `numpy.random.RandomState.randint(2**32, dtype=np.uint32)` draws one of these (the C
   *   function `mt19937_next32`); CPython's `random.getrandbits(32)`.
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * console.log(new MT19937(5489).nextUint32()); // → 3499211612
   * ```
   */
  nextUint32(): number {
    if (this.pos >= N) this.twist();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /**
   * The next double in `[0, 1)` with 53 random bits, from two 32-bit outputs `a` and `b`:
   * `((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992`.
   *
   * @returns numpy's `random_sample()` / Python's `random.random()` for the same state.
   * @remarks Python: `numpy.random.RandomState.random_sample`, `random.random` (`genrand_res53`).
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * const rng = new MT19937(0);
   * console.log(rng.nextDouble(), rng.nextDouble()); // → 0.5488135039273248 0.7151893663724195
   * ```
   */
  nextDouble(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /**
   * Fills `out[start .. start + count)` with {@link MT19937.nextDouble} values, faster than calling it in a
   * loop; the generator ends in the same state.
   *
   * @param out - The array to fill.
   * @param start - The first index to write; 0 by default.
   * @param count - How many doubles; up to the end of `out` by default.
   * @returns `out`.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when the range does not fit in `out`.
   * @remarks Python: `numpy.random.RandomState.random_sample(count)`.
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * console.log(new MT19937(0).fillDoubles(new Float64Array(2))); // → Float64Array(2) [ 0.5488135039273248, 0.7151893663724195 ]
   * ```
   */
  fillDoubles(out: Float64Array, start = 0, count = out.length - start): Float64Array {
    if (!(out instanceof Float64Array))
      check.fail('MT19937.fillDoubles', 'out', out, 'out is not a Float64Array', 'a Float64Array');
    checkInteger('MT19937.fillDoubles', 'start', start, 0, out.length);
    checkInteger('MT19937.fillDoubles', 'count', count, 0, out.length - start);
    const mt = this.mt;
    let pos = this.pos;
    const end = start + count;
    for (let i = start; i < end; i++) {
      if (pos >= N) {
        this.twist();
        pos = 0;
      }
      let a = mt[pos++]!;
      a ^= a >>> 11;
      a ^= (a << 7) & 0x9d2c5680;
      a ^= (a << 15) & 0xefc60000;
      a ^= a >>> 18;
      if (pos >= N) {
        this.twist();
        pos = 0;
      }
      let b = mt[pos++]!;
      b ^= b >>> 11;
      b ^= (b << 7) & 0x9d2c5680;
      b ^= (b << 15) & 0xefc60000;
      b ^= b >>> 18;
      out[i] = ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992;
    }
    this.pos = pos;
    return out;
  }

  /**
   * A copy of the state, to save (for example in a checkpoint) and later restore with {@link MT19937.setState}.
   *
   * @returns `{ key, pos }`, the same words and position as numpy's `get_state()[1:3]`.
   * @remarks Python: `numpy.random.RandomState.get_state()`.
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * const rng = new MT19937(0);
   * const saved = rng.getState();
   * const first = rng.nextDouble();
   * rng.setState(saved);
   * console.log(rng.nextDouble() === first, saved.key.length, saved.pos); // → true 624 624
   * ```
   */
  getState(): MT19937State {
    return { key: this.mt.slice(), pos: this.pos };
  }

  /**
   * Restores a state taken by {@link MT19937.getState} (or numpy's `get_state()` key and pos).
   *
   * @param state - `{ key, pos }` with 624 words and a position in `[0, 624]`.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when the key or position is malformed.
   * @remarks Python: `numpy.random.RandomState.set_state(('MT19937', key, pos))`.
   * @example
   * ```ts
   * import { MT19937 } from '@lxmls/weather-data';
   * const a = new MT19937(7);
   * const b = new MT19937(8);
   * b.setState(a.getState());
   * console.log(a.nextUint32() === b.nextUint32()); // → true
   * ```
   */
  setState(state: MT19937State): void {
    const fn = 'MT19937.setState';
    const key = (state as Partial<MT19937State> | null)?.key;
    if (key === null || typeof key !== 'object' || (key as ArrayLike<number>).length !== N)
      check.fail(
        fn,
        'state.key',
        key,
        'state.key is not 624 words',
        'an array of 624 integers in [0, 2**32 - 1]',
      );
    const pos = checkInteger(fn, 'state.pos', state.pos, 0, N);
    const words = new Uint32Array(N);
    for (let i = 0; i < N; i++) words[i] = checkInteger(fn, `state.key[${i}]`, key[i], 0, 0xffffffff);
    this.mt.set(words);
    this.pos = pos;
  }
}
