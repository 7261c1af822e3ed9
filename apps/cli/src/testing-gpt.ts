/**
 * A test helper: a small GPT with the GPT-2 vocabulary (so the BPE prompts fit), deterministic weights (the
 * LCG stream of docs/course-behaviour.md §8) and a block size of 16 (so that cropping a long prompt is cheap to
 * test), saved as a Hugging Face checkpoint folder (`config.json` + `model.safetensors`, about 6.5 MB).
 */

import type { GPTConfig } from '@lxmls/gpt';
import { GPT } from '@lxmls/gpt';

/**
 * The config of {@link saveTinyGpt}: 2 layers, 2 heads, 16 channels, GPT-2's 50,257 tokens, block size 16.
 *
 * @example
 * ```ts
 * import { TINY_GPT_CONFIG } from './testing-gpt.js';
 * console.log(TINY_GPT_CONFIG.vocabSize, TINY_GPT_CONFIG.blockSize); // → 50257 16
 * ```
 */
export const TINY_GPT_CONFIG: GPTConfig = {
  ...GPT.getDefaultConfig(),
  modelType: null,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  vocabSize: 50257,
  blockSize: 16,
};

/**
 * Builds the tiny GPT (LCG weights, eval mode) and saves it into `dir`.
 *
 * @param dir - The checkpoint folder to write (created if needed).
 * @param config - Changes to {@link TINY_GPT_CONFIG}.
 * @returns The model, in eval mode; dispose it when done.
 * @example
 * ```ts
 * import { mkdtempSync, readdirSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { saveTinyGpt } from './testing-gpt.js';
 * const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'tiny');
 * const model = await saveTinyGpt(dir);
 * console.log(model.parameterCountLine(), readdirSync(dir).sort()); // → number of parameters: 0.81M [ '.lxmls-commit.json', 'config.json', 'model.safetensors' ]
 * model.dispose();
 * ```
 */
export async function saveTinyGpt(dir: string, config: Partial<GPTConfig> = {}): Promise<GPT> {
  const model = new GPT({ ...TINY_GPT_CONFIG, ...config }, { init: 'lcg' }).eval();
  await model.save(dir);
  return model;
}
