/**
 * What the trainer needs from a model: structural types, so a @lxmls/nn `Module` with a `forward(x, y)`
 * returning a loss (the course GPT, or any small model) fits without importing anything from here.
 *
 * Follows what `mingpt/trainer.py` calls on its model: `parameters()`, `configure_optimizers(config)`,
 * `train()`, `model(x, y)` returning `(logits, loss)`, `zero_grad()`.
 */

import type { ParamGroup } from '@lxmls/nn';
import type { Tensor } from '@lxmls/tensor';
import { check, describe, LxmlsTrainerError } from './errors.js';

/** What a model's forward returns: the loss (a scalar tensor, or null without targets), and possibly logits. */
export interface ModelOutput {
  /** The mean loss over the targets (minGPT: cross-entropy over targets ≠ -1), or null without targets. */
  loss: Tensor | null;
  /** The outputs before the loss, e.g. next-token logits `(B, T, V)`; used by some metrics. */
  logits?: Tensor;
}

/** The config subset a model's `configureOptimizers` reads (minGPT reads `weight_decay`, `learning_rate`, `betas`). */
export interface OptimizerSettings {
  /** Weight decay for the decayed group. */
  weightDecay: number;
  /** The base learning rate. */
  learningRate: number;
  /** AdamW's betas. */
  betas: readonly [number, number];
}

/**
 * The model contract of {@link Trainer}: what minGPT's trainer calls. A @lxmls/nn `Module` provides all but
 * `forward(x, y)` (and, optionally, `configureOptimizers`).
 *
 * - `forward(x, y)` takes int32 `(B, T)` inputs and targets and returns `{ loss, ... }`.
 * - `configureOptimizers(config)`, if present, splits the parameters into AdamW groups (the course GPT puts
 *   Linear weights in a group with `config.weightDecay` and biases, LayerNorm and Embedding weights in one
 *   with 0). Without it, every parameter is in one group with `config.weightDecay`.
 * - `stateDict()` / `loadStateDict()`, if present, are used by checkpoints (buffers included); otherwise the
 *   named parameters are saved and loaded in place.
 */
export interface TrainableModel {
  /** Every trainable tensor. */
  parameters(): Tensor[];
  /** Every trainable tensor with its PyTorch name (`transformer.h.0.ln_1.weight`). */
  namedParameters(): [string, Tensor][];
  /** Training mode (dropout on) when `mode` is true or omitted, evaluation mode when false. */
  train(mode?: boolean): unknown;
  /** The forward pass with targets: a scalar mean loss. */
  forward(x: Tensor, y: Tensor): ModelOutput;
  /** Optimizer groups (optional). Python: `model.configure_optimizers(train_config)`. */
  configureOptimizers?(config: OptimizerSettings): ParamGroup[];
  /** True in training mode (a Module's field); read to restore the mode after an evaluation. */
  training?: boolean;
  /** The state dict (optional): parameters and persistent buffers by PyTorch name. */
  stateDict?(): ReadonlyMap<string, Tensor>;
  /** Loads a state dict in place (optional). */
  loadStateDict?(state: ReadonlyMap<string, Tensor>, options?: { strict?: boolean }): unknown;
}

/** Checks that `model` has the methods a trainer calls; returns it. @internal */
export function checkModel(fn: string, model: unknown): TrainableModel {
  const m = model as Partial<TrainableModel> | null;
  const missing =
    m === null || typeof m !== 'object'
      ? ['parameters', 'namedParameters', 'train', 'forward']
      : (['parameters', 'namedParameters', 'train', 'forward'] as const).filter(
          (k) => typeof m[k] !== 'function',
        );
  if (missing.length > 0)
    check.fail(
      fn,
      'model',
      undefined,
      'model lacks what a trainer calls',
      'an object with parameters(), namedParameters(), train(mode) and forward(x, y) (e.g. a @lxmls/nn Module)',
      {
        code: 'INVALID_MODEL',
        received:
          m === null || typeof m !== 'object' ? describe(model) : `an object without ${missing.join(', ')}`,
      },
    );
  return model as TrainableModel;
}

/**
 * The parameter groups for AdamW: the model's own (`configureOptimizers`), or all parameters in one group
 * with `config.weightDecay`.
 *
 * @param model - The model.
 * @param config - The settings passed to `configureOptimizers`.
 * @returns The groups, each with names, parameters and weight decay.
 * @throws {@link LxmlsTrainerError} `INVALID_MODEL` when `configureOptimizers` returns something that is not
 *   a list of groups.
 * @remarks Python: `model.configure_optimizers(train_config)` (minus building the optimizer).
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { parameterGroups } from '@lxmls/trainer';
 * const groups = parameterGroups(new Linear(2, 3), { weightDecay: 0.1, learningRate: 3e-4, betas: [0.9, 0.95] });
 * console.log(groups.map((g) => [g.names, g.weightDecay])); // → [ [ [ 'weight', 'bias' ], 0.1 ] ]
 * ```
 */
export function parameterGroups(
  model: Pick<TrainableModel, 'namedParameters' | 'configureOptimizers'>,
  config: OptimizerSettings,
): ParamGroup[] {
  const fn = 'parameterGroups';
  if (typeof model.configureOptimizers !== 'function') {
    const named = model.namedParameters();
    return [
      { names: named.map(([n]) => n), params: named.map(([, p]) => p), weightDecay: config.weightDecay },
    ];
  }
  const groups = model.configureOptimizers(config) as unknown;
  const ok =
    Array.isArray(groups) &&
    groups.every(
      (g: Partial<ParamGroup> | null) =>
        g !== null &&
        typeof g === 'object' &&
        Array.isArray(g.params) &&
        Array.isArray(g.names) &&
        g.names.length === g.params.length &&
        typeof g.weightDecay === 'number',
    );
  if (!ok)
    check.fail(
      fn,
      'model.configureOptimizers',
      groups,
      'configureOptimizers returned something else than groups',
      'an array of { names, params, weightDecay } with one name per parameter',
      { code: 'INVALID_MODEL' },
    );
  return groups as ParamGroup[];
}
