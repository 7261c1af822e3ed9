/**
 * @lxmls/tensor: a small, readable tensor with reverse-mode autodiff, the Backend (kernel) interface and
 * registry, the `js` reference backend and seeded randomness. Every export is listed here.
 */

export type {
  AdamWAttrs,
  AdamWInputs,
  ArgmaxAttrs,
  ArgmaxInputs,
  AttentionAttrs,
  AttentionBackwardInputs,
  AttentionInputs,
  AttentionView,
  Backend,
  BackendCapabilities,
  BinaryOp,
  CoreBackend,
  CrossEntropyAttrs,
  CrossEntropyBackwardInputs,
  CrossEntropyInputs,
  DType,
  GatherAttrs,
  GatherInputs,
  LayerNormAttrs,
  LayerNormBackwardInputs,
  LayerNormInputs,
  LinearAttrs,
  LinearInputs,
  MatmulAttrs,
  MatmulInputs,
  MultinomialAttrs,
  MultinomialInputs,
  ReduceOp,
  ScatterAddInputs,
  TopkAttrs,
  TopkInputs,
  TypedArray,
  UnaryOp,
} from './backend.js';
export { CORE_KERNELS, mix32, uniformAt } from './backend.js';
export { createJsBackend, JsBackend } from './backends/js.js';
export type { MemoryInfo, Tracked } from './engine.js';
export { keep, memory, noGrad, tidy } from './engine.js';
export type { TensorErrorCode, TensorErrorDetails } from './errors.js';
export { formatShape, LxmlsTensorError } from './errors.js';
export type {
  AdamWOptions,
  AttentionOptions,
  AttentionWithWeights,
  CrossEntropyOptions,
  DropoutOptions,
  MatmulOptions,
  MultinomialOptions,
} from './ops/index.js';
export {
  adamwUpdate,
  add,
  arange,
  argmax,
  attentionWithWeights,
  broadcastTo,
  cast,
  clone,
  concat,
  crossEntropy,
  div,
  dropout,
  embedding,
  exp,
  fromArray,
  full,
  gather,
  gelu,
  layerNorm,
  linear,
  log,
  logSoftmax,
  maskedFill,
  matmul,
  max,
  maximum,
  mean,
  mul,
  multinomial,
  neg,
  ones,
  onesLike,
  permute,
  pow,
  rand,
  randn,
  relu,
  reshape,
  scaledDotProductAttention,
  selfAttention,
  slice,
  softmax,
  split,
  sqrt,
  sub,
  sum,
  tanh,
  tensor,
  topk,
  transpose,
  unbroadcast,
  zeros,
  zerosLike,
} from './ops/index.js';
export { getGenerator, manualSeed, RandomGenerator } from './random.js';
export type { BackendFactory } from './registry.js';
export {
  getBackend,
  listBackends,
  registerBackend,
  removeBackend,
  requireCapability,
  setBackend,
  withBackend,
} from './registry.js';
export { broadcastIndex, broadcastStrides, sizeOf, stridesOf } from './shape.js';
export type { NestedArray, TapeNode } from './tensor.js';
export { Tensor } from './tensor.js';
