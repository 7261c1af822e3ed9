/**
 * BertEncoder (the stack of layers, `encoder.layer.N`) and BertPooler (`pooler.dense` + tanh on the `[CLS]`
 * vector), in Hugging Face's layout.
 */

import { Linear, Module, ModuleList } from '@lxmls/nn';
import { reshape, slice, type Tensor, tanh } from '@lxmls/tensor';
import type { BertConfig } from './config.js';
import { BertLayer } from './layer.js';

/** What {@link BertEncoder.forward} returns. */
export interface BertEncoderOutput {
  /** The last layer's output `(B, T, C)`. */
  lastHiddenState: Tensor;
  /** The input and every layer's output, `numHiddenLayers + 1` tensors `(B, T, C)`, or null. */
  hiddenStates: Tensor[] | null;
  /** Every layer's attention weights `(B, nh, T, T)`, or null. */
  attentions: Tensor[] | null;
}

/**
 * The layers, one after the other.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertEncoder`.
 * @example
 * ```ts
 * import { BertEncoder, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const encoder = new BertEncoder(bertConfig({ hiddenSize: 8, numAttentionHeads: 2, numHiddenLayers: 2 }));
 * const out = encoder.forward(randn([1, 4, 8]), null, { outputAttentions: true, outputHiddenStates: true });
 * console.log(out.attentions?.length, out.hiddenStates?.length, out.attentions?.[0]?.shape); // → 2 3 [ 1, 2, 4, 4 ]
 * ```
 */
export class BertEncoder extends Module {
  /** `encoder.layer.0` … `encoder.layer.{L−1}`. */
  readonly layer: ModuleList<BertLayer>;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    const layers = Array.from({ length: config.numHiddenLayers }, () => new BertLayer(config));
    this.layer = this.registerModule('layer', new ModuleList(layers));
  }

  /**
   * Runs every layer.
   *
   * @param x - The embeddings `(B, T, C)`.
   * @param mask - int32 `(B, 1, 1, T)` or null.
   * @param options - `outputAttentions`, `outputHiddenStates` (default false).
   * @returns The last hidden state and, on request, all hidden states and attentions.
   */
  forward(
    x: Tensor,
    mask: Tensor | null = null,
    options: { outputAttentions?: boolean; outputHiddenStates?: boolean } = {},
  ): BertEncoderOutput {
    const { outputAttentions = false, outputHiddenStates = false } = options;
    const hiddenStates: Tensor[] | null = outputHiddenStates ? [x] : null;
    const attentions: Tensor[] | null = outputAttentions ? [] : null;
    for (const layer of this.layer) {
      const { output, weights } = layer.forward(x, mask, outputAttentions); // (B, T, C), (B, nh, T, T)
      x = output;
      hiddenStates?.push(x);
      if (weights) attentions?.push(weights);
    }
    return { lastHiddenState: x, hiddenStates, attentions };
  }
}

/**
 * The pooler: `tanh(dense(h[:, 0]))`, a sentence vector from the `[CLS]` position (trained by next-sentence
 * prediction).
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertPooler`.
 * @example
 * ```ts
 * import { BertPooler, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const pooler = new BertPooler(bertConfig({ hiddenSize: 8, numAttentionHeads: 2 }));
 * console.log(pooler.forward(randn([3, 5, 8])).shape); // → [ 3, 8 ]
 * ```
 */
export class BertPooler extends Module {
  /** `(C, C)`. */
  readonly dense: Linear;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.hiddenSize));
  }

  /**
   * @param h - The last hidden state `(B, T, C)`.
   * @returns `(B, C)`.
   */
  forward(h: Tensor): Tensor {
    const [B, , C] = h.shape as [number, number, number];
    const first = reshape(slice(h, [0, 0, 0], [B, 1, C]), [B, C]); // (B, C), the [CLS] vectors
    return tanh(this.dense.forward(first)); // (B, C)
  }
}
