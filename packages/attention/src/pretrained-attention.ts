/**
 * PretrainedCausalSelfAttention: minGPT's causal self-attention with one fused projection `c_attn`
 * (C → 3C, split into q, k, v), the layout of OpenAI's GPT-2 checkpoints. The GPT uses it when
 * `config.pretrained` is true, so Hugging Face GPT-2 weights load by name.
 *
 * Follows `lxmls/transformers/pretrained_attention.py` (minGPT's `CausalSelfAttention` unchanged).
 * Shapes: B batch, T new positions, C = nEmbd channels, nh heads of hs = C / nh channels each.
 */

import { Dropout, Linear, Module } from '@lxmls/nn';
import {
  attentionWithWeights,
  permute,
  type RandomGenerator,
  reshape,
  scaledDotProductAttention,
  selfAttention,
  split,
  type Tensor,
} from '@lxmls/tensor';
import { trilBuffer } from './causal-self-attention.js';
import {
  type AttentionModuleOptions,
  type CausalForwardOptions,
  type CausalSelfAttentionConfig,
  checkConfig,
  checkLength,
} from './config.js';
import type { AttentionOutput } from './scaled-dot-product.js';

/**
 * Multi-head causal self-attention with the fused `c_attn` projection (minGPT / GPT-2 layout).
 *
 * Parts, in minGPT's order: `c_attn` (`Linear(C, 3C)`, output split as q, k, v), `c_proj` (`Linear(C, C)`),
 * `attn_dropout`, `resid_dropout`, and the persistent buffer `bias` `(1, 1, blockSize, blockSize)`.
 * Mathematically identical to {@link CausalSelfAttention} when `c_attn` holds `[Wq; Wk; Wv]` (see
 * {@link copyAttentionWeights}).
 *
 * @remarks Python: `lxmls.transformers.pretrained_attention.PretrainedCausalSelfAttention` (minGPT `CausalSelfAttention`).
 * @example
 * ```ts
 * import { PretrainedCausalSelfAttention } from '@lxmls/attention';
 * import { RandomGenerator, randn } from '@lxmls/tensor';
 * const attn = new PretrainedCausalSelfAttention({ nEmbd: 8, nHead: 2, blockSize: 4 }, { generator: new RandomGenerator(0) });
 * console.log(attn.namedParameters().map(([n, p]) => `${n} ${p.shape}`)); // → [ 'c_attn.weight 24,8', 'c_attn.bias 24', 'c_proj.weight 8,8', 'c_proj.bias 8' ]
 * console.log(attn.forward(randn([2, 3, 8], new RandomGenerator(1))).output.shape); // → [ 2, 3, 8 ]
 * ```
 */
export class PretrainedCausalSelfAttention extends Module {
  /** C, the width of the input and output. */
  readonly nEmbd: number;
  /** nh, the number of heads. */
  readonly nHead: number;
  /** The side of the causal mask buffer. */
  readonly blockSize: number;
  readonly cAttn: Linear;
  readonly cProj: Linear;
  readonly attnDropout: Dropout;
  readonly residDropout: Dropout;
  /**
   * The causal mask: 1 where query i may attend to key j (j ≤ i), `(1, 1, blockSize, blockSize)`, minGPT's
   * buffer, kept so that checkpoints load by name; the attention applies the same rule with `causal: true`.
   */
  readonly bias: Tensor;
  /** This module honours `cache`, `returnWeights` and `returnQueriesKeys` (see {@link AttentionModule}). */
  readonly supportsKVCache = true;
  /** The random source of the dropout masks, as given to the Dropout modules (none: the global one). */
  readonly #drop: { generator?: RandomGenerator };

  /**
   * @param config - `nEmbd`, `nHead` (must divide nEmbd), `blockSize`, `attnPdrop`, `residPdrop`.
   * @param options - `generator` (dropout masks and default initialisation), `initGenerator` (initialisation only).
   * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` when nHead does not divide nEmbd.
   */
  constructor(config: CausalSelfAttentionConfig, options: AttentionModuleOptions = {}) {
    super();
    const {
      nEmbd: C,
      nHead,
      blockSize,
      attnPdrop,
      residPdrop,
    } = checkConfig('PretrainedCausalSelfAttention', config);
    const { generator, initGenerator = generator } = options;
    const init = { generator: initGenerator };
    const drop = generator ? { generator } : {}; // no generator: the global one at each call
    this.#drop = drop;
    this.nEmbd = C;
    this.nHead = nHead;
    this.blockSize = blockSize;
    // key, query, value projections for all heads, but in a batch
    this.cAttn = this.registerModule('c_attn', new Linear(C, 3 * C, init));
    // output projection
    this.cProj = this.registerModule('c_proj', new Linear(C, C, init));
    // regularisation
    this.attnDropout = this.registerModule('attn_dropout', new Dropout(attnPdrop, drop));
    this.residDropout = this.registerModule('resid_dropout', new Dropout(residPdrop, drop));
    // causal mask to ensure that attention is only applied to the left in the input sequence
    this.bias = this.registerBuffer('bias', trilBuffer(blockSize));
  }

  /**
   * Attends each position to itself and the positions before it (and to a cache's past positions).
   *
   * @param x - float32 `(B, T, C)`.
   * @param options - `cache` (a {@link KVCache} of this layer), `returnWeights`, `returnQueriesKeys`.
   * @returns `{ output (B, T, C), weights (B, nh, T, Tpast + T) | null }`, and with `returnQueriesKeys`
   *   `queries (B, nh, T, hs)` and `keys (B, nh, Tpast + T, hs)`.
   * @throws {@link LxmlsAttentionError} `SEQUENCE_TOO_LONG` past blockSize positions.
   */
  forward(x: Tensor, options: CausalForwardOptions = {}): AttentionOutput {
    const { cache, returnWeights = false, returnQueriesKeys = false } = options;
    const [B, T, C] = x.shape as [number, number, number];
    const nh = this.nHead;
    const hs = C / nh;
    const past = cache ? cache.length : 0;
    checkLength('PretrainedCausalSelfAttention.forward', past, T, this.blockSize);

    // calculate query, key, values for all heads in batch
    const qkv = this.cAttn.forward(x); // (B, T, 3C), in the order q, k, v
    let y: Tensor; // (B, T, C)
    let weights: Tensor | null = null;
    let queriesKeys: { queries: Tensor; keys: Tensor } | undefined; // asked for by the neuron view
    const dropout = this.training ? this.attnDropout.p : 0; // attention dropout, one seed per call
    if (!cache && !returnWeights && !returnQueriesKeys) {
      // the fused kernel reads the heads of q, k, v in place: no split, no transposes (attention dropout
      // included, with the mask the steps below would draw)
      y = selfAttention(qkv, nh, { causal: true, dropout, ...this.#drop }); // (B, T, C)
    } else {
      const heads = (t: Tensor) => permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
      const [q, k0, v0] = split(qkv, [C, C, C], -1).map(heads) as [Tensor, Tensor, Tensor]; // (B, nh, T, hs)
      const { k, v } = cache ? cache.append(k0, v0) : { k: k0, v: v0 }; // (B, nh, Tk = Tpast + T, hs)
      if (returnQueriesKeys) queriesKeys = { queries: q, keys: k }; // (B, nh, T, hs), (B, nh, Tk, hs)
      // causal self-attention over the cached and new keys: query i sees keys j ≤ Tpast + i (the rows
      // Tpast … Tpast + T − 1 of the `bias` buffer), softmax(q kᵀ / √hs) with attention dropout, then · v;
      // the strided attention kernel when the weights are not wanted (generation with a KV cache)
      const attend = { causal: true, dropout, ...this.#drop };
      let attended: Tensor; // (B, nh, T, hs)
      if (returnWeights) ({ output: attended, weights } = attentionWithWeights(q, k, v, attend));
      else attended = scaledDotProductAttention(q, k, v, attend);
      y = reshape(permute(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C), the heads side by side again
    }
    // output projection
    const output = this.residDropout.forward(this.cProj.forward(y)); // (B, T, C)
    return { output, weights: returnWeights ? weights : null, ...queriesKeys };
  }
}
