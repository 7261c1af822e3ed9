// @lxmls/onnx in a real browser: headless Chromium (`--enable-unsafe-webgpu`: SwiftShader's WebGPU adapter on a
// machine without a GPU) loads the tiny-gpt2 fixture with GPT.fromPretrained(url), exports it with the KV cache
// (exportOnnx), opens it on onnxruntime-web (createSession with the runtime module: its ort.min.mjs and its
// .wasm served from the package's own node_modules, never a CDN) and generates 30 greedy tokens (generateOnnx):
// the ids of Hugging Face's reference and of the tensor path in Node, on `onnx-wasm` and on `onnx-webgpu`, and
// on `onnx-wasm` with the fused graph (ONNX Runtime's contrib operators, `num_logits_to_keep`) too. @lxmls/* and onnx-proto are bundled by esbuild (onnx-proto is CommonJS); onnxruntime-web
// stays an ES module of its own, resolved by an import map.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  CROSS_ORIGIN_ISOLATION,
  chromiumForTests,
  launchChromium,
  REPO_ROOT,
  serveStatic,
} from './browser.js';

const root = REPO_ROOT;
const chromiumPath = chromiumForTests();
const FIXTURES = 'packages/onnx/src/__fixtures__';
/** onnxruntime-web's browser build that loads its wasm from beside itself (the `onnxruntime-web-use-extern-wasm` entry). */
const ORT = '/packages/onnx/node_modules/onnxruntime-web/dist/ort.min.mjs';
const expected = JSON.parse(readFileSync(join(root, FIXTURES, 'tiny-gpt2-expected.json'), 'utf8')) as {
  a: { input_ids: number[]; greedy: number[] };
};

/** What the page's `run(backend)` returns. */
interface RunResult {
  backend?: string;
  ids?: number[];
  streamed?: number;
  unavailable?: string;
  adapter?: string;
  error?: string;
}

/** The page's code: bundled by esbuild, with onnxruntime-web left to the import map. */
const ENTRY = `
import { GPT } from '@lxmls/gpt';
import { createSession, exportOnnx, generateOnnx } from '@lxmls/onnx';
import { tensor } from '@lxmls/tensor';
import * as ort from 'onnxruntime-web';

const bytes = {};
window.run = async (backend, prompt, maxNewTokens, graph) => {
  try {
    if (backend === 'onnx-webgpu') {
      const adapter = await navigator.gpu?.requestAdapter();
      if (!adapter) return { unavailable: navigator.gpu ? 'requestAdapter() gave null' : 'no navigator.gpu' };
    }
    const key = JSON.stringify(graph);
    if (!bytes[key]) {
      const model = (await GPT.fromPretrained(new URL('/${FIXTURES}/tiny-gpt2/', location.href).href, { cache: false })).eval();
      bytes[key] = exportOnnx(model, { kvCache: true, ...graph });
      model.dispose();
    }
    const onnx = await createSession(bytes[key], { backend, runtime: ort });
    let streamed = 0;
    const out = await generateOnnx(onnx, tensor([prompt], undefined, 'int32'), maxNewTokens, { onToken: () => streamed++ });
    // the device onnxruntime-web's WebGPU backend created (it throws rather than fall back to wasm)
    const device = backend === 'onnx-webgpu' ? await ort.env.webgpu.device : undefined;
    const info = device?.adapterInfo;
    const adapter = device && ([info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ') || 'a GPUDevice');
    await onnx.session.release();
    return { backend: onnx.backend, ids: out.toArray()[0], streamed, adapter };
  } catch (error) {
    return { error: String((error && error.stack) || error) };
  }
};
window.ready = true;
`;

describe.skipIf(chromiumPath === undefined)('@lxmls/onnx in headless Chromium', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    const bundle = await build({
      stdin: { contents: ENTRY, resolveDir: join(root, 'tools'), loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['@lxmls/source'],
      external: ['onnxruntime-web', 'node:*'],
      write: false,
      logLevel: 'silent',
    });
    const page = `<!doctype html>
<meta charset="utf-8">
<title>@lxmls/onnx</title>
<script type="importmap">${JSON.stringify({ imports: { 'onnxruntime-web': ORT } })}</script>
<script type="module">${bundle.outputFiles[0]!.text.replaceAll('</script', '<\\/script')}</script>
`;
    server = await serveStatic(root, { '/onnx.html': page }, { headers: CROSS_ORIGIN_ISOLATION });
    browser = await launchChromium(chromiumPath!, ['--enable-unsafe-webgpu']);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.server.close();
  });

  async function run(backend: string, graph: object = {}): Promise<RunResult> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    try {
      await page.goto(`${server.url}/onnx.html`);
      await page
        .waitForFunction(() => 'ready' in window, undefined, { timeout: 60_000 })
        .catch((error: Error) => {
          throw new Error(`the page did not load: ${errors.join('; ') || error.message}`);
        });
      return await page.evaluate(
        ([b, prompt, g]) =>
          (
            window as unknown as { run: (b: string, p: number[], n: number, g: object) => Promise<RunResult> }
          ).run(b as string, prompt as number[], 30, g as object),
        [backend, expected.a.input_ids, graph] as const,
      );
    } finally {
      await page.close();
    }
  }

  test('onnx-wasm: generateOnnx(tiny-gpt2, 30 greedy tokens) gives the ids of Hugging Face and of Node', async () => {
    const result = await run('onnx-wasm');
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('onnx-wasm');
    expect(result.ids).toEqual(expected.a.greedy);
    expect(result.streamed).toBe(30);
    // everything came from this server: the page, the fixture, onnxruntime-web and its .wasm from its package
    const foreign = server.requests.filter(
      (path) =>
        !/^\/(onnx\.html|favicon\.ico|packages\/onnx\/src\/__fixtures__\/tiny-gpt2\/.*|packages\/onnx\/node_modules\/onnxruntime-web\/dist\/ort[-.\w]*\.m?(js|wasm))$/.test(
          path,
        ),
    );
    expect(foreign).toEqual([]);
    expect(server.requests).toContain(
      '/packages/onnx/node_modules/onnxruntime-web/dist/ort-wasm-simd-threaded.jsep.wasm',
    );
  }, 240_000);

  test('onnx-webgpu (SwiftShader): generateOnnx(tiny-gpt2, 30 greedy tokens) gives the same ids', async (context) => {
    const result = await run('onnx-webgpu');
    if (result.unavailable !== undefined && !process.env.CI) {
      context.skip(`WebGPU is not available in this Chromium: ${result.unavailable}`);
      return;
    }
    expect(result.error).toBeUndefined();
    expect(result.backend).toBe('onnx-webgpu');
    expect(result.adapter, 'the GPUDevice of onnxruntime-web').toBeTruthy();
    expect(result.ids).toEqual(expected.a.greedy);
  }, 240_000);

  test('onnx-wasm, the fused graph (ONNX Runtime contrib operators, num_logits_to_keep): the same 30 greedy ids', async () => {
    const result = await run('onnx-wasm', { fused: true, numLogitsToKeep: true });
    expect(result.error).toBeUndefined();
    expect(result.ids).toEqual(expected.a.greedy);
  }, 240_000);
});
