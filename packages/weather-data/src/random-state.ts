/**
 * A small, bit-exact port of numpy's legacy `RandomState` (`numpy.random.mtrand`): the methods the weather
 * dataset needs (`random_sample`, `choice` with `p`, `randint`) on an {@link MT19937}.
 *
 * Follows numpy's `mtrand.pyx` (`RandomState.choice`, `RandomState.randint`) and `_bounded_integers.pyx` /
 * `distributions.c` (`random_bounded_uint64_fill` with the masked rejection sampler that the legacy API uses).
 */

import { check, checkInteger, LxmlsWeatherDataError } from './errors.js';
import { MT19937, type MT19937State } from './mt19937.js';

/** numpy's tolerance on `sum(p) - 1` in `choice`: `sqrt(finfo(float64).eps)`. */
export const P_SUM_TOLERANCE = Math.sqrt(2 ** -52);

/** Options of {@link RandomState.choice}. */
export interface ChoiceOptions {
  /** The probability of each entry of `a`: non-negative, summing to 1 within `sqrt(float64 eps)`. Uniform if omitted. */
  p?: ArrayLike<number>;
}

/**
 * numpy's legacy random generator, `numpy.random.RandomState`, reduced to what the course needs.
 *
 * Same seed, same numbers as numpy: `new RandomState(0).randomSample()` is `np.random.seed(0);
 * np.random.random_sample()`.
 *
 * @remarks Python: `numpy.random.RandomState` (the global `np.random.*` functions use one of these).
 * @example
 * ```ts
 * import { RandomState } from '@lxmls/weather-data';
 * const rs = new RandomState(0);
 * console.log(rs.randomSample()); // → 0.5488135039273248
 * console.log(rs.choice(5, { p: [0.1, 0.2, 0.3, 0.4, 0] })); // → 3
 * console.log(rs.randint(0, 10)); // → 3
 * ```
 */
export class RandomState {
  /** The underlying bit generator. */
  readonly mt: MT19937;

  /**
   * @param seed - numpy's seed: an integer in `[0, 2**32 - 1]` (`init_genrand`) or a non-empty array of such
   *   integers (`init_by_array`).
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `seed` is neither.
   */
  constructor(seed: number | ArrayLike<number>) {
    this.mt = seedGenerator('RandomState', seed);
  }

  /**
   * Reseeds in place, as `RandomState.seed(seed)`.
   *
   * @param seed - As in the constructor.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `seed` is not a valid seed.
   * @remarks Python: `numpy.random.RandomState.seed`.
   * @example
   * ```ts
   * import { RandomState } from '@lxmls/weather-data';
   * const rs = new RandomState(1);
   * rs.seed(0);
   * console.log(rs.randomSample()); // → 0.5488135039273248
   * ```
   */
  seed(seed: number | ArrayLike<number>): void {
    this.mt.setState(seedGenerator('RandomState.seed', seed).getState());
  }

  /**
   * Uniform doubles in `[0, 1)` with 53 random bits.
   *
   * @returns One number; with `size`, a `Float64Array` of `size` numbers (see the second signature).
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `size` is not a non-negative integer.
   * @remarks Python: `numpy.random.RandomState.random_sample` (also `random`, `ranf`, `sample`).
   * @example
   * ```ts
   * import { RandomState } from '@lxmls/weather-data';
   * console.log(new RandomState(0).randomSample(3));
   * // → Float64Array(3) [ 0.5488135039273248, 0.7151893663724195, 0.6027633760716439 ]
   * ```
   */
  randomSample(): number;
  /**
   * `size` uniform doubles in `[0, 1)`, as `random_sample(size)`.
   *
   * @param size - How many, a non-negative integer.
   * @returns A `Float64Array` of `size` numbers.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `size` is not a non-negative integer.
   */
  randomSample(size: number): Float64Array;
  randomSample(size?: number): number | Float64Array {
    if (size === undefined) return this.mt.nextDouble();
    const n = checkInteger('RandomState.randomSample', 'size', size, 0, Number.MAX_SAFE_INTEGER);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.mt.nextDouble();
    return out;
  }

  /**
   * Random integers in `[low, high)` (or `[0, low)` when `high` is omitted), drawn as numpy's legacy `randint`
   * draws them: masked rejection sampling on 32-bit outputs (two per draw when `high - low > 2**32`).
   *
   * @param low - The lowest integer, or the exclusive upper bound when `high` is omitted.
   * @param high - The exclusive upper bound; `high - low` at most `2**53`.
   * @returns One integer (the second signature draws `size` of them).
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when the bounds are not safe integers with
   *   `low < high`, or `size` is not a non-negative integer.
   * @remarks Python: `numpy.random.RandomState.randint` (default dtype `int64`).
   * @example
   * ```ts
   * import { RandomState } from '@lxmls/weather-data';
   * console.log(new RandomState(0).randint(0, 10, 8)); // → [ 5, 0, 3, 3, 7, 9, 3, 5 ]
   * ```
   */
  randint(low: number, high?: number): number;
  /**
   * `size` random integers in `[low, high)`, as `randint(low, high, size)`.
   *
   * @param low - The lowest integer, or the exclusive upper bound when `high` is undefined.
   * @param high - The exclusive upper bound, or undefined.
   * @param size - How many, a non-negative integer.
   * @returns An array of `size` integers.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` for bad bounds or `size`.
   */
  randint(low: number, high: number | undefined, size: number): number[];
  randint(low: number, high?: number, size?: number): number | number[] {
    const fn = 'RandomState.randint';
    checkInteger(fn, 'low', low, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (high === undefined) {
      high = low;
      low = 0;
    } else checkInteger(fn, 'high', high, -Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    if (low >= high || high - low > 2 ** 53)
      check.fail(
        fn,
        'high',
        high,
        'the range is empty or too wide',
        `low < high <= low + 2**53 (low is ${low})`,
      );
    if (size === undefined) return low + this.boundedInteger(high - low - 1);
    const n = checkInteger(fn, 'size', size, 0, Number.MAX_SAFE_INTEGER);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = low + this.boundedInteger(high - low - 1);
    return out;
  }

  /**
   * Random entries of `a` (or of `0..a-1` when `a` is a number), with replacement, each with probability
   * `p[i]` (uniform when `p` is omitted). With `p`, each draw is numpy's: `cdf = cumsum(p); cdf /= cdf[-1]`,
   * one `random_sample()` `u`, and the index `searchsorted(cdf, u, side='right')`, so entries of probability 0
   * are never chosen. Without `p` it is `randint(0, len(a))`.
   *
   * @param a - A population size (a positive integer) or the population itself (a non-empty array).
   * @param options - `p`, the probabilities.
   * @returns One entry (the second signature draws `size` of them).
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` for an empty population or a bad `size`;
   *   `INVALID_PROBABILITIES` when `p` has the wrong length, a NaN or negative entry, or does not sum to 1
   *   within `sqrt(float64 eps)` (numpy's rules, with numpy's Kahan sum).
   * @remarks Python: `numpy.random.RandomState.choice(a, size=None, replace=True, p=None)`.
   * @example
   * ```ts
   * import { RandomState } from '@lxmls/weather-data';
   * const rs = new RandomState(1);
   * console.log(rs.choice(5, { p: [0.1, 0.2, 0.3, 0.4, 0] }, 8)); // → [ 2, 3, 0, 2, 1, 0, 1, 2 ]
   * console.log(rs.choice(7, undefined, 5)); // → [ 6, 1, 2, 4, 6 ]
   * console.log(rs.choice([10, 20, 30], { p: [0.5, 0.25, 0.25] })); // → 10
   * ```
   */
  choice(a: number | ArrayLike<number>, options?: ChoiceOptions): number;
  /**
   * `size` random entries of `a`, as `choice(a, size, p=p)`.
   *
   * @param a - A population size (a positive integer) or the population itself (a non-empty array).
   * @param options - `p`, the probabilities, or undefined for uniform.
   * @param size - How many, a non-negative integer.
   * @returns An array of `size` entries.
   * @throws {@link LxmlsWeatherDataError} as the one-value signature.
   */
  choice(a: number | ArrayLike<number>, options: ChoiceOptions | undefined, size: number): number[];
  choice(a: number | ArrayLike<number>, options?: ChoiceOptions, size?: number): number | number[] {
    const fn = 'RandomState.choice';
    let population: ArrayLike<number> | undefined;
    let popSize: number;
    if (typeof a === 'number') {
      popSize = checkInteger(fn, 'a', a, 1, Number.MAX_SAFE_INTEGER);
    } else if (a !== null && typeof a === 'object' && typeof a.length === 'number' && a.length > 0) {
      population = a;
      popSize = a.length;
    } else {
      check.fail(fn, 'a', a, 'a is not a population', 'a positive integer or a non-empty array');
    }
    const count = size === undefined ? 1 : checkInteger(fn, 'size', size, 0, Number.MAX_SAFE_INTEGER);
    const idx = new Array<number>(count);
    if (options?.p !== undefined) {
      const cdf = cumulative(fn, 'p', options.p, popSize);
      for (let i = 0; i < count; i++) idx[i] = searchRight(cdf, 0, this.mt.nextDouble());
    } else {
      for (let i = 0; i < count; i++) idx[i] = this.boundedInteger(popSize - 1);
    }
    const values = population === undefined ? idx : idx.map((i) => population[i]!);
    return size === undefined ? values[0]! : values;
  }

  /**
   * A copy of the generator's state (see {@link MT19937.getState}).
   *
   * @returns `{ key, pos }`.
   * @remarks Python: `numpy.random.RandomState.get_state()`.
   * @example
   * ```ts
   * import { RandomState } from '@lxmls/weather-data';
   * const rs = new RandomState(0);
   * const saved = rs.getState();
   * const a = rs.randomSample(2);
   * rs.setState(saved);
   * console.log(rs.randomSample(2).join() === a.join()); // → true
   * ```
   */
  getState(): MT19937State {
    return this.mt.getState();
  }

  /**
   * Restores a state from {@link RandomState.getState}.
   *
   * @param state - `{ key, pos }`.
   * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when the state is malformed.
   * @remarks Python: `numpy.random.RandomState.set_state`.
   * @example
   * ```ts
   * import { RandomState } from '@lxmls/weather-data';
   * const a = new RandomState(3);
   * const b = new RandomState(4);
   * b.setState(a.getState());
   * console.log(a.randint(100) === b.randint(100)); // → true
   * ```
   */
  setState(state: MT19937State): void {
    this.mt.setState(state);
  }

  /** An integer in `[0, rng]` by numpy's masked rejection (`buffered_bounded_masked_uint32` / `bounded_masked_uint64`). */
  private boundedInteger(rng: number): number {
    if (rng === 0) return 0;
    if (rng <= 0xffffffff) {
      if (rng === 0xffffffff) return this.mt.nextUint32();
      const mask = maskOf(rng);
      let v: number;
      do v = (this.mt.nextUint32() & mask) >>> 0;
      while (v > rng);
      return v;
    }
    // 64-bit draws: next_uint64 = (next32 << 32) | next32, masked; rng < 2**53, so the mask's high word is small.
    const maskHigh = maskOf(Math.floor(rng / 4294967296));
    let v: number;
    do {
      const high = (this.mt.nextUint32() & maskHigh) >>> 0;
      const lowWord = this.mt.nextUint32();
      v = high * 4294967296 + lowWord;
    } while (v > rng);
    return v;
  }
}

/**
 * A numpy `RandomState` from a seed: `randomState(seed)` is `np.random.RandomState(seed)`.
 *
 * @param seed - An integer in `[0, 2**32 - 1]` or a non-empty array of such integers.
 * @returns A new {@link RandomState}.
 * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `seed` is not a valid seed.
 * @remarks Python: `numpy.random.RandomState(seed)`; `np.random.seed(seed)` reseeds the global one.
 * @example
 * ```ts
 * import { randomState } from '@lxmls/weather-data';
 * console.log(randomState(0).randomSample()); // → 0.5488135039273248
 * ```
 */
export function randomState(seed: number | ArrayLike<number>): RandomState {
  return new RandomState(seed);
}

function seedGenerator(fn: string, seed: number | ArrayLike<number>): MT19937 {
  if (typeof seed === 'number') return new MT19937(checkInteger(fn, 'seed', seed, 0, 0xffffffff));
  if (seed !== null && typeof seed === 'object' && typeof seed.length === 'number' && seed.length > 0) {
    return MT19937.fromKey(seed);
  }
  check.fail(
    fn,
    'seed',
    seed,
    'seed is not a numpy seed',
    'an integer in [0, 2**32 - 1] or a non-empty array of such integers',
  );
}

/** The smallest `2**k - 1` that is `>= x` (numpy's `gen_mask`), for `x < 2**32`. */
function maskOf(x: number): number {
  let mask = x >>> 0;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  return mask >>> 0;
}

/** numpy's `kahan_sum`, used by `choice` to check that `p` sums to 1. */
export function kahanSum(values: ArrayLike<number>): number {
  if (values.length === 0) return 0;
  let sum = values[0]!;
  let c = 0;
  for (let i = 1; i < values.length; i++) {
    const y = values[i]! - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum;
}

/**
 * Checks `p` as numpy's `choice` does and returns its normalised cumulative sum, `cumsum(p) / cumsum(p)[-1]`.
 * `name` names the argument in error messages.
 */
export function cumulative(fn: string, name: string, p: unknown, length: number): Float64Array {
  const row = p as ArrayLike<unknown> | null;
  if (row === null || typeof row !== 'object' || typeof row.length !== 'number' || row.length !== length)
    check.fail(fn, name, p, `${name} has the wrong length`, `an array of ${length} probabilities`, {
      code: 'INVALID_PROBABILITIES',
    });
  const values = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = row[i];
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0)
      check.fail(fn, `${name}[${i}]`, v, `${name}[${i}] is not a probability`, 'a non-negative number', {
        code: 'INVALID_PROBABILITIES',
      });
    values[i] = v;
  }
  const total = kahanSum(values);
  if (!(Math.abs(total - 1) <= P_SUM_TOLERANCE))
    check.fail(
      fn,
      name,
      undefined,
      `${name} does not sum to 1`,
      'probabilities summing to 1 (within 1.49e-8)',
      { code: 'INVALID_PROBABILITIES', received: `[${Array.from(values).join(', ')}] (sum ${total})` },
    );
  const cdf = new Float64Array(length);
  let acc = 0;
  for (let i = 0; i < length; i++) cdf[i] = acc += values[i]!;
  const last = cdf[length - 1]!;
  for (let i = 0; i < length; i++) cdf[i] = cdf[i]! / last;
  return cdf;
}

/**
 * `searchsorted(cdf[start:], u, side='right')` for a row whose last entry is exactly 1 and `u < 1`: the
 * number of entries `<= u`. A linear scan: rows here have 3 or 5 entries.
 */
export function searchRight(cdf: Float64Array, start: number, u: number): number {
  let j = start;
  while (cdf[j]! <= u) j++;
  return j - start;
}
