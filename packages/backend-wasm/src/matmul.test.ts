// Tests of WasmKernels.matmul against a float64 naive JavaScript reference: every layout (nn, nt, tn, tt),
// awkward shapes (1×1×1, odd tails, K = 0), the gpt-nano training shapes, batched attention, accumulate and
// broadcast strides, and the boundary errors.
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { createWasmKernels, LxmlsBackendWasmError, type WasmKernels } from './index.js';

/** Seeded uniform floats in [-1, 1) (a 32-bit LCG). */
function random(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/** C[t] = op(A[t])·op(B[t]) in float64, row-major. */
function reference(
  A: Float32Array,
  B: Float32Array,
  m: number,
  k: number,
  n: number,
  o: { transA?: boolean; transB?: boolean; batch?: number; strideA?: number; strideB?: number },
): Float64Array {
  const batch = o.batch ?? 1;
  const sa = o.strideA ?? m * k;
  const sb = o.strideB ?? k * n;
  const C = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const a = o.transA ? A[t * sa + p * m + i]! : A[t * sa + i * k + p]!;
          const b = o.transB ? B[t * sb + j * k + p]! : B[t * sb + p * n + j]!;
          s += a * b;
        }
        C[t * m * n + i * n + j] = s;
      }
  return C;
}

/** max |got − want| / max(1, max |want|). */
function relError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let err = 0;
  let mag = 1;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    mag = Math.max(mag, Math.abs(want[i]!));
  }
  expect(got.length).toBe(want.length);
  return err / mag;
}

let k: WasmKernels;
beforeAll(async () => {
  k = await createWasmKernels();
});

const LAYOUTS = [
  ['nn', {}],
  ['nt', { transB: true }],
  ['tn', { transA: true }],
  ['tt', { transA: true, transB: true }],
] as const;

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 1, 17],
  [1, 5, 3],
  [2, 3, 4],
  [3, 7, 5],
  [4, 0, 6],
  [5, 9, 16],
  [6, 4, 31],
  [7, 13, 33],
  [17, 1, 15],
  [16, 16, 16],
  [33, 65, 47],
  [64, 3, 2],
];

/** Options with one-level batch and strides (what `reference` understands). */
interface Simple {
  transA?: boolean;
  transB?: boolean;
  batch?: number;
  strideA?: number;
  strideB?: number;
  accumulate?: boolean;
}

function run(m: number, kk: number, n: number, opts: Simple = {}) {
  const batch = opts.batch ?? 1;
  const lastA = (batch - 1) * (opts.strideA ?? m * kk) + m * kk;
  const lastB = (batch - 1) * (opts.strideB ?? kk * n) + kk * n;
  const A = random(lastA, m * 7 + kk);
  const B = random(lastB, n * 13 + kk);
  const a = k.upload(A);
  const b = k.upload(B);
  const c = k.alloc(batch * m * n);
  k.f32(c, batch * m * n).fill(Number.NaN);
  k.matmul(a, b, c, m, kk, n, opts);
  const got = k.f32(c, batch * m * n).slice();
  k.free(a);
  k.free(b);
  k.free(c);
  return { got, want: reference(A, B, m, kk, n, opts) };
}

describe('matmul', () => {
  const cases = LAYOUTS.flatMap(([name, opts]) =>
    SHAPES.map(([m, kk, n]) => [name, m, kk, n, opts] as const),
  );
  test.each(cases)('matmul %s %i×%i·%i×%i matches float64', (_, m, kk, n, opts) => {
    const { got, want } = run(m, kk, n, opts);
    expect(relError(got, want)).toBeLessThanOrEqual(1e-4);
  });

  test.each([
    ['qkv', 704, 48, 144, {}],
    ['MLP up', 704, 48, 192, {}],
    ['MLP down', 704, 192, 48, {}],
    ['proj', 704, 48, 48, {}],
    ['dW = Xᵀ·dY', 48, 704, 192, { transA: true }],
    ['dW = Hᵀ·dY (MLP down)', 192, 704, 48, { transA: true }],
    ['dX = dY·Wᵀ', 704, 192, 48, { transB: true }],
    ['dX = dY·Wᵀ (qkv)', 704, 144, 48, { transB: true }],
  ] as const)('matmul gpt-nano %s %i×%i·%i×%i', (_, m, kk, n, opts) => {
    const { got, want } = run(m, kk, n, opts);
    expect(relError(got, want)).toBeLessThanOrEqual(1e-4);
  });

  test.each([
    ['att·V', 11, 11, 16, {}],
    ['Q·Kᵀ', 11, 16, 11, { transB: true }],
    ['Q·K (K pre-transposed)', 11, 16, 11, {}],
    ['dAtt = dY·Vᵀ', 11, 16, 11, { transB: true }],
    ['dV = attᵀ·dY', 11, 11, 16, { transA: true }],
    ['dQ = dAtt·K', 11, 11, 16, {}],
    ['dK = dAttᵀ·Q', 11, 11, 16, { transA: true }],
  ] as const)('matmul batched attention 192 × %s (%i×%i·%i×%i)', (_, m, kk, n, opts) => {
    const { got, want } = run(m, kk, n, { ...opts, batch: 192 });
    expect(relError(got, want)).toBeLessThanOrEqual(1e-4);
  });

  test.each([
    [1, 1, 1, 1],
    [3, 5, 7, 9],
    [4, 2, 3, 33],
  ])('matmul batch %i of %i×%i·%i×%i with odd tails', (batch, m, kk, n) => {
    for (const [, opts] of LAYOUTS) {
      const { got, want } = run(m, kk, n, { ...opts, batch });
      expect(relError(got, want)).toBeLessThanOrEqual(1e-4);
    }
  });

  test('matmul matches float64 on random shapes, layouts and batches (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        (m, kk, n, batch, transA, transB) => {
          const { got, want } = run(m, kk, n, { batch, transA, transB });
          return relError(got, want) <= 1e-4;
        },
      ),
      { numRuns: 200, seed: 42 },
    );
  });

  test.each([
    [2, 11, 3, 16],
    [3, 5, 2, 8],
    [1, 1, 1, 1],
    [2, 7, 3, 5],
  ])(
    'matmul reads attention heads in place from a (B=%i, T=%i, 3·nh=%i·hs=%i) projection',
    (B, T, nh, hs) => {
      const C = nh * hs;
      const QKV = random(B * T * 3 * C, 21); // (B, T, 3C)
      const qkv = k.upload(QKV);
      const att = k.alloc(B * nh * T * T); // (B, nh, T, T)
      const y = k.alloc(B * T * C); // (B, T, C)
      const heads = { batch: [B, nh] as [number, number], lda: 3 * C, ldb: 3 * C };
      // att = q·kᵀ with q, k read straight out of qkv.
      k.matmul(qkv, qkv + 4 * C, att, T, hs, T, {
        ...heads,
        transB: true,
        strideA: [T * 3 * C, hs],
        strideB: [T * 3 * C, hs],
      });
      // y = att·v, written into the (B, T, C) layout.
      k.matmul(att, qkv + 8 * C, y, T, T, hs, {
        batch: [B, nh],
        ldb: 3 * C,
        strideB: [T * 3 * C, hs],
        ldc: C,
        strideC: [T * C, hs],
      });
      const at = (b: number, t: number, part: number, h: number, d: number) =>
        QKV[b * T * 3 * C + t * 3 * C + part * C + h * hs + d]!;
      const wantAtt = new Float64Array(B * nh * T * T);
      const wantY = new Float64Array(B * T * C);
      const gotAtt = k.f32(att, B * nh * T * T);
      for (let b = 0; b < B; b++)
        for (let h = 0; h < nh; h++)
          for (let i = 0; i < T; i++) {
            for (let j = 0; j < T; j++) {
              let s = 0;
              for (let d = 0; d < hs; d++) s += at(b, i, 0, h, d) * at(b, j, 1, h, d);
              wantAtt[((b * nh + h) * T + i) * T + j] = s;
            }
            for (let d = 0; d < hs; d++) {
              let s = 0;
              for (let j = 0; j < T; j++) s += gotAtt[((b * nh + h) * T + i) * T + j]! * at(b, j, 2, h, d);
              wantY[(b * T + i) * C + h * hs + d] = s;
            }
          }
      expect(relError(gotAtt, wantAtt)).toBeLessThanOrEqual(1e-4);
      expect(relError(k.f32(y, B * T * C), wantY)).toBeLessThanOrEqual(1e-4);
    },
  );

  test('matmul with lda/ldb/ldc works on sub-blocks and leaves the rest of C alone', () => {
    const [m, kk, n] = [5, 6, 7];
    const A = random(m * 10, 31); // A is columns 2..8 of a 5×10 matrix
    const B = random(kk * 9, 32); // B is columns 1..8 of a 6×9 matrix
    const a = k.upload(A);
    const b = k.upload(B);
    const c = k.upload(new Float32Array(m * 12).fill(7)); // C is columns 3..10 of a 5×12 matrix
    k.matmul(a + 8, b + 4, c + 12, m, kk, n, { lda: 10, ldb: 9, ldc: 12 });
    const got = k.f32(c, m * 12);
    for (let i = 0; i < m; i++)
      for (let j = 0; j < 12; j++) {
        if (j < 3 || j >= 3 + n) {
          expect(got[i * 12 + j]).toBe(7);
          continue;
        }
        let s = 0;
        for (let p = 0; p < kk; p++) s += A[i * 10 + 2 + p]! * B[p * 9 + 1 + (j - 3)]!;
        expect(Math.abs(got[i * 12 + j]! - s)).toBeLessThanOrEqual(1e-5);
      }
  });

  test('matmul rejects an ld smaller than a row', () => {
    const a = k.alloc(100);
    expect(() => k.matmul(a, a, a, 2, 5, 3, { lda: 4 })).toThrow(
      'matmul: options.lda is smaller than a row. Expected at least 5, received 4.',
    );
  });

  test('matmul strideB 0 broadcasts one B over the batch', () => {
    const { got, want } = run(5, 6, 7, { batch: 4, strideB: 0 });
    expect(relError(got, want)).toBeLessThanOrEqual(1e-4);
  });

  test.each(LAYOUTS)('matmul %s accumulate adds into C (beta = 1)', (_, opts) => {
    const [m, kk, n] = [9, 13, 21];
    const A = random(m * kk, 3);
    const B = random(kk * n, 4);
    const C0 = random(m * n, 5);
    const a = k.upload(A);
    const b = k.upload(B);
    const c = k.upload(C0);
    k.matmul(a, b, c, m, kk, n, { ...opts, accumulate: true });
    const want = reference(A, B, m, kk, n, opts).map((v, i) => v + C0[i]!);
    expect(relError(k.f32(c, m * n), want)).toBeLessThanOrEqual(1e-4);
  });

  test('matmul with K = 0 writes zeros, and with accumulate leaves C unchanged', () => {
    const c = k.upload([1, 2, 3, 4, 5, 6]);
    const a = k.alloc(0);
    k.matmul(a, a, c, 2, 0, 3, { accumulate: true });
    expect(Array.from(k.f32(c, 6))).toEqual([1, 2, 3, 4, 5, 6]);
    k.matmul(a, a, c, 2, 0, 3);
    expect(Array.from(k.f32(c, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test('matmul with large K grows its packing scratch', () => {
    const { got, want } = run(3, 1500, 20);
    expect(relError(got, want)).toBeLessThanOrEqual(1e-4);
  });

  test('matmul rejects a B too small for its shape, naming the kernel and the shapes', () => {
    const a = k.alloc(704 * 48);
    const b = k.alloc(48 * 100);
    const c = k.alloc(704 * 144);
    expect(() => k.matmul(a, b, c, 704, 48, 144)).toThrow(
      '[@lxmls/backend-wasm] matmul: b is too small for B (48×144). Expected 6912 floats, received 4800 floats',
    );
    try {
      k.matmul(a, b, c, 704, 48, 144);
    } catch (e) {
      expect(LxmlsBackendWasmError.isInstance(e) && e.code).toBe('OUT_OF_BOUNDS');
    }
  });

  test.each([
    [-1, 'm'],
    [1.5, 'm'],
    [Number.NaN, 'm'],
  ])('matmul rejects m = %s', (m, argument) => {
    const a = k.alloc(4);
    expect(() => k.matmul(a, a, a, m, 1, 1)).toThrow(`matmul: ${argument} must be a non-negative integer`);
  });

  test('matmul rejects a pointer outside every allocation', () => {
    const a = k.alloc(4);
    expect(() => k.matmul(a, 12, a, 1, 1, 1)).toThrow('matmul: b is not inside a live allocation');
    expect(() => k.matmul(a, a + 2, a, 1, 1, 1)).toThrow('matmul: b is not a pointer');
  });
});
