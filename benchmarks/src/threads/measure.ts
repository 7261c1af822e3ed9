/**
 * The pure parts of the threads benchmark (main.ts): its command line, the runs it makes in each round, and
 * the table of medians. No timing and no processes here.
 *
 * Follows issue 14 item 4: the wasm backend's default (two threads where the machine has two cores) must be at
 * least as fast as one thread when another process keeps a core busy, and about 1.6× faster on an idle
 * machine; one run shows both, each build next to the other in the same rounds.
 */

import { parseBenchArgv } from '../args.js';

import { median } from '../median.js';

/** The median of the workspace's benchmarks (../median.ts), used here and by this benchmark's main and tests. */
export { median };

/** Options of `pnpm bench:threads`. */
export interface ThreadsBenchOptions {
  /** Rounds; each runs every build × thread setting × load once, in turn. */
  rounds: number;
  /** Timed training steps of each run. */
  steps: number;
  /**
   * Untimed steps before them (`lxmls bench train-step --warmup`; interleaved: of every setting, in turns).
   * The default, 3, is the CLI's; a process's first ~100 two-thread steps are slow (the engine's background
   * compilers take a core), so 150 measures a training run after its first seconds.
   */
  warmup: number;
  /** The root of another build of this repository (e.g. /tmp/before8), run beside this one. */
  before: string | undefined;
  /**
   * Run every build and setting in one process per load, one step of each in turn (instead of one process per
   * run): all of them see the same load, which a shared machine moves from run to run. This mode also runs two
   * threads with the adaptive policy off (`fixed`: every big call shared), the gain the policy should keep.
   */
  interleave: boolean;
  /** Print one JSON line on stdout instead of the table. */
  json: boolean;
}

/**
 * Parses the benchmark's arguments.
 *
 * @param argv - The arguments after the script.
 * @returns The options, or a string: the usage error.
 * @example
 * ```ts
 * import { parseThreadsArgs } from './threads/measure.js';
 * console.log(parseThreadsArgs(['--rounds', '4', '--json']));
 * // → { rounds: 4, steps: 12, warmup: 3, before: undefined, interleave: false, json: true }
 * console.log(parseThreadsArgs(['--steps', '0'])); // → --steps must be an integer from 1 to 1000
 * ```
 */
export function parseThreadsArgs(argv: readonly string[]): ThreadsBenchOptions | string {
  return parseBenchArgv(argv, {
    rounds: { type: 'integer', min: 1, max: 100, default: 5 },
    steps: { type: 'integer', min: 1, max: 1000, default: 12 },
    warmup: { type: 'integer', min: 0, max: 10000, default: 3 },
    before: {
      type: 'string',
      missing: '--before needs the root of another build (a folder with apps/cli/bin/lxmls.js)',
    },
    interleave: { type: 'flag' },
    json: { type: 'flag' },
  });
}

/** One run of `lxmls bench train-step` that a round makes. */
export interface RunSpec {
  /** The build: `now` (this repository) or `before`. */
  build: 'now' | 'before' | 'machine';
  /**
   * `1` (`--threads 1`), `default` (no flag: two threads on a machine with two cores, adaptive) or `fixed` (two
   * threads, `adaptiveThreads: false`; interleaved runs only).
   */
  threads: '1' | 'default' | 'fixed';
  /** Whether a busy process spins on one core during the run. */
  busy: boolean;
}

/** A run through `lxmls bench train-step` (whose flags give one thread or the default, not `fixed`). */
export type CliRunSpec = RunSpec & { build: 'now' | 'before'; threads: '1' | 'default' };

/**
 * The runs of round `round`, in order: idle first, then with the busy process; within each, every build
 * with one thread and with the default. Odd rounds reverse the order within each load, so that neither
 * setting always runs first after the busy process starts or stops.
 *
 * @param round - The round, from 0.
 * @param before - Whether a `before` build is run too.
 * @returns The runs.
 * @example
 * ```ts
 * import { roundRuns } from './threads/measure.js';
 * console.log(roundRuns(0, false).map((r) => `${r.threads}${r.busy ? ' busy' : ''}`).join(', '));
 * // → 1, default, 1 busy, default busy
 * ```
 */
export function roundRuns(round: number, before: boolean): CliRunSpec[] {
  const runs: CliRunSpec[] = [];
  for (const busy of [false, true]) {
    const block: CliRunSpec[] = [];
    for (const build of before ? (['now', 'before'] as const) : (['now'] as const))
      for (const threads of ['1', 'default'] as const) block.push({ build, threads, busy });
    runs.push(...(round % 2 === 1 ? block.reverse() : block));
  }
  return runs;
}

/** The median ms per step of one run. */
export interface RunResult extends RunSpec {
  round: number;
  medianMs: number;
}

/** One row of the table: a build under one load. */
export interface SummaryRow {
  /** `machine`: the two-core probe of interleaved runs (ceiling.ts), the most two threads can give. */
  build: 'now' | 'before' | 'machine';
  busy: boolean;
  /** Median over the rounds of each run's median, one thread. */
  oneMs: number;
  /** The same with the default threads. */
  defaultMs: number;
  /** Median over the rounds of one thread's ms ÷ the default's in the same round: > 1 means the default is faster. */
  speedup: number;
  /** Median over the rounds, two threads with the policy off (undefined: not run). */
  fixedMs?: number;
  /** Median over the rounds of one thread's ms ÷ the fixed two threads' in the same round. */
  fixedSpeedup?: number;
}

/**
 * The rows of the table: for each build and load, the medians over the rounds and the median of the
 * per-round ratio (the two runs of a round are a minute apart at most, so they share the machine's load).
 *
 * @param results - Every run's median.
 * @returns One row per build and load, idle first.
 * @example
 * ```ts
 * import { summarize } from './threads/measure.js';
 * const run = (threads: '1' | 'default', round: number, medianMs: number) =>
 *   ({ build: 'now', threads, busy: false, round, medianMs }) as const;
 * const [row] = summarize([run('1', 0, 20), run('default', 0, 12), run('1', 1, 18), run('default', 1, 12)]);
 * console.log(row); // → { build: 'now', busy: false, oneMs: 19, defaultMs: 12, speedup: 1.5833333333333335 }
 * ```
 */
export function summarize(results: readonly RunResult[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const busy of [false, true])
    for (const build of ['now', 'before', 'machine'] as const) {
      const of = (threads: RunSpec['threads']) =>
        results.filter((r) => r.build === build && r.busy === busy && r.threads === threads);
      const one = of('1');
      const dflt = of('default');
      if (one.length === 0 || dflt.length === 0) continue;
      // one thread ÷ `runs` paired within each round
      const ratio = (runs: readonly RunResult[]) =>
        median(
          one.flatMap((o) => {
            const d = runs.find((r) => r.round === o.round);
            return d ? [o.medianMs / d.medianMs] : [];
          }),
        );
      const row: SummaryRow = {
        build,
        busy,
        oneMs: median(one.map((r) => r.medianMs)),
        defaultMs: median(dflt.map((r) => r.medianMs)),
        speedup: ratio(dflt),
      };
      const fixed = of('fixed');
      if (fixed.length > 0) {
        row.fixedMs = median(fixed.map((r) => r.medianMs));
        row.fixedSpeedup = ratio(fixed);
      }
      rows.push(row);
    }
  return rows;
}

/**
 * The Markdown table of {@link summarize}'s rows (with two more columns, the policy off, when a row has them).
 *
 * @param rows - The rows.
 * @returns The table, one line per row after the header.
 * @example
 * ```ts
 * import { formatTable } from './threads/measure.js';
 * const row = { build: 'now', busy: true, oneMs: 19, defaultMs: 18.5, speedup: 1.02 } as const;
 * console.log(formatTable([row]).split('\n')[2]); // → | now | busy process on one core | 19.0 | 18.5 | 1.02× |
 * ```
 */
export function formatTable(rows: readonly SummaryRow[]): string {
  const fixed = rows.some((r) => r.fixedMs !== undefined);
  const lines = [
    `| build | load | one thread (ms/step) | default, two threads (ms/step) | one ÷ default, per round |${fixed ? ' two threads, policy off (ms/step) | one ÷ policy off |' : ''}`,
    `| --- | --- | --- | --- | --- |${fixed ? ' --- | --- |' : ''}`,
  ];
  for (const r of rows) {
    const off =
      r.fixedMs === undefined ? ' – | – |' : ` ${r.fixedMs.toFixed(1)} | ${r.fixedSpeedup!.toFixed(2)}× |`;
    lines.push(
      `| ${r.build === 'machine' ? 'machine (two-core probe)' : r.build} | ${r.busy ? 'busy process on one core' : 'no extra process'} | ${r.oneMs.toFixed(1)} | ${r.defaultMs.toFixed(1)} | ${r.speedup.toFixed(2)}× |${fixed ? off : ''}`,
    );
  }
  return lines.join('\n');
}
