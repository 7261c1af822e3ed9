/**
 * The `js` reference of the `matmul` kernel: batched matrix products with transposes and a broadcast batch
 * of 1, every output element a float64 dot product of two contiguous rows.
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { MatmulAttrs, MatmulInputs } from '../../backend.js';

/** The definition of the `matmul` kernel (docs/backend-contract.md), run by `JsBackend.matmul`. */
export function matmulReference({ a, b, out }: MatmulInputs<Float32Array>, attrs: MatmulAttrs): void {
  const { batchA, batchB, m, k, n, transA, transB } = attrs;
  const batch = Math.max(batchA, batchB);
  // Copy op(A) as rows (M, K) and op(B)ᵀ as rows (N, K), so every output element is a dot product of two
  // contiguous rows: out[i, j] = Σ_p A[i, p] · B[p, j], accumulated in float64 (a JavaScript number).
  const aRows = new Float32Array(m * k);
  const bRows = new Float32Array(n * k);
  for (let bt = 0; bt < batch; bt++) {
    const aOff = (batchA === 1 ? 0 : bt) * m * k;
    const bOff = (batchB === 1 ? 0 : bt) * k * n;
    if (bt === 0 || batchA !== 1) {
      for (let i = 0; i < m; i++)
        for (let p = 0; p < k; p++) aRows[i * k + p] = a[aOff + (transA ? p * m + i : i * k + p)]!;
    }
    if (bt === 0 || batchB !== 1) {
      for (let j = 0; j < n; j++)
        for (let p = 0; p < k; p++) bRows[j * k + p] = b[bOff + (transB ? j * k + p : p * n + j)]!;
    }
    const oOff = bt * m * n;
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let dot = 0;
        for (let p = 0; p < k; p++) dot += aRows[ai + p]! * bRows[bj + p]!;
        out[oOff + i * n + j] = dot;
      }
    }
  }
}
