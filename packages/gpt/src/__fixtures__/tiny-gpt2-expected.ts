// The Hugging Face reference outputs of the tiny random GPT-2 in ./tiny-gpt2 (transformers 5.17, eager attention,
// float32, eval mode), typed: read by gpt's pretrained.test.ts and tools/webgpu-models.browser.test.ts.
import { readFileSync } from 'node:fs';

/** `a`: logits, argmaxes, attention weights and 30 greedy tokens of one prompt; `b`: the loss of another. */
export interface TinyGpt2Expected {
  a: {
    input_ids: number[];
    greedy: number[];
    logits_first8: number[][];
    argmax: number[];
    attentions: number[];
  };
  b: { input_ids: number[]; loss: number; argmax: number[] };
}

/** tiny-gpt2-expected.json, beside this file. */
export const TINY_GPT2_EXPECTED = JSON.parse(
  readFileSync(new URL('./tiny-gpt2-expected.json', import.meta.url), 'utf8'),
) as TinyGpt2Expected;
