/**
 * The streaming decoder of GPT-2's vocabulary: {@link StreamingDecoder} of streaming.ts with the encoder made
 * optional, GPT-2's by default. It lives apart from streaming.ts so that `@lxmls/bpe/core` (which exports the
 * base class, encoder required) never imports GPT-2's data; `@lxmls/bpe` and `@lxmls/bpe/gpt2` export this one.
 */

import type { Encoder } from './encoder.js';
import { getEncoder } from './gpt2.js';
import { StreamingDecoder as CoreStreamingDecoder } from './streaming.js';

/**
 * Decodes a stream of token ids piece by piece, never splitting a character; GPT-2's vocabulary unless another
 * encoder is given. Everything else is the streaming decoder of `@lxmls/bpe/core`: `push(ids)` returns the text
 * the ids complete, `flush()` the rest.
 *
 * @remarks Python: no counterpart; the toolkit decodes whole sequences with `Encoder.decode`.
 * @example
 * ```ts
 * import { StreamingDecoder } from '@lxmls/bpe';
 * const decoder = new StreamingDecoder();
 * console.log([decoder.push([40, 588, 12520]), decoder.push([97, 245]), decoder.encoder.vocabSize]); // → [ 'I like ', '🤗', 50257 ]
 * ```
 */
export class StreamingDecoder extends CoreStreamingDecoder {
  /**
   * Creates a decoder with nothing pending.
   *
   * @param encoder - The encoder whose ids will be pushed; GPT-2's (`getEncoder()`) if left out.
   * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `encoder` is given and is not an {@link Encoder}.
   */
  constructor(encoder?: Encoder) {
    super(encoder === undefined ? getEncoder() : encoder);
  }
}
