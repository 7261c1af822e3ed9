/**
 * Checks of the threads benchmark's pure parts, with no timing: the command line, the order of the runs in a
 * round, and the table (medians over rounds, ratios paired within a round).
 */

import { describe, expect, test } from 'vitest';
import { formatTable, median, parseThreadsArgs, type RunResult, roundRuns, summarize } from './measure.js';

describe('parseThreadsArgs', () => {
  test.each([
    [[], { rounds: 5, steps: 12, warmup: 3, before: undefined, interleave: false, json: false }],
    [
      ['--rounds', '3', '--steps', '20', '--warmup', '150', '--before', '/tmp/b', '--interleave', '--json'],
      { rounds: 3, steps: 20, warmup: 150, before: '/tmp/b', interleave: true, json: true },
    ],
  ])('parseThreadsArgs(%j) reads the options', (argv, expected) => {
    expect(parseThreadsArgs(argv)).toEqual(expected);
  });

  test.each([
    [['--rounds', '0'], '--rounds must be an integer from 1 to 100'],
    [['--steps', '2.5'], '--steps must be an integer from 1 to 1000'],
    [['--warmup', '-1'], '--warmup must be an integer from 0 to 10000'],
    [['--before'], '--before needs the root of another build (a folder with apps/cli/bin/lxmls.js)'],
    [['--threads', '2'], 'unknown argument "--threads"'],
  ])('parseThreadsArgs(%j) names the problem', (argv, message) => {
    expect(parseThreadsArgs(argv)).toBe(message);
  });
});

describe('roundRuns', () => {
  test('roundRuns: idle before busy, every build with one thread and the default, reversed in odd rounds', () => {
    const label = (round: number) =>
      roundRuns(round, true).map((r) => `${r.build}/${r.threads}/${r.busy ? 'busy' : 'idle'}`);
    expect(label(0)).toEqual([
      'now/1/idle',
      'now/default/idle',
      'before/1/idle',
      'before/default/idle',
      'now/1/busy',
      'now/default/busy',
      'before/1/busy',
      'before/default/busy',
    ]);
    expect(label(1)).toEqual([...label(0).slice(0, 4).reverse(), ...label(0).slice(4).reverse()]);
    expect(roundRuns(0, false)).toHaveLength(4);
  });
});

describe('summarize', () => {
  test('summarize: medians over rounds, and the ratio paired within each round', () => {
    const r = (
      build: 'now' | 'before',
      threads: '1' | 'default',
      busy: boolean,
      round: number,
      medianMs: number,
    ) => ({ build, threads, busy, round, medianMs }) satisfies RunResult;
    const rows = summarize([
      r('now', '1', false, 0, 20),
      r('now', 'default', false, 0, 10), // 2×
      r('now', '1', false, 1, 40),
      r('now', 'default', false, 1, 40), // 1×
      r('now', '1', false, 2, 30),
      r('now', 'default', false, 2, 20), // 1.5×
      r('now', '1', true, 0, 30),
      r('now', 'default', true, 0, 60),
    ]);
    expect(rows).toEqual([
      { build: 'now', busy: false, oneMs: 30, defaultMs: 20, speedup: 1.5 },
      { build: 'now', busy: true, oneMs: 30, defaultMs: 60, speedup: 0.5 },
    ]);
    const table = formatTable(rows).split('\n');
    expect(table).toHaveLength(4);
    expect(table[3]).toBe('| now | busy process on one core | 30.0 | 60.0 | 0.50× |');
  });

  test('summarize: the fixed two threads (policy off) get their own median and paired ratio, and two columns', () => {
    const r = (threads: '1' | 'default' | 'fixed', round: number, medianMs: number) =>
      ({ build: 'now', threads, busy: false, round, medianMs }) satisfies RunResult;
    const rows = summarize([
      r('1', 0, 20),
      r('default', 0, 16),
      r('fixed', 0, 10), // 2×
      r('1', 1, 30),
      r('default', 1, 20),
      r('fixed', 1, 25), // 1.2×
    ]);
    expect(rows).toEqual([
      {
        build: 'now',
        busy: false,
        oneMs: 25,
        defaultMs: 18,
        speedup: 1.375,
        fixedMs: 17.5,
        fixedSpeedup: 1.6,
      },
    ]);
    const table = formatTable(rows).split('\n');
    expect(table[0]).toContain('| two threads, policy off (ms/step) | one ÷ policy off |');
    expect(table[2]).toBe('| now | no extra process | 25.0 | 18.0 | 1.38× | 17.5 | 1.60× |');
  });

  test('summarize: the machine probe (build machine) gets its row after the builds, labelled as the probe', () => {
    const r = (build: 'now' | 'machine', threads: '1' | 'default', round: number, medianMs: number) =>
      ({ build, threads, busy: false, round, medianMs }) satisfies RunResult;
    const rows = summarize([
      r('machine', '1', 0, 8),
      r('machine', 'default', 0, 4.2),
      r('now', '1', 0, 18),
      r('now', 'default', 0, 12),
    ]);
    expect(rows.map((row) => [row.build, row.speedup.toFixed(2)])).toEqual([
      ['now', '1.50'],
      ['machine', '1.90'],
    ]);
    expect(formatTable(rows).split('\n')[3]).toBe(
      '| machine (two-core probe) | no extra process | 8.0 | 4.2 | 1.90× |',
    );
  });

  test('median: the middle value, or the mean of the middle two', () => {
    expect([median([5]), median([3, 1, 2]), median([4, 1, 3, 2])]).toEqual([5, 2, 2.5]);
  });
});
