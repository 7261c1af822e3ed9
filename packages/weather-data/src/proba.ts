/**
 * The weather HMM's vocabulary and probability tables: {@link OBSERVATIONS}, {@link STATES}, the course's
 * {@link FIXED_PROBA}, {@link generateRandomProba} and {@link logitsToProbs}.
 *
 * Follows `lxmls.transformers.dataset.WeatherDataset` (`generate_voc`, `generate_random_proba`,
 * `logits_to_probs`) and the notebook cell of Exercise 3.1 that defines `fixed_proba`.
 */

import { check, LxmlsWeatherDataError } from './errors.js';
import { MT19937 } from './mt19937.js';
import { cumulative } from './random-state.js';

/**
 * The observations, sorted alphabetically as the toolkit sorts them: the id of a word is its index.
 *
 * @remarks Python: `WeatherDataset.generate_voc()[0]`, `sorted(["walk", "shop", "clean", "tennis", "read"])`.
 * @example
 * ```ts
 * import { OBSERVATIONS } from '@lxmls/weather-data';
 * console.log(OBSERVATIONS); // → [ 'clean', 'read', 'shop', 'tennis', 'walk' ]
 * ```
 */
export const OBSERVATIONS: readonly ['clean', 'read', 'shop', 'tennis', 'walk'] = Object.freeze([
  'clean',
  'read',
  'shop',
  'tennis',
  'walk',
] as const);

/**
 * The hidden states, sorted alphabetically: the token id of a state is its index plus 5
 * (`rainy` = 5, `snowy` = 6, `sunny` = 7).
 *
 * @remarks Python: `WeatherDataset.generate_voc()[1]`, `sorted(["sunny", "rainy", "snowy"])`.
 * @example
 * ```ts
 * import { STATES } from '@lxmls/weather-data';
 * console.log(STATES); // → [ 'rainy', 'snowy', 'sunny' ]
 * ```
 */
export const STATES: readonly ['rainy', 'snowy', 'sunny'] = Object.freeze([
  'rainy',
  'snowy',
  'sunny',
] as const);

/**
 * The number of observations (5), which is also the token id of the first state (state id = index + 5).
 *
 * @remarks Python: `len(self.obs)`, the offset in `WeatherDataset.decode_st` and `generate_seq`.
 * @example
 * ```ts
 * import { NUM_OBSERVATIONS, NUM_STATES } from '@lxmls/weather-data';
 * console.log(NUM_OBSERVATIONS + NUM_STATES); // → 8
 * ```
 */
export const NUM_OBSERVATIONS = 5;

/**
 * The number of hidden states (3).
 *
 * @remarks Python: `len(self.states)`.
 * @example
 * ```ts
 * import { NUM_STATES, STATES } from '@lxmls/weather-data';
 * console.log(NUM_STATES === STATES.length); // → true
 * ```
 */
export const NUM_STATES = 3;

/**
 * The weather GPT's vocabulary (gpt-nano of Exercise 3.1): the observations (ids 0–4), then the states (ids
 * 5–7); a token's id is its index.
 *
 * @remarks Python: the ids of `WeatherDataset` (`decode_obs`, `decode_st` with its offset of 5).
 * @example
 * ```ts
 * import { WEATHER_TOKENS } from '@lxmls/weather-data';
 * console.log(WEATHER_TOKENS.indexOf('walk'), WEATHER_TOKENS[6]); // → 4 snowy
 * ```
 */
export const WEATHER_TOKENS: readonly string[] = Object.freeze([...OBSERVATIONS, ...STATES]);

/**
 * The word of a weather GPT's token id, or `<id>` for an id outside {@link WEATHER_TOKENS}.
 *
 * @param id - A token id.
 * @returns The word.
 * @example
 * ```ts
 * import { weatherToken } from '@lxmls/weather-data';
 * console.log([1, 4, 6, 9].map(weatherToken).join(' ')); // → read walk snowy <9>
 * ```
 */
export function weatherToken(id: number): string {
  return WEATHER_TOKENS[id] ?? `<${id}>`;
}

/**
 * The probabilities of the weather HMM, indexed in the sorted orders of {@link STATES} and
 * {@link OBSERVATIONS}.
 *
 * Every row must be non-negative and sum to 1 within `sqrt(float64 eps)` (numpy's rule in `choice`).
 */
export interface WeatherProba {
  /** 3 probabilities, by state (rainy, snowy, sunny): the hidden state before the first recorded one. */
  readonly initial: readonly number[];
  /** 3×3, row = from state, column = to state. */
  readonly transition: readonly (readonly number[])[];
  /** 3×5, row = state, column = observation (clean, read, shop, tennis, walk). */
  readonly emission: readonly (readonly number[])[];
}

/**
 * The course's fixed probabilities, "easier to learn" (notebook, Exercise 3.1): the `fixed_proba` that every
 * course run passes to `WeatherDataset`. Its Bayes-optimal loss is 0.2502 nats per label.
 *
 * @remarks Python: `fixed_proba` in `exercises_answers.ipynb` (Exercise 3.1).
 * @example
 * ```ts
 * import { FIXED_PROBA } from '@lxmls/weather-data';
 * console.log(FIXED_PROBA.initial, FIXED_PROBA.transition[0]); // → [ 0.5, 0.3, 0.2 ] [ 0.5, 0.5, 0 ]
 * ```
 */
export const FIXED_PROBA: WeatherProba = deepFreeze({
  initial: [0.5, 0.3, 0.2],
  transition: [
    [0.5, 0.5, 0],
    [0, 0.5, 0.5],
    [0.5, 0, 0.5],
  ],
  emission: [
    [0.5, 0, 0.2, 0, 0.3],
    [0, 0.5, 0.4, 0, 0.1],
    [0, 0, 0.1, 0.5, 0.4],
  ],
});

/**
 * The softmax of a list of numbers, computed as the toolkit's numpy code computes it:
 * `exp(x) / sum(exp(x))`, with numpy's summation order (`x0 + (x1 + x2 + ...)`), without subtracting the max.
 *
 * @param logits - Finite numbers.
 * @returns The probabilities, a plain array of the same length.
 * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `logits` is not an array of finite numbers.
 * @remarks Python: `WeatherDataset.logits_to_probs`.
 * @example
 * ```ts
 * import { logitsToProbs } from '@lxmls/weather-data';
 * console.log(logitsToProbs([1, 1, 1, 1])); // → [ 0.25, 0.25, 0.25, 0.25 ]
 * console.log(logitsToProbs([0, 1]).map((p) => p.toFixed(4))); // → [ '0.2689', '0.7311' ]
 * ```
 */
export function logitsToProbs(logits: ArrayLike<number>): number[] {
  const fn = 'logitsToProbs';
  if (logits === null || typeof logits !== 'object' || typeof logits.length !== 'number')
    check.fail(fn, 'logits', logits, 'logits is not an array', 'an array of finite numbers');
  const exps = new Array<number>(logits.length);
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i];
    if (typeof v !== 'number' || !Number.isFinite(v))
      check.fail(fn, `logits[${i}]`, v, `logits[${i}] is not a finite number`, 'a finite number');
    exps[i] = Math.exp(v);
  }
  if (exps.length === 0) return [];
  // numpy's add.reduce keeps the first element and adds the pairwise sum of the rest (plain order below 8).
  let rest = 0;
  for (let i = 1; i < exps.length; i++) rest += exps[i]!;
  const total = exps[0]! + rest;
  return exps.map((e) => e / total);
}

/**
 * Random HMM probabilities, as the toolkit makes them when no `proba` is given: every row is the softmax
 * ({@link logitsToProbs}) of uniform draws from Python's `random.random()`, drawn in the order initial (3),
 * transition (3 rows of 3), emission (3 rows of 5). The rows come out nearly uniform, which the toolkit calls
 * "almost unlearnable".
 *
 * @param source - A seed for Python's `random.seed(seed)` (any integer, default 0), or an {@link MT19937} to
 *   draw from (27 doubles are consumed).
 * @returns A fresh {@link WeatherProba}.
 * @throws {@link LxmlsWeatherDataError} `INVALID_ARGUMENT` when `source` is neither an integer nor an MT19937.
 * @remarks Python: `random.seed(seed); WeatherDataset(split).proba` (`generate_random_proba`). The results
 *   equal Python's to the last bit or within one unit in the last place: `Math.exp` and numpy's `exp` may
 *   round differently.
 * @example
 * ```ts
 * import { generateRandomProba } from '@lxmls/weather-data';
 * const proba = generateRandomProba(42); // random.seed(42) in Python
 * console.log(proba.initial.map((p) => p.toFixed(6))); // → [ '0.447313', '0.241977', '0.310710' ]
 * ```
 */
export function generateRandomProba(source: number | bigint | MT19937 = 0): WeatherProba {
  let rng: MT19937;
  if (source instanceof MT19937) rng = source;
  else if (typeof source === 'number' || typeof source === 'bigint') rng = MT19937.fromPythonSeed(source);
  else {
    check.fail(
      'generateRandomProba',
      'source',
      source,
      'source is not a seed or a generator',
      'an integer, a bigint or an MT19937',
    );
  }
  const row = (n: number) => logitsToProbs(Array.from({ length: n }, () => rng.nextDouble()));
  const initial = row(NUM_STATES);
  const transition = Array.from({ length: NUM_STATES }, () => row(NUM_STATES));
  const emission = Array.from({ length: NUM_STATES }, () => row(NUM_OBSERVATIONS));
  return { initial, transition, emission };
}

/**
 * A checked {@link WeatherProba} in flat typed arrays: `p` are the rows divided by their sums, `cdf` the
 * cumulative rows exactly as numpy's `choice` builds them (`cumsum(p) / cumsum(p)[-1]`).
 * @internal
 */
export interface CompiledProba {
  /** The rows as given, copied. */
  proba: WeatherProba;
  /** (3,) */
  initial: Float64Array;
  /** (3, 3) row-major */
  transition: Float64Array;
  /** (3, 5) row-major */
  emission: Float64Array;
  /** (3,) the distribution of the first recorded state, `initial · transition` (the first-state quirk). */
  first: Float64Array;
  /** (3,) */
  initialCdf: Float64Array;
  /** (3, 3) */
  transitionCdf: Float64Array;
  /** (3, 5) */
  emissionCdf: Float64Array;
}

/**
 * Validates `proba` (shape, non-negative entries, rows summing to 1 within numpy's tolerance) and compiles it.
 * @internal
 */
export function compileProba(fn: string, proba: unknown): CompiledProba {
  if (proba === null || typeof proba !== 'object' || Array.isArray(proba))
    check.fail(
      fn,
      'proba',
      proba,
      'proba is not a probability table',
      'an object { initial: 3 numbers, transition: 3×3, emission: 3×5 }',
      { code: 'INVALID_PROBABILITIES' },
    );
  const table = proba as Record<string, unknown>;
  const copyRows = (name: 'transition' | 'emission', width: number) => {
    const rows = table[name] as ArrayLike<unknown> | null | undefined;
    if (rows === null || typeof rows !== 'object' || rows.length !== NUM_STATES)
      check.fail(
        fn,
        `proba.${name}`,
        rows,
        `proba.${name} has the wrong shape`,
        `${NUM_STATES} rows of ${width} probabilities`,
        { code: 'INVALID_PROBABILITIES' },
      );
    const flat = new Float64Array(NUM_STATES * width);
    const cdf = new Float64Array(NUM_STATES * width);
    const copy: number[][] = [];
    for (let r = 0; r < NUM_STATES; r++) {
      cdf.set(cumulative(fn, `proba.${name}[${r}]`, rows[r], width), r * width);
      const row = Array.from(rows[r] as ArrayLike<number>);
      copy.push(row);
      flat.set(normalise(row), r * width);
    }
    return { flat, cdf, copy };
  };
  const initialCdf = cumulative(fn, 'proba.initial', table.initial, NUM_STATES);
  const initialCopy = Array.from(table.initial as ArrayLike<number>);
  const transition = copyRows('transition', NUM_STATES);
  const emission = copyRows('emission', NUM_OBSERVATIONS);
  const initial = normalise(initialCopy);
  const first = new Float64Array(NUM_STATES);
  for (let i = 0; i < NUM_STATES; i++) {
    for (let j = 0; j < NUM_STATES; j++)
      first[j] = first[j]! + initial[i]! * transition.flat[i * NUM_STATES + j]!;
  }
  return {
    proba: deepFreeze({ initial: initialCopy, transition: transition.copy, emission: emission.copy }),
    initial,
    transition: transition.flat,
    emission: emission.flat,
    first,
    initialCdf,
    transitionCdf: transition.cdf,
    emissionCdf: emission.cdf,
  };
}

function normalise(row: readonly number[]): Float64Array {
  let sum = 0;
  for (const v of row) sum += v;
  return Float64Array.from(row, (v) => v / sum);
}

function deepFreeze<T extends WeatherProba>(proba: T): T {
  for (const rows of [proba.transition, proba.emission]) for (const row of rows) Object.freeze(row);
  Object.freeze(proba.initial);
  Object.freeze(proba.transition);
  Object.freeze(proba.emission);
  return Object.freeze(proba);
}
