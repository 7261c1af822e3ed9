/**
 * Evaluation on a held-out split: the exact mean loss over every scored target, and task-specific metrics
 * accumulated as exact ratios (a sum of numerators over a sum of denominators, so batches of any size weigh
 * right), with a ready-made metric for sequence-labelling tasks such as the weather one.
 *
 * The Python toolkit has no evaluation function (the notebook compares generations by hand); this follows
 * what its `forward(x, y)` computes: the mean cross-entropy over targets other than -1.
 */

import { noGrad, RandomGenerator, type Tensor, tensor, tidy } from '@lxmls/tensor';
import {
  type Batch,
  BatchLoader,
  checkBatch,
  checkDataset,
  readerOf,
  type TrainerDataset,
  writeExample,
} from './data.js';
import { check, checkInteger, describe, LxmlsTrainerError } from './errors.js';
import { checkModel, type ModelOutput, type TrainableModel } from './model.js';

/**
 * A metric: from one batch and the model's output on it, `name → [numerator, denominator]` to add up; the
 * reported value is Σ numerator / Σ denominator over the batches.
 */
export type EvalMetric = (batch: Batch, output: ModelOutput) => Record<string, readonly [number, number]>;

const unused = new RandomGenerator(0);

/** Options of {@link evaluate}. */
export interface EvaluateOptions {
  /** Examples per forward pass (default 64). */
  batchSize?: number;
  /** How many examples in all (the last batch may be smaller; at most the length of an indexed dataset); overrides `batches`. */
  samples?: number;
  /** How many batches of `batchSize`. Without `samples` or `batches`: `dataset.length` examples. */
  batches?: number;
  /** Targets equal to this are not scored (default -1, as minGPT's loss). */
  ignoreIndex?: number;
  /** Extra metrics, by name (see {@link sequenceLabelAccuracy}). */
  metrics?: readonly EvalMetric[];
}

/** What {@link evaluate} returns. */
export interface EvaluateResult {
  /** The mean loss over every scored target (each batch's mean loss weighted by its number of targets). */
  loss: number;
  /** Examples evaluated. */
  numSamples: number;
  /** Targets scored (not equal to `ignoreIndex`). */
  numTargets: number;
  /** Each metric's Σ numerator / Σ denominator (NaN when the denominator is 0). */
  metrics: Record<string, number>;
}

/**
 * Evaluates a model on a dataset in evaluation mode (dropout off) without gradients, restoring the model's
 * mode afterwards.
 *
 * The loss is exact: each batch's mean loss times its number of scored targets, summed in float64 and
 * divided by the total number of scored targets, so it equals one forward pass over all the examples at once.
 * A batch-sampler dataset (e.g. `WeatherDataset` of the test split) is sampled with its own generator; an
 * indexed dataset is read in order: its first `samples` examples (all of them by default).
 *
 * @param model - A model whose `forward(x, y)` returns `{ loss }` (and `logits` for some metrics).
 * @param dataset - A held-out dataset (batch sampler or indexed).
 * @param options - `batchSize`, `samples` or `batches`, `ignoreIndex`, `metrics`.
 * @returns `{ loss, numSamples, numTargets, metrics }`.
 * @throws {@link LxmlsTrainerError} `INVALID_MODEL` when forward gives no loss; `INVALID_DATASET`,
 *   `INVALID_ARGUMENT` for a bad dataset or option, or more examples than an indexed dataset holds.
 * @example
 * ```ts
 * import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
 * import { Embedding, Module } from '@lxmls/nn';
 * import { crossEntropy, type Tensor } from '@lxmls/tensor';
 * import { evaluate, sequenceLabelAccuracy } from '@lxmls/trainer';
 * // a bigram model: logits for the next token from the current token only
 * class Bigram extends Module {
 *   readonly embedding = this.registerModule('embedding', new Embedding(8, 8));
 *   forward(x: Tensor, y?: Tensor) {
 *     const logits = this.embedding.forward(x); // (B, T, 8)
 *     return { logits, loss: y ? crossEntropy(logits, y) : null };
 *   }
 * }
 * const model = new Bigram();
 * model.embedding.weight.copyFrom(new Float32Array(64)); // all logits 0: uniform predictions
 * const test = new WeatherDataset('test', { proba: FIXED_PROBA, seed: 1 });
 * const result = evaluate(model, test, { samples: 100, metrics: [sequenceLabelAccuracy()] });
 * console.log(result.loss.toFixed(4), Math.log(8).toFixed(4), result.numSamples, result.numTargets); // → 2.0794 2.0794 100 600
 * console.log(Object.keys(result.metrics)); // → [ 'labelAccuracy', 'sequenceAccuracy' ]
 * ```
 */
export function evaluate(
  model: TrainableModel,
  dataset: TrainerDataset,
  options: EvaluateOptions = {},
): EvaluateResult {
  const fn = 'evaluate';
  checkModel(fn, model);
  checkDataset(fn, dataset);
  const { ignoreIndex = -1, metrics = [] } = options;
  const batchSize = checkInteger(fn, 'options.batchSize', options.batchSize ?? 64, 1);
  const length = (dataset as { length?: unknown }).length;
  let samples: number;
  if (options.samples !== undefined) samples = checkInteger(fn, 'options.samples', options.samples, 1);
  else if (options.batches !== undefined)
    samples = checkInteger(fn, 'options.batches', options.batches, 1) * batchSize;
  else if (Number.isInteger(length) && (length as number) > 0) samples = length as number;
  else {
    check.fail(
      fn,
      'options.samples',
      undefined,
      'the number of examples is unknown',
      'options.samples or options.batches, or a dataset with a length',
      { received: `a dataset with length ${describe(length)}` },
    );
  }
  if (!Array.isArray(metrics) || metrics.some((m) => typeof m !== 'function'))
    check.fail(
      fn,
      'options.metrics',
      metrics,
      'metrics is not a list of functions',
      'an array of (batch, output) => { name: [numerator, denominator] }',
    );

  const read = readerOf(dataset);
  if (read !== null && samples > (length as number))
    check.fail(
      fn,
      options.samples !== undefined ? 'options.samples' : 'options.batches',
      undefined,
      'there are fewer examples than asked for',
      `at most the dataset's length, ${length as number}`,
      { received: `${samples} examples` },
    );
  const wasTraining = model.training ?? true;
  model.train(false);
  let lossSum = 0;
  let numTargets = 0;
  let numSamples = 0;
  const sums = new Map<string, [number, number]>();
  const loaders = new Map<number, BatchLoader>();
  try {
    for (let done = 0; done < samples; done += batchSize) {
      const B = Math.min(batchSize, samples - done);
      let batch: Batch;
      if (read !== null) {
        let b: Batch | null = null;
        for (let r = 0; r < B; r++) b = writeExample(fn, read(done + r), done + r, r, B, b);
        batch = b!;
      } else {
        let loader = loaders.get(B);
        if (!loader) {
          loader = new BatchLoader(dataset, B, unused); // a batch sampler draws with its own generator
          loaders.set(B, loader);
        }
        batch = loader.next();
        checkBatch(fn, batch, B);
      }
      const [, T] = batch.shape;
      let scored = 0;
      for (let i = 0; i < batch.y.length; i++) if (batch.y[i] !== ignoreIndex) scored++;
      tidy(() =>
        noGrad(() => {
          const x = tensor(batch.x, [B, T], 'int32'); // (B, T)
          const y = tensor(batch.y, [B, T], 'int32'); // (B, T)
          const out = model.forward(x, y);
          const loss = lossValue(fn, out);
          if (scored > 0) lossSum += loss * scored;
          for (const metric of metrics) {
            const values: Record<string, readonly [number, number]> = metric(batch, out);
            for (const [name, pair] of Object.entries(values)) {
              const acc = sums.get(name) ?? [0, 0];
              acc[0] += pair[0];
              acc[1] += pair[1];
              sums.set(name, acc);
            }
          }
        }),
      );
      numTargets += scored;
      numSamples += B;
    }
  } finally {
    model.train(wasTraining);
  }
  const result: Record<string, number> = {};
  for (const [name, [num, den]] of sums) result[name] = den === 0 ? Number.NaN : num / den;
  return {
    loss: numTargets === 0 ? Number.NaN : lossSum / numTargets,
    numSamples,
    numTargets,
    metrics: result,
  };
}

/** The loss of a forward pass as a number; throws when the model gave none. @internal */
export function lossValue(fn: string, out: ModelOutput): number {
  return lossTensor(fn, out).item();
}

/** The loss tensor of a forward pass (one element), not read; throws when the model gave none. @internal */
export function lossTensor(fn: string, out: ModelOutput): Tensor {
  const loss = (out as Partial<ModelOutput> | null)?.loss;
  if (!loss || typeof (loss as Tensor).item !== 'function' || (loss as Tensor).size !== 1)
    check.fail(
      fn,
      'model.forward',
      loss,
      'forward(x, y) returned no scalar loss',
      '{ loss: a one-element tensor, ... }',
      { code: 'INVALID_MODEL' },
    );
  return loss as Tensor;
}

/** Options of {@link sequenceLabelAccuracy}. */
export interface SequenceLabelAccuracyOptions {
  /**
   * The model's predictions for a batch: `B * T` ids aligned with `batch.y` (only the positions whose target
   * is not `ignoreIndex` are read), for example from greedy decoding with the model's `generate`. Without
   * it, the argmax of `output.logits` at each position is used (teacher-forced: each label predicted from
   * the true labels before it).
   */
  predict?: (batch: Batch, output: ModelOutput) => ArrayLike<number>;
  /** Targets equal to this are not scored (default -1). */
  ignoreIndex?: number;
}

/**
 * A metric for sequence labelling: `labelAccuracy` (correct labels / labels) and `sequenceAccuracy` (rows
 * with every label correct / rows with at least one label), from the caller's predictions or from the
 * argmax of the logits.
 *
 * @param options - `predict`, `ignoreIndex`.
 * @returns An {@link EvalMetric} for {@link evaluate}.
 * @remarks Python: no counterpart; the weather exercise's "how many states are right" question.
 * @example
 * ```ts
 * import { sequenceLabelAccuracy } from '@lxmls/trainer';
 * const metric = sequenceLabelAccuracy({ predict: () => [0, 5, 6, 0, 7, 7] });
 * const batch = { x: new Int32Array(6), y: Int32Array.of(-1, 5, 6, -1, 7, 6), shape: [2, 3] as [number, number] };
 * console.log(metric(batch, { loss: null })); // → { labelAccuracy: [ 3, 4 ], sequenceAccuracy: [ 1, 2 ] }
 * ```
 */
export function sequenceLabelAccuracy(options: SequenceLabelAccuracyOptions = {}): EvalMetric {
  const { predict, ignoreIndex = -1 } = options;
  return (batch, output) => {
    const fn = 'sequenceLabelAccuracy';
    const [B, T] = batch.shape;
    const pred = predict ? predict(batch, output) : argmaxIds(fn, output.logits, B * T);
    if (pred === null || typeof pred !== 'object' || pred.length !== B * T)
      check.fail(
        fn,
        'predict',
        pred,
        'the predictions do not cover the batch',
        `${B * T} ids (B * T, aligned with batch.y)`,
      );
    let correct = 0;
    let labels = 0;
    let rowsCorrect = 0;
    let rows = 0;
    for (let b = 0; b < B; b++) {
      let rowLabels = 0;
      let rowCorrect = 0;
      for (let t = 0; t < T; t++) {
        const target = batch.y[b * T + t]!;
        if (target === ignoreIndex) continue;
        rowLabels++;
        if (pred[b * T + t] === target) rowCorrect++;
      }
      if (rowLabels === 0) continue;
      labels += rowLabels;
      correct += rowCorrect;
      rows++;
      if (rowCorrect === rowLabels) rowsCorrect++;
    }
    return { labelAccuracy: [correct, labels], sequenceAccuracy: [rowsCorrect, rows] };
  };
}

function argmaxIds(fn: string, logits: Tensor | undefined, n: number): Int32Array {
  if (!logits || logits.size % n !== 0)
    check.fail(
      fn,
      'output.logits',
      logits,
      'there are no logits to take the argmax of',
      `a (B, T, V) tensor with B * T = ${n}, or a predict function`,
    );
  return tidy(() => logits.argmax(-1).data() as Int32Array); // (B, T) flattened
}
