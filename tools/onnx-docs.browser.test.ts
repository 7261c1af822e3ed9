// The docs site's ONNX Runtime choice in a real browser: the run's Vite build of apps/docs (tools/docs-site.ts),
// served with the cross-origin isolation headers, in headless Chromium. On attention.html, "ONNX Runtime Web
// (wasm)" exports the page's gpt-nano with @lxmls/onnx and draws the weights of its attentions.N outputs: the
// same views, and the same weights as the tensor path to 1e-4; onnxruntime-web's .wasm comes from the site's
// own assets (no request leaves 127.0.0.1); "ONNX Runtime Web (WebGPU)" on SwiftShader (Chromium with
// --enable-unsafe-webgpu) draws the same weights. On generate.html, the same seed samples the same Shakespeare
// on the tensor path and on onnx-wasm.

import { encode } from '@lxmls/bpe';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, openDocsPage, useDocsSite } from './docs-site.js';
import { headViewWeights, sampleOnEach, weightsOn } from './docs-steps.js';

const chromiumPath = chromiumForTests();

describe.skipIf(chromiumPath === undefined)('the docs site on ONNX Runtime Web', () => {
  // the run's build of the site, and a Chromium with WebGPU (SwiftShader's adapter on a machine without a GPU)
  const suite = useDocsSite(chromiumPath, ['--enable-unsafe-webgpu']);
  const problems: string[] = [];

  test('attention.html on onnx-wasm draws the tensor path’s views and weights, its .wasm from the site', async () => {
    const page = await openDocsPage(suite.site, 'attention.html', problems);
    await page.waitForSelector('#head-view .lx-head-view');
    const n = encode('I will go for a run and will jump into a lake.').length;
    const tensorWeights = await headViewWeights(page);
    expect(tensorWeights).toHaveLength(n * n);
    const status = `${n} tokens, 3 layers × 3 heads, on ONNX Runtime Web (wasm)`;
    const onnxWeights = await weightsOn(page, 'onnx-wasm', status, 120_000);
    expect(onnxWeights).toHaveLength(n * n);
    for (const [i, w] of onnxWeights.entries()) expect(Math.abs(w - tensorWeights[i]!)).toBeLessThan(1e-4);
    expect(await page.locator('#head-view .lx-line').count()).toBe((3 * n * (n + 1)) / 2);
    // a new text on ONNX Runtime redraws the views
    await page.fill('#gpt-text', 'Attention is all you need');
    const m = encode('Attention is all you need').length;
    await expect.poll(() => page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(m);
    const wasm = suite.site.server.requests.filter((path) =>
      /ort-wasm-simd-threaded\.jsep[-\w]*\.wasm$/.test(path),
    );
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(/^\/assets\//);
    await page.close();
    expect(problems).toEqual([]);
  }, 240_000);

  test('attention.html on onnx-webgpu (SwiftShader) draws the tensor path’s weights', async (context) => {
    const page = await openDocsPage(suite.site, 'attention.html', problems);
    await page.waitForSelector('#head-view .lx-head-view');
    const option = '#gpt-backend option[value="onnx-webgpu"]';
    await expect.poll(() => page.textContent(option)).not.toContain('checking');
    if ((await page.isDisabled(option)) && !process.env.CI) {
      await page.close();
      context.skip('this Chromium has no WebGPU adapter');
      return;
    }
    const n = encode('I will go for a run and will jump into a lake.').length;
    const tensorWeights = await headViewWeights(page);
    const status = `${n} tokens, 3 layers × 3 heads, on ONNX Runtime Web (WebGPU)`;
    const gpuWeights = await weightsOn(page, 'onnx-webgpu', status, 180_000);
    expect(gpuWeights).toHaveLength(n * n);
    for (const [i, w] of gpuWeights.entries()) expect(Math.abs(w - tensorWeights[i]!)).toBeLessThan(1e-4);
    await page.close();
    expect(problems).toEqual([]);
  }, 300_000);

  test('generate.html on onnx-wasm samples the text of the tensor path for the same seed', async () => {
    const page = await openDocsPage(suite.site, 'generate.html', problems);
    await page.waitForSelector('#sample:not([disabled])', { timeout: 60_000 });
    const { texts, status } = await sampleOnEach(page, 80, ['tensor', 'onnx-wasm'], 120_000);
    expect(texts[0]).toHaveLength(80);
    expect(texts[1]).toBe(texts[0]);
    expect(status).toMatch(
      /^Added 80 characters in [\d.]+ s \(seed 11, temperature 0\.8, top-k 20\) on ONNX Runtime Web \(wasm\)\.$/,
    );
    await page.close();
    expect(problems).toEqual([]);
  }, 240_000);
});
