/**
 * forwardOnnx: one forward pass of an exported GPT on ONNX Runtime, as @lxmls/gpt's `model.forward(idx, null,
 * { returnAttentions: true })` gives it: the logits of every position and, when the export has them, every
 * layer's attention weights, as @lxmls/tensor tensors. A KV-cache export is run with empty pasts (Tpast = 0),
 * so both layouts of {@link exportOnnx} answer the same; an export with `num_logits_to_keep` is fed 0 (every
 * position).
 *
 * Follows packages/gpt/src/model.ts (`GPTOutput`: `logits` (B, T, V), `attentions` (B, nh, T, T) per layer) and
 * the input/output names of {@link exportOnnx}.
 */

import { type Tensor, tensor } from '@lxmls/tensor';
import { check } from './errors.js';
import type { OnnxSession } from './session.js';

/** What {@link forwardOnnx} returns. */
export interface OnnxForwardOutput {
  /** float32 `(B, T, V)`. */
  logits: Tensor;
  /** Per layer, float32 `(B, nh, T, T)`; empty when the export has no `attentions.N` outputs. */
  attentions: Tensor[];
}

/**
 * Runs an exported GPT on token ids once: the logits of every position and every layer's attention weights
 * (when exported with `attentions: true`). The caller disposes the tensors.
 *
 * @param onnx - A session from {@link createSession} of an {@link exportOnnx} model, with or without the KV cache.
 * @param idx - Token ids, int32 `(B, T)`, T at most the block size.
 * @returns The logits `(B, T, V)` and the attention weights `(B, nh, T, T)` per layer.
 * @throws {@link LxmlsOnnxError} `INVALID_OPTION` for ids that are not int32 `(B, T)` or longer than the
 *   export's block size; `UNSUPPORTED_MODEL` for a session without `input_ids` or `logits`.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { createSession, exportOnnx, forwardOnnx } from '@lxmls/onnx';
 * import { RandomGenerator, tensor } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const onnx = await createSession(exportOnnx(model, { kvCache: true, attentions: true }));
 * const { logits, attentions } = await forwardOnnx(onnx, tensor([[1, 4, 4]], undefined, 'int32'));
 * console.log(logits.shape, attentions.length, attentions[0]!.shape); // → [ 1, 3, 8 ] 3 [ 1, 3, 3, 3 ]
 * ```
 */
export async function forwardOnnx(onnx: OnnxSession, idx: Tensor): Promise<OnnxForwardOutput> {
  const { session, runtime, blockSize } = onnx;
  if (idx.dtype !== 'int32' || idx.shape.length !== 2 || idx.shape[1] === 0)
    check.fail('forwardOnnx', 'idx', undefined, 'idx must be int32 token ids', 'int32 (B, T) with T ≥ 1', {
      received: `${idx.dtype} (${idx.shape.join(', ')})`,
    });
  const [B, T] = idx.shape as [number, number];
  if (blockSize !== undefined && T > blockSize)
    check.fail('forwardOnnx', 'idx', undefined, 'idx is longer than the block size', `T ≤ ${blockSize}`, {
      received: `T = ${T}`,
    });
  if (!session.inputNames.includes('input_ids') || !session.outputNames.includes('logits'))
    check.fail(
      'forwardOnnx',
      'session',
      undefined,
      'the session is not an exported GPT',
      'inputs input_ids (…), outputs logits (…), as exportOnnx writes them',
      { code: 'UNSUPPORTED_MODEL', received: session.inputNames.join(', ') },
    );
  const i64 = (n: number, at: (i: number) => number) =>
    BigInt64Array.from({ length: n }, (_, i) => BigInt(at(i)));
  const ids = idx.data();
  const feeds: Record<string, unknown> = {
    input_ids: new runtime.Tensor(
      'int64',
      i64(B * T, (i) => ids[i]!),
      [B, T],
    ),
  };
  if (session.inputNames.includes('attention_mask'))
    feeds.attention_mask = new runtime.Tensor(
      'int64',
      i64(B * T, () => 1),
      [B, T],
    );
  if (session.inputNames.includes('position_ids'))
    feeds.position_ids = new runtime.Tensor(
      'int64',
      i64(B * T, (i) => i % T),
      [B, T],
    );
  if (session.inputNames.includes('num_logits_to_keep'))
    feeds.num_logits_to_keep = new runtime.Tensor('int64', new BigInt64Array(1), []); // () = 0: every position
  for (const meta of session.inputMetadata ?? []) {
    if (!meta.name.startsWith('past_key_values.')) continue;
    const [nh, hs] = [meta.shape?.[1], meta.shape?.[3]];
    feeds[meta.name] = new runtime.Tensor('float32', new Float32Array(0), [
      B,
      typeof nh === 'number' ? nh : 1,
      0,
      typeof hs === 'number' ? hs : 1,
    ]); // (B, nh, 0, hs)
  }
  const out = await session.run(feeds);
  const asTensor = (name: string) => {
    const t = out[name]!;
    return tensor(t.data as Float32Array, [...t.dims]); // tensor() copies the values: one copy, not two
  };
  const layers = session.outputNames.filter((n) => /^attentions\.\d+$/.test(n)).length;
  return {
    logits: asTensor('logits'), // (B, T, V)
    attentions: Array.from({ length: layers }, (_, i) => asTensor(`attentions.${i}`)), // (B, nh, T, T) each
  };
}
