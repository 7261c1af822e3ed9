/**
 * One BERT encoder layer, post-LN, in Hugging Face's layout:
 *
 *   h = LayerNorm(x + Attention(x))                      attention.{self, output}
 *   y = LayerNorm(h + W₂ · act(W₁ · h))                  intermediate.dense, output.{dense, LayerNorm}
 *
 * (GPT-2 normalises before each sublayer instead; BERT after the residual sum.)
 */

import { Dropout, LayerNorm, Linear, Module } from '@lxmls/nn';
import { add, type Tensor } from '@lxmls/tensor';
import { activation } from './activations.js';
import { BertAttention, type BertAttentionOutput } from './attention.js';
import type { BertConfig } from './config.js';

/**
 * The widening half of the feed-forward block: `act(dense(h))`, C → intermediateSize.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertIntermediate`.
 * @example
 * ```ts
 * import { BertIntermediate, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const block = new BertIntermediate(bertConfig({ hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 32 }));
 * console.log(block.forward(randn([1, 5, 8])).shape); // → [ 1, 5, 32 ]
 * ```
 */
export class BertIntermediate extends Module {
  /** `(intermediateSize, C)`. */
  readonly dense: Linear;
  /** The activation of `hidden_act` (the exact erf GELU for BERT). */
  readonly act: (x: Tensor) => Tensor;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.hiddenSize, config.intermediateSize));
    this.act = activation(config.hiddenAct);
  }

  /**
   * @param h - `(B, T, C)`.
   * @returns `(B, T, intermediateSize)`.
   */
  forward(h: Tensor): Tensor {
    return this.act(this.dense.forward(h)); // (B, T, 4C)
  }
}

/**
 * The narrowing half of the feed-forward block, with dropout, the residual and the LayerNorm.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertOutput`.
 * @example
 * ```ts
 * import { BertOutput, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const block = new BertOutput(bertConfig({ hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 32 }));
 * console.log(block.forward(randn([1, 5, 32]), randn([1, 5, 8])).shape); // → [ 1, 5, 8 ]
 * ```
 */
export class BertOutput extends Module {
  /** `(C, intermediateSize)`. */
  readonly dense: Linear;
  /** The post-residual LayerNorm. */
  readonly layerNorm: LayerNorm;
  /** Dropout before the residual. */
  readonly dropout: Dropout;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    this.dense = this.registerModule('dense', new Linear(config.intermediateSize, config.hiddenSize));
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(config.hiddenSize, config.layerNormEps));
    this.dropout = this.registerModule('dropout', new Dropout(config.hiddenDropoutProb));
  }

  /**
   * `LayerNorm(dropout(dense(u)) + h)`.
   *
   * @param u - The intermediate activations `(B, T, intermediateSize)`.
   * @param h - The residual `(B, T, C)`.
   * @returns `(B, T, C)`.
   */
  forward(u: Tensor, h: Tensor): Tensor {
    const y = this.dropout.forward(this.dense.forward(u)); // (B, T, C)
    return this.layerNorm.forward(add(y, h)); // (B, T, C)
  }
}

/**
 * One encoder layer: self-attention block, then feed-forward block, each closed by residual + LayerNorm.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertLayer`.
 * @example
 * ```ts
 * import { BertLayer, bertConfig } from '@lxmls/bert';
 * import { randn } from '@lxmls/tensor';
 * const layer = new BertLayer(bertConfig({ hiddenSize: 8, numAttentionHeads: 2, intermediateSize: 32 }));
 * console.log(layer.namedChildren().map(([name]) => name), layer.forward(randn([2, 5, 8])).output.shape); // → [ 'attention', 'intermediate', 'output' ] [ 2, 5, 8 ]
 * ```
 */
export class BertLayer extends Module {
  /** `attention.self` + `attention.output`. */
  readonly attention: BertAttention;
  /** `intermediate.dense` + activation. */
  readonly intermediate: BertIntermediate;
  /** `output.dense` + `output.LayerNorm`. */
  readonly output: BertOutput;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    this.attention = this.registerModule('attention', new BertAttention(config));
    this.intermediate = this.registerModule('intermediate', new BertIntermediate(config));
    this.output = this.registerModule('output', new BertOutput(config));
  }

  /**
   * Runs the layer.
   *
   * @param x - `(B, T, C)`.
   * @param mask - int32 `(B, 1, 1, T)` or null.
   * @param returnWeights - Also return the attention weights `(B, nh, T, T)`.
   * @returns `(B, T, C)` and the weights or null.
   */
  forward(x: Tensor, mask: Tensor | null = null, returnWeights = false): BertAttentionOutput {
    const { output: h, weights } = this.attention.forward(x, mask, returnWeights); // (B, T, C)
    const y = this.output.forward(this.intermediate.forward(h), h); // (B, T, C)
    return { output: y, weights };
  }
}
