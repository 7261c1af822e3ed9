// Tests of hmm.ts: posteriors, viterbi, trueConditionals and greedyDecode against brute-force enumeration of
// all state sequences (brute-force.test.helpers.ts), on the course's FIXED_PROBA and on random probabilities.

import { thrownError } from '@lxmls/base';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { conditional, greedy, paths } from './brute-force.test.helpers.js';
import {
  FIXED_PROBA,
  generateRandomProba,
  greedyDecode,
  LxmlsWeatherDataError,
  posteriors,
  trueConditionals,
  viterbi,
  type WeatherProba,
} from './index.js';

/** Possible observation sequences under FIXED_PROBA: the notebook example, and the seed-0 goldens. */
const FIXED_CASES = [
  [1, 4, 4, 4, 3, 2],
  [4, 3, 3, 4, 4, 2],
  [0, 4, 2, 4, 4, 2],
  [2, 1, 3, 2, 4, 4],
  [1, 2, 4, 0, 0, 1],
  [0, 2, 0, 0, 2, 0],
  [2],
  [4, 4],
];

const close = (a: number, b: number, tol = 1e-12) =>
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

const obsArb = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 5 });
const seedArb = fc.integer({ min: 0, max: 1000 });

function checkPosteriors(proba: WeatherProba, obs: number[]) {
  const all = paths(proba, obs);
  const total = all.reduce((s, { p }) => s + p, 0);
  const post = posteriors(proba, obs);
  close(post.likelihood, total);
  close(post.logLikelihood, Math.log(total));
  obs.forEach((_, k) => {
    for (let i = 0; i < 3; i++) {
      const m = all.filter(({ states }) => states[k] === i).reduce((s, { p }) => s + p, 0) / total;
      close(post.marginals[k]![i]!, m);
    }
  });
}

function checkViterbi(proba: WeatherProba, obs: number[]) {
  const all = paths(proba, obs);
  const best = Math.max(...all.map(({ p }) => p));
  const path = viterbi(proba, obs);
  close(path.probability, best);
  const joint = all.find(({ states }) => states.every((s, k) => s + 5 === path.states[k]));
  expect(joint).toBeDefined();
  close(joint!.p, best);
}

/** A check's two tests: on FIXED_PROBA with each of FIXED_CASES, and on random probabilities (property). */
function againstBruteForce(
  check: (proba: WeatherProba, obs: number[]) => void,
  [fixed, random]: [string, string],
) {
  test.each(FIXED_CASES)(fixed, (...obs) => {
    check(FIXED_PROBA, obs);
  });
  test(random, () => {
    fc.assert(
      fc.property(seedArb, obsArb, (seed, obs) => check(generateRandomProba(seed), obs)),
      { numRuns: 100 },
    );
  });
}

describe('posteriors', () => {
  againstBruteForce(checkPosteriors, [
    'posteriors(FIXED_PROBA, %j) equals brute-force marginals and likelihood',
    'posteriors(randomProba, obs) equals brute force (property)',
  ]);

  test('posteriors(proba with uniform emissions, [o]) is initial · transition: the first-state quirk', () => {
    const uniform = { ...FIXED_PROBA, emission: [0, 1, 2].map(() => [0.2, 0.2, 0.2, 0.2, 0.2]) };
    const [first] = posteriors(uniform, [3]).marginals;
    first!.forEach((p, i) => {
      close(p, [0.35, 0.4, 0.25][i]!);
    });
  });

  test('posteriors(proba, long obs) does not underflow', () => {
    const obs = Array.from({ length: 5000 }, (_, k) => [0, 2, 4, 3][k % 4]!);
    const post = posteriors(generateRandomProba(1), obs);
    expect(post.likelihood).toBe(0);
    expect(Number.isFinite(post.logLikelihood)).toBe(true);
    for (const row of post.marginals) close(row[0]! + row[1]! + row[2]!, 1, 1e-9);
  });

  test('posteriors(proba, []) has no rows and likelihood 1', () => {
    expect(posteriors(FIXED_PROBA, [])).toEqual({ marginals: [], logLikelihood: 0, likelihood: 1 });
  });
});

describe('viterbi', () => {
  againstBruteForce(checkViterbi, [
    'viterbi(FIXED_PROBA, %j) finds a path of the brute-force maximum probability',
    'viterbi(randomProba, obs) equals the brute-force best path (property)',
  ]);

  test.each([
    // Exact rational enumeration in Python: the unique best path and its probability.
    [[1, 4, 4, 4, 3, 2], [6, 7, 7, 7, 7, 5], 4e-5], // the notebook example; its true labels end in sunny
    [[4, 3, 3, 4, 4, 2], [7, 7, 7, 7, 5, 6], 3.75e-5],
    [[0, 4, 2, 4, 4, 2], [5, 5, 6, 7, 5, 6], 3.15e-5],
  ])('viterbi(FIXED_PROBA, %j) is %j with probability %d', (obs, states, p) => {
    const path = viterbi(FIXED_PROBA, obs);
    expect(path.states).toEqual(states);
    close(path.probability, p);
  });

  test('viterbi(proba, []) is the empty path', () => {
    expect(viterbi(FIXED_PROBA, [])).toEqual({ states: [], logProbability: 0, probability: 1 });
  });
});

describe('trueConditionals', () => {
  test('trueConditionals(proba, obs, states) equals brute-force P(s_k | obs, s_<k) (property)', () => {
    fc.assert(
      fc.property(
        seedArb,
        obsArb,
        fc.array(fc.integer({ min: 5, max: 7 }), { minLength: 5, maxLength: 5 }),
        (seed, obs, st) => {
          const proba = generateRandomProba(seed);
          const states = st.slice(0, obs.length);
          const rows = trueConditionals(proba, obs, states);
          const all = paths(proba, obs);
          rows.forEach((row, k) => {
            const ref = conditional(
              all,
              states.slice(0, k).map((s) => s - 5),
            );
            row.forEach((p, j) => {
              close(p, ref[j]!);
            });
          });
        },
      ),
      { numRuns: 100 },
    );
  });

  test.each(FIXED_CASES.filter((o) => o.length === 6))(
    'trueConditionals(FIXED_PROBA, %j, viterbi path) equals brute force',
    (...obs) => {
      const states = viterbi(FIXED_PROBA, obs).states;
      const all = paths(FIXED_PROBA, obs);
      trueConditionals(FIXED_PROBA, obs, states.slice(0, 5)).forEach((row, k) => {
        const ref = conditional(
          all,
          states.slice(0, k).map((s) => s - 5),
        );
        row.forEach((p, j) => {
          close(p, ref[j]!);
        });
      });
    },
  );

  test('trueConditionals(FIXED_PROBA, docstring example) throws IMPOSSIBLE_SEQUENCE: clean is never emitted when sunny', () => {
    expect(() => trueConditionals(FIXED_PROBA, [0, 0, 2, 4, 2, 1], [7, 5, 5, 7, 6, 7])).toThrow(
      /trueConditionals: the states have probability 0/,
    );
  });
});

describe('greedyDecode', () => {
  test('greedyDecode(randomProba, obs) equals brute-force greedy decoding (property)', () => {
    fc.assert(
      fc.property(seedArb, obsArb, (seed, obs) => {
        const proba = generateRandomProba(seed);
        const decoded = greedyDecode(proba, obs);
        expect(decoded.states).toEqual(greedy(paths(proba, obs), obs.length).map((s) => s + 5));
        expect(decoded.conditionals).toEqual(trueConditionals(proba, obs, decoded.states));
      }),
      { numRuns: 100 },
    );
  });

  test.each([
    [
      [1, 4, 4, 4, 3, 2],
      [6, 7, 7, 7, 7, 5],
    ],
    [
      [4, 3, 3, 4, 4, 2],
      [7, 7, 7, 7, 5, 6],
    ],
    [
      [0, 4, 2, 4, 4, 2],
      [5, 5, 6, 7, 5, 6],
    ],
  ])('greedyDecode(FIXED_PROBA, %j) is %j (exact rational reference, no ties)', (obs, states) => {
    expect(greedyDecode(FIXED_PROBA, obs).states).toEqual(states);
  });

  test('greedyDecode(FIXED_PROBA, obs) breaks exact ties towards the lower state id', () => {
    // walk ×2: the first state is rainy (.35 × .3) or sunny (.25 × .4 ... ) and so on; compare with brute force
    // where the brute-force conditionals tie exactly.
    const obs = [4, 4];
    const all = paths(FIXED_PROBA, obs);
    const decoded = greedyDecode(FIXED_PROBA, obs);
    decoded.conditionals.forEach((row, k) => {
      const ref = conditional(
        all,
        decoded.states.slice(0, k).map((s) => s - 5),
      );
      row.forEach((p, j) => {
        close(p, ref[j]!);
      });
      const max = Math.max(...row);
      expect(decoded.states[k]! - 5).toBe(row.findIndex((p) => p >= max * (1 - 1e-12)));
    });
  });
});

describe('inference errors', () => {
  test.each([
    ['posteriors(FIXED_PROBA, [1, 0])', () => posteriors(FIXED_PROBA, [1, 0]), 'IMPOSSIBLE_SEQUENCE'],
    ['viterbi(FIXED_PROBA, [1, 0])', () => viterbi(FIXED_PROBA, [1, 0]), 'IMPOSSIBLE_SEQUENCE'],
    ['greedyDecode(FIXED_PROBA, [3, 1])', () => greedyDecode(FIXED_PROBA, [3, 1]), 'IMPOSSIBLE_SEQUENCE'],
    ['posteriors(FIXED_PROBA, [5])', () => posteriors(FIXED_PROBA, [5]), 'UNKNOWN_ID'],
    ['viterbi(FIXED_PROBA, [-1])', () => viterbi(FIXED_PROBA, [-1]), 'UNKNOWN_ID'],
    [
      'viterbi(FIXED_PROBA, "walk")',
      () => viterbi(FIXED_PROBA, 'walk' as unknown as number[]),
      'INVALID_ARGUMENT',
    ],
    [
      'trueConditionals(FIXED_PROBA, [2, 2], [9])',
      () => trueConditionals(FIXED_PROBA, [2, 2], [9]),
      'UNKNOWN_ID',
    ],
    [
      'trueConditionals(FIXED_PROBA, [2, 2], [])',
      () => trueConditionals(FIXED_PROBA, [2, 2], []),
      'INVALID_ARGUMENT',
    ],
    [
      'posteriors(bad proba, [0])',
      () => posteriors({ ...FIXED_PROBA, initial: [1, 1, 1] }, [0]),
      'INVALID_PROBABILITIES',
    ],
  ])('%s throws %s', (_, call, code) => {
    const error = thrownError(LxmlsWeatherDataError, call);
    expect(error.code).toBe(code);
  });

  test('posteriors(FIXED_PROBA, [1, 0]) names the observations', () => {
    expect(() => posteriors(FIXED_PROBA, [1, 0])).toThrow(
      '[@lxmls/weather-data] posteriors: the observations have probability 0. Expected observations the HMM can emit, received [1, 0].',
    );
  });
});
