/**
 * Streaming decode: turns token ids into text as they arrive, for example while a model generates.
 *
 * A GPT-2 token holds bytes, not characters, so one character can be split across tokens: `🤗` is the four
 * bytes F0 9F A4 97, and GPT-2 encodes ` 🤗` as the tokens 12520 (` ` F0 9F), 97 (A4) and 245 (97).
 * Decoding each token on its own would print replacement characters in the middle of the emoji. The
 * decoder below holds back the bytes of an unfinished character until the token that completes it arrives.
 * It follows the WHATWG `TextDecoder` streaming mode, which gives exactly the text of decoding all the bytes
 * in one go, so the pieces always add up to {@link Encoder.decode} of all the ids (Python's
 * `bytes.decode('utf-8', errors='replace')`).
 */

import type { Encoder } from './encoder.js';
import { check, LxmlsBpeError } from './errors.js';

/**
 * Decodes a stream of token ids piece by piece, never splitting a character.
 *
 * Call {@link StreamingDecoder.push} with each new id (or batch of ids): it returns the text that is now
 * complete. Call {@link StreamingDecoder.flush} at the end: it returns what is left, with an unfinished
 * character as U+FFFD. Joined, the pieces equal `encoder.decode(allIds)` for any ids. After `flush` the
 * decoder is empty and can start a new stream.
 *
 * @remarks Python: no counterpart; the toolkit decodes whole sequences with `Encoder.decode`.
 * This is the class of `@lxmls/bpe/core`: the encoder is required, and nothing of GPT-2's data is imported.
 * `@lxmls/bpe` and `@lxmls/bpe/gpt2` export a subclass whose encoder defaults to GPT-2's.
 *
 * @example
 * ```ts
 * import { StreamingDecoder } from '@lxmls/bpe/core';
 * import { getEncoder } from '@lxmls/bpe/gpt2';
 * const decoder = new StreamingDecoder(getEncoder());
 * const pieces = [15496, 12520, 97, 245, 0].map((id) => decoder.push(id));
 * console.log(pieces, JSON.stringify(decoder.flush())); // → [ 'Hello', ' ', '', '🤗', '!' ] ""
 * ```
 */
export class StreamingDecoder {
  /** The encoder whose vocabulary the ids come from. */
  readonly encoder: Encoder;
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });

  /**
   * Creates a decoder with nothing pending.
   *
   * @param encoder - The encoder whose ids will be pushed (the `StreamingDecoder` of `@lxmls/bpe` and
   *   `@lxmls/bpe/gpt2` takes GPT-2's when it is left out; this one, of `@lxmls/bpe/core`, needs it).
   * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `encoder` is not an {@link Encoder}.
   */
  constructor(encoder: Encoder) {
    if (typeof encoder?.decodeBytes !== 'function')
      check.fail(
        'new StreamingDecoder',
        'encoder',
        encoder,
        'encoder must be an Encoder',
        'an Encoder (from getEncoder, trainBPE or a loader)',
      );
    this.encoder = encoder;
  }

  /**
   * Adds token ids and returns the text they complete.
   *
   * Bytes at the end that may still become a character are kept for the next call; bytes that can no
   * longer become one are replaced by U+FFFD at once, as `decode` would.
   *
   * @param ids - One id, or an array, typed array or iterable of ids, in `[0, encoder.vocabSize)`.
   * @returns The newly completed text; `''` if nothing is complete yet.
   * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` for a non-integer id, `UNKNOWN_TOKEN` for an id out of
   *   range; the message names the position in this call's ids. Nothing is consumed when it throws.
   * @example
   * ```ts
   * import { StreamingDecoder } from '@lxmls/bpe';
   * const decoder = new StreamingDecoder();
   * console.log([decoder.push([40, 588, 12520]), decoder.push([97, 245])]); // → [ 'I like ', '🤗' ]
   * ```
   */
  push(ids: number | Iterable<number> | ArrayLike<number>): string {
    const list = this.encoder.checkIds(typeof ids === 'number' ? [ids] : ids, 'StreamingDecoder.push');
    if (list.length === 0) return '';
    return this.decoder.decode(this.encoder.decodeBytes(list), { stream: true });
  }

  /**
   * Ends the stream: returns the text still held back and empties the decoder.
   *
   * @returns The pending text, where an unfinished character becomes U+FFFD; `''` when nothing is pending.
   * @example
   * ```ts
   * import { StreamingDecoder } from '@lxmls/bpe';
   * const decoder = new StreamingDecoder();
   * console.log(JSON.stringify(decoder.push(12520)), decoder.flush() === '\ufffd'); // → " " true
   * ```
   */
  flush(): string {
    return this.decoder.decode();
  }
}
