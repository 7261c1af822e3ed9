/**
 * BertEmbeddings: the input of the encoder, word + position + token-type embeddings, then LayerNorm and
 * dropout. Module names are Hugging Face's (`word_embeddings`, `position_embeddings`, `token_type_embeddings`,
 * `LayerNorm`), so the checkpoint keys `embeddings.*` load as they are.
 */

import { Dropout, Embedding, LayerNorm, Module } from '@lxmls/nn';
import { add, arange, type Tensor, zeros } from '@lxmls/tensor';
import type { BertConfig } from './config.js';

/**
 * Token ids `(B, T)` → vectors `(B, T, C)`.
 *
 * @remarks Python: `transformers.models.bert.modeling_bert.BertEmbeddings` (absolute positions).
 * @example
 * ```ts
 * import { BertEmbeddings, bertConfig } from '@lxmls/bert';
 * import { tensor } from '@lxmls/tensor';
 * const embeddings = new BertEmbeddings(bertConfig({ vocabSize: 10, hiddenSize: 4, numAttentionHeads: 1 }));
 * console.log(embeddings.forward(tensor([[1, 2, 3]], undefined, 'int32')).shape); // → [ 1, 3, 4 ]
 * ```
 */
export class BertEmbeddings extends Module {
  /** `(vocabSize, C)`. */
  readonly wordEmbeddings: Embedding;
  /** `(maxPositionEmbeddings, C)`. */
  readonly positionEmbeddings: Embedding;
  /** `(typeVocabSize, C)`. */
  readonly tokenTypeEmbeddings: Embedding;
  /** The LayerNorm after the sum (eps from the config: 1e-12 for BERT). */
  readonly layerNorm: LayerNorm;
  /** Dropout after the LayerNorm. */
  readonly dropout: Dropout;

  /** @param config - A full configuration. */
  constructor(config: Readonly<BertConfig>) {
    super();
    const C = config.hiddenSize;
    this.wordEmbeddings = this.registerModule('word_embeddings', new Embedding(config.vocabSize, C));
    this.positionEmbeddings = this.registerModule(
      'position_embeddings',
      new Embedding(config.maxPositionEmbeddings, C),
    );
    this.tokenTypeEmbeddings = this.registerModule(
      'token_type_embeddings',
      new Embedding(config.typeVocabSize, C),
    );
    this.layerNorm = this.registerModule('LayerNorm', new LayerNorm(C, config.layerNormEps));
    this.dropout = this.registerModule('dropout', new Dropout(config.hiddenDropoutProb));
  }

  /**
   * Sums the three embeddings, normalises and applies dropout.
   *
   * @param inputIds - int32 `(B, T)`.
   * @param tokenTypeIds - int32 `(B, T)`, or null for all zeros (segment A).
   * @returns `(B, T, C)`.
   */
  forward(inputIds: Tensor, tokenTypeIds: Tensor | null = null): Tensor {
    const [B, T] = inputIds.shape as [number, number];
    const words = this.wordEmbeddings.forward(inputIds); // (B, T, C)
    const positions = this.positionEmbeddings.forward(arange(0, T, 1, 'int32')); // (T, C), broadcast over B
    const types = this.tokenTypeEmbeddings.forward(tokenTypeIds ?? zeros([B, T], 'int32')); // (B, T, C)
    const x = add(add(words, types), positions); // (B, T, C)
    return this.dropout.forward(this.layerNorm.forward(x)); // (B, T, C)
  }
}
