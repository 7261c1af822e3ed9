/**
 * Tests of genBatchOnnx: the rows @lxmls/gpt's `genBatch` gives on the tensor path (the same top-k first tokens,
 * the same greedy continuations), on onnxruntime-node, with the prompt cropped to the block size; and of
 * promptRowsOnnx: the rows of @lxmls/gpt's `promptRows`, sampled or top-k.
 */

import { genBatch, promptRows } from '@lxmls/gpt';
import { describe, expect, test } from 'vitest';
import { exportOnnx } from './export.js';
import { genBatchOnnx, promptRowsOnnx } from './gen-batch.js';
import { ids, nano } from './models.test.helpers.js';
import { createSession } from './session.js';

describe('genBatchOnnx', () => {
  test.each([
    ['a short prompt', [1, 4, 4], 4, 3],
    ['a prompt longer than the block size (40)', Array.from({ length: 45 }, (_, i) => i % 11), 3, 2],
    ['one new token', [5], 1, 8],
  ])('genBatchOnnx(gpt-nano, %s) gives genBatch’s rows', async (_, prompt, maxNew, batch) => {
    const model = nano(false);
    const onnx = await createSession(exportOnnx(model, { kvCache: true }), { backend: 'onnx-node' });
    const got = await genBatchOnnx(onnx, prompt, maxNew, batch);
    const want = genBatch(model, ids([prompt]), maxNew, { batch }).map((t) => (t.toArray() as number[][])[0]);
    expect(got).toEqual(want);
    await onnx.session.release();
    model.dispose();
  });
});

describe('promptRowsOnnx', () => {
  test.each([
    ['sampled rows', { doSample: true, temperature: 1.5, topK: 8, seed: 3 }],
    ['the top-k rows', undefined],
  ] as const)('promptRowsOnnx(gpt-nano, %s) gives promptRows’ rows', async (_, options) => {
    const model = nano(true);
    const onnx = await createSession(exportOnnx(model, { kvCache: true }), { backend: 'onnx-node' });
    const got = await promptRowsOnnx(onnx, [1, 2, 3], 6, 3, options);
    expect(got).toEqual(promptRows(model, [1, 2, 3], 6, 3, options));
    expect(got.map((row) => row.length)).toEqual([9, 9, 9]);
    await onnx.session.release();
    model.dispose();
  });
});
