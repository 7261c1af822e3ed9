/**
 * Tests of forwardOnnx (on onnxruntime-node and onnxruntime-web's wasm build in Node, graph optimisations on):
 * the logits and every layer's attention weights of both export layouts (with and without the KV cache), and of
 * the fused graph (ONNX Runtime's contrib operators; `num_logits_to_keep` fed 0), equal @lxmls/gpt's
 * `forward(idx, null, { returnAttentions: true })` on the tiny-gpt2 fixture; bad ids and a WebGPU session in
 * Node fail with clear errors.
 */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT } from '@lxmls/gpt';
import { RandomGenerator, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsOnnxError } from './errors.js';
import { exportOnnx } from './export.js';
import { forwardOnnx } from './forward.js';
import { createSession } from './session.js';

const TINY_GPT2 = join(dirname(fileURLToPath(import.meta.url)), '__fixtures__/tiny-gpt2');

/** The largest |a - b| / (1 + |b|). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
}

const errorCode = async (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => (LxmlsOnnxError.isInstance(e) ? e.code : String(e)),
  );

describe.each(['onnx-node', 'onnx-wasm'] as const)('forwardOnnx on %s', (backend) => {
  test.each([
    { kvCache: false, attentions: true },
    { kvCache: true, attentions: true },
    { kvCache: true, attentions: true, fused: true, numLogitsToKeep: true },
    { kvCache: false, fused: true },
  ])(
    'forwardOnnx(tiny-gpt2 exported with %o, 2 rows) gives forward’s logits and attentions',
    async (options) => {
      const model = (await GPT.fromPretrained(TINY_GPT2)).eval();
      const onnx = await createSession(exportOnnx(model, options), { backend, numThreads: 1 });
      const idx = tensor(
        [
          [10374, 441, 2486, 11, 262],
          [464, 3797, 3332, 319, 262],
        ],
        undefined,
        'int32',
      );
      const got = await forwardOnnx(onnx, idx);
      const want = model.forward(idx, null, { returnAttentions: true });
      expect(got.logits.shape).toEqual([2, 5, 50257]); // every position, also with num_logits_to_keep
      expect(maxRelDiff(got.logits.data(), want.logits.data())).toBeLessThan(1e-4);
      expect(got.attentions).toHaveLength(options.attentions ? 3 : 0);
      for (const [i, att] of got.attentions.entries()) {
        expect(att.shape).toEqual([2, 3, 5, 5]);
        expect(maxRelDiff(att.data(), want.attentions![i]!.data())).toBeLessThan(1e-5);
      }
      await onnx.session.release();
      model.dispose();
    },
  );
});

describe('forwardOnnx and onnx-webgpu: bad input', () => {
  const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 4 };
  const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();

  test.each([
    ['float32 ids', tensor([[1, 2]])],
    ['ids longer than the block of 4', tensor([[1, 2, 3, 4, 5]], undefined, 'int32')],
  ])('forwardOnnx(gpt-nano, %s) throws INVALID_OPTION', async (_, idx) => {
    const onnx = await createSession(exportOnnx(model));
    expect(await errorCode(forwardOnnx(onnx, idx))).toBe('INVALID_OPTION');
  });

  test('forwardOnnx(gpt-nano without attentions) returns no attentions', async () => {
    const onnx = await createSession(exportOnnx(model));
    expect((await forwardOnnx(onnx, tensor([[1, 2]], undefined, 'int32'))).attentions).toEqual([]);
  });

  test("createSession(bytes, { backend: 'onnx-webgpu' }) in Node throws RUNTIME_UNAVAILABLE naming navigator.gpu", async () => {
    const error = await createSession(exportOnnx(model), { backend: 'onnx-webgpu' }).catch((e: Error) => e);
    expect(LxmlsOnnxError.isInstance(error) && error.code).toBe('RUNTIME_UNAVAILABLE');
    expect((error as Error).message).toContain('no navigator.gpu (Node has none)');
  });
});
