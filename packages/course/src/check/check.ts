/**
 * `checkExercise(id, impl)`: the grader of the exercises that ask for code, in Node and in browsers (no Node
 * module is imported). It runs the student's code against @lxmls/attention's reference on the notebook's
 * values and on seeded random shapes, and reports each check in the exercise's terms.
 */

import { getExercise } from '../exercises.js';
import { checkCausalSelfAttention } from './causal-self-attention.js';
import { checkCrossAttention } from './cross-attention.js';
import type { CheckOptions, CheckReport } from './report.js';

/**
 * Grades a student's solution of an exercise.
 *
 * @param id - The exercise: `2.1` (`crossAttention`) or `2.2` (`CausalSelfAttention`).
 * @param impl - The student's module (what {@link loadStudentSource} returns), or the export itself.
 * @param options - `seed` of the random cases, `fileName` so that messages point at the student's lines,
 *   `onCheck` to hear of each check as soon as it is decided.
 * @returns The report: `passed` when every check passed, and each check with its message.
 * @throws {@link LxmlsCourseError} `UNKNOWN_EXERCISE` for another id. Whatever the student's code throws is
 *   reported as a failed check, never thrown (a time or memory limit is the caller's: run it in a worker,
 *   and post each check from `onCheck`, so that the report of a stopped run keeps the checks passed before).
 * @example
 * ```ts
 * import { checkExercise, getExercise, loadStudentSource } from '@lxmls/course';
 * const solved = loadStudentSource(getExercise('2.2').solution.ts, 'causal-self-attention.ts');
 * const report = await checkExercise('2.2', solved);
 * console.log(report.passed, report.checks.length); // → true 13
 * const skeleton = loadStudentSource(getExercise('2.2').skeleton.ts, 'causal-self-attention.ts');
 * const todo = await checkExercise('2.2', skeleton);
 * console.log(todo.passed, todo.checks.filter((c) => !c.passed).map((c) => c.name)); // → false [ 'hole 2.2.1 filled', 'hole 2.2.2 filled', 'hole 2.2.3 filled', 'hole 2.2.4 filled' ]
 * ```
 */
export async function checkExercise(
  id: string,
  impl: unknown,
  options: CheckOptions = {},
): Promise<CheckReport> {
  const exercise = getExercise(id);
  const value =
    typeof impl === 'function'
      ? impl
      : impl !== null && typeof impl === 'object'
        ? (impl as Record<string, unknown>)[exercise.exportName]
        : impl;
  const names =
    impl !== null && typeof impl === 'object'
      ? Object.keys(impl).filter((key) => key !== '__esModule')
      : undefined;
  const all = names === undefined ? options : { ...options, exports: names };
  return exercise.id === '2.1' ? checkCrossAttention(value, all) : checkCausalSelfAttention(value, all);
}
