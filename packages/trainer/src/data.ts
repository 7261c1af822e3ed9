/**
 * What the trainer needs from a dataset, and how it draws batches from it.
 *
 * Two kinds of datasets fit:
 * - a **batch sampler**, with `sampleBatch(batchSize, out?)` returning two flat row-major int32 arrays
 *   `x`, `y` of shape `(B, T)` (this is `WeatherDataset.sampleBatch` of @lxmls/weather-data: it samples in
 *   place, with its own seeded generator, and is the fast path);
 * - an **indexed dataset** (PyTorch style), with `length` and `get(i)` or `getItem(i)` returning `{ x, y }`
 *   (or `[x, y]`) of equal length; the trainer samples indices with replacement from its own seeded
 *   generator, as minGPT's `RandomSampler(replacement=True)` does, and collates them into `(B, T)`.
 *
 * Follows the DataLoader of `mingpt/trainer.py`: batches of int token ids, `x` the inputs, `y` the targets.
 */

import type { RandomGenerator } from '@lxmls/tensor';
import { check, checkInteger, describe, LxmlsTrainerError } from './errors.js';

/** One batch: flat row-major int32 `x` and `y` of shape `(B, T)`. */
export interface Batch {
  /** The inputs, `B * T` token ids. */
  x: Int32Array;
  /** The targets, `B * T` ids (-1, or the loss's ignore index, where there is nothing to predict). */
  y: Int32Array;
  /** `[B, T]`. */
  shape: [number, number];
}

/** One example of an indexed dataset: inputs and targets of one length. */
export type Example = { x: ArrayLike<number>; y: ArrayLike<number> } | [ArrayLike<number>, ArrayLike<number>];

/**
 * A dataset that draws whole batches itself, like @lxmls/weather-data's `WeatherDataset`: `sampleBatch(B)`
 * returns new `{ x, y }` arrays of `B * T` ids, or fills `out` when given.
 */
export interface BatchSamplerDataset {
  /** Draws a batch; fills `out` (arrays of `B * T`) when given. */
  sampleBatch(batchSize: number, out?: { x: Int32Array; y: Int32Array }): { x: Int32Array; y: Int32Array };
  /** The sequence length T, if known (else it is `x.length / B`). */
  getBlockSize?(): number;
  /** How many examples an evaluation pass covers by default. */
  length?: number;
}

/** A PyTorch-style dataset: `length` examples, read by `get(i)` or `getItem(i)`. */
export interface IndexedDataset {
  /** The number of examples. Python: `__len__`. */
  length: number;
  /** Example `i`. Python: `__getitem__`. */
  get?(index: number): Example;
  /** Example `i` (the other spelling). */
  getItem?(index: number): Example;
}

/** What a trainer or an evaluation reads: a {@link BatchSamplerDataset} or an {@link IndexedDataset}. */
export type TrainerDataset = BatchSamplerDataset | IndexedDataset;

/**
 * Optional: a dataset whose random state a checkpoint saves and restores, so a resumed run draws the same
 * batches. Either `getState()` / `setState(s)` on the dataset, or on its `rng` (as `WeatherDataset.rng`).
 * The state must survive `JSON.stringify` (typed arrays are saved as plain arrays).
 */
export interface StatefulDataset {
  getState?(): unknown;
  setState?(state: unknown): void;
  rng?: { getState(): unknown; setState(state: never): void };
}

/**
 * Draws batches from a dataset into reused arrays: `next()` returns the same {@link Batch} object each time,
 * refilled, so the caller must use it before the next call.
 *
 * @example
 * ```ts
 * import { RandomGenerator } from '@lxmls/tensor';
 * import { BatchLoader } from '@lxmls/trainer';
 * const squares = { length: 10, get: (i: number) => ({ x: [i, i], y: [i * i, i * i] }) };
 * const loader = new BatchLoader(squares, 3, new RandomGenerator(0));
 * const batch = loader.next();
 * console.log(batch.shape, batch.x.length, batch.y.every((v, k) => v === batch.x[k]! ** 2)); // → [ 3, 2 ] 6 true
 * ```
 */
export class BatchLoader {
  /** The batch size B. */
  readonly batchSize: number;
  readonly #dataset: TrainerDataset;
  readonly #generator: RandomGenerator;
  readonly #read: ((index: number) => Example) | null;
  #batch: Batch | null = null;

  /**
   * @param dataset - A batch sampler or an indexed dataset.
   * @param batchSize - B, an integer >= 1.
   * @param generator - The source of random indices for an indexed dataset (unused by a batch sampler,
   *   which has its own).
   * @throws {@link LxmlsTrainerError} `INVALID_DATASET` for a dataset of neither kind; `INVALID_ARGUMENT`
   *   for a bad batch size.
   */
  constructor(dataset: TrainerDataset, batchSize: number, generator: RandomGenerator) {
    const fn = 'BatchLoader';
    this.#dataset = checkDataset(fn, dataset);
    this.batchSize = checkInteger(fn, 'batchSize', batchSize, 1);
    this.#generator = generator;
    this.#read = readerOf(dataset);
  }

  /**
   * The next batch: `B` random examples (with replacement, for an indexed dataset).
   *
   * @returns The loader's batch, refilled.
   * @throws {@link LxmlsTrainerError} `INVALID_DATASET` when the dataset returns malformed examples.
   */
  next(): Batch {
    return this.#read === null ? this.#sampled() : this.#collated(this.#read);
  }

  #sampled(): Batch {
    const ds = this.#dataset as BatchSamplerDataset;
    const B = this.batchSize;
    if (this.#batch === null) {
      const first = ds.sampleBatch(B);
      this.#batch = { x: first.x, y: first.y, shape: [B, checkBatch('BatchLoader.next', first, B)] };
      return this.#batch;
    }
    const out = ds.sampleBatch(B, this.#batch);
    if (out.x !== this.#batch.x || out.y !== this.#batch.y) {
      // a sampler that ignores `out`: take its arrays
      this.#batch = { x: out.x, y: out.y, shape: [B, checkBatch('BatchLoader.next', out, B)] };
    }
    return this.#batch;
  }

  #collated(read: (index: number) => Example): Batch {
    const B = this.batchSize;
    const n = (this.#dataset as IndexedDataset).length;
    for (let b = 0; b < B; b++) {
      // RandomSampler(replacement=True): a uniform index in [0, n)
      const index = Math.floor((this.#generator.uint32() / 4294967296) * n);
      this.#batch = writeExample('BatchLoader.next', read(index), index, b, B, this.#batch);
    }
    return this.#batch!;
  }
}

/** Checks that `dataset` is one of the two kinds; returns it. @internal */
export function checkDataset(fn: string, dataset: unknown, argument = 'dataset'): TrainerDataset {
  const d = dataset as Partial<BatchSamplerDataset & IndexedDataset> | null;
  const sampler = d !== null && typeof d === 'object' && typeof d.sampleBatch === 'function';
  const indexed =
    d !== null &&
    typeof d === 'object' &&
    (typeof d.get === 'function' || typeof d.getItem === 'function') &&
    Number.isInteger(d.length) &&
    (d.length as number) > 0;
  if (!sampler && !indexed)
    check.fail(
      fn,
      argument,
      undefined,
      `${argument} cannot give batches`,
      'an object with sampleBatch(batchSize, out?), or with get(i) / getItem(i) and a length >= 1',
      {
        code: 'INVALID_DATASET',
        received:
          d !== null && typeof d === 'object'
            ? `an object with length ${String(d.length)}`
            : describe(dataset),
      },
    );
  return dataset as TrainerDataset;
}

/** `get` or `getItem` of an indexed dataset, bound; null for a batch sampler (which is preferred). @internal */
export function readerOf(dataset: TrainerDataset): ((index: number) => Example) | null {
  if (typeof (dataset as BatchSamplerDataset).sampleBatch === 'function') return null;
  const d = dataset as IndexedDataset;
  const read = d.getItem ?? d.get;
  return read!.bind(dataset);
}

/** Checks a sampled batch and returns its T. @internal */
export function checkBatch(fn: string, batch: { x: unknown; y: unknown }, B: number): number {
  const { x, y } = batch ?? ({} as { x: unknown; y: unknown });
  if (
    !(x instanceof Int32Array) ||
    !(y instanceof Int32Array) ||
    x.length !== y.length ||
    x.length % B !== 0 ||
    x.length === 0
  )
    check.fail(
      fn,
      'dataset.sampleBatch',
      undefined,
      'sampleBatch returned a malformed batch',
      `{ x, y }: two Int32Arrays of one length B * T with B = ${B}, T >= 1`,
      { code: 'INVALID_DATASET', received: `x: ${describe(x)}, y: ${describe(y)}` },
    );
  return x.length / B;
}

/**
 * Writes example `item` (dataset index `index`) as row `b` of a `(B, T)` batch, allocating the batch at row 0
 * from the example's length. @internal
 */
export function writeExample(
  fn: string,
  item: Example,
  index: number,
  b: number,
  B: number,
  batch: Batch | null,
): Batch {
  const pair = Array.isArray(item) ? item : [item?.x, item?.y];
  const [x, y] = pair as [ArrayLike<number> | undefined, ArrayLike<number> | undefined];
  const T = batch?.shape[1] ?? x?.length ?? 0;
  if (!isIds(x) || !isIds(y) || x.length !== y.length || x.length === 0 || x.length !== T)
    check.fail(
      fn,
      `dataset.get(${index})`,
      undefined,
      `example ${index} is malformed`,
      `{ x, y } (or [x, y]) of ${batch ? T : 'one'} length >= 1, arrays of integer ids`,
      { code: 'INVALID_DATASET', received: `x: ${describe(x)}, y: ${describe(y)}` },
    );
  const out = batch ?? {
    x: new Int32Array(B * T),
    y: new Int32Array(B * T),
    shape: [B, T] as [number, number],
  };
  out.x.set(x, b * T);
  out.y.set(y, b * T);
  return out;
}

function isIds(a: unknown): a is ArrayLike<number> {
  return a !== null && typeof a === 'object' && typeof (a as ArrayLike<number>).length === 'number';
}

/** The dataset's random state, if it exposes one (see {@link StatefulDataset}); undefined otherwise. @internal */
export function datasetState(dataset: unknown): unknown {
  const d = dataset as StatefulDataset;
  if (typeof d.getState === 'function' && typeof d.setState === 'function') return d.getState();
  if (d.rng && typeof d.rng.getState === 'function' && typeof d.rng.setState === 'function')
    return d.rng.getState();
  return undefined;
}

/** Restores a state from {@link datasetState}. @internal */
export function setDatasetState(dataset: unknown, state: unknown): boolean {
  const d = dataset as StatefulDataset;
  if (typeof d.getState === 'function' && typeof d.setState === 'function') {
    d.setState(state);
    return true;
  }
  if (d.rng && typeof d.rng.getState === 'function' && typeof d.rng.setState === 'function') {
    d.rng.setState(state as never);
    return true;
  }
  return false;
}
