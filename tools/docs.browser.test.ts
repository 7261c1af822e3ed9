// The docs site (apps/docs) in a real browser: Vite builds it into a temporary folder, a local server on
// 127.0.0.1 serves the build, and headless Chromium opens every page. A page fails the test on any uncaught
// error, any console error, or any request to another host. Each demo must work: the tokenizer's ids equal
// @lxmls/bpe's in Node, the attention views render a GPT's weights, gpt-nano trains and its loss falls.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { encode } from '@lxmls/bpe';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { findChromium, launchChromium, serveStatic } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'apps/docs');
const chromiumPath = findChromium();
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
if (chromiumPath === undefined && process.env.CI)
  throw new Error('CI must install chromium for the browser tests');

/** Vite's `build`, loosely typed (the config is apps/docs/vite.config.ts). */
type ViteBuild = (config: Record<string, unknown>) => Promise<unknown>;

/**
 * Vite's JS API: the workspace's `vite` (a dependency of apps/docs and of vitest), found from vitest's own
 * package so that this works whether or not `tools` lists vite itself.
 */
async function loadVite(): Promise<{ build: ViteBuild }> {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const pkgFile = fromVitest.resolve('vite/package.json');
  const pkg = fromVitest(pkgFile) as { exports: { '.': string | { import?: string; default?: string } } };
  const entry = pkg.exports['.'];
  const file = typeof entry === 'string' ? entry : (entry.import ?? entry.default)!;
  return import(pathToFileURL(join(dirname(pkgFile), file)).href);
}

/** A short string with a space, an accent, an emoji, a number and a contraction. */
const TYPED = "Héllo wörld, it's 2024! 🤗 Transformers tokenize\ttext.";

describe.skipIf(chromiumPath === undefined)('apps/docs in headless Chromium', () => {
  let outDir: string;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  /** What went wrong on any page: uncaught errors, console errors, requests to other hosts. */
  const problems: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'lxmls-docs-'));
    const { build } = await loadVite();
    await build({
      configFile: join(docs, 'vite.config.ts'),
      logLevel: 'error',
      build: { outDir, emptyOutDir: true },
    });
    // a fake hub for the GPT-2 button: 200 responses that are not a checkpoint (no 404 in the console)
    server = await serveStatic(outDir, {
      '/hub/openai-community/gpt2/resolve/main/config.json': '<not json>',
      '/hub/openai-community/gpt2/resolve/main/model.safetensors': '<not safetensors>',
    });
    browser = await launchChromium(chromiumPath!);
  }, 60_000);

  beforeEach(() => {
    problems.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    server?.server.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens a page of the build, recording its problems. */
  const open = async (path: string): Promise<Page> => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${path}: console error: ${m.text()}`);
    });
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1')
        problems.push(`${path}: request to ${r.url()}`);
    });
    page.on('requestfailed', (r) => problems.push(`${path}: request failed: ${r.url()}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${path}: ${r.status()} for ${r.url()}`);
    });
    await page.goto(`${server.url}/${path}`);
    // the inlined stylesheet applies, and every form control has a label
    expect(await page.$eval('header.site', (e) => getComputedStyle(e).backgroundColor)).not.toBe(
      'rgba(0, 0, 0, 0)',
    );
    const unlabelled = await page.$$eval('input, textarea, select, progress', (els) =>
      els
        .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label'))
        .map((e) => e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    return page;
  };

  test('index.html links every guide and the API reference, and reports WebAssembly SIMD', async () => {
    const page = await open('index.html');
    await expect.poll(() => page.textContent('#env')).toMatch(/WebAssembly SIMD: yes/);
    const links = await page.$$eval('main a', (as) => as.map((a) => a.getAttribute('href')));
    expect(links).toEqual(
      expect.arrayContaining([
        './tokenization.html',
        './attention.html',
        './training.html',
        './api/index.html',
      ]),
    );
    expect(await page.locator('h1').count()).toBe(1);
    // the API reference (or the page saying how to build it) is part of the build
    await page.click('main a[href="./api/index.html"]');
    await page.waitForLoadState('load');
    expect(await page.title()).toMatch(/API/);
    await page.close();
    expect(problems).toEqual([]);
  });

  test('tokenization.html shows the ids of a typed text, equal to @lxmls/bpe in Node, and decodes ids', async () => {
    const page = await open('tokenization.html');
    await page.waitForSelector('#bpe-view .lx-bpe-view svg');
    expect(JSON.parse((await page.getAttribute('#ids', 'data-ids'))!)).toEqual(
      encode('Your drawing is charmingly anachronistic.'),
    );
    await page.fill('#text', TYPED);
    const expected = encode(TYPED);
    await page.waitForFunction(
      (ids) => document.getElementById('ids')!.dataset.ids === ids,
      JSON.stringify(expected),
    );
    expect(await page.textContent('#ids')).toBe(`[${expected.join(', ')}]`);
    expect(await page.locator('#bpe-view .lx-bpe-token').count()).toBe(expected.length);
    // the notebook's typo example, through its button
    await page.click('button[data-example="I like to cirkumnavigate the globe every year"]');
    expect(JSON.parse((await page.textContent('#merged'))!)).toEqual([
      'I',
      'Ġlike',
      'Ġto',
      'Ġcir',
      'k',
      'umn',
      'av',
      'igate',
      'Ġthe',
      'Ġglobe',
      'Ġevery',
      'Ġyear',
    ]);
    expect(await page.textContent('#decoded')).toBe('Your drawing is charmingly anachronistic.');
    await page.fill('#decode-input', `${expected.join(' ')}`);
    await expect.poll(() => page.textContent('#decoded')).toBe(TYPED);
    await page.fill('#decode-input', '[15496, x]');
    await expect.poll(() => page.textContent('#decoded')).toMatch(/ids\[1\] is not a token id/);
    await page.close();
    expect(problems).toEqual([]);
  });

  test('attention.html computes the cross-attention tests and draws the head and model views of a GPT', async () => {
    const page = await open(`attention.html?hub=${encodeURIComponent(`${server.url}/hub`)}`);
    await page.waitForSelector('#head-view .lx-head-view');
    expect(await page.textContent('#test-a-check')).toMatch(/^✓/);
    expect(await page.textContent('#test-b')).toContain('row 0: [67036.8, 71226.6, 75416.4]');

    const text = 'I will go for a run and will jump into a lake.';
    const n = encode(text).length;
    expect(await page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(n);
    expect(await page.locator('#head-view .lx-head-toggle').count()).toBe(3);
    expect(await page.locator('#head-view .lx-line').count()).toBe((3 * n * (n + 1)) / 2); // causal: a triangle per head
    expect(await page.locator('#model-view canvas.lx-thumb').count()).toBe(9); // 3 layers × 3 heads
    expect(await page.textContent('#gpt-status')).toContain(
      `${n} tokens, 3 layers × 3 heads, on the wasm backend`,
    );

    // a new text redraws the views
    await page.fill('#gpt-text', 'Attention is all you need');
    const m = encode('Attention is all you need').length;
    await expect.poll(() => page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(m);

    // GPT-2 from a "hub" that serves no checkpoint: a clear error, the rest of the page still works
    await page.click('#load-gpt2');
    await expect
      .poll(() => page.textContent('#gpt2-status'), { timeout: 20_000 })
      .toMatch(/^Could not load GPT-2\. \[@lxmls\/gpt\]/);
    expect(await page.isEnabled('#load-gpt2')).toBe(true);
    expect(await page.locator('#head-view .lx-token[data-side="q"]').count()).toBe(m);
    await page.close();
    expect(problems).toEqual([]);
  });

  test('training.html trains gpt-nano on the wasm backend: the chart gets a point per iteration and the loss falls', async () => {
    const page = await open('training.html');
    expect(await page.textContent('#bayes')).toBe('0.2502');
    expect(await page.locator('#chart .lx-bayes').count()).toBe(1);

    // a long run stops on request while it trains: the page answers clicks
    await page.click('#start');
    await page.waitForFunction(
      () =>
        (document.querySelector('#chart .lx-loss-line')?.getAttribute('points') ?? '').split(' ').length >= 3,
      undefined,
      { timeout: 20_000 },
    );
    await page.click('#stop');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 20_000 });
    expect(await page.textContent('#status')).toMatch(/^Stopped after \d+ iterations/);

    // a run of 30 iterations to the end
    await page.fill('#iters', '30');
    await page.click('#start');
    await page.waitForSelector('#status[data-state="done"]', { timeout: 40_000 });
    expect(await page.textContent('#status')).toMatch(/^Done after 30 iterations/);
    expect(await page.textContent('#backend')).toBe('wasm');
    const points = (await page.getAttribute('#chart .lx-loss-line', 'points'))!.split(' ');
    expect(points).toHaveLength(30);
    const losses = [...(await page.textContent('#log'))!.matchAll(/iter (\d+): train loss ([\d.]+)/g)].map(
      (r) => [Number(r[1]), Number(r[2])],
    );
    expect(losses.map(([iter]) => iter)).toEqual([0, 29]);
    expect(losses[0]![1]).toBeGreaterThan(1.5); // about ln 8 at the start
    expect(losses[1]![1]).toBeLessThan(losses[0]![1]! - 0.2);
    expect(await page.textContent('#eval')).toMatch(/label accuracy\s+\d+\.\d\d%\s+85\.36%/);
    await page.close();
    expect(problems).toEqual([]);
  }, 60_000);
});
