/**
 * Errors of @lxmls/course: {@link LxmlsCourseError} (the package's own failures, with a stable `code`) and
 * {@link NotImplementedError}, the error a skeleton's holes throw, as Python's `NotImplementedError` does in
 * the toolkit's student branch (`raise NotImplementedError("Complete Exercise 2.2.N")`).
 *
 * Messages follow the project's format: `[@lxmls/course] fn: what failed. Expected X, received Y.` (the class
 * is made by @lxmls/base's `defineError`).
 */

import { defineError, type ErrorDetails } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/course.
 *
 * - `UNKNOWN_EXERCISE`: an exercise id the course does not have.
 * - `SYNTAX_ERROR`: a student file that does not parse (`file:line:col: message`).
 * - `FORBIDDEN_IMPORT`: a student file that imports a module other than the course's packages.
 * - `MISSING_EXPORT`: a student file without the export the exercise needs.
 * - `UNKNOWN_TOKEN`: a word or id the model's tokenizer or vocabulary does not have (`modelTokenizer`).
 * - `INVALID_ARGUMENT`: any other argument the function does not take.
 */
export type CourseErrorCode =
  | 'UNKNOWN_EXERCISE'
  | 'SYNTAX_ERROR'
  | 'FORBIDDEN_IMPORT'
  | 'MISSING_EXPORT'
  | 'UNKNOWN_TOKEN'
  | 'INVALID_ARGUMENT';

/** Fields of a {@link LxmlsCourseError} besides its message. */
export interface CourseErrorDetails extends ErrorDetails {
  /** The student's file, when the error is about one. */
  file?: string;
  /** Line (1-based) in the student's file. */
  line?: number;
  /** Column (1-based) in the student's file. */
  column?: number;
}

/**
 * The error thrown by the functions of @lxmls/course.
 *
 * Check it with `LxmlsCourseError.isInstance(e)`, which works across duplicated installs, and branch on
 * `e.code`. A syntax error in a student's file carries `file`, `line` and `column`, and its message starts
 * with `file:line:col:` so that editors and terminals can jump to it.
 *
 * @example
 * ```ts
 * import { getExercise, LxmlsCourseError } from '@lxmls/course';
 * try {
 *   getExercise('9.9');
 * } catch (e) {
 *   console.log(LxmlsCourseError.isInstance(e) && e.code); // → UNKNOWN_EXERCISE
 *   console.log((e as Error).message); // → [@lxmls/course] getExercise: there is no exercise 9.9. Expected one of 2.1, 2.2, received 9.9.
 * }
 * ```
 */
export class LxmlsCourseError extends defineError<CourseErrorCode, CourseErrorDetails>(
  '@lxmls/course',
  'LxmlsCourseError',
) {
  /** The student's file, when the error is about one. */
  readonly file: string | undefined;
  /** Line (1-based) in the student's file. */
  readonly line: number | undefined;
  /** Column (1-based) in the student's file. */
  readonly column: number | undefined;

  /**
   * Builds the message `[@lxmls/course] fn: what. Expected X, received Y.` from its parts; a syntax error's
   * message is `file:line:col: what` instead, the form compilers print.
   *
   * @param code - The stable error code.
   * @param what - What failed, without the final period.
   * @param details - The function, expectation, received value and place in the student's file.
   */
  constructor(code: CourseErrorCode, what: string, details: CourseErrorDetails) {
    super(code, what, details);
    if (code === 'SYNTAX_ERROR' && details.file !== undefined) {
      this.message = `${[details.file, details.line, details.column].filter((p) => p !== undefined).join(':')}: ${what}`;
    }
    this.file = details.file;
    this.line = details.line;
    this.column = details.column;
  }
}

/**
 * What a hole of a skeleton throws until the student fills it, as Python's `NotImplementedError` in the
 * toolkit's student branch: `throw new NotImplementedError('Complete Exercise 2.2.1')`. The grader reads the
 * exercise number from the message ({@link holeOf}).
 *
 * @example
 * ```ts
 * import { NotImplementedError } from '@lxmls/course';
 * const e = new NotImplementedError('Complete Exercise 2.2.3');
 * console.log(e.name, e.hole, e.message); // → NotImplementedError 2.2.3 Complete Exercise 2.2.3
 * ```
 */
export class NotImplementedError extends Error {
  override readonly name = 'NotImplementedError';
  /** The hole's exercise number (`2.2.3`), read from the message; undefined when it names none. */
  readonly hole: string | undefined;

  /** @param message - `Complete Exercise N`, as in the student branch. */
  constructor(message = 'Complete the exercise') {
    super(message);
    this.hole = holeOf(message);
  }
}

/**
 * The exercise number a hole's message names (`Complete Exercise 2.2.1` → `2.2.1`), or undefined.
 *
 * @param message - An error message.
 * @returns The number, or undefined.
 * @example
 * ```ts
 * import { holeOf } from '@lxmls/course';
 * console.log(holeOf('Complete Exercise 2.2.4'), holeOf('boom')); // → 2.2.4 undefined
 * ```
 */
export function holeOf(message: string): string | undefined {
  return /Complete Exercise (\d+(?:\.\d+)*)/.exec(message)?.[1];
}
