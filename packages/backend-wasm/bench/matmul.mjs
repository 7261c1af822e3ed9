// Benchmark: GFLOP/s of @lxmls/backend-wasm's matmul on the shapes of one gpt-nano training step (batch 64 ×
// 11 tokens = 704 rows, n_embd 48, 3 heads of 16), side by side with @tensorflow/tfjs-backend-wasm (XNNPACK) in
// the same run when it is installed. Method as in docs/wasm-kernels.md "Method": warm up ≥ 100 ms, then
// 21 samples of ≥ 1 ms of back-to-back calls; a round's figure is the median per-call time, and the whole
// bench runs 3 rounds (--rounds N), printing the best round per cell (the machine is a shared VM). Not a test.
//
// Usage: pnpm --filter @lxmls/backend-wasm build && node bench/matmul.mjs [--json] [--rounds N]
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { createWasmKernels } from '../dist/index.js';

const SHAPES = [
  // name, M, K, N, options (transA/transB/batch)
  ['qkv 704×48 @ 48×144', 704, 48, 144, {}],
  ['MLP up 704×48 @ 48×192', 704, 48, 192, {}],
  ['MLP down 704×192 @ 192×48', 704, 192, 48, {}],
  ['proj 704×48 @ 48×48', 704, 48, 48, {}],
  ['dW (704×48)ᵀ @ 704×192', 48, 704, 192, { transA: true }],
  ['dX 704×192 @ (48×192)ᵀ', 704, 192, 48, { transB: true }],
  ['att 192 × (11×16 @ 16×11)', 11, 16, 11, { batch: 192 }],
  ['att 192 × (11×11 @ 11×16)', 11, 11, 16, { batch: 192 }],
  ['att 192 × Q·Kᵀ (11×16 · (11×16)ᵀ)', 11, 16, 11, { batch: 192, transB: true }],
];

function time(fn) {
  const now = () => performance.now();
  let t0 = now();
  while (now() - t0 < 100) fn();
  let calls = 1;
  for (;;) {
    t0 = now();
    for (let i = 0; i < calls; i++) fn();
    if (now() - t0 >= 1) break;
    calls *= 2;
  }
  const samples = [];
  for (let s = 0; s < 21; s++) {
    t0 = now();
    for (let i = 0; i < calls; i++) fn();
    samples.push((now() - t0) / calls);
  }
  samples.sort((a, b) => a - b);
  return samples[10]; // ms per call
}

const random = (n, seed) => {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
};

async function loadTfjs() {
  try {
    const require = createRequire(import.meta.url);
    const tf = await import('@tensorflow/tfjs-core');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
    wasm.setWasmPaths(`${join(dist, '/')}`);
    await tf.setBackend('wasm');
    await tf.ready();
    const versions = `tfjs-core ${tf.version_core}, tfjs-backend-wasm ${wasm.version_wasm}`;
    return { tf, versions };
  } catch (error) {
    return { error: String(error) };
  }
}

const roundsAt = process.argv.indexOf('--rounds');
const ROUNDS = roundsAt > 0 ? Number(process.argv[roundsAt + 1]) : 3;
const k = await createWasmKernels();
const tfjs = await loadTfjs();
const best = (a, b) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
const rows = [];
for (let round = 0; round < ROUNDS; round++)
  for (const [name, M, K, N, opts] of SHAPES) {
    const batch = opts.batch ?? 1;
    const flop = 2 * M * K * N * batch;
    const A = random(batch * M * K, 1);
    const B = random(batch * K * N, 2);
    const a = k.upload(A);
    const b = k.upload(B);
    const c = k.alloc(batch * M * N);
    const ours = time(() => k.matmul(a, b, c, M, K, N, opts));
    let theirs;
    if (tfjs.tf) {
      const { tf } = tfjs;
      const sa = opts.transA ? [K, M] : [M, K];
      const sb = opts.transB ? [N, K] : [K, N];
      const ta = tf.tensor(A, batch > 1 ? [batch, ...sa] : sa);
      const tb = tf.tensor(B, batch > 1 ? [batch, ...sb] : sb);
      const flags = time(() => tf.matMul(ta, tb, opts.transA, opts.transB).dispose());
      theirs = flags;
      if (opts.transA || opts.transB) {
        // tfjs falls back to a scalar loop with transpose flags; an explicit transpose may be faster.
        const perm = batch > 1 ? [0, 2, 1] : [1, 0];
        const explicit = time(() =>
          tf
            .tidy(() =>
              tf.matMul(opts.transA ? tf.transpose(ta, perm) : ta, opts.transB ? tf.transpose(tb, perm) : tb),
            )
            .dispose(),
        );
        theirs = Math.min(flags, explicit);
      }
      ta.dispose();
      tb.dispose();
    }
    let row = rows.find((r) => r.shape === name);
    if (!row) {
      row = { shape: name, mflop: flop / 1e6 };
      rows.push(row);
    }
    row.oursMs = best(row.oursMs, ours);
    row.oursGflops = flop / row.oursMs / 1e6;
    row.tfjsMs = best(row.tfjsMs, theirs);
    row.tfjsGflops = row.tfjsMs === undefined ? undefined : flop / row.tfjsMs / 1e6;
    k.free(a);
    k.free(b);
    k.free(c);
  }

const total = (key) => rows.reduce((sum, r) => sum + (r[key] ?? Number.NaN), 0);
const machine = `${os.cpus()[0]?.model ?? 'unknown CPU'} (${os.cpus().length} cores), Node ${process.version}, ${os.platform()} ${os.arch()}`;
if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ machine, tfjs: tfjs.versions ?? tfjs.error, rows }));
} else {
  console.log(`machine: ${machine}`);
  console.log(`tfjs: ${tfjs.versions ?? `not available (${tfjs.error})`}`);
  console.log(
    `one thread; best of ${ROUNDS} rounds of a median of 21 samples; tfjs: fresh output each call, best of transpose flags / explicit transpose`,
  );
  const pad = (s, n) => String(s).padEnd(n);
  const num = (x, d = 1) => (x === undefined ? '–' : x.toFixed(d));
  console.log(
    `${pad('shape', 38)}${pad('MFLOP', 8)}${pad('ours ms', 10)}${pad('ours GFLOP/s', 14)}${pad('tfjs ms', 10)}${pad('tfjs GFLOP/s', 14)}ratio`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.shape, 38)}${pad(num(r.mflop, 2), 8)}${pad(num(r.oursMs, 4), 10)}${pad(num(r.oursGflops), 14)}${pad(num(r.tfjsMs, 4), 10)}${pad(num(r.tfjsGflops), 14)}${r.tfjsMs ? `×${(r.tfjsMs / r.oursMs).toFixed(2)}` : ''}`,
    );
  }
  console.log(
    `sum of one call of each shape: ours ${total('oursMs').toFixed(3)} ms, tfjs ${total('tfjsMs').toFixed(3)} ms`,
  );
}
