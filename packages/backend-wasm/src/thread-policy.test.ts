// The adaptive thread policy (src/thread-policy.ts) as a state machine on a clock the test moves: when it falls
// back to one thread, for how long, how the period grows and resets, and what it tolerates.

import { describe, expect, test } from 'vitest';
import {
  type CallOutcome,
  HEALTHY_CALLS,
  SOLO_GROWTH,
  SOLO_MAX_MS,
  SOLO_MIN_MS,
  ThreadPolicy,
} from './thread-policy.js';

/** Records `outcomes` at time `now` and returns the index of each call that started a solo period. */
function feed(policy: ThreadPolicy, outcomes: readonly CallOutcome[], now = 0): number[] {
  return outcomes.flatMap((outcome, i) => (policy.record(outcome, now) ? [i] : []));
}

describe('ThreadPolicy', () => {
  test('share: a new policy shares every call', () => {
    const policy = new ThreadPolicy();
    expect(policy.share(0)).toBe(true);
    expect(feed(policy, new Array(1000).fill('onTime'))).toEqual([]);
    expect(policy.share(1e6)).toBe(true);
    expect(policy.fallbacks).toBe(0);
  });

  test.each([
    ['three misses in a row', ['missed', 'missed', 'missed'], 2],
    ['a stall, at once', ['stalled'], 0],
    ['a miss, then a stall', ['missed', 'stalled'], 1],
    ['misses around an on-time call (m m o m m)', ['missed', 'missed', 'onTime', 'missed', 'missed'], 4],
    [
      'a miss in every other call, at the fourth',
      ['onTime', 'missed', 'onTime', 'missed', 'onTime', 'missed', 'onTime', 'missed'],
      7,
    ],
  ] as const)('record: %s fall back to one thread', (_what, outcomes, at) => {
    const policy = new ThreadPolicy();
    expect(feed(policy, outcomes, 100)).toEqual([at]);
    expect(policy.share(100)).toBe(false);
    expect(policy.share(100 + SOLO_MIN_MS - 0.001)).toBe(false);
    expect(policy.share(100 + SOLO_MIN_MS)).toBe(true);
    expect(policy.fallbacks).toBe(1);
  });

  test.each([
    ['two misses in a row, then on time', ['missed', 'missed', 'onTime', 'onTime']],
    [
      'a miss in every fourth call',
      Array.from({ length: 4000 }, (_, i) => (i % 4 === 0 ? 'missed' : 'onTime')),
    ],
    [
      'a miss in every third call',
      Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 'missed' : 'onTime')),
    ],
  ] as const)('record: %s never falls back', (_what, outcomes) => {
    const policy = new ThreadPolicy();
    expect(feed(policy, outcomes as readonly CallOutcome[])).toEqual([]);
    expect(policy.share(0)).toBe(true);
  });

  test('record: a probe falls back at its first miss, each period 4× the last up to SOLO_MAX_MS', () => {
    const policy = new ThreadPolicy();
    let now = 0;
    const periods: number[] = [];
    feed(policy, ['stalled'], now);
    for (let i = 0; i < 8; i++) {
      periods.push(policy.soloPeriod);
      now = policy.until; // the probe starts when the period ends
      expect(policy.share(now)).toBe(true);
      expect(feed(policy, ['onTime', 'missed'], now)).toEqual([1]); // on time once, then late again
    }
    const expected = [SOLO_MIN_MS];
    while (expected.length < 8) expected.push(Math.min(SOLO_GROWTH * expected.at(-1)!, SOLO_MAX_MS));
    expect(periods).toEqual(expected);
    expect(periods.slice(0, 5)).toEqual([16, 64, 256, 1000, 1000]);
  });

  test('record: HEALTHY_CALLS shared calls without a fallback start the next period at SOLO_MIN_MS again', () => {
    const policy = new ThreadPolicy();
    feed(policy, ['stalled', 'stalled', 'stalled'], 0);
    expect(policy.soloPeriod).toBe(SOLO_MIN_MS * SOLO_GROWTH ** 2);
    const healthy = new Array<CallOutcome>(HEALTHY_CALLS - 1).fill('onTime');
    feed(policy, [...healthy, 'stalled'], 1e4); // one call short: the period still grows
    expect(policy.soloPeriod).toBe(SOLO_MAX_MS);
    feed(policy, [...healthy, 'onTime', 'stalled'], 2e4);
    expect(policy.soloPeriod).toBe(SOLO_MIN_MS);
    expect(policy.until).toBe(2e4 + SOLO_MIN_MS);
    expect(policy.fallbacks).toBe(5);
  });
});
