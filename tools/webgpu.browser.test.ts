// @lxmls/backend-webgpu in a real browser: headless Chromium (`--enable-unsafe-webgpu`, SwiftShader's WebGPU
// adapter on a machine without a GPU) loads @lxmls/tensor and @lxmls/backend-webgpu from their built dist/ as
// plain ES modules (the workspace import map), then runs the whole conformance suite of
// @lxmls/tensor/conformance (`runConformance`: forward values and gradients against the js backend in the
// same page, gradients against finite differences) twice: on the backend with its fused WGSL kernels, and on
// its 17 core kernels alone (`fused: false`, every optional kernel composed by the ops), each with the tiled
// kernels (for GPUs) and the simple ones (barrier-free, chosen on SwiftShader). Also checks the
// reads (asynchronous only: a synchronous read of GPU memory throws), the counters, that no tensor is left
// behind, and the `clipNorm` kernel against float64 (one dispatch, or two above 2²⁰ elements).
import type { ConformanceResult } from '@lxmls/tensor/conformance';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, REPO_ROOT, workspaceImportMap } from './browser.js';
import { browserPages } from './browser-pages.js';

const root = REPO_ROOT;
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

interface PageResult {
  fused: boolean;
  adapter?: string;
  unavailable?: string;
  cases: number;
  notDifferentiable: number;
  results: ConformanceResult[];
  ourTensors: [number, number];
  /** Asynchronous reads give what was written; a synchronous one throws `UNSUPPORTED` (ids from the host excepted). */
  syncRead?: boolean;
  /** The error codes of a gather with ids out of range: written from the host, computed on the GPU; then a read. */
  badIds?: [string, string, number];
  /** clipNorm against float64, per size: elements, dispatches, whether it matches, whether it clipped. */
  clip?: [number, number, boolean, boolean][];
  counters?: { dispatches: number; submits: number; encoders: number; reads: number };
  error?: string;
}

describe.skipIf(chromiumPath === undefined)('@lxmls/backend-webgpu in headless Chromium', () => {
  const pages = browserPages(root, { '/webgpu.html': PAGE }, ['--enable-unsafe-webgpu'], chromiumPath!);
  const run = (fused: boolean, kernels: string) =>
    pages.open<PageResult>(`/webgpu.html?fused=${fused}&kernels=${kernels}`, 280_000);

  const expectAllPass = (result: PageResult) => {
    expect(result.error).toBeUndefined();
    expect(result.cases).toBeGreaterThanOrEqual(72);
    expect(result.results).toHaveLength(3 * result.cases);
    const ran = result.results.filter((r) => !r.skipped);
    expect(ran).toHaveLength(3 * result.cases - 2 * result.notDifferentiable);
    expect(result.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
    expect(result.ourTensors[1], 'memory().numTensors over the whole suite').toBe(result.ourTensors[0]);
    expect(result.syncRead).toBe(true);
    expect(result.badIds).toEqual(['INVALID_ARGUMENT', 'INVALID_ARGUMENT', 6]);
    const foreign = pages.server.requests.filter(
      (path) => !/^\/(packages\/(base|tensor|backend-webgpu)\/dist\/|webgpu\.html$|favicon\.ico$)/.test(path),
    );
    expect(foreign).toEqual([]);
  };

  test.for([
    [true, 'simple'],
    [true, 'tiled'],
    [false, 'simple'],
    [false, 'tiled'],
  ] as const)(
    'webgpu (fused kernels: %s, %s kernels) passes the conformance suite',
    { timeout: 300_000 },
    async ([fused, kernels], context) => {
      const result = await run(fused, kernels);
      // SwiftShader gives an adapter with --enable-unsafe-webgpu on this machine kind; a Chromium build without
      // WebGPU cannot test it, and says so instead of failing (CI's Chromium has it).
      if (result.unavailable !== undefined) context.skip(`WebGPU unavailable here: ${result.unavailable}`);
      expect(result.adapter).toBeTruthy();
      expectAllPass(result);
      // clipNorm (fused only): [elements, dispatches, matches float64, clipped]
      if (fused)
        expect(result.clip).toEqual([
          [1000, 1, true, true],
          [(1 << 20) + 4097, 2, true, true],
        ]);
      expect(result.counters!.dispatches).toBeGreaterThan(0);
      expect(result.counters!.submits).toBeGreaterThan(0);
    },
  );
});

/** The test page: runConformance on `webgpu`, compared in the page with the js backend. */
const PAGE = `<!doctype html>
<title>@lxmls/backend-webgpu</title>
${workspaceImportMap()}
<script type="module">
const query = new URLSearchParams(location.search);
const fused = query.get('fused') === 'true';
const result = { fused, results: [] };
try {
  const T = await import('@lxmls/tensor');
  const C = await import('/packages/tensor/dist/testing/conformance.js');
  const W = await import('@lxmls/backend-webgpu');
  const reason = await W.webgpuUnavailableReason();
  if (reason !== null) throw Object.assign(new Error(reason), { unavailable: true });
  const backend = await W.createWebGpuBackend({ fused, kernels: query.get('kernels') });
  result.adapter = backend.adapterName;
  result.cases = C.CONFORMANCE_CASES.length;
  result.notDifferentiable = C.CONFORMANCE_CASES.filter((c) => c.grad === false).length;
  const ours = T.memory().numTensors;
  result.results = await C.runConformance(backend);
  result.ourTensors = [ours, T.memory().numTensors];
  // an asynchronous read larger than one workgroup grid row, float32 and int32; a synchronous read of GPU
  // memory throws (WebGPU has none), of ids written from the host it gives the host copy
  const n = 70001;
  const f = new Float32Array(n).map((_, i) => Math.sin(i) * 1e3 - 1 / (i + 1));
  const s = backend.alloc(n, 'float32');
  backend.write(s, f);
  const g = backend.alloc(n, 'float32');
  backend.unary({ x: s, out: g }, { op: 'neg', size: n });
  const back = await backend.readAsync(g);
  const ints = backend.alloc(5, 'int32');
  backend.cast({ x: s, out: ints }, { size: 5, to: 'int32' });
  const intsBack = await backend.readAsync(ints);
  let syncCode = '';
  try { backend.read(g); } catch (e) { syncCode = e.code; }
  const ids = backend.alloc(3, 'int32');
  backend.write(ids, new Int32Array([4, 5, 6]));
  result.syncRead = back.every((v, i) => v === -f[i]) && intsBack.every((v, i) => v === Math.trunc(f[i]))
    && syncCode === 'UNSUPPORTED' && backend.read(ids).join() === '4,5,6';
  for (const x of [s, g, ints, ids]) backend.free(x);
  // ids out of range: written from the host, gather throws at once (as js); computed on the GPU, the kernel
  // raises a flag that the next read reports, once
  const table = backend.alloc(6, 'float32');
  const hostIds = backend.alloc(2, 'int32');
  backend.write(hostIds, new Int32Array([1, 5]));
  const out = backend.alloc(6, 'float32');
  let hostCode = '';
  try { backend.gather({ table, ids: hostIds, out }, { numIds: 2, numRows: 2, dim: 3 }); } catch (e) { hostCode = e.code; }
  const fids = backend.alloc(2, 'float32');
  backend.write(fids, new Float32Array([1, 7]));
  const gpuIds = backend.alloc(2, 'int32');
  backend.cast({ x: fids, out: gpuIds }, { size: 2, to: 'int32' });
  backend.gather({ table, ids: gpuIds, out }, { numIds: 2, numRows: 2, dim: 3 });
  let flagCode = '';
  try { await backend.readAsync(out); } catch (e) { flagCode = e.code; }
  const again = await backend.readAsync(out);
  result.badIds = [hostCode, flagCode, again.length];
  for (const x of [table, hostIds, out, fids, gpuIds]) backend.free(x);
  // clipNorm against float64 on the host: one dispatch up to 2^20 elements, two above (partial sums)
  if (backend.clipNorm) {
    result.clip = [];
    for (const m of [1000, (1 << 20) + 4097]) {
      const v = new Float32Array(m).map((_, i) => Math.sin(i) * (m > 1000 ? 1e-2 : 1e-1));
      const xs = backend.alloc(m, 'float32');
      backend.write(xs, v);
      const ys = backend.alloc(m, 'float32');
      const ns = backend.alloc(1, 'float32');
      const before = backend.counters().dispatches;
      backend.clipNorm({ x: xs, out: ys, norm: ns }, { size: m, maxNorm: 1 });
      const dispatches = backend.counters().dispatches - before;
      const [y, [norm]] = [await backend.readAsync(ys), await backend.readAsync(ns)];
      const exact = Math.sqrt(v.reduce((a, x) => a + x * x, 0));
      const coef = Math.min(1, 1 / (exact + 1e-6));
      const ok = Math.abs(norm - exact) <= 1e-5 * exact && y.every((yi, i) => Math.abs(yi - v[i] * coef) <= 1e-5 * Math.abs(v[i] * coef) + 1e-12);
      result.clip.push([m, dispatches, ok, exact > 1]);
      for (const t of [xs, ys, ns]) backend.free(t);
    }
  }
  result.counters = backend.counters();
} catch (error) {
  if (error && (error.unavailable || error.code === 'BACKEND_UNAVAILABLE')) result.unavailable = String(error.message);
  else result.error = String(error && error.stack || error);
}
window.result = result;
</script>
`;
