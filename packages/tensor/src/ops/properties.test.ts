// Property tests (fast-check) of kernels through the ops: algebraic identities that must hold for any input.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { add, matmul, softmax, sum, tensor, tidy, topk, transpose } from '../index.js';
import { expectClose } from '../testing/index.js';

const matrix = (rows: number, cols: number) =>
  fc.array(fc.float({ min: -10, max: 10, noNaN: true, noDefaultInfinity: true }), {
    minLength: rows * cols,
    maxLength: rows * cols,
  });

describe('kernel properties', () => {
  test('matmul(a, b, { transposeA, transposeB }) equals matmul of the transposed copies', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 4 }),
        (m, k, n) =>
          fc.assert(
            fc.property(matrix(k, m), matrix(n, k), (da, db) =>
              tidy(() => {
                const a = tensor(da, [k, m]); // stored transposed
                const b = tensor(db, [n, k]);
                const viaFlags = matmul(a, b, { transposeA: true, transposeB: true });
                const viaCopies = matmul(transpose(a), transpose(b));
                expectClose(viaFlags.data(), viaCopies.data(), 1e-4, 1e-5, 'matmul');
              }),
            ),
            { numRuns: 5 },
          ),
      ),
      { numRuns: 20 },
    );
  });

  test('softmax(x) rows are positive or zero and sum to 1, and shifting x changes nothing', () => {
    fc.assert(
      fc.property(matrix(2, 5), fc.float({ min: -50, max: 50, noNaN: true }), (data, shift) =>
        tidy(() => {
          const x = tensor(data, [2, 5]);
          const p = softmax(x);
          const rows = sum(p, -1).data();
          for (const r of rows) expect(r).toBeCloseTo(1, 5);
          expect(p.data().every((v) => v >= 0)).toBe(true);
          expectClose(softmax(add(x, shift)).data(), p.data(), 1e-5, 1e-3, 'shifted');
        }),
      ),
      { numRuns: 50 },
    );
  });

  test('add(a, b) with broadcasting is commutative', () => {
    fc.assert(
      fc.property(matrix(3, 4), matrix(1, 4), (da, db) =>
        tidy(() => {
          const a = tensor(da, [3, 4]);
          const b = tensor(db, [4]);
          expect(Array.from(add(a, b).data())).toEqual(Array.from(add(b, a).data()));
        }),
      ),
      { numRuns: 50 },
    );
  });
  test('topk(x, k) equals a stable descending sort (ties by index, NaN first) cut at k, for small and large k', () => {
    const value = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constant(Number.NaN)); // many ties
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 600 }), fc.nat(), (row, kSeed) =>
        tidy(() => {
          const k = 1 + (kSeed % row.length);
          const key = (v: number) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v);
          const order = row.map((_, j) => j).sort((i, j) => key(row[j]!) - key(row[i]!) || i - j);
          const { values, indices } = topk(tensor(row, [1, row.length]), k);
          expect(Array.from(indices.data())).toEqual(order.slice(0, k));
          expect(Array.from(values.data())).toEqual(order.slice(0, k).map((j) => row[j]));
        }),
      ),
      { seed: 7 },
    );
  });
});
