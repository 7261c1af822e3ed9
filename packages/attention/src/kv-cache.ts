/**
 * A key/value cache for one attention layer, for autoregressive generation: the keys and values of the
 * positions already seen are kept, so each new token only projects itself and attends to past + new.
 *
 * minGPT has none (its issue #95, "Caching for generation"); this follows the `past_key_values` of Hugging
 * Face's GPT-2, one layer per cache. Use it under `noGrad` (it is an inference device): the cached tensors
 * are `keep()`-ed, so they outlive the `tidy` of each generation step, and the old ones are disposed when
 * the cache grows.
 */

import { concat, keep, type Tensor } from '@lxmls/tensor';
import { LxmlsAttentionError, shapeText } from './errors.js';

/**
 * The cached keys and values of one attention layer, each `(B, nh, Tpast, hs)`.
 *
 * @example
 * ```ts
 * import { KVCache } from '@lxmls/attention';
 * import { noGrad, zeros } from '@lxmls/tensor';
 * const cache = new KVCache();
 * noGrad(() => {
 *   cache.append(zeros([1, 2, 3, 4]), zeros([1, 2, 3, 4])); // 3 positions
 *   const { k } = cache.append(zeros([1, 2, 1, 4]), zeros([1, 2, 1, 4])); // one more
 *   console.log(k.shape, cache.length); // → [ 1, 2, 4, 4 ] 4
 * });
 * cache.dispose();
 * ```
 */
export class KVCache {
  #k: Tensor | null = null;
  #v: Tensor | null = null;

  /** The number of cached positions (`Tpast`), 0 when empty. */
  get length(): number {
    return this.#k ? this.#k.shape[2]! : 0;
  }

  /** The cached keys `(B, nh, Tpast, hs)`, or null when empty. */
  get keys(): Tensor | null {
    return this.#k;
  }

  /** The cached values `(B, nh, Tpast, hs)`, or null when empty. */
  get values(): Tensor | null {
    return this.#v;
  }

  /**
   * Appends the keys and values of new positions and returns the whole history (past + new), which the new
   * queries attend to (causally, with an offset of `Tpast`).
   *
   * @param k - New keys `(B, nh, Tnew, hs)`.
   * @param v - New values `(B, nh, Tnew, hs)`.
   * @returns `{ k, v }`, each `(B, nh, Tpast + Tnew, hs)`; they belong to the cache (do not dispose them).
   * @throws {@link LxmlsAttentionError} `SHAPE_MISMATCH` when the new entries do not continue the cached ones.
   */
  append(k: Tensor, v: Tensor): { k: Tensor; v: Tensor } {
    const past = this.#k;
    const same = (a: readonly number[], b: readonly number[]) =>
      a.length === 4 && b.length === 4 && [0, 1, 3].every((i) => a[i] === b[i]);
    if (!same(k.shape, v.shape) || k.shape[2] !== v.shape[2] || (past && !same(past.shape, k.shape))) {
      throw new LxmlsAttentionError('SHAPE_MISMATCH', 'the new keys and values do not continue the cache', {
        fn: 'KVCache.append',
        expected: past
          ? `k and v (${past.shape[0]}, ${past.shape[1]}, Tnew, ${past.shape[3]})`
          : 'k and v (B, nh, Tnew, hs)',
        received: `${shapeText(k.shape)} and ${shapeText(v.shape)}`,
      });
    }
    const nextK = keep(past ? concat([past, k], 2) : k.clone()); // (B, nh, Tpast + Tnew, hs)
    const nextV = keep(this.#v ? concat([this.#v, v], 2) : v.clone()); // (B, nh, Tpast + Tnew, hs)
    this.#k?.dispose();
    this.#v?.dispose();
    this.#k = nextK;
    this.#v = nextV;
    return { k: nextK, v: nextV };
  }

  /** Empties the cache (frees the tensors). */
  reset(): void {
    this.#k?.dispose();
    this.#v?.dispose();
    this.#k = null;
    this.#v = null;
  }

  /** Frees the cached tensors; the cache is empty afterwards and can be reused. */
  dispose(): void {
    this.reset();
  }
}
