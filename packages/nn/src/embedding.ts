/**
 * Embedding: a learnable table of vectors looked up by integer id, PyTorch's `nn.Embedding` (`wte` and `wpe`
 * in GPT-2). The backward scatters the gradient into the rows that were used.
 */

import { embedding, getGenerator, type RandomGenerator, randn, type Tensor } from '@lxmls/tensor';
import { check } from './errors.js';
import { Module } from './module.js';

/** Options of {@link Embedding}. */
export interface EmbeddingOptions {
  /** The random source of the default N(0, 1) initialisation; defaults to the global one. */
  generator?: RandomGenerator;
}

/**
 * A table `(numEmbeddings, embeddingDim)`; `forward(ids)` returns the rows of the ids.
 *
 * @remarks Python: `torch.nn.Embedding(num_embeddings, embedding_dim)`, initialised N(0, 1) as in PyTorch.
 * @example
 * ```ts
 * import { Embedding } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * const wte = new Embedding(3, 2);
 * wte.weight.copyFrom(Float32Array.of(0, 0, 1, 1, 2, 2));
 * console.log(wte.forward(tensor([[2, 0]], undefined, 'int32')).toArray(), String(wte)); // → [ [ [ 2, 2 ], [ 0, 0 ] ] ] Embedding(3, 2)
 * ```
 */
export class Embedding extends Module {
  /** The table, (numEmbeddings, embeddingDim). */
  readonly weight: Tensor;

  /**
   * @param numEmbeddings - The number of ids (e.g. the vocabulary size).
   * @param embeddingDim - The size of each vector.
   * @param options - `generator`.
   */
  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
  ) {
    super();
    check.count('Embedding', 'numEmbeddings', numEmbeddings);
    check.count('Embedding', 'embeddingDim', embeddingDim);
    const { generator = getGenerator() } = options;
    this.weight = this.registerParameter('weight', randn([numEmbeddings, embeddingDim], generator));
  }

  /**
   * Looks up the rows.
   *
   * @param ids - An int32 tensor of ids `(…)`, each in `[0, numEmbeddings)`.
   * @returns `(…, embeddingDim)`.
   */
  forward(ids: Tensor): Tensor {
    return embedding(ids, this.weight); // (…, embeddingDim)
  }

  protected override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}`;
  }
}
