/**
 * Hugging Face GPT-2 state dict ↔ the course GPT's state dict (minGPT names, PyTorch `Linear` orientation).
 *
 * Follows `GPT.from_pretrained` (docs/course-behaviour.md §2.9): keys with or without the `transformer.` prefix; the
 * `attn.bias` / `attn.masked_bias` mask buffers ignored; the GPT-2 `Conv1D` weights (`attn.c_attn`,
 * `attn.c_proj`, `mlp.c_fc`, `mlp.c_proj`), stored (in, out), transposed to `Linear`'s (out, in); an absent
 * `lm_head.weight` (tied to `wte`) filled with a copy of `wte`, since the course GPT's head is not tied. The
 * `separate` layout follows the `unified-attention` branch (docs/course-behaviour.md §2.6): `c_attn` split into
 * `query_proj` / `key_proj` / `value_proj`, `c_proj` renamed `output_proj`, for the exercise attention.
 *
 * The reverse writes what transformers' `GPT2LMHeadModel.save_pretrained` writes: `transformer.`-prefixed
 * keys, Conv1D orientation, no mask buffers, and no `lm_head.weight` when it is tied to `wte`.
 *
 * Over 500 lines: the two directions of one key mapping and the shape checks both use, kept together so that
 * each key's conversion reads the same way there and back.
 */

import type { StateDict } from '@lxmls/nn';
import { clone, concat, noGrad, split, type Tensor, transpose } from '@lxmls/tensor';
import { check, LxmlsGptError } from '../errors.js';
import type { CheckpointConfig } from './hf-config.js';

/** The attention parameters to produce: the fused `c_attn`/`c_proj` (docs/course-behaviour.md §2.4) or the exercise ones (§2.3). */
export type AttentionLayout = 'fused' | 'separate';

/** The shape (and, when known, the safetensors dtype) of one stored tensor. */
export interface TensorShapeInfo {
  readonly shape: readonly number[];
  readonly dtype?: string;
}

/** The GPT-2 weights stored as Conv1D (in, out), relative to a block. */
const CONV1D = ['attn.c_attn.weight', 'attn.c_proj.weight', 'mlp.c_fc.weight', 'mlp.c_proj.weight'];

/** The mask buffers of GPT-2 checkpoints (`attn.bias`, `attn.masked_bias`), which carry no weights. */
const MASK_BUFFER = /^(transformer\.)?h\.\d+\.attn\.(bias|masked_bias)$/;

/**
 * True for the causal-mask buffers GPT-2 checkpoints may hold (`h.N.attn.bias`, `h.N.attn.masked_bias`, with
 * or without `transformer.`), which carry no weights and are ignored.
 *
 * @param key - A checkpoint key.
 * @returns Whether it is a mask buffer.
 * @example
 * ```ts
 * import { isHfMaskBuffer } from '@lxmls/gpt';
 * console.log(isHfMaskBuffer('h.3.attn.masked_bias'), isHfMaskBuffer('transformer.h.0.attn.c_attn.bias')); // → true false
 * ```
 */
export function isHfMaskBuffer(key: string): boolean {
  return MASK_BUFFER.test(key);
}

/** The float dtypes a checkpoint may hold (the half ones are converted to float32 when read). */
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64', 'float32', 'float16', 'bfloat16', 'float64'];

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`;

/**
 * The canonical name of a Hugging Face GPT-2 key: `transformer.` added where a `GPT2Model` checkpoint (such
 * as the hub's `gpt2`) leaves it out; `lm_head.weight` stays as it is.
 *
 * @param key - A key of a GPT-2 safetensors file.
 * @returns The key as `GPT2LMHeadModel` names it.
 * @example
 * ```ts
 * import { canonicalHfKey } from '@lxmls/gpt';
 * console.log(canonicalHfKey('h.0.attn.c_attn.weight'), canonicalHfKey('lm_head.weight')); // → transformer.h.0.attn.c_attn.weight lm_head.weight
 * ```
 */
export function canonicalHfKey(key: string): string {
  return key.startsWith('transformer.') || key === 'lm_head.weight' ? key : `transformer.${key}`;
}

/**
 * The tensors a GPT-2 checkpoint of this config holds (canonical keys, Hugging Face (in, out) orientation),
 * `lm_head.weight` excluded (it is optional), in `GPT2LMHeadModel`'s order.
 *
 * @param config - The sizes: `nLayer`, `nEmbd`, `vocabSize`, `blockSize`.
 * @returns An ordered Map from key to shape.
 * @example
 * ```ts
 * import { expectedHfShapes } from '@lxmls/gpt';
 * const shapes = expectedHfShapes({ nLayer: 1, nEmbd: 4, vocabSize: 10, blockSize: 8 });
 * console.log(shapes.size, shapes.get('transformer.h.0.attn.c_attn.weight'), shapes.get('transformer.h.0.mlp.c_proj.weight')); // → 16 [ 4, 12 ] [ 16, 4 ]
 * ```
 */
export function expectedHfShapes(
  config: Pick<CheckpointConfig, 'nLayer' | 'nEmbd' | 'vocabSize' | 'blockSize'>,
): Map<string, number[]> {
  const { nLayer, nEmbd: C, vocabSize: V, blockSize: B } = config;
  const shapes = new Map<string, number[]>([
    ['transformer.wte.weight', [V, C]],
    ['transformer.wpe.weight', [B, C]],
  ]);
  for (let i = 0; i < nLayer; i++) {
    const h = `transformer.h.${i}`;
    shapes.set(`${h}.ln_1.weight`, [C]);
    shapes.set(`${h}.ln_1.bias`, [C]);
    shapes.set(`${h}.attn.c_attn.weight`, [C, 3 * C]); // Conv1D (in, out)
    shapes.set(`${h}.attn.c_attn.bias`, [3 * C]);
    shapes.set(`${h}.attn.c_proj.weight`, [C, C]);
    shapes.set(`${h}.attn.c_proj.bias`, [C]);
    shapes.set(`${h}.ln_2.weight`, [C]);
    shapes.set(`${h}.ln_2.bias`, [C]);
    shapes.set(`${h}.mlp.c_fc.weight`, [C, 4 * C]);
    shapes.set(`${h}.mlp.c_fc.bias`, [4 * C]);
    shapes.set(`${h}.mlp.c_proj.weight`, [4 * C, C]);
    shapes.set(`${h}.mlp.c_proj.bias`, [C]);
  }
  shapes.set('transformer.ln_f.weight', [C]);
  shapes.set('transformer.ln_f.bias', [C]);
  return shapes;
}

/** Entries of a Map or of a plain object. */
function entriesOf<T>(items: ReadonlyMap<string, T> | Readonly<Record<string, T>>): [string, T][] {
  return items instanceof Map ? [...items.entries()] : Object.entries(items as Record<string, T>);
}

/**
 * @internal Throws `CHECKPOINT_MISMATCH` when a head that is not tied to `wte` has no stored `lm_head.weight`.
 *
 * @param stored - {@link checkHfTensorShapes}' map (canonical key → stored key).
 * @param expected - What would do, in words.
 */
export function checkHead(
  fn: string,
  stored: ReadonlyMap<string, string>,
  tie: boolean,
  expected: string,
): void {
  if (!tie && !stored.has('lm_head.weight'))
    check.fail(
      fn,
      'lm_head.weight',
      undefined,
      'the checkpoint has no lm_head.weight and it is not tied',
      expected,
      {
        code: 'CHECKPOINT_MISMATCH',
        received: 'no lm_head.weight',
      },
    );
}

/**
 * Checks that the tensors of a GPT-2 checkpoint fit a config, from their shapes alone (so it can run on a
 * safetensors header before any tensor is read): every expected key present once, no other key, each shape
 * right, a float dtype. Mask buffers are ignored; `lm_head.weight` is optional and must be (V, C).
 *
 * @param tensors - Key → shape (and dtype), e.g. a safetensors header's tensors or a state dict.
 * @param config - The sizes the checkpoint must have.
 * @param fn - The function to name in errors. @defaultValue `'checkHfTensorShapes'`
 * @returns Canonical key → the key as stored, for the keys that carry weights (lm_head included if present).
 * @throws {@link LxmlsGptError} `CHECKPOINT_MISMATCH` naming the key (a missing or unexpected key, a shape
 *   that differs: both shapes named); `INVALID_CHECKPOINT` for a key stored twice (with and without
 *   `transformer.`) or a tensor that is not a float.
 * @example
 * ```ts
 * import { checkHfTensorShapes } from '@lxmls/gpt';
 * const config = { nLayer: 0, nEmbd: 4, vocabSize: 10, blockSize: 8 };
 * const header = new Map([
 *   ['wte.weight', { shape: [10, 4] }], ['wpe.weight', { shape: [16, 4] }],
 *   ['ln_f.weight', { shape: [4] }], ['ln_f.bias', { shape: [4] }],
 * ]);
 * try {
 *   checkHfTensorShapes(header, config);
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/gpt] checkHfTensorShapes: the checkpoint's transformer.wpe.weight does not fit the config. Expected shape (8, 4) (from n_layer 0, n_embd 4, vocab_size 10, n_positions 8), received shape (16, 4) (stored as wpe.weight).
 * }
 * ```
 */
export function checkHfTensorShapes(
  tensors: ReadonlyMap<string, TensorShapeInfo> | Readonly<Record<string, TensorShapeInfo>>,
  config: Pick<CheckpointConfig, 'nLayer' | 'nEmbd' | 'vocabSize' | 'blockSize'>,
  fn = 'checkHfTensorShapes',
): Map<string, string> {
  const expected = expectedHfShapes(config);
  expected.set('lm_head.weight', [config.vocabSize, config.nEmbd]);
  const from = `n_layer ${config.nLayer}, n_embd ${config.nEmbd}, vocab_size ${config.vocabSize}, n_positions ${config.blockSize}`;
  const stored = new Map<string, string>();
  const unexpected: string[] = [];
  for (const [key, info] of entriesOf(tensors)) {
    if (key === '__metadata__' || MASK_BUFFER.test(key)) continue;
    const canonical = canonicalHfKey(key);
    const shape = expected.get(canonical);
    if (shape === undefined) {
      unexpected.push(key);
      continue;
    }
    const previous = stored.get(canonical);
    if (previous !== undefined)
      check.fail(fn, key, undefined, `the checkpoint stores ${canonical} twice`, 'each tensor once', {
        code: 'INVALID_CHECKPOINT',
        received: `both ${previous} and ${key}`,
      });
    if (info.dtype !== undefined && !FLOAT_DTYPES.includes(info.dtype))
      check.fail(
        fn,
        key,
        undefined,
        `the checkpoint's ${key} is not a float tensor`,
        'dtype F32, F16 or BF16',
        { code: 'INVALID_CHECKPOINT', received: info.dtype },
      );
    if (info.shape.length !== shape.length || info.shape.some((d, i) => d !== shape[i]))
      check.fail(
        fn,
        key,
        undefined,
        `the checkpoint's ${canonical} does not fit the config`,
        `shape ${shapeText(shape)} (from ${from})`,
        {
          code: 'CHECKPOINT_MISMATCH',
          received: `shape ${shapeText(info.shape)}${key === canonical ? '' : ` (stored as ${key})`}`,
        },
      );
    stored.set(canonical, key);
  }
  if (unexpected.length > 0)
    check.fail(
      fn,
      unexpected[0]!,
      undefined,
      'the checkpoint has tensors a GPT-2 of this config has not',
      `only the GPT-2 tensors of ${from}`,
      {
        code: 'CHECKPOINT_MISMATCH',
        received: `${unexpected.slice(0, 5).join(', ')}${unexpected.length > 5 ? `, … (${unexpected.length} in all)` : ''}`,
      },
    );
  const missing = [...expected.keys()].filter((k) => k !== 'lm_head.weight' && !stored.has(k));
  if (missing.length > 0)
    check.fail(
      fn,
      missing[0]!,
      undefined,
      'the checkpoint lacks tensors of a GPT-2 of this config',
      `every GPT-2 tensor of ${from}`,
      {
        code: 'CHECKPOINT_MISMATCH',
        received: `no ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? `, … (${missing.length} in all)` : ''}`,
      },
    );
  return stored;
}

/** Options of {@link hfStateDictToMinGpt}. */
export interface HfStateDictToMinGptOptions {
  /** `'fused'` (default): `attn.c_attn` / `attn.c_proj`; `'separate'`: the exercise's four projections. */
  attention?: AttentionLayout;
  /**
   * Take `lm_head.weight` from `wte` (a copy), as transformers does when `tie_word_embeddings` is true.
   * When false, the checkpoint must hold its own `lm_head.weight`.
   * @defaultValue true when the checkpoint has no `lm_head.weight`, else false
   */
  tieWordEmbeddings?: boolean;
  /**
   * Dispose the input tensors this function replaces (the transposed Conv1D weights, the split `c_attn`, the
   * mask buffers, an unused `lm_head.weight`) as it goes, which keeps the peak memory of a big checkpoint
   * low. The input must not be used afterwards. @defaultValue false
   */
  consume?: boolean;
}

/**
 * Converts a Hugging Face GPT-2 state dict to the course GPT's names and orientation.
 *
 * Tensors that need no change (embeddings, LayerNorms, biases) are the input's own objects, not copies; the
 * transposed, split and copied ones are new. The shapes are checked first ({@link checkHfTensorShapes}).
 *
 * @remarks Python: `GPT.from_pretrained` (docs/course-behaviour.md §2.9) for `attention: 'fused'`; the `unified-attention`
 *   branch's rewrite (docs/course-behaviour.md §2.6) for `'separate'`.
 * @param hf - The Hugging Face tensors (as read from `model.safetensors`).
 * @param config - The sizes they must have.
 * @param options - {@link HfStateDictToMinGptOptions}: `attention`, `tieWordEmbeddings`, `consume`.
 * @returns The course state dict, in minGPT's parameter order, `lm_head.weight` last.
 * @throws {@link LxmlsGptError} `CHECKPOINT_MISMATCH` / `INVALID_CHECKPOINT` (see
 *   {@link checkHfTensorShapes}); `CHECKPOINT_MISMATCH` when `tieWordEmbeddings` is false and there is no
 *   `lm_head.weight`.
 * @example
 * ```ts
 * import { hfStateDictToMinGpt } from '@lxmls/gpt';
 * import { tensor, zeros } from '@lxmls/tensor';
 * const C = 2;
 * const hf = new Map([
 *   ['wte.weight', zeros([5, C])], ['wpe.weight', zeros([3, C])],
 *   ['h.0.ln_1.weight', zeros([C])], ['h.0.ln_1.bias', zeros([C])],
 *   ['h.0.attn.bias', zeros([1, 1, 3, 3])], // a mask buffer: ignored
 *   ['h.0.attn.c_attn.weight', tensor([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]])], // Conv1D (in, out)
 *   ['h.0.attn.c_attn.bias', zeros([3 * C])],
 *   ['h.0.attn.c_proj.weight', zeros([C, C])], ['h.0.attn.c_proj.bias', zeros([C])],
 *   ['h.0.ln_2.weight', zeros([C])], ['h.0.ln_2.bias', zeros([C])],
 *   ['h.0.mlp.c_fc.weight', zeros([C, 4 * C])], ['h.0.mlp.c_fc.bias', zeros([4 * C])],
 *   ['h.0.mlp.c_proj.weight', zeros([4 * C, C])], ['h.0.mlp.c_proj.bias', zeros([C])],
 *   ['ln_f.weight', zeros([C])], ['ln_f.bias', zeros([C])],
 * ]);
 * const config = { nLayer: 1, nEmbd: C, vocabSize: 5, blockSize: 3 };
 * const fused = hfStateDictToMinGpt(hf, config);
 * console.log(fused.get('transformer.h.0.attn.c_attn.weight')?.toArray()); // → [ [ 1, 7 ], [ 2, 8 ], [ 3, 9 ], [ 4, 10 ], [ 5, 11 ], [ 6, 12 ] ]
 * console.log(fused.get('lm_head.weight')?.shape, fused.has('transformer.h.0.attn.bias')); // → [ 5, 2 ] false
 * const separate = hfStateDictToMinGpt(hf, config, { attention: 'separate' });
 * console.log(separate.get('transformer.h.0.attn.key_proj.weight')?.toArray()); // → [ [ 3, 9 ], [ 4, 10 ] ]
 * ```
 */
export function hfStateDictToMinGpt(
  hf: StateDict,
  config: Pick<CheckpointConfig, 'nLayer' | 'nEmbd' | 'vocabSize' | 'blockSize'>,
  options: HfStateDictToMinGptOptions = {},
): Map<string, Tensor> {
  const fn = 'hfStateDictToMinGpt';
  const { attention = 'fused', consume = false } = options;
  if (attention !== 'fused' && attention !== 'separate')
    check.fail(
      fn,
      'options.attention',
      undefined,
      'options.attention is not a known layout',
      "'fused' or 'separate'",
      { received: JSON.stringify(attention) },
    );
  const source = new Map(entriesOf(hf));
  const stored = checkHfTensorShapes(source, config, fn);
  const tie = options.tieWordEmbeddings ?? !stored.has('lm_head.weight');
  checkHead(fn, stored, tie, 'lm_head.weight of shape (vocab_size, n_embd), or tieWordEmbeddings: true');
  const get = (canonical: string) => source.get(stored.get(canonical)!)!;
  const done = (t: Tensor) => {
    if (consume) t.dispose();
  };
  const out = new Map<string, Tensor>();
  noGrad(() => {
    for (const canonical of expectedHfShapes(config).keys()) {
      const t = get(canonical);
      const block = /^transformer\.h\.\d+\./.exec(canonical)?.[0];
      const local = block === undefined ? canonical : canonical.slice(block.length);
      if (attention === 'separate' && local === 'attn.c_attn.bias') continue; // done with the weight
      if (attention === 'separate' && local === 'attn.c_attn.weight') {
        // HF (C, 3C) → Linear (3C, C), whose rows are [Wq; Wk; Wv]; the bias is [bq; bk; bv] (docs/course-behaviour.md §2.6).
        const bias = get(`${block}attn.c_attn.bias`); // (3C)
        const whole = transpose(t); // (3C, C)
        const weights = split(whole, config.nEmbd, 0); // 3 × (C, C)
        const biases = split(bias, config.nEmbd, 0); // 3 × (C)
        ['query_proj', 'key_proj', 'value_proj'].forEach((name, j) => {
          out.set(`${block}attn.${name}.weight`, weights[j]!);
          out.set(`${block}attn.${name}.bias`, biases[j]!);
        });
        whole.dispose();
        done(t);
        done(bias);
        continue;
      }
      const name =
        attention === 'separate' && local.startsWith('attn.c_proj.')
          ? `${block}attn.output_proj.${local.slice('attn.c_proj.'.length)}`
          : canonical;
      if (block !== undefined && CONV1D.includes(local)) {
        out.set(name, transpose(t)); // Conv1D (in, out) → Linear (out, in)
        done(t);
      } else out.set(name, t);
    }
    if (tie) {
      out.set('lm_head.weight', clone(out.get('transformer.wte.weight')!)); // (V, C), a copy: our head is untied
      if (stored.has('lm_head.weight')) done(get('lm_head.weight'));
    } else out.set('lm_head.weight', get('lm_head.weight'));
    if (consume) {
      for (const [key, t] of source) if (MASK_BUFFER.test(key)) t.dispose();
    }
  });
  return out;
}

/** Options of {@link minGptStateDictToHf}. */
export interface MinGptStateDictToHfOptions {
  /**
   * Leave `lm_head.weight` out, tied to `wte` (`tie_word_embeddings: true`): `'auto'` does so when the two
   * are bitwise equal (as after loading a tied checkpoint); `true` requires that they are; `false` always
   * writes `lm_head.weight`. @defaultValue `'auto'`
   */
  tieWordEmbeddings?: boolean | 'auto';
}

/** What {@link minGptStateDictToHf} returns. */
export interface HfStateDict {
  /** The Hugging Face tensors, `transformer.`-prefixed, Conv1D orientation, in `GPT2LMHeadModel`'s order. */
  tensors: Map<string, Tensor>;
  /** Whether `lm_head.weight` was left out (write `tie_word_embeddings: true` in `config.json`). */
  tieWordEmbeddings: boolean;
}

/** True when two float32 tensors have the same shape and the same bits. */
function bitwiseEqual(a: Tensor, b: Tensor): boolean {
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
  const x = a.data();
  const y = b.data();
  const xi = new Int32Array(x.buffer, x.byteOffset, x.length);
  const yi = new Int32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < xi.length; i++) if (xi[i] !== yi[i]) return false;
  return true;
}

/**
 * Converts a course GPT state dict (either attention layout) to the tensors of a Hugging Face GPT-2
 * checkpoint, as `GPT2LMHeadModel.save_pretrained` writes them.
 *
 * The transposed and concatenated tensors are new; the others are the input's own objects (dispose only
 * the new ones: those not in the input). The `attn.bias` mask buffers are dropped.
 *
 * @remarks Python: the reverse of `GPT.from_pretrained` (docs/course-behaviour.md §2.9); minGPT has no save to this layout.
 * @param stateDict - The course state dict (e.g. `gpt.stateDict()`).
 * @param options - `tieWordEmbeddings` (default `'auto'`).
 * @returns The Hugging Face tensors and whether `lm_head` is tied.
 * @throws {@link LxmlsGptError} `INVALID_ARGUMENT` for a key that is not a GPT parameter, a block with
 *   neither or both attention layouts, or `tieWordEmbeddings: true` with `lm_head.weight` ≠ `wte`.
 * @example
 * ```ts
 * import { minGptStateDictToHf } from '@lxmls/gpt';
 * import { tensor, zeros } from '@lxmls/tensor';
 * const C = 2;
 * const wte = tensor([[1, 2], [3, 4], [5, 6]]);
 * const ours = new Map([
 *   ['transformer.wte.weight', wte], ['transformer.wpe.weight', zeros([4, C])],
 *   ['transformer.h.0.ln_1.weight', zeros([C])], ['transformer.h.0.ln_1.bias', zeros([C])],
 *   ['transformer.h.0.attn.query_proj.weight', tensor([[1, 2], [3, 4]])], ['transformer.h.0.attn.query_proj.bias', zeros([C])],
 *   ['transformer.h.0.attn.key_proj.weight', tensor([[5, 6], [7, 8]])], ['transformer.h.0.attn.key_proj.bias', zeros([C])],
 *   ['transformer.h.0.attn.value_proj.weight', tensor([[9, 10], [11, 12]])], ['transformer.h.0.attn.value_proj.bias', zeros([C])],
 *   ['transformer.h.0.attn.output_proj.weight', zeros([C, C])], ['transformer.h.0.attn.output_proj.bias', zeros([C])],
 *   ['transformer.h.0.attn.bias', zeros([1, 1, 4, 4])],
 *   ['transformer.h.0.ln_2.weight', zeros([C])], ['transformer.h.0.ln_2.bias', zeros([C])],
 *   ['transformer.h.0.mlp.c_fc.weight', zeros([4 * C, C])], ['transformer.h.0.mlp.c_fc.bias', zeros([4 * C])],
 *   ['transformer.h.0.mlp.c_proj.weight', zeros([C, 4 * C])], ['transformer.h.0.mlp.c_proj.bias', zeros([C])],
 *   ['transformer.ln_f.weight', zeros([C])], ['transformer.ln_f.bias', zeros([C])],
 *   ['lm_head.weight', tensor([[1, 2], [3, 4], [5, 6]])],
 * ]);
 * const { tensors, tieWordEmbeddings } = minGptStateDictToHf(ours);
 * console.log(tensors.get('transformer.h.0.attn.c_attn.weight')?.toArray()); // → [ [ 1, 3, 5, 7, 9, 11 ], [ 2, 4, 6, 8, 10, 12 ] ]
 * console.log(tieWordEmbeddings, tensors.has('lm_head.weight'), tensors.size); // → true false 16
 * ```
 */
export function minGptStateDictToHf(
  stateDict: StateDict,
  options: MinGptStateDictToHfOptions = {},
): HfStateDict {
  const fn = 'minGptStateDictToHf';
  const tieOption = options.tieWordEmbeddings ?? 'auto';
  const source = new Map(entriesOf(stateDict));
  const invalid = (what: string, argument: string, expected: string, received: string) =>
    new LxmlsGptError('INVALID_ARGUMENT', what, { fn, argument, expected, received });
  const need = (key: string) => {
    const t = source.get(key);
    if (t === undefined) {
      throw invalid('the state dict lacks a GPT parameter', 'stateDict', `a tensor named ${key}`, 'none');
    }
    return t;
  };
  const used = new Set<string>();
  const take = (key: string) => {
    used.add(key);
    return need(key);
  };
  let nLayer = 0;
  while ([...source.keys()].some((k) => k.startsWith(`transformer.h.${nLayer}.`))) nLayer++;

  const tensors = new Map<string, Tensor>();
  const inputs = new Set(source.values());
  const fail = (error: unknown): never => {
    for (const t of tensors.values()) if (!inputs.has(t)) t.dispose(); // free what this call made
    throw error;
  };
  noGrad(() => {
    try {
      tensors.set('transformer.wte.weight', take('transformer.wte.weight'));
      tensors.set('transformer.wpe.weight', take('transformer.wpe.weight'));
      for (let i = 0; i < nLayer; i++) {
        const h = `transformer.h.${i}`;
        const linear = (ours: string, theirs: string) => {
          tensors.set(`${h}.${theirs}.weight`, transpose(take(`${h}.${ours}.weight`))); // (out, in) → (in, out)
          tensors.set(`${h}.${theirs}.bias`, take(`${h}.${ours}.bias`));
        };
        tensors.set(`${h}.ln_1.weight`, take(`${h}.ln_1.weight`));
        tensors.set(`${h}.ln_1.bias`, take(`${h}.ln_1.bias`));
        const fused = source.has(`${h}.attn.c_attn.weight`);
        const separate = source.has(`${h}.attn.query_proj.weight`);
        if (fused === separate) {
          throw invalid(
            `block ${i} has ${fused ? 'both attention layouts' : 'no attention weights'}`,
            'stateDict',
            `either ${h}.attn.c_attn.* or ${h}.attn.{query,key,value,output}_proj.*`,
            fused ? 'both' : 'neither',
          );
        }
        if (fused) {
          linear('attn.c_attn', 'attn.c_attn');
          linear('attn.c_proj', 'attn.c_proj');
        } else {
          const parts = ['query_proj', 'key_proj', 'value_proj'];
          const w = concat(
            parts.map((p) => take(`${h}.attn.${p}.weight`)),
            0,
          ); // (3C, C) = [Wq; Wk; Wv]
          tensors.set(`${h}.attn.c_attn.weight`, transpose(w)); // (C, 3C)
          w.dispose();
          tensors.set(
            `${h}.attn.c_attn.bias`,
            concat(
              parts.map((p) => take(`${h}.attn.${p}.bias`)),
              0,
            ),
          ); // (3C)
          linear('attn.output_proj', 'attn.c_proj');
        }
        if (source.has(`${h}.attn.bias`)) used.add(`${h}.attn.bias`); // the causal mask: not a weight
        tensors.set(`${h}.ln_2.weight`, take(`${h}.ln_2.weight`));
        tensors.set(`${h}.ln_2.bias`, take(`${h}.ln_2.bias`));
        linear('mlp.c_fc', 'mlp.c_fc');
        linear('mlp.c_proj', 'mlp.c_proj');
      }
      tensors.set('transformer.ln_f.weight', take('transformer.ln_f.weight'));
      tensors.set('transformer.ln_f.bias', take('transformer.ln_f.bias'));
    } catch (error) {
      fail(error);
    }
  });
  if (!source.has('lm_head.weight')) {
    fail(
      invalid('the state dict lacks a GPT parameter', 'stateDict', 'a tensor named lm_head.weight', 'none'),
    );
  }
  const head = take('lm_head.weight');
  const extra = [...source.keys()].filter((k) => !used.has(k));
  if (extra.length > 0) {
    fail(
      invalid(
        'the state dict has keys that are not GPT parameters',
        extra[0]!,
        'only GPT parameters',
        `${extra.slice(0, 5).join(', ')}${extra.length > 5 ? `, … (${extra.length} in all)` : ''}`,
      ),
    );
  }
  const wte = tensors.get('transformer.wte.weight')!;
  const tied = tieOption === false ? false : bitwiseEqual(head, wte);
  if (tieOption === true && !tied) {
    fail(
      invalid(
        'lm_head.weight is not tied to transformer.wte.weight',
        'options.tieWordEmbeddings',
        'lm_head.weight bitwise equal to transformer.wte.weight',
        'different tensors (use tieWordEmbeddings: false or "auto")',
      ),
    );
  }
  if (!tied) tensors.set('lm_head.weight', head);
  return { tensors, tieWordEmbeddings: tied };
}
