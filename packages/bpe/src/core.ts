/**
 * @lxmls/bpe/core: byte-level BPE without GPT-2's vocabulary, for a tokenizer you train (`trainBPE`) or load
 * (`loadGpt2Files`, `loadTokenizerJson`). Nothing here imports the 181 kB of GPT-2 merges, with or without a
 * bundler; GPT-2's vocabulary is behind `@lxmls/bpe/gpt2` (and `@lxmls/bpe`, which has both).
 *
 * @packageDocumentation
 */

export { bytesToUnicode, GPT2_BYTE_ORDER } from './bytes-to-unicode.js';
export type { EncodeOptions, EncodePart, EncoderOptions, EncodeWork } from './encoder.js';
export { Encoder } from './encoder.js';
export type { BpeErrorCode, BpeErrorDetails } from './errors.js';
export { LxmlsBpeError } from './errors.js';
export type { LoadGpt2FilesOptions } from './load.js';
export { loadGpt2Files, loadTokenizerJson } from './load.js';
export { GPT2_PATTERN, preTokenize } from './pretokenize.js';
export type { Gpt2Files } from './serialize.js';
export { saveGpt2Files, saveTokenizerJson } from './serialize.js';
export type { CharTokenizeOptions } from './simple.js';
export { charTokenize, wordTokenize } from './simple.js';
export { StreamingDecoder } from './streaming.js';
// all of text-tokenizer.ts: charTokenizer, charTokenizerFromJson, trainCharTokenizer, textTokenizerFromEncoder,
// textTokenizerFromJson and the CharTokenizer and TextTokenizer types
export * from './text-tokenizer.js';
export type { TrainBPEOptions, TrainBPEProgress } from './train.js';
export { trainBPE } from './train.js';
export type { BpeVocabulary } from './vocabulary.js';
