/**
 * The exercises of the LxMLS Transformer Day that ask the student to write code, as files: for each one its
 * skeleton (the toolkit's student branch: `throw new NotImplementedError('Complete Exercise 2.2.N')` where the
 * code is missing) and its solution, in TypeScript and in JavaScript, the export the grader looks for and the
 * holes with the PyTorch → @lxmls/tensor names each one needs.
 *
 * Follows the notebook (`exercises_student.ipynb`, In [13] Exercise 2.1 and In [15] Exercise 2.2) and the
 * toolkit's `lxmls/transformers/model.py` on the `student` branch (docs/course-behaviour.md §0.1, §2.3). The other
 * exercises of the day (1, 2.3, 2.4, 3.1, 3.2) run or read code without writing any.
 */

import { holeOf, LxmlsCourseError } from './errors.js';
import { EXERCISE_SOURCES } from './generated/exercise-sources.js';

/** One hole of a skeleton: where the student writes code. */
export interface ExerciseHole {
  /** The exercise number the hole's `NotImplementedError` names: `2.2.1`. */
  id: string;
  /** What to write, in the notebook's words. */
  title: string;
  /** The PyTorch of the toolkit's solution. */
  torch: string;
  /** The same in @lxmls/tensor. */
  tensor: string;
}

/** A TypeScript text and its JavaScript twin. */
export interface ExerciseTexts {
  /** TypeScript. */
  ts: string;
  /** JavaScript (ES modules). */
  js: string;
}

/** An exercise that asks for code. */
export interface Exercise {
  /** The notebook's number: `2.1`, `2.2`. */
  id: string;
  /** The notebook's title. */
  title: string;
  /** The export of the student's file that the grader and the GPT use. */
  exportName: string;
  /** The export's expected signature, as the error messages print it. */
  signature: string;
  /** The file name a student's copy gets (`lxmls exercise init`). */
  fileName: ExerciseTexts;
  /** The skeleton: the code with its holes. */
  skeleton: ExerciseTexts;
  /** The solved file. */
  solution: ExerciseTexts;
  /** The holes of the skeleton, in order. */
  holes: readonly ExerciseHole[];
}

function texts(base: string, kind: 'skeleton' | 'solution'): ExerciseTexts {
  const ts = EXERCISE_SOURCES[`${base}.${kind}.ts`];
  const js = EXERCISE_SOURCES[`${base}.${kind}.js`];
  if (ts === undefined || js === undefined)
    throw new Error(`@lxmls/course: ${base}.${kind} is not generated`);
  return { ts, js };
}

/**
 * The exercises that ask for code, in the notebook's order: 2.1 `crossAttention` and 2.2
 * `CausalSelfAttention` (its four holes 2.2.1 to 2.2.4).
 *
 * @example
 * ```ts
 * import { EXERCISES } from '@lxmls/course';
 * console.log(EXERCISES.map((e) => `${e.id} ${e.exportName} ${e.fileName.ts}`)); // → [ '2.1 crossAttention cross-attention.ts', '2.2 CausalSelfAttention causal-self-attention.ts' ]
 * console.log(EXERCISES[1]!.holes.map((h) => h.id)); // → [ '2.2.1', '2.2.2', '2.2.3', '2.2.4' ]
 * ```
 */
export const EXERCISES: readonly Exercise[] = [
  {
    id: '2.1',
    title: 'Building a simple cross-attention function',
    exportName: 'crossAttention',
    signature:
      'export function crossAttention(S1: Tensor, S2: Tensor, WQ: Tensor, WK: Tensor, WV: Tensor): Tensor',
    fileName: { ts: 'cross-attention.ts', js: 'cross-attention.js' },
    skeleton: texts('cross-attention', 'skeleton'),
    solution: texts('cross-attention', 'solution'),
    holes: [
      {
        id: '2.1',
        title:
          'Project the queries (from S2), keys and values (from S1); scores Q Kᵀ scaled by √d_k; softmax over the keys; the weighted sum of the values',
        torch:
          'Q = S2 @ W_Q; K = S1 @ W_K; V = S1 @ W_V; F.softmax(torch.matmul(Q, K.transpose(-2, -1)) / math.sqrt(d_k), dim=-1) @ V',
        tensor:
          'matmul(S2, WQ); matmul(S1, WK); matmul(S1, WV); matmul(softmax(matmul(Q, K, { transposeB: true }).div(Math.sqrt(dk)), -1), V)',
      },
    ],
  },
  {
    id: '2.2',
    title: 'Extending to multi-head self-attention',
    exportName: 'CausalSelfAttention',
    signature:
      'export class CausalSelfAttention extends Module { constructor(config: CausalSelfAttentionConfig, options?: AttentionModuleOptions); forward(x: Tensor): Tensor }',
    fileName: { ts: 'causal-self-attention.ts', js: 'causal-self-attention.js' },
    skeleton: texts('causal-self-attention', 'skeleton'),
    solution: texts('causal-self-attention', 'solution'),
    holes: [
      {
        id: '2.2.1',
        title: 'Create the projections for query, key, and value tensors (all over the same x)',
        torch: 'Q = self.query_proj(x); K = self.key_proj(x); V = self.value_proj(x)',
        tensor: 'q = this.queryProj.forward(x); k = this.keyProj.forward(x); v = this.valueProj.forward(x)',
      },
      {
        id: '2.2.2',
        title: 'Compute the attention scores (B, nh, T, T), divided by the square root of the head size',
        torch: 'torch.matmul(query, key.transpose(-2, -1)) / math.sqrt(hs)',
        tensor: 'matmul(query, key, { transposeB: true }).div(Math.sqrt(hs))',
      },
      {
        id: '2.2.3',
        title: 'Apply softmax over the keys (the last axis) to get the attention weights',
        torch: 'F.softmax(scores, dim=-1)',
        tensor: 'softmax(masked, -1)',
      },
      {
        id: '2.2.4',
        title: 'Multiply the attention weights with the values to get the attended values (B, nh, T, hs)',
        torch: 'torch.matmul(weights, value)',
        tensor: 'matmul(weights, value)',
      },
    ],
  },
];

/**
 * The exercise with this id.
 *
 * @param id - `2.1` or `2.2`.
 * @returns The exercise.
 * @throws {@link LxmlsCourseError} `UNKNOWN_EXERCISE` naming the ids there are.
 * @example
 * ```ts
 * import { getExercise } from '@lxmls/course';
 * const exercise = getExercise('2.2');
 * console.log(exercise.title, exercise.skeleton.ts.includes("throw new NotImplementedError('Complete Exercise 2.2.3')")); // → Extending to multi-head self-attention true
 * ```
 */
export function getExercise(id: string): Exercise {
  const exercise = EXERCISES.find((e) => e.id === id);
  if (exercise !== undefined) return exercise;
  throw new LxmlsCourseError('UNKNOWN_EXERCISE', `there is no exercise ${id}`, {
    fn: 'getExercise',
    expected: `one of ${EXERCISES.map((e) => e.id).join(', ')}`,
    received: id,
  });
}

/** How far a student's file of an exercise has come: what {@link exerciseProgress} returns. */
export interface ExerciseProgress {
  /** `skeleton`: the file as handed out; `solution`: the solved file; `edited`: anything else. */
  status: 'skeleton' | 'edited' | 'solution';
  /** The holes still marked `throw new NotImplementedError('Complete Exercise N')`, in order, each once. */
  holesLeft: string[];
}

/** The text compared: line ends as `\n`, trailing white space dropped. */
const normal = (text: string) => text.replace(/\r\n/g, '\n').trimEnd();

/**
 * Compares a student's file of an exercise with its skeleton and its solution, and lists the holes it still
 * has (what `lxmls exercise list` shows for each file).
 *
 * @param exercise - The exercise, e.g. `getExercise('2.2')`.
 * @param text - The file's text.
 * @param lang - Whether it is the TypeScript or the JavaScript file.
 * @returns Its status and the holes left.
 * @example
 * ```ts
 * import { exerciseProgress, getExercise } from '@lxmls/course';
 * const exercise = getExercise('2.2');
 * console.log(exerciseProgress(exercise, exercise.skeleton.ts, 'ts')); // → { status: 'skeleton', holesLeft: [ '2.2.1', '2.2.2', '2.2.3', '2.2.4' ] }
 * console.log(exerciseProgress(exercise, exercise.solution.js, 'js')); // → { status: 'solution', holesLeft: [] }
 * ```
 */
export function exerciseProgress(exercise: Exercise, text: string, lang: 'ts' | 'js'): ExerciseProgress {
  const file = normal(text);
  const holes = [...file.matchAll(/NotImplementedError\(\s*['"`](Complete Exercise [\d.]+)/g)];
  const status =
    file === normal(exercise.skeleton[lang])
      ? 'skeleton'
      : file === normal(exercise.solution[lang])
        ? 'solution'
        : 'edited';
  return { status, holesLeft: [...new Set(holes.map((m) => holeOf(m[1]!)!))] };
}
