/**
 * CausalSelfAttention, the exercise form (LxMLS Exercise 2.2): multi-head masked self-attention with
 * separate query, key and value projections, written step by step as the course asks students to complete
 * it. The code you read is the code that runs: every forward computes with exactly these steps (the fused
 * kernel lives in its own module, {@link FusedCausalSelfAttention}, with the same parameters). The GPT's
 * attention by default when `config.pretrained` is false.
 *
 * Follows `lxmls/transformers/model.py` `CausalSelfAttention` (a minGPT fork in which the fused `c_attn`
 * was split into `query_proj`, `key_proj` and `value_proj`), and Vaswani et al. (2017) §3.2.
 * Shapes: B batch, T new positions, C = nEmbd channels, nh heads of hs = C / nh channels each.
 */

import { Dropout, Linear, Module } from '@lxmls/nn';
import {
  maskedFill,
  matmul,
  permute,
  reshape,
  slice,
  softmax,
  sub,
  type Tensor,
  tensor,
} from '@lxmls/tensor';
import {
  type AttentionModuleOptions,
  type CausalForwardOptions,
  type CausalSelfAttentionConfig,
  checkConfig,
  checkLength,
} from './config.js';
import type { AttentionOutput } from './scaled-dot-product.js';

/** @internal The lower-triangular ones `(1, 1, n, n)` that minGPT registers as the buffer `bias`. */
export function trilBuffer(n: number): Tensor {
  const data = new Float32Array(n * n);
  for (let i = 0; i < n; i++) data.fill(1, i * n, i * n + i + 1);
  return tensor(data, [1, 1, n, n]); // (1, 1, blockSize, blockSize)
}

/**
 * Multi-head causal self-attention with separate projections (the exercise form).
 *
 * Parts, registered in the toolkit's order: `query_proj`, `key_proj`, `value_proj`, `output_proj` (each
 * `Linear(C, C)`), `attn_dropout`, `resid_dropout`, and the persistent buffer `bias`
 * `(1, 1, blockSize, blockSize)`, so a GPT's state dict has `transformer.h.N.attn.bias` as in PyTorch.
 * `forward` always runs the composed steps it shows (Exercises 2.2.1 to 2.2.4); for speed, train with
 * {@link FusedCausalSelfAttention}, which has the same parameters and gives the same values and gradients.
 *
 * @remarks Python: `lxmls.transformers.model.CausalSelfAttention`.
 * @example
 * ```ts
 * import { CausalSelfAttention } from '@lxmls/attention';
 * import { RandomGenerator, randn } from '@lxmls/tensor';
 * const attn = new CausalSelfAttention({ nEmbd: 8, nHead: 2, blockSize: 4 }, { generator: new RandomGenerator(0) });
 * const { output, weights } = attn.forward(randn([1, 3, 8], new RandomGenerator(1)), { returnWeights: true });
 * console.log(output.shape, weights?.shape, weights?.toArray(4)[0]?.[0]?.[0]); // → [ 1, 3, 8 ] [ 1, 2, 3, 3 ] [ 1, 0, 0 ]
 * console.log([...attn.stateDict().keys()][0]); // → bias
 * ```
 */
export class CausalSelfAttention extends Module {
  /** C, the width of the input and output (`hidden_size`). */
  readonly hiddenSize: number;
  /** nh, the number of heads (`num_heads`). */
  readonly numHeads: number;
  /** The side of the causal mask buffer. */
  readonly blockSize: number;
  readonly queryProj: Linear;
  readonly keyProj: Linear;
  readonly valueProj: Linear;
  readonly outputProj: Linear;
  readonly attnDropout: Dropout;
  readonly residDropout: Dropout;
  /** The causal mask: 1 where query i may attend to key j (j ≤ i), `(1, 1, blockSize, blockSize)`. */
  readonly bias: Tensor;
  /** This module honours `cache`, `returnWeights` and `returnQueriesKeys` (see {@link AttentionModule}). */
  readonly supportsKVCache = true;

  /**
   * @param config - `nEmbd`, `nHead` (a divisor of nEmbd), `blockSize`, `attnPdrop`, `residPdrop`.
   * @param options - `generator` (dropout masks and default initialisation), `initGenerator` (initialisation only).
   * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` for a size or probability it cannot use.
   */
  constructor(config: CausalSelfAttentionConfig, options: AttentionModuleOptions = {}) {
    super();
    const { nEmbd: C, nHead, blockSize, attnPdrop, residPdrop } = checkConfig('CausalSelfAttention', config);
    const { generator, initGenerator = generator } = options;
    const init = { generator: initGenerator };
    const drop = generator ? { generator } : {}; // no generator: the global one at each call
    this.hiddenSize = C;
    this.numHeads = nHead;
    this.blockSize = blockSize;
    // the query, key and value projections, and the output projection: all C → C
    this.queryProj = this.registerModule('query_proj', new Linear(C, C, init));
    this.keyProj = this.registerModule('key_proj', new Linear(C, C, init));
    this.valueProj = this.registerModule('value_proj', new Linear(C, C, init));
    this.outputProj = this.registerModule('output_proj', new Linear(C, C, init));
    // regularisation
    this.attnDropout = this.registerModule('attn_dropout', new Dropout(attnPdrop, drop));
    this.residDropout = this.registerModule('resid_dropout', new Dropout(residPdrop, drop));
    // the causal mask: only attend to the left in the input sequence
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
    const nh = this.numHeads;
    const hs = C / nh; // head size
    const past = cache ? cache.length : 0;
    checkLength('CausalSelfAttention.forward', past, T, this.blockSize);

    // Exercise 2.2.1: project x into queries, keys and values (in self-attention, all from the same x)
    const q = this.queryProj.forward(x); // (B, T, C)
    const k = this.keyProj.forward(x); // (B, T, C)
    const v = this.valueProj.forward(x); // (B, T, C)

    // split the channels into nh heads of hs, and move the head axis before the time axis, so that all
    // heads are computed by one batched matrix product
    const heads = (t: Tensor) => permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const query = heads(q); // (B, nh, T, hs)
    let key = heads(k); // (B, nh, T, hs)
    let value = heads(v); // (B, nh, T, hs)
    if (cache) ({ k: key, v: value } = cache.append(key, value)); // (B, nh, Tk = Tpast + T, hs)
    const Tk = past + T;

    // Exercise 2.2.2: attention scores q·kᵀ, scaled by √hs (the head size: this is multi-head attention)
    const scores = matmul(query, key, { transposeB: true }).div(Math.sqrt(hs)); // (B, nh, T, Tk)

    // the causal mask: rows past..past+T-1 of the lower triangle; -inf where bias == 0 (a future key)
    const mask = slice(this.bias, [0, 0, past, 0], [1, 1, T, Tk]); // (1, 1, T, Tk)
    const masked = maskedFill(scores, sub(1, mask), Number.NEGATIVE_INFINITY); // (B, nh, T, Tk)

    // Exercise 2.2.3: softmax over the keys (the last axis), so each query's weights sum to 1
    const weights = this.attnDropout.forward(softmax(masked, -1)); // (B, nh, T, Tk)

    // Exercise 2.2.4: the weighted sum of the values
    const attended = matmul(weights, value); // (B, nh, T, hs)
    const y = reshape(permute(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C): heads side by side again

    // the output projection, then dropout
    const output = this.residDropout.forward(this.outputProj.forward(y)); // (B, T, C)
    const queriesKeys = returnQueriesKeys ? { queries: query, keys: key } : {}; // for the neuron view
    return { output, weights: returnWeights ? weights : null, ...queriesKeys };
  }
}
