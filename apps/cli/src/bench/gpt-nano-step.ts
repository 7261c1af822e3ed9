/**
 * A gpt-nano-shaped GPT and its training step, written with @lxmls/tensor ops, for `lxmls bench train-step`.
 *
 * Follows minGPT's `model.py` (Karpathy) and the course toolkit's gpt-nano (reference/course-toolkit-spec.md
 * §2.1: n_layer 3, n_head 3, n_embd 48; the weather task: vocab 8, block size 11): token + position
 * embedding, pre-LN blocks `x = x + attn(ln_1(x)); x = x + mlp(ln_2(x))` with causal self-attention (fused
 * when the backend has it) and a NewGELU MLP, a final layerNorm, an lm head without bias, cross-entropy with
 * ignore index −1, backward, and AdamW (weight decay on the matmul weights only, as minGPT's
 * `configure_optimizers`). Dropout is left out (p = 0), so every backend runs the same arithmetic. A later
 * session moves the model into @lxmls/gpt.
 */

import {
  adamwUpdate,
  add,
  crossEntropy,
  embedding,
  gelu,
  layerNorm,
  matmul,
  ones,
  RandomGenerator,
  randn,
  selfAttention,
  slice,
  type Tensor,
  tensor,
  tidy,
  zeros,
  zerosLike,
} from '@lxmls/tensor';

/** The sizes of a GPT (minGPT's config names in camelCase). */
export interface GptConfig {
  /** Number of transformer blocks (`n_layer`). */
  nLayer: number;
  /** Attention heads per block (`n_head`). */
  nHead: number;
  /** Width of the residual stream (`n_embd`). */
  nEmbd: number;
  /** Number of token ids (`vocab_size`). */
  vocabSize: number;
  /** Longest sequence (`block_size`). */
  blockSize: number;
}

/**
 * gpt-nano on the course's weather task: 3 layers, 3 heads, 48 dims, vocab 8, block 11 (85,824 parameters
 * in `transformer`, printed as 0.09M by the Python toolkit).
 *
 * @example
 * ```ts
 * import { GPT_NANO } from './bench/gpt-nano-step.js';
 * console.log(GPT_NANO.nEmbd / GPT_NANO.nHead); // → 16
 * ```
 */
export const GPT_NANO: Readonly<GptConfig> = { nLayer: 3, nHead: 3, nEmbd: 48, vocabSize: 8, blockSize: 11 };

/** One transformer block's parameters (minGPT names). */
interface Block {
  ln1: [Tensor, Tensor]; // ln_1 weight, bias (C)
  attn: [Tensor, Tensor]; // c_attn weight (C, 3C) stored (in, out), bias (3C)
  proj: [Tensor, Tensor]; // c_proj weight (C, C), bias (C)
  ln2: [Tensor, Tensor]; // ln_2 weight, bias (C)
  fc: [Tensor, Tensor]; // mlp.c_fc weight (C, 4C), bias (4C)
  fc2: [Tensor, Tensor]; // mlp.c_proj weight (4C, C), bias (C)
}

/**
 * A GPT with its AdamW state, and one training step (`step`). Parameters are created once, outside any tidy;
 * each step runs forward, backward and the update inside one `tidy`, so memory stays flat.
 *
 * @example
 * ```ts
 * import { GPT_NANO, GptTrainer } from './bench/gpt-nano-step.js';
 * const gpt = new GptTrainer(GPT_NANO, 0);
 * const { idx, targets } = gpt.randomBatch(2);
 * const first = gpt.step(idx, targets);
 * console.log(first > 1 && first < 4, gpt.numParameters()); // → true 85824
 * ```
 */
export class GptTrainer {
  readonly config: Readonly<GptConfig>;
  private readonly wte: Tensor; // (V, C)
  private readonly wpe: Tensor; // (T, C)
  private readonly blocks: Block[] = [];
  private readonly lnF: [Tensor, Tensor]; // ln_f weight, bias (C)
  private readonly lmHead: Tensor; // (C, V), no bias
  private readonly params: { p: Tensor; m: Tensor; v: Tensor; decay: boolean }[] = [];
  private readonly rng: RandomGenerator;
  private t = 0;

  /**
   * @param config - The sizes.
   * @param seed - Seed of the initialisation and of {@link GptTrainer.randomBatch}.
   */
  constructor(config: Readonly<GptConfig>, seed = 0) {
    this.config = config;
    this.rng = new RandomGenerator(seed);
    const { nLayer, nEmbd: C, vocabSize: V, blockSize: T } = config;
    const normal = (shape: number[], std = 0.02, decay = true) => {
      const unit = randn(shape, this.rng);
      const scaled = unit.mul(std); // N(0, std²)
      unit.dispose();
      return this.param(scaled, decay);
    };
    const lnPair = (): [Tensor, Tensor] => [this.param(ones([C]), false), this.param(zeros([C]), false)];
    const linear = (inDim: number, outDim: number, std = 0.02): [Tensor, Tensor] => [
      normal([inDim, outDim], std),
      this.param(zeros([outDim]), false),
    ];
    const projStd = 0.02 / Math.sqrt(2 * nLayer); // minGPT's special scaled init of c_proj
    this.wte = normal([V, C], 0.02, false);
    this.wpe = normal([T, C], 0.02, false);
    for (let l = 0; l < nLayer; l++) {
      this.blocks.push({
        ln1: lnPair(),
        attn: linear(C, 3 * C),
        proj: linear(C, C, projStd),
        ln2: lnPair(),
        fc: linear(C, 4 * C),
        fc2: linear(4 * C, C, projStd),
      });
    }
    this.lnF = lnPair();
    this.lmHead = normal([C, V]);
  }

  private param(t: Tensor, decay: boolean): Tensor {
    t.requiresGrad = true;
    this.params.push({ p: t, m: zerosLike(t), v: zerosLike(t), decay });
    return t;
  }

  /** Parameters of `transformer` (everything but the lm head), as minGPT prints them. */
  numParameters(): number {
    return this.params.reduce((n, { p }) => n + (p === this.lmHead ? 0 : p.size), 0);
  }

  /** A batch of random token ids `(B, T)` and next-token targets `(B, T)`, the first target of each row −1. */
  randomBatch(batchSize: number): { idx: Tensor; targets: Tensor } {
    const { vocabSize: V, blockSize: T } = this.config;
    const ids = Int32Array.from({ length: batchSize * T }, () => this.rng.uint32() % V);
    const next = Int32Array.from({ length: batchSize * T }, (_, i) =>
      i % T === 0 ? -1 : this.rng.uint32() % V,
    );
    return { idx: tensor(ids, [batchSize, T], 'int32'), targets: tensor(next, [batchSize, T], 'int32') };
  }

  /** The logits `(B, T, V)` of token ids `(B, T)`. */
  forward(idx: Tensor): Tensor {
    const T = idx.shape[1]!;
    const { nHead: nh, nEmbd: C } = this.config;
    const pos = T === this.config.blockSize ? this.wpe : slice(this.wpe, [0, 0], [T, C]); // (T, C)
    let x = add(embedding(idx, this.wte), pos); // (B, T, C)
    const linear = (h: Tensor, [w, b]: [Tensor, Tensor]) => add(matmul(h, w), b);
    for (const block of this.blocks) {
      // x = x + attn(ln_1(x))
      const qkv = linear(layerNorm(x, ...block.ln1), block.attn); // (B, T, 3C)
      // split into q, k, v, into nh heads of hs, attend causally and merge the heads: one op, so a backend
      // with the packed attention kernels reads the heads in place instead of copying them out
      const merged = selfAttention(qkv, nh, { causal: true }); // (B, T, C)
      x = add(x, linear(merged, block.proj)); // (B, T, C)
      // x = x + mlp(ln_2(x))
      const h = gelu(linear(layerNorm(x, ...block.ln2), block.fc)); // (B, T, 4C)
      x = add(x, linear(h, block.fc2)); // (B, T, C)
    }
    return matmul(layerNorm(x, ...this.lnF), this.lmHead); // (B, T, V)
  }

  /**
   * One training step: forward, cross-entropy (ignore index −1), backward, AdamW (lr 5e-4, betas (0.9, 0.95),
   * weight decay 0.1 on the matmul weights, as minGPT's trainer).
   *
   * @returns The loss before the update.
   */
  step(idx: Tensor, targets: Tensor): number {
    const loss = tidy(() => {
      const logits = this.forward(idx); // (B, T, V)
      const l = crossEntropy(logits, targets); // ()
      l.backward();
      return l.item();
    });
    this.t++;
    for (const { p, m, v, decay } of this.params) {
      adamwUpdate(p, p.grad!, m, v, {
        lr: 5e-4,
        beta1: 0.9,
        beta2: 0.95,
        eps: 1e-8,
        weightDecay: decay ? 0.1 : 0,
        step: this.t,
      });
      p.zeroGrad();
    }
    return loss;
  }

  /** Frees every parameter and optimiser buffer. */
  dispose(): void {
    for (const { p, m, v } of this.params) {
      p.dispose();
      m.dispose();
      v.dispose();
    }
  }
}
