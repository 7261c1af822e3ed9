/**
 * The grader's report (`CheckReport` of @lxmls/course) in the words a student reads on an exercise page: each
 * check's message without the `[@lxmls/pkg] fn:` prefix of the libraries' errors (the student needs what to
 * change, not where it was thrown), no stack lines, and a one-line summary. No DOM: Node tests run it too.
 */

/** One check of a report, as @lxmls/course's `CheckReport` has it. */
export interface ReportCheck {
  /** What was checked ("output shape", "rows sum to 1", …). */
  name: string;
  /** Whether the student's code passed it. */
  passed: boolean;
  /** What was found, and what to change when it failed. */
  message: string;
}

/** A grader's report (the shape of @lxmls/course's `CheckReport`). */
export interface ReportLike {
  /** The exercise id ("2.1", "2.2"). */
  exercise: string;
  /** True when every check passed. */
  passed: boolean;
  /** The checks, in the order they ran. */
  checks: readonly ReportCheck[];
}

/** `[@lxmls/tensor] matmul: `, `[lxmls-docs] parseIds: `, `[@lxmls/course] checkExercise: ` … */
const PREFIX = /\[(?:@lxmls\/[\w-]+|lxmls[\w-]*)\]\s+(?:[\w$.#<>[\]-]+:\s+)?/g;
/** A stack frame line (`    at forward (student.ts:12:3)`). */
const STACK_LINE = /^\s+at\s.*$/;

/**
 * A message as a student should read it: the libraries' `[@lxmls/pkg] fn: ` prefixes removed (wherever they
 * appear: a wrapped error repeats them), stack lines dropped, and the word after a leading prefix capitalised
 * (not a file name or a code name).
 *
 * @param message - A check's message, or an error's.
 * @returns The same text without the prefixes and stack lines.
 * @example
 * ```ts
 * import { studentMessage } from './editor-report.js';
 * console.log(studentMessage('[@lxmls/tensor] matmul: the inner sizes differ. Expected (2, 3) × (3, k), received (2, 3) × (4, 3).'));
 * // → The inner sizes differ. Expected (2, 3) × (3, k), received (2, 3) × (4, 3).
 * ```
 */
export function studentMessage(message: string): string {
  const prefixed = new RegExp(`^${PREFIX.source}`).test(message.trimStart());
  const lines = message
    .replace(PREFIX, '')
    .split('\n')
    .filter((line) => !STACK_LINE.test(line));
  const text = lines.join('\n').trim();
  // what followed a prefix becomes a sentence (a word in lower case gets its capital; a file name such as
  // `attention.ts:3:9: …` or a code name stays as it is); other messages are left as their author wrote them
  return prefixed && /^[a-z]{2,}(\s|$)/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}

/**
 * The line above the list of checks: all passed, or how many did and where to start.
 *
 * @param report - The grader's report.
 * @returns One sentence.
 * @example
 * ```ts
 * import { reportSummary } from './editor-report.js';
 * const checks = [{ name: 'shape', passed: true, message: '' }, { name: 'scaling', passed: false, message: '' }];
 * console.log(reportSummary({ exercise: '2.1', passed: false, checks })); // → 1 of 2 checks pass. Start with the first one marked ✗: scaling.
 * ```
 */
export function reportSummary(report: ReportLike): string {
  const n = report.checks.length;
  const passed = report.checks.filter((c) => c.passed).length;
  const checks = `check${n === 1 ? '' : 's'}`;
  if (report.passed) return `All ${n} ${checks} pass: Exercise ${report.exercise} is solved. Well done!`;
  const first = report.checks.find((c) => !c.passed);
  const start = first ? ` Start with the first one marked ✗: ${first.name}.` : '';
  return `${passed} of ${n} ${checks} pass${n === 1 ? 'es' : ''}.${start}`;
}
