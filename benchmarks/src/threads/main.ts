/**
 * `pnpm bench:threads [--rounds 5] [--steps 12] [--warmup 3] [--before DIR] [--interleave] [--json]`: the wasm backend's
 * default threads against one thread, on an idle machine and with a competing busy process, in one run (issue 14
 * item 4).
 *
 * Each round runs `lxmls bench train-step --json` (the gpt-nano training step, batch 64, dropout 0.1;
 * `--warmup` untimed steps, 3 by default, then `--steps` timed ones) with `--threads 1` and with the default, first with no extra
 * process, then while another process keeps one core busy (a spinning `node -e`, in a session of its own),
 * started 0.3 s before and stopped after those runs. `--before DIR` also runs the CLI of another build (DIR/apps/cli/bin/lxmls.js, for
 * example the build of an earlier commit) in the same rounds. The table shows, for each build and load, the
 * median over the rounds of each run's median, and the median of the per-round ratio one thread ÷ default.
 * With `--interleave`, each round runs one process per load (interleave.ts) in which every build and setting
 * takes one step in turn, so that they all see the same load (the `GptNanoTrainStep` of each build's
 * dist/); this mode also runs two threads with the adaptive policy off (the gain the policy should keep on
 * an idle machine), the machine's own two-core gain in the same rotation (ceiling.ts: the row `machine
 * (two-core probe)`, the most two threads can give at that moment), and logs each two-thread run's `threadStats`.
 * "No extra process" is only as idle as the machine is: the load average is printed before and after.
 *
 * Prints a Markdown table with the machine (or one JSON line with `--json`). Progress goes to stderr.
 */

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatTable, parseThreadsArgs, type RunResult, roundRuns, summarize } from './measure.js';

const log = (line: string) => process.stderr.write(`[bench:threads] ${line}\n`);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const NOW_CLI = join(ROOT, 'apps/cli/bin/lxmls.js');
const INTERLEAVE = fileURLToPath(new URL('./interleave.js', import.meta.url));

/** What one `lxmls bench train-step --json` run prints (the fields used here). */
interface TrainStepRecord {
  backend: string;
  threads: number;
  medianMs: number;
  cpu: string;
  cores: number;
  node: string;
}

function trainStep(cli: string, threads: '1' | 'default', steps: number, warmup: number): TrainStepRecord {
  const args = [cli, 'bench', 'train-step', '--json', '--steps', String(steps), '--warmup', String(warmup)];
  if (threads === '1') args.push('--threads', '1');
  const stdout = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as TrainStepRecord;
}

/**
 * The competing process: a loop that keeps one core busy. It runs in a session of its own (`detached`), so
 * that the scheduler treats it as another program, not as a third thread of this benchmark's group (Linux's
 * autogroup shares the CPU between sessions first), and it exits as soon as this process is gone.
 */
const BUSY_SOURCE =
  'const p = process.ppid; let n = 0; for (;;) if ((++n & 0xfffff) === 0 && process.ppid !== p) break;';

/** Starts the competing process and gives it 0.3 s to get going. */
async function busyProcess(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', BUSY_SOURCE], { stdio: 'ignore', detached: true });
  const stop = () => child.kill();
  process.once('exit', stop);
  child.once('exit', () => process.off('exit', stop));
  await new Promise((resolve) => setTimeout(resolve, 300));
  return child;
}

/** What interleave.js prints for each build and setting. */
interface InterleavedRecord {
  /** `machine`: the two-core probe (ceiling.ts). */
  build: 'now' | 'before' | 'machine';
  threads: '1' | 'default' | 'fixed';
  backendThreads: number;
  medianMs: number;
  /** The wasm backend's `threadStats` after the run (undefined on one thread). */
  threadStats?: { shared: number; solo: number; crowded?: number; late: number; fallbacks: number };
}

/** Runs interleave.js: every build and setting in one process, one step of each in turn. */
function interleaved(steps: number, warmup: number, before: string | undefined): InterleavedRecord[] {
  const args = [INTERLEAVE, String(steps), `--warmup=${warmup}`, `now=${ROOT}`];
  if (before) args.push(`before=${before}`);
  const stdout = execFileSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as InterleavedRecord[];
}

async function main(): Promise<number> {
  const options = parseThreadsArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    process.stderr.write(
      `bench:threads: ${options}\nusage: pnpm bench:threads [--rounds 5] [--steps 12] [--warmup 3] [--before DIR] [--interleave] [--json]\n`,
    );
    return 2;
  }
  const clis = { now: NOW_CLI, before: options.before && join(options.before, 'apps/cli/bin/lxmls.js') };
  if (clis.before && !existsSync(clis.before)) {
    process.stderr.write(`bench:threads: --before: ${clis.before} does not exist\n`);
    return 2;
  }
  const loadBefore = os.loadavg();
  const results: RunResult[] = [];
  let first: TrainStepRecord | undefined;
  const twoThreads: Record<string, number> = {};
  for (let round = 0; round < options.rounds; round++) {
    let busy: ChildProcess | undefined;
    if (options.interleave) {
      for (const isBusy of [false, true]) {
        if (isBusy) busy = await busyProcess();
        for (const r of interleaved(options.steps, options.warmup, options.before)) {
          if (r.threads === 'default') twoThreads[r.build] = r.backendThreads;
          results.push({ build: r.build, threads: r.threads, busy: isBusy, round, medianMs: r.medianMs });
          const stats = r.threadStats
            ? ` (shared ${r.threadStats.shared}, solo ${r.threadStats.solo}${r.threadStats.crowded === undefined ? '' : ` (crowded ${r.threadStats.crowded})`}, late ${r.threadStats.late}, fallbacks ${r.threadStats.fallbacks})`
            : '';
          log(
            `round ${round + 1}/${options.rounds}, interleaved: ${r.build}, threads ${r.threads}${isBusy ? ', busy process' : ''}: ${r.medianMs.toFixed(2)} ms${stats}`,
          );
        }
      }
    } else
      for (const run of roundRuns(round, clis.before !== undefined)) {
        if (run.busy && !busy) busy = await busyProcess();
        const record = trainStep(clis[run.build]!, run.threads, options.steps, options.warmup);
        first ??= record;
        if (run.threads === 'default') twoThreads[run.build] = record.threads;
        results.push({ ...run, round, medianMs: record.medianMs });
        log(
          `round ${round + 1}/${options.rounds}: ${run.build}, threads ${run.threads}${run.busy ? ', busy process' : ''}: ${record.medianMs.toFixed(2)} ms`,
        );
      }
    busy?.kill();
  }
  const rows = summarize(results);
  const machine = {
    cpu: first?.cpu ?? os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: first?.cores ?? os.availableParallelism(),
    node: first?.node ?? process.version,
    backend: first?.backend ?? 'wasm',
    defaultThreads: twoThreads,
    loadBefore: loadBefore.map((l) => Number(l.toFixed(2))),
    loadAfter: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ bench: 'threads', ...options, ...machine, rows, results })}\n`);
    return 0;
  }
  const load = (l: number[]) => l.map((x) => x.toFixed(1)).join(' ');
  process.stdout.write(
    `gpt-nano training step (lxmls bench train-step: batch 64, dropout 0.1) on backend ${machine.backend}, ` +
      `one thread against the default (${Object.entries(twoThreads)
        .map(([b, t]) => `${b}: ${t} threads`)
        .join(
          ', ',
        )}), ${options.rounds} rounds of ${options.steps} steps per run after ${options.warmup} warm-up steps` +
      `${options.interleave ? ' (interleaved: one process per load, one step of each in turn)' : ''}\n\n` +
      `${formatTable(rows)}\n\n` +
      (options.interleave
        ? 'machine (two-core probe): the same arithmetic on one thread, and in halves on two threads that never wait for each other (benchmarks/src/threads/ceiling.ts): the most two threads can give at that moment\n'
        : '') +
      `machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}; load average ${load(machine.loadBefore)} before, ${load(machine.loadAfter)} after\n`,
  );
  return 0;
}

// a failure here is the benchmark's own bug or a failing CLI run: its message, then exit code 1
main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`bench:threads: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
