/**
 * The `wasm` backend's matmul kernels: matmul in every layout, the Linear layer with its bias folded in, and
 * the GEMV paths for one row.
 *
 * Called by the {@link WasmBackend} methods of the same names (src/backend.ts), each on the backend's
 * {@link WasmRuntime} (its memory, allocator, WebAssembly exports and threads); the WebAssembly side is
 * assembly/matmul.ts (the packed 2×16 kernel, gemvNK, gemvKN) (docs/wasm-kernels.md), with the parts of a
 * split call in assembly/parts.ts. The `js` reference of each kernel is
 * packages/tensor/src/backends/js/matmul.ts.
 */

import type { LinearAttrs, LinearInputs, MatmulAttrs, MatmulInputs } from '@lxmls/tensor';
import type { WasmRuntime, WasmStorage } from './runtime.js';
import { KC, SPLIT_MACS } from './runtime.js';

/** The `matmul` kernel of `Backend` on the wasm runtime (the method of the same name calls it). */
export function matmul(rt: WasmRuntime, { a, b, out }: MatmulInputs<WasmStorage>, attrs: MatmulAttrs): void {
  const { batchA, batchB, m, k, n, transA, transB } = attrs;
  gemm(rt, a.ptr, b.ptr, out.ptr, batchA, batchB, m, k, n, transA, transB, 0);
}

/**
 * `out = x · weightᵀ + bias` (a Linear layer, weight stored (out, in)): the matmul with the bias as the
 * start value of its sums, so the bias costs no extra pass over the output.
 */
export function linear(
  rt: WasmRuntime,
  { x, weight, bias, out }: LinearInputs<WasmStorage>,
  attrs: LinearAttrs,
): void {
  const { rows, inFeatures, outFeatures } = attrs;
  gemm(rt, x.ptr, weight.ptr, out.ptr, 1, 1, rows, inFeatures, outFeatures, false, true, bias ? bias.ptr : 0);
}

/** The matmul of {@link WasmBackend.matmul} on pointers, plus an optional bias row (0 = none). */
function gemm(
  rt: WasmRuntime,
  a: number,
  b: number,
  out: number,
  batchA: number,
  batchB: number,
  m: number,
  k: number,
  n: number,
  transA: boolean,
  transB: boolean,
  bias: number,
): void {
  const batch = Math.max(batchA, batchB);
  if (batch === 0 || m === 0 || n === 0) return;
  if (m === 1 && batch === 1 && transB) {
    // inference on one token through a Linear (weight (out, in)): one dot product per row of B, B read once
    rt.inParts('gemvNKPart', k * n, SPLIT_MACS, [a, b, out, k, n, k, bias]);
    return;
  }
  if (m === 1 && batch === 1 && bias === 0) {
    // inference on one token: y = a·B streams B once instead of packing it panel by panel
    rt.inParts('gemvKNPart', k * n, SPLIT_MACS, [a, b, out, k, n, n]);
    return;
  }
  const lda = transA ? m : k; // floats per stored row of A
  const ldb = transB ? k : n;
  rt.ensureScratch(Math.min(k, KC));
  rt.mm(
    a,
    b,
    out,
    m,
    k,
    n,
    transA ? 1 : 0,
    transB ? 1 : 0,
    lda,
    ldb,
    n, // ldc
    batch,
    batchA === 1 ? 0 : m * k, // a batch of 1 broadcasts
    batchB === 1 ? 0 : k * n,
    m * n,
    1,
    0,
    0,
    0,
    0,
    rt.scratch,
    bias, // a linear layer's bias starts the sums
  );
}
