/**
 * Exercise 2.2 of the LxMLS Transformer Day: extending to multi-head self-attention.
 *
 * Great! You have successfully implemented cross-attention. Now, let's make some modifications so we can
 * train a real GPT model:
 * 1. Self-attention: a single sequence acts as the query, key, and value, so attention is computed within
 *    the sequence itself.
 * 2. Multi-head: the relations present even in a single sentence are more than one (agreement, the semantic
 *    relation between subject and object, ...), so we run several heads in parallel; each head can learn to
 *    model a different interaction. The heads are independent, so they are computed by one batched product.
 * 3. A Module: the projection matrices are learned, so they live in the module as parameters.
 *
 * Note: GPT uses causal self-attention. We feed the whole training sequence to the model, but at every time
 * step we prevent it from computing the alignment with future tokens, with a mask lifted one step at a time:
 *   Time 0: Lisbon ~is a great city to live in~
 *   Time 1: Lisbon is ~a great city to live in~   ...
 *
 * Complete the four holes of forward (Exercise 2.2.1 to 2.2.4): each `throw new NotImplementedError(...)`
 * line is to be replaced by your code. Shapes: B batch, T positions, C = nEmbd channels, nh heads of
 * hs = C / nh channels. Check your work with: lxmls check 2.2 --impl causal-self-attention.js
 * Then train the GPT with it: lxmls train weather --attention causal-self-attention.js
 *
 * PyTorch → @lxmls/tensor, for this exercise:
 *   self.query_proj(x)                          → this.queryProj.forward(x)
 *   x.view(B, T, nh, hs).transpose(1, 2)        → permute(reshape(x, [B, T, nh, hs]), [0, 2, 1, 3])
 *   torch.matmul(q, k.transpose(-2, -1))        → matmul(q, k, { transposeB: true })   (or matmul(q, transpose(k)))
 *   scores / math.sqrt(d)                       → scores.div(Math.sqrt(d))             (or div(scores, Math.sqrt(d)))
 *   scores.masked_fill(mask == 0, float('-inf')) → maskedFill(scores, sub(1, mask), -Infinity)
 *   F.softmax(x, dim=-1)                        → softmax(x, -1)
 *   self.attn_dropout(w)                        → this.attnDropout.forward(w)
 *   torch.matmul(w, v)                          → matmul(w, v)
 *   y.transpose(1, 2).contiguous().view(B, T, C) → reshape(permute(y, [0, 2, 1, 3]), [B, T, C])
 */

import { NotImplementedError } from '@lxmls/course';
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

    // Exercise 2.2.1: create the projections for query, key, and value tensors, each (B, T, C)
    // Note: In self-attention these are all over the same tensor x
    // torch: Q = self.query_proj(x)  →  this.queryProj.forward(x)
    let q;
    let k;
    let v;
    throw new NotImplementedError('Complete Exercise 2.2.1');

    // Reshape and transpose tensors for multi-head computation.
    // We reshape the output from (B, T, C) to (B, T, nh, hs) and transpose the result to (B, nh, T, hs),
    // so the multi-head computation can be implemented as a single matrix multiplication.
    const query = permute(reshape(q, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const key = permute(reshape(k, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const value = permute(reshape(v, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)

    // Exercise 2.2.2: compute attention scores. The shape of scores should be (B, nh, T, T).
    // Hint: matmul can transpose its second argument (torch: torch.matmul(q, k.transpose(-2, -1))).
    // Normalize the scores by dividing by the square root of the hidden size.
    // Take into account that you are using multi-head attention!
    let scores;
    throw new NotImplementedError('Complete Exercise 2.2.2');

    // Apply causal mask to restrict attention to the left in the input sequence
    const mask = slice(this.bias, [0, 0, 0, 0], [1, 1, T, T]); // (1, 1, T, T)
    const masked = maskedFill(scores, sub(1, mask), Number.NEGATIVE_INFINITY); // (B, nh, T, T)

    // Exercise 2.2.3: apply softmax activation to get attention weights.
    // Check the correct axis for the softmax function! What should be the shape of the weights?
    let weights;
    throw new NotImplementedError('Complete Exercise 2.2.3');

    // Apply dropout to the attention weights
    weights = this.attnDropout.forward(weights); // (B, nh, T, T)

    // Exercise 2.2.4: multiply attention weights with values to get attended values, (B, nh, T, hs)
    let attended;
    throw new NotImplementedError('Complete Exercise 2.2.4');

    // Transpose and reshape attended values to restore original shape
    const merged = reshape(permute(attended, [0, 2, 1, 3]), [B, T, C]); // (B, T, C)

    // Apply output projection and dropout
    return this.residDropout.forward(this.outputProj.forward(merged)); // (B, T, C)
  }
}
