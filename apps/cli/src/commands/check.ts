/**
 * `lxmls check <id> --impl FILE`: grades a student's solution of an exercise with @lxmls/course's
 * `checkExercise`, in a worker thread with a time and a memory limit, and prints each check in the exercise's
 * terms (a hole left, a wrong shape axis by axis, the scaling, the softmax axis, the causal mask, the heads,
 * the gradient). Exit 0 when every check passes, 1 when one fails, 2 for bad usage or a file that cannot be
 * loaded (missing, unreadable, a syntax error at file:line:col, the export missing; with `--json` also a
 * `{"exercise","passed":false,"error"}` line on stdout).
 */

import { access, constants, stat } from 'node:fs/promises';
import { type CheckReport, getExercise, LxmlsCourseError } from '@lxmls/course';
import { type CommandContext, defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { runCheck } from '../student/run-check.js';

/**
 * `lxmls check`: see its help (`lxmls help check`).
 *
 * @example
 * ```ts
 * import { checkCommand } from './commands/check.js';
 * console.log(checkCommand.name, checkCommand.optionNames); // → check [ 'impl', 'json', 'timeout', 'memory' ]
 * ```
 */
export const checkCommand = defineCommand({
  name: 'check',
  summary: 'Grade your solution of an exercise and say what is wrong',
  usage: 'lxmls check <id> [--impl FILE] [--json] [--timeout S] [--memory MB]',
  description: `Grades your solution of an exercise of the Transformer Day: runs it against the course's reference on the
notebook's values (Exercise 2.1: In [14]'s Lisbon test) and on seeded random shapes, and says what is wrong
in terms of the exercise: a hole left (which one), the output's shape (expected and received, axis by axis),
the scaling by √d, weights that do not sum to 1 (the softmax axis), attention to future positions (the
causal mask), heads not split or not merged back, a gradient that does not flow.

  2.1  crossAttention        (cross-attention.ts)
  2.2  CausalSelfAttention   (causal-self-attention.ts)

The file is TypeScript or JavaScript (.ts, .mts, .js, .mjs) and may import @lxmls/tensor, @lxmls/nn,
@lxmls/attention and @lxmls/course. Get a skeleton to start from with lxmls exercise init <id>.
Your code runs in a worker thread: an error, an endless loop or an endless allocation is a failed check.`,
  options: {
    impl: {
      type: 'string',
      value: 'FILE',
      help: "Your file (default: the exercise's file in the current folder, .ts or else .js).",
    },
    json: {
      type: 'flag',
      help: 'Print one JSON line instead:\n{"exercise":"2.2","passed":false,"checks":[{"name":"...","passed":true,"message":"..."}]}\nor, for a file that cannot be loaded (exit 2, the same line on stderr):\n{"exercise":"2.2","passed":false,"error":"causal-self-attention.ts:12:5: Unexpected token"}',
    },
    timeout: {
      type: 'number',
      value: 'S',
      above: 0,
      default: 20,
      expected: 'a positive number of seconds',
      help: 'Seconds your code may run.',
    },
    memory: {
      type: 'number',
      value: 'MB',
      above: 0,
      default: 512,
      expected: 'a positive number of MiB',
      help: 'Memory your code may use, in MiB.',
    },
  },
  maxPositionals: 1,
  notes: `Exit codes: 0 every check passed, 1 a check failed, 2 bad usage or a file that cannot be loaded (missing,
unreadable, a syntax error at file:line:col, the export missing): one line on stderr, and with --json the
{"exercise":...,"passed":false,"error":...} line on stdout. A time or memory limit reached is a failed check
(exit 1), listed after the checks that passed before it.`,
  examples: [
    'lxmls exercise init 2.2',
    'lxmls check 2.2 --impl causal-self-attention.ts',
    'lxmls check 2.1 --impl my/cross-attention.js --json',
  ],
  run: async (o, [id], { io, out }) => {
    const exercise = exerciseOf(id);
    try {
      return await grade(exercise, o, { io, out });
    } catch (error) {
      // --json: a tool reading stdout learns why too (the usual line still goes to stderr, exit 2)
      if (o.json && error instanceof CliError)
        await out.write(
          `${JSON.stringify({ exercise: exercise.id, passed: false, error: error.message })}\n`,
        );
      throw error;
    }
  },
});

/** The options of `lxmls check` that {@link grade} reads. */
interface GradeOptions {
  impl?: string | undefined;
  json: boolean;
  timeout: number;
  memory: number;
}

/** Finds, loads and grades the student's file of `exercise`, prints the report, returns the exit code. */
async function grade(
  exercise: ReturnType<typeof getExercise>,
  o: GradeOptions,
  { io, out }: CommandContext,
): Promise<number> {
  let path = o.impl;
  if (path === undefined) {
    const candidates = [exercise.fileName.ts, exercise.fileName.js];
    for (const candidate of candidates) if (path === undefined && (await exists(candidate))) path = candidate;
    if (path === undefined)
      throw new CliError(
        `missing --impl FILE, and there is no ${candidates.join(' or ')} here (lxmls exercise init ${exercise.id} writes one)`,
      );
  }
  await readable(path);
  const result = await runCheck(exercise.id, path, {
    timeoutMs: o.timeout * 1000,
    memoryMb: o.memory,
    log: io.stderr,
  });
  if (result.kind === 'bad-input') throw new CliError(result.message);
  const { report } = result;
  await out.write(o.json ? `${JSON.stringify(report)}\n` : formatReport(report, exercise.title, path));
  return report.passed ? 0 : 1;
}

/**
 * The exercise of the id, or a one-line usage error naming the ids there are.
 *
 * @param id - The id the user gave, if any.
 * @returns The exercise.
 * @throws {@link CliError} for a missing or unknown id.
 * @example
 * ```ts
 * import { exerciseOf } from './commands/check.js';
 * console.log(exerciseOf('2.1').exportName); // → crossAttention
 * ```
 */
export function exerciseOf(id: string | undefined): ReturnType<typeof getExercise> {
  if (id === undefined)
    throw new CliError(
      'missing the exercise id: lxmls check <id>, with id 2.1 or 2.2 (see lxmls exercise list)',
    );
  try {
    return getExercise(id);
  } catch (error) {
    if (LxmlsCourseError.isInstance(error))
      throw new CliError(
        `unknown exercise ${JSON.stringify(id)}. Expected one of 2.1, 2.2 (see lxmls exercise list)`,
      );
    throw error;
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** Fails with one line unless `path` is a readable file. */
async function readable(path: string): Promise<void> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new CliError(`cannot read ${path}: no such file`);
  if (!info.isFile()) throw new CliError(`cannot read ${path}: not a file`);
  await access(path, constants.R_OK).catch(() => {
    throw new CliError(`cannot read ${path}: permission denied`);
  });
}

/**
 * The report as a student reads it in a terminal: one line per check, then what to do next.
 *
 * @param report - The grader's report.
 * @param title - The exercise's title.
 * @param path - The student's file.
 * @returns The text, ending in a newline.
 * @example
 * ```ts
 * import { formatReport } from './commands/check.js';
 * const report = { exercise: '2.1', passed: false, checks: [{ name: 'runs', passed: true, message: 'ok' }, { name: 'scaling by √d_k', passed: false, message: 'divide by √d_k' }] };
 * const lines = formatReport(report, 'Cross-attention', 'c.ts').split('\n');
 * console.log(lines[0]); // → Exercise 2.1, Cross-attention: c.ts
 * console.log(lines[2]); // → ✗ scaling by √d_k: divide by √d_k
 * console.log(lines[3]); // → 1 of 2 checks passed.
 * ```
 */
export function formatReport(report: CheckReport, title: string, path: string): string {
  const lines = [`Exercise ${report.exercise}, ${title}: ${path}`];
  for (const c of report.checks) lines.push(c.passed ? `  ✓ ${c.name}` : `  ✗ ${c.name}: ${c.message}`);
  const passed = report.checks.filter((c) => c.passed).length;
  if (report.passed) {
    lines.push(`All ${passed} checks passed.`);
    if (report.exercise === '2.2')
      lines.push(`Now train the GPT with your attention: lxmls train weather --attention ${path}`);
  } else lines.push(`${passed} of ${report.checks.length} checks passed.`);
  return `${lines.join('\n')}\n`;
}
