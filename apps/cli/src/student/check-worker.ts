/**
 * The worker thread of `lxmls check`: loads the student's file (sucrase, the CLI's own @lxmls packages) and
 * runs @lxmls/course's `checkExercise` on it, then posts the report to the main thread. The main thread holds
 * the time and memory limits (see `run-check.ts`), so an endless loop or an endless allocation here only
 * ends this thread. Messages: `{ kind: 'check', check }` for each check as soon as it is decided (so that a
 * run stopped at a limit still reports the checks passed before), then `{ kind: 'report', report }`, or
 * `{ kind: 'bad-input', message }` (the file cannot be loaded, or lacks the export: one line, exit code 2).
 */

import { parentPort, workerData } from 'node:worker_threads';
import { type CheckResult, checkExercise, getExercise, studentLocation } from '@lxmls/course';
import { CliError } from '../errors.js';
import { loadStudentFile } from './load.js';

/** What the main thread sends: the exercise and the student's file. */
export interface CheckWorkerData {
  /** The exercise id. */
  id: string;
  /** The student's file. */
  path: string;
}

/** What the worker posts back. */
export type CheckWorkerMessage =
  | { kind: 'check'; check: CheckResult }
  | { kind: 'report'; report: Awaited<ReturnType<typeof checkExercise>> }
  | { kind: 'bad-input'; message: string };

async function run(
  { id, path }: CheckWorkerData,
  onCheck: (check: CheckResult) => void,
): Promise<CheckWorkerMessage> {
  const exercise = getExercise(id);
  try {
    const module = await loadStudentFile(path, exercise);
    return { kind: 'report', report: await checkExercise(id, module, { fileName: path, onCheck }) };
  } catch (error) {
    if (error instanceof CliError) return { kind: 'bad-input', message: error.message };
    // the file's top level threw: a failed check, as any error of the student's code
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const at = studentLocation(error, path);
    const where = at === undefined ? '' : ` (at ${at})`;
    return {
      kind: 'report',
      report: {
        exercise: id,
        passed: false,
        checks: [{ name: 'loads', passed: false, message: `loading ${path} threw ${text}${where}` }],
      },
    };
  }
}

if (parentPort !== null) {
  const port = parentPort;
  const post = (message: CheckWorkerMessage) => port.postMessage(message);
  run(workerData as CheckWorkerData, (check) => post({ kind: 'check', check })).then(
    (message) => post(message),
    (error: unknown) =>
      port.postMessage({
        kind: 'bad-input',
        message: error instanceof Error ? error.message : String(error),
      }),
  );
}
