/**
 * @lxmls/trainer: the minGPT / LxMLS toolkit Trainer (callbacks, AdamW with parameter groups, global
 * gradient clipping), with evaluation, checkpoints that resume bit-identically and learning-rate schedules.
 * It knows nothing about GPT: any model with `forward(x, y) → { loss }` trains. Every export is listed here.
 *
 * @packageDocumentation
 */

/** Python's `repr(float)`, from @lxmls/base (the config printer spells floats with it). */
export { pythonFloat } from '@lxmls/base';
export {
  CHECKPOINT_FILES,
  type Checkpointable,
  type CheckpointFiles,
  type CheckpointInfo,
  type CheckpointParts,
  loadCheckpoint,
  type ResumeState,
  saveCheckpoint,
} from './checkpoint.js';
export { readCheckpoint, writeCheckpoint } from './checkpoint-fs.js';
export { clipGradNorm, clipGradNormTensor } from './clip.js';
export {
  type FormatTrainerConfigOptions,
  formatTrainerConfig,
  getDefaultTrainerConfig,
  type TrainerConfig,
} from './config.js';
export {
  type Batch,
  BatchLoader,
  type BatchSamplerDataset,
  type Example,
  type IndexedDataset,
  type StatefulDataset,
  type TrainerDataset,
} from './data.js';
export { LxmlsTrainerError, type TrainerErrorCode, type TrainerErrorDetails } from './errors.js';
export {
  type EvalMetric,
  type EvaluateOptions,
  type EvaluateResult,
  evaluate,
  type SequenceLabelAccuracyOptions,
  sequenceLabelAccuracy,
} from './evaluate.js';
export { type ModelOutput, type OptimizerSettings, parameterGroups, type TrainableModel } from './model.js';
export {
  AdamW,
  type AdamWOptions,
  type AdamWParamState,
  type AdamWState,
  type OptimizerGroup,
} from './optimizer.js';
export { type LrSchedule, learningRateAt, type WarmupCosineSchedule } from './schedule.js';
export {
  type RunSummary,
  Trainer,
  type TrainerCallback,
  type TrainerEvent,
  type TrainerNotice,
  type TrainerOptions,
} from './trainer.js';
export { yieldToEventLoop } from './yield.js';
