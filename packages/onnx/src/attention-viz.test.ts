/**
 * Tests of attentionForVizOnnx: the weights @lxmls/gpt's `attentionForViz` gives on the tensor path, head by
 * head, on onnxruntime-node, and none for an export without attention outputs.
 */

import { attentionForViz } from '@lxmls/gpt';
import { describe, expect, test } from 'vitest';
import { attentionForVizOnnx } from './attention-viz.js';
import { exportOnnx } from './export.js';
import { nano } from './models.test.helpers.js';
import { createSession } from './session.js';

describe('attentionForVizOnnx', () => {
  test.each([false, true])(
    'attentionForVizOnnx(gpt-nano, pretrained %s) gives attentionForViz’s weights',
    async (pretrained) => {
      const model = nano(pretrained);
      const onnx = await createSession(exportOnnx(model, { kvCache: true, attentions: true }), {
        backend: 'onnx-node',
      });
      const tokens = [1, 4, 4, 2, 7];
      const got = await attentionForVizOnnx(onnx, tokens);
      const want = attentionForViz(model, tokens).attention;
      expect(got.length).toBe(want.length);
      for (let l = 0; l < want.length; l++) {
        expect(got[l]!.length).toBe(want[l]!.length);
        for (let h = 0; h < want[l]!.length; h++)
          for (let i = 0; i < want[l]![h]!.length; i++)
            expect(got[l]![h]![i]!).toBeCloseTo(want[l]![h]![i]!, 5);
      }
      await onnx.session.release();
      model.dispose();
    },
  );

  test('attentionForVizOnnx(an export without attentions) returns no layers', async () => {
    const model = nano(false);
    const onnx = await createSession(exportOnnx(model, { kvCache: true }), { backend: 'onnx-node' });
    expect(await attentionForVizOnnx(onnx, [1, 2])).toEqual([]);
    await onnx.session.release();
    model.dispose();
  });
});
