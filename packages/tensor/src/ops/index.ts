// The ops, one concept per file, re-exported for tensor.ts (methods) and index.ts (the public API).
export {
  type AdamWEntry,
  type AdamWMultiOptions,
  type AdamWOptions,
  adamwUpdate,
  adamwUpdateMulti,
} from './adamw.js';
export { add, binaryForward, div, maximum, mul, pow, sub, unbroadcast } from './arithmetic.js';
export {
  type AttentionOptions,
  type AttentionWithWeights,
  attentionWithWeights,
  scaledDotProductAttention,
  selfAttention,
} from './attention.js';
export { clipByNorm } from './clip-norm.js';
export {
  arange,
  fromArray,
  full,
  ones,
  onesLike,
  rand,
  randn,
  tensor,
  zeros,
  zerosLike,
} from './creation.js';
export { type CrossEntropyOptions, crossEntropy } from './cross-entropy.js';
export { type DropoutOptions, dropout } from './dropout.js';
export { embedding, gather } from './embedding.js';
export { gelu } from './gelu.js';
export { layerNorm } from './layer-norm.js';
export { type LinearOptions, linear } from './linear.js';
export { maskedFill } from './masked-fill.js';
export { type MatmulOptions, matmul } from './matmul.js';
export { argmax, max, mean, sum } from './reduce.js';
export { type MultinomialOptions, multinomial, topk } from './sampling.js';
export { broadcastTo, permute, reshape, transpose } from './shape.js';
export { concat, slice, split } from './slice.js';
export { logSoftmax, softmax } from './softmax.js';
export { cast, clone, exp, log, neg, relu, sqrt, tanh } from './unary.js';
