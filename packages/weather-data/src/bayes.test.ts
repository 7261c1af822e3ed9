// Tests of bayes.ts: the Bayes-optimal figures of docs/course-behaviour.md §3–§4 for the course's fixed_proba, checked against
// Python references (float enumeration of all 3^6 × 5^6 sequences; exact rational arithmetic for the greedy
// tie analysis; mmh3 for the split figures) and against brute force on short random HMMs.
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import { allObservations, conditional, greedy, paths } from './brute-force.test.helpers.js';
import {
  BAYES_MAX_SEQ_LEN,
  bayesOptimal,
  FIXED_PROBA,
  generateRandomProba,
  LxmlsWeatherDataError,
  trueConditionals,
  WeatherDataset,
  type WeatherProba,
} from './index.js';

const close = (a: number, b: number, tol = 1e-12) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol);

describe('bayesOptimal', () => {
  const best = bayesOptimal(FIXED_PROBA, 6);

  test('bayesOptimal(FIXED_PROBA, 6) gives the course-behaviour §3–§4 figures: 0.2502 nats, 84.90%, 45.84% (85.22% marginal)', () => {
    expect(best.loss.toFixed(4)).toBe('0.2502');
    expect((100 * best.labelAccuracy).toFixed(2)).toBe('84.90');
    expect((100 * best.sequenceAccuracy).toFixed(2)).toBe('45.84');
    expect((100 * best.marginalLabelAccuracy).toFixed(2)).toBe('85.22');
    expect(best.possibleSequences).toBe(8632);
    close(best.probability, 1);
  });

  test('bayesOptimal(FIXED_PROBA, 6) matches the Python references to 1e-12', () => {
    close(best.loss, 0.2501685509513296); // H(S|O)/6 by enumeration of all (s, o)
    close(best.sequenceAccuracy, 0.45836676562500056); // Σ_o max_s P(s, o)
    close(best.marginalLabelAccuracy, 0.8522340156250313); // Σ_o Σ_k max_i P(s_k = i, o) / 6
    // Exact rationals, ties split evenly: 0.8490473565104166 (lowest-id ties: 0.8492032302083333,
    // highest-id ties: 0.8488914828125).
    close(best.labelAccuracy, 0.8490473565104166);
    close(best.greedySequenceAccuracy, 0.45651967578125);
  });

  test.each([
    // Python with mmh3: the figures restricted to one split, renormalised.
    ['test', 2144, 0.24822574218749907, 0.24450483120007496, 0.4654352585749588, 0.8565051332800072],
  ] as const)(
    "bayesOptimal(FIXED_PROBA, 6, { split: '%s' }) matches the Python reference",
    (split, count, mass, loss, seq, marginal) => {
      const r = bayesOptimal(FIXED_PROBA, 6, { split });
      expect(r.possibleSequences).toBe(count);
      close(r.probability, mass);
      close(r.loss, loss);
      close(r.sequenceAccuracy, seq);
      close(r.marginalLabelAccuracy, marginal);
    },
  );

  test('bayesOptimal(FIXED_PROBA, 6, { split }) of train and test average back to the whole', () => {
    const train = bayesOptimal(FIXED_PROBA, 6, { split: 'train' });
    const test = bayesOptimal(FIXED_PROBA, 6, { split: 'test' });
    expect(train.possibleSequences + test.possibleSequences).toBe(8632);
    close(train.probability + test.probability, 1);
    for (const key of [
      'loss',
      'labelAccuracy',
      'sequenceAccuracy',
      'marginalLabelAccuracy',
      'greedySequenceAccuracy',
    ] as const) {
      close(train.probability * train[key] + test.probability * test[key], best[key], 1e-12);
    }
  });

  test.each([
    [1, 0],
    [2, 1],
    [3, 2],
    [3, 3],
  ])('bayesOptimal(generateRandomProba(seed %i), %i) equals brute force over all (s, o)', (seed, L) => {
    const proba = generateRandomProba(seed);
    let loss = 0;
    let label = 0;
    let seq = 0;
    let marginal = 0;
    let greedySeq = 0;
    for (const obs of allObservations(L || 1)) {
      const all = paths(proba, obs);
      const pObs = all.reduce((s, { p }) => s + p, 0);
      for (const { p } of all) loss -= p * Math.log(p / pObs);
      seq += Math.max(...all.map(({ p }) => p));
      const g = greedy(all, obs.length);
      for (const { states, p } of all) {
        label += p * states.filter((s, k) => s === g[k]).length;
        if (states.every((s, k) => s === g[k])) greedySeq += p;
      }
      for (let k = 0; k < obs.length; k++) {
        const m = [0, 1, 2].map((i) =>
          all.filter(({ states }) => states[k] === i).reduce((s, { p }) => s + p, 0),
        );
        marginal += Math.max(...m);
      }
      expect(conditional(all, []).length).toBe(3);
    }
    const n = L || 1;
    const r = bayesOptimal(proba, n);
    close(r.loss, loss / n);
    close(r.labelAccuracy, label / n);
    close(r.sequenceAccuracy, seq);
    close(r.marginalLabelAccuracy, marginal / n);
    close(r.greedySequenceAccuracy, greedySeq);
    expect(r.possibleSequences).toBe(5 ** n);
  });

  test('bayesOptimal(FIXED_PROBA, 6).loss is the mean loss of the true conditionals on sampled data', () => {
    const ds = new WeatherDataset('train', { proba: FIXED_PROBA, seed: 12 });
    let nll = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const [obs, states] = ds.generateSeq();
      trueConditionals(FIXED_PROBA, obs, states).forEach((row, k) => {
        nll -= Math.log(row[states[k]! - 5]!);
      });
    }
    expect(Math.abs(nll / n / 6 - best.loss)).toBeLessThan(0.01);
  });

  test('bayesOptimal(FIXED_PROBA, L) loss falls as L grows (more context per label)', () => {
    const losses = [1, 2, 3, 4, 5, 6].map((L) => bayesOptimal(FIXED_PROBA, L).loss);
    for (let i = 1; i < losses.length; i++) expect(losses[i]!).toBeLessThan(losses[i - 1]!);
  });

  test.each([
    ['bayesOptimal(FIXED_PROBA, 0)', () => bayesOptimal(FIXED_PROBA, 0), 'INVALID_ARGUMENT'],
    [
      `bayesOptimal(FIXED_PROBA, ${BAYES_MAX_SEQ_LEN + 1})`,
      () => bayesOptimal(FIXED_PROBA, BAYES_MAX_SEQ_LEN + 1),
      'INVALID_ARGUMENT',
    ],
    [
      "bayesOptimal(FIXED_PROBA, 6, { split: 'dev' })",
      () => bayesOptimal(FIXED_PROBA, 6, { split: 'dev' as 'test' }),
      'INVALID_ARGUMENT',
    ],
    [
      'bayesOptimal(null, 6)',
      () => bayesOptimal(null as unknown as WeatherProba, 6),
      'INVALID_PROBABILITIES',
    ],
    [
      "bayesOptimal(only walks, 6, { split: 'test' })",
      () =>
        bayesOptimal(
          {
            initial: [1, 0, 0],
            transition: [
              [1, 0, 0],
              [0, 1, 0],
              [0, 0, 1],
            ],
            emission: [0, 1, 2].map(() => [0, 0, 0, 0, 1]),
          },
          6,
          { split: 'test' },
        ),
      'INVALID_ARGUMENT',
    ],
  ])('%s throws %s', (_, call, code) => {
    const error = thrownError(LxmlsWeatherDataError, call);
    expect(error.code).toBe(code);
  });
});
