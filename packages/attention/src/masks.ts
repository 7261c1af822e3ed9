/**
 * Attention masks with PyTorch's boolean meaning: **1 = may attend, 0 = blocked**, as int32 tensors that
 * broadcast against the scores `(B, nh, Tq, Tk)`.
 *
 * - {@link causalMask}: the lower-triangular mask of a decoder (minGPT's `bias` buffer, `torch.tril`).
 * - {@link paddingMask}: a Hugging Face `attention_mask` `(B, Tk)` turned into `(B, 1, 1, Tk)`, so padded keys
 *   are blocked for every head and every query (BERT's `get_extended_attention_mask`, but boolean).
 */

import { type Tensor, tensor } from '@lxmls/tensor';
import { check, LxmlsAttentionError, shapeText } from './errors.js';

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
  check.count('causalMask', 'T', T);
  check.count('causalMask', 'Tk', Tk);
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
  if (attentionMask.shape.length !== 2)
    check.fail(
      'paddingMask',
      'attentionMask',
      undefined,
      'attentionMask must be (B, Tk)',
      'a 2-D tensor (B, Tk)',
      { code: 'SHAPE_MISMATCH', received: shapeText(attentionMask.shape) },
    );
  const [B, Tk] = attentionMask.shape as [number, number];
  const data = Int32Array.from(attentionMask.data(), (v) => (v !== 0 ? 1 : 0));
  return tensor(data, [B, 1, 1, Tk], 'int32'); // (B, 1, 1, Tk)
}
