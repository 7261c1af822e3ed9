/**
 * @lxmls/bpe: GPT-2 byte-level BPE with the vocabulary bundled, as in the LxMLS Transformer Day, Exercise 1.
 * Everything of `@lxmls/bpe/core` (no data) and of `@lxmls/bpe/gpt2` (GPT-2's vocabulary), from the same modules:
 * the two export lists are core.ts and gpt2-entry.ts.
 *
 * @packageDocumentation
 */

export * from './core.js';
export * from './gpt2-entry.js';
// both entries have a StreamingDecoder: @lxmls/bpe's is GPT-2's (the vocabulary by default), as /gpt2's
export { StreamingDecoder } from './gpt2-entry.js';
