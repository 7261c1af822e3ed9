/**
 * Hugging Face BERT checkpoints → the state dict of {@link BertModel}.
 *
 * The module names are Hugging Face's, so keys load as they are, after three renamings that transformers also
 * does when it loads a BertModel: the `bert.` prefix of task checkpoints (`BertForMaskedLM`, …) is removed and
 * their heads (`cls.*`, `classifier.*`, …) are left out; the buffers `embeddings.position_ids` and
 * `embeddings.token_type_ids` of older checkpoints are dropped; TensorFlow-era `LayerNorm.gamma` / `.beta`
 * become `.weight` / `.bias`.
 */

import type { Tensor } from '@lxmls/tensor';
import { check } from './errors.js';

/** A checkpoint mapped to BertModel's names. */
export interface HFBertState {
  /** The tensors under BertModel's names. */
  state: Map<string, Tensor>;
  /** Checkpoint keys that are not part of a BertModel (heads, buffers), left out. */
  ignoredKeys: string[];
}

const BUFFERS = new Set(['embeddings.position_ids', 'embeddings.token_type_ids']);

/**
 * Maps the keys of a Hugging Face BERT checkpoint to {@link BertModel}'s.
 *
 * @param tensors - Checkpoint key → tensor, e.g. `readSafetensors(bytes).tensors`.
 * @returns The renamed tensors (the same objects) and the keys left out.
 * @remarks Python: what `BertModel.from_pretrained` does to the keys (`base_model_prefix = "bert"`).
 * @example
 * ```ts
 * import { hfBertStateDict } from '@lxmls/bert';
 * import { zeros } from '@lxmls/tensor';
 * const { state, ignoredKeys } = hfBertStateDict(new Map([
 *   ['bert.embeddings.LayerNorm.gamma', zeros([4])],
 *   ['bert.embeddings.position_ids', zeros([1, 8])],
 *   ['cls.predictions.bias', zeros([10])],
 * ]));
 * console.log([...state.keys()], ignoredKeys); // → [ 'embeddings.LayerNorm.weight' ] [ 'bert.embeddings.position_ids', 'cls.predictions.bias' ]
 * ```
 */
export function hfBertStateDict(tensors: ReadonlyMap<string, Tensor>): HFBertState {
  if (!(tensors instanceof Map))
    check.fail(
      'hfBertStateDict',
      'tensors',
      undefined,
      'tensors must be a Map from checkpoint keys to tensors',
      'a Map<string, Tensor>',
      { received: typeof tensors },
    );
  const prefixed = [...tensors.keys()].some((k) => k.startsWith('bert.'));
  const state = new Map<string, Tensor>();
  const ignoredKeys: string[] = [];
  for (const [key, value] of tensors) {
    if (prefixed && !key.startsWith('bert.')) {
      ignoredKeys.push(key);
      continue;
    }
    let name = prefixed ? key.slice('bert.'.length) : key;
    if (BUFFERS.has(name)) {
      ignoredKeys.push(key);
      continue;
    }
    name = name.replace(/\.gamma$/, '.weight').replace(/\.beta$/, '.bias');
    state.set(name, value);
  }
  return { state, ignoredKeys };
}
