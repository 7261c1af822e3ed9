/**
 * What the course's training recipes share (the weather run of Exercise 3.1, a GPT on a text): the callbacks
 * a caller gives them and what a finished run returns.
 */

import type { GPT } from '@lxmls/gpt';
import type { Trainer, TrainerOptions } from '@lxmls/trainer';

/** The callbacks of a course training run: libraries never print, they call back. */
export interface TrainingCallbacks<M extends GPT = GPT> {
  /** The trainer's log lines (`running on device wasm`). */
  log?: (line: string) => void;
  /** The trainer's notice (`SLOW_BACKEND` on the js reference backend); to `log` when not given. */
  onNotice?: TrainerOptions['onNotice'];
  /** Called after every iteration (the callback of In [23], a progress bar). */
  onBatchEnd?: (trainer: Trainer<M>) => void | Promise<void>;
}

/** What a finished course training run returns. */
export interface TrainedRun<M extends GPT = GPT> {
  /** The trained model, in training mode; dispose it when done. */
  model: M;
  /** The trainer, after its run. */
  trainer: Trainer<M>;
  /** Wall-clock seconds of the run. */
  seconds: number;
}
