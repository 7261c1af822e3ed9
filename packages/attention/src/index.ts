/**
 * @lxmls/attention: attention as the LxMLS course teaches it — crossAttention (Exercise 2.1),
 * CausalSelfAttention (the exercise form, composed step by step), FusedCausalSelfAttention (the same
 * parameters on the fused kernel, for training speed), PretrainedCausalSelfAttention (the fused GPT-2 form)
 * with a KV cache, and the masks. `scaledDotProductAttention` and `attentionWithWeights` are @lxmls/tensor's,
 * re-exported here (one function and one signature across the toolkit). Every export is listed here.
 */

export {
  type AttentionOptions,
  type AttentionWithWeights,
  attentionWithWeights,
  scaledDotProductAttention,
} from '@lxmls/tensor';
export {
  type AttentionClass,
  type AttentionFactory,
  type AttentionFactoryFunction,
  type AttentionModule,
  createAttention,
  toAttentionOutput,
} from './attention-factory.js';
export { CausalSelfAttention } from './causal-self-attention.js';
export type {
  AttentionModuleOptions,
  CausalForwardOptions,
  CausalSelfAttentionConfig,
} from './config.js';
export { copyAttentionWeights, exerciseToFused, fusedToExercise } from './convert.js';
export { crossAttention } from './cross-attention.js';
export { type AttentionErrorCode, type AttentionErrorDetails, LxmlsAttentionError } from './errors.js';
export { FusedCausalSelfAttention } from './fused-causal-self-attention.js';
export { KVCache } from './kv-cache.js';
export { causalMask, paddingMask } from './masks.js';
export { PretrainedCausalSelfAttention } from './pretrained-attention.js';
export type { AttentionOutput } from './scaled-dot-product.js';
