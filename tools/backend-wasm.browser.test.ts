// @lxmls/backend-wasm's two threads in a real browser: headless Chromium loads @lxmls/tensor and
// @lxmls/backend-wasm from their built dist/ as plain ES modules (an import map resolves the bare
// `@lxmls/tensor` and `@lxmls/base`), from two local servers on 127.0.0.1 that serve the same page: one with the
// Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy headers (a cross-origin-isolated page, where the
// backend starts its worker from a Blob URL over a shared WebAssembly.Memory), one without (one thread).
// On the isolated page the worker must take parts of the calls, and every result, forward and backward, must
// equal bit for bit that of a one-thread backend in the same page; there the two-thread backend also passes
// the whole conformance suite of @lxmls/tensor/conformance (`runConformance`). Any page error, console error
// or request to another host fails the test.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CROSS_ORIGIN_ISOLATION,
  chromiumForTests,
  launchChromium,
  REPO_ROOT,
  serveStatic,
  workspaceImportMap,
} from './browser.js';

const root = REPO_ROOT;
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

/** One computation run on both backends: did the worker take parts, and the first difference if any. */
interface CaseResult {
  name: string;
  /** Runs on the two-thread backend (each compared with the one-thread result). */
  runs: number;
  /** Parts the worker took during those runs. */
  workerParts: number;
  /** Number of output and gradient arrays compared. */
  arrays: number;
  /** Number of float32 values compared. */
  values: number;
  /** '' when every bit is equal, else where the first difference is. */
  mismatch: string;
}

/** A result of `runConformance` (ConformanceResult of @lxmls/tensor/conformance). */
interface ConformanceResult {
  name: string;
  ok: boolean;
  skipped: boolean;
  detail: string;
}

/** The conformance suite on the two-thread backend (the page's `?conformance` only). */
interface ConformanceRun {
  /** The backend's thread count. */
  threads: number;
  /** CONFORMANCE_CASES.length. */
  cases: number;
  /** Cases with `grad: false` (their two gradient checks are skipped). */
  notDifferentiable: number;
  results: ConformanceResult[];
  /** `memory().numTensors` before and after the suite. */
  tensors: [number, number];
}

interface PageResult {
  crossOriginIsolated: boolean;
  sharedArrayBuffer: boolean;
  hardwareConcurrency: number;
  availableThreads: number;
  /** `createWasmBackend()` (threads 'auto'). */
  autoThreads: number;
  /** `createWasmBackend({ threads: 2 })`. */
  twoThreads: number;
  twoSharedMemory: boolean;
  /** Worker parts after the warm-up loop of big matmuls. */
  warmUpParts: number;
  /** `gelu` of a few values on the 'auto' backend (it works whatever the thread count). */
  gelu: number[];
  cases: CaseResult[];
  conformance?: ConformanceRun;
  error?: string;
  /** The blob: URLs the page started workers from (recorded by the test, not the page). */
  workerScripts: string[];
}

describe.skipIf(chromiumPath === undefined)('@lxmls/backend-wasm threads in headless Chromium', () => {
  let browser: Browser;
  let isolated: Awaited<ReturnType<typeof serveStatic>>;
  let plain: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    const pages = { '/backend-wasm.html': PAGE };
    isolated = await serveStatic(root, pages, { headers: CROSS_ORIGIN_ISOLATION });
    plain = await serveStatic(root, pages);
    browser = await launchChromium(chromiumPath!);
  });

  afterAll(async () => {
    await browser?.close();
    isolated?.server.close();
    plain?.server.close();
  });

  /** Opens the page from `server`, waits for its result, and checks that nothing went wrong on the way. */
  async function runPage(server: Awaited<ReturnType<typeof serveStatic>>, query = ''): Promise<PageResult> {
    const problems: string[] = [];
    const page: Page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
    });
    const blobs: string[] = [];
    page.on('request', (r) => {
      // a blob: URL (the backend's worker) is local; its origin is the page's
      if (r.url().startsWith('blob:')) blobs.push(r.url());
      const url = new URL(r.url().replace(/^blob:/, ''));
      if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1') problems.push(`request to ${r.url()}`);
    });
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
    });
    try {
      await page.goto(`${server.url}/backend-wasm.html${query}`);
      await page.waitForFunction(() => 'result' in window, undefined, { timeout: 120_000 });
      const result = await page.evaluate(() => (window as unknown as { result: PageResult }).result);
      expect(result.error).toBeUndefined();
      expect(problems).toEqual([]);
      const foreign = server.requests.filter(
        (path) =>
          !/^\/(packages\/(base|tensor|backend-wasm)\/dist\/[\w./-]+\.js|backend-wasm\.html)$/.test(path),
      );
      expect(foreign).toEqual([]);
      return { ...result, workerScripts: blobs };
    } finally {
      await page.close();
    }
  }

  test('a cross-origin-isolated page computes on two threads, bit for bit as on one, and passes the conformance suite', async () => {
    const result = await runPage(isolated, '?conformance');
    expect(result.crossOriginIsolated).toBe(true);
    expect(result.sharedArrayBuffer).toBe(true);
    // availableThreads() is min(2, hardwareConcurrency): 2 on any machine with two cores (CI's have two)
    const expected = result.hardwareConcurrency >= 2 ? 2 : 1;
    expect(result.availableThreads).toBe(expected);
    expect(result.autoThreads).toBe(expected);
    expect(result.twoThreads).toBe(expected);
    expect(result.twoSharedMemory).toBe(expected === 2);
    // one worker per two-thread backend that ran a split call ('auto' only ran a tiny gelu), from a Blob URL
    expect(result.workerScripts).toHaveLength(expected === 2 ? 1 : 0);
    for (const url of result.workerScripts) expect(url.startsWith(`blob:${isolated.url}/`)).toBe(true);
    expect(result.gelu.map((v) => v.toFixed(4))).toEqual(['-0.1588', '0.0000', '1.9546']);
    const names = result.cases.map((c) => c.name);
    expect(names).toEqual([
      'matmul 704×48 @ (48×48)ᵀ',
      'linear with bias (64, 11, 48) → 192',
      'gelu (64, 11, 192)',
      'dropout 0.1, seeded (64, 11, 192)',
      'layerNorm (64, 11, 48)',
      'causal selfAttention with dropout 0.1, 3 heads (64, 11, 144)',
    ]);
    for (const c of result.cases) {
      expect(c.mismatch, c.name).toBe('');
      expect(c.arrays, c.name).toBeGreaterThanOrEqual(2); // the output and at least one gradient
      expect(c.values, c.name).toBeGreaterThan(1000);
    }
    if (expected === 2) {
      expect(result.warmUpParts).toBeGreaterThan(0);
      // the worker took parts of every computation whose own kernels are split (layerNorm's are not)
      for (const c of result.cases.filter((c) => !c.name.startsWith('layerNorm')))
        expect(c.workerParts, c.name).toBeGreaterThan(0);
    }
    // the whole conformance suite on the two-thread backend: three checks per case, the two gradient checks
    // of each non-differentiable case skipped, every other check passing
    const suite = result.conformance!;
    expect(suite.threads).toBe(expected);
    expect(suite.cases).toBeGreaterThanOrEqual(72);
    expect(suite.results).toHaveLength(3 * suite.cases);
    expect(suite.results.filter((r) => !r.skipped)).toHaveLength(
      3 * suite.cases - 2 * suite.notDifferentiable,
    );
    expect(suite.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`)).toEqual([]);
    expect(suite.tensors[1], 'memory().numTensors over the suite').toBe(suite.tensors[0]);
  }, 180_000);

  test('a page without the COOP/COEP headers runs on one thread', async () => {
    const result = await runPage(plain);
    expect(result.crossOriginIsolated).toBe(false);
    expect(result.availableThreads).toBe(1);
    expect(result.autoThreads).toBe(1);
    expect(result.twoThreads).toBe(1); // threads: 2 asks for at most two
    expect(result.twoSharedMemory).toBe(false);
    expect(result.warmUpParts).toBe(0);
    expect(result.workerScripts).toEqual([]);
    expect(result.gelu.map((v) => v.toFixed(4))).toEqual(['-0.1588', '0.0000', '1.9546']);
    expect(result.cases).toHaveLength(6);
    expect(result.conformance).toBeUndefined();
    for (const c of result.cases) {
      expect(c.mismatch, c.name).toBe('');
      expect(c.workerParts, c.name).toBe(0);
    }
  }, 180_000);
});

/**
 * The test page. Inputs are fixed sin(0.37·i + seed) values; each computation runs on a one-thread and a
 * two-thread backend, with a backward pass of sum(y · w) for a fixed w, and the float32 bits of the output and
 * of every input's gradient are compared. With `?conformance`, the two-thread backend then runs the
 * conformance suite.
 */
const PAGE = `<!doctype html>
<title>@lxmls/backend-wasm threads</title>
<link rel="icon" href="data:,">
${workspaceImportMap()}
<script type="module">
const result = {};
try {
  const T = await import('@lxmls/tensor');
  const W = await import('/packages/backend-wasm/dist/index.js');
  result.crossOriginIsolated = self.crossOriginIsolated;
  result.sharedArrayBuffer = typeof SharedArrayBuffer === 'function';
  result.hardwareConcurrency = navigator.hardwareConcurrency;
  result.availableThreads = W.availableThreads();
  const auto = W.createWasmBackend();
  result.autoThreads = auto.threads;
  result.gelu = T.withBackend(auto, () => Array.from(T.gelu(T.tensor([-1, 0, 2])).data()));
  const one = W.createWasmBackend({ threads: 1 });
  // every big call shared (not adaptive): the worker surely takes parts of each case, however loaded the machine
  const two = W.createWasmBackend({ threads: 2, adaptiveThreads: false });
  result.twoThreads = two.threads;
  result.twoSharedMemory = typeof SharedArrayBuffer === 'function' && two.memory.buffer instanceof SharedArrayBuffer;

  const values = (shape, seed) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return T.tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(0.37 * i + seed)), shape);
  };
  const pause = () => new Promise((resolve) => setTimeout(resolve, 5));

  // the worker starts at the first split call: big matmuls, with short pauses, until it has taken a part
  const a = T.withBackend(two, () => values([256, 256], 1));
  for (let i = 0; i < 1000 && two.workerParts === 0 && two.threads === 2; i++) {
    T.withBackend(two, () => T.matmul(a, a).dispose());
    await pause();
  }
  a.dispose();
  result.warmUpParts = two.workerParts;

  /** fn(inputs) on backend b, forward and backward: the bits of y and of every input's gradient. */
  const run = (b, shapes, fn) =>
    T.withBackend(b, () =>
      T.tidy(() => {
        const xs = shapes.map((shape, k) => values(shape, k + 1));
        for (const x of xs) x.requiresGrad = true;
        const y = fn(xs);
        T.sum(T.mul(y, values(y.shape, 9))).backward();
        return [y, ...xs.map((x) => x.grad)].map((t) => new Uint32Array(Float32Array.from(t.data()).buffer));
      }),
    );
  const firstDifference = (got, want) => {
    if (got.length !== want.length) return got.length + ' arrays, expected ' + want.length;
    for (let k = 0; k < want.length; k++) {
      if (got[k].length !== want[k].length) return 'array ' + k + ': length ' + got[k].length + ', expected ' + want[k].length;
      for (let i = 0; i < want[k].length; i++)
        if (got[k][i] !== want[k][i]) return 'array ' + k + ' element ' + i + ': bits ' + got[k][i].toString(16) + ', expected ' + want[k][i].toString(16);
    }
    return '';
  };

  const cases = [
    ['matmul 704×48 @ (48×48)ᵀ', [[704, 48], [48, 48]], ([x, w]) => T.matmul(x, w, { transposeB: true })],
    ['linear with bias (64, 11, 48) → 192', [[64, 11, 48], [192, 48], [192]], ([x, w, b]) => T.linear(x, T.mul(w, 0.1), b)],
    ['gelu (64, 11, 192)', [[64, 11, 192]], ([x]) => T.gelu(T.mul(x, 3))],
    ['dropout 0.1, seeded (64, 11, 192)', [[64, 11, 192]], ([x]) => T.dropout(x, 0.1, { generator: new T.RandomGenerator(5) })],
    ['layerNorm (64, 11, 48)', [[64, 11, 48], [48], [48]], ([x, g, b]) => T.layerNorm(x, g, b)],
    ['causal selfAttention with dropout 0.1, 3 heads (64, 11, 144)', [[64, 11, 144]], ([qkv]) =>
      T.selfAttention(qkv, 3, { causal: true, dropout: 0.1, generator: new T.RandomGenerator(6) })],
  ];
  result.cases = [];
  for (const [name, shapes, fn] of cases) {
    const expected = run(one, shapes, fn);
    const before = two.workerParts;
    let runs = 0;
    let mismatch = '';
    // a call may find the worker asleep (the caller then runs every part and wakes it); later ones share them
    while (runs < 50 && !mismatch && (runs < 10 || (two.workerParts === before && two.threads === 2))) {
      mismatch = firstDifference(run(two, shapes, fn), expected);
      runs++;
      if (runs % 5 === 0) await pause();
    }
    result.cases.push({
      name,
      runs,
      workerParts: two.workerParts - before,
      arrays: expected.length,
      values: expected.reduce((n, x) => n + x.length, 0),
      mismatch,
    });
  }
  if (new URLSearchParams(location.search).has('conformance')) {
    const C = await import('/packages/tensor/dist/testing/conformance.js');
    const tensors = T.memory().numTensors;
    const results = await C.runConformance(two);
    result.conformance = {
      threads: two.threads,
      cases: C.CONFORMANCE_CASES.length,
      notDifferentiable: C.CONFORMANCE_CASES.filter((c) => c.grad === false).length,
      results,
      tensors: [tensors, T.memory().numTensors],
    };
  }
  two.dispose();
  auto.dispose();
} catch (error) {
  result.error = String((error && error.stack) || error);
}
window.result = result;
</script>
`;
