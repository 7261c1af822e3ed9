/**
 * GPTCache: the key/value caches of all the layers of a GPT, for generation. Each new token then only runs
 * through the model once, attending to the cached keys and values of the tokens before it.
 *
 * minGPT re-runs the whole context for every token (its issue #95, "Caching for generation"); this follows
 * Hugging Face's `past_key_values`. Because the GPT has learned absolute position embeddings, the cache is
 * only valid while the context grows from position 0: once the context slides past `blockSize`, every
 * position shifts and `generate` rebuilds it.
 */

import { KVCache } from '@lxmls/attention';

/**
 * One {@link KVCache} per transformer block, all the same length.
 *
 * @example
 * ```ts
 * import { GPT, GPTCache } from '@lxmls/gpt';
 * import { noGrad, tensor } from '@lxmls/tensor';
 * const model = new GPT({ ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 }, { init: 'lcg' });
 * const cache = new GPTCache(model.config.nLayer);
 * noGrad(() => model.forward(tensor([[1, 4, 4]], undefined, 'int32'), null, { cache }));
 * console.log(cache.length); // → 3
 * cache.dispose();
 * ```
 */
export class GPTCache {
  /** The per-layer caches, `layers[i]` for block `i`. */
  readonly layers: KVCache[];

  /** @param nLayer - The number of blocks. */
  constructor(nLayer: number) {
    this.layers = Array.from({ length: nLayer }, () => new KVCache());
  }

  /** The number of cached positions. */
  get length(): number {
    return this.layers[0]?.length ?? 0;
  }

  /** Empties every layer. */
  reset(): void {
    for (const layer of this.layers) layer.reset();
  }

  /** Frees every cached tensor (the cache stays usable, empty). */
  dispose(): void {
    this.reset();
  }
}
