// @lxmls/backend-tfjs in a real browser: headless Chromium loads @lxmls/tensor and @lxmls/backend-tfjs from
// their built dist/ as plain ES modules (an import map resolves the bare `@lxmls/tensor` and `@lxmls/base`), and TensorFlow.js
// from the script bundles of node_modules (no CDN), then runs the whole conformance suite of
// @lxmls/tensor/conformance (`runConformance`: every case of CONFORMANCE_CASES, forward values and gradients
// against the js backend computed in the same page, gradients against finite differences) on tfjs-webgl
// (SwiftShader WebGL2) and tfjs-webgpu (`--enable-unsafe-webgpu`), and checks that a further pass leaves no
// tfjs tensor behind.
import { describe, expect, test } from 'vitest';
import { chromiumForTests, REPO_ROOT, workspaceImportMap } from './browser.js';
import { browserPages } from './browser-pages.js';

const root = REPO_ROOT;
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

/** The tfjs bundles, served from the package's own node_modules. */
const TFJS = '/packages/backend-tfjs/node_modules/@tensorflow';

/** A result of `runConformance` (ConformanceResult of @lxmls/tensor/conformance). */
interface CaseResult {
  name: string;
  ok: boolean;
  skipped: boolean;
  detail: string;
}

interface PageResult {
  engine: string;
  tfBackend?: string;
  adapter?: string;
  unavailable?: string;
  /** CONFORMANCE_CASES.length. */
  cases: number;
  /** Cases with `grad: false` (their two gradient checks are skipped). */
  notDifferentiable: number;
  /** The backend's `capabilities.gradients`. */
  gradients: boolean;
  results: CaseResult[];
  /** `tf.memory().numTensors` before and after a second pass of one case, and ours. */
  tfTensors: [number, number];
  ourTensors: [number, number];
  error?: string;
}

describe.skipIf(chromiumPath === undefined)('@lxmls/backend-tfjs in headless Chromium', () => {
  // tools/browser.ts's flags (docs/architecture.md "Tool versions that work here"), plus WebGPU, which needs --enable-unsafe-webgpu here.
  const pages = browserPages(root, { '/backend-tfjs.html': PAGE }, ['--enable-unsafe-webgpu'], chromiumPath!);

  const runEngine = (engine: 'webgl' | 'webgpu') =>
    pages.open<PageResult>(`/backend-tfjs.html?engine=${engine}`, 240_000);

  const expectAllPass = (result: PageResult) => {
    expect(result.error).toBeUndefined();
    expect(result.gradients).toBe(true);
    expect(result.cases).toBeGreaterThanOrEqual(72);
    // three checks per case; the capabilities skip the two gradient checks of each non-differentiable case
    expect(result.results).toHaveLength(3 * result.cases);
    const ran = result.results.filter((r) => !r.skipped);
    expect(ran).toHaveLength(3 * result.cases - 2 * result.notDifferentiable);
    expect(ran.filter((r) => r.name.endsWith(': gradients match finite differences'))).toHaveLength(
      result.cases - result.notDifferentiable,
    );
    // every failing check with its name and detail
    expect(result.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
    expect(result.tfTensors[1], 'tf.memory().numTensors after a second pass').toBe(result.tfTensors[0]);
    expect(result.ourTensors[1], 'memory().numTensors over the whole suite').toBe(result.ourTensors[0]);
    const foreign = pages.server.requests.filter(
      (path) =>
        !/^\/(packages\/(base|tensor|backend-tfjs)\/dist\/|packages\/backend-tfjs\/node_modules\/@tensorflow\/tfjs-(core|backend-webgl|backend-webgpu)\/dist\/[\w.-]+\.js$|backend-tfjs\.html$|favicon\.ico$)/.test(
          path,
        ),
    );
    expect(foreign).toEqual([]);
  };

  test('tfjs-webgl (SwiftShader) passes the conformance suite', async () => {
    const result = await runEngine('webgl');
    expect(result.unavailable).toBeUndefined();
    expect(result.tfBackend).toBe('webgl');
    expectAllPass(result);
  }, 300_000);

  test('tfjs-webgpu passes the conformance suite', async (context) => {
    const result = await runEngine('webgpu');
    // navigator.gpu.requestAdapter() gives SwiftShader's adapter with --enable-unsafe-webgpu on this machine
    // kind; a Chromium build without it cannot test WebGPU, and says so instead of failing.
    if (result.unavailable !== undefined) context.skip(`WebGPU unavailable here: ${result.unavailable}`);
    expect(result.tfBackend).toBe('webgpu');
    expect(result.adapter).toMatch(/vendor/);
    expectAllPass(result);
  }, 300_000);
});

/** The test page: runConformance on `?engine=`, compared in the page with the js backend. */
const PAGE = `<!doctype html>
<title>@lxmls/backend-tfjs</title>
${workspaceImportMap()}
<script src="${TFJS}/tfjs-core/dist/tf-core.min.js"></script>
<script src="${TFJS}/tfjs-backend-webgl/dist/tf-backend-webgl.min.js"></script>
<script src="${TFJS}/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js"></script>
<script type="module">
const engine = new URLSearchParams(location.search).get('engine');
const result = { engine, results: [] };
try {
  const T = await import('@lxmls/tensor');
  const C = await import('/packages/tensor/dist/testing/conformance.js');
  const { createTfjsBackend } = await import('/packages/backend-tfjs/dist/index.js');
  if (engine === 'webgpu') {
    if (!navigator.gpu) throw Object.assign(new Error('no navigator.gpu'), { unavailable: true });
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) throw Object.assign(new Error('navigator.gpu.requestAdapter() returned null'), { unavailable: true });
    const info = adapter.info ?? {};
    result.adapter = 'vendor=' + info.vendor + ' architecture=' + info.architecture;
  }
  const backend = await createTfjsBackend({ tf: window.tf, backend: engine });
  result.tfBackend = window.tf.getBackend();
  result.gradients = backend.capabilities.gradients;
  result.cases = C.CONFORMANCE_CASES.length;
  result.notDifferentiable = C.CONFORMANCE_CASES.filter((c) => c.grad === false).length;
  // the suite's default tolerances: SwiftShader's float32 WebGL2 and WebGPU meet them
  const ours = T.memory().numTensors;
  result.results = await C.runConformance(backend);
  result.ourTensors = [ours, T.memory().numTensors];
  // the memory discipline holds on the GPU too: a second pass of a case, forward and backward, leaves no
  // tfjs tensor behind (the first pass may have created tfjs's cached constants)
  const attention = C.CONFORMANCE_CASES.filter((c) => c.name === 'scaledDotProductAttention(q, k, v, { causal: true }) (2, 2, 4, 3)');
  const before = window.tf.memory().numTensors;
  const again = await C.runConformance(backend, { cases: attention });
  result.tfTensors = [before, window.tf.memory().numTensors];
  if (again.length !== 3 || again.some((r) => !r.ok || r.skipped)) throw new Error('second pass: ' + JSON.stringify(again));
} catch (error) {
  if (error && (error.unavailable || error.code === 'BACKEND_UNAVAILABLE')) result.unavailable = String(error.message);
  else result.error = String(error && error.stack || error);
}
window.result = result;
</script>
`;
