// Tests of random-state.ts against numpy 2.4's legacy RandomState (values printed by numpy).

import { thrownError } from '@lxmls/base';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { LxmlsWeatherDataError, RandomState, randomState } from './index.js';

describe('RandomState', () => {
  test('randomState(0).randomSample(3) is np.random.seed(0); np.random.random_sample(3)', () => {
    expect(Array.from(randomState(0).randomSample(3))).toEqual([
      0.5488135039273248, 0.7151893663724195, 0.6027633760716439,
    ]);
  });

  test('new RandomState([1, 2, 3]) seeds with init_by_array as numpy does', () => {
    expect(new RandomState([1, 2, 3]).randomSample()).toBe(0.6098612722867289);
  });

  test('RandomState#seed(0) resets the stream', () => {
    const rs = new RandomState(5);
    rs.randomSample(10);
    rs.seed(0);
    expect(rs.randomSample()).toBe(0.5488135039273248);
  });

  test('RandomState#randint(low, high, size) follows numpy masked rejection, 32- and 64-bit ranges', () => {
    // rs = np.random.RandomState(0); rs.randint(0, 10, 8); rs.randint(5, size=4);
    // rs.randint(-3, 2**33, 3); rs.randint(0, 2**32, 2)
    const rs = new RandomState(0);
    expect(rs.randint(0, 10, 8)).toEqual([5, 0, 3, 3, 7, 9, 3, 5]);
    expect(rs.randint(5, undefined, 4)).toEqual([2, 4, 0, 0]);
    expect(rs.randint(-3, 2 ** 33, 3)).toEqual([1646868791, 7695400419, 8270374562]);
    expect(rs.randint(0, 2 ** 32, 2)).toEqual([3590930969, 305097549]);
  });

  test('RandomState#randint(low, low + 1) draws nothing and returns low', () => {
    const rs = new RandomState(0);
    expect(rs.randint(7, 8)).toBe(7);
    expect(rs.randomSample()).toBe(0.5488135039273248);
  });

  test('RandomState#choice(a, { p }, size) is numpy choice (cumsum + searchsorted right)', () => {
    // rs = np.random.RandomState(1); rs.choice(5, 8, p=[.1,.2,.3,.4,0]); rs.choice(7, 5);
    // rs.choice([10,20,30], p=[.5,.25,.25])
    const rs = new RandomState(1);
    expect(rs.choice(5, { p: [0.1, 0.2, 0.3, 0.4, 0] }, 8)).toEqual([2, 3, 0, 2, 1, 0, 1, 2]);
    expect(rs.choice(7, undefined, 5)).toEqual([6, 1, 2, 4, 6]);
    expect(rs.choice([10, 20, 30], { p: [0.5, 0.25, 0.25] })).toBe(10);
  });

  test('RandomState#choice(a, { p }) never picks a zero-probability entry and uses one uniform per draw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (seed) => {
        const rs = new RandomState(seed);
        const ref = new RandomState(seed);
        const p = [0, 0.5, 0, 0.5, 0];
        for (let i = 0; i < 20; i++) {
          const pick = rs.choice(5, { p });
          const u = ref.randomSample();
          expect(pick).toBe(u < 0.5 ? 1 : 3);
        }
      }),
      { numRuns: 50 },
    );
  });

  test('RandomState#choice(a, { p }) accepts rows that sum to 1 within sqrt(eps), as numpy does', () => {
    expect(() => new RandomState(0).choice(2, { p: [0.5, 0.5 + 1e-9] })).not.toThrow();
  });

  test('RandomState#getState() / setState() round-trip', () => {
    const rs = new RandomState(0);
    rs.randint(0, 100, 3);
    const saved = rs.getState();
    const a = rs.randomSample(5);
    rs.setState(saved);
    expect(rs.randomSample(5)).toEqual(a);
  });

  test.each([
    ['randomState(-1)', () => randomState(-1), 'INVALID_ARGUMENT'],
    ['randomState([])', () => randomState([]), 'INVALID_ARGUMENT'],
    ['RandomState#randomSample(-1)', () => randomState(0).randomSample(-1), 'INVALID_ARGUMENT'],
    ['RandomState#randint(5, 5)', () => randomState(0).randint(5, 5), 'INVALID_ARGUMENT'],
    ['RandomState#randint(0)', () => randomState(0).randint(0), 'INVALID_ARGUMENT'],
    ['RandomState#randint(0.5, 3)', () => randomState(0).randint(0.5, 3), 'INVALID_ARGUMENT'],
    ['RandomState#choice(0)', () => randomState(0).choice(0), 'INVALID_ARGUMENT'],
    ['RandomState#choice([])', () => randomState(0).choice([]), 'INVALID_ARGUMENT'],
    [
      'RandomState#choice(3, { p: 2 entries })',
      () => randomState(0).choice(3, { p: [0.5, 0.5] }),
      'INVALID_PROBABILITIES',
    ],
    [
      'RandomState#choice(2, { p: negative })',
      () => randomState(0).choice(2, { p: [1.5, -0.5] }),
      'INVALID_PROBABILITIES',
    ],
    [
      'RandomState#choice(2, { p: NaN })',
      () => randomState(0).choice(2, { p: [Number.NaN, 1] }),
      'INVALID_PROBABILITIES',
    ],
    [
      'RandomState#choice(2, { p: sum 0.9 })',
      () => randomState(0).choice(2, { p: [0.4, 0.5] }),
      'INVALID_PROBABILITIES',
    ],
  ])('%s throws %s', (_, call, code) => {
    const error = thrownError(LxmlsWeatherDataError, call);
    expect(error.code).toBe(code);
  });

  test('RandomState#choice(2, { p: sum 0.9 }) names the row and its sum', () => {
    expect(() => randomState(0).choice(2, { p: [0.4, 0.5] })).toThrow(
      '[@lxmls/weather-data] RandomState.choice: p does not sum to 1. Expected probabilities summing to 1 (within 1.49e-8), received [0.4, 0.5] (sum 0.9).',
    );
  });
});
