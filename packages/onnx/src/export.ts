/**
 * exportOnnx: writes any GPT of @lxmls/gpt (the exercise layout with `query_proj`/`key_proj`/`value_proj`/
 * `output_proj`, or GPT-2's fused `c_attn` layout of `pretrained` models and Hugging Face checkpoints) as an
 * ONNX model of standard operators: Gather (embeddings), MatMul + Add (linears; each weight stored as PyTorch
 * stores it, `(out, in)`, behind a Transpose that ONNX Runtime folds at load time, so nothing is copied at
 * export; the head the same way), LayerNormalization (opset 17), Split / Reshape / Transpose (heads), a
 * causal mask by LessOrEqual + Where, Softmax, and GELU by its tanh formula (minGPT's `NewGELU`, Hugging
 * Face's `gelu_new`). With `fused`, ONNX Runtime's contrib operators instead (MultiHeadAttention,
 * SkipLayerNormalization, FastGelu: fewer nodes, the biases and residual adds folded in); with
 * `numLogitsToKeep`, Hugging Face's `num_logits_to_keep` input, so a prompt's step runs the head on its last
 * position only.
 *
 * Follows the model's own forward (packages/gpt/src/model.ts, block.ts and @lxmls/attention's modules) in eval
 * mode (no dropout), and the ONNX operator specs (https://onnx.ai/onnx/operators/). Shapes: B batch, T
 * positions, C = nEmbd channels, nh heads of hs = C / nh, V vocabulary.
 */

import type { GPT } from '@lxmls/gpt';
import type { Tensor } from '@lxmls/tensor';
import { check, LxmlsOnnxError } from './errors.js';
import { type Dim, type ElemType, GraphBuilder, type Value } from './graph.js';

/** Options of {@link exportOnnx}. */
export interface ExportOnnxOptions {
  /** The ONNX opset, 17 to 21 (LayerNormalization needs 17). Default 17. */
  opset?: number;
  /**
   * How the weights are stored: `'float32'` (default) or `'float16'` (half the file; each weight is cast to
   * float32 in the graph, so the computation stays in float32).
   */
  dtype?: 'float32' | 'float16';
  /**
   * Also output every layer's attention weights as `attentions.0`, `attentions.1`, …: `(B, nh, T, T)`, or
   * `(B, nh, T, Tpast + T)` with `kvCache`.
   */
  attentions?: boolean;
  /**
   * Export the KV-cache layout of Optimum and transformers.js for GPT-2: inputs `input_ids`, `attention_mask`
   * (int64 `(B, Tpast + T)`, 1 for a real token, 0 for padding), `position_ids` (int64 `(B, T)`) and
   * `past_key_values.N.key` / `.value` (float32 `(B, nh, Tpast, hs)`, Tpast = 0 at the first step); outputs
   * `logits` and `present.N.key` / `.value` `(B, nh, Tpast + T, hs)`. Default false: `input_ids` only.
   */
  kvCache?: boolean;
  /**
   * Write the graph with ONNX Runtime's contrib operators (domain `com.microsoft`), which its CPU and wasm
   * builds run with fused kernels: `MultiHeadAttention` (causal, with the past keys and values, the
   * projection's bias folded in), `SkipLayerNormalization` (the residual add, the bias before it and the next
   * LayerNorm in one), `FastGelu` (GELU's tanh form with the bias). Same inputs, outputs and values; only ONNX
   * Runtime runs it. With `attentions` the attention itself stays in standard operators (the fused one gives
   * no weights). Default false: standard operators only, for any ONNX runtime.
   */
  fused?: boolean;
  /**
   * Add the int64 scalar input `num_logits_to_keep` (Hugging Face's and transformers.js's name): the head runs
   * on the last K positions only, `logits` is `(B, K, V)`, and K = 0 keeps all. transformers.js feeds 1 when
   * it generates; {@link generateOnnx} too, so the prompt's step skips the head for every other position.
   * Default false.
   */
  numLogitsToKeep?: boolean;
}

/** The IR version each supported opset came with (ONNX 1.12 to 1.16). */
const IR_VERSION: Record<number, number> = { 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

/** The parameters of one block, in PyTorch's layout (Linear weights `(out, in)`). */
interface BlockWeights {
  ln1: [Tensor, Tensor];
  /** The query, key and value projections stacked: weight `(3C, C)` rows q, k, v; bias `(3C)`. */
  qkv: [Float32Array, Float32Array];
  proj: [Tensor, Tensor];
  ln2: [Tensor, Tensor];
  fc: [Tensor, Tensor];
  mlpProj: [Tensor, Tensor];
}

/** The float32 values of a tensor. */
const values = (t: Tensor): Float32Array => t.data() as Float32Array;

/** Throws `UNSUPPORTED_MODEL` naming what the exporter did not find. */
function unsupported(what: string, expected: string, received: string): never {
  check.fail('exportOnnx', 'model', undefined, what, expected, { code: 'UNSUPPORTED_MODEL', received });
}

/** Reads and checks the model's parameters by their state-dict names. */
function readWeights(model: GPT): {
  config: GPT['config'];
  wte: Tensor;
  wpe: Tensor;
  blocks: BlockWeights[];
  lnF: [Tensor, Tensor];
  head: Tensor;
  eps: number;
} {
  if (typeof model !== 'object' || model === null || typeof model.stateDict !== 'function' || !model.config)
    unsupported(
      'model is not a GPT',
      'a GPT of @lxmls/gpt',
      typeof model === 'object' ? 'an object' : String(model),
    );
  const config = model.config;
  const { nLayer, nEmbd: C, vocabSize: V } = config;
  const sd = model.stateDict();
  const used = new Set<string>();
  const get = (name: string, shape: number[]): Tensor => {
    const t = sd.get(name);
    if (!t)
      unsupported(
        `the model has no parameter ${name}`,
        'the parameters of a GPT',
        [...sd.keys()].slice(0, 6).join(', '),
      );
    if (t.dtype !== 'float32' || t.shape.join() !== shape.join())
      unsupported(
        `${name} has the wrong shape`,
        `float32 (${shape.join(', ')})`,
        `${t.dtype} (${t.shape.join(', ')})`,
      );
    used.add(name);
    return t;
  };
  const pair = (prefix: string, out: number, inp?: number): [Tensor, Tensor] => [
    get(`${prefix}.weight`, inp === undefined ? [out] : [out, inp]),
    get(`${prefix}.bias`, [out]),
  ];
  const blocks: BlockWeights[] = [];
  for (let i = 0; i < nLayer; i++) {
    const p = `transformer.h.${i}`;
    const ln1 = pair(`${p}.ln_1`, C);
    let qkv: [Float32Array, Float32Array];
    let proj: [Tensor, Tensor];
    if (sd.has(`${p}.attn.c_attn.weight`)) {
      const [w, b] = pair(`${p}.attn.c_attn`, 3 * C, C); // (3C, C), rows q, k, v
      qkv = [values(w), values(b)];
      proj = pair(`${p}.attn.c_proj`, C, C);
    } else if (sd.has(`${p}.attn.query_proj.weight`)) {
      const [q, k, v] = ['query', 'key', 'value'].map((n) => pair(`${p}.attn.${n}_proj`, C, C));
      const w = new Float32Array(3 * C * C);
      const b = new Float32Array(3 * C);
      for (const [j, [wj, bj]] of [q!, k!, v!].entries()) {
        w.set(values(wj), j * C * C);
        b.set(values(bj), j * C);
      }
      qkv = [w, b];
      proj = pair(`${p}.attn.output_proj`, C, C);
    } else {
      const attn = [...sd.keys()].filter((k) => k.startsWith(`${p}.attn.`));
      return unsupported(
        `the attention of block ${i} has parameters the exporter does not know`,
        'c_attn + c_proj (GPT-2 layout) or query_proj, key_proj, value_proj, output_proj (exercise layout)',
        attn.join(', ') || 'no attention parameters',
      );
    }
    blocks.push({
      ln1,
      qkv,
      proj,
      ln2: pair(`${p}.ln_2`, C),
      fc: pair(`${p}.mlp.c_fc`, 4 * C, C),
      mlpProj: pair(`${p}.mlp.c_proj`, C, 4 * C),
    });
  }
  const wte = get('transformer.wte.weight', [V, C]);
  const wpe = get('transformer.wpe.weight', [config.blockSize, C]);
  const lnF = pair('transformer.ln_f', C);
  const head = get('lm_head.weight', [V, C]);
  const extra = [...sd.keys()].filter((k) => !used.has(k) && !/\.attn\.bias$/.test(k));
  if (extra.length > 0)
    unsupported(
      'the model has parameters the exporter does not know',
      'only the parameters of a GPT',
      extra.slice(0, 5).join(', '),
    );
  const eps = (model.transformer.get('ln_f') as { eps?: number } | undefined)?.eps ?? 1e-5;
  return { config, wte, wpe, blocks, lnF, head, eps };
}

/**
 * Exports a GPT of @lxmls/gpt as the bytes of an ONNX model (eval mode: no dropout).
 *
 * Graph input `input_ids` (int64 `(batch_size, sequence_length)`, at most `blockSize` positions); output
 * `logits` (float32 `(batch_size, sequence_length, V)`) and, with `attentions: true`, `attentions.N` (float32
 * `(batch_size, nh, sequence_length, sequence_length)`) for each layer N. Both of @lxmls/gpt's layouts export:
 * the exercise attention (`CausalSelfAttention`, `FusedCausalSelfAttention`) and GPT-2's fused `c_attn`
 * (`pretrained`, `GPT.fromPretrained`). The model's config is kept as JSON in the metadata key `lxmls.config`.
 *
 * @param model - A GPT (its attention modules with the parameters of the course's, its MLP minGPT's).
 * @param options - `opset` (17–21, default 17), `dtype` (`'float32'` | `'float16'` weights), `attentions`.
 * @returns The ONNX model's bytes, for `InferenceSession.create(bytes)` of onnxruntime-node or -web.
 * @throws {@link LxmlsOnnxError} `UNSUPPORTED_MODEL` for a model whose parameters it does not know;
 *   `INVALID_OPTION` for an opset or dtype outside the supported ones.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { exportOnnx } from '@lxmls/onnx';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const bytes = exportOnnx(model, { attentions: true });
 * console.log(bytes instanceof Uint8Array, bytes.length > 4 * 85_000); // → true true
 * ```
 */
export function exportOnnx(model: GPT, options: ExportOnnxOptions = {}): Uint8Array {
  const {
    opset = 17,
    dtype = 'float32',
    attentions = false,
    kvCache = false,
    fused = false,
    numLogitsToKeep = false,
  } = options;
  if (!Object.hasOwn(IR_VERSION, opset))
    check.fail(
      'exportOnnx',
      'options.opset',
      opset,
      'options.opset is not supported',
      'an integer from 17 to 21 (LayerNormalization is opset 17)',
      { received: String(opset) },
    );
  if (dtype !== 'float32' && dtype !== 'float16')
    check.fail(
      'exportOnnx',
      'options.dtype',
      dtype,
      'options.dtype is not supported',
      "'float32' or 'float16'",
      { received: String(dtype) },
    );
  const { config, wte, wpe, blocks, lnF, head, eps } = readWeights(model);
  const { nHead: nh, nEmbd: C, vocabSize: V } = config;
  const hs = C / nh; // head size
  const g = new GraphBuilder();

  // a weight: stored in `dtype`, cast to float32 in the graph when stored as float16
  const weight = (name: string, data: Float32Array, dims: number[]): Value => {
    const stored = g.initializer(name, data, dims, dtype as ElemType);
    return dtype === 'float16' ? g.node('Cast', [stored], { to: 1 }, `${name}_f32`) : stored;
  };
  // x @ wᵀ: the weight as PyTorch stores it, (out, in), transposed by a Transpose node that ONNX Runtime folds
  // into a constant when it loads the model: nothing is copied at export, and the MatMul reads a packed constant
  const matmul = (x: Value, name: string, w: Float32Array, out: number, inp: number): Value => {
    const wOut = weight(`${name}.weight`, w, [out, inp]); // (out, in)
    const wt = g.node('Transpose', [wOut], { perm: [1, 0] }, `${name}.weight_t`); // (in, out)
    return g.node('MatMul', [x, wt], {}, `${name}.matmul`); // (B, T, out)
  };
  const linear = (
    x: Value,
    name: string,
    w: Float32Array,
    b: Float32Array,
    out: number,
    inp: number,
  ): Value => {
    const bias = weight(`${name}.bias`, b, [out]); // (out)
    return g.node('Add', [matmul(x, name, w, out, inp), bias], {}, name); // (B, T, out)
  };
  const layerNorm = (x: Value, name: string, [w, b]: [Tensor, Tensor]): Value =>
    g.node(
      'LayerNormalization',
      [x, weight(`${name}.weight`, values(w), [C]), weight(`${name}.bias`, values(b), [C])],
      {
        axis: -1,
        epsilon: { float: eps },
      },
      name,
    ); // (B, T, C)

  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']); // (B, T)
  const shape = g.node('Shape', [ids], {}, 'input_shape'); // (2) = [B, T]
  const t = g.node('Gather', [shape, g.int(1)], { axis: 0 }, 'seq_len'); // () = T
  const total: Dim = kvCache ? 'past_sequence_length + sequence_length' : 'sequence_length';
  // ONNX Runtime's MultiHeadAttention gives no attention weights: asked for, the attention stays in standard ops
  const fusedAttention = fused && !attentions;
  let positions: Value; // (T) or (B, T) position ids
  let allowed: Value | undefined; // (T, T) or (B, 1, T, Tk) bool: key j is seen by query i
  let keyMask: Value | undefined; // int32 (B, Tk): the padding mask as MultiHeadAttention takes it
  const pasts: [Value, Value][] = [];
  if (!kvCache) {
    // positions 0 … T-1 and the causal mask: key j is seen by query i when j ≤ i
    positions = g.node('Range', [g.int(0), t, g.int(1)], {}, 'positions'); // (T)
    if (!fusedAttention) {
      const rows = g.node('Unsqueeze', [positions, g.ints([1])], {}, 'query_pos'); // (T, 1)
      const cols = g.node('Unsqueeze', [positions, g.ints([0])], {}, 'key_pos'); // (1, T)
      allowed = g.node('LessOrEqual', [cols, rows], {}, 'causal_mask'); // (T, T) bool
    }
  } else {
    // Optimum's / transformers.js's GPT-2 inputs: the padding mask over past and new keys, the position ids,
    // and each layer's past keys and values (B, nh, Tpast, hs), of length 0 at the first step
    const mask = g.input('attention_mask', 'int64', ['batch_size', total]); // (B, Tk)
    positions = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']); // (B, T)
    for (let i = 0; i < blocks.length; i++) {
      const dims: Dim[] = ['batch_size', nh, 'past_sequence_length', hs];
      pasts.push([
        g.input(`past_key_values.${i}.key`, 'float32', dims),
        g.input(`past_key_values.${i}.value`, 'float32', dims),
      ]);
    }
    if (fusedAttention)
      keyMask = g.node('Cast', [mask], { to: 6 }, 'attention_mask_i32'); // (B, Tk) int32
    else {
      const pastShape = g.node('Shape', [pasts[0]![0]], {}, 'past_shape'); // (4)
      const past = g.node('Gather', [pastShape, g.int(2)], { axis: 0 }, 'past_len'); // () = Tpast
      const tk = g.node('Add', [past, t], {}, 'total_len'); // () = Tk = Tpast + T
      // query i is at position Tpast + i and sees keys j ≤ Tpast + i that the mask keeps
      const rows = g.node('Unsqueeze', [g.node('Range', [past, tk, g.int(1)]), g.ints([1])], {}, 'query_pos'); // (T, 1)
      const cols = g.node(
        'Unsqueeze',
        [g.node('Range', [g.int(0), tk, g.int(1)]), g.ints([0])],
        {},
        'key_pos',
      ); // (1, Tk)
      const causal = g.node('LessOrEqual', [cols, rows], {}, 'causal_mask'); // (T, Tk) bool
      const keep = g.node(
        'Unsqueeze',
        [g.node('Cast', [mask], { to: 9 }), g.ints([1, 2])],
        {},
        'padding_mask',
      ); // (B, 1, 1, Tk) bool
      allowed = g.node('And', [causal, keep], {}, 'attention_allowed'); // (B, 1, T, Tk)
    }
  }
  const keep = numLogitsToKeep ? g.input('num_logits_to_keep', 'int64', []) : undefined; // () = K, 0 for all
  // masked scores: -inf (exact zeros after the softmax); with the KV cache the lowest float32 instead, so a
  // query whose keys are all padding (left padding) gets finite, unused weights rather than NaN
  const masked0 = allowed && g.float(kvCache ? -3.4028234663852886e38 : Number.NEGATIVE_INFINITY);
  const scale = allowed && g.float(Math.sqrt(hs));

  // token and position embeddings
  const wteW = weight('transformer.wte.weight', values(wte), [V, C]); // (V, C)
  const tokEmb = g.node('Gather', [wteW, ids], { axis: 0 }, 'tok_emb'); // (B, T, C)
  const wpeW = weight('transformer.wpe.weight', values(wpe), [config.blockSize, C]); // (blockSize, C)
  const posEmb = g.node('Gather', [wpeW, positions], { axis: 0 }, 'pos_emb'); // (T, C) or (B, T, C)
  let x = g.node('Add', [tokEmb, posEmb], {}, 'embeddings'); // (B, T, C)

  const presents: [Value, Value][] = [];
  const attentionOutputs: Value[] = [];
  const headShape = g.ints([0, 0, nh, hs]);
  const mergedShape = g.ints([0, 0, C]);
  const third = g.ints([C, C, C]);
  // the causal attention of block i over h = ln_1(x) (B, T, C), in standard ops: y (B, T, C) before c_proj
  const attention = (i: number, h: Value, [w, b]: [Float32Array, Float32Array]): Value => {
    const p = `transformer.h.${i}`;
    const qkv = linear(h, `${p}.attn.qkv`, w, b, 3 * C, C); // (B, T, 3C)
    const [q, k, v] = g.nodeN('Split', [qkv, third], [`${p}.q`, `${p}.k`, `${p}.v`], { axis: -1 }) as [
      Value,
      Value,
      Value,
    ]; // (B, T, C) each
    const heads = (u: Value, perm: number[]) =>
      g.node('Transpose', [g.node('Reshape', [u, headShape])], { perm });
    const qh = heads(q, [0, 2, 1, 3]); // (B, nh, T, hs)
    let kt: Value; // (B, nh, hs, Tk)
    let vh = heads(v, [0, 2, 1, 3]); // (B, nh, T, hs)
    if (kvCache) {
      const [pastK, pastV] = pasts[i]!;
      const presentK = g.node('Concat', [pastK, heads(k, [0, 2, 1, 3])], { axis: 2 }, `present.${i}.key`); // (B, nh, Tk, hs)
      vh = g.node('Concat', [pastV, vh], { axis: 2 }, `present.${i}.value`); // (B, nh, Tk, hs)
      presents.push([presentK, vh]);
      kt = g.node('Transpose', [presentK], { perm: [0, 1, 3, 2] }); // (B, nh, hs, Tk)
    } else kt = heads(k, [0, 2, 3, 1]); // (B, nh, hs, T)
    const scores = g.node('Div', [g.node('MatMul', [qh, kt]), scale!], {}, `${p}.scores`); // (B, nh, T, Tk)
    const masked = g.node('Where', [allowed!, scores, masked0!]); // (B, nh, T, Tk)
    const att = g.node('Softmax', [masked], { axis: -1 }, `${p}.att`); // (B, nh, T, Tk)
    if (attentions) attentionOutputs.push(att);
    return g.node('Reshape', [
      g.node('Transpose', [g.node('MatMul', [att, vh])], { perm: [0, 2, 1, 3] }),
      mergedShape,
    ]); // (B, T, C)
  };

  if (!fused)
    for (const [i, blk] of blocks.entries()) {
      const p = `transformer.h.${i}`;
      const y = attention(i, layerNorm(x, `${p}.ln_1`, blk.ln1), blk.qkv); // (B, T, C)
      const [pw, pb] = blk.proj;
      x = g.node('Add', [x, linear(y, `${p}.attn.c_proj`, values(pw), values(pb), C, C)]); // (B, T, C)
      // the MLP: c_proj(gelu(c_fc(ln_2(x)))), GELU's tanh form 0.5·u·(1 + tanh(√(2/π)·(u + 0.044715·u³)))
      const [fw, fb] = blk.fc;
      const u = linear(layerNorm(x, `${p}.ln_2`, blk.ln2), `${p}.mlp.c_fc`, values(fw), values(fb), 4 * C, C); // (B, T, 4C)
      const cube = g.node('Mul', [g.node('Mul', [u, u]), u]); // u³
      const inner = g.node('Mul', [
        g.node('Add', [u, g.node('Mul', [cube, g.float(0.044715)])]),
        g.float(Math.sqrt(2 / Math.PI)),
      ]);
      const gelu = g.node('Mul', [
        g.node('Mul', [u, g.float(0.5)]),
        g.node('Add', [g.node('Tanh', [inner]), g.float(1)]),
      ]); // (B, T, 4C)
      const [mw, mb] = blk.mlpProj;
      x = g.node(
        'Add',
        [x, linear(gelu, `${p}.mlp.c_proj`, values(mw), values(mb), C, 4 * C)],
        {},
        `${p}.out`,
      ); // (B, T, C)
    }
  else {
    // ONNX Runtime's contrib operators: each bias goes into the operator after its MatMul, each residual add
    // into the LayerNorm after it (SkipLayerNormalization: ln(input + skip + bias), and the sum itself)
    const ms = 'com.microsoft';
    const skipNorm = (
      input: Value,
      skip: Value,
      name: string,
      [w, b]: [Tensor, Tensor],
      bias: Float32Array,
      sum: string,
    ): [Value, Value] => {
      const gamma = weight(`${name}.weight`, values(w), [C]);
      const beta = weight(`${name}.bias`, values(b), [C]);
      const bv = weight(`${name}.skip_bias`, bias, [C]);
      const [out, , , total] = g.nodeN(
        'SkipLayerNormalization',
        [input, skip, gamma, beta, bv],
        [name, '', '', sum],
        { epsilon: { float: eps } },
        ms,
      );
      return [out!, total!]; // (B, T, C): ln(input + skip + bias), and input + skip + bias
    };
    let h = layerNorm(x, 'transformer.h.0.ln_1', blocks[0]!.ln1); // (B, T, C)
    for (const [i, blk] of blocks.entries()) {
      const p = `transformer.h.${i}`;
      let y: Value; // (B, T, C), before c_proj
      if (!fusedAttention) y = attention(i, h, blk.qkv);
      else {
        const qkv = matmul(h, `${p}.attn.qkv`, blk.qkv[0], 3 * C, C); // (B, T, 3C), the bias in the attention
        const [q, k, v] = g.nodeN('Split', [qkv, third], [`${p}.q`, `${p}.k`, `${p}.v`], { axis: -1 }); // (B, T, C) each
        const bias = weight(`${p}.attn.qkv.bias`, blk.qkv[1], [3 * C]); // (3C)
        const inputs = [q!, k!, v!, bias];
        if (kvCache) inputs.push(keyMask!, '', ...pasts[i]!);
        const outs = g.nodeN(
          'MultiHeadAttention',
          inputs,
          kvCache ? [`${p}.attn.y`, `present.${i}.key`, `present.${i}.value`] : [`${p}.attn.y`],
          { num_heads: nh, unidirectional: 1, mask_filter_value: { float: -1e30 } },
          ms,
        ); // y (B, T, C); present key and value (B, nh, Tk, hs)
        y = outs[0]!;
        if (kvCache) presents.push([outs[1]!, outs[2]!]);
      }
      const [pw, pb] = blk.proj;
      const proj = matmul(y, `${p}.attn.c_proj`, values(pw), C, C); // (B, T, C)
      let h2: Value;
      [h2, x] = skipNorm(proj, x, `${p}.ln_2`, blk.ln2, values(pb), `${p}.attn.out`); // (B, T, C) each
      const [fw, fb] = blk.fc;
      const u = matmul(h2, `${p}.mlp.c_fc`, values(fw), 4 * C, C); // (B, T, 4C)
      const fcBias = weight(`${p}.mlp.c_fc.bias`, values(fb), [4 * C]); // (4C)
      const gelu = g.node('FastGelu', [u, fcBias], {}, `${p}.mlp.gelu`, ms); // (B, T, 4C): GELU's tanh form
      const [mw, mb] = blk.mlpProj;
      const m = matmul(gelu, `${p}.mlp.c_proj`, values(mw), C, 4 * C); // (B, T, C)
      const last = i === blocks.length - 1;
      const [nextName, nextLn] = last
        ? ['transformer.ln_f', lnF]
        : [`transformer.h.${i + 1}.ln_1`, blocks[i + 1]!.ln1];
      [h, x] = skipNorm(m, x, nextName, nextLn, values(mb), last ? '' : `${p}.out`); // (B, T, C) each
    }
    x = h; // ln_f(x), the last SkipLayerNormalization's
  }
  if (!fused) x = layerNorm(x, 'transformer.ln_f', lnF); // (B, T, C)
  if (keep) {
    // the last K positions only (all for K = 0, as Hugging Face's num_logits_to_keep): Slice from -K
    const from = g.node('Unsqueeze', [g.node('Sub', [g.int(0), keep]), g.ints([0])], {}, 'logits_from'); // (1)
    x = g.node('Slice', [x, from, g.ints([Number.MAX_SAFE_INTEGER]), g.ints([1])], {}, 'kept_positions'); // (B, K, C)
  }
  // the head, lm_head's (V, C) weight as stored (a tied head shares wte's initializer), transposed at load time
  const tied = values(head) === values(wte) || sameValues(values(head), values(wte));
  const headW = tied ? wteW : weight('lm_head.weight', values(head), [V, C]); // (V, C)
  const headT = g.node('Transpose', [headW], { perm: [1, 0] }, 'lm_head.weight_t'); // (C, V)
  const logits = g.node('MatMul', [x, headT], {}, 'logits'); // (B, T, V) or (B, K, V)
  g.output(logits, 'logits', 'float32', ['batch_size', keep ? 'num_logits' : 'sequence_length', V]);
  for (const [i, [key, value]] of presents.entries()) {
    g.output(key, `present.${i}.key`, 'float32', ['batch_size', nh, total, hs]);
    g.output(value, `present.${i}.value`, 'float32', ['batch_size', nh, total, hs]);
  }
  for (const [i, att] of attentionOutputs.entries()) {
    const dims: Dim[] = ['batch_size', nh, 'sequence_length', total];
    g.output(att, `attentions.${i}`, 'float32', dims);
  }
  return g.encode({
    graphName: 'lxmls_gpt',
    opset,
    irVersion: IR_VERSION[opset]!,
    docString: `A GPT of @lxmls/gpt: ${config.nLayer} layers, ${nh} heads, ${C} channels, vocabulary ${V}, block size ${config.blockSize}.`,
    metadata: { 'lxmls.config': JSON.stringify(config) },
  });
}

/** True when two float arrays hold the same values (a tied lm head holds a copy of `wte`). */
function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
