/**
 * generateOnnx: autoregressive generation on an ONNX Runtime session of a KV-cache export
 * (`exportOnnx(model, { kvCache: true })`), with @lxmls/gpt's `generate` semantics: the same options
 * (temperature, greedy or sampled, top-k, top-p, a seeded generator, `onToken`) and the same result, an int32
 * `(B, T + maxNewTokens)` tensor. The past keys and values stay in the runtime's tensors between steps; past
 * `blockSize` positions the context slides and is run again whole, as `generate` does.
 *
 * Follows packages/gpt/src/generate.ts (minGPT's `GPT.generate` plus the cache); a sampled step is @lxmls/gpt's
 * `pickNext` itself (filter, softmax, sample, with @lxmls/tensor's kernels), a greedy step the argmax of the
 * logits in place (the same token: the softmax keeps the order).
 */

import { type GenerateOptions, pickNext, scaleLogits } from '@lxmls/gpt';
import { getGenerator, RandomGenerator, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { check, LxmlsOnnxError } from './errors.js';
import type { OnnxSession } from './session.js';

/** Options of {@link generateOnnx}: @lxmls/gpt's {@link GenerateOptions} and the block size. */
export interface GenerateOnnxOptions extends Omit<GenerateOptions, 'useCache'> {
  /**
   * The model's longest context (`model.config.blockSize`); past it the context slides. Default: the block
   * size the export recorded in its metadata, else no limit.
   */
  blockSize?: number;
}

/**
 * A greedy step on the last logits `(B, V)`: each row's first largest logit, the token `pickNext` takes (the
 * softmax, the temperature, top-k and top-p all keep the largest logit the most likely), without its
 * tensors: about 0.1 ms per token of GPT-2's vocabulary against 1.1–1.4 ms for scale, softmax and argmax on
 * the wasm backend. Undefined when a logit is not finite (the caller's `scaleLogits` then names it).
 */
function greedyPick(logits: Float32Array, B: number, V: number): number[] | undefined {
  const next: number[] = [];
  for (let b = 0; b < B; b++) {
    let best = 0;
    let largest = logits[b * V]!;
    let finite = 0; // stays 0 while every logit is finite (x · 0 is NaN for ±Infinity and NaN)
    for (let j = 0; j < V; j++) {
      const v = logits[b * V + j]!;
      finite += v * 0;
      if (v > largest) {
        largest = v;
        best = j;
      }
    }
    if (finite !== 0) return undefined;
    next.push(best);
  }
  return next;
}

/** Throws `INVALID_OPTION` for an argument of generateOnnx. */
function invalid(argument: string, expected: string, received: string): never {
  check.fail('generateOnnx', argument, undefined, `${argument} is out of range`, expected, { received });
}

/**
 * Completes each row of `idx` with `maxNewTokens` tokens on a session of a KV-cache export, as @lxmls/gpt's
 * `generate` does on the model (greedy: the same ids). An export with `numLogitsToKeep` is fed
 * `num_logits_to_keep = 1`: each step's head runs on the last position only.
 *
 * @param onnx - A session of `exportOnnx(model, { kvCache: true })`, from {@link createSession}.
 * @param idx - Token ids, int32 `(B, T)`.
 * @param maxNewTokens - How many tokens to add; `≤ 0` returns `idx` itself.
 * @param options - `blockSize`, and `generate`'s `temperature`, `doSample`,
 *   `topK`, `topP`, `generator`, `seed`, `onToken`.
 * @returns int32 `(B, T + maxNewTokens)`: the input followed by the new tokens.
 * @throws {@link LxmlsOnnxError} `UNSUPPORTED_MODEL` for a session without the KV-cache inputs;
 *   `INVALID_OPTION` for ids that are not int32 `(B, T)`, a temperature ≤ 0, a topK below 1, a topP outside (0, 1].
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { createSession, exportOnnx, generateOnnx } from '@lxmls/onnx';
 * import { RandomGenerator, tensor } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const onnx = await createSession(exportOnnx(model, { kvCache: true }));
 * const idx = tensor([[1, 4, 4, 3]], undefined, 'int32');
 * const out = await generateOnnx(onnx, idx, 20, { blockSize: 11 }); // slides past the block of 11
 * console.log(out.toArray(2)[0]?.join(' ') === model.generate(idx, 20).toArray(2)[0]?.join(' ')); // → true
 * ```
 */
export async function generateOnnx(
  onnx: OnnxSession,
  idx: Tensor,
  maxNewTokens: number,
  options: GenerateOnnxOptions = {},
): Promise<Tensor> {
  const { session, runtime } = onnx;
  const { temperature = 1, doSample = false, topK = null, topP = null, onToken } = options;
  const blockSize = options.blockSize ?? onnx.blockSize ?? Number.POSITIVE_INFINITY;
  if (idx.dtype !== 'int32' || idx.shape.length !== 2 || idx.shape[1] === 0)
    invalid('idx', 'int32 (B, T) with T ≥ 1', `${idx.dtype} (${idx.shape.join(', ')})`);
  if (!Number.isInteger(maxNewTokens)) invalid('maxNewTokens', 'an integer', String(maxNewTokens));
  if (!(temperature > 0)) invalid('temperature', 'a number > 0', String(temperature));
  if (topK !== null && !(Number.isInteger(topK) && topK >= 1))
    invalid('topK', 'an integer ≥ 1', String(topK));
  if (topP !== null && !(topP > 0 && topP <= 1)) invalid('topP', 'a number in (0, 1]', String(topP));
  const layers = session.inputNames.filter((n) => /^past_key_values\.\d+\.key$/.test(n)).length;
  const meta = session.inputMetadata?.find((m) => m.name === 'past_key_values.0.key')?.shape;
  const [nh, hs] = [meta?.[1], meta?.[3]];
  if (
    layers === 0 ||
    typeof nh !== 'number' ||
    typeof hs !== 'number' ||
    !session.inputNames.includes('position_ids')
  )
    check.fail(
      'generateOnnx',
      'session',
      undefined,
      'the session has no KV-cache inputs',
      'a session of exportOnnx(model, { kvCache: true }) (past_key_values.N.key, …)',
      { code: 'UNSUPPORTED_MODEL', received: session.inputNames.join(', ') },
    );
  if (maxNewTokens <= 0) return idx;
  const keepInput = session.inputNames.includes('num_logits_to_keep');
  const generator =
    options.generator ?? (options.seed !== undefined ? new RandomGenerator(options.seed) : getGenerator());

  const [B, T] = idx.shape as [number, number];
  const all = idx.data();
  const rows = Array.from({ length: B }, (_, b) => Array.from(all.subarray(b * T, (b + 1) * T)));
  const empty = () => new runtime.Tensor('float32', new Float32Array(0), [B, nh, 0, hs]);
  let past: unknown[] = [];
  let pastLength = 0;
  for (let step = 0; step < maxNewTokens; step++) {
    const total = rows[0]!.length;
    // as generate: the cache holds positions 0 … total-2 while the context fits; past blockSize every position
    // shifts (learned absolute positions), so the last blockSize tokens are run again without a cache
    const cached = total <= blockSize;
    if (!cached || past.length === 0) {
      past = Array.from({ length: 2 * layers }, empty);
      pastLength = 0;
    }
    const start = cached ? pastLength : total - blockSize;
    const n = total - start;
    const ids = new BigInt64Array(B * n);
    const positions = new BigInt64Array(B * n);
    for (const [b, row] of rows.entries())
      for (let j = 0; j < n; j++) {
        ids[b * n + j] = BigInt(row[start + j]!);
        positions[b * n + j] = BigInt(cached ? start + j : j);
      }
    const feeds: Record<string, unknown> = {
      input_ids: new runtime.Tensor('int64', ids, [B, n]),
      attention_mask: new runtime.Tensor('int64', new BigInt64Array(B * (pastLength + n)).fill(1n), [
        B,
        pastLength + n,
      ]),
      position_ids: new runtime.Tensor('int64', positions, [B, n]),
    };
    // the head on the last position only, where the export can (its prompt step skips the head elsewhere)
    if (keepInput) feeds.num_logits_to_keep = new runtime.Tensor('int64', BigInt64Array.of(1n), []);
    for (let i = 0; i < layers; i++) {
      feeds[`past_key_values.${i}.key`] = past[2 * i];
      feeds[`past_key_values.${i}.value`] = past[2 * i + 1];
    }
    const out = await session.run(feeds);
    past = Array.from({ length: 2 * layers }, (_, j) => out[`present.${j >> 1}.${j & 1 ? 'value' : 'key'}`]);
    pastLength = cached ? pastLength + n : 0;
    if (!cached) past = [];
    // the logits of the last position of each row, scaled by the temperature as generate scales them
    // (scaleLogits: NOT_FINITE for a NaN logit, the greedy limit for a temperature that overflows float32)
    const logits = out.logits!;
    const [, K, V] = logits.dims as [number, number, number]; // K = n, or 1 with num_logits_to_keep
    const data = logits.data as Float32Array; // (B, K, V)
    // one position per row (every cached step): the output is already (B, V), read in place
    let last = data.subarray(0, B * V); // (B, V)
    if (K > 1) {
      last = new Float32Array(B * V);
      for (let b = 0; b < B; b++) last.set(data.subarray((b * K + K - 1) * V, (b * K + K) * V), b * V);
    }
    if (topK !== null && topK > V)
      invalid('topK', `an integer in [1, ${V}] (the vocabulary size)`, String(topK));
    const next =
      (doSample ? undefined : greedyPick(last, B, V)) ??
      tidy(() =>
        pickNext(scaleLogits(tensor(last, [B, V]), temperature), { doSample, topK, topP, generator }),
      );
    for (const [b, row] of rows.entries()) row.push(next[b]!);
    onToken?.(next, step);
  }
  return tensor(Int32Array.from(rows.flat()), [B, T + maxNewTokens], 'int32'); // (B, T + maxNewTokens)
}
