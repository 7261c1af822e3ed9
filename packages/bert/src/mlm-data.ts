/**
 * MlmBatchSampler: batches for masked-language-model pretraining drawn from one long stream of WordPiece ids
 * (a tokenized corpus), in the shape @lxmls/trainer's batch samplers have (`sampleBatch(B) → { x, y }`).
 *
 * Each batch has one length T, drawn uniformly in `[minLength, maxLength]` (so the model sees every position
 * and [SEP] at every position, not only at the end of a fixed window); each row is a span of the stream that
 * starts at a word (not a `##` piece), wrapped as `[CLS] span [SEP]` as BERT was trained, or, with probability
 * `bareProbability`, left bare (as the notebook's Exercise 2.4 feeds its 13 WordPieces); then masked by
 * {@link maskTokens} (15%, 80/10/10). Seeded: the same seed gives the same batches.
 */

import { RandomGenerator } from '@lxmls/tensor';
import { check, describe, LxmlsBertError } from './errors.js';
import { maskTokens } from './masking.js';

/** Options of {@link MlmBatchSampler}. */
export interface MlmBatchSamplerOptions {
  /** The ids of `[CLS]`, `[SEP]` and `[MASK]` (101, 102, 103 in bert-base-uncased). */
  clsId: number;
  /** `[SEP]`'s id. */
  sepId: number;
  /** `[MASK]`'s id. */
  maskId: number;
  /** The vocabulary size (random replacements). */
  vocabSize: number;
  /** The shortest row, special tokens included (default 8). */
  minLength?: number;
  /** The longest row, special tokens included (default 64; at most the model's positions). */
  maxLength?: number;
  /** The chance that a row has no `[CLS]`/`[SEP]` (default 0.15). */
  bareProbability?: number;
  /** The chance of choosing a position for the loss (default 0.15). */
  mlmProbability?: number;
  /** Whether an id is a `##` continuation piece (spans never start there); default none is. */
  isContinuation?: (id: number) => boolean;
  /** The seed of the sampler's own generator (default 0). */
  seed?: number;
}

/**
 * Draws masked-LM batches from a token stream. `sampleBatch(B)` returns new arrays `x` (corrupted ids) and
 * `y` (labels, −1 where there is nothing to predict) of `B · T`, and `shape`.
 *
 * @example
 * ```ts
 * import { MlmBatchSampler } from '@lxmls/bert';
 * const stream = Int32Array.from({ length: 500 }, (_, i) => 1000 + (i % 37));
 * const sampler = new MlmBatchSampler(stream, { clsId: 101, sepId: 102, maskId: 103, vocabSize: 30522, minLength: 10, maxLength: 20, seed: 1 });
 * const { x, y, shape } = sampler.sampleBatch(4);
 * console.log(shape[0], shape[1] >= 10 && shape[1] <= 20, x.length === y.length, y.some((l) => l >= 1000)); // → 4 true true true
 * ```
 */
export class MlmBatchSampler {
  /** The sampler's generator (its state is the dataset's state in a checkpoint). */
  readonly rng: RandomGenerator;
  readonly #stream: Int32Array;
  readonly #starts: Int32Array;
  readonly #options: Required<Omit<MlmBatchSamplerOptions, 'isContinuation' | 'seed'>>;

  /**
   * @param stream - The corpus's WordPiece ids, without special tokens.
   * @param options - Special ids, vocabulary size, lengths, probabilities, seed.
   * @throws {@link LxmlsBertError} `INVALID_ARGUMENT` for lengths out of order or a stream shorter than
   *   `maxLength`.
   */
  constructor(stream: ArrayLike<number>, options: MlmBatchSamplerOptions) {
    const fn = 'MlmBatchSampler';
    const {
      clsId,
      sepId,
      maskId,
      vocabSize,
      minLength = 8,
      maxLength = 64,
      bareProbability = 0.15,
      mlmProbability = 0.15,
      isContinuation = () => false,
      seed = 0,
    } = options;
    if (
      !Number.isInteger(minLength) ||
      !Number.isInteger(maxLength) ||
      minLength < 3 ||
      maxLength < minLength
    )
      check.fail(
        fn,
        'minLength, maxLength',
        undefined,
        'the row lengths are not in order',
        'integers with 3 ≤ minLength ≤ maxLength',
        { received: `${describe(minLength)}, ${describe(maxLength)}` },
      );
    if (stream.length < maxLength)
      check.fail(
        fn,
        'stream',
        undefined,
        'the token stream is shorter than a row',
        `at least maxLength = ${maxLength} ids`,
        { received: `${stream.length} ids` },
      );
    this.#stream = Int32Array.from(stream);
    const starts: number[] = [];
    for (let i = 0; i + maxLength <= this.#stream.length; i++)
      if (!isContinuation(this.#stream[i]!)) starts.push(i);
    if (starts.length === 0) starts.push(0);
    this.#starts = Int32Array.from(starts);
    this.#options = {
      clsId,
      sepId,
      maskId,
      vocabSize,
      minLength,
      maxLength,
      bareProbability,
      mlmProbability,
    };
    this.rng = new RandomGenerator(seed);
  }

  /** The longest row (the trainer's block size). */
  getBlockSize(): number {
    return this.#options.maxLength;
  }

  /**
   * One batch of `batchSize` rows of one random length.
   *
   * @param batchSize - B.
   * @returns `{ x, y, shape: [B, T] }`, new arrays.
   */
  sampleBatch(batchSize: number): { x: Int32Array; y: Int32Array; shape: [number, number] } {
    const o = this.#options;
    const g = this.rng;
    const u = () => g.uint32() / 4294967296;
    const T = o.minLength + Math.floor(u() * (o.maxLength - o.minLength + 1));
    const ids = new Int32Array(batchSize * T);
    for (let b = 0; b < batchSize; b++) {
      const start = this.#starts[Math.floor(u() * this.#starts.length)]!;
      const row = ids.subarray(b * T, (b + 1) * T);
      if (u() < o.bareProbability) row.set(this.#stream.subarray(start, start + T));
      else {
        row[0] = o.clsId;
        row.set(this.#stream.subarray(start, start + T - 2), 1);
        row[T - 1] = o.sepId;
      }
    }
    const { inputs, labels } = maskTokens(ids, T, {
      maskTokenId: o.maskId,
      vocabSize: o.vocabSize,
      specialIds: [o.clsId, o.sepId],
      mlmProbability: o.mlmProbability,
      generator: g,
    });
    return { x: inputs, y: labels, shape: [batchSize, T] };
  }
}
