/**
 * @lxmls/bpe: GPT-2 byte-level BPE with the vocabulary bundled, as in the LxMLS Transformer Day, Exercise 1.
 * Everything of `@lxmls/bpe/core` (no data) and of `@lxmls/bpe/gpt2` (GPT-2's vocabulary), from the same modules.
 *
 * @packageDocumentation
 */

export { bytesToUnicode, GPT2_BYTE_ORDER } from './bytes-to-unicode.js';
export type { EncodeOptions, EncodePart, EncoderOptions, EncodeWork } from './encoder.js';
export { Encoder } from './encoder.js';
export type { BpeErrorCode, BpeErrorDetails } from './errors.js';
export { LxmlsBpeError } from './errors.js';
export { decode, encode } from './functions.js';
export { getEncoder } from './gpt2.js';
export { StreamingDecoder } from './gpt2-streaming.js';
export type { LoadGpt2FilesOptions } from './load.js';
export { loadGpt2Files, loadTokenizerJson } from './load.js';
export { GPT2_PATTERN, preTokenize } from './pretokenize.js';
export type { Gpt2Files } from './serialize.js';
export { saveGpt2Files, saveTokenizerJson } from './serialize.js';
export type { CharTokenizeOptions } from './simple.js';
export { charTokenize, wordTokenize } from './simple.js';
export type { CharTokenizer, TextTokenizer } from './text-tokenizer.js';
export {
  charTokenizer,
  charTokenizerFromJson,
  textTokenizerFromEncoder,
  textTokenizerFromJson,
  trainCharTokenizer,
} from './text-tokenizer.js';
export { BPETokenizer } from './tokenizer.js';
export type { TrainBPEOptions, TrainBPEProgress } from './train.js';
export { trainBPE } from './train.js';
export type { BpeVocabulary } from './vocabulary.js';
