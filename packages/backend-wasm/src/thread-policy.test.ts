// The adaptive thread policy (src/thread-policy.ts) as a state machine on a clock the test moves: the share of
// late calls at which it falls back to one thread, for how long, how the period grows and resets, and the
// bursts it tolerates (an idle virtual machine's).

import { describe, expect, test } from 'vitest';
import {
  HEALTHY_CALLS,
  LATE_THRESHOLD,
  LATE_THRESHOLD_LOOKING,
  LATE_WINDOW,
  PROBE_MARGIN,
  SOLO_GROWTH,
  SOLO_MAX_MS,
  SOLO_MIN_MS,
  ThreadPolicy,
} from './thread-policy.js';

/**
 * Calls at time `now`, as the team makes them: a call is recorded only while the policy shares (`late` true: a
 * late call). Returns the index of each call that started a solo period.
 */
function feed(policy: ThreadPolicy, late: readonly boolean[], now = 0): number[] {
  return late.flatMap((l, i) => (policy.share(now) && policy.record(l, now) ? [i] : []));
}

/** `n` calls, late where `isLate(i)`. */
const calls = (n: number, isLate: (i: number) => boolean) => Array.from({ length: n }, (_, i) => isLate(i));

/** A seeded stream of calls, each late with probability `p` (a linear congruential generator). */
function randomCalls(n: number, p: number, seed: number): boolean[] {
  let state = seed;
  return calls(n, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32 < p;
  });
}

describe('ThreadPolicy', () => {
  test('share: a new policy shares every call', () => {
    const policy = new ThreadPolicy();
    expect(policy.share(0)).toBe(true);
    expect(
      feed(
        policy,
        calls(1000, () => false),
      ),
    ).toEqual([]);
    expect(policy.share(1e6)).toBe(true);
    expect(policy.fallbacks).toBe(0);
    expect(policy.late).toBe(0);
  });

  test('record: a worker late at every call falls back when the average reaches LATE_THRESHOLD', () => {
    const policy = new ThreadPolicy();
    // the average after k late calls from 0 is 1 − (1 − 1/W)^k
    const k = Math.ceil(Math.log(1 - LATE_THRESHOLD) / Math.log(1 - 1 / LATE_WINDOW));
    expect(
      feed(
        policy,
        calls(200, () => true),
        100,
      ),
    ).toEqual([k - 1]);
    expect(k).toBe(74);
    expect(policy.share(100)).toBe(false);
    expect(policy.share(100 + SOLO_MIN_MS - 0.001)).toBe(false);
    expect(policy.share(100 + SOLO_MIN_MS)).toBe(true);
    expect(policy.fallbacks).toBe(1);
  });

  test.each([
    ['late in 9 calls of 10 (a busy process on the other core: ~90%)', 0.9, 1],
    ['late in half the calls', 0.5, 1],
  ])('record: %s falls back', (_what, p, fallbacks) => {
    const policy = new ThreadPolicy();
    feed(policy, randomCalls(400, p, 7));
    expect(policy.fallbacks).toBe(fallbacks);
  });

  test.each([
    ['late in 6% of the calls at random (an idle VM: 4–6%)', randomCalls(20000, 0.06, 1)],
    ['a burst of 40 late calls every 500 calls', calls(20000, (i) => i % 500 < 40)],
    ['a burst of 60 late calls after 1000 on time', calls(1060, (i) => i >= 1000)],
    ['late in every fifth call', calls(20000, (i) => i % 5 === 0)],
  ])('record: %s never falls back', (_what, late) => {
    const policy = new ThreadPolicy();
    expect(feed(policy, late)).toEqual([]);
    expect(policy.share(0)).toBe(true);
  });

  test('record: a probe starts PROBE_MARGIN under the threshold; still late, each period 4× the last up to SOLO_MAX_MS', () => {
    const policy = new ThreadPolicy();
    let now = 0;
    const periods: number[] = [];
    const probeCalls: number[] = [];
    feed(
      policy,
      calls(100, () => true),
      now,
    );
    for (let i = 0; i < 6; i++) {
      periods.push(policy.soloPeriod);
      expect(policy.late).toBeCloseTo(LATE_THRESHOLD - PROBE_MARGIN, 12);
      now = policy.until; // the probe starts when the period ends
      expect(policy.share(now)).toBe(true);
      const at = feed(
        policy,
        calls(100, () => true),
        now,
      );
      probeCalls.push(at[0]! + 1);
    }
    expect(periods).toEqual([SOLO_MIN_MS, 64, 256, SOLO_MAX_MS, SOLO_MAX_MS, SOLO_MAX_MS]);
    expect(SOLO_GROWTH).toBe(4);
    // a worker still without a core is caught within about twenty calls of the probe
    expect(probeCalls.every((n) => n === probeCalls[0] && n <= 20)).toBe(true);
  });

  test('record: a probe on an idle machine (late in 6% of the calls) does not fall back again', () => {
    const policy = new ThreadPolicy();
    feed(
      policy,
      calls(100, () => true),
    );
    expect(policy.fallbacks).toBe(1);
    expect(feed(policy, randomCalls(5000, 0.06, 3), policy.until)).toEqual([]);
    expect(policy.late).toBeLessThan(0.1);
  });

  test('new ThreadPolicy(LATE_THRESHOLD_LOOKING): 30% late calls keep sharing; a worker late at every call falls back', () => {
    const looking = new ThreadPolicy(LATE_THRESHOLD_LOOKING);
    const plain = new ThreadPolicy();
    const someLate = randomCalls(3000, 0.3, 7); // the bursts of a process's first seconds, at their worst
    expect(feed(looking, someLate)).toEqual([]);
    expect(feed(plain, someLate).length).toBeGreaterThan(0);
    // from an average of 0.3, every call late: 1 − 0.7·(1 − 1/W)^k reaches 0.5 after k calls
    const k = Math.ceil(
      Math.log((1 - LATE_THRESHOLD_LOOKING) / (1 - looking.late)) / Math.log(1 - 1 / LATE_WINDOW),
    );
    expect(k).toBeLessThan(120);
    expect(
      feed(
        looking,
        calls(200, () => true),
      ),
    ).toEqual([k - 1]);
    expect(looking.late).toBeCloseTo(LATE_THRESHOLD_LOOKING - PROBE_MARGIN, 12);
  });

  test('record: HEALTHY_CALLS shared calls without a fallback start the next period at SOLO_MIN_MS again', () => {
    const policy = new ThreadPolicy();
    const stillLate = calls(100, () => true);
    feed(policy, stillLate, 0);
    feed(policy, stillLate, 1e3);
    expect(policy.soloPeriod).toBe(SOLO_MIN_MS * SOLO_GROWTH);
    // on time for HEALTHY_CALLS − 200 calls, then late (74 calls to the threshold from 0): the fallback comes
    // within HEALTHY_CALLS, the period grows
    feed(policy, [...calls(HEALTHY_CALLS - 200, () => false), ...stillLate], 2e3);
    expect(policy.soloPeriod).toBe(SOLO_MIN_MS * SOLO_GROWTH ** 2);
    feed(policy, [...calls(HEALTHY_CALLS + 1, () => false), ...stillLate], 3e3);
    expect(policy.soloPeriod).toBe(SOLO_MIN_MS);
    expect(policy.until).toBe(3e3 + SOLO_MIN_MS);
    expect(policy.fallbacks).toBe(4);
  });
});
