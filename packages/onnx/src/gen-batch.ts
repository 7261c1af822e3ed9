/**
 * genBatchOnnx: @lxmls/gpt's `genBatch` (the toolkit's `model.prompt_topK`) on an ONNX Runtime session: the
 * `batch` most likely first tokens after the prompt, each continued greedily with {@link generateOnnx}.
 * `lxmls generate --mode topk --backend onnx` runs it; {@link promptRowsOnnx}, @lxmls/gpt's `promptRows` on a
 * session, runs either mode of `lxmls generate --backend onnx` (issue 13: both moved here from the CLI).
 *
 * Follows packages/gpt/src/prompt.ts (`genBatch`: top-k of the softmax of the last position, the context
 * cropped to the block size, then greedy decoding of every row).
 */

import { slice, softmax, tensor, tidy, topk } from '@lxmls/tensor';
import { forwardOnnx } from './forward.js';
import { type GenerateOnnxOptions, generateOnnx } from './generate.js';
import type { OnnxSession } from './session.js';

/**
 * The `batch` most likely continuations of a prompt: row `i` is the prompt, its `i`-th most likely next token,
 * then `maxNewTokens - 1` greedy tokens.
 *
 * @param onnx - A session from {@link createSession} of an {@link exportOnnx} model with the KV cache.
 * @param promptIds - The prompt's token ids, at least one.
 * @param maxNewTokens - Tokens added to each row (at least 1).
 * @param batch - Rows, at most the vocabulary size.
 * @returns Each row's ids, the prompt's first.
 * @throws {@link LxmlsOnnxError} `INVALID_OPTION` as {@link forwardOnnx} and {@link generateOnnx} throw it.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { createSession, exportOnnx, genBatchOnnx } from '@lxmls/onnx';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const onnx = await createSession(exportOnnx(model, { kvCache: true }));
 * const rows = await genBatchOnnx(onnx, [1, 4, 4], 2, 3);
 * console.log(rows.length, rows[0]!.length, new Set(rows.map((r) => r[3])).size); // → 3 5 3
 * ```
 */
export async function genBatchOnnx(
  onnx: OnnxSession,
  promptIds: readonly number[],
  maxNewTokens: number,
  batch: number,
): Promise<number[][]> {
  const T = promptIds.length;
  // the most likely first tokens of the last position (the context cropped to the block size)
  const blockSize = onnx.blockSize ?? T;
  const context = promptIds.slice(Math.max(0, T - blockSize));
  const { logits, attentions } = await forwardOnnx(onnx, tensor([context], undefined, 'int32')); // (1, t, V)
  const V = logits.shape[2]!;
  const first = tidy(() => {
    const last = slice(logits, [0, context.length - 1, 0], [1, 1, V]).reshape([1, V]); // (1, V)
    return Array.from(topk(softmax(last, -1), batch).indices.data());
  });
  for (const t of [logits, ...attentions]) t.dispose();
  const rows = Int32Array.from(first.flatMap((id) => [...promptIds, id]));
  const seeded = tensor(rows, [batch, T + 1], 'int32'); // (N, T + 1)
  const out = await generateOnnx(onnx, seeded, Math.max(0, maxNewTokens - 1)); // greedy
  const ids = out.toArray() as number[][];
  for (const t of new Set([seeded, out])) t.dispose(); // with no new token, out is seeded
  return ids;
}

/**
 * @lxmls/gpt's `promptRows` on an ONNX Runtime session: `numSamples` sampled rows of the prompt (as
 * `generate` of a batch of the prompt repeated, one seeded generator for the batch: the toolkit's
 * `model.prompt`), or, without `options`, {@link genBatchOnnx}'s rows (`model.prompt_topK`).
 *
 * @param onnx - A session from {@link createSession} of an {@link exportOnnx} model with the KV cache.
 * @param promptIds - The prompt's token ids, at least one.
 * @param maxNewTokens - Tokens added to each row.
 * @param numSamples - Rows.
 * @param options - The sampling options of {@link generateOnnx}; undefined: the most likely first tokens, then greedy.
 * @returns Each row's ids, the prompt's first.
 * @throws {@link LxmlsOnnxError} `INVALID_OPTION` as {@link generateOnnx} and {@link genBatchOnnx} throw it.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { createSession, exportOnnx, promptRowsOnnx } from '@lxmls/onnx';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const onnx = await createSession(exportOnnx(model, { kvCache: true }));
 * const rows = await promptRowsOnnx(onnx, [1, 4], 3, 2, { doSample: true, topK: 4, seed: 7 });
 * console.log(rows.length, rows[0]!.length, rows[1]!.slice(0, 2)); // → 2 5 [ 1, 4 ]
 * ```
 */
export async function promptRowsOnnx(
  onnx: OnnxSession,
  promptIds: readonly number[],
  maxNewTokens: number,
  numSamples: number,
  options?: GenerateOnnxOptions,
): Promise<number[][]> {
  if (options === undefined) return genBatchOnnx(onnx, promptIds, maxNewTokens, numSamples);
  const rows = tensor(
    Array.from({ length: numSamples }, () => [...promptIds]),
    undefined,
    'int32',
  ); // (N, T)
  const out = await generateOnnx(onnx, rows, maxNewTokens, options); // (N, T + maxNewTokens)
  const ids = out.toArray() as number[][];
  for (const t of new Set([rows, out])) t.dispose(); // with no new token, out may be rows
  return ids;
}
