// Entry point of the AssemblyScript kernels of @lxmls/backend-wasm: the module's exports.
//
// Built by scripts/build-wasm.mjs with `-O3 --noAssert --runtime stub --importMemory --enable simd`, as in
// docs/wasm-kernels.md. Memory is imported (env.memory) and managed by the JS side
// (src/allocator.ts); nothing here allocates. heapBase() is the first byte the JS side may hand out.

export { scaledSoftmax, softmaxBackwardScaled } from './attention';
export {
  add,
  binary4,
  geluBackward,
  geluBackwardFast,
  geluBackwardFromY,
  geluFast,
  geluForward,
  maskedFill4,
  mul,
  rowBroadcast,
  unary,
} from './elementwise';
export { gather, scatterAdd } from './embedding';
export { gemvKN, gemvNK, matmul } from './matmul';
export { layerNormBackward, layerNormForward } from './norm';
export { adamw } from './optim';
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
export { dropout } from './random';
export { colSum, rowReduce } from './reduce';
export { strided4 } from './shape';
export { crossEntropyBackward, crossEntropyForward, softmax, softmaxBackward } from './softmax';

/** The first byte after the module's static data: the JS allocator starts at or above it. */
export function heapBase(): usize {
  return __heap_base;
}
