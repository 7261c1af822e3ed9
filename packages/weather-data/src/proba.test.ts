// Tests of proba.ts: the vocabulary, the course's fixed probabilities, and generate_random_proba against
// CPython 3.11 + numpy 2.4 (`random.seed(s); WeatherDataset('train').proba`, values printed by Python).
import { describe, expect, test } from 'vitest';
import {
  FIXED_PROBA,
  generateRandomProba,
  LxmlsWeatherDataError,
  logitsToProbs,
  MT19937,
  OBSERVATIONS,
  STATES,
  WEATHER_TOKENS,
  WeatherDataset,
  weatherToken,
} from './index.js';

/** `random.seed(42); WeatherDataset('train').proba` in Python (numpy's exp may differ from Math.exp by 1 ulp). */
const PYTHON_PROBA_42 = {
  initial: [0.44731286450376834, 0.2419768903410323, 0.3107102451551994],
  transition: [
    [0.23559774010279264, 0.39362014121431615, 0.37078211868289124],
    [0.48266706240995094, 0.21574267307067563, 0.30159026451937343],
    [0.2620022974730812, 0.31645910656460785, 0.421538595962311],
  ],
  emission: [
    [0.14395681741757613, 0.17102590847257346, 0.2685029346419423, 0.24175356635726947, 0.1747607731106387],
    [0.19374421216343635, 0.24145993721560075, 0.10817733495808575, 0.2405895484424076, 0.21602896722046958],
    [0.18309377589839093, 0.15220486987824838, 0.339325903860735, 0.18242561242670904, 0.14294983793591653],
  ],
};

const flat = (p: {
  initial: readonly number[];
  transition: readonly (readonly number[])[];
  emission: readonly (readonly number[])[];
}) => [...p.initial, ...p.transition.flat(), ...p.emission.flat()];

describe('vocabulary', () => {
  test('OBSERVATIONS and STATES are sorted as the toolkit sorts them (clean=0 .. walk=4, rainy=5 .. sunny=7)', () => {
    expect(OBSERVATIONS).toEqual(['clean', 'read', 'shop', 'tennis', 'walk']);
    expect(STATES).toEqual(['rainy', 'snowy', 'sunny']);
    expect([...OBSERVATIONS].sort()).toEqual([...OBSERVATIONS]);
  });

  test('WEATHER_TOKENS are the ids of the weather GPT: the observations, then the states; weatherToken names an id', () => {
    expect(WEATHER_TOKENS).toEqual(['clean', 'read', 'shop', 'tennis', 'walk', 'rainy', 'snowy', 'sunny']);
    expect(Object.isFrozen(WEATHER_TOKENS)).toBe(true);
    expect([0, 4, 5, 7, 8, -1].map(weatherToken)).toEqual(['clean', 'walk', 'rainy', 'sunny', '<8>', '<-1>']);
  });

  test('FIXED_PROBA is the notebook fixed_proba, frozen', () => {
    expect(FIXED_PROBA).toEqual({
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
    expect(Object.isFrozen(FIXED_PROBA.emission[0])).toBe(true);
  });
});

describe('generateRandomProba', () => {
  test('generateRandomProba(42) gives the course-behaviour §4 golden initial row and transition row 0 exactly', () => {
    const p = generateRandomProba(42);
    expect(p.initial).toEqual([0.44731286450376834, 0.2419768903410323, 0.3107102451551994]);
    expect(p.transition[0]).toEqual([0.23559774010279264, 0.39362014121431615, 0.37078211868289124]);
  });

  test('generateRandomProba(42) equals Python random.seed(42) + generate_random_proba within 2 ulp', () => {
    const ours = flat(generateRandomProba(42));
    const python = flat(PYTHON_PROBA_42);
    ours.forEach((v, i) => {
      expect(Math.abs(v - python[i]!)).toBeLessThanOrEqual(2 * Number.EPSILON * python[i]!);
    });
  });

  test('generateRandomProba(seed) rows are softmaxes of uniforms: nearly uniform, each sums to 1', () => {
    for (const seed of [0, 1, 2, 3]) {
      const p = generateRandomProba(seed);
      for (const row of [p.initial, ...p.transition]) {
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
        for (const v of row) expect(v).toBeGreaterThan(0.15);
      }
      for (const row of p.emission) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);
    }
  });

  test('generateRandomProba(mt) consumes 27 doubles of the generator, in order', () => {
    const mt = MT19937.fromPythonSeed(42);
    expect(generateRandomProba(mt)).toEqual(generateRandomProba(42));
    const ref = MT19937.fromPythonSeed(42);
    for (let i = 0; i < 27; i++) ref.nextDouble();
    expect(mt.nextDouble()).toBe(ref.nextDouble());
  });

  test('generateRandomProba() is generateRandomProba(0), and new WeatherDataset without proba uses its seed', () => {
    expect(generateRandomProba()).toEqual(generateRandomProba(0));
    expect(new WeatherDataset('train', { seed: 9 }).proba).toEqual(generateRandomProba(9));
  });

  test('generateRandomProba("42") throws INVALID_ARGUMENT', () => {
    expect(() => generateRandomProba('42' as unknown as number)).toThrow(LxmlsWeatherDataError);
  });
});

describe('logitsToProbs', () => {
  test.each([
    [
      [0, 0],
      [0.5, 0.5],
    ],
    [
      [2, 2, 2, 2],
      [0.25, 0.25, 0.25, 0.25],
    ],
    [[], []],
    [[5], [1]],
  ])('logitsToProbs(%j) is the numpy softmax', (logits, probs) => {
    expect(logitsToProbs(logits)).toEqual(probs);
  });

  test.each([[[Number.NaN]], [[1, Number.POSITIVE_INFINITY]], [[1, '2']]])(
    'logitsToProbs(%j) throws INVALID_ARGUMENT',
    (logits) => {
      expect(() => logitsToProbs(logits as number[])).toThrow(
        /logitsToProbs: logits\[\d\] is not a finite number/,
      );
    },
  );
});
