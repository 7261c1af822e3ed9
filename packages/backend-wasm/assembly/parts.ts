// Parts of the kernels of @lxmls/backend-wasm for the backend's threads (src/threads.ts).
//
// Each `…Part(args…, part, parts)` runs part `part` of `parts` of one kernel call with the same arguments, so
// the calling thread and the worker together compute exactly what one call computes: every element with the
// same arithmetic (elementwise ranges start at multiples of 4, so the SIMD body and the scalar tail cover the
// same elements as in a whole call), and the results do not depend on the number of threads.

import { scaledSoftmax, softmaxBackwardScaled } from './attention';
import { binary4, geluBackwardFromY, geluFast } from './elementwise';
import { gemvKN, gemvNK, matmulSliced } from './matmul';
import { layerNormForward } from './norm';
import { dropoutRange } from './random';
import { colSumColumns } from './reduce';

/** Start of part `part` of `parts` over n items, rounded down to a multiple of `align` (a power of two). */
@inline
function cut(n: i32, part: i32, parts: i32, align: i32): i32 {
  return part >= parts ? n : <i32>((<i64>n * <i64>part) / <i64>parts) & ~(align - 1);
}

/**
 * Part `part` of `parts` of `matmulSliced` (matmul with K blocking; part 0 of 1 is the whole call). The split is, in order of preference:
 * the outer batch, the inner batch, the rows of C (an even number each, the micro-kernel's 2), or its
 * columns (16 each, one packed panel) when there are fewer than 64 rows per part. Part p packs into
 * `scratch + p·scratchBytes`.
 */
export function matmulPart(
  a: usize,
  b: usize,
  c: usize,
  M: i32,
  K: i32,
  N: i32,
  transA: i32,
  transB: i32,
  lda: i32,
  ldb: i32,
  ldc: i32,
  outer: i32,
  sAo: i32,
  sBo: i32,
  sCo: i32,
  inner: i32,
  sAi: i32,
  sBi: i32,
  sCi: i32,
  accumulate: i32,
  scratch: usize,
  bias: usize,
  scratchBytes: i32,
  part: i32,
  parts: i32,
): void {
  const s = scratch + <usize>part * <usize>scratchBytes;
  if (outer >= parts) {
    const o0 = (outer * part) / parts;
    const o1 = (outer * (part + 1)) / parts;
    const ao = a + ((<usize>o0 * <usize>sAo) << 2);
    const bo = b + ((<usize>o0 * <usize>sBo) << 2);
    const co = c + ((<usize>o0 * <usize>sCo) << 2);
    matmulSliced(ao, bo, co, M, K, N, transA, transB, lda, ldb, ldc, o1 - o0, sAo, sBo, sCo, inner, sAi, sBi, sCi, accumulate, s, bias);
    return;
  }
  if (inner >= parts) {
    const t0 = (inner * part) / parts;
    const t1 = (inner * (part + 1)) / parts;
    const at = a + ((<usize>t0 * <usize>sAi) << 2);
    const bt = b + ((<usize>t0 * <usize>sBi) << 2);
    const ct = c + ((<usize>t0 * <usize>sCi) << 2);
    matmulSliced(at, bt, ct, M, K, N, transA, transB, lda, ldb, ldc, outer, sAo, sBo, sCo, t1 - t0, sAi, sBi, sCi, accumulate, s, bias);
    return;
  }
  const pairs = (M + 1) >> 1;
  if (M >= 64 * parts || N < 32 * parts) {
    // rows: pairs of rows, so every part but the last runs the 2-row kernel only
    const r0 = min(((pairs * part) / parts) << 1, M);
    const r1 = min(((pairs * (part + 1)) / parts) << 1, M);
    if (r1 <= r0) return;
    const rowA: usize = transA != 0 ? 4 : <usize>lda << 2;
    const ar = a + <usize>r0 * rowA;
    const cr = c + ((<usize>r0 * <usize>ldc) << 2);
    matmulSliced(ar, b, cr, r1 - r0, K, N, transA, transB, lda, ldb, ldc, outer, sAo, sBo, sCo, inner, sAi, sBi, sCi, accumulate, s, bias);
    return;
  }
  // columns: whole 16-wide panels, the last part takes the tail
  const panels = (N + 15) >> 4;
  const j0 = min(((panels * part) / parts) << 4, N);
  const j1 = min(((panels * (part + 1)) / parts) << 4, N);
  if (j1 <= j0) return;
  const sBj: usize = transB != 0 ? <usize>ldb : 1;
  const bj = b + ((<usize>j0 * sBj) << 2);
  const cj = c + (<usize>j0 << 2);
  const biasj = bias == 0 ? 0 : bias + (<usize>j0 << 2);
  matmulSliced(a, bj, cj, M, K, j1 - j0, transA, transB, lda, ldb, ldc, outer, sAo, sBo, sCo, inner, sAi, sBi, sCi, accumulate, s, biasj);
}

/** Part `part` of `parts` of `dropout` (elements split in multiples of 4; the hash counts absolute indices). */
export function dropoutPart(x: usize, out: usize, n: i32, threshold: u32, scale: f64, seed: u32, part: i32, parts: i32): void {
  dropoutRange(x, out, cut(n, part, parts, 4), cut(n, part + 1, parts, 4), threshold, scale, seed);
}

/** Part `part` of `parts` of `geluFast` (elements split in multiples of 4). */
export function geluFastPart(x: usize, y: usize, n: i32, part: i32, parts: i32): void {
  const i0 = cut(n, part, parts, 4);
  const o = <usize>i0 << 2;
  geluFast(x + o, y + o, cut(n, part + 1, parts, 4) - i0);
}

/** Part `part` of `parts` of `geluBackwardFromY` (elements split in multiples of 4). */
export function geluBackwardFromYPart(x: usize, y: usize, dy: usize, dx: usize, n: i32, part: i32, parts: i32): void {
  const i0 = cut(n, part, parts, 4);
  const o = <usize>i0 << 2;
  geluBackwardFromY(x + o, y + o, dy + o, dx + o, cut(n, part + 1, parts, 4) - i0);
}

/**
 * Part `part` of `parts` of `scaledSoftmax`, split over the bh matrices (so the causal mask is unchanged) in
 * multiples of 4 matrices (so the SIMD exponential covers the same elements as in a whole call).
 */
export function scaledSoftmaxPart(
  s: usize,
  p: usize,
  lse: usize,
  bh: i32,
  tq: i32,
  tk: i32,
  scale: f32,
  causal: i32,
  part: i32,
  parts: i32,
): void {
  const b0 = cut(bh, part, parts, 4);
  const at = (<usize>b0 * <usize>tq * <usize>tk) << 2;
  const lseAt = lse == 0 ? 0 : lse + ((<usize>b0 * <usize>tq) << 2);
  scaledSoftmax(s + at, p + at, lseAt, cut(bh, part + 1, parts, 4) - b0, tq, tk, scale, causal);
}

/** Part `part` of `parts` of `softmaxBackwardScaled` (split over rows). */
export function softmaxBackwardScaledPart(
  p: usize,
  dp: usize,
  ds: usize,
  rows: i32,
  cols: i32,
  scale: f32,
  part: i32,
  parts: i32,
): void {
  const r0 = cut(rows, part, parts, 1);
  const at = (<usize>r0 * <usize>cols) << 2;
  softmaxBackwardScaled(p + at, dp + at, ds + at, cut(rows, part + 1, parts, 1) - r0, cols, scale);
}

/** Part `part` of `parts` of `layerNormForward` (split over rows). */
export function layerNormForwardPart(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  cols: i32,
  eps: f32,
  part: i32,
  parts: i32,
): void {
  const r0 = cut(rows, part, parts, 1);
  const at = (<usize>r0 * <usize>cols) << 2;
  const statsAt = <usize>r0 << 2;
  layerNormForward(x + at, gamma, beta, y + at, mean + statsAt, rstd + statsAt, cut(rows, part + 1, parts, 1) - r0, cols, eps);
}

/** Part `part` of `parts` of `colSum` (split over columns, in multiples of 4). */
export function colSumPart(x: usize, out: usize, rows: i32, cols: i32, accumulate: i32, part: i32, parts: i32): void {
  colSumColumns(x, out, rows, cols, cut(cols, part, parts, 4), cut(cols, part + 1, parts, 4), accumulate);
}

/**
 * Part `part` of `parts` of `binary4`, split over the outermost axis longer than one (the innermost in
 * multiples of 4 elements).
 */
export function binary4Part(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  sa0: i32,
  sa1: i32,
  sa2: i32,
  sa3: i32,
  sb0: i32,
  sb1: i32,
  sb2: i32,
  sb3: i32,
  part: i32,
  parts: i32,
): void {
  if (n0 > 1 || n1 > 1 || n2 > 1) {
    // the outermost axis longer than one, as axis 0 (the axes before it have length 1)
    const axis = n0 > 1 ? 0 : n1 > 1 ? 1 : 2;
    const n = axis == 0 ? n0 : axis == 1 ? n1 : n2;
    const sa = axis == 0 ? sa0 : axis == 1 ? sa1 : sa2;
    const sb = axis == 0 ? sb0 : axis == 1 ? sb1 : sb2;
    const inner = <usize>(axis == 0 ? n1 * n2 * n3 : axis == 1 ? n2 * n3 : n3); // output elements per index
    const i0 = cut(n, part, parts, 1);
    const len = cut(n, part + 1, parts, 1) - i0;
    const pa = a + ((<usize>i0 * <usize>sa) << 2);
    const pb = b + ((<usize>i0 * <usize>sb) << 2);
    const po = out + ((<usize>i0 * inner) << 2);
    if (axis == 0) binary4(op, pa, pb, po, len, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    else if (axis == 1) binary4(op, pa, pb, po, 1, len, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    else binary4(op, pa, pb, po, 1, 1, len, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
    return;
  }
  const j0 = cut(n3, part, parts, 4);
  const pa = a + ((<usize>j0 * <usize>sa3) << 2);
  const pb = b + ((<usize>j0 * <usize>sb3) << 2);
  binary4(op, pa, pb, out + (<usize>j0 << 2), 1, 1, 1, cut(n3, part + 1, parts, 4) - j0, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
}

/**
 * Part `part` of `parts` of `gemvNK` (y = B·a + bias with B stored N×K, one token through a Linear), split over
 * the N rows of B: each row's dot product is the same whichever part (four streams or the tail) computes it.
 */
export function gemvNKPart(a: usize, b: usize, y: usize, K: i32, N: i32, ldb: i32, bias: usize, part: i32, parts: i32): void {
  const j0 = cut(N, part, parts, 1);
  const biasAt = bias == 0 ? 0 : bias + (<usize>j0 << 2);
  gemvNK(a, b + ((<usize>j0 * <usize>ldb) << 2), y + (<usize>j0 << 2), K, cut(N, part + 1, parts, 1) - j0, ldb, biasAt);
}

/** Part `part` of `parts` of `gemvKN` (y = a·B, B stored K×N), split over columns in multiples of 4. */
export function gemvKNPart(a: usize, b: usize, y: usize, K: i32, N: i32, ldb: i32, part: i32, parts: i32): void {
  const j0 = cut(N, part, parts, 4);
  const o = <usize>j0 << 2;
  gemvKN(a, b + o, y + o, K, cut(N, part + 1, parts, 4) - j0, ldb);
}
