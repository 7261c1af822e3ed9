/**
 * The gpt-nano training step that `lxmls bench train-step` times: the real @lxmls/gpt `GPT` trained as the
 * course trains it, one iteration of @lxmls/trainer's loop.
 *
 * Follows the LxMLS toolkit's Trainer loop (minGPT `trainer.py`): forward with targets, zero the grads,
 * backward, clip the global gradient norm to 1.0, one AdamW step over `model.configure_optimizers`'s two
 * parameter groups (weight decay 0.1 on the Linear weights only), lr 5e-4, betas (0.9, 0.95). The model is
 * gpt-nano on the weather task (docs/course-behaviour.md §2.1: 3 layers, 3 heads, 48 dims, vocab 8,
 * block 11) with the exercise form's parameters on the fused kernel (FusedCausalSelfAttention, as the course
 * trains it), the exercise form itself (CausalSelfAttention, composed step by step) or the fused `c_attn` one,
 * and dropout 0.1 as the course trains it (or any other probability).
 */

import { CausalSelfAttention, FusedCausalSelfAttention } from '@lxmls/attention';
import { GPT } from '@lxmls/gpt';
import { RandomGenerator, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { AdamW, clipGradNorm } from '@lxmls/trainer';

/** The sizes of gpt-nano on the weather task (the toolkit's `model_type = 'gpt-nano'`). */
export const GPT_NANO = { nLayer: 3, nHead: 3, nEmbd: 48, vocabSize: 8, blockSize: 11 } as const;

/** Options of {@link GptNanoTrainStep}. */
export interface TrainStepOptions {
  /** Dropout probability of the embeddings, the residual branches and the attention weights (course: 0.1). */
  dropout?: number;
  /**
   * `'separate'`: FusedCausalSelfAttention (query/key/value projections on the fused kernel, the course's);
   * `'exercise'`: CausalSelfAttention (the same parameters, composed step by step); `'fused'`: `c_attn`.
   */
  attention?: 'separate' | 'exercise' | 'fused';
  /** Seed of the initialisation, the dropout masks and {@link GptNanoTrainStep.randomBatch}. */
  seed?: number;
}

/**
 * gpt-nano with its AdamW optimizer, and one training step (`step`) as @lxmls/trainer's loop runs it. Each
 * step runs inside one `tidy`, so memory stays flat.
 *
 * @example
 * ```ts
 * import { GptNanoTrainStep } from './bench/train-step.js';
 * const bench = new GptNanoTrainStep({ dropout: 0, seed: 0 });
 * const { idx, targets } = bench.randomBatch(2);
 * const first = bench.step(idx, targets);
 * console.log(first > 1 && first < 4, bench.model.numTransformerParameters()); // → true 85824
 * ```
 */
export class GptNanoTrainStep {
  /** The model, in training mode. */
  readonly model: GPT;
  /** AdamW over the model's two parameter groups. */
  readonly optimizer: AdamW;
  private readonly params: Tensor[];
  private readonly rng: RandomGenerator;

  /** @param options - Dropout, attention form and seed. */
  constructor(options: TrainStepOptions = {}) {
    const { dropout = 0.1, attention = 'separate', seed = 0 } = options;
    this.rng = new RandomGenerator(seed);
    const config = GPT.getDefaultConfig();
    config.modelType = 'gpt-nano';
    config.vocabSize = GPT_NANO.vocabSize;
    config.blockSize = GPT_NANO.blockSize;
    config.embdPdrop = dropout;
    config.residPdrop = dropout;
    config.attnPdrop = dropout;
    config.pretrained = attention === 'fused';
    const attn = { separate: FusedCausalSelfAttention, exercise: CausalSelfAttention, fused: undefined }[
      attention
    ];
    const generator = new RandomGenerator(seed + 1);
    this.model = new GPT(config, { generator, ...(attn ? { attention: attn } : {}) }).train();
    this.optimizer = new AdamW(this.model.configureOptimizers({ weightDecay: 0.1 }), {
      lr: 5e-4,
      betas: [0.9, 0.95],
    });
    this.params = this.model.parameters();
  }

  /** A batch of random token ids `(B, T)` and next-token targets `(B, T)`, the first 5 targets of each row −1. */
  randomBatch(batchSize: number): { idx: Tensor; targets: Tensor } {
    const { vocabSize: V, blockSize: T } = GPT_NANO;
    const ids = Int32Array.from({ length: batchSize * T }, () => this.rng.uint32() % V);
    // the weather task predicts only the last 6 of its 11 positions; the others are ignored (-1)
    const next = Int32Array.from({ length: batchSize * T }, (_, i) =>
      i % T < 5 ? -1 : this.rng.uint32() % V,
    );
    return { idx: tensor(ids, [batchSize, T], 'int32'), targets: tensor(next, [batchSize, T], 'int32') };
  }

  /**
   * One training step: forward and loss, zero the grads, backward, clip the gradient norm to 1.0, AdamW.
   *
   * @returns The loss before the update.
   */
  step(idx: Tensor, targets: Tensor): number {
    return tidy(() => {
      const { loss } = this.model.forward(idx, targets); // ()
      const value = loss!.item();
      for (const p of this.params) p.zeroGrad();
      loss!.backward();
      clipGradNorm(this.params, 1.0);
      this.optimizer.step();
      return value;
    });
  }

  /** Frees the model and the optimizer state. */
  dispose(): void {
    for (const { m, v } of this.optimizer.state().values()) {
      m.dispose();
      v.dispose();
    }
    this.model.dispose();
  }
}
