/**
 * MultiHeadAttention: bidirectional self-attention or cross-attention with nh heads and padding masks, the
 * attention of encoders (BERT) and of encoder–decoder models.
 *
 * Follows `torch.nn.MultiheadAttention` (batch-first, separate q/k/v projections as with `kdim`/`vdim`) and
 * Vaswani et al. (2017) §3.2.2. Shapes: B batch, Tq queries, Tk keys, E = embedDim, nh heads of hd = E / nh.
 */

import { Linear, Module } from '@lxmls/nn';
import { permute, type RandomGenerator, reshape, type Tensor } from '@lxmls/tensor';
import { expectInteger, expectProbability, LxmlsAttentionError, shapeText } from './errors.js';
import { type AttentionOutput, scaledDotProductAttention } from './scaled-dot-product.js';

/** Options of {@link MultiHeadAttention}. */
export interface MultiHeadAttentionOptions {
  /** Biases on the four projections (default true). */
  bias?: boolean;
  /** Dropout on the attention weights in training (default 0). */
  dropout?: number;
  /** Width of the keys' input (default embedDim). */
  kdim?: number;
  /** Width of the values' input (default embedDim). */
  vdim?: number;
  /** The random source of the default initialisation and of the dropout masks. */
  generator?: RandomGenerator;
}

/** Options of {@link MultiHeadAttention.forward}. */
export interface MultiHeadForwardOptions {
  /**
   * A mask broadcastable to `(B, nh, Tq, Tk)`: int32 with 1 = attend, 0 = blocked (e.g. {@link paddingMask}
   * `(B, 1, 1, Tk)`), or a float32 additive mask.
   */
  mask?: Tensor | null;
  /** Also block future keys (a decoder's self-attention). Default false. */
  causal?: boolean;
  /** Also return the weights `(B, nh, Tq, Tk)` (default false). */
  returnWeights?: boolean;
}

/**
 * Multi-head attention of queries `(B, Tq, E)` over keys `(B, Tk, kdim)` and values `(B, Tk, vdim)`.
 *
 * Parts: `q_proj`, `k_proj`, `v_proj` (to E) and `out_proj` (E → E). A query whose keys are all masked gets
 * a zero attention output (see {@link scaledDotProductAttention}).
 *
 * @remarks Python: `torch.nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, kdim=, vdim=, batch_first=True)`.
 * @example
 * ```ts
 * import { MultiHeadAttention, paddingMask } from '@lxmls/attention';
 * import { RandomGenerator, randn, tensor } from '@lxmls/tensor';
 * const mha = new MultiHeadAttention(8, 2, { generator: new RandomGenerator(0) });
 * const x = randn([1, 3, 8], new RandomGenerator(1));
 * const mask = paddingMask(tensor([[1, 1, 0]], undefined, 'int32')); // the third token is padding
 * const { output, weights } = mha.forward(x, x, x, { mask, returnWeights: true });
 * console.log(output.shape, weights?.shape, weights?.toArray()[0][1][2][2]); // → [ 1, 3, 8 ] [ 1, 2, 3, 3 ] 0
 * ```
 */
export class MultiHeadAttention extends Module {
  /** E, the width of queries and outputs. */
  readonly embedDim: number;
  /** nh, the number of heads. */
  readonly numHeads: number;
  /** hd = E / nh, the width of each head. */
  readonly headDim: number;
  /** Dropout probability on the weights (training only). */
  readonly dropout: number;
  readonly qProj: Linear;
  readonly kProj: Linear;
  readonly vProj: Linear;
  readonly outProj: Linear;
  readonly #generator: RandomGenerator | undefined;

  /**
   * @param embedDim - E, the width of queries and outputs.
   * @param numHeads - nh; must divide E.
   * @param options - `bias` (true), `dropout` (0), `kdim`, `vdim` (E), `generator`.
   * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` for sizes it cannot use.
   */
  constructor(embedDim: number, numHeads: number, options: MultiHeadAttentionOptions = {}) {
    super();
    const fn = 'MultiHeadAttention';
    const { bias = true, dropout = 0, kdim = embedDim, vdim = embedDim, generator } = options;
    expectInteger(fn, 'embedDim', embedDim);
    expectInteger(fn, 'numHeads', numHeads);
    expectInteger(fn, 'kdim', kdim);
    expectInteger(fn, 'vdim', vdim);
    expectProbability(fn, 'dropout', dropout);
    if (embedDim % numHeads !== 0) {
      throw new LxmlsAttentionError('INVALID_ARGUMENT', 'embedDim must be a multiple of numHeads', {
        fn,
        argument: 'numHeads',
        expected: `a divisor of embedDim ${embedDim}`,
        received: String(numHeads),
      });
    }
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.dropout = dropout;
    this.#generator = generator;
    this.qProj = this.registerModule('q_proj', new Linear(embedDim, embedDim, { bias, generator }));
    this.kProj = this.registerModule('k_proj', new Linear(kdim, embedDim, { bias, generator }));
    this.vProj = this.registerModule('v_proj', new Linear(vdim, embedDim, { bias, generator }));
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias, generator }));
  }

  /**
   * Attends every query to the (unmasked) keys.
   *
   * @param query - `(B, Tq, E)`.
   * @param key - `(B, Tk, kdim)`.
   * @param value - `(B, Tk, vdim)`.
   * @param options - `mask`, `causal`, `returnWeights`.
   * @returns `{ output (B, Tq, E), weights (B, nh, Tq, Tk) | null }`.
   * @throws {@link LxmlsAttentionError} `SHAPE_MISMATCH` naming the shapes.
   */
  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiHeadForwardOptions = {}): AttentionOutput {
    const { mask = null, causal = false, returnWeights = false } = options;
    const [B, Tq] = query.shape as [number, number];
    const Tk = key.shape[1]!;
    if (
      query.shape.length !== 3 ||
      key.shape.length !== 3 ||
      value.shape.length !== 3 ||
      key.shape[0] !== B ||
      value.shape[0] !== B ||
      value.shape[1] !== Tk
    ) {
      throw new LxmlsAttentionError('SHAPE_MISMATCH', 'query, key and value do not fit together', {
        fn: 'MultiHeadAttention.forward',
        expected: 'query (B, Tq, E), key (B, Tk, kdim) and value (B, Tk, vdim)',
        received: `${shapeText(query.shape)}, ${shapeText(key.shape)} and ${shapeText(value.shape)}`,
      });
    }
    const nh = this.numHeads;
    const hd = this.headDim;
    const heads = (t: Tensor, T: number) => permute(reshape(t, [B, T, nh, hd]), [0, 2, 1, 3]); // (B, nh, T, hd)
    const q = heads(this.qProj.forward(query), Tq); // (B, nh, Tq, hd)
    const k = heads(this.kProj.forward(key), Tk); // (B, nh, Tk, hd)
    const v = heads(this.vProj.forward(value), Tk); // (B, nh, Tk, hd)
    const attended = scaledDotProductAttention(q, k, v, {
      mask,
      causal,
      dropout: this.dropout,
      training: this.training,
      ...(this.#generator ? { generator: this.#generator } : {}),
      returnWeights,
    });
    const y = reshape(permute(attended.output, [0, 2, 1, 3]), [B, Tq, this.embedDim]); // (B, Tq, E)
    return { output: this.outProj.forward(y), weights: attended.weights }; // (B, Tq, E)
  }

  protected override extraRepr(): string {
    return `embed_dim=${this.embedDim}, num_heads=${this.numHeads}`;
  }
}
