/**
 * Exercise 2.2 of the LxMLS Transformer Day: multi-head causal self-attention (the solved file).
 *
 * Follows the notebook's `CausalSelfAttention` (In [15]) and `lxmls/transformers/model.py` of the toolkit's
 * master branch: separate query, key and value projections, nh heads of hs = C / nh channels, scores scaled
 * by √hs, a causal mask, softmax over the keys, the weighted sum of the values, the output projection.
 * It has the constructor and forward of @lxmls/attention's `AttentionClass`, so a GPT can train with it:
 * `lxmls train weather --attention causal-self-attention.js`. Shapes: B batch, T positions, C = nEmbd channels.
 */

import { Dropout, Linear, Module } from '@lxmls/nn';
import { maskedFill, matmul, permute, reshape, slice, softmax, sub, tensor } from '@lxmls/tensor';

/** Multi-head causal self-attention with separate query, key and value projections. */
export class CausalSelfAttention extends Module {
  /** C, the width of the input and output (`hidden_size`). */
  hiddenSize;
  /** nh, the number of heads (`num_heads`). */
  numHeads;
  queryProj;
  keyProj;
  valueProj;
  outputProj;
  attnDropout;
  residDropout;
  /** The causal mask: lower-triangular ones (1, 1, blockSize, blockSize). */
  bias;

  /**
   * @param config - `nEmbd` (C), `nHead` (nh), `blockSize`, `attnPdrop`, `residPdrop`.
   * @param options - `generator` (dropout masks and initialisation), `initGenerator` (initialisation only).
   */
  constructor(config, options = {}) {
    super();
    const C = config.nEmbd;
    const init = { generator: options.initGenerator ?? options.generator };
    const drop = options.generator ? { generator: options.generator } : {};

    // Initialize layers and parameters
    this.hiddenSize = C;
    this.numHeads = config.nHead;

    // Create the linear projections for query, key, and value tensors
    // Note: the input and output size of all these projections is n_embd
    this.queryProj = this.registerModule('query_proj', new Linear(C, C, init));
    this.keyProj = this.registerModule('key_proj', new Linear(C, C, init));
    this.valueProj = this.registerModule('value_proj', new Linear(C, C, init));
    this.outputProj = this.registerModule('output_proj', new Linear(C, C, init));

    this.attnDropout = this.registerModule('attn_dropout', new Dropout(config.attnPdrop ?? 0, drop));
    this.residDropout = this.registerModule('resid_dropout', new Dropout(config.residPdrop ?? 0, drop));

    // torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size)
    const n = config.blockSize;
    const tril = new Float32Array(n * n);
    for (let i = 0; i < n; i++) tril.fill(1, i * n, i * n + i + 1);
    this.bias = this.registerBuffer('bias', tensor(tril, [1, 1, n, n])); // (1, 1, blockSize, blockSize)
  }

  /**
   * @param x - The input (B, T, C).
   * @returns The attended output (B, T, C).
   */
  forward(x) {
    const [B, T, C] = x.shape;
    const nh = this.numHeads;
    const hs = Math.floor(this.hiddenSize / nh); // the head size

    // Exercise 2.2.1: create the projections for query, key, and value tensors
    // Note: In self-attention these are all over the same tensor x
    const q = this.queryProj.forward(x); // (B, T, C)
    const k = this.keyProj.forward(x); // (B, T, C)
    const v = this.valueProj.forward(x); // (B, T, C)

    // Reshape and transpose tensors for multi-head computation: (B, T, C) → (B, T, nh, hs) → (B, nh, T, hs),
    // so the multi-head computation can be implemented as a single matrix multiplication.
    const query = permute(reshape(q, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const key = permute(reshape(k, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const value = permute(reshape(v, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)

    // Exercise 2.2.2: compute attention scores, (B, nh, T, T), normalised by the square root of the head size
    // (you are using multi-head attention!)
    const scores = matmul(query, key, { transposeB: true }).div(Math.sqrt(hs)); // (B, nh, T, T)

    // Apply causal mask to restrict attention to the left in the input sequence
    const mask = slice(this.bias, [0, 0, 0, 0], [1, 1, T, T]); // (1, 1, T, T)
    const masked = maskedFill(scores, sub(1, mask), Number.NEGATIVE_INFINITY); // (B, nh, T, T)

    // Exercise 2.2.3: softmax over the keys (the last axis), then dropout on the attention weights
    const weights = this.attnDropout.forward(softmax(masked, -1)); // (B, nh, T, T)

    // Exercise 2.2.4: multiply attention weights with values to get attended values
    const attended = matmul(weights, value); // (B, nh, T, hs)

    // Transpose and reshape attended values to restore original shape
    const merged = reshape(permute(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)

    // Apply output projection and dropout
    return this.residDropout.forward(this.outputProj.forward(merged)); // (B, T, C)
  }
}
