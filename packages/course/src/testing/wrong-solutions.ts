/**
 * Wrong solutions of the exercises, each with the diagnosis the grader must give: the fixtures of the
 * grader's own tests, of `lxmls check`'s tests and of the docs site's browser test (`@lxmls/course/testing`).
 *
 * Each one is the solved file with one mistake a student makes (a hole left, no √d scaling, √C instead of √hs,
 * the softmax over the wrong axis or none, no causal mask, heads not split or not merged back, v from another
 * projection, the notebook's scores of the unsplit q and k, a detached output, a wrong shape, an endless
 * loop, unbounded memory, a throw, a syntax error, a missing export), made by replacing pieces of the
 * solution's text, so the fixtures follow the solutions when they change.
 */

import { getExercise } from '../exercises.js';

/** What the grader must say about a {@link WrongSolution}. */
export type WrongSolutionExpectation =
  /**
   * `checkExercise` reports `passed: false` with this check failed and its message containing the text. The
   * first failed check (where a student starts) is this one, or, when `first` is given, one whose message
   * contains `first` (e.g. the causal mask's check, saying the mask is there and naming the heads).
   */
  | { kind: 'report'; check: string; message: string; first?: string }
  /** `loadStudentSource` throws an error whose message contains the text. */
  | { kind: 'load'; message: string }
  /** The grader must stop it: it never ends (`timeout`) or allocates without bound (`memory`). */
  | { kind: 'timeout' | 'memory' };

/** A wrong solution of an exercise, and the diagnosis it must get. */
export interface WrongSolution {
  /** A short id: `no-scaling`. */
  name: string;
  /** The exercise: `2.1` or `2.2`. */
  exercise: string;
  /** What is wrong, in words. */
  description: string;
  /** The file name to load it as (TypeScript). */
  fileName: string;
  /** The file's text. */
  source: string;
  /** The diagnosis. */
  expect: WrongSolutionExpectation;
}

const IMPORT_NOT_IMPLEMENTED = "import { NotImplementedError } from '@lxmls/course';\n";

/** The solution of `exercise` with each `from` replaced by its `to` (each `from` must occur exactly once). */
function mutateAll(exercise: string, edits: readonly (readonly [from: string, to: string])[]): string {
  let text = getExercise(exercise).solution.ts;
  for (const [from, to] of edits) {
    const at = text.indexOf(from);
    if (at === -1 || text.indexOf(from, at + 1) !== -1) {
      throw new Error(
        `@lxmls/course/testing: the ${exercise} solution does not contain ${JSON.stringify(from)} exactly once`,
      );
    }
    text = text.slice(0, at) + to + text.slice(at + from.length);
  }
  return text;
}

/** The solution of `exercise` with `from` replaced by `to` (which must occur exactly once). */
const mutate = (exercise: string, from: string, to: string): string => mutateAll(exercise, [[from, to]]);

const withHole = (exercise: string, from: string, declare: string, hole: string) =>
  IMPORT_NOT_IMPLEMENTED +
  mutate(exercise, from, `${declare} throw new NotImplementedError('Complete Exercise ${hole}');`);

const C22 = 'causal-self-attention.ts';
const C21 = 'cross-attention.ts';
const report = (check: string, message: string, first?: string): WrongSolutionExpectation => ({
  kind: 'report',
  check,
  message,
  ...(first === undefined ? {} : { first }),
});

function build(): WrongSolution[] {
  const scores =
    'const scores = matmul(query, key, { transposeB: true }).div(Math.sqrt(hs)); // (B, nh, T, T)';
  return [
    // Exercise 2.2
    {
      name: 'hole-2.2.1',
      exercise: '2.2',
      description: 'Exercise 2.2.1 left as a hole',
      fileName: C22,
      source: withHole('2.2', 'const q = this.queryProj.forward(x); // (B, T, C)', 'let q: Tensor;', '2.2.1'),
      expect: report(
        'hole 2.2.1 filled',
        "replace `throw new NotImplementedError('Complete Exercise 2.2.1')`",
      ),
    },
    {
      name: 'hole-2.2.2',
      exercise: '2.2',
      description: 'Exercise 2.2.2 left as a hole',
      fileName: C22,
      source: withHole('2.2', scores, 'let scores: Tensor;', '2.2.2'),
      expect: report(
        'hole 2.2.2 filled',
        "replace `throw new NotImplementedError('Complete Exercise 2.2.2')`",
      ),
    },
    {
      name: 'hole-2.2.3',
      exercise: '2.2',
      description: 'Exercise 2.2.3 left as a hole',
      fileName: C22,
      source: withHole(
        '2.2',
        'const weights = this.attnDropout.forward(softmax(masked, -1)); // (B, nh, T, T)',
        'let weights: Tensor;',
        '2.2.3',
      ),
      expect: report(
        'hole 2.2.3 filled',
        "replace `throw new NotImplementedError('Complete Exercise 2.2.3')`",
      ),
    },
    {
      name: 'hole-2.2.4',
      exercise: '2.2',
      description: 'Exercise 2.2.4 left as a hole',
      fileName: C22,
      source: withHole(
        '2.2',
        'const attended = matmul(weights, value); // (B, nh, T, hs)',
        'let attended: Tensor;',
        '2.2.4',
      ),
      expect: report(
        'hole 2.2.4 filled',
        "replace `throw new NotImplementedError('Complete Exercise 2.2.4')`",
      ),
    },
    {
      name: 'no-scaling',
      exercise: '2.2',
      description: 'the scores are not divided by √hs',
      fileName: C22,
      source: mutate(
        '2.2',
        scores,
        'const scores = matmul(query, key, { transposeB: true }); // (B, nh, T, T)',
      ),
      expect: report('scaling by √hs (Exercise 2.2.2)', 'the values match scores that are not scaled'),
    },
    {
      name: 'scale-sqrt-C',
      exercise: '2.2',
      description: 'the scores are divided by √C instead of √hs',
      fileName: C22,
      source: mutate(
        '2.2',
        scores,
        'const scores = matmul(query, key, { transposeB: true }).div(Math.sqrt(C)); // (B, nh, T, T)',
      ),
      expect: report('scaling by √hs (Exercise 2.2.2)', 'divided by √C = √12 instead of √hs = √4'),
    },
    {
      name: 'softmax-wrong-axis',
      exercise: '2.2',
      description: 'the softmax runs over the queries (axis -2)',
      fileName: C22,
      source: mutate('2.2', 'softmax(masked, -1)', 'softmax(masked, -2)'),
      expect: report(
        'weights sum to 1 (Exercise 2.2.3)',
        'the values match a softmax over the queries, axis -2',
      ),
    },
    {
      name: 'no-causal-mask',
      exercise: '2.2',
      description: 'the causal mask is not applied',
      fileName: C22,
      source: mutate(
        '2.2',
        'const masked = maskedFill(scores, sub(1, mask), Number.NEGATIVE_INFINITY); // (B, nh, T, T)',
        'const masked = scores; // (B, nh, T, T)',
      ),
      expect: report('no attention to future positions (causal mask)', 'queries attend to future positions'),
    },
    {
      name: 'heads-not-merged',
      exercise: '2.2',
      description: 'the heads are merged back by reshape alone, without the permute',
      fileName: C22,
      source: mutate(
        '2.2',
        'const merged = reshape(permute(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)',
        'const merged = reshape(attended, [B, T, C]); // (B, T, C)',
      ),
      expect: report(
        'heads split and merged back',
        'heads merged back by reshape alone',
        'The mask is there, but the heads are merged back by reshape alone',
      ),
    },
    {
      name: 'heads-split-by-reshape',
      exercise: '2.2',
      description: 'q, k and v split into heads by reshape alone, without the permute',
      fileName: C22,
      source: mutateAll(
        '2.2',
        (['q', 'k', 'v'] as const).map((t) => [
          `permute(reshape(${t}, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)`,
          `reshape(${t}, [B, nh, T, hs]); // (B, nh, T, hs)`,
        ]),
      ),
      expect: report(
        'heads split and merged back',
        'the values match heads split by reshape alone: (B, T, C) must become (B, T, nh, hs) and then (B, nh, T, hs)',
        'The mask is there, but the heads are split by reshape alone',
      ),
    },
    {
      name: 'v-from-key-proj',
      exercise: '2.2',
      description: 'v made by the key projection (a typo in Exercise 2.2.1)',
      fileName: C22,
      source: mutate(
        '2.2',
        'const v = this.valueProj.forward(x); // (B, T, C)',
        'const v = this.keyProj.forward(x); // (B, T, C)',
      ),
      expect: report('projections (Exercise 2.2.1)', 'v comes from key_proj instead of value_proj'),
    },
    {
      name: 'scores-of-unsplit-q-k',
      exercise: '2.2',
      description: "the notebook's line torch.matmul(Q, K.transpose(-2, -1)) on q and k before the split",
      fileName: C22,
      source: mutate('2.2', scores, scores.replace('matmul(query, key,', 'matmul(q, k,')),
      expect: report(
        'runs',
        'your scores are (B, T, T) = (2, 6, 6), with no heads axis. Compute them from the split query and key',
      ),
    },
    {
      name: 'heads-not-split',
      exercise: '2.2',
      description: 'one head over all C channels instead of nh heads of hs',
      fileName: C22,
      source: mutate('2.2', 'const nh = this.numHeads;', 'const nh = 1; // one head'),
      expect: report('heads split and merged back', 'the values match one head over all C = 12 channels'),
    },
    {
      name: 'detached',
      exercise: '2.2',
      description: 'the output is detached from the graph',
      fileName: C22,
      source: mutate(
        '2.2',
        'return this.residDropout.forward(this.outputProj.forward(merged)); // (B, T, C)',
        'return this.residDropout.forward(this.outputProj.forward(merged)).detach(); // (B, T, C)',
      ),
      expect: report('gradient flows', 'no gradient flows'),
    },
    {
      name: 'wrong-shape',
      exercise: '2.2',
      description: 'batch and time flattened together in the output',
      fileName: C22,
      source: mutate(
        '2.2',
        'const merged = reshape(permute(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)',
        'const merged = reshape(permute(attended, [0, 2, 1, 3]), [B * T, C]); // (B·T, C)',
      ),
      expect: report('output shape (B, T, C)', 'received (12, 12): 2 axes instead of 3'),
    },
    {
      name: 'throws',
      exercise: '2.2',
      description: 'forward throws an error of its own',
      fileName: C22,
      source: mutate(
        '2.2',
        'const nh = this.numHeads;',
        "const nh = this.numHeads; if (T > 0) throw new RangeError('my bug');",
      ),
      expect: report('runs', 'RangeError: my bug (at causal-self-attention.ts:'),
    },
    {
      name: 'endless-loop',
      exercise: '2.2',
      description: 'forward never returns',
      fileName: C22,
      source: mutate('2.2', 'const nh = this.numHeads;', 'const nh = this.numHeads; while (T > 0) {}'),
      expect: { kind: 'timeout' },
    },
    {
      name: 'unbounded-memory',
      exercise: '2.2',
      description: 'forward allocates until memory runs out',
      fileName: C22,
      source: mutate(
        '2.2',
        'const nh = this.numHeads;',
        'const nh = this.numHeads; const hog: number[][] = []; while (T > 0) hog.push(new Array(1e6).fill(T));',
      ),
      expect: { kind: 'memory' },
    },
    {
      name: 'syntax-error',
      exercise: '2.2',
      description: 'a missing parenthesis',
      fileName: C22,
      source: mutate(
        '2.2',
        'const q = this.queryProj.forward(x); // (B, T, C)',
        'const q = this.queryProj.forward(x; // (B, T, C)',
      ),
      expect: { kind: 'load', message: 'causal-self-attention.ts:' },
    },
    {
      name: 'missing-export',
      exercise: '2.2',
      description: 'the class has another name',
      fileName: C22,
      source: mutate(
        '2.2',
        'export class CausalSelfAttention extends Module {',
        'export class MyAttention extends Module {',
      ),
      expect: report(
        'exports CausalSelfAttention',
        'the file must export class CausalSelfAttention extends Module',
      ),
    },
    // Exercise 2.1
    {
      name: '2.1-hole',
      exercise: '2.1',
      description: 'the skeleton, untouched',
      fileName: C21,
      source: getExercise('2.1').skeleton.ts,
      expect: report('hole 2.1 filled', 'Exercise 2.1 is still a hole'),
    },
    {
      name: '2.1-no-scaling',
      exercise: '2.1',
      description: 'the scores are not divided by √d_k',
      fileName: C21,
      source: mutate('2.1', 'scores = scores.div(Math.sqrt(dk)); // (T2, T1)', ''),
      expect: report('scaling by √d_k', 'without the scaling'),
    },
    {
      name: '2.1-softmax-wrong-axis',
      exercise: '2.1',
      description: 'the softmax runs over the queries (axis 0)',
      fileName: C21,
      source: mutate('2.1', 'softmax(scores, -1)', 'softmax(scores, 0)'),
      expect: report('weights sum to 1 (softmax over the keys)', 'apply the softmax over the keys'),
    },
    {
      name: '2.1-softmax-axis-1',
      exercise: '2.1',
      description: 'softmax(scores, 1): the keys on a (T2, T1) matrix, the queries on a batch (B, T2, T1)',
      fileName: C21,
      source: mutate('2.1', 'softmax(scores, -1)', 'softmax(scores, 1)'),
      expect: report('works on a batch (B, T, D)', 'take the softmax over the last axis'),
    },
    {
      name: '2.1-no-softmax',
      exercise: '2.1',
      description: 'the scores are used as weights, without the softmax',
      fileName: C21,
      source: mutate(
        '2.1',
        'const weights = softmax(scores, -1); // (T2, T1)',
        'const weights = scores; // (T2, T1)',
      ),
      expect: report(
        'weights sum to 1 (softmax over the keys)',
        'sum to 4.331, not 1: apply the softmax over the keys',
      ),
    },
    {
      name: '2.1-returns-weights',
      exercise: '2.1',
      description: 'returns the attention weights instead of the attended values',
      fileName: C21,
      source: mutate('2.1', 'return matmul(weights, V); // (T2, d_v)', 'return weights; // (T2, T1)'),
      expect: report('output shape (T2, d_v)', 'these are the attention weights (T2, T1)'),
    },
    {
      name: '2.1-detached',
      exercise: '2.1',
      description: 'the output is rebuilt from numbers',
      fileName: C21,
      source: mutate(
        '2.1',
        'return matmul(weights, V); // (T2, d_v)',
        'return matmul(weights, V).detach(); // (T2, d_v)',
      ),
      expect: report('gradient flows', 'no gradient flows'),
    },
    {
      name: '2.1-missing-export',
      exercise: '2.1',
      description: 'the function has another name',
      fileName: C21,
      source: mutate('2.1', 'export function crossAttention(', 'export function crossAtention('),
      expect: report(
        'exports crossAttention',
        'the file must export function crossAttention(S1, S2, WQ, WK, WV)',
      ),
    },
  ];
}

/**
 * The wrong solutions, each with the diagnosis `checkExercise` (or the loader, or a time or memory limit)
 * must give.
 *
 * @example
 * ```ts
 * import { checkExercise, loadStudentSource } from '@lxmls/course';
 * import { WRONG_SOLUTIONS } from '@lxmls/course/testing';
 * const wrong = WRONG_SOLUTIONS.find((w) => w.name === 'scale-sqrt-C')!;
 * const report = await checkExercise(wrong.exercise, loadStudentSource(wrong.source, wrong.fileName));
 * console.log(report.checks.find((c) => c.name === 'scaling by √hs (Exercise 2.2.2)')?.passed); // → false
 * console.log(WRONG_SOLUTIONS.length); // → 28
 * ```
 */
export const WRONG_SOLUTIONS: readonly WrongSolution[] = build();
