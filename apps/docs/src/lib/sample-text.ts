/**
 * Sampling text from a GPT in a page: `model.generate` a few tokens at a time, so that the page can show
 * each piece as it comes (through `onToken`) and paint between pieces. One seeded generator runs through all
 * the pieces, so a seed always gives the same text. {@link generateOnDevice} is the chunk for a model on a
 * backend whose reads are asynchronous (WebGPU).
 */

import { type GenerateOptions, type GPT, pickNext, scaleLogits } from '@lxmls/gpt';
import {
  type Backend,
  noGrad,
  RandomGenerator,
  slice,
  type Tensor,
  tensor,
  tidy,
  withBackend,
} from '@lxmls/tensor';

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

/** One chunk of sampling: `n` tokens after `context`, as `generate` (or `generateOnnx`) takes them. */
export type GenerateChunk = (
  context: Tensor,
  n: number,
  options: GenerateOptions & { generator: RandomGenerator; onToken: (next: number[]) => void },
) => Tensor | Promise<Tensor>;

/**
 * The chunked sampling loop of {@link sampleTokens}, for any generator of chunks (the tensor path's
 * `model.generate`, or ONNX Runtime's `generateOnnx`): one generator seeded with `seed` runs through every
 * chunk, and the context is cropped to the last `blockSize` tokens, as `generate` crops it at every step.
 *
 * @param generateChunk - Generates `n` tokens after a `(1, T)` context.
 * @param blockSize - The model's block size.
 * @param prompt - Token ids, at least one.
 * @param options - {@link SampleOptions}.
 * @returns The new tokens (without the prompt).
 */
export async function sampleInChunks(
  generateChunk: GenerateChunk,
  blockSize: number,
  prompt: readonly number[],
  options: SampleOptions,
): Promise<number[]> {
  const { maxNewTokens, temperature = 1, topK = null, seed, chunk = 16, onToken, pause } = options;
  if (prompt.length === 0)
    throw new Error('Cannot sample from an empty prompt: type at least one character to continue.');
  const generator = new RandomGenerator(seed);
  const all = [...prompt];
  const added: number[] = [];
  while (added.length < maxNewTokens) {
    const n = Math.min(chunk, maxNewTokens - added.length);
    const context = all.slice(-blockSize); // (1, ≤ blockSize): generate crops the same way at every step
    const out = await generateChunk(tensor([context], undefined, 'int32'), n, {
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

/**
 * Continues `prompt` with sampled tokens, in chunks of `generate` calls that share one generator. The model
 * sees at most its last `blockSize` tokens at each step, as in `generate`.
 *
 * @param model - The GPT, in eval mode.
 * @param prompt - Token ids, at least one.
 * @param options - {@link SampleOptions}.
 * @returns The new tokens (without the prompt).
 */
export function sampleTokens(
  model: GPT,
  prompt: readonly number[],
  options: SampleOptions,
): Promise<number[]> {
  return sampleInChunks(
    (context, n, generateOptions) => model.generate(context, n, generateOptions),
    model.config.blockSize,
    prompt,
    options,
  );
}

/**
 * `n` tokens after `context`, as `model.generate` picks them, for a model on a backend whose reads are
 * asynchronous (WebGPU, where `generate`'s synchronous reads throw): the forward pass of the last
 * `blockSize` tokens runs on `device`, the last position's logits come back with one `await dataAsync()`
 * per token, and the temperature, top-k / top-p and the draw run on the current (CPU) backend with
 * `generate`'s own `scaleLogits` and `pickNext` and the same generator, so a seed gives the CPU path's
 * tokens (unless float rounding moves a draw across a boundary). No KV cache: each token runs the window.
 *
 * @param model - The GPT, its weights on `device`, in eval mode.
 * @param context - Token ids `(1, T)` on the current backend.
 * @param n - How many tokens to add.
 * @param options - `generate`'s options (`temperature`, `doSample`, `topK`, `topP`, `generator`, `onToken`).
 * @param device - The backend the model lives on.
 * @returns The ids `(1, T + n)` on the current backend.
 */
export async function generateOnDevice(
  model: GPT,
  context: Tensor,
  n: number,
  options: GenerateOptions & { generator: RandomGenerator },
  device: Backend,
): Promise<Tensor> {
  const { temperature = 1, doSample = false, topK = null, topP = null, generator, onToken } = options;
  const V = model.config.vocabSize;
  const tokens = Array.from(context.data());
  for (let step = 0; step < n; step++) {
    const window = tokens.slice(-model.blockSize); // (1, ≤ blockSize), cropped as generate crops it
    const last = withBackend(device, () =>
      noGrad(() =>
        tidy(() => {
          const { logits } = model.forward(tensor([window], undefined, 'int32'), null); // (1, t, V)
          return slice(logits, [0, window.length - 1, 0], [1, 1, V]).reshape([1, V]); // (1, V)
        }),
      ),
    );
    let data: ArrayLike<number>;
    try {
      data = await last.dataAsync();
    } finally {
      last.dispose();
    }
    const next = tidy(() =>
      pickNext(scaleLogits(tensor(Float32Array.from(data), [1, V]), temperature), {
        doSample,
        topK,
        topP,
        generator,
      }),
    )[0]!;
    tokens.push(next);
    onToken?.([next], step);
  }
  return tensor([tokens], undefined, 'int32'); // (1, T + n)
}
