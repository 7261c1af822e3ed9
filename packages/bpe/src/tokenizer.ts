/**
 * `BPETokenizer`: the course's entry point to GPT-2 tokenization.
 *
 * Follows `BPETokenizer` of lxmls.transformers.bpe (docs/course-behaviour.md §1.7). Python's
 * `tokenizer(text)` returns a (1, T) int64 tensor; this package has no tensors, so `encode(text)` returns the
 * T ids and the model packages add the batch dimension. Every instance shares one lazily built GPT-2 encoder
 * (Python reloads the files for each instance).
 */

import type { EncodeOptions, Encoder } from './encoder.js';
import { getEncoder } from './gpt2.js';

/**
 * GPT-2's tokenizer with the vocabulary bundled.
 *
 * @remarks Python: `lxmls.transformers.bpe.BPETokenizer`.
 * @example
 * ```ts
 * import { BPETokenizer } from '@lxmls/bpe';
 * const tokenizer = new BPETokenizer();
 * const work = tokenizer.encoder.encodeAndShowWork('running is very cool');
 * console.log(work.parts.flatMap((part) => part.tokenMerged)); // → [ 'running', 'Ġis', 'Ġvery', 'Ġcool' ]
 * ```
 */
export class BPETokenizer {
  /** The GPT-2 {@link Encoder}, built on first access. Python: `BPETokenizer.encoder`. */
  get encoder(): Encoder {
    return getEncoder();
  }

  /**
   * Encodes text to ids. Python: `tokenizer(text)[0]`.
   *
   * @param text - Any string.
   * @param options - Special tokens to recognise; none by default.
   * @returns The ids.
   * @example
   * ```ts
   * import { BPETokenizer } from '@lxmls/bpe';
   * console.log(new BPETokenizer().encode('Hello, my name is')); // → [ 15496, 11, 616, 1438, 318 ]
   * ```
   */
  encode(text: string, options?: EncodeOptions): number[] {
    return getEncoder().encode(text, options);
  }

  /**
   * Decodes ids to text. Python: `tokenizer.decode(idx)`.
   *
   * @param ids - Token ids.
   * @returns The text.
   * @example
   * ```ts
   * import { BPETokenizer } from '@lxmls/bpe';
   * console.log(new BPETokenizer().decode([36235, 39141, 11, 262])); // → Alan Turing, the
   * ```
   */
  decode(ids: Iterable<number> | ArrayLike<number>): string {
    return getEncoder().decode(ids);
  }
}
