// The docs site's WebGPU choice (@lxmls/backend-webgpu) in a real browser: the run's Vite build of apps/docs
// (tools/docs-site.ts) in headless Chromium with --enable-unsafe-webgpu, whose adapter on a machine without a
// GPU is SwiftShader. training.html trains gpt-nano a few iterations on webgpu (the Trainer's asynchronous
// reads) from the losses the wasm backend gives with the same seed, names the adapter, and evaluates a copy
// of the weights on the CPU; generate.html samples a few Shakespeare characters on webgpu, the text of the
// wasm path for the same seed.

import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, openDocsPage, useDocsSite } from './docs-site.js';
import { sampleOnEach } from './docs-steps.js';

const chromiumPath = chromiumForTests();

/** The log's `iter N: train loss X` lines. */
async function logLosses(page: Page): Promise<[number, number][]> {
  return [...(await page.textContent('#log'))!.matchAll(/iter (\d+): train loss ([\d.]+)/g)].map((r) => [
    Number(r[1]),
    Number(r[2]),
  ]);
}

describe.skipIf(chromiumPath === undefined)('the docs site on WebGPU (@lxmls/backend-webgpu)', () => {
  const suite = useDocsSite(chromiumPath, ['--enable-unsafe-webgpu']);
  const problems: string[] = [];

  test('training.html with WebGPU chosen trains gpt-nano from the wasm losses, names the adapter and evaluates on the CPU', async (context) => {
    const page = await openDocsPage(suite.site, 'training.html', problems);
    await page.waitForSelector('#train-backend[data-webgpu]', { timeout: 60_000 });
    if ((await page.getAttribute('#train-backend', 'data-webgpu')) !== 'available' && !process.env.CI) {
      await page.close();
      context.skip('this Chromium has no WebGPU adapter');
      return;
    }
    await page.fill('#iters', '3');
    const train = async (backend: string) => {
      await page.selectOption('#train-backend', backend);
      await page.click('#start');
      await page.waitForSelector('#status[data-state="done"]', { timeout: 240_000 });
      return logLosses(page);
    };
    const wasm = await train('wasm');
    const gpu = await train('webgpu');
    expect(gpu.map(([iter]) => iter)).toEqual([0, 2]);
    for (const [i, [, loss]] of gpu.entries()) expect(Math.abs(loss - wasm[i]![1])).toBeLessThan(2e-4);
    expect(await page.textContent('#backend')).toMatch(/^webgpu backend, adapter \S/);
    expect(await page.textContent('#status')).toMatch(
      /^Done after 3 iterations \([\d.]+ s, [\d.]+ ms per iteration, webgpu backend, adapter .+\): last train loss/,
    );
    expect((await page.getAttribute('#chart .lx-loss-line', 'points'))!.split(' ')).toHaveLength(3);
    const evaluation = (await page.textContent('#eval'))!;
    expect(evaluation).toMatch(/label accuracy\s+\d+\.\d\d%\s+85\.36%/);
    expect(evaluation).toContain('Trained on WebGPU; evaluated on the CPU');
    await page.close();
    expect(problems).toEqual([]);
  }, 300_000);

  test('generate.html with WebGPU chosen samples the wasm path’s text for the same seed, naming the adapter', async (context) => {
    const page = await openDocsPage(suite.site, 'generate.html', problems);
    await page.waitForSelector('#sample:not([disabled])', { timeout: 60_000 });
    const option = '#sample-backend option[value="webgpu"]';
    await expect.poll(() => page.textContent(option), { timeout: 60_000 }).not.toContain('checking');
    if ((await page.isDisabled(option)) && !process.env.CI) {
      await page.close();
      context.skip('this Chromium has no WebGPU adapter');
      return;
    }
    const { texts, status } = await sampleOnEach(page, 6, ['tensor', 'webgpu'], 240_000);
    expect(texts[0]).toHaveLength(6);
    expect(texts[1]).toBe(texts[0]);
    expect(status).toMatch(
      /^Added 6 characters in [\d.]+ s \(seed 11, temperature 0\.8, top-k 20\) on WebGPU \(.+\)\.$/,
    );
    await page.close();
    expect(problems).toEqual([]);
  }, 300_000);
});
