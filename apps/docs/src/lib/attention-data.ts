/**
 * From a GPT's attention tensors to what the @lxmls/viz views take: `attention[layer][head]`, each head one
 * flat `Float32Array` of `query × key` weights (the views use it as it is, without copying).
 */

import type { Tensor } from '@lxmls/tensor';
import type { AttentionData } from '@lxmls/viz';

/**
 * The attention of the first sequence of a batch, per layer and head, with its token strings.
 *
 * @param tokens - One string per position (GPT-2 tokens such as `Ġcat`; the views prettify them).
 * @param attentions - One tensor per layer, `(B, nh, T, T)`, as `GPT.forward(…, { returnAttentions: true })`
 *   returns them. They are read, not disposed.
 * @returns `{ tokens, attention }` for `headView` / `modelView`.
 * @throws Error when a tensor's shape does not fit the tokens.
 */
export function attentionData(tokens: readonly string[], attentions: readonly Tensor[]): AttentionData {
  const T = tokens.length;
  const attention = attentions.map((weights, layer) => {
    const [, nh, tq, tk] = weights.shape; // (B, nh, T, T)
    if (weights.shape.length !== 4 || tq !== T || tk !== T || nh === undefined) {
      throw new Error(
        `[lxmls-docs] attentionData: attentions[${layer}] does not fit ${T} tokens. Expected (B, nh, ${T}, ${T}), received (${weights.shape.join(', ')}).`,
      );
    }
    const flat = weights.data() as Float32Array; // (B, nh, T, T) row-major: batch 0 comes first
    return Array.from({ length: nh }, (_, h) => flat.subarray(h * T * T, (h + 1) * T * T)); // nh × (T·T), views of one copy
  });
  return { tokens: [...tokens], attention };
}
