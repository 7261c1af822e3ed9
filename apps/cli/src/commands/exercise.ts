/**
 * `lxmls exercise list|init`: the exercises of the Transformer Day that ask for code, as files in the
 * student's folder. `list` shows each one's state there (missing, the untouched skeleton, edited with the
 * holes still left, solved by the teacher's file); `init <id>` writes the skeleton (TypeScript, or `--js`),
 * never over an existing file unless `--force`, through a temporary file renamed into place; `--solution`
 * writes the solved file instead (for teachers).
 */

import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { EXERCISES, type Exercise, exerciseProgress } from '@lxmls/course';
import { type CommandContext, defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { runCheck } from '../student/run-check.js';
import { writeFileAtomic } from '../write-file.js';
import { exerciseOf } from './check.js';

/**
 * `lxmls exercise`: see its help (`lxmls help exercise`).
 *
 * @example
 * ```ts
 * import { exerciseCommand } from './commands/exercise.js';
 * console.log(exerciseCommand.name, exerciseCommand.optionNames); // → exercise [ 'dir', 'json', 'check', 'js', 'force', 'solution' ]
 * ```
 */
export const exerciseCommand = defineCommand({
  name: 'exercise',
  summary: 'List the exercises, or write one as a file to complete (exercise init 2.2)',
  usage: `lxmls exercise list [--dir DIR] [--json] [--check]
       lxmls exercise init <id> [--dir DIR] [--js] [--force] [--solution]`,
  description: `The exercises of the Transformer Day that ask you to write code, as files:

  2.1  crossAttention        cross-attention.ts         (the notebook's cross_attention, In [13])
  2.2  CausalSelfAttention   causal-self-attention.ts   (the four holes 2.2.1-2.2.4 of its forward, In [15])

list    Shows each exercise's file in DIR and its state: missing, skeleton (untouched), edited (with the
        holes still left), solution (the solved file, unchanged); with --check, also whether it passes
        the grader (lxmls check, one worker per file).
init    Writes the skeleton of exercise <id> into DIR: the code with its holes, each a line
        throw new NotImplementedError('Complete Exercise 2.2.N') for you to replace, with the notebook's
        explanation and the PyTorch → @lxmls/tensor names you need as comments. It never replaces a file
        that exists (your work) unless you give --force.`,
  options: {
    dir: {
      type: 'string',
      value: 'DIR',
      help: 'The folder of your files (default: the current folder; init creates it).',
    },
    json: {
      type: 'flag',
      help: 'list: print one JSON line {"dir":"...","exercises":[{"id","title","file","status","holesLeft"}]}\n(with --check, each file also has "check": {"passed","failed":[names]} or {"error"}).',
    },
    check: { type: 'flag', help: 'list: grade each file that has no hole left.' },
    js: { type: 'flag', help: 'init: write the JavaScript twin (.js) instead of TypeScript.' },
    force: { type: 'flag', help: 'init: replace the file if it exists.' },
    solution: { type: 'flag', help: 'init: write the solved file (for teachers).' },
  },
  subcommands: { list: ['dir', 'json', 'check'], init: ['dir', 'js', 'force', 'solution'] },
  notes: 'Then: edit the file, and grade it with lxmls check <id> --impl FILE (see lxmls help check).',
  examples: [
    'lxmls exercise list',
    'lxmls exercise init 2.2 --dir my-lxmls',
    'lxmls check 2.2 --impl my-lxmls/causal-self-attention.ts',
  ],
  run: async (o, [sub, ...rest], { out }) => {
    const dir = o.dir ?? '.';
    if (sub === 'list') {
      if (rest.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(rest[0])}`);
      await list(dir, o.check, o.json, out);
      return 0;
    }
    if (sub === 'init') {
      const [id, extra] = rest;
      if (extra !== undefined) throw new CliError(`unexpected argument ${JSON.stringify(extra)}`);
      if (id === undefined)
        throw new CliError('missing the exercise id: lxmls exercise init <id>, with id 2.1 or 2.2');
      return init(exerciseOf(id), dir, o, out);
    }
    if (sub === undefined)
      throw new CliError('missing what to do: lxmls exercise list, or lxmls exercise init <id>');
    throw new CliError(
      `unknown subcommand ${JSON.stringify(sub)}. Expected list or init (see lxmls help exercise)`,
    );
  },
});

/** The state of an exercise's file in the student's folder. */
export interface ExerciseStatus {
  /** The exercise id. */
  id: string;
  /** The exercise's title. */
  title: string;
  /** The file found (TypeScript first), or null. */
  file: string | null;
  /** `missing`, `skeleton` (untouched), `edited`, or `solution` (the solved file, unchanged). */
  status: 'missing' | 'skeleton' | 'edited' | 'solution';
  /** The holes still in the file (`2.2.3`, ...). */
  holesLeft: string[];
  /** With `--check`: the grader's verdict on a file with no hole left. */
  check?: { passed: boolean; failed: string[] } | { error: string };
}

/** Normalises line ends and trailing blanks, so a file saved by an editor still counts as untouched. */
/**
 * The state of each exercise's file in a folder.
 *
 * @param dir - The student's folder.
 * @returns One entry per exercise.
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { exerciseStatus } from './commands/exercise.js';
 * const statuses = await exerciseStatus(mkdtempSync(join(tmpdir(), 'lxmls-')));
 * console.log(statuses.map((s) => `${s.id} ${s.status}`)); // → [ '2.1 missing', '2.2 missing' ]
 * ```
 */
export async function exerciseStatus(dir: string): Promise<ExerciseStatus[]> {
  const out: ExerciseStatus[] = [];
  for (const e of EXERCISES) {
    let found: { file: string; text: string; lang: 'ts' | 'js' } | undefined;
    for (const lang of ['ts', 'js'] as const) {
      const file = join(dir, e.fileName[lang]);
      if (found) break;
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text !== undefined) found = { file, text, lang };
    }
    if (!found) {
      out.push({ id: e.id, title: e.title, file: null, status: 'missing', holesLeft: [] });
      continue;
    }
    const progress = exerciseProgress(e, found.text, found.lang);
    out.push({ id: e.id, title: e.title, file: found.file, ...progress });
  }
  return out;
}

function describeStatus(s: ExerciseStatus): string {
  if (s.status === 'missing') return `missing (lxmls exercise init ${s.id})`;
  if (s.status === 'skeleton')
    return `skeleton, untouched: ${s.holesLeft.length} hole${s.holesLeft.length === 1 ? '' : 's'} to fill`;
  const checked =
    s.check === undefined
      ? undefined
      : 'error' in s.check
        ? `cannot be checked: ${s.check.error}`
        : s.check.passed
          ? 'passes every check'
          : `fails: ${s.check.failed.join(', ')}`;
  if (s.status === 'solution') return `the solved file${checked ? `, ${checked}` : ''}`;
  if (s.holesLeft.length > 0) return `edited, holes left: ${s.holesLeft.join(', ')}`;
  return checked
    ? `edited, ${checked}`
    : `edited, no hole left: grade it with lxmls check ${s.id} --impl ${s.file}`;
}

async function list(dir: string, check: boolean, json: boolean, out: CommandContext['out']): Promise<void> {
  const statuses = await exerciseStatus(dir);
  if (check) {
    for (const s of statuses) {
      if (s.file === null || s.holesLeft.length > 0) continue;
      const result = await runCheck(s.id, s.file);
      s.check =
        result.kind === 'bad-input'
          ? { error: result.message }
          : {
              passed: result.report.passed,
              failed: result.report.checks.filter((c) => !c.passed).map((c) => c.name),
            };
    }
  }
  if (json) {
    await out.write(`${JSON.stringify({ dir, exercises: statuses })}\n`);
    return;
  }
  const widths = [
    Math.max(...EXERCISES.map((e) => e.title.length)),
    Math.max(...EXERCISES.map((e) => e.fileName.ts.length)),
  ];
  for (const s of statuses) {
    const e = EXERCISES.find((x) => x.id === s.id)!;
    const file = s.file === null ? e.fileName.ts : s.file.replace(/^\.\//, '');
    await out.write(
      `${s.id}  ${s.title.padEnd(widths[0]!)}  ${file.padEnd(widths[1]!)}  ${describeStatus(s)}\n`,
    );
  }
}

async function init(
  e: Exercise,
  dir: string,
  o: { js: boolean; force: boolean; solution: boolean },
  out: CommandContext['out'],
): Promise<number> {
  const lang = o.js ? 'js' : 'ts';
  const solution = o.solution;
  const file = join(dir, e.fileName[lang]);
  const info = await stat(dir).catch(() => undefined);
  if (info !== undefined && !info.isDirectory()) throw new CliError(`--dir ${dir} is not a folder`);
  if (info === undefined) {
    await mkdir(dir, { recursive: true }).catch((error: Error) => {
      throw new CliError(`cannot create the folder ${dir}: ${error.message}`);
    });
  }
  const existing = await stat(file).catch(() => undefined);
  if (existing !== undefined && !o.force)
    throw new CliError(
      `${file} exists already: not replacing your work (give --force to replace it with the ${solution ? 'solution' : 'skeleton'})`,
    );
  await writeFileAtomic(file, solution ? e.solution[lang] : e.skeleton[lang], 'exercise');
  const holes = e.holes.map((h) => h.id).join(', ');
  const what = solution
    ? `the solution of Exercise ${e.id}`
    : `the skeleton of Exercise ${e.id} (holes to fill: ${holes})`;
  await out.write(`wrote ${file}: ${what}\nnext: lxmls check ${e.id} --impl ${file}\n`);
  return 0;
}
