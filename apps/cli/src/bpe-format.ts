/**
 * How the course prints BPE results: a part of `encode_and_show_work` as the Python dict `print(part)` shows
 * (bpe.py's `__main__` demo), with its keys in snake_case and in Python's order.
 */

import { pyRepr } from '@lxmls/base';
import type { EncodePart } from '@lxmls/bpe';

/**
 * One part of `encodeAndShowWork` as Python prints the dict.
 *
 * @remarks Python: `print(part)` for a part of `Encoder.encode_and_show_work(text)['parts']`.
 * @param part - The part.
 * @returns `{'token': ..., 'token_bytes': b'...', 'token_translated': ..., 'token_merged': [...], 'token_ix': [...]}`.
 * @example
 * ```ts
 * import { getEncoder } from '@lxmls/bpe';
 * import { partRepr } from './bpe-format.js';
 * console.log(partRepr(getEncoder().encodeAndShowWork('Hello').parts[0]!)); // → {'token': 'Hello', 'token_bytes': b'Hello', 'token_translated': 'Hello', 'token_merged': ['Hello'], 'token_ix': [15496]}
 * ```
 */
export function partRepr(part: EncodePart): string {
  return pyRepr({
    token: part.token,
    token_bytes: part.tokenBytes,
    token_translated: part.tokenTranslated,
    token_merged: part.tokenMerged,
    token_ix: part.tokenIx,
  });
}
