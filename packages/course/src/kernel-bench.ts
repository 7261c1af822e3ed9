/**
 * The matmul shapes `lxmls bench kernels` times, and how: those of a gpt-nano training step (batch 64 × 11
 * tokens, n_embd 48, 3 heads of 16, vocab 8) and those of GPT-2 124M inference on one token (n_embd 768, vocab
 * 50257), each on a backend's `matmul` kernel directly, on storages allocated once (no tensor bookkeeping), so
 * the figure is the kernel's own speed; {@link timeCall}, the median-of-samples timer. Browser-safe (no Node
 * import). Moved here from the CLI (issue 13).
 *
 * Follows the shape list and the method of docs/wasm-kernels.md: warm up first, then take samples that each
 * run the code back to back for at least a minimum time, and report the median per-call time.
 */

import type { Backend } from '@lxmls/tensor';
import { median } from './median.js';

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
 * import { KERNEL_SHAPES } from '@lxmls/course';
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
 * import { benchKernel } from '@lxmls/course';
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

/** Options of {@link timeCall}. */
export interface TimeOptions {
  /** Warm-up time in ms before sampling (default 100). */
  warmupMs?: number;
  /** Each sample runs the call back to back for at least this long, in ms (default 2). */
  sampleMs?: number;
  /** Number of samples (default 15). */
  samples?: number;
}

/**
 * The median time of one call of `fn` in ms: warm up, then `samples` samples, each a run of back-to-back calls
 * lasting at least `sampleMs`, each giving a per-call time.
 *
 * @param fn - The code to time.
 * @param options - Warm-up and sampling.
 * @returns The median per-call time in ms.
 * @example
 * ```ts
 * import { timeCall } from '@lxmls/course';
 * const ms = timeCall(() => Math.sqrt(2), { warmupMs: 1, sampleMs: 1, samples: 3 });
 * console.log(ms > 0 && ms < 1); // → true
 * ```
 */
export function timeCall(fn: () => void, options: TimeOptions = {}): number {
  const { warmupMs = 100, sampleMs = 2, samples = 15 } = options;
  const start = performance.now();
  do fn();
  while (performance.now() - start < warmupMs);
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    let calls = 0;
    const t0 = performance.now();
    let t1 = t0;
    do {
      fn();
      calls++;
      t1 = performance.now();
    } while (t1 - t0 < sampleMs);
    times.push((t1 - t0) / calls);
  }
  return median(times);
}
