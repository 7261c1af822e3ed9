/**
 * FusedCausalSelfAttention: the exercise form of causal self-attention ({@link CausalSelfAttention}: the same
 * `query_proj`, `key_proj`, `value_proj`, `output_proj` and `bias`, so state dicts interchange) computed with
 * the fused `selfAttention` kernel of @lxmls/tensor, which never stores the (T, T) weights. The course recipe
 * trains gpt-nano with it for speed; the exercise form is the code students read.
 *
 * Follows `lxmls/transformers/model.py` `CausalSelfAttention` (the exercise form's steps, fused as
 * `torch.nn.functional.scaled_dot_product_attention(q, k, v, is_causal=True, dropout_p)` fuses them).
 * Shapes: B batch, T positions, C = nEmbd channels, nh heads of hs = C / nh channels each.
 */

import { type RandomGenerator, selfAttention, type Tensor } from '@lxmls/tensor';
import { CausalSelfAttention } from './causal-self-attention.js';
import {
  type AttentionModuleOptions,
  type CausalForwardOptions,
  type CausalSelfAttentionConfig,
  checkLength,
} from './config.js';
import type { AttentionOutput } from './scaled-dot-product.js';

/**
 * Causal self-attention with the exercise form's parameters, on the fused kernel.
 *
 * Without `cache`, `returnWeights` or `returnQueriesKeys`, `forward` projects q, k and v and hands them to
 * `selfAttention([q, k, v], nh, { causal: true, dropout })`: the exercise form's steps 2.2.2 to 2.2.4 (scores
 * scaled by 1/√hs, causal mask, softmax over the keys, attention dropout with the same mask, weighted sum of
 * the values, heads merged) in one kernel, forward and backward. With any of them it runs the exercise form's
 * own composed `forward`. Values and gradients equal the exercise form's (tested on the js and wasm backends,
 * with and without dropout under the same seeded generator).
 *
 * @remarks Python: `lxmls.transformers.model.CausalSelfAttention` with `F.scaled_dot_product_attention`.
 * @example
 * ```ts
 * import { CausalSelfAttention, FusedCausalSelfAttention } from '@lxmls/attention';
 * import { RandomGenerator, randn } from '@lxmls/tensor';
 * const config = { nEmbd: 8, nHead: 2, blockSize: 4 };
 * const fused = new FusedCausalSelfAttention(config, { generator: new RandomGenerator(0) });
 * const exercise = new CausalSelfAttention(config);
 * exercise.loadStateDict(fused.stateDict());
 * const x = randn([1, 3, 8], new RandomGenerator(1));
 * const diff = fused.forward(x).output.sub(exercise.forward(x).output).toArray(3).flat(2);
 * const gap = diff.reduce((m, d) => Math.max(m, Math.abs(d)), 0);
 * console.log(gap < 1e-6, fused.forward(x).weights); // → true null
 * console.log(String(fused).split('\n')[0]); // → FusedCausalSelfAttention(
 * ```
 */
export class FusedCausalSelfAttention extends CausalSelfAttention {
  /** The random source of the attention dropout mask, as given to the Dropout modules (none: the global one). */
  readonly #drop: { generator?: RandomGenerator };

  /**
   * @param config - `nEmbd`, `nHead` (a divisor of nEmbd), `blockSize`, `attnPdrop`, `residPdrop`.
   * @param options - `generator` (dropout masks and default initialisation), `initGenerator` (initialisation only).
   * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` for a size or probability it cannot use.
   */
  constructor(config: CausalSelfAttentionConfig, options: AttentionModuleOptions = {}) {
    super(config, options);
    this.#drop = options.generator ? { generator: options.generator } : {}; // no generator: the global one
  }

  /**
   * Attends each position to itself and the positions before it: fused without `cache`, `returnWeights` and
   * `returnQueriesKeys`, the exercise form's composed steps with any of them.
   *
   * @param x - float32 `(B, T, C)`.
   * @param options - `cache` (a {@link KVCache} of this layer), `returnWeights`, `returnQueriesKeys`.
   * @returns `{ output (B, T, C), weights (B, nh, T, Tpast + T) | null }`, and with `returnQueriesKeys`
   *   `queries (B, nh, T, hs)` and `keys (B, nh, Tpast + T, hs)`.
   * @throws {@link LxmlsAttentionError} `SEQUENCE_TOO_LONG` past blockSize positions.
   */
  override forward(x: Tensor, options: CausalForwardOptions = {}): AttentionOutput {
    const { cache, returnWeights = false, returnQueriesKeys = false } = options;
    if (cache || returnWeights || returnQueriesKeys) return super.forward(x, options); // the composed steps
    checkLength('FusedCausalSelfAttention.forward', 0, x.shape[1]!, this.blockSize);
    const q = this.queryProj.forward(x); // (B, T, C)
    const k = this.keyProj.forward(x); // (B, T, C)
    const v = this.valueProj.forward(x); // (B, T, C)
    // heads split, q·kᵀ/√hs, causal mask, softmax over the keys, attention dropout (the mask the composed
    // steps would draw: one seed from the same generator), ·v and heads merged, in one kernel
    const dropout = this.training ? this.attnDropout.p : 0;
    const y = selfAttention([q, k, v], this.numHeads, { causal: true, dropout, ...this.#drop }); // (B, T, C)
    const output = this.residDropout.forward(this.outputProj.forward(y)); // (B, T, C)
    return { output, weights: null };
  }
}
