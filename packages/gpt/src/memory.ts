/**
 * How much memory training a GPT needs, estimated from its config before anything is built, and the check
 * that refuses a run that cannot fit (issue 17: `--batch-size 65536` or `--model-type gpt2-xl` used to end in
 * "WASM memory cannot grow" after allocating 4 GB).
 *
 * The estimate is a floor, so that it never refuses a run that fits: the parameters four times (weights,
 * gradients, AdamW's two moments), plus per layer and token the activations that backward keeps (the two
 * layer norms, q/k/v, the attention output and projection, the MLP's 4C hidden layer before and after GELU,
 * the residuals: 16 C floats), plus the logits, their softmax and their gradient. The attention weights are
 * not counted (a fused kernel need not keep them), nor temporaries or the allocator's slack: a real run needs
 * more.
 */

import { type GPTConfig, resolveConfig } from './config.js';
import { check } from './errors.js';

/** What {@link trainingMemoryBytes} estimates, in bytes. */
export interface TrainingMemory {
  /** Weights, gradients and the two AdamW moments: 16 bytes per parameter. */
  parameters: number;
  /** The activations one training step keeps for backward, logits included. */
  activations: number;
  /** Their sum. */
  total: number;
}

/**
 * Estimates the memory one training step of a GPT needs (a floor; see the module's header).
 *
 * @param config - The GPT config (a model type, or sizes), with `vocabSize` and `blockSize`.
 * @param batchSize - Sequences per batch.
 * @returns The bytes of the parameters' state, of the activations, and their sum.
 * @example
 * ```ts
 * import { getDefaultConfig, trainingMemoryBytes } from '@lxmls/gpt';
 * const m = trainingMemoryBytes({ ...getDefaultConfig(), modelType: 'gpt2-xl', vocabSize: 50257, blockSize: 1024 }, 1);
 * console.log((m.parameters / 2 ** 30).toFixed(1), 'GiB'); // → 24.4 GiB
 * ```
 */
export function trainingMemoryBytes(config: GPTConfig, batchSize: number): TrainingMemory {
  return estimate(config, batchSize, 'trainingMemoryBytes').memory;
}

function estimate(config: GPTConfig, batchSize: number, fn: string) {
  const resolved = resolveConfig({ ...config }, fn); // a copy: resolveConfig fills in the sizes, as minGPT
  const { nLayer: L, nEmbd: C, vocabSize: V, blockSize: T } = resolved;
  const params = 2 * V * C + T * C + L * (12 * C * C + 13 * C) + 2 * C; // wte, lm_head, wpe, blocks, ln_f
  const tokens = batchSize * T;
  const activations = 4 * tokens * (16 * L * C + 3 * V);
  const parameters = 16 * params;
  return { resolved, memory: { parameters, activations, total: parameters + activations } };
}

/**
 * Refuses a training run whose {@link trainingMemoryBytes} exceeds what the runtime can give, before the
 * model is built: `TOO_LARGE`, naming the limit, the estimate, the model and the batch.
 *
 * @param config - The GPT config.
 * @param batchSize - Sequences per batch.
 * @param limitBytes - What the backend can hold (4 GiB for WebAssembly's 32-bit memory).
 * @param limitName - The limit in words, for the message, e.g. `the wasm backend's 4 GiB`.
 * @throws {@link LxmlsGptError} `TOO_LARGE` when the estimate is over the limit.
 * @example
 * ```ts
 * import { checkTrainingMemory, getDefaultConfig } from '@lxmls/gpt';
 * const config = { ...getDefaultConfig(), modelType: 'gpt-micro', vocabSize: 65, blockSize: 64 };
 * checkTrainingMemory(config, 32, 2 ** 32, "the wasm backend's 4 GiB"); // fits: nothing happens
 * try {
 *   checkTrainingMemory(config, 65536, 2 ** 32, "the wasm backend's 4 GiB");
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/gpt] checkTrainingMemory: training needs more memory than the runtime has. Expected at most the wasm backend's 4 GiB, received at least 131.1 GiB (0.0 GiB of parameters and optimizer state, 131.0 GiB of activations) for 4 layers, 4 heads, 128 channels, vocabulary 65, batch size 65536, block size 64. Lower the batch size or the block size, or train a smaller model.
 * }
 * ```
 */
export function checkTrainingMemory(
  config: GPTConfig,
  batchSize: number,
  limitBytes: number,
  limitName: string,
): void {
  const fn = 'checkTrainingMemory';
  const { resolved, memory: m } = estimate(config, batchSize, fn);
  if (m.total <= limitBytes) return;
  const { nLayer, nHead, nEmbd, vocabSize, blockSize } = resolved;
  const gib = (bytes: number) => `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  check.fail(
    fn,
    'batchSize',
    batchSize,
    'training needs more memory than the runtime has',
    `at most ${limitName}`,
    {
      code: 'TOO_LARGE',
      received: `at least ${gib(m.total)} (${gib(m.parameters)} of parameters and optimizer state, ${gib(m.activations)} of activations) for ${nLayer} layers, ${nHead} heads, ${nEmbd} channels, vocabulary ${vocabSize}, batch size ${batchSize}, block size ${blockSize}`,
      hint: 'Lower the batch size or the block size, or train a smaller model.',
    },
  );
}

/** What {@link checkGenerationMemory} is asked about: one call of `generate`. */
export interface GenerationSize {
  /** Rows generated at once (the samples). */
  batchSize: number;
  /** Tokens of the prompt. */
  promptLength: number;
  /** Tokens added. */
  maxNewTokens: number;
}

/**
 * Estimates (a floor) the memory of one `generate` call: the weights, the KV cache of every row (keys and
 * values of every layer for the context, up to the block size) and the largest logits (B, T, V) of a step
 * (the prompt's, or a whole block once the context slides past the block size).
 *
 * @param config - The GPT config.
 * @param size - The rows, the prompt's length and the new tokens.
 * @returns Bytes.
 * @example
 * ```ts
 * import { generationMemoryBytes, getDefaultConfig } from '@lxmls/gpt';
 * const gpt2 = { ...getDefaultConfig(), modelType: 'gpt2', vocabSize: 50257, blockSize: 1024 };
 * const bytes = generationMemoryBytes(gpt2, { batchSize: 1000, promptLength: 1000, maxNewTokens: 50 });
 * console.log((bytes / 2 ** 30).toFixed(1), 'GiB'); // → 262.5 GiB
 * ```
 */
export function generationMemoryBytes(config: GPTConfig, size: GenerationSize): number {
  return generationEstimate(config, size, 'generationMemoryBytes').bytes;
}

function generationEstimate(config: GPTConfig, size: GenerationSize, fn: string) {
  const { resolved, memory } = estimate(config, 1, fn);
  const { nLayer: L, nEmbd: C, vocabSize: V, blockSize: T } = resolved;
  const { batchSize: B, promptLength, maxNewTokens } = size;
  const total = promptLength + maxNewTokens;
  const widest = total > T ? T : Math.min(promptLength, T); // the most positions one forward pass sees
  const cache = 4 * B * L * 2 * Math.min(total, T) * C; // keys and values (B, nh, T, hs) per layer
  const logits = 4 * B * widest * V; // (B, T, V)
  const weights = 4 * (memory.parameters / 16 - V * C); // 4 bytes a parameter, the head counted as tied
  return { resolved, bytes: weights + cache + logits };
}

/**
 * Refuses a `generate` call whose {@link generationMemoryBytes} exceeds what the runtime can give, before
 * it starts: `TOO_LARGE`, naming the limit, the estimate and the sizes (issue 17: `--num-samples 1000` on
 * GPT-2 used to fail inside WebAssembly).
 *
 * @param config - The GPT config.
 * @param size - The rows, the prompt's length and the new tokens.
 * @param limitBytes - What the backend can hold.
 * @param limitName - The limit in words, for the message.
 * @throws {@link LxmlsGptError} `TOO_LARGE` when the estimate is over the limit.
 * @example
 * ```ts
 * import { checkGenerationMemory, getDefaultConfig } from '@lxmls/gpt';
 * const gpt2 = { ...getDefaultConfig(), modelType: 'gpt2', vocabSize: 50257, blockSize: 1024 };
 * checkGenerationMemory(gpt2, { batchSize: 3, promptLength: 5, maxNewTokens: 50 }, 2 ** 32, '4 GiB'); // fits
 * try {
 *   checkGenerationMemory(gpt2, { batchSize: 1000, promptLength: 1000, maxNewTokens: 50 }, 2 ** 32, '4 GiB');
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/gpt] checkGenerationMemory: generation needs more memory than the runtime has. Expected at most 4 GiB, received at least 262.5 GiB for 1000 rows of 1000 + 50 tokens on 12 layers, 768 channels, vocabulary 50257. Generate fewer samples at once, or from a shorter prompt.
 * }
 * ```
 */
export function checkGenerationMemory(
  config: GPTConfig,
  size: GenerationSize,
  limitBytes: number,
  limitName: string,
): void {
  const fn = 'checkGenerationMemory';
  const { resolved, bytes } = generationEstimate(config, size, fn);
  if (bytes <= limitBytes) return;
  const { nLayer, nEmbd, vocabSize } = resolved;
  const { batchSize, promptLength, maxNewTokens } = size;
  check.fail(
    fn,
    'size.batchSize',
    batchSize,
    'generation needs more memory than the runtime has',
    `at most ${limitName}`,
    {
      code: 'TOO_LARGE',
      received: `at least ${(bytes / 2 ** 30).toFixed(1)} GiB for ${batchSize} rows of ${promptLength} + ${maxNewTokens} tokens on ${nLayer} layers, ${nEmbd} channels, vocabulary ${vocabSize}`,
      hint: 'Generate fewer samples at once, or from a shorter prompt.',
    },
  );
}
