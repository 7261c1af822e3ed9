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
