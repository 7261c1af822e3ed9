/**
 * What the course's training recipes share (the weather run of Exercise 3.1, a GPT on a text): the callbacks
 * a caller gives them and what a finished run returns.
 */

import type { GPT } from '@lxmls/gpt';
import { type Backend, type Tensor, withBackend } from '@lxmls/tensor';
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

/**
 * A copy of `model` on `backend`: `makeModel()` run there (a model of the same architecture), its state
 * filled from `model`'s, each tensor read once with `await dataAsync()`, so `model` may live on a backend
 * whose reads are asynchronous (`webgpu`) and the copy be evaluated, sampled or saved on the CPU.
 *
 * @param model - The model to copy (any backend); left as it is.
 * @param makeModel - Builds a model of the same architecture (its initial values are overwritten).
 * @param backend - The backend of the copy.
 * @returns A promise of the copy; dispose it when done.
 * @example
 * ```ts
 * import { copyModel } from '@lxmls/course';
 * import { GPT } from '@lxmls/gpt';
 * import { createJsBackend } from '@lxmls/tensor';
 * const nano = () => new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 });
 * const model = nano();
 * const copy = await copyModel(model, nano, createJsBackend());
 * const a = model.stateDict().get('lm_head.weight')!;
 * const b = copy.stateDict().get('lm_head.weight')!;
 * console.log(b.backend.name, b.data().every((x, i) => x === a.data()[i])); // → js true
 * ```
 */
export async function copyModel<M extends { stateDict?(): ReadonlyMap<string, Tensor>; dispose(): void }>(
  model: M,
  makeModel: () => M,
  backend: Backend,
): Promise<M> {
  const copy = withBackend(backend, makeModel);
  try {
    const target = copy.stateDict?.() ?? new Map<string, Tensor>();
    for (const [name, t] of model.stateDict?.() ?? []) target.get(name)!.copyFrom(await t.dataAsync());
  } catch (error) {
    copy.dispose();
    throw error;
  }
  return copy;
}
