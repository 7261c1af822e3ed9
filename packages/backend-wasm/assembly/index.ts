// Entry point of the AssemblyScript kernels of @lxmls/backend-wasm: the module's exports.
//
// Built by scripts/build-wasm.mjs with `-O3 --noAssert --runtime stub --importMemory --enable simd`, as in
// docs/wasm-kernels.md. Memory is imported (env.memory) and managed by the JS side
// (src/allocator.ts); nothing here allocates. heapBase() is the first byte the JS side may hand out.

export {
  adamw,
  add,
  colSum,
  crossEntropyBackward,
  crossEntropyForward,
  geluBackward,
  geluForward,
  layerNormBackward,
  layerNormForward,
  mul,
  rowBroadcast,
  softmax,
  softmaxBackward,
} from './fused';
export {
  binary4,
  gather,
  geluBackwardFast,
  geluBackwardFromY,
  geluFast,
  gemvKN,
  gemvNK,
  rowReduce,
  scaledSoftmax,
  scatterAdd,
  softmaxBackwardScaled,
  strided4,
  unary,
} from './backend';
export { matmul } from './matmul';
export {
  binary4Part,
  colSumPart,
  dropoutPart,
  geluBackwardFromYPart,
  geluFastPart,
  gemvKNPart,
  gemvNKPart,
  layerNormForwardPart,
  matmulPart,
  scaledSoftmaxPart,
  softmaxBackwardScaledPart,
} from './parts';
export { dropout, maskedFill4 } from './random';

/** The first byte after the module's static data: the JS allocator starts at or above it. */
export function heapBase(): usize {
  return __heap_base;
}
