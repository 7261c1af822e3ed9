/**
 * The tiled matmul WGSL kernel: batched `out[b] = op(A[b]) @ op(B[b])` with either operand transposed, a
 * batch of 1 broadcast, and an optional fused bias epilogue (the optional `linear` kernel,
 * `x · weightᵀ + bias`).
 *
 * Follows the classic shared-memory tiling (as tfjs-backend-webgpu's `matmul_packed` and the CUDA SGEMM
 * tutorials): a workgroup of 16×16 threads computes a 64×64 tile of the output, each thread a 4×4 block
 * (rows `tr + 16·i`, columns `tc + 16·j`), stepping through K in slices of 16 staged in workgroup memory. The
 * `simple` variant (one thread per output, no workgroup memory) is for CPU implementations of WebGPU.
 */

import type { LinearAttrs, LinearInputs, MatmulAttrs, MatmulInputs } from '@lxmls/tensor';
import type { GpuStorage, Runtime } from '../runtime.js';

const TILE = 64;
const BK = 16;

const DECLS = /* wgsl */ `
var<workgroup> As: array<f32, ${TILE * BK}>; // [k][m]
var<workgroup> Bs: array<f32, ${TILE * BK}>; // [k][n]
`;

/** `bias`: the kernel adds `$bias[col]` to every row (the `linear` epilogue). */
function body(bias: boolean): string {
  return /* wgsl */ `
  let M = pu(0u); let K = pu(1u); let N = pu(2u);
  let transA = pu(3u); let transB = pu(4u);
  let tilesN = pu(7u); let tilesM = pu(8u);
  let perBatch = tilesM * tilesN;
  let batch = wid / perBatch;
  if (batch >= pu(9u)) { return; }
  let rem = wid % perBatch;
  let m0 = (rem / tilesN) * ${TILE}u;
  let n0 = (rem % tilesN) * ${TILE}u;
  let aBase = batch * pu(5u);
  let bBase = batch * pu(6u);
  let tr = lid / 16u;
  let tc = lid % 16u;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < K; k0 += ${BK}u) {
    for (var r = 0u; r < 4u; r++) {
      let e = lid + 256u * r;
      // A tile (64 × 16), stored [k][m]
      var am: u32; var ak: u32;
      if (transA == 0u) { am = e / ${BK}u; ak = e % ${BK}u; } else { am = e % ${TILE}u; ak = e / ${TILE}u; }
      let gm = m0 + am; let gk = k0 + ak;
      var av = 0.0;
      if (gm < M && gk < K) {
        if (transA == 0u) { av = $a[aBase + gm * K + gk]; } else { av = $a[aBase + gk * M + gm]; }
      }
      As[ak * ${TILE}u + am] = av;
      // B tile (16 × 64), stored [k][n]
      var bk: u32; var bn: u32;
      if (transB == 0u) { bk = e / ${TILE}u; bn = e % ${TILE}u; } else { bn = e / ${BK}u; bk = e % ${BK}u; }
      let gn = n0 + bn; let gk2 = k0 + bk;
      var bv = 0.0;
      if (gn < N && gk2 < K) {
        if (transB == 0u) { bv = $b[bBase + gk2 * N + gn]; } else { bv = $b[bBase + gn * K + gk2]; }
      }
      Bs[bk * ${TILE}u + bn] = bv;
    }
    workgroupBarrier();
    for (var k = 0u; k < ${BK}u; k++) {
      var ar: array<f32, 4>;
      var br: array<f32, 4>;
      for (var i = 0u; i < 4u; i++) {
        ar[i] = As[k * ${TILE}u + tr + 16u * i];
        br[i] = Bs[k * ${TILE}u + tc + 16u * i];
      }
      for (var i = 0u; i < 4u; i++) {
        for (var j = 0u; j < 4u; j++) {
          acc[i * 4u + j] = fma(ar[i], br[j], acc[i * 4u + j]);
        }
      }
    }
    workgroupBarrier();
  }
  let oBase = batch * M * N;
  for (var i = 0u; i < 4u; i++) {
    let row = m0 + tr + 16u * i;
    if (row >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = n0 + tc + 16u * j;
      if (col >= N) { continue; }
      ${bias ? '$out[oBase + row * N + col] = acc[i * 4u + j] + $bias[col];' : '$out[oBase + row * N + col] = acc[i * 4u + j];'}
    }
  }`;
}

/** One thread per output element, no workgroup memory (the `simple` variant). */
function simpleBody(bias: boolean): string {
  return /* wgsl */ `
  let M = pu(0u); let K = pu(1u); let N = pu(2u);
  let total = pu(9u) * M * N;
  if (gid >= total) { return; }
  let batch = gid / (M * N);
  let rem = gid % (M * N);
  let row = rem / N; let col = rem % N;
  let aBase = batch * pu(5u);
  let bBase = batch * pu(6u);
  var ai: u32; var as_: u32; var bi: u32; var bs: u32;
  if (pu(3u) == 0u) { ai = aBase + row * K; as_ = 1u; } else { ai = aBase + row; as_ = M; }
  if (pu(4u) == 0u) { bi = bBase + col; bs = N; } else { bi = bBase + col * K; bs = 1u; }
  var acc = 0.0;
  for (var k = 0u; k < K; k++) { acc = fma($a[ai + k * as_], $b[bi + k * bs], acc); }
  ${bias ? '$out[gid] = acc + $bias[col];' : '$out[gid] = acc;'}`;
}

function run(
  rt: Runtime,
  a: GpuStorage,
  b: GpuStorage,
  bias: GpuStorage | null,
  out: GpuStorage,
  attrs: MatmulAttrs,
): void {
  const { batchA, batchB, m, k, n, transA, transB } = attrs;
  const batch = Math.max(batchA, batchB);
  if (batch * m * n === 0) return;
  if (k === 0) {
    // an empty sum: zeros (plus the bias)
    if (bias === null) {
      rt.dispatch(
        'fill0',
        { wg: 256, body: 'if (gid < pu(0u)) { $out[gid] = 0.0; }' },
        [{ name: 'out', storage: out, write: true }],
        [out.size],
        Math.ceil(out.size / 256),
      );
      return;
    }
  }
  const tilesM = Math.ceil(m / TILE);
  const tilesN = Math.ceil(n / TILE);
  const operands = [
    { name: 'a', storage: a },
    { name: 'b', storage: b },
    { name: 'out', storage: out, write: true },
  ];
  if (bias !== null) operands.push({ name: 'bias', storage: bias });
  if (rt.simple) {
    rt.dispatch(
      bias === null ? 'matmul-simple' : 'matmul-simple-bias',
      { wg: 64, body: simpleBody(bias !== null) },
      operands,
      [
        m,
        k,
        n,
        transA ? 1 : 0,
        transB ? 1 : 0,
        batchA === 1 ? 0 : m * k,
        batchB === 1 ? 0 : k * n,
        0,
        0,
        batch,
      ],
      Math.ceil((batch * m * n) / 64),
    );
    return;
  }
  rt.dispatch(
    bias === null ? 'matmul' : 'matmul-bias',
    { wg: 256, decls: DECLS, body: body(bias !== null) },
    operands,
    [
      m,
      k,
      n,
      transA ? 1 : 0,
      transB ? 1 : 0,
      batchA === 1 ? 0 : m * k,
      batchB === 1 ? 0 : k * n,
      tilesN,
      tilesM,
      batch,
    ],
    batch * tilesM * tilesN,
  );
}

/** Batched `out = op(a) @ op(b)`. */
export function matmul(rt: Runtime, { a, b, out }: MatmulInputs<GpuStorage>, attrs: MatmulAttrs): void {
  run(rt, a, b, null, out, attrs);
}

/** `out = x · weightᵀ + bias` (PyTorch's `nn.Linear`), the bias added in the matmul's epilogue. */
export function linear(
  rt: Runtime,
  { x, weight, bias, out }: LinearInputs<GpuStorage>,
  { rows, inFeatures, outFeatures }: LinearAttrs,
): void {
  run(rt, x, weight, bias, out, {
    batchA: 1,
    batchB: 1,
    m: rows,
    k: inFeatures,
    n: outFeatures,
    transA: false,
    transB: true,
  });
}
