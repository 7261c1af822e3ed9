/**
 * One-call helpers on the bundled GPT-2 vocabulary, for code that does not need an {@link Encoder} object.
 */

import type { EncodeOptions } from './encoder.js';
import { getEncoder } from './gpt2.js';

/**
 * Encodes text with GPT-2's vocabulary: `getEncoder().encode(text, options)`.
 *
 * @param text - Any string.
 * @param options - Special tokens to recognise; none by default.
 * @returns The ids, identical to tiktoken's `gpt2` encoding (`encode_ordinary`).
 * @example
 * ```ts
 * import { encode } from '@lxmls/bpe';
 * console.log(encode("I'M DON'T you're")); // → [ 40, 6, 44, 23917, 6, 51, 345, 821 ]
 * ```
 */
export function encode(text: string, options?: EncodeOptions): number[] {
  return getEncoder().encode(text, options);
}

/**
 * Decodes GPT-2 token ids: `getEncoder().decode(ids)`.
 *
 * @param ids - Integer ids in `[0, 50257)`.
 * @returns The text.
 * @example
 * ```ts
 * import { decode } from '@lxmls/bpe';
 * console.log(decode([15496, 11, 616, 1438, 318])); // → Hello, my name is
 * ```
 */
export function decode(ids: Iterable<number> | ArrayLike<number>): string {
  return getEncoder().decode(ids);
}
