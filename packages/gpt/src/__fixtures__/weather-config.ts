// The config of the tests' small GPT: gpt-nano (3 layers, 3 heads, 48 channels) over the weather task's 8
// tokens and 11 positions, as Exercise 3.1 trains it, with a test's changes on top.
import { type GPTConfig, getDefaultConfig } from '../config.js';

/** gpt-nano for the weather task (vocabulary 8, block size 11), with `patch` on top. */
export const weatherConfig = (patch: Partial<GPTConfig> = {}): GPTConfig => ({
  ...getDefaultConfig(),
  modelType: 'gpt-nano',
  vocabSize: 8,
  blockSize: 11,
  ...patch,
});
