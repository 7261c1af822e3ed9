// The `wasm` backend against the conformance suite of @lxmls/tensor (forward values and gradients against the
// `js` reference backend and finite differences), plus the memory discipline of a long tidy'd training loop.

import {
  adamwUpdate,
  type Backend,
  createJsBackend,
  crossEntropy,
  dropout,
  gelu,
  layerNorm,
  linear,
  matmul,
  memory,
  RandomGenerator,
  randn,
  scaledDotProductAttention,
  type Tensor,
  tensor,
  tidy,
  withBackend,
  zerosLike,
} from '@lxmls/tensor';
import { describeBackend, expectClose } from '@lxmls/tensor/testing';
import { expect, test } from 'vitest';
import { createWasmBackend } from './backend.js';

describeBackend('wasm', () => createWasmBackend());
// Outputs come from allocUninit (no zero-fill): with NaN there, a kernel that skips an element fails.
describeBackend('wasm, uninitialised outputs poisoned with NaN', () =>
  createWasmBackend({ poisonUninit: true }),
);

test('1,000 tidy training steps keep memory() and the allocator flat', () => {
  const wasm = createWasmBackend();
  withBackend(wasm, () => {
    const params = [randn([6, 8]), randn([8, 5]), randn([8]), randn([8])];
    for (const p of params) p.requiresGrad = true;
    const [w1, w2, g, b] = params as [Tensor, Tensor, Tensor, Tensor];
    const state = params.map((p) => [zerosLike(p), zerosLike(p)] as const);
    const x = randn([2, 4, 6]);
    const targets = tensor([0, 1, 2, -1, 4, 3, 2, 1], [2, 4], 'int32');
    const counts: [number, number, number][] = [];
    for (let step = 1; step <= 1000; step++) {
      tidy(() => {
        const h = layerNorm(gelu(matmul(x, w1)), g, b); // (2, 4, 8)
        const a = scaledDotProductAttention(
          h.reshape([2, 1, 4, 8]),
          h.reshape([2, 1, 4, 8]),
          h.reshape([2, 1, 4, 8]),
          { causal: true },
        );
        const logits = matmul(a.reshape([2, 4, 8]), w2); // (2, 4, 5)
        crossEntropy(logits, targets).backward();
      });
      params.forEach((p, i) => {
        adamwUpdate(p, p.grad!, state[i]![0], state[i]![1], { lr: 1e-3, step });
        p.zeroGrad();
      });
      if (step === 10 || step % 250 === 0) {
        const m = memory();
        counts.push([m.numTensors, m.numBytes, wasm.allocator.bytesInUse]);
      }
    }
    for (const c of counts) expect(c).toEqual(counts[0]);
  });
});

test.each([
  [false, false],
  [true, false],
  [false, true],
  [true, true],
])('matmul with K = 600 (three K slices, the last partial) transA %s transB %s equals js', (ta, tb) => {
  const g = () => new RandomGenerator(11); // the same inputs on both backends
  const run = (backend: Backend) =>
    withBackend(backend, () => {
      const r = g();
      const a = randn(ta ? [2, 600, 5] : [2, 5, 600], r); // a batch of 2
      const b = randn(tb ? [7, 600] : [600, 7], r); // one weight, broadcast
      return matmul(a, b, { transposeA: ta, transposeB: tb }).data();
    });
  expectClose(run(createWasmBackend()), run(createJsBackend()), 1e-3, 1e-4, 'out');
});

test.each([
  [3, 300, 20], // in > 256: the bias starts the first of two K slices only
  [1, 300, 20], // one row: the GEMV path with a bias
  [33, 48, 144], // the gpt-nano shapes, with an odd row count
])('linear(x (%i, %i), weight (%i, in), bias) on wasm matches js', (rows, inF, outF) => {
  const rng = new RandomGenerator(7);
  const data = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
  const [x, w, b] = [data(rows * inF), data(outF * inF), data(outF)];
  const run = (backend: Backend) =>
    withBackend(backend, () =>
      tidy(() => linear(tensor(x, [rows, inF]), tensor(w, [outF, inF]), tensor(b, [outF])).data()),
    );
  expectClose(run(createWasmBackend()), run(createJsBackend()), 1e-4, 1e-4, 'linear');
});

test.each([0.1, 0.5, 0.9, 1 - 2 ** -30])(
  'dropout(x, %f) on wasm keeps exactly the elements js keeps',
  (p) => {
    const x = Float32Array.from({ length: 1003 }, (_, i) => (i % 13) - 6.5);
    const run = (backend: Backend) =>
      withBackend(backend, () =>
        tidy(() => dropout(tensor(x), p, { generator: new RandomGenerator(11) }).data()),
      );
    expect(Array.from(run(createWasmBackend()))).toEqual(Array.from(run(createJsBackend())));
  },
);

test('gelu backward on wasm (σ from the forward output) matches js at 0, tiny, large and ordinary inputs', () => {
  const x = Float32Array.of(0, 1e-35, -1e-35, -20, 20, -5, 5, 0.3, -0.7, 2.5, -3.25, 1e-8, -1e-8);
  const run = (backend: Backend) =>
    withBackend(backend, () =>
      tidy(() => {
        const t = tensor(x);
        t.requiresGrad = true;
        gelu(t)
          .mul(tensor(Float32Array.from(x, (_, i) => 1 + i / 10)))
          .sum()
          .backward();
        return t.grad!.data();
      }),
    );
  expectClose(run(createWasmBackend()), run(createJsBackend()), 1e-6, 1e-5, 'dgelu');
});
