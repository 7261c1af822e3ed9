/**
 * Sampling text from a GPT in a page: `model.generate` a few tokens at a time, so that the page can show
 * each piece as it comes (through `onToken`) and paint between pieces. One seeded generator runs through all
 * the pieces, so a seed always gives the same text.
 */

import type { GPT } from '@lxmls/gpt';
import { RandomGenerator, tensor } from '@lxmls/tensor';

/** Options of {@link sampleTokens}. */
export interface SampleOptions {
  /** Tokens to add. */
  maxNewTokens: number;
  /** Divides the logits (default 1). */
  temperature?: number;
  /** Sample among the k most likely tokens; null: all of them. */
  topK?: number | null;
  /** Seeds the sampling. */
  seed: number;
  /** Tokens per `generate` call (default 16); the page paints between calls. */
  chunk?: number;
  /** Called with each new token, as `generate`'s `onToken`. */
  onToken?: (token: number) => void;
  /** Awaited between chunks (e.g. the next animation frame); resolve to `false` to stop early. */
  pause?: () => Promise<boolean | undefined> | boolean | undefined;
}

/**
 * Continues `prompt` with sampled tokens, in chunks of `generate` calls that share one generator. The model
 * sees at most its last `blockSize` tokens at each step, as in `generate`.
 *
 * @param model - The GPT, in eval mode.
 * @param prompt - Token ids, at least one.
 * @param options - {@link SampleOptions}.
 * @returns The new tokens (without the prompt).
 */
export async function sampleTokens(
  model: GPT,
  prompt: readonly number[],
  options: SampleOptions,
): Promise<number[]> {
  const { maxNewTokens, temperature = 1, topK = null, seed, chunk = 16, onToken, pause } = options;
  if (prompt.length === 0)
    throw new Error('Cannot sample from an empty prompt: type at least one character to continue.');
  const generator = new RandomGenerator(seed);
  const blockSize = model.config.blockSize;
  const all = [...prompt];
  const added: number[] = [];
  while (added.length < maxNewTokens) {
    const n = Math.min(chunk, maxNewTokens - added.length);
    const context = all.slice(-blockSize); // (1, ≤ blockSize): generate crops the same way at every step
    const out = model.generate(tensor([context], undefined, 'int32'), n, {
      doSample: true,
      temperature,
      topK,
      generator,
      onToken: ([token]) => {
        all.push(token!);
        added.push(token!);
        onToken?.(token!);
      },
    });
    out.dispose();
    if (added.length < maxNewTokens && (await pause?.()) === false) break;
  }
  return added;
}
