/**
 * Block: one transformer block of the GPT, pre-LayerNorm with residual connections:
 * `x = x + attn(ln_1(x))`, then `x = x + mlp(ln_2(x))`.
 *
 * Follows `lxmls/transformers/model.py` `Block` (minGPT's, with the attention chosen by `config.pretrained`).
 */

import { CausalSelfAttention, type KVCache, PretrainedCausalSelfAttention } from '@lxmls/attention';
import { Dropout, LayerNorm, Linear, Module, ModuleDict, NewGELU } from '@lxmls/nn';
import { add, type RandomGenerator, type Tensor } from '@lxmls/tensor';
import type { ResolvedGPTConfig } from './config.js';

/** What {@link Block.forward} returns. */
export interface BlockOutput {
  /** The residual stream after the block, `(B, T, C)`. */
  x: Tensor;
  /** The attention weights `(B, nh, T, Tk)`, or null unless asked for. */
  weights: Tensor | null;
  /** The attention's queries `(B, nh, T, hs)`, with `returnQueriesKeys`. */
  queries?: Tensor;
  /** The attention's keys `(B, nh, Tk, hs)`, with `returnQueriesKeys`. */
  keys?: Tensor;
}

/**
 * An unassuming Transformer block: attention, then an MLP (C → 4C → GELU → C), each on a LayerNorm of the
 * residual stream and added back to it.
 *
 * Parts, in minGPT's order: `ln_1`, `attn` (the exercise {@link CausalSelfAttention}, or the fused
 * {@link PretrainedCausalSelfAttention} when `config.pretrained`), `ln_2`, `mlp` (`c_fc`, `c_proj`, `act`,
 * `dropout`).
 *
 * @remarks Python: `lxmls.transformers.model.Block`.
 * @example
 * ```ts
 * import { Block, getDefaultConfig, resolveConfig } from '@lxmls/gpt';
 * import { randn } from '@lxmls/tensor';
 * const config = resolveConfig({ ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 });
 * const block = new Block(config);
 * console.log(block.forward(randn([2, 5, 48])).x.shape); // → [ 2, 5, 48 ]
 * ```
 */
export class Block extends Module {
  readonly ln1: LayerNorm;
  readonly attn: CausalSelfAttention | PretrainedCausalSelfAttention;
  readonly ln2: LayerNorm;
  readonly mlp: ModuleDict;
  readonly #cFc: Linear;
  readonly #cProj: Linear;
  readonly #act: NewGELU;
  readonly #dropout: Dropout;

  /**
   * @param config - A resolved GPT config.
   * @param options - `generator` (dropout masks, and initialisation unless `initGenerator` is given),
   *   `initGenerator` (the layers' default initialisation).
   */
  constructor(
    config: ResolvedGPTConfig,
    options: { generator?: RandomGenerator; initGenerator?: RandomGenerator } = {},
  ) {
    super();
    const { generator, initGenerator = generator } = options;
    const init = { generator: initGenerator };
    const C = config.nEmbd;
    this.ln1 = this.registerModule('ln_1', new LayerNorm(C));
    this.attn = this.registerModule(
      'attn',
      config.pretrained
        ? new PretrainedCausalSelfAttention(config, options)
        : new CausalSelfAttention(config, options),
    );
    this.ln2 = this.registerModule('ln_2', new LayerNorm(C));
    this.#cFc = new Linear(C, 4 * C, init);
    this.#cProj = new Linear(4 * C, C, init);
    this.#act = new NewGELU();
    this.#dropout = new Dropout(config.residPdrop, generator ? { generator } : {});
    this.mlp = this.registerModule(
      'mlp',
      new ModuleDict({ c_fc: this.#cFc, c_proj: this.#cProj, act: this.#act, dropout: this.#dropout }),
    );
  }

  /** The MLP: `dropout(c_proj(act(c_fc(x))))`, `(B, T, C)` → `(B, T, C)`. */
  mlpf(x: Tensor): Tensor {
    const h = this.#act.forward(this.#cFc.forward(x)); // (B, T, 4C)
    return this.#dropout.forward(this.#cProj.forward(h)); // (B, T, C)
  }

  /**
   * Runs the block.
   *
   * @param x - The residual stream `(B, T, C)`.
   * @param options - `cache` (this layer's {@link KVCache}), `returnWeights`, `returnQueriesKeys`.
   * @returns `{ x (B, T, C), weights (B, nh, T, Tk) | null }`, and the attention's `queries` and `keys`
   *   `(B, nh, T | Tk, hs)` with `returnQueriesKeys`.
   */
  forward(
    x: Tensor,
    options: { cache?: KVCache; returnWeights?: boolean; returnQueriesKeys?: boolean } = {},
  ): BlockOutput {
    const { output, weights, ...queriesKeys } = this.attn.forward(this.ln1.forward(x), options); // (B, T, C)
    const afterAttn = add(x, output); // (B, T, C)
    const y = add(afterAttn, this.mlpf(this.ln2.forward(afterAttn))); // (B, T, C)
    return { x: y, weights, ...queriesKeys };
  }
}
