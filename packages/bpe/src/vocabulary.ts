/**
 * A byte-level BPE vocabulary as plain data: which id each byte has, the merges in rank order, and the
 * special tokens. Everything else (token strings, token bytes) is derived from these on demand.
 *
 * GPT-2's vocabulary has a regular shape that this representation captures exactly: ids 0..255 are the 256
 * byte tokens (in {@link GPT2_BYTE_ORDER}), id 256 + r is the result of merge r, and 50256 is `<|endoftext|>`.
 * Files from elsewhere (encoder.json + vocab.bpe, a Hugging Face tokenizer.json) may number tokens in any
 * order; `tokens` then keeps their strings by id.
 */

import { GPT2_BYTE_ORDER } from './bytes-to-unicode.js';

/** The data behind an {@link Encoder}. */
export interface BpeVocabulary {
  /** `byteToId[b]` is the id of the token made of the single byte `b`. */
  byteToId: Int32Array;
  /** Merge r joins `mergeLeft[r]` and `mergeRight[r]` into `mergeResult[r]`. */
  mergeLeft: Int32Array;
  mergeRight: Int32Array;
  mergeResult: Int32Array;
  /** Special tokens (never produced from text unless allowed): content → id. */
  specialTokens: Map<string, number>;
  /** Number of ids: every id in `[0, vocabSize)` decodes. */
  vocabSize: number;
  /**
   * Token strings in GPT-2's byte-to-character form, by id, when the vocabulary came from a file that
   * lists them; otherwise derived from the merges.
   */
  tokens?: (string | undefined)[];
}

/** Builds the GPT-2-shaped vocabulary: bytes first, then one id per merge, then the special tokens. */
export function regularVocabulary(
  mergeLeft: Int32Array,
  mergeRight: Int32Array,
  specialTokens: readonly string[],
): BpeVocabulary {
  const byteToId = new Int32Array(256);
  GPT2_BYTE_ORDER.forEach((b, i) => {
    byteToId[b] = i;
  });
  const mergeResult = new Int32Array(mergeLeft.length);
  for (let r = 0; r < mergeResult.length; r++) mergeResult[r] = 256 + r;
  const special = new Map<string, number>();
  for (const token of specialTokens) special.set(token, 256 + mergeLeft.length + special.size);
  return {
    byteToId,
    mergeLeft,
    mergeRight,
    mergeResult,
    specialTokens: special,
    vocabSize: 256 + mergeLeft.length + special.size,
  };
}
