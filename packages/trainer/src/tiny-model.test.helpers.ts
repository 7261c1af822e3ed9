/**
 * Test helpers: a tiny real next-token model built from @lxmls/nn (Embedding → Dropout → LayerNorm → Linear,
 * with minGPT's parameter-group rule), and tiny synthetic datasets of both kinds the trainer takes.
 * Not part of the published API.
 */

import { Dropout, Embedding, LayerNorm, Linear, Module, type ParamGroup } from '@lxmls/nn';
import { crossEntropy, RandomGenerator, type Tensor } from '@lxmls/tensor';

/** A tiny language model: logits of the next token from the current one, through a small hidden layer. */
export class TinyLM extends Module {
  readonly wte: Embedding;
  readonly drop: Dropout;
  readonly ln: LayerNorm;
  readonly head: Linear;

  constructor(vocabSize = 6, nEmbd = 8, dropout = 0, seed = 1) {
    super();
    const generator = new RandomGenerator(seed);
    this.wte = this.registerModule('wte', new Embedding(vocabSize, nEmbd, { generator }));
    this.drop = this.registerModule('drop', new Dropout(dropout));
    this.ln = this.registerModule('ln', new LayerNorm(nEmbd));
    this.head = this.registerModule('head', new Linear(nEmbd, vocabSize, { generator }));
  }

  forward(x: Tensor, y: Tensor | null = null): { logits: Tensor; loss: Tensor | null } {
    const h = this.ln.forward(this.drop.forward(this.wte.forward(x))); // (B, T, C)
    const logits = this.head.forward(h); // (B, T, V)
    return { logits, loss: y ? crossEntropy(logits, y) : null };
  }

  /** minGPT's rule (docs/course-behaviour.md §2.10): Linear weights decay; biases, LayerNorm and Embedding weights do not. */
  configureOptimizers(config: { weightDecay: number }): ParamGroup[] {
    const named = new Map(this.namedParameters());
    const decay = ['head.weight'];
    const noDecay = [...named.keys()].filter((n) => !decay.includes(n)).sort();
    return [
      { names: decay, params: decay.map((n) => named.get(n)!), weightDecay: config.weightDecay },
      { names: noDecay, params: noDecay.map((n) => named.get(n)!), weightDecay: 0 },
    ];
  }
}

/**
 * A batch sampler like WeatherDataset's: sequences `a, a+1, a+2, …` (mod V) from a random start, with the
 * first target masked; its own MT-free generator exposed as `rng` (getState/setState) for checkpoints.
 */
export class CountingSampler {
  readonly rng: RandomGenerator;
  calls = 0;

  constructor(
    readonly vocabSize = 6,
    readonly blockSize = 5,
    seed = 0,
  ) {
    this.rng = new RandomGenerator(seed);
  }

  getBlockSize(): number {
    return this.blockSize;
  }

  sampleBatch(batchSize: number, out?: { x: Int32Array; y: Int32Array }): { x: Int32Array; y: Int32Array } {
    this.calls++;
    const T = this.blockSize;
    const V = this.vocabSize;
    const x = out?.x ?? new Int32Array(batchSize * T); // (B, T)
    const y = out?.y ?? new Int32Array(batchSize * T); // (B, T)
    for (let b = 0; b < batchSize; b++) {
      const start = this.rng.uint32() % V;
      for (let t = 0; t < T; t++) {
        x[b * T + t] = (start + t) % V;
        y[b * T + t] = t === 0 ? -1 : (start + t + 1) % V;
      }
    }
    return out ?? { x, y };
  }
}

/** A PyTorch-style dataset of `n` counting sequences (example i starts at i mod V). */
export function countingItems(
  n = 12,
  vocabSize = 6,
  blockSize = 5,
): { length: number; get(i: number): { x: number[]; y: number[] } } {
  return {
    length: n,
    get(i: number) {
      const x = Array.from({ length: blockSize }, (_, t) => (i + t) % vocabSize);
      const y = x.map((v) => (v + 1) % vocabSize);
      return { x, y };
    },
  };
}
