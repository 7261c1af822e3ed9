/**
 * Test helpers shared by export.test.ts and generate.test.ts: the seeded gpt-nano both export and run, and
 * int32 ids from rows. Not part of the published API.
 */

import { GPT } from '@lxmls/gpt';
import { RandomGenerator, type Tensor, tensor } from '@lxmls/tensor';

/** int32 token ids `(B, T)` from rows. */
export const ids = (rows: number[][]): Tensor => tensor(rows, undefined, 'int32');

/**
 * A seeded gpt-nano, vocabulary 11, block 40, in eval mode: the exercise layout (query_proj, key_proj, …)
 * or, with `pretrained`, GPT-2's (c_attn, c_proj).
 */
export function nano(pretrained: boolean): GPT {
  const config = {
    ...GPT.getDefaultConfig(),
    modelType: 'gpt-nano',
    vocabSize: 11,
    blockSize: 40,
    pretrained,
  };
  return new GPT(config, { generator: new RandomGenerator(7) }).eval();
}
