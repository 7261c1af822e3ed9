/**
 * Training over a compact vocabulary, saving over the full one: a text uses few of a large tokenizer's ids
 * (tinyshakespeare, 338,025 GPT-2 tokens, uses 11,706 of the 50,257), so a small model trains its embedding
 * and output rows for those ids only, plus ONE shared row standing for every absent id, and is saved with the
 * full vocabulary (GPT-2's 50,257 rows, Hugging Face layout), each absent id's row a copy of the shared one.
 *
 * The shared row's logit is raised by `log(absentCount)` during training ({@link CompactVocabulary.logitOffset}),
 * so the compact softmax over `keep.length + 1` classes is exactly the full softmax over `vocabSize` classes
 * whose absent rows are all equal: the loss trained and measured is the full model's, and the saved model
 * gives every absent id the probability the compact model gave their class, split evenly.
 */

import type { StateDict } from '@lxmls/nn';
import { type Tensor, tensor } from '@lxmls/tensor';
import { check, LxmlsGptError } from '../errors.js';

/** The rows of a GPT that {@link expandCompactVocabulary} widens. */
export const VOCABULARY_ROWS = ['transformer.wte.weight', 'lm_head.weight'] as const;

/** A compact vocabulary: the ids a text uses, then one row for all the others. */
export interface CompactVocabulary {
  /** The full vocabulary's size (GPT-2: 50,257). */
  readonly vocabSize: number;
  /** The full ids kept, ascending: compact id `i` is full id `keep[i]`. */
  readonly keep: Int32Array;
  /** The compact id of every absent full id: `keep.length`. The compact model has `keep.length + 1` rows. */
  readonly absentId: number;
  /** How many full ids are absent: `vocabSize - keep.length`. */
  readonly absentCount: number;
  /**
   * Per compact id, what to add to the compact model's logits for the compact softmax to equal the full one:
   * 0 for a kept id, `log(absentCount)` for the absent row (0 when no id is absent).
   */
  readonly logitOffset: Float32Array;
  /**
   * Full ids to compact ids.
   *
   * @param ids - Full ids in `[0, vocabSize)`.
   * @returns The compact ids (`absentId` for an id not kept).
   */
  toCompact(ids: ArrayLike<number>): Int32Array;
  /**
   * Compact ids to full ids (the absent row maps to -1).
   *
   * @param ids - Compact ids in `[0, absentId]`.
   * @returns The full ids.
   */
  toFull(ids: ArrayLike<number>): Int32Array;
}

function invalid(
  fn: string,
  argument: string,
  what: string,
  expected: string,
  received: string,
): LxmlsGptError {
  return new LxmlsGptError('INVALID_ARGUMENT', what, { fn, argument, expected, received });
}

/**
 * The compact vocabulary of a tokenized text: the distinct ids it uses, ascending, then one absent row.
 *
 * @param ids - The text's full ids.
 * @param vocabSize - The full vocabulary's size.
 * @returns The {@link CompactVocabulary}.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` for an id outside `[0, vocabSize)`.
 * @example
 * ```ts
 * import { compactVocabulary } from '@lxmls/gpt';
 * const v = compactVocabulary([464, 198, 464, 50256], 50257);
 * console.log([...v.keep], v.absentId, v.absentCount, [...v.toCompact([198, 7])], v.logitOffset[3]?.toFixed(4)); // → [ 198, 464, 50256 ] 3 50254 [ 0, 3 ] 10.8248
 * ```
 */
export function compactVocabulary(ids: ArrayLike<number>, vocabSize: number): CompactVocabulary {
  const fn = 'compactVocabulary';
  if (!Number.isInteger(vocabSize) || vocabSize < 1) {
    throw invalid(
      fn,
      'vocabSize',
      'the vocabulary size is not a positive integer',
      'an integer ≥ 1',
      String(vocabSize),
    );
  }
  const used = new Uint8Array(vocabSize);
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    if (!Number.isInteger(id) || id < 0 || id >= vocabSize) {
      throw invalid(
        fn,
        'ids',
        'a token id is outside the vocabulary',
        `ids in [0, ${vocabSize})`,
        `${id} at ${i}`,
      );
    }
    used[id] = 1;
  }
  const kept: number[] = [];
  for (let id = 0; id < vocabSize; id++) if (used[id]) kept.push(id);
  return compactFromKeep(Int32Array.from(kept), vocabSize);
}

/**
 * The compact vocabulary that keeps the given full ids (e.g. read back from a saved list).
 *
 * @param keep - Distinct full ids, ascending.
 * @param vocabSize - The full vocabulary's size.
 * @returns The {@link CompactVocabulary}.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` unless `keep` is strictly ascending in `[0, vocabSize)`.
 * @example
 * ```ts
 * import { compactFromKeep } from '@lxmls/gpt';
 * const v = compactFromKeep(Int32Array.of(2, 5), 8);
 * console.log([...v.toFull([1, 0, 2])], v.absentCount); // → [ 5, 2, -1 ] 6
 * ```
 */
export function compactFromKeep(keep: Int32Array, vocabSize: number): CompactVocabulary {
  const fn = 'compactFromKeep';
  const index = new Int32Array(vocabSize).fill(keep.length);
  for (let i = 0; i < keep.length; i++) {
    const id = keep[i]!;
    if (id < 0 || id >= vocabSize || (i > 0 && id <= keep[i - 1]!)) {
      throw invalid(
        fn,
        'keep',
        'the kept ids are not ascending ids of the vocabulary',
        `distinct ascending ids in [0, ${vocabSize})`,
        `${id} at ${i}`,
      );
    }
    index[id] = i;
  }
  const absentId = keep.length;
  const absentCount = vocabSize - keep.length;
  const logitOffset = new Float32Array(absentId + 1);
  logitOffset[absentId] = absentCount > 0 ? Math.log(absentCount) : 0;
  return {
    vocabSize,
    keep,
    absentId,
    absentCount,
    logitOffset,
    toCompact(ids) {
      const out = new Int32Array(ids.length);
      for (let i = 0; i < ids.length; i++) out[i] = index[ids[i]!] ?? absentId;
      return out;
    },
    toFull(ids) {
      const out = new Int32Array(ids.length);
      for (let i = 0; i < ids.length; i++) out[i] = ids[i] === absentId ? -1 : (keep[ids[i]!] ?? -1);
      return out;
    },
  };
}

/**
 * Widens a compact model's state dict to the full vocabulary: in `transformer.wte.weight` and
 * `lm_head.weight` (compact `(keep.length + 1, C)`), row `keep[i]` of the result is compact row `i` and every
 * absent id's row is a copy of the compact absent row; the other tensors are passed through as they are. When
 * the two compact tensors are one tensor (tied), so are the two results. An absent `lm_head.weight` stays
 * absent.
 *
 * With these rows the full model's softmax equals the compact model's with {@link CompactVocabulary.logitOffset}
 * added: the `absentCount` equal logits share the absent row's probability.
 *
 * @param stateDict - The compact model's state dict (course names).
 * @param vocab - Its compact vocabulary.
 * @returns A new Map: the widened tensors are new (dispose them), the others are the input's.
 * @throws {@link LxmlsGptError} `CHECKPOINT_MISMATCH` for a vocabulary tensor without `keep.length + 1` rows,
 *   `INVALID_ARGUMENT` without `transformer.wte.weight`.
 * @example
 * ```ts
 * import { compactVocabulary, expandCompactVocabulary } from '@lxmls/gpt';
 * import { tensor } from '@lxmls/tensor';
 * const v = compactVocabulary([1, 3], 5); // keeps 1 and 3; row 2 stands for 0, 2 and 4
 * const wte = tensor([[1, 1], [3, 3], [-9, -9]]); // (3, 2)
 * const full = expandCompactVocabulary(new Map([['transformer.wte.weight', wte], ['lm_head.weight', wte]]), v);
 * const out = full.get('transformer.wte.weight')!;
 * console.log(out.shape, [...out.data()], full.get('lm_head.weight') === out); // → [ 5, 2 ] [ -9, -9, 1, 1, -9, -9, 3, 3, -9, -9 ] true
 * out.dispose();
 * wte.dispose();
 * ```
 */
export function expandCompactVocabulary(stateDict: StateDict, vocab: CompactVocabulary): Map<string, Tensor> {
  const fn = 'expandCompactVocabulary';
  const source = new Map<string, Tensor>(stateDict instanceof Map ? stateDict : Object.entries(stateDict));
  if (!source.has(VOCABULARY_ROWS[0])) {
    throw invalid(
      fn,
      'stateDict',
      'the state dict has no token embedding',
      `a tensor named ${VOCABULARY_ROWS[0]}`,
      'none',
    );
  }
  const widened = new Map<Tensor, Tensor>();
  const widen = (name: string, t: Tensor): Tensor => {
    const done = widened.get(t);
    if (done) return done;
    const [rows, C] = t.shape as [number, number];
    if (t.shape.length !== 2 || rows !== vocab.absentId + 1)
      check.fail(
        fn,
        'stateDict',
        undefined,
        `${name} does not fit the compact vocabulary`,
        `(${vocab.absentId + 1}, C): the ${vocab.keep.length} kept ids and the absent row`,
        { code: 'CHECKPOINT_MISMATCH', received: `(${t.shape.join(', ')})` },
      );
    const compact = t.data() as Float32Array; // (rows, C)
    const out = new Float32Array(vocab.vocabSize * C); // (vocabSize, C)
    const absent = compact.subarray(vocab.absentId * C, (vocab.absentId + 1) * C); // (C)
    for (let id = 0; id < vocab.vocabSize; id++) out.set(absent, id * C);
    for (let i = 0; i < vocab.keep.length; i++)
      out.set(compact.subarray(i * C, (i + 1) * C), vocab.keep[i]! * C);
    const full = tensor(out, [vocab.vocabSize, C]); // (vocabSize, C)
    widened.set(t, full);
    return full;
  };
  const result = new Map<string, Tensor>();
  for (const [name, t] of source) {
    result.set(name, (VOCABULARY_ROWS as readonly string[]).includes(name) ? widen(name, t) : t);
  }
  return result;
}
