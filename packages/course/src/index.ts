/**
 * @lxmls/course: the Transformer Day exercises as files, and a grader that teaches.
 *
 * @packageDocumentation
 */

/** The exercise ids this package knows, in the notebook's order. */
export const EXERCISE_IDS: readonly string[] = ['2.1', '2.2'];
