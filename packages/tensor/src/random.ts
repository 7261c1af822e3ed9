/**
 * Seeded randomness: xoshiro128** (Blackman and Vigna, 2018) seeded through SplitMix32, plus Box–Muller for
 * normal numbers. All in 32-bit integer arithmetic, so every JavaScript engine gives the same stream.
 *
 * Like `torch.manual_seed`, {@link manualSeed} resets one global generator; every random function also takes
 * an explicit {@link RandomGenerator} so a data loader and a model can draw from independent streams.
 * (The numbers differ from PyTorch's Mersenne Twister: parity with Python is by seeded checkpoints, not by
 * equal random streams.)
 */

import { LxmlsTensorError } from './errors.js';

/** A seedable random number generator: xoshiro128**. */
export class RandomGenerator {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  /** The second Box–Muller value, kept for the next {@link RandomGenerator.normal} call. */
  private spare: number | null = null;

  /**
   * Creates a generator from a seed.
   *
   * @param seed - Any integer (only its low 32 bits are used); equal seeds give equal streams.
   * @example
   * ```ts
   * import { RandomGenerator } from '@lxmls/tensor';
   * const a = new RandomGenerator(7);
   * const b = new RandomGenerator(7);
   * console.log(a.uint32() === b.uint32(), a.float() === b.float()); // → true true
   * ```
   */
  constructor(seed = 0) {
    this.seed(seed);
  }

  /**
   * Resets the state from a seed: four SplitMix32 outputs fill the 128-bit state (never all zero).
   *
   * @param seed - Any integer; only its low 32 bits are used.
   */
  seed(seed: number): void {
    let x = seed >>> 0;
    const next = (): number => {
      // SplitMix32
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next();
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.spare = null;
  }

  /**
   * A copy of the generator's state, to save (for example in a training checkpoint) and restore later with
   * {@link RandomGenerator.setState}: the four 32-bit words of xoshiro128** and, when a
   * {@link RandomGenerator.normal} call left one, the spare Box–Muller value. Plain numbers, so it goes
   * through `JSON.stringify` unchanged (a float64 spare round-trips exactly).
   *
   * @returns `[s0, s1, s2, s3]` (unsigned 32-bit integers), or `[s0, s1, s2, s3, spare]`.
   * @remarks Python: `torch.Generator.get_state()` (another generator, so other numbers).
   * @example
   * ```ts
   * import { RandomGenerator } from '@lxmls/tensor';
   * const g = new RandomGenerator(3);
   * const saved = g.getState();
   * const first = [g.uint32(), g.normal()];
   * g.setState(saved);
   * console.log(saved.length, g.uint32() === first[0], g.normal() === first[1]); // → 4 true true
   * ```
   */
  getState(): number[] {
    const words = [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
    return this.spare === null ? words : [...words, this.spare];
  }

  /**
   * Restores a state taken by {@link RandomGenerator.getState} (from this or another generator): afterwards
   * this generator draws exactly the numbers the saved one would have drawn.
   *
   * @param state - Four unsigned 32-bit integers, not all zero, optionally followed by a finite spare normal.
   * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` for anything else (the generator is left unchanged).
   * @remarks Python: `torch.Generator.set_state(state)`.
   * @example
   * ```ts
   * import { RandomGenerator } from '@lxmls/tensor';
   * const a = new RandomGenerator(1);
   * a.normal(); // leaves a spare normal behind
   * const b = new RandomGenerator(2);
   * b.setState(JSON.parse(JSON.stringify(a.getState())));
   * console.log(a.normal() === b.normal(), a.uint32() === b.uint32()); // → true true
   * ```
   */
  setState(state: readonly number[]): void {
    const ok =
      Array.isArray(state) &&
      (state.length === 4 || state.length === 5) &&
      state
        .slice(0, 4)
        .every((w) => typeof w === 'number' && Number.isInteger(w) && w >= 0 && w <= 0xffffffff) &&
      state.slice(0, 4).some((w) => w !== 0) &&
      (state.length === 4 || (typeof state[4] === 'number' && Number.isFinite(state[4])));
    if (!ok) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', 'state is not a generator state', {
        fn: 'RandomGenerator.setState',
        argument: 'state',
        expected:
          'an array of 4 unsigned 32-bit integers (not all 0), optionally followed by a finite number',
        received: Array.isArray(state)
          ? `[${state.slice(0, 6).join(', ')}${state.length > 6 ? ', …' : ''}]`
          : typeof state,
      });
    }
    this.s0 = state[0]! | 0;
    this.s1 = state[1]! | 0;
    this.s2 = state[2]! | 0;
    this.s3 = state[3]! | 0;
    this.spare = state.length === 5 ? state[4]! : null;
  }

  /** The next 32 random bits, as an integer in `[0, 2³²)` (xoshiro128**). */
  uint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform number in `[0, 1)` with 24 random bits, so it is exact in float32. */
  float(): number {
    return (this.uint32() >>> 8) / 16777216;
  }

  /**
   * A standard normal number (mean 0, variance 1) by the Box–Muller transform:
   * `sqrt(-2 ln u1) · cos(2π u2)` and, for the next call, `sqrt(-2 ln u1) · sin(2π u2)`, with `u1` in `(0, 1]`.
   */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.float(); // (0, 1], so log(u1) is finite
    const u2 = this.float();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

let globalGenerator = new RandomGenerator(0);

/**
 * Seeds the global generator, like `torch.manual_seed`: after it, every random op that is not given its own
 * generator (randn, rand, dropout, multinomial) repeats the same numbers.
 *
 * @param seed - Any integer; only its low 32 bits are used.
 * @returns The global generator.
 * @example
 * ```ts
 * import { manualSeed, randn } from '@lxmls/tensor';
 * manualSeed(42);
 * const a = randn([3]).toArray();
 * manualSeed(42);
 * console.log(JSON.stringify(randn([3]).toArray()) === JSON.stringify(a)); // → true
 * ```
 */
export function manualSeed(seed: number): RandomGenerator {
  globalGenerator = new RandomGenerator(seed);
  return globalGenerator;
}

/**
 * The global generator that {@link manualSeed} resets (seeded with 0 at start).
 *
 * @returns The current global generator.
 * @example
 * ```ts
 * import { getGenerator, manualSeed } from '@lxmls/tensor';
 * console.log(manualSeed(1) === getGenerator()); // → true
 * ```
 */
export function getGenerator(): RandomGenerator {
  return globalGenerator;
}
