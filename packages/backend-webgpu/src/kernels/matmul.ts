/**
 * The tiled matmul WGSL kernel: batched `out[b] = op(A[b]) @ op(B[b])` with either operand transposed, a
 * batch of 1 broadcast, and an optional fused bias epilogue (the optional `linear` kernel,
 * `x · weightᵀ + bias`), with GELU (`linearGelu`) or a residual added (`linearResidual`).
 *
 * Follows the classic shared-memory tiling (as tfjs-backend-webgpu's `matmul_packed` and the CUDA SGEMM
 * tutorials): a workgroup of 16×16 threads computes a 64×64 tile of the output, each thread a 4×4 block
 * (rows `tr + 16·i`, columns `tc + 16·j`), stepping through K in slices of 16 staged in workgroup memory. The
 * `simple` variant (one thread per output, no workgroup memory) is for CPU implementations of WebGPU.
 */

import type {
  LinearAttrs,
  LinearBackwardInputs,
  LinearGeluInputs,
  LinearInputs,
  LinearResidualInputs,
  MatmulAttrs,
  MatmulInputs,
} from '@lxmls/tensor';
import type { GpuStorage, Operand, Runtime } from '../runtime.js';
import { GELU_C, MATH } from './elementwise.js';

const TILE = 64;
const BK = 16;

const DECLS = /* wgsl */ `
var<workgroup> As: array<f32, ${TILE * BK}>; // [k][m]
var<workgroup> Bs: array<f32, ${TILE * BK}>; // [k][n]
`;

/**
 * One matmul of a kernel: the operand names, where its parameters start (words `p` … `p + 10`: M, K, N,
 * transA, transB, A's and B's batch strides, tilesN, tilesM, batch, and Nb, B's real column count), and how a
 * value is stored. With `ones`, B has one more column than it holds (N = Nb + 1), all ones, so column Nb of
 * the product is the row sums of op(A), stored by `storeOnes` (the bias gradient beside the weight's).
 */
interface Job {
  a: string;
  b: string;
  p: number;
  /** WGSL storing `v` at (`row`, `col`), `oBase` the batch's first element, for col < Nb. */
  store: string;
  /** WGSL storing the ones column's `v` for `row`, when B gets one. */
  storeOnes?: string;
  /** An operand holding GELU's derivative at the pre-activation: A is read as `A · it` (after `linearGelu`). */
  geluA?: string;
}

/** WGSL of `A[i]`, times GELU's derivative at the pre-activation (saved by the forward) when the job has one. */
function loadA(job: Job, i: string): string {
  return job.geluA === undefined ? `$${job.a}[${i}]` : `($${job.a}[${i}] * $${job.geluA}[${i}])`;
}

/** WGSL of NewGELU and its derivative (the elementwise kernels' formulas, √(2/π) as a literal). */
const GELU = /* wgsl */ `
fn geluF(v: f32) -> f32 { return 0.5 * v * (1.0 + tanh_(${GELU_C} * (v + 0.044715 * v * v * v))); }
fn geluGrad(v: f32) -> f32 {
  let t = tanh_(${GELU_C} * (v + 0.044715 * v * v * v));
  let du = ${GELU_C} * (1.0 + 3.0 * 0.044715 * v * v);
  return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du;
}
`;

/** The epilogue of a job: store, or the ones column's store. */
function epilogue(job: Job): string {
  return job.storeOnes === undefined
    ? job.store
    : `if (col == Nb) { ${job.storeOnes} } else { ${job.store} }`;
}

/** The tiled job for workgroup `jw` (a 64×64 output tile, 4×4 per thread; K in slices of 16). */
function tiledJob(job: Job, jw: string): string {
  const w = (i: number) => `pu(${job.p + i}u)`;
  return /* wgsl */ `
  let M = ${w(0)}; let K = ${w(1)}; let N = ${w(2)};
  let transA = ${w(3)}; let transB = ${w(4)};
  let tilesN = ${w(7)}; let tilesM = ${w(8)}; let Nb = ${w(10)};
  let perBatch = tilesM * tilesN;
  let batch = ${jw} / perBatch;
  if (batch >= ${w(9)}) { return; }
  let rem = ${jw} % perBatch;
  let m0 = (rem / tilesN) * ${TILE}u;
  let n0 = (rem % tilesN) * ${TILE}u;
  let aBase = batch * ${w(5)};
  let bBase = batch * ${w(6)};
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
        if (transA == 0u) { av = ${loadA(job, 'aBase + gm * K + gk')}; } else { av = ${loadA(job, 'aBase + gk * M + gm')}; }
      }
      As[ak * ${TILE}u + am] = av;
      // B tile (16 × 64), stored [k][n]
      var bk: u32; var bn: u32;
      if (transB == 0u) { bk = e / ${TILE}u; bn = e % ${TILE}u; } else { bn = e / ${BK}u; bk = e % ${BK}u; }
      let gn = n0 + bn; let gk2 = k0 + bk;
      var bv = 0.0;
      if (gn < N && gk2 < K) {
        if (gn == Nb) { bv = 1.0; }
        else if (transB == 0u) { bv = $${job.b}[bBase + gk2 * Nb + gn]; } else { bv = $${job.b}[bBase + gn * K + gk2]; }
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
  let oBase = batch * M * Nb;
  for (var i = 0u; i < 4u; i++) {
    let row = m0 + tr + 16u * i;
    if (row >= M) { continue; }
    for (var j = 0u; j < 4u; j++) {
      let col = n0 + tc + 16u * j;
      if (col >= N) { continue; }
      let v = acc[i * 4u + j];
      ${epilogue(job)}
    }
  }`;
}

/** The simple job for thread `t` (one output element, no workgroup memory). */
function simpleJob(job: Job, t: string): string {
  const w = (i: number) => `pu(${job.p + i}u)`;
  return /* wgsl */ `
  let M = ${w(0)}; let K = ${w(1)}; let N = ${w(2)}; let Nb = ${w(10)};
  if (${t} >= ${w(9)} * M * N) { return; }
  let batch = ${t} / (M * N);
  let rem = ${t} % (M * N);
  let row = rem / N; let col = rem % N;
  let aBase = batch * ${w(5)};
  let bBase = batch * ${w(6)};
  let oBase = batch * M * Nb;
  var ai: u32; var as_: u32; var bi: u32; var bs: u32;
  if (${w(3)} == 0u) { ai = aBase + row * K; as_ = 1u; } else { ai = aBase + row; as_ = M; }
  if (${w(4)} == 0u) { bi = bBase + col; bs = Nb; } else { bi = bBase + col * K; bs = 1u; }
  var v = 0.0;
  if (col == Nb) {
    for (var k = 0u; k < K; k++) { v += ${loadA(job, 'ai + k * as_')}; }
  } else {
    for (var k = 0u; k < K; k++) { v = fma(${loadA(job, 'ai + k * as_')}, $${job.b}[bi + k * bs], v); }
  }
  ${epilogue(job)}`;
}

/** A matmul's parameter words (see {@link Job}) and its workgroups (tiled) or threads (simple). */
function words(attrs: MatmulAttrs, ones: boolean): { params: number[]; tiles: number; threads: number } {
  const { batchA, batchB, m, k, n: nb, transA, transB } = attrs;
  const batch = Math.max(batchA, batchB);
  const n = ones ? nb + 1 : nb;
  const tilesM = Math.ceil(m / TILE);
  const tilesN = Math.ceil(n / TILE);
  const params = [
    m,
    k,
    n,
    transA ? 1 : 0,
    transB ? 1 : 0,
    batchA === 1 ? 0 : m * k,
    batchB === 1 ? 0 : k * nb,
    tilesN,
    tilesM,
    batch,
    nb,
  ];
  return { params, tiles: batch * tilesM * tilesN, threads: batch * m * n };
}

/** Threads per workgroup of the simple variant. */
const SIMPLE_WG = 64;

/**
 * One dispatch running `jobs` one after the other over the workgroups (tiled) or threads (simple): job `j`
 * gets the range after job `j − 1`'s. Parameter words: the jobs' (11 each, from word 0), then their ranges.
 */
function dispatchJobs(
  rt: Runtime,
  key: string,
  jobs: { job: Job; attrs: MatmulAttrs; ones: boolean }[],
  operands: Operand[],
  gelu = false,
): void {
  const decls = gelu ? MATH + GELU : '';
  const all = jobs.map((j) => words(j.attrs, j.ones));
  const params = all.flatMap((w) => w.params);
  const sizes = all.map((w) => (rt.simple ? w.threads : w.tiles));
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0) return;
  // job j covers [start_j, start_j + sizes_j) of the index: `wid` (tiled) or `gid` (simple)
  const index = rt.simple ? 'gid' : 'wid';
  let start = 0;
  const parts = jobs.map(({ job }, j) => {
    const from = start;
    start += sizes[j]!;
    const code = rt.simple ? simpleJob(job, 'jt') : tiledJob(job, 'jt');
    const last = j === jobs.length - 1;
    return `${last ? '' : `if (${index} < pu(${params.length + j}u)) `}{
  let jt = ${index} - ${from === 0 ? '0u' : `pu(${params.length + jobs.length + j}u)`};${code}
  }`;
  });
  const bounds = sizes.map((_, j) => sizes.slice(0, j + 1).reduce((a, b) => a + b, 0));
  const starts = sizes.map((_, j) => sizes.slice(0, j).reduce((a, b) => a + b, 0));
  rt.dispatch(
    `${key}${rt.simple ? '-simple' : ''}`,
    rt.simple
      ? { wg: SIMPLE_WG, decls, body: parts.join(' else ') }
      : { wg: 256, decls: DECLS + decls, body: parts.join(' else ') },
    operands,
    [...params, ...bounds, ...starts],
    rt.simple ? Math.ceil(total / SIMPLE_WG) : total,
  );
}

function run(
  rt: Runtime,
  a: GpuStorage,
  b: GpuStorage,
  bias: GpuStorage | null,
  out: GpuStorage,
  attrs: MatmulAttrs,
  saved: GpuStorage | null = null,
  residual: GpuStorage | null = null,
): void {
  const { batchA, batchB, m, k, n } = attrs;
  const batch = Math.max(batchA, batchB);
  if (batch * m * n === 0) return;
  if (k === 0 && bias === null && saved === null && residual === null) {
    // an empty sum: zeros
    rt.clear(out);
    return;
  }
  const operands: Operand[] = [
    { name: 'a', storage: a },
    { name: 'b', storage: b },
    { name: 'out', storage: out, write: true },
  ];
  if (bias !== null) operands.push({ name: 'bias', storage: bias });
  if (saved !== null) operands.push({ name: 'saved', storage: saved, write: true });
  if (residual !== null) operands.push({ name: 'residual', storage: residual });
  const h = `v${bias === null ? '' : ' + $bias[col]'}`;
  const at = 'oBase + row * Nb + col';
  // with GELU: its derivative at h saved for the backward (which then only multiplies), GELU(h) the output;
  // with a residual: residual + h
  const store =
    saved !== null
      ? `let h = ${h}; $saved[${at}] = geluGrad(h); $out[${at}] = geluF(h);`
      : residual !== null
        ? `$out[${at}] = $residual[${at}] + (${h});`
        : `$out[${at}] = ${h};`;
  const key = `matmul${bias === null ? '' : '-bias'}${saved === null ? '' : '-gelu'}${residual === null ? '' : '-res'}`;
  dispatchJobs(
    rt,
    key,
    [{ job: { a: 'a', b: 'b', p: 0, store }, attrs, ones: false }],
    operands,
    saved !== null,
  );
}

/** Batched `out = op(a) @ op(b)`. */
export function matmul(rt: Runtime, { a, b, out }: MatmulInputs<GpuStorage>, attrs: MatmulAttrs): void {
  run(rt, a, b, null, out, attrs);
}

/** A linear's sizes as the matmul `x · weightᵀ`: `(rows, inFeatures) @ (outFeatures, inFeatures)ᵀ`. */
function linearMatmul({ rows, inFeatures, outFeatures }: LinearAttrs): MatmulAttrs {
  return { batchA: 1, batchB: 1, m: rows, k: inFeatures, n: outFeatures, transA: false, transB: true };
}

/** `out = x · weightᵀ + bias` (PyTorch's `nn.Linear`), the bias added in the matmul's epilogue. */
export function linear(
  rt: Runtime,
  { x, weight, bias, out }: LinearInputs<GpuStorage>,
  attrs: LinearAttrs,
): void {
  run(rt, x, weight, bias, out, linearMatmul(attrs));
}

/** `out = gelu(h)`, `h = x · weightᵀ + bias`, and `saved = gelu'(h)`: GELU in the matmul's epilogue. */
export function linearGelu(
  rt: Runtime,
  { x, weight, bias, saved, out }: LinearGeluInputs<GpuStorage>,
  attrs: LinearAttrs,
): void {
  run(rt, x, weight, bias, out, linearMatmul(attrs), saved);
}

/** `out = residual + (x · weightᵀ + bias)`: the block's residual connection in the matmul's epilogue. */
export function linearResidual(
  rt: Runtime,
  { x, weight, bias, residual, out }: LinearResidualInputs<GpuStorage>,
  attrs: LinearAttrs,
): void {
  run(rt, x, weight, bias, out, linearMatmul(attrs), null, residual);
}

/**
 * The backward of `linear` in one dispatch: `dx = dy · weight` and `[dweight | dbias] = dyᵀ · [x | 1]` (the
 * bias gradient is the ones column of the weight gradient's matmul), each job skipped when its output is null.
 */
export function linearBackward(
  rt: Runtime,
  { dy, x, weight, dx, dweight, dbias, saved = null }: LinearBackwardInputs<GpuStorage>,
  { rows, inFeatures, outFeatures }: LinearAttrs,
): void {
  const jobs: { job: Job; attrs: MatmulAttrs; ones: boolean }[] = [];
  const operands: Operand[] = [{ name: 'dy', storage: dy }];
  // after linearGelu, dy is read as dy · gelu'(h), the derivative the forward saved
  const geluA = saved === null ? {} : { geluA: 'saved' };
  if (saved !== null) operands.push({ name: 'saved', storage: saved });
  const one = { batchA: 1, batchB: 1, transB: false };
  let p = 0;
  if (dx !== null) {
    operands.push({ name: 'weight', storage: weight }, { name: 'dx', storage: dx, write: true });
    const attrs = { ...one, m: rows, k: outFeatures, n: inFeatures, transA: false };
    jobs.push({
      job: { a: 'dy', b: 'weight', p, store: '$dx[oBase + row * Nb + col] = v;', ...geluA },
      attrs,
      ones: false,
    });
    p += 11;
  }
  if (dweight !== null || dbias !== null) {
    operands.push({ name: 'x', storage: x });
    if (dweight !== null) operands.push({ name: 'dweight', storage: dweight, write: true });
    if (dbias !== null) operands.push({ name: 'dbias', storage: dbias, write: true });
    // without dweight the weight's columns are skipped: a matmul of 0 real columns plus the ones column
    const attrs = { ...one, m: outFeatures, k: rows, n: dweight === null ? 0 : inFeatures, transA: true };
    const job: Job = {
      a: 'dy',
      b: 'x',
      p,
      ...geluA,
      store: dweight === null ? '' : '$dweight[oBase + row * Nb + col] = v;',
      ...(dbias === null ? {} : { storeOnes: '$dbias[row] = v;' }),
    };
    jobs.push({ job, attrs, ones: dbias !== null });
  }
  if (rows === 0) {
    // empty sums: zeros
    for (const s of [dweight, dbias]) if (s !== null) rt.clear(s);
    return;
  }
  const key = `linearBackward-${dx !== null}-${dweight !== null}-${dbias !== null}${saved === null ? '' : '-gelu'}`;
  dispatchJobs(rt, key, jobs, operands);
}
