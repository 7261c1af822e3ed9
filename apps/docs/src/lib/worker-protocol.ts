/**
 * The messages between an exercise page and its workers (`worker-check.ts`, `worker-train.ts`): what the page
 * asks, what a worker answers. Types only.
 */

import type { ReportLike } from './editor-report.js';

/** Check the student's code of an exercise with @lxmls/course's grader. */
export interface CheckRequest {
  type: 'check';
  /** The exercise ("2.1", "2.2"). */
  exercise: string;
  /** The editor's text. */
  source: string;
  /** The file name the student's code is loaded as (errors point at its lines). */
  fileName: string;
}

/** Train gpt-nano on the weather data with the student's attention class. */
export interface TrainRequest {
  type: 'train';
  /** The editor's text. */
  source: string;
  /** The file name the student's code is loaded as. */
  fileName: string;
  /** The export that holds the attention class ("CausalSelfAttention"). */
  exportName: string;
  /** Iterations (the notebook's 2000). */
  maxIters: number;
  /** AdamW learning rate (the notebook's 5e-4). */
  learningRate: number;
  /** Seeds the weights, dropout and data. */
  seed: number;
  /** Test sequences for the evaluation after training (0: none). */
  evalSamples: number;
}

/** Stop a training run after the current iteration. */
export interface StopRequest {
  type: 'stop';
}

/** Anything the page sends. */
export type ExerciseRequest = CheckRequest | TrainRequest | StopRequest;

/** The grader's report. */
export interface ReportReply {
  type: 'report';
  report: ReportLike;
}

/** The student's code could not be loaded or used (syntax error, missing export, an exception…). */
export interface FailedReply {
  type: 'failed';
  /** What went wrong, for the student. */
  message: string;
}

/** One training iteration done. */
export interface ProgressReply {
  type: 'progress';
  iter: number;
  loss: number;
  /** Seconds the iteration took. */
  iterDt: number;
}

/** Training ended (finished or stopped). */
export interface TrainedReply {
  type: 'trained';
  iterations: number;
  stopped: boolean;
  seconds: number;
  /** The last iteration's training loss. */
  loss: number;
  /** Threads the wasm backend computed with in the worker. */
  threads: number;
  /** Held-out loss per label on the test split (null when `evalSamples` was 0). */
  testLoss: number | null;
  /** The Bayes-optimal loss on the same split. */
  bayesTestLoss: number;
}

/** Anything a worker answers. */
export type ExerciseReply = ReportReply | FailedReply | ProgressReply | TrainedReply;

/**
 * True for the replies that end a task (all but progress).
 *
 * @param reply - A worker's reply.
 * @returns Whether the task is over.
 * @example
 * ```ts
 * import { isFinalReply } from './worker-protocol.js';
 * console.log(isFinalReply({ type: 'progress', iter: 0, loss: 2, iterDt: 0.01 }), isFinalReply({ type: 'failed', message: '' })); // → false true
 * ```
 */
export function isFinalReply(reply: ExerciseReply): boolean {
  return reply.type !== 'progress';
}
