/**
 * Running the grader on a student's file in a worker thread with a time and a memory limit, so that code
 * that throws, never ends or allocates without bound is reported as a failed check and never stops
 * `lxmls check` itself. The worker is `check-worker.js` next to this module in `dist/` (from the sources,
 * as under vitest, the built one: `tsc --build` first). Its heap is capped by `resourceLimits`; the memory
 * outside the heap (typed arrays, which tensors use) is watched through the process's resident size.
 */

import { Worker } from 'node:worker_threads';
import type { CheckReport, CheckResult } from '@lxmls/course';
import type { CheckWorkerData, CheckWorkerMessage } from './check-worker.js';

/** Limits of {@link runCheck}. */
export interface RunCheckOptions {
  /** Wall-clock limit in milliseconds (default 20,000). */
  timeoutMs?: number;
  /** Memory limit in MiB: the worker's heap, and the process's growth outside it (default 512). */
  memoryMb?: number;
  /** Where the student's `console.log` goes (default: dropped). */
  log?: NodeJS.WritableStream;
}

/** What {@link runCheck} gives: the grader's report, or a one-line reason the file cannot be checked. */
export type RunCheckResult = { kind: 'report'; report: CheckReport } | { kind: 'bad-input'; message: string };

/**
 * The worker's module: next to this one when built, else the built one.
 *
 * @returns Its URL.
 * @example
 * ```ts
 * import { workerUrl } from './student/run-check.js';
 * console.log(workerUrl().pathname.endsWith('/apps/cli/dist/student/check-worker.js')); // → true
 * ```
 */
export function workerUrl(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts')
    ? new URL('../../dist/student/check-worker.js', here)
    : new URL('./check-worker.js', here);
}

/** The checks decided before the run was stopped, then the failed limit (or crash) check. */
function limitReport(
  id: string,
  decided: readonly CheckResult[],
  name: string,
  message: string,
): RunCheckResult {
  return {
    kind: 'report',
    report: { exercise: id, passed: false, checks: [...decided, { name, passed: false, message }] },
  };
}

/**
 * Grades a student's file in a worker thread.
 *
 * @param id - The exercise id.
 * @param path - The student's file.
 * @param options - Time and memory limits, and where the student's output goes.
 * @returns The report (a time or memory limit reached is a failed check, after the checks decided before
 *   it), or a bad-input line.
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { getExercise } from '@lxmls/course';
 * import { runCheck } from './student/run-check.js';
 * const file = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'cross-attention.ts');
 * writeFileSync(file, getExercise('2.1').solution.ts);
 * const result = await runCheck('2.1', file);
 * console.log(result.kind === 'report' && result.report.passed); // → true
 * ```
 */
export function runCheck(id: string, path: string, options: RunCheckOptions = {}): Promise<RunCheckResult> {
  const { timeoutMs = 20_000, memoryMb = 512, log } = options;
  const data: CheckWorkerData = { id, path };
  const worker = new Worker(workerUrl(), {
    workerData: data,
    resourceLimits: { maxOldGenerationSizeMb: memoryMb, maxYoungGenerationSizeMb: 32 },
    stdout: true,
    stderr: true,
  });
  if (log) {
    worker.stdout.pipe(log, { end: false });
    worker.stderr.pipe(log, { end: false });
  } else {
    worker.stdout.resume();
    worker.stderr.resume();
  }
  const baseline = process.memoryUsage.rss();
  /** The checks the worker has decided so far (it posts each one as soon as it is decided). */
  const decided: CheckResult[] = [];
  return new Promise<RunCheckResult>((resolve) => {
    let done = false;
    const finish = (result: RunCheckResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearInterval(watch);
      void worker.terminate();
      resolve(result);
    };
    const seconds = Math.round(timeoutMs / 100) / 10;
    const timer = setTimeout(
      () =>
        finish(
          limitReport(
            id,
            decided,
            'time limit',
            `timed out after ${seconds} s: the code never finished (an endless loop? a loop whose condition never becomes false?)`,
          ),
        ),
      timeoutMs,
    );
    const outOfMemory = () =>
      finish(
        limitReport(
          id,
          decided,
          'memory limit',
          `ran out of memory (limit ${memoryMb} MiB): the code allocates without bound (a loop that keeps creating arrays or tensors?)`,
        ),
      );
    const watch = setInterval(() => {
      if (process.memoryUsage.rss() - baseline > memoryMb * 2 ** 20 * 2) outOfMemory();
    }, 50);
    worker.on('message', (message: CheckWorkerMessage) => {
      if (message.kind === 'check') decided.push(message.check);
      else finish(message);
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') outOfMemory();
      else finish(limitReport(id, decided, 'runs', `the check crashed: ${error.name}: ${error.message}`));
    });
    worker.on('exit', (code) => {
      finish(limitReport(id, decided, 'runs', `the check stopped with exit code ${code} before reporting`));
    });
  });
}
