/**
 * Exercise 3.2's cell In [25] for the docs page: `model.prompt(text, tokens, n)` after `set_seed(seed)`
 * (sampling from the 100 most likely tokens, "pooling") and `model.promptTopK(text, tokens, n)` (the n most
 * likely first tokens, each continued greedily), each printed as the toolkit prints them (80 dashes, then the
 * text). Follows `GPT.prompt` / `GPT.prompt_topK` of `lxmls/transformers/model.py` (docs/course-behaviour.md §2.13).
 */

import { formatSamples, type GPT } from '@lxmls/gpt';
import { manualSeed } from '@lxmls/tensor';

/** What {@link promptBoth} prints for each method. */
export interface PromptingOutput {
  /** `prompt` after `manualSeed(seed)`: the toolkit's printout (a line of 80 `-` before each text). */
  sampled: string;
  /** `promptTopK`: the same printout. */
  topK: string;
  /** The sampled texts. */
  sampledTexts: string[];
  /** The top-k texts. */
  topKTexts: string[];
}

/**
 * Runs the two prompting methods of Exercise 3.2 on one prompt.
 *
 * @param model - A GPT with GPT-2's tokenizer, in eval mode.
 * @param text - The prompt (the notebook's: `Barack Obama, the`).
 * @param tokens - Tokens added to each sample (the notebook's: 50).
 * @param numSamples - Samples per method (the notebook's: 3).
 * @param seed - The `set_seed` before `prompt` (the notebook's: 42).
 * @returns Both printouts and texts.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { promptBoth } from './lib/prompting.js';
 * const model = (await GPT.fromPretrained('packages/gpt/src/__fixtures__/tiny-gpt2')).eval();
 * const out = promptBoth(model, 'Barack Obama, the', 3, 2, 42);
 * console.log(out.sampledTexts.length, out.topK.split('\n')[0]!.length, out.topKTexts[0]!.startsWith('Barack Obama, the')); // → 2 80 true
 * model.dispose();
 * ```
 */
export function promptBoth(
  model: GPT,
  text: string,
  tokens: number,
  numSamples: number,
  seed: number,
): PromptingOutput {
  manualSeed(seed); // set_seed(42): each run of the loop prints the same samples
  const sampledTexts = model.prompt(text, tokens, numSamples);
  const topKTexts = model.promptTopK(text, tokens, numSamples);
  return { sampled: formatSamples(sampledTexts), topK: formatSamples(topKTexts), sampledTexts, topKTexts };
}
