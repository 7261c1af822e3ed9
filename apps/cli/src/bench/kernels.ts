/**
 * The matmul shapes `lxmls bench kernels` times: those of a gpt-nano training step (batch 64 × 11 tokens,
 * n_embd 48, 3 heads of 16, vocab 8) and those of GPT-2 124M inference on one token (n_embd 768, vocab 50257).
 *
 * Follows the shape list of docs/wasm-kernels.md. Each shape runs the backend's `matmul` kernel directly
 * on storages allocated once (no tensor bookkeeping), so the figure is the kernel's own speed.
 */

import type { Backend } from '@lxmls/tensor';
import { timeCall } from './timing.js';

/** One matmul shape: `batch × (M×K @ K×N)`, with the stored layouts of the step. */
export interface KernelShape {
  /** A short name, e.g. `nano qkv`. */
  name: string;
  /** Independent products in one call (attention heads). */
  batch: number;
  m: number;
  k: number;
  n: number;
  /** A is stored K×M (the weight gradient Xᵀ·dY). */
  transA: boolean;
  /** B is stored N×K (the input gradient dY·Wᵀ, or Q·Kᵀ). */
  transB: boolean;
}

/** What {@link benchKernel} measured. */
export interface KernelResult extends KernelShape {
  /** 2·batch·M·K·N / 10⁶. */
  mflop: number;
  /** Median time of one call, ms. */
  ms: number;
  /** mflop / ms (MFLOP per ms = GFLOP/s). */
  gflops: number;
}

const s = (name: string, batch: number, m: number, k: number, n: number, transA = false, transB = false) => ({
  name,
  batch,
  m,
  k,
  n,
  transA,
  transB,
});

/**
 * The shapes, gpt-nano's step first (B·T = 704 rows, C = 48, 3 heads of 16), then GPT-2 124M's inference, in
 * the layouts the models use them: a Linear stores its weight (out, in), so the forward is `x·Wᵀ` (transB),
 * the input gradient `dY·W` and the weight gradient `dYᵀ·X` (transA).
 *
 * @example
 * ```ts
 * import { KERNEL_SHAPES } from './bench/kernels.js';
 * console.log(KERNEL_SHAPES[0]); // → { name: 'nano q, k, v, proj', batch: 1, m: 704, k: 48, n: 48, transA: false, transB: true }
 * ```
 */
export const KERNEL_SHAPES: readonly KernelShape[] = [
  s('nano q, k, v, proj', 1, 704, 48, 48, false, true),
  s('nano qkv', 1, 704, 48, 144, false, true),
  s('nano mlp up', 1, 704, 48, 192, false, true),
  s('nano mlp down', 1, 704, 192, 48, false, true),
  s('nano lm head', 1, 704, 48, 8, false, true),
  s('nano dX = dY·W', 1, 704, 192, 48),
  s('nano dW = dYᵀ·X', 1, 192, 704, 48, true, false),
  s('nano dW (c_proj)', 1, 48, 704, 192, true, false),
  s('nano att Q·Kᵀ', 192, 11, 16, 11, false, true),
  s('nano att P·V', 192, 11, 11, 16),
  s('gpt2 qkv', 1, 1, 768, 2304, false, true),
  s('gpt2 mlp up', 1, 1, 768, 3072, false, true),
  s('gpt2 mlp down', 1, 1, 3072, 768, false, true),
  s('gpt2 lm head', 1, 1, 768, 50257, false, true),
];

/**
 * Times one shape on `backend`'s matmul kernel: random inputs, output allocated once, median of samples.
 *
 * @param backend - The backend to time.
 * @param shape - The shape.
 * @param sampleMs - Minimum length of a sample in ms (default 2).
 * @returns The shape with its time and GFLOP/s.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * import { benchKernel } from './bench/kernels.js';
 * const r = benchKernel(createJsBackend(), { name: 'tiny', batch: 1, m: 4, k: 4, n: 4, transA: false, transB: false }, 1);
 * console.log(r.mflop, r.gflops > 0); // → 0.000128 true
 * ```
 */
export function benchKernel(backend: Backend, shape: KernelShape, sampleMs = 2): KernelResult {
  const { batch, m, k, n, transA, transB } = shape;
  const fill = (size: number) => {
    const storage = backend.alloc(size, 'float32');
    backend.write(
      storage,
      Float32Array.from({ length: size }, (_, i) => ((i * 7919) % 1000) / 500 - 1),
    );
    return storage;
  };
  const a = fill(batch * m * k);
  const b = fill(batch * k * n);
  const c = backend.alloc(batch * m * n, 'float32');
  const attrs = { batchA: batch, batchB: batch, m, k, n, transA, transB };
  const ms = timeCall(() => backend.matmul({ a, b, out: c }, attrs), {
    warmupMs: 50,
    sampleMs,
    samples: 11,
  });
  for (const storage of [a, b, c]) backend.free(storage);
  const mflop = (2 * batch * m * k * n) / 1e6;
  return { ...shape, mflop, ms, gflops: mflop / ms };
}
