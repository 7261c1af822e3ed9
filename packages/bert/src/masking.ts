/**
 * The masked-language-modelling objective's corruption of the input, as BERT's pretraining and Hugging Face's
 * `DataCollatorForLanguageModeling` do it: each position that is not a special token is chosen with
 * probability 0.15; a chosen position becomes `[MASK]` 80% of the time, a uniformly random token 10% of the
 * time, and stays as it is 10% of the time; the label is the original token at chosen positions and the
 * ignore index (−1 here, −100 in Hugging Face) everywhere else.
 */

import { getGenerator, type RandomGenerator } from '@lxmls/tensor';
import { check, LxmlsBertError } from './errors.js';

/** Options of {@link maskTokens}. */
export interface MaskTokensOptions {
  /** The id of `[MASK]` (103 in bert-base-uncased's vocabulary). */
  maskTokenId: number;
  /** The vocabulary size: random replacements are uniform in `[0, vocabSize)`. */
  vocabSize: number;
  /** Ids never chosen (`[CLS]`, `[SEP]`, `[PAD]`); default none. */
  specialIds?: Iterable<number>;
  /** The chance of choosing a position (default 0.15). Python: `mlm_probability`. */
  mlmProbability?: number;
  /** The share of chosen positions replaced by `[MASK]` (default 0.8). */
  maskReplaceProbability?: number;
  /** The share of chosen positions replaced by a random token (default 0.1); the rest are kept. */
  randomReplaceProbability?: number;
  /** The label of positions that are not chosen (default −1, the ignore index of @lxmls/tensor's crossEntropy). */
  ignoreIndex?: number;
  /**
   * When no position of a row was chosen, choose one of its eligible positions at random (default true), so
   * every row has a loss term. Hugging Face does not; with 15% of 30 tokens, 0.8% of rows would have none.
   */
  atLeastOne?: boolean;
  /** The random source (default the global one, `manualSeed`). */
  generator?: RandomGenerator;
}

/** What {@link maskTokens} returns. */
export interface MaskedTokens {
  /** The corrupted ids, the model's input. */
  inputs: Int32Array;
  /** The original id at chosen positions, `ignoreIndex` elsewhere. */
  labels: Int32Array;
}

const uniform = (g: RandomGenerator): number => g.uint32() / 4294967296;

/**
 * Corrupts token ids for masked-language modelling (BERT's 15% / 80-10-10 rule), row by row.
 *
 * @param ids - Token ids, `rows · rowLength` of them, row-major.
 * @param rowLength - The length T of a row (default: all of `ids` is one row).
 * @param options - `maskTokenId`, `vocabSize`, and the optional probabilities, special ids and generator.
 * @returns `{ inputs, labels }`, new arrays of `ids.length`.
 * @throws {@link LxmlsBertError} `INVALID_ARGUMENT` for probabilities outside [0, 1], a bad row length or
 *   ids that are not integers.
 * @remarks Python: `DataCollatorForLanguageModeling(tokenizer, mlm_probability=0.15).torch_mask_tokens`.
 * @example
 * ```ts
 * import { maskTokens } from '@lxmls/bert';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const ids = Int32Array.from({ length: 100_000 }, (_, i) => 1000 + (i % 50));
 * const { inputs, labels } = maskTokens(ids, ids.length, { maskTokenId: 103, vocabSize: 30522, generator: new RandomGenerator(0) });
 * const chosen = labels.filter((l) => l >= 0).length;
 * const masked = inputs.filter((t) => t === 103).length;
 * console.log((chosen / ids.length).toFixed(2), (masked / chosen).toFixed(1)); // → 0.15 0.8
 * ```
 */
export function maskTokens(
  ids: ArrayLike<number>,
  rowLength: number = ids.length,
  options: MaskTokensOptions,
): MaskedTokens {
  const fn = 'maskTokens';
  const {
    maskTokenId,
    vocabSize,
    mlmProbability = 0.15,
    maskReplaceProbability = 0.8,
    randomReplaceProbability = 0.1,
    ignoreIndex = -1,
    atLeastOne = true,
    generator = getGenerator(),
  } = options ?? ({} as MaskTokensOptions);
  const probability = (name: string, p: number) => {
    if (typeof p !== 'number' || !(p >= 0 && p <= 1))
      check.fail(fn, name, p, `${name} is not a probability`, 'a number in [0, 1]');
  };
  probability('mlmProbability', mlmProbability);
  probability('maskReplaceProbability', maskReplaceProbability);
  probability('randomReplaceProbability', randomReplaceProbability);
  probability(
    'maskReplaceProbability + randomReplaceProbability',
    maskReplaceProbability + randomReplaceProbability,
  );
  if (!Number.isInteger(rowLength) || rowLength < 1 || ids.length % rowLength !== 0)
    check.fail(
      fn,
      'rowLength',
      rowLength,
      'rowLength does not divide the ids',
      `a positive divisor of ${ids.length}`,
    );
  for (const [name, v] of [
    ['maskTokenId', maskTokenId],
    ['vocabSize', vocabSize],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) check.fail(fn, name, v, `${name} is not a token id`, 'an integer ≥ 0');
  }
  const special = new Set(options.specialIds ?? []);
  const inputs = Int32Array.from(ids);
  const labels = new Int32Array(ids.length).fill(ignoreIndex);
  // Of the chosen: [MASK] with p = 0.8; else random with 0.1 / 0.2 = 0.5 (as Hugging Face's two Bernoullis).
  const randomGivenNotMasked =
    maskReplaceProbability < 1 ? randomReplaceProbability / (1 - maskReplaceProbability) : 0;
  const corrupt = (i: number) => {
    labels[i] = inputs[i]!;
    if (uniform(generator) < maskReplaceProbability) inputs[i] = maskTokenId;
    else if (uniform(generator) < randomGivenNotMasked)
      inputs[i] = Math.floor(uniform(generator) * vocabSize);
  };
  for (let start = 0; start < ids.length; start += rowLength) {
    let chosen = 0;
    let eligible = 0;
    for (let i = start; i < start + rowLength; i++) {
      const id = inputs[i]!;
      if (!Number.isInteger(ids[i]))
        check.fail(fn, 'ids', ids[i], `ids[${i}] is not an integer`, 'integer token ids');
      if (special.has(id)) continue;
      eligible++;
      if (uniform(generator) < mlmProbability) {
        corrupt(i);
        chosen++;
      }
    }
    if (atLeastOne && chosen === 0 && eligible > 0 && mlmProbability > 0) {
      let k = Math.floor(uniform(generator) * eligible);
      for (let i = start; i < start + rowLength; i++) {
        if (special.has(inputs[i]!)) continue;
        if (k-- === 0) {
          corrupt(i);
          break;
        }
      }
    }
  }
  return { inputs, labels };
}
