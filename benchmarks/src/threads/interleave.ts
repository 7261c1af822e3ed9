/**
 * The child process of `pnpm bench:threads --interleave`: every build's gpt-nano training step
 * (@lxmls/course's `GptNanoTrainStep`, or the CLI's in builds before it moved there, as `lxmls bench
 * train-step` runs it: batch 64, dropout 0.1) on one thread, on the default threads and on two threads with
 * the adaptive policy off (`fixed`), one step of each in turn in this one process, so that all of them see
 * the same load: blocks of 4 steps in turn, after a pause that lets the last block's worker fall asleep and
 * one untimed step (block 0: the warm-up). The order rotates every block, so that no setting always follows
 * the same one. The rotation also holds the machine's own two-core gain (ceiling.ts, build `machine`): the
 * most that two threads can give at that moment.
 *
 * `node interleave.js STEPS [--warmup=W] NAME=ROOT...` (a ROOT is a build of this repository: its packages' and
 * the CLI's `dist/` are loaded from there, each build with its own @lxmls/tensor). With `--warmup=W`, every
 * build and setting first takes W untimed steps, in turns of 10: a process's first seconds of two-thread work
 * are slow (the engine's background compilers take a core from one of the two threads), while a training run
 * spends most of its time after them. Prints one JSON line: the median ms
 * per step of each build and setting, the backend's threads and its `threadStats`.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CeilingProbe } from './ceiling.js';
import { median } from './measure.js';

/** The parts of a build that the benchmark uses (loaded from its dist/, so typed loosely here). */
interface Build {
  withBackend<T>(backend: unknown, fn: () => T): T;
  createWasmBackend(options?: { threads?: number; adaptiveThreads?: boolean }): {
    threads: number;
    threadStats?: unknown;
    dispose(): void;
  };
  GptNanoTrainStep: new (options: {
    seed: number;
  }) => {
    randomBatch(batchSize: number): { idx: unknown; targets: unknown };
    step(idx: unknown, targets: unknown): number;
  };
}

async function load(root: string): Promise<Build> {
  const from = (path: string) => import(pathToFileURL(join(root, path)).href);
  const tensor = await from('packages/tensor/dist/index.js');
  const wasm = await from('packages/backend-wasm/dist/index.js');
  // @lxmls/course's since this session; an older build has it in its CLI
  const course = await from('packages/course/dist/index.js').catch(() => ({}));
  const step = course.GptNanoTrainStep ? course : await from('apps/cli/dist/bench/train-step.js');
  return {
    withBackend: tensor.withBackend,
    createWasmBackend: wasm.createWasmBackend,
    GptNanoTrainStep: step.GptNanoTrainStep,
  };
}

/** Timed steps of one setting in a row. */
const BLOCK = 4;
/** Untimed warm-up steps of one setting in a row. */
const WARMUP_TURN = 10;
/** The pause before each block, in ms: longer than a worker spins after its last job (2 ms). */
const PAUSE_MS = 5;

async function main(): Promise<void> {
  const [stepsArg, ...rest] = process.argv.slice(2);
  const steps = Number(stepsArg);
  const warmupArg = rest.find((a) => a.startsWith('--warmup='));
  const warmup = warmupArg ? Number(warmupArg.slice('--warmup='.length)) : 0;
  const specs = rest.filter((a) => a !== warmupArg);
  const runs: {
    build: string;
    threads: '1' | 'default' | 'fixed';
    backend: { threads: number; threadStats?: unknown; dispose(): void };
    step: () => unknown;
    times: number[];
  }[] = [];
  for (const spec of specs) {
    const [build, root] = spec.split('=') as [string, string];
    const b = await load(root);
    for (const threads of ['1', 'default', 'fixed'] as const) {
      const options = { '1': { threads: 1 }, default: undefined, fixed: { adaptiveThreads: false } }[threads];
      const backend = b.createWasmBackend(options);
      const model = b.withBackend(backend, () => new b.GptNanoTrainStep({ seed: 0 }));
      const batch = b.withBackend(backend, () => model.randomBatch(64));
      const step = () => b.withBackend(backend, () => model.step(batch.idx, batch.targets));
      runs.push({ build, threads, backend, step, times: [] });
    }
  }
  // the machine's own two-core gain in the same rotation (ceiling.ts): `1` the whole probe on this thread,
  // `default` its halves on this thread and a worker at once
  const probe = new CeilingProbe();
  const machine = { threads: 2, threadStats: undefined, dispose: () => probe.dispose() };
  runs.push({ build: 'machine', threads: '1', backend: machine, step: () => probe.solo(), times: [] });
  runs.push({ build: 'machine', threads: 'default', backend: machine, step: () => probe.pair(), times: [] });
  // untimed warm-up steps, every setting in turn (the probe needs none)
  for (let done = 0; done < warmup; done += WARMUP_TURN)
    for (const run of runs)
      if (run.build !== 'machine') for (let s = 0; s < Math.min(WARMUP_TURN, warmup - done); s++) run.step();
  // blocks of BLOCK timed steps per setting, in turn: before each block a pause lets the last setting's worker
  // fall asleep (a worker still spinning would take a core from the next setting's threads), and one untimed
  // step wakes this setting's worker (a training loop keeps it awake from step to step)
  const blocks = Math.ceil(steps / BLOCK);
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let k = 0; k <= blocks; k++)
    for (let j = 0; j < runs.length; j++) {
      const run = runs[(j + k) % runs.length]!;
      Atomics.wait(pause, 0, 0, PAUSE_MS);
      run.step();
      for (let s = 0; s < BLOCK && k > 0 && run.times.length < steps; s++) {
        const start = performance.now();
        run.step();
        run.times.push(performance.now() - start);
      }
    }
  const results = runs.map((r) => ({
    build: r.build,
    threads: r.threads,
    backendThreads: r.backend.threads,
    medianMs: median(r.times),
    threadStats: r.backend.threadStats, // shared and solo calls, late ones, fallbacks (undefined on one thread)
  }));
  for (const r of new Set(runs.map((r) => r.backend))) r.dispose();
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench:threads (interleave): ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
});
