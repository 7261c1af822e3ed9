/**
 * attentionForVizOnnx: every layer's attention weights of an exported GPT on ONNX Runtime, in the layout of
 * @lxmls/gpt's `attentionForViz` (`attention[layer][head]`: T × T, row-major), the plain data @lxmls/viz's
 * head and model views take. `lxmls viz --backend onnx…` and the docs site's attention page both draw it
 * (issue 13: moved here from the two of them).
 *
 * Follows packages/gpt/src/viz.ts (`attentionForViz`) and the `attentions.N` outputs of {@link exportOnnx}.
 */

import { tensor } from '@lxmls/tensor';
import { forwardOnnx } from './forward.js';
import type { OnnxSession } from './session.js';

/**
 * Runs the export on `ids` once and splits each layer's `attentions.N` output `(1, nh, T, T)` into its heads.
 *
 * @param onnx - A session of an export with `attentions: true`.
 * @param ids - Token ids, one to the block size.
 * @returns Per layer, per head, the `T × T` weights (query × key), row-major; empty when the export has no
 *   attention outputs.
 * @throws {@link LxmlsOnnxError} `INVALID_OPTION` as {@link forwardOnnx} throws it.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { attentionForVizOnnx, createSession, exportOnnx } from '@lxmls/onnx';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const onnx = await createSession(exportOnnx(model, { kvCache: true, attentions: true }));
 * const attention = await attentionForVizOnnx(onnx, [1, 4, 4]);
 * console.log(attention.length, attention[0]!.length, attention[0]![0]!.length); // → 3 3 9
 * ```
 */
export async function attentionForVizOnnx(
  onnx: OnnxSession,
  ids: readonly number[],
): Promise<Float32Array[][]> {
  const T = ids.length;
  const { logits, attentions } = await forwardOnnx(onnx, tensor([[...ids]], undefined, 'int32'));
  logits.dispose();
  return attentions.map((att) => {
    const data = att.data() as Float32Array; // (1, nh, T, T)
    const nh = att.shape[1]!;
    att.dispose();
    return Array.from({ length: nh }, (_, h) => data.slice(h * T * T, (h + 1) * T * T));
  });
}
