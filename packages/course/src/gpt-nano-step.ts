/**
 * The gpt-nano training step of the course, timed: the real @lxmls/gpt `GPT` trained as Exercise 3.1 trains
 * it, one iteration of @lxmls/trainer's loop (`lxmls bench train-step` times it, and benchmarks/src/threads).
 *
 * Follows the LxMLS toolkit's Trainer loop (minGPT `trainer.py`): forward with targets, zero the grads,
 * backward, clip the global gradient norm to 1.0, one AdamW step over `model.configure_optimizers`'s two
 * parameter groups (weight decay 0.1 on the Linear weights only), lr 5e-4, betas (0.9, 0.95). The model is
 * gpt-nano on the weather task (docs/course-behaviour.md §2.1: 3 layers, 3 heads, 48 dims, vocab 8,
 * block 11) with the exercise form's parameters on the fused kernel (FusedCausalSelfAttention, as the course
 * trains it), the exercise form itself (CausalSelfAttention, composed step by step) or the fused `c_attn` one,
 * and dropout 0.1 as the course trains it (or any other probability).
 *
 * On a backend whose reads are asynchronous (`webgpu`, `tfjs-webgpu`) the step is the Trainer's asynchronous
 * one: recorded without a read (the clip with tensor ops, `clipGradNormTensor`), then its loss read with
 * `await dataAsync()`. {@link timeTrainStep} times either kind, in Node and in a browser page (browser-safe:
 * no Node import), and counts a WebGPU backend's dispatches and submits. Moved here from the CLI (issue 13).
 */

import { CausalSelfAttention, FusedCausalSelfAttention } from '@lxmls/attention';
import { GPT } from '@lxmls/gpt';
import { getBackend, memory, RandomGenerator, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { AdamW, clipGradNorm, clipGradNormTensor } from '@lxmls/trainer';
import { median } from './median.js';

/**
 * The sizes of gpt-nano on the weather task (the toolkit's `model_type = 'gpt-nano'`).
 *
 * @example
 * ```ts
 * import { GPT_NANO } from '@lxmls/course';
 * console.log(GPT_NANO.nLayer, GPT_NANO.blockSize); // → 3 11
 * ```
 */
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
 * import { GptNanoTrainStep } from '@lxmls/course';
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

  /**
   * One training step without a read inside it (for backends whose reads are asynchronous): forward,
   * backward, the clip as tensor ops, AdamW; then the loss read with `await dataAsync()`.
   *
   * @returns A promise of the loss before the update.
   */
  async stepAsync(idx: Tensor, targets: Tensor): Promise<number> {
    const loss = tidy(() => {
      const { loss } = this.model.forward(idx, targets); // ()
      for (const p of this.params) p.zeroGrad();
      loss!.backward();
      clipGradNormTensor(this.params, 1.0);
      this.optimizer.step();
      return loss!.detach();
    });
    try {
      return (await loss.dataAsync())[0]!;
    } finally {
      loss.dispose();
    }
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

/** What {@link timeTrainStep} runs. */
export interface TrainStepSetup {
  /** Sequences per step. */
  batchSize: number;
  /** Timed steps. */
  steps: number;
  /** Untimed steps first. */
  warmup: number;
  /** Dropout probability. */
  dropout: number;
  /** The attention form (see {@link TrainStepOptions}). */
  attention: 'separate' | 'exercise' | 'fused';
}

/** What {@link timeTrainStep} measures. */
export interface TrainStepResult {
  medianMs: number;
  minMs: number;
  maxMs: number;
  lossFirst: number;
  lossLast: number;
  /** Live tensors and backend bytes after the first step and after the last one, and the process RSS. */
  memory: {
    tensorsFirst: number;
    tensorsLast: number;
    bytesFirst: number;
    bytesLast: number;
    /** Null where there is no process RSS (a browser page). */
    rssEarlyMb: number | null;
    rssLastMb: number | null;
  };
  /**
   * Per timed step, on a backend that counts them (`webgpu`'s `counters()`): GPU dispatches, and submits of
   * command buffers (the loss's read included). Absent elsewhere.
   */
  dispatches?: number;
  submits?: number;
}

/** A backend that counts its GPU work (`@lxmls/backend-webgpu`'s `counters()`). */
interface CountingBackend {
  counters(): { dispatches: number; submits: number };
}

/**
 * Trains gpt-nano on one random batch (seed 0) on the current backend and times each step: the synchronous
 * step on `js`/`wasm`, {@link GptNanoTrainStep.stepAsync} (its loss read each step) on a backend whose reads
 * are asynchronous.
 *
 * @param setup - Batch size, steps, warm-up, dropout, attention form.
 * @param rssMb - The process RSS in MB (Node's `process.memoryUsage`); none in a browser.
 * @returns The timings, the first and last loss, the memory, and per-step dispatches and submits where
 *   the backend counts them.
 * @example
 * ```ts
 * import { timeTrainStep } from '@lxmls/course';
 * const r = await timeTrainStep({ batchSize: 2, steps: 1, warmup: 0, dropout: 0, attention: 'separate' });
 * console.log(r.lossFirst > 1, r.memory.rssLastMb, 'dispatches' in r); // → true null false
 * ```
 */
export async function timeTrainStep(
  { batchSize, steps, warmup, dropout, attention }: TrainStepSetup,
  rssMb?: () => number,
): Promise<TrainStepResult> {
  const backend = getBackend();
  const asyncReads = backend.capabilities.async === true;
  const counting =
    typeof (backend as Partial<CountingBackend>).counters === 'function'
      ? (backend as unknown as CountingBackend)
      : null;
  const gpt = new GptNanoTrainStep({ dropout, attention, seed: 0 });
  const { idx, targets } = gpt.randomBatch(batchSize);
  const times: number[] = [];
  let lossFirst = Number.NaN;
  let lossLast = Number.NaN;
  let first = { ...memory(), rss: null as number | null };
  const early = Math.max(0, Math.floor((warmup + steps) / 10) - 1); // RSS once the JS heap has warmed up
  let counted = { dispatches: 0, submits: 0 };
  for (let s = 0; s < warmup + steps; s++) {
    if (s === warmup && counting) counted = counting.counters();
    const t0 = performance.now();
    const loss = asyncReads ? await gpt.stepAsync(idx, targets) : gpt.step(idx, targets);
    const ms = performance.now() - t0;
    if (s === 0) {
      lossFirst = loss;
      first = { ...memory(), rss: null };
    }
    if (s === early) first.rss = rssMb?.() ?? null;
    lossLast = loss;
    if (s >= warmup) times.push(ms);
  }
  const after = counting?.counters();
  const last = { ...memory(), rss: rssMb?.() ?? null };
  gpt.dispose();
  idx.dispose();
  targets.dispose();
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    lossFirst,
    lossLast,
    memory: {
      tensorsFirst: first.numTensors,
      tensorsLast: last.numTensors,
      bytesFirst: first.numBytes,
      bytesLast: last.numBytes,
      rssEarlyMb: first.rss,
      rssLastMb: last.rss,
    },
    ...(after
      ? {
          dispatches: (after.dispatches - counted.dispatches) / steps,
          submits: (after.submits - counted.submits) / steps,
        }
      : {}),
  };
}
