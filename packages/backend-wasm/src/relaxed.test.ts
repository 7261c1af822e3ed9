// The relaxed-SIMD build (fused multiply-add in the matmul) against the plain build: same kernels, results
// equal up to rounding. Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd, which
// this test turns on at run time (as docs/wasm-kernels.md measured); where the engine still refuses
// it, the backend must fall back to the plain build.

import { setFlagsFromString } from 'node:v8';
import { matmul, RandomGenerator, randn, selfAttention, withBackend } from '@lxmls/tensor';
import { expectClose } from '@lxmls/tensor/testing';
import { expect, test } from 'vitest';
import { createWasmBackend } from './backend.js';
import { hasWasmRelaxedSimd } from './kernels.js';

setFlagsFromString('--experimental-wasm-relaxed-simd');

test('relaxed-SIMD build gives the plain build results up to rounding, or is not used', () => {
  const relaxed = createWasmBackend();
  const plain = createWasmBackend({ relaxedSimd: false });
  expect(plain.relaxedSimd).toBe(false);
  expect(relaxed.relaxedSimd).toBe(hasWasmRelaxedSimd());
  const run = (backend: ReturnType<typeof createWasmBackend>) =>
    withBackend(backend, () => {
      const g = new RandomGenerator(3); // the same inputs on both backends
      const x = randn([2, 37, 3 * 4 * 8], g); // 4 heads of 8
      const w = randn([60, 19], g);
      x.requiresGrad = true;
      const y = matmul(selfAttention(x, 4, { causal: true }), randn([32, 60], g)).matmul(w);
      y.sum().backward();
      return [y.data(), x.grad!.data()];
    });
  const [a, b] = [run(relaxed), run(plain)];
  expectClose(a[0]!, b[0]!, 1e-4, 1e-4, 'y');
  expectClose(a[1]!, b[1]!, 1e-4, 1e-4, 'dx');
});
