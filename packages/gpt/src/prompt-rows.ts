/**
 * promptRows: the token ids of the toolkit's `model.prompt` and `model.prompt_topK` (Exercise 3.2) for a prompt
 * given as ids, so any tokenizer serves (GPT-2's BPE, a character model's, the weather task's words): sampled
 * (or greedy) continuations of the prompt repeated `numSamples` times with `generate`, or, without options,
 * `genBatch`'s `numSamples` most likely first tokens each continued greedily. `lxmls generate` prints their
 * texts (issue 13: moved here from the CLI). {@link promptRowsAsync} is the sampled form on a backend whose
 * reads are asynchronous (`webgpu`), with `generateAsync`. {@link samplingOptions}: the options of a sampled
 * prompt from the choices a user makes (greedy, top-k, top-p, temperature, seed), with the toolkit's default
 * `top_k=100` (moved here from the CLI, issue 13).
 *
 * Follows `GPT.prompt` and `GPT.prompt_topK` of `lxmls/transformers/model.py` (packages/gpt/src/prompt.ts), which
 * decode the same rows with GPT-2's BPE.
 */

import { RandomGenerator, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { type GenerateOptions, generate, generateAsync } from './generate.js';
import type { GPT } from './model.js';
import { genBatch } from './prompt.js';

/** The prompt repeated `numSamples` times: int32 `(numSamples, T)`. */
function repeatRows(promptIds: readonly number[], numSamples: number): Tensor {
  const T = promptIds.length;
  const repeated = Int32Array.from({ length: numSamples * T }, (_, i) => promptIds[i % T]!);
  return tensor(repeated, [numSamples, T], 'int32'); // (numSamples, T)
}

/**
 * The rows of `model.prompt` (with `options`: `generate` on the prompt repeated `numSamples` times) or of
 * `model.prompt_topK` (without: `genBatch` with `batch = numSamples`), as ids.
 *
 * @param model - The GPT.
 * @param promptIds - The prompt's ids, at least one.
 * @param maxNewTokens - Tokens added to each row (`genBatch` adds at least one).
 * @param numSamples - Rows (for `genBatch`, at most the vocabulary size).
 * @param options - `generate`'s options (`doSample`, `topK`, `topP`, `temperature`, `generator`), or undefined
 *   for `genBatch`'s rows.
 * @returns `numSamples` rows of ids, each the prompt's first.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` as `generate` and `genBatch` throw it.
 * @example
 * ```ts
 * import { GPT, promptRows } from '@lxmls/gpt';
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 }, { init: 'lcg' }).eval();
 * console.log(promptRows(model, [1, 4, 4, 4, 3, 2], 6, 2, { doSample: false })); // → [ [ 1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6 ], [ 1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6 ] ]
 * console.log(promptRows(model, [1, 4, 4], 2, 3).map((row) => row.length)); // → [ 5, 5, 5 ]
 * ```
 */
export function promptRows(
  model: GPT,
  promptIds: readonly number[],
  maxNewTokens: number,
  numSamples: number,
  options?: GenerateOptions,
): number[][] {
  return tidy(() => {
    const outputs =
      options === undefined
        ? genBatch(model, tensor([[...promptIds]], undefined, 'int32'), maxNewTokens, { batch: numSamples }) // numSamples × (1, T + maxNewTokens)
        : [generate(model, repeatRows(promptIds, numSamples), maxNewTokens, options)]; // (numSamples, T + maxNewTokens)
    return outputs.flatMap((y) => y.toArray() as number[][]);
  });
}

/**
 * The rows of `model.prompt` on a backend whose reads are asynchronous (`webgpu`): `generateAsync` on the
 * prompt repeated `numSamples` times, the same ids as {@link promptRows} with the same options (one read per
 * token).
 *
 * @param model - The GPT.
 * @param promptIds - The prompt's ids, at least one.
 * @param maxNewTokens - Tokens added to each row.
 * @param numSamples - Rows.
 * @param options - `generate`'s options.
 * @returns `numSamples` rows of ids, each the prompt's first.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` as `generateAsync` throws it.
 * @example
 * ```ts
 * import { GPT, promptRowsAsync } from '@lxmls/gpt';
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 }, { init: 'lcg' }).eval();
 * console.log(await promptRowsAsync(model, [1, 4, 4, 4, 3, 2], 6, 1, { doSample: false })); // → [ [ 1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6 ] ]
 * ```
 */
export async function promptRowsAsync(
  model: GPT,
  promptIds: readonly number[],
  maxNewTokens: number,
  numSamples: number,
  options: GenerateOptions,
): Promise<number[][]> {
  const x = repeatRows(promptIds, numSamples); // (numSamples, T)
  const y = await generateAsync(model, x, maxNewTokens, options); // (numSamples, T + maxNewTokens)
  try {
    return y.toArray() as number[][]; // int32 ids the backend holds on the host too
  } finally {
    x.dispose();
    y.dispose();
  }
}

/** The choices of a sampled prompt that {@link samplingOptions} turns into `generate`'s options. */
export interface SamplingChoice {
  /** Take the most likely token at every step (argmax) instead of sampling. */
  greedy?: boolean;
  /** Sample from the `topK` most likely tokens. */
  topK?: number | undefined;
  /** Sample from the smallest set of tokens whose probabilities add up to `topP` (nucleus); overrides `topK`. */
  topP?: number | undefined;
  /** The logits are divided by it (default 1). */
  temperature?: number;
  /** Seeds a fresh generator for the sampling. */
  seed: number;
}

/**
 * `generate`'s options for a sampled prompt: argmax for `greedy`; otherwise sampling, from the `topK` most
 * likely tokens, or the `topP` nucleus, or by default the toolkit's 100 most likely (`model.prompt`'s
 * `top_k=100`, clamped to the vocabulary size), with a fresh generator seeded by `seed`.
 *
 * @param choice - Greedy or not, `topK`, `topP`, `temperature`, `seed`.
 * @param vocabSize - The model's vocabulary size (clamps the default top-k).
 * @returns The options, for {@link promptRows}.
 * @example
 * ```ts
 * import { samplingOptions } from '@lxmls/gpt';
 * const { generator, ...rest } = samplingOptions({ seed: 42 }, 8);
 * console.log(rest); // → { doSample: true, topK: 8, topP: null, temperature: 1 }
 * ```
 */
export function samplingOptions(choice: SamplingChoice, vocabSize: number): GenerateOptions {
  const { greedy = false, topK, topP, temperature = 1, seed } = choice;
  if (greedy) return { doSample: false, topK: null, topP: null, temperature };
  return {
    doSample: true,
    topK: topP !== undefined ? null : (topK ?? Math.min(100, vocabSize)),
    topP: topP ?? null,
    temperature,
    generator: new RandomGenerator(seed),
  };
}
