// @lxmls/backend-tfjs in a real browser: headless Chromium loads @lxmls/tensor and @lxmls/backend-tfjs from
// their built dist/ as plain ES modules (an import map resolves the bare `@lxmls/tensor`), and TensorFlow.js
// from the script bundles of node_modules (no CDN), then runs a subset of the conformance checks on
// tfjs-webgl (SwiftShader WebGL2) and tfjs-webgpu (`--enable-unsafe-webgpu`): forward values and gradients
// against the js backend computed in the same page.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, serveStatic } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chromiumPath = findChromium();
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
if (chromiumPath === undefined && process.env.CI)
  throw new Error('CI must install chromium for the browser tests');

/** The tfjs bundles, served from the package's own node_modules. */
const TFJS = '/packages/backend-tfjs/node_modules/@tensorflow';

interface CaseResult {
  name: string;
  ok: boolean;
  detail: string;
}

interface PageResult {
  engine: string;
  tfBackend?: string;
  adapter?: string;
  unavailable?: string;
  results: CaseResult[];
  error?: string;
}

describe.skipIf(chromiumPath === undefined)('@lxmls/backend-tfjs in headless Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    server = await serveStatic(root, { '/backend-tfjs.html': PAGE });
    // tools/browser.ts's flags (DESIGN.md "Tooling"), plus WebGPU, which needs --enable-unsafe-webgpu here.
    browser = await chromium.launch({
      executablePath: chromiumPath!,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--enable-unsafe-webgpu',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    server?.server.close();
  });

  async function runEngine(engine: 'webgl' | 'webgpu'): Promise<PageResult> {
    const page = await browser.newPage();
    try {
      await page.goto(`${server.url}/backend-tfjs.html?engine=${engine}`);
      await page.waitForFunction(() => 'result' in window, undefined, { timeout: 240_000 });
      return await page.evaluate(() => (window as unknown as { result: PageResult }).result);
    } finally {
      await page.close();
    }
  }

  const expectAllPass = (result: PageResult) => {
    expect(result.error).toBeUndefined();
    expect(result.results.length).toBeGreaterThan(40);
    expect(result.results.filter((r) => r.name.endsWith(': gradients')).length).toBeGreaterThan(20);
    expect(result.results.filter((r) => !r.ok)).toEqual([]);
    const foreign = server.requests.filter(
      (path) =>
        !/^\/(packages\/(tensor|backend-tfjs)\/dist\/|packages\/backend-tfjs\/node_modules\/@tensorflow\/tfjs-(core|backend-webgl|backend-webgpu)\/dist\/[\w.-]+\.js$|backend-tfjs\.html$|favicon\.ico$)/.test(
          path,
        ),
    );
    expect(foreign).toEqual([]);
  };

  test('tfjs-webgl (SwiftShader) matches the js backend: forward values and gradients', async () => {
    const result = await runEngine('webgl');
    expect(result.unavailable).toBeUndefined();
    expect(result.tfBackend).toBe('webgl');
    expectAllPass(result);
  }, 300_000);

  test('tfjs-webgpu matches the js backend: forward values and gradients', async (context) => {
    const result = await runEngine('webgpu');
    // navigator.gpu.requestAdapter() gives SwiftShader's adapter with --enable-unsafe-webgpu on this machine
    // kind; a Chromium build without it cannot test WebGPU, and says so instead of failing.
    if (result.unavailable !== undefined) context.skip(`WebGPU unavailable here: ${result.unavailable}`);
    expect(result.tfBackend).toBe('webgpu');
    expect(result.adapter).toMatch(/vendor/);
    expectAllPass(result);
  }, 300_000);
});

/** The test page: the conformance subset, run on `?engine=` and on js, compared in the page. */
const PAGE = `<!doctype html>
<title>@lxmls/backend-tfjs</title>
<script type="importmap">{ "imports": { "@lxmls/tensor": "/packages/tensor/dist/index.js" } }</script>
<script src="${TFJS}/tfjs-core/dist/tf-core.min.js"></script>
<script src="${TFJS}/tfjs-backend-webgl/dist/tf-backend-webgl.min.js"></script>
<script src="${TFJS}/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js"></script>
<script type="module">
const engine = new URLSearchParams(location.search).get('engine');
const result = { engine, results: [] };
try {
  const T = await import('@lxmls/tensor');
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
  const js = T.createJsBackend();
  // the conformance suite's default tolerances: SwiftShader's float32 WebGL2 and WebGPU meet them
  const [atol, rtol, gradAtol, gradRtol] = [1e-5, 1e-4, 1e-4, 1e-3];

  const input = (shape, seed, kind = 'normal', high = 2) => {
    const g = new T.RandomGenerator(seed);
    const n = shape.reduce((a, b) => a * b, 1);
    if (kind === 'int' || kind === 'targets' || kind === 'mask') {
      const v = new Int32Array(n);
      for (let i = 0; i < n; i++) v[i] = kind === 'mask' ? g.uint32() % 2 : g.uint32() % high;
      if (kind === 'targets') v[0] = -1;
      return { shape, dtype: 'int32', values: v };
    }
    const v = new Float32Array(n);
    for (let i = 0; i < n; i++) v[i] = kind === 'positive' ? 0.5 + 1.5 * g.float() : g.normal();
    return { shape, dtype: 'float32', values: v };
  };
  const ce = (l, t) => T.crossEntropy(l, t);
  const cases = [
    ['add(a, b) broadcasting', [[2, 3], [3]], ([a, b]) => T.add(a, b)],
    ['sub(a, b) broadcasting (2, 1) - (1, 3)', [[2, 1], [1, 3]], ([a, b]) => T.sub(a, b)],
    ['div(a, b)', [[2, 3], [[3], 'positive']], ([a, b]) => T.div(a, b)],
    ['pow(a, 3)', [[5]], ([a]) => T.pow(a, 3)],
    ['exp/log/tanh/sqrt', [[[2, 3], 'positive']], ([x]) => T.add(T.add(T.exp(x), T.log(x)), T.add(T.tanh(x), T.sqrt(x)))],
    ['matmul(a, b)', [[5, 7], [7, 3]], ([a, b]) => T.matmul(a, b)],
    ['matmul(a, b, { transposeA, transposeB })', [[3, 2], [4, 3]], ([a, b]) => T.matmul(a, b, { transposeA: true, transposeB: true })],
    ['matmul(x, w) shared weight', [[2, 3, 4], [4, 5]], ([a, b]) => T.matmul(a, b)],
    ['matmul(q, k, { transposeB }) batched', [[2, 2, 3, 4], [2, 2, 3, 4]], ([q, k]) => T.matmul(q, k, { transposeB: true })],
    ['sum(x, [0, 2], true)', [[2, 3, 4]], ([x]) => T.sum(x, [0, 2], true)],
    ['mean(x, -1)', [[3, 4]], ([x]) => T.mean(x, -1)],
    ['max(x, 1)', [[2, 4, 3]], ([x]) => T.max(x, 1)],
    ['softmax(x)', [[3, 5]], ([x]) => T.softmax(x)],
    ['logSoftmax(x)', [[3, 5]], ([x]) => T.logSoftmax(x)],
    ['layerNorm(x, weight, bias)', [[2, 3, 6], [6], [6]], ([x, w, b]) => T.layerNorm(x, w, b)],
    ['gelu(x)', [[3, 4]], ([x]) => T.gelu(x)],
    ['gather(table, ids)', [[5, 3], [[2, 4], 'int', 5]], ([t, i]) => T.gather(t, i)],
    ['crossEntropy(logits, targets) with an ignored target', [[6, 5], [[6], 'targets', 5]], ([l, t]) => ce(l, t)],
    ['maskedFill(x, mask, -5)', [[2, 3, 3], [[3, 3], 'mask']], ([x, m]) => T.maskedFill(x, m, -5)],
    ['permute(x, [2, 0, 1])', [[2, 3, 4]], ([x]) => T.permute(x, [2, 0, 1])],
    ['slice(x, [1, 0, 1], [1, -1, 2])', [[2, 3, 4]], ([x]) => T.slice(x, [1, 0, 1], [1, -1, 2])],
    ['concat([a, b], 1)', [[2, 1, 3], [2, 2, 3]], ([a, b]) => T.concat([a, b], 1)],
    ['scaledDotProductAttention(q, k, v, { causal: true })', [[2, 2, 4, 3], [2, 2, 4, 3], [2, 2, 4, 3]], ([q, k, v]) => T.scaledDotProductAttention(q, k, v, { causal: true })],
    ['dropout(x, 0.3)', [[4, 8]], ([x]) => T.dropout(x, 0.3, { generator: new T.RandomGenerator(5) })],
    ['argmax(x, 1)', [[3, 5, 2]], ([x]) => T.argmax(x, 1), false],
    ['topk(x, 3).indices', [[2, 6]], ([x]) => T.topk(x, 3).indices, false],
    ['topk(x, 3).values', [[2, 6]], ([x]) => T.topk(x, 3).values, false],
    ['multinomial(probs, 8)', [[[3, 5], 'positive']], ([p]) => T.multinomial(p, 8, { generator: new T.RandomGenerator(9) }), false],
    ['cast(x * 3, "int32")', [[6]], ([x]) => T.cast(T.mul(x, 3), 'int32'), false],
    ['adamwUpdate three steps', [[7], [7]], ([p0, g]) => {
      const p = T.clone(p0), m = T.mul(g, 0.1), v = T.mul(T.mul(g, g), 0.01);
      for (let step = 1; step <= 3; step++) T.adamwUpdate(p, g, m, v, { lr: 0.05, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step });
      return T.concat([p, m, v]);
    }, false],
  ];

  const run = async (b, fn, data, grad, weights) => {
    // tidy frees the op's intermediates and the graph; the inputs and the output are returned, so kept
    const made = T.withBackend(b, () => T.tidy(() => {
      const xs = data.map((d) => T.tensor(d.values, d.shape, d.dtype));
      if (grad) for (const x of xs) if (x.dtype === 'float32') x.requiresGrad = true;
      const y = grad ? fn(xs) : T.noGrad(() => fn(xs));
      if (grad) T.sum(T.mul(y, T.tensor(weights.subarray(0, y.size), y.shape))).backward();
      return { xs, y };
    }));
    const out = await made.y.dataAsync();
    const grads = [];
    for (const x of made.xs) grads.push(x.grad ? await x.grad.dataAsync() : null);
    for (const x of made.xs) { x.zeroGrad(); x.dispose(); }
    made.y.dispose();
    return { out, shape: made.y.shape, grads };
  };
  const compare = (got, want, a, r) => {
    if (got.length !== want.length) return 'length ' + got.length + ' vs ' + want.length;
    for (let i = 0; i < want.length; i++) {
      const x = got[i], e = want[i];
      const ok = (Number.isNaN(x) && Number.isNaN(e)) || x === e || Math.abs(x - e) <= a + r * Math.abs(e);
      if (!ok) return 'element ' + i + ' is ' + x + ', expected ' + e;
    }
    return '';
  };

  for (const [index, [name, specs, fn, differentiable = true]] of cases.entries()) {
    const data = specs.map((s, k) => {
      const [shape, kind, high] = Array.isArray(s[0]) ? s : [s];
      return input(shape, 1000 * index + k, kind, high);
    });
    try {
      const got = await run(backend, fn, data, false);
      const want = await run(js, fn, data, false);
      const exact = want.out instanceof Int32Array;
      let detail = JSON.stringify(got.shape) === JSON.stringify(want.shape) ? '' : 'shape ' + got.shape + ' vs ' + want.shape;
      if (!detail) detail = compare(got.out, want.out, exact ? 0 : atol, exact ? 0 : rtol);
      result.results.push({ name: name + ': forward', ok: !detail, detail });
      if (!differentiable) continue;
      const weights = input([4096], 7 + index).values;
      const g = await run(backend, fn, data, true, weights);
      const w = await run(js, fn, data, true, weights);
      let gd = '';
      w.grads.forEach((wg, k) => {
        if (gd) return;
        if (wg === null) gd = g.grads[k] === null ? '' : 'input ' + k + ' has a gradient';
        else gd = g.grads[k] ? compare(g.grads[k], wg, gradAtol, gradRtol) : 'input ' + k + ' has no gradient';
        if (gd) gd = 'input ' + k + ': ' + gd;
      });
      result.results.push({ name: name + ': gradients', ok: !gd, detail: gd });
    } catch (error) {
      result.results.push({ name, ok: false, detail: String(error && error.stack || error) });
    }
  }
  // the memory discipline holds on the GPU too: a second pass leaves no tfjs tensor behind
  const before = window.tf.memory().numTensors;
  await run(backend, cases[22][2], [0, 1, 2].map((k) => input([2, 2, 4, 3], 5 + k)), true, input([4096], 3).values);
  const after = window.tf.memory().numTensors;
  result.results.push({ name: 'tf.memory().numTensors flat', ok: after === before, detail: before + ' → ' + after });
} catch (error) {
  if (error && (error.unavailable || error.code === 'BACKEND_UNAVAILABLE')) result.unavailable = String(error.message);
  else result.error = String(error && error.stack || error);
}
window.result = result;
</script>
`;
