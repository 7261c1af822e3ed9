// Tests of benchKernel, KERNEL_SHAPES and timeCall: the matmul shapes `lxmls bench kernels` times (moved from the
// CLI's bench/kernels.ts and bench/timing.ts). What they measure is not checked (no timings in unit tests): the
// shapes, the FLOP count, and that the kernel ran on inputs it was given and freed its storages.
import { createJsBackend } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { benchKernel, KERNEL_SHAPES, timeCall } from './kernel-bench.js';

describe('KERNEL_SHAPES', () => {
  test('KERNEL_SHAPES has gpt-nano step shapes (704 rows or 192 heads) then GPT-2 inference on one token', () => {
    const nano = KERNEL_SHAPES.filter((s) => s.name.startsWith('nano'));
    const gpt2 = KERNEL_SHAPES.filter((s) => s.name.startsWith('gpt2'));
    expect(nano.length + gpt2.length).toBe(KERNEL_SHAPES.length);
    for (const s of nano) expect([s.m, s.k, s.batch]).toContainEqual(s.batch === 192 ? 192 : 704);
    for (const s of gpt2) expect([s.batch, s.m, s.k === 768 || s.k === 3072]).toEqual([1, 1, true]);
    expect(new Set(KERNEL_SHAPES.map((s) => s.name)).size).toBe(KERNEL_SHAPES.length);
  });
});

describe('benchKernel', () => {
  test.each([
    [false, false],
    [true, false],
    [false, true],
  ])(
    'benchKernel(js, 2 × 3×5 @ 5×4, transA %s, transB %s) counts 2·b·m·k·n FLOP and frees its storages',
    (transA, transB) => {
      const backend = createJsBackend();
      const calls: unknown[] = [];
      const matmul = backend.matmul.bind(backend);
      backend.matmul = (storages, attrs) => {
        calls.push(attrs);
        return matmul(storages, attrs);
      };
      const allocated = new Set<unknown>();
      const alloc = backend.alloc.bind(backend);
      backend.alloc = (size, dtype) => {
        const storage = alloc(size, dtype);
        allocated.add(storage);
        return storage;
      };
      const free = backend.free.bind(backend);
      backend.free = (storage) => {
        allocated.delete(storage);
        free(storage);
      };
      const shape = { name: 't', batch: 2, m: 3, k: 5, n: 4, transA, transB };
      const r = benchKernel(backend, shape, 0.1);
      expect(r.mflop).toBeCloseTo((2 * 2 * 3 * 5 * 4) / 1e6, 12);
      expect(r.gflops).toBeCloseTo(r.mflop / r.ms, 9);
      expect(calls[0]).toEqual({ batchA: 2, batchB: 2, m: 3, k: 5, n: 4, transA, transB });
      expect(allocated.size).toBe(0);
    },
  );
});

describe('timeCall', () => {
  test('timeCall warms up, then takes the given number of samples of back-to-back calls', () => {
    let calls = 0;
    const ms = timeCall(() => calls++, { warmupMs: 0, sampleMs: 0, samples: 5 });
    expect(calls).toBe(6); // one warm-up call, then one call per sample of at least 0 ms
    expect(ms).toBeGreaterThanOrEqual(0);
  });
});
