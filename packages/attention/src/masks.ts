/**
 * Attention masks with PyTorch's boolean meaning: **1 = may attend, 0 = blocked**, as int32 tensors that
 * broadcast against the scores `(B, nh, Tq, Tk)`.
 *
 * - {@link causalMask}: the lower-triangular mask of a decoder (minGPT's `bias` buffer, `torch.tril`).
 * - {@link paddingMask}: a Hugging Face `attention_mask` `(B, Tk)` turned into `(B, 1, 1, Tk)`, so padded keys
 *   are blocked for every head and every query (BERT's `get_extended_attention_mask`, but boolean).
 */

import { type Tensor, tensor } from '@lxmls/tensor';
import { expectInteger, LxmlsAttentionError, shapeText } from './errors.js';

/**
 * The causal mask: query `i` may attend to key `j` when `j ≤ i + (Tk − Tq)`. With `Tk = Tq` this is the
 * lower triangle including the diagonal; with `Tk > Tq` (queries that continue a KV cache of `Tk − Tq` past
 * positions) the last query row sees every key.
 *
 * @param T - The number of queries `Tq`.
 * @param Tk - The number of keys; defaults to `T`.
 * @returns An int32 tensor `(T, Tk)` of 1 (attend) and 0 (blocked).
 * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` when a size is not a positive integer.
 * @remarks Python: `torch.tril(torch.ones(T, T))` (the `bias` buffer of `CausalSelfAttention`).
 * @example
 * ```ts
 * import { causalMask } from '@lxmls/attention';
 * console.log(causalMask(3).toArray()); // → [ [ 1, 0, 0 ], [ 1, 1, 0 ], [ 1, 1, 1 ] ]
 * console.log(causalMask(1, 3).toArray()); // → [ [ 1, 1, 1 ] ]
 * ```
 */
export function causalMask(T: number, Tk: number = T): Tensor {
  expectInteger('causalMask', 'T', T);
  expectInteger('causalMask', 'Tk', Tk);
  const data = new Int32Array(T * Tk);
  for (let i = 0; i < T; i++) for (let j = 0; j <= Math.min(i + Tk - T, Tk - 1); j++) data[i * Tk + j] = 1;
  return tensor(data, [T, Tk], 'int32'); // (T, Tk)
}

/**
 * A padding mask for the scores: `attentionMask` `(B, Tk)` (1 = a real token, 0 = padding, as tokenizers
 * return it) reshaped to `(B, 1, 1, Tk)`, so it broadcasts over heads and queries.
 *
 * @param attentionMask - An int32 (or float32 0/1) tensor `(B, Tk)`.
 * @returns An int32 tensor `(B, 1, 1, Tk)` of 1 (attend) and 0 (blocked).
 * @throws {@link LxmlsAttentionError} `SHAPE_MISMATCH` unless the input is 2-D.
 * @remarks Python: the boolean form of `transformers`' `get_extended_attention_mask`.
 * @example
 * ```ts
 * import { paddingMask } from '@lxmls/attention';
 * import { tensor } from '@lxmls/tensor';
 * const m = paddingMask(tensor([[1, 1, 0]], undefined, 'int32'));
 * console.log(m.shape, Array.from(m.data())); // → [ 1, 1, 1, 3 ] [ 1, 1, 0 ]
 * ```
 */
export function paddingMask(attentionMask: Tensor): Tensor {
  if (attentionMask.shape.length !== 2) {
    throw new LxmlsAttentionError('SHAPE_MISMATCH', 'attentionMask must be (B, Tk)', {
      fn: 'paddingMask',
      argument: 'attentionMask',
      expected: 'a 2-D tensor (B, Tk)',
      received: shapeText(attentionMask.shape),
    });
  }
  const [B, Tk] = attentionMask.shape as [number, number];
  const data = Int32Array.from(attentionMask.data(), (v) => (v !== 0 ? 1 : 0));
  return tensor(data, [B, 1, 1, Tk], 'int32'); // (B, 1, 1, Tk)
}

/** A mask resolved on the host: the broadcast shape, which entries are blocked, and which rows are all blocked. */
export interface BlockedMask {
  /** The shape the blocked mask was broadcast to: `(…, Tq, Tk)`. */
  shape: number[];
  /** 1 where the score must be `-inf`, in `shape`. */
  blocked: Int32Array;
  /** 1 for each row `(…, Tq)` whose keys are all blocked; null when there is none. */
  emptyRows: Int32Array | null;
}

/**
 * @internal Combines a boolean mask (1 = attend) broadcastable to `(…, Tq, Tk)` with the causal rule into one
 * "blocked" mask (1 = fill with -inf), and finds the rows with nothing left to attend to.
 */
export function resolveBlocked(
  fn: string,
  mask: Tensor | null,
  causal: boolean,
  tq: number,
  tk: number,
): BlockedMask {
  const maskShape = mask ? [...mask.shape] : [];
  const rank = Math.max(2, maskShape.length);
  const padded = [...Array(rank - maskShape.length).fill(1), ...maskShape];
  const shape = padded.map((d, i) => (i === rank - 2 ? tq : i === rank - 1 ? tk : d));
  const fits = (d: number, n: number) => d === 1 || d === n;
  if (mask && (!fits(padded.at(-1)!, tk) || !fits(padded.at(-2)!, tq))) {
    throwMask(fn, mask, tq, tk);
  }
  const values = mask ? mask.data() : null;
  const mRows = padded.at(-2)!;
  const mCols = padded.at(-1)!;
  const lead = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const blocked = new Int32Array(lead * tq * tk);
  let emptyRows: Int32Array | null = null;
  for (let b = 0; b < lead; b++) {
    for (let i = 0; i < tq; i++) {
      let open = 0;
      for (let j = 0; j < tk; j++) {
        const m = values ? values[(b * mRows + (mRows === 1 ? 0 : i)) * mCols + (mCols === 1 ? 0 : j)]! : 1;
        const isBlocked = m === 0 || (causal && j > i + tk - tq);
        blocked[(b * tq + i) * tk + j] = isBlocked ? 1 : 0;
        if (!isBlocked) open++;
      }
      if (open === 0) {
        emptyRows ??= new Int32Array(lead * tq);
        emptyRows[b * tq + i] = 1;
      }
    }
  }
  return { shape, blocked, emptyRows };
}

function throwMask(fn: string, mask: Tensor, tq: number, tk: number): never {
  throw new LxmlsAttentionError('SHAPE_MISMATCH', 'the mask does not broadcast to the scores', {
    fn,
    argument: 'mask',
    expected: `a mask broadcastable to (…, ${tq}, ${tk})`,
    received: shapeText(mask.shape),
  });
}
