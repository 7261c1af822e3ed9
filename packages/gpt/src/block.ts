/**
 * Block: one transformer block of the GPT, pre-LayerNorm with residual connections:
 * `x = x + attn(ln_1(x))`, then `x = x + mlp(ln_2(x))`.
 *
 * Follows `lxmls/transformers/model.py` `Block` (minGPT's, with the attention chosen by `config.pretrained`),
 * and takes any attention module with the exercise form's contract (`attention`: a class or a factory, e.g. a
 * student's `CausalSelfAttention`).
 */

import {
  type AttentionFactory,
  type AttentionModule,
  CausalSelfAttention,
  createAttention,
  type KVCache,
  PretrainedCausalSelfAttention,
  toAttentionOutput,
} from '@lxmls/attention';
import { Dropout, LayerNorm, Linear, Module, ModuleDict, NewGELU } from '@lxmls/nn';
import { add, linear, type RandomGenerator, type Tensor } from '@lxmls/tensor';
import type { ResolvedGPTConfig } from './config.js';
import { check, LxmlsGptError } from './errors.js';

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

/** Options of the {@link Block} constructor. */
export interface BlockOptions {
  /** The random source of the dropout masks (and of the initialisation unless `initGenerator` is given). */
  generator?: RandomGenerator;
  /** The random source of the layers' default initialisation. */
  initGenerator?: RandomGenerator;
  /**
   * The attention: a class constructed as `new Attention(config, { generator, initGenerator })`, or a factory
   * `(config, options) => module`. Default: {@link CausalSelfAttention} (the exercise form), or
   * {@link PretrainedCausalSelfAttention} when `config.pretrained`.
   */
  attention?: AttentionFactory;
}

/**
 * An unassuming Transformer block: attention, then an MLP (C → 4C → GELU → C), each on a LayerNorm of the
 * residual stream and added back to it.
 *
 * Parts, in minGPT's order: `ln_1`, `attn` (built from `options.attention`; by default the exercise
 * {@link CausalSelfAttention}, or the fused {@link PretrainedCausalSelfAttention} when `config.pretrained`),
 * `ln_2`, `mlp` (`c_fc`, `c_proj`, `act`, `dropout`).
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
  /** The attention module (its `forward` may return a tensor or `{ output, weights }`). */
  readonly attn: AttentionModule;
  readonly ln2: LayerNorm;
  readonly mlp: ModuleDict;
  readonly #cFc: Linear;
  readonly #cProj: Linear;
  readonly #act: NewGELU;
  readonly #dropout: Dropout;

  /**
   * @param config - A resolved GPT config.
   * @param options - `generator` (dropout masks, and initialisation unless `initGenerator` is given),
   *   `initGenerator` (the layers' default initialisation), `attention` (a class or a factory).
   * @throws LxmlsAttentionError `INVALID_ARGUMENT` when `attention` does not build a module.
   */
  constructor(config: ResolvedGPTConfig, options: BlockOptions = {}) {
    super();
    const { generator, initGenerator = generator } = options;
    const attention =
      options.attention ?? (config.pretrained ? PretrainedCausalSelfAttention : CausalSelfAttention);
    const init = { generator: initGenerator };
    const C = config.nEmbd;
    this.ln1 = this.registerModule('ln_1', new LayerNorm(C));
    const attentionOptions = {
      ...(generator ? { generator } : {}),
      ...(initGenerator ? { initGenerator } : {}),
    };
    this.attn = this.registerModule('attn', createAttention(attention, config, attentionOptions));
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

  /**
   * The MLP: `dropout(c_proj(act(c_fc(x))))`, `(B, T, C)` → `(B, T, C)`. `act(c_fc(x))` is one `linear` op
   * with its GELU (`act` is NewGELU): fused into the layer on a backend with `linearGelu` (webgpu), else
   * exactly `gelu(linear(x))`.
   */
  mlpf(x: Tensor): Tensor {
    const h = linear(x, this.#cFc.weight, this.#cFc.bias, { activation: 'gelu' }); // (B, T, 4C)
    return this.#dropout.forward(this.#cProj.forward(h)); // (B, T, C)
  }

  /**
   * The MLP's residual connection `x + mlpf(ln_2(x))`. With the dropout inactive (p = 0, or evaluation:
   * generation, pretrained GPT-2) the add is `c_proj`'s epilogue, one `linear(…, { residual: x })` op (one
   * kernel on a backend with `linearResidual`, else exactly the add); in training with dropout (or with a
   * subclass's `mlpf`), `add(x, mlpf(ln_2(x)))`.
   */
  #mlpResidual(x: Tensor): Tensor {
    const normed = this.ln2.forward(x); // (B, T, C)
    const dropout = this.#dropout;
    // a subclass's own mlpf, or dropout in training: the ops as written
    if ((dropout.training && dropout.p !== 0) || this.mlpf !== Block.prototype.mlpf)
      return add(x, this.mlpf(normed)); // (B, T, C)
    const h = linear(normed, this.#cFc.weight, this.#cFc.bias, { activation: 'gelu' }); // (B, T, 4C)
    return linear(h, this.#cProj.weight, this.#cProj.bias, { residual: x }); // (B, T, C)
  }

  /**
   * Runs the block.
   *
   * @param x - The residual stream `(B, T, C)`.
   * @param options - `cache` (this layer's {@link KVCache}), `returnWeights`, `returnQueriesKeys`; passed to
   *   the attention module only when asked for (a student's `forward(x)` takes none).
   * @returns `{ x (B, T, C), weights (B, nh, T, Tk) | null }`, and the attention's `queries` and `keys`
   *   `(B, nh, T | Tk, hs)` with `returnQueriesKeys`. The weights are null when the module returns a tensor.
   * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` when the attention returns no tensor or another shape.
   */
  forward(
    x: Tensor,
    options: { cache?: KVCache; returnWeights?: boolean; returnQueriesKeys?: boolean } = {},
  ): BlockOutput {
    const asked = Boolean(options.cache || options.returnWeights || options.returnQueriesKeys);
    const normed = this.ln1.forward(x); // (B, T, C)
    const result = asked ? this.attn.forward(normed, options) : this.attn.forward(normed);
    const { output, weights, ...queriesKeys } = toAttentionOutput(result, 'Block.forward'); // (B, T, C)
    if (output.shape.length !== 3 || output.shape.some((n, i) => n !== x.shape[i]))
      check.fail(
        'Block.forward',
        `${this.attn.constructor.name}.forward(x)`,
        undefined,
        'the attention returned the wrong shape',
        `(${x.shape.join(', ')}), the shape of x (B, T, C)`,
        { received: `(${output.shape.join(', ')})` },
      );
    const afterAttn = add(x, output); // (B, T, C)
    const y = this.#mlpResidual(afterAttn); // (B, T, C)
    return { x: y, weights, ...queriesKeys };
  }
}
