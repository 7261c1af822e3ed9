/**
 * BERT's bidirectional self-attention, in Hugging Face's layout: `attention.self.{query,key,value}` project the
 * input, `scaledDotProductAttention` (@lxmls/tensor's, re-exported by @lxmls/attention; `attentionWithWeights`
 * when the weights are asked for) mixes the values with the padding mask, and
 * `attention.output.{dense,LayerNorm}` project back and add the residual (post-LN: the LayerNorm comes after
 * the sum, unlike GPT-2).
 */

import { attentionWithWeights, scaledDotProductAttention } from '@lxmls/attention';
import { Dropout, LayerNorm, Linear, Module } from '@lxmls/nn';
import { add, permute, reshape, type Tensor } from '@lxmls/tensor';
import type { BertConfig } from './config.js';

/** What a self-attention returns: the new hidden states and, on request, the weights. */
export interface BertAttentionOutput {
  /** `(B, T, C)`. */
  output: Tensor;
  /** `(B, nh, T, T)` attention weights (query × key), or null unless asked for. */
  weights: Tensor | null;
}

/**
 * Multi-head self-attention without a causal mask: every token attends to every (non-padding) token.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertSelfAttention`.
 * @example
 * ```ts
 * import { BertSelfAttention, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const attention = new BertSelfAttention(bertConfig({ hiddenSize: 8, numAttentionHeads: 2 })).eval();
 * const { output, weights } = attention.forward(randn([1, 5, 8]), null, true);
 * console.log(output.shape, weights?.shape); // → [ 1, 5, 8 ] [ 1, 2, 5, 5 ]
 * ```
 */
export class BertSelfAttention extends Module {
  /** `(C, C)`. */
  readonly query: Linear;
  /** `(C, C)`. */
  readonly key: Linear;
  /** `(C, C)`. */
  readonly value: Linear;
  /** Dropout on the attention weights. */
  readonly dropout: Dropout;
  /** The number of heads, nh. */
  readonly numHeads: number;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    const C = config.hiddenSize;
    this.numHeads = config.numAttentionHeads;
    this.query = this.registerModule('query', new Linear(C, C));
    this.key = this.registerModule('key', new Linear(C, C));
    this.value = this.registerModule('value', new Linear(C, C));
    this.dropout = this.registerModule('dropout', new Dropout(config.attentionProbsDropoutProb));
  }

  /**
   * Attends.
   *
   * @param x - `(B, T, C)`.
   * @param mask - int32 `(B, 1, 1, T)`, 1 = attend (e.g. `paddingMask(attentionMask)`), or null for none.
   * @param returnWeights - Also return the weights `(B, nh, T, T)`.
   * @returns The attended values `(B, T, C)` (before the output projection) and the weights.
   */
  forward(x: Tensor, mask: Tensor | null = null, returnWeights = false): BertAttentionOutput {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.numHeads;
    const hs = C / nh;
    const heads = (t: Tensor) => permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const q = heads(this.query.forward(x)); // (B, nh, T, hs)
    const k = heads(this.key.forward(x)); // (B, nh, T, hs)
    const v = heads(this.value.forward(x)); // (B, nh, T, hs)
    // dropout on the weights while training, the padding mask (null: the strided attention kernel)
    const options = { mask, dropout: this.training ? this.dropout.p : 0 };
    const { output, weights } = returnWeights
      ? attentionWithWeights(q, k, v, options) // (B, nh, T, hs), (B, nh, T, T)
      : { output: scaledDotProductAttention(q, k, v, options), weights: null }; // (B, nh, T, hs)
    const y = reshape(permute(output, [0, 2, 1, 3]), [B, T, C]); // (B, T, C), heads side by side again
    return { output: y, weights };
  }
}

/**
 * The projection after self-attention, with dropout, the residual and the LayerNorm.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertSelfOutput`.
 * @example
 * ```ts
 * import { BertSelfOutput, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const out = new BertSelfOutput(bertConfig({ hiddenSize: 8, numAttentionHeads: 2 }));
 * console.log(out.forward(randn([1, 5, 8]), randn([1, 5, 8])).shape); // → [ 1, 5, 8 ]
 * ```
 */
export class BertSelfOutput extends Module {
  /** `(C, C)`. */
  readonly dense: Linear;
  /** The post-residual LayerNorm. */
  readonly layerNorm: LayerNorm;
  /** Dropout before the residual. */
  readonly dropout: Dropout;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    const C = config.hiddenSize;
    this.dense = this.registerModule('dense', new Linear(C, C));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(C, config.layerNormEps));
    this.dropout = this.registerModule('dropout', new Dropout(config.hiddenDropoutProb));
  }

  /**
   * `LayerNorm(dropout(dense(h)) + input)`.
   *
   * @param hidden - The attended values `(B, T, C)`.
   * @param input - The layer's input, the residual `(B, T, C)`.
   * @returns `(B, T, C)`.
   */
  forward(hidden: Tensor, input: Tensor): Tensor {
    const h = this.dropout.forward(this.dense.forward(hidden)); // (B, T, C)
    return this.layerNorm.forward(add(h, input)); // (B, T, C)
  }
}

/**
 * Self-attention plus its output block: Hugging Face's `attention.self` and `attention.output`.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertAttention`.
 * @example
 * ```ts
 * import { BertAttention, bertConfig } from '@lxmls/bert';
 * const attention = new BertAttention(bertConfig({ hiddenSize: 8, numAttentionHeads: 2 }));
 * console.log(attention.namedParameters().map(([name]) => name).slice(0, 3)); // → [ 'self.query.weight', 'self.query.bias', 'self.key.weight' ]
 * ```
 */
export class BertAttention extends Module {
  /** `attention.self`. */
  readonly self: BertSelfAttention;
  /** `attention.output`. */
  readonly output: BertSelfOutput;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    this.self = this.registerModule('self', new BertSelfAttention(config));
    this.output = this.registerModule('output', new BertSelfOutput(config));
  }

  /**
   * Attends, projects, adds the residual and normalises.
   *
   * @param x - `(B, T, C)`.
   * @param mask - int32 `(B, 1, 1, T)` or null.
   * @param returnWeights - Also return the weights.
   * @returns `(B, T, C)` and the weights `(B, nh, T, T)` or null.
   */
  forward(x: Tensor, mask: Tensor | null = null, returnWeights = false): BertAttentionOutput {
    const { output, weights } = this.self.forward(x, mask, returnWeights); // (B, T, C)
    return { output: this.output.forward(output, x), weights }; // (B, T, C)
  }
}
