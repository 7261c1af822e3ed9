/**
 * @lxmls/bpe/gpt2: GPT-2's vocabulary (50,257 tokens, the merges bundled as 181 kB of printable ASCII, decoded
 * on first use) and the helpers on it. `@lxmls/bpe` exports the same functions and classes (the same modules:
 * a bundle that imports both holds the data once); `@lxmls/bpe/core` has everything else, without the data.
 *
 * @packageDocumentation
 */

export type { EncodeOptions } from './encoder.js';
export { decode, encode } from './functions.js';
export { getEncoder } from './gpt2.js';
export { StreamingDecoder } from './gpt2-streaming.js';
export { BPETokenizer } from './tokenizer.js';
