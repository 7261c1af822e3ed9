// Exercise 3.2's docs page (apps/docs/prompting.html) in headless Chromium, offline: Vite builds the site into a
// temporary folder, a local server on 127.0.0.1 serves it with the cross-origin isolation headers, and the page
// loads lxmls/gpt2-shakespeare (@lxmls/models) from the built site and runs the notebook's prompt with both of
// the toolkit's methods. The page fails on any uncaught error, console error, or request to another host; its
// texts must equal what @lxmls/gpt computes in Node on the same model (prompt after manualSeed(42), promptTopK).
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { formatSamples, GPT } from '@lxmls/gpt';
import { getBackend, manualSeed, setBackend } from '@lxmls/tensor';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, launchChromium, serveStatic } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'apps/docs');
const modelDir = join(root, 'packages/models/models/gpt2-shakespeare');
const chromiumPath = findChromium();
if (chromiumPath === undefined && process.env.CI)
  throw new Error('CI must install chromium for the browser tests');

type ViteBuild = (config: Record<string, unknown>) => Promise<unknown>;
type ViteResolveConfig = (
  config: Record<string, unknown>,
  command: 'build' | 'serve',
  mode?: string,
  nodeEnv?: string,
  isPreview?: boolean,
) => Promise<{ preview: { headers?: Record<string, string> } }>;

/** Vite's JS API, found from vitest's own package (as tools/docs.browser.test.ts does). */
async function loadVite(): Promise<{ build: ViteBuild; resolveConfig: ViteResolveConfig }> {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const pkgFile = fromVitest.resolve('vite/package.json');
  const pkg = fromVitest(pkgFile) as { exports: { '.': string | { import?: string; default?: string } } };
  const entry = pkg.exports['.'];
  const file = typeof entry === 'string' ? entry : (entry.import ?? entry.default)!;
  return import(pathToFileURL(join(dirname(pkgFile), file)).href);
}

describe.skipIf(chromiumPath === undefined)('apps/docs prompting.html in headless Chromium', () => {
  let outDir: string;
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  const problems: string[] = [];

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'lxmls-docs-prompting-'));
    const { build, resolveConfig } = await loadVite();
    const configFile = join(docs, 'vite.config.ts');
    await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
    const config = await resolveConfig(
      { configFile, logLevel: 'error' },
      'serve',
      'production',
      'production',
      true,
    );
    server = await serveStatic(outDir, {}, { headers: { ...config.preview.headers } });
    browser = await launchChromium(chromiumPath!);
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    server?.server.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${path}: console error: ${m.text()}`);
    });
    page.on('request', (r) => {
      const url = new URL(r.url().replace(/^blob:/, ''));
      if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1')
        problems.push(`${path}: request to ${r.url()}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${path}: ${r.status()} for ${r.url()}`);
    });
    await page.goto(`${server.url}/${path}`);
    return page;
  }

  test('prompting.html loads lxmls/gpt2-shakespeare from the site and prints prompt and promptTopK as Node does', async () => {
    const page = await open('prompting.html');
    expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
    // the notebook's words of Exercise 3.2 are rendered, In [25] among them
    await expect.poll(() => page.textContent('[data-notebook="3.2"]')).toContain('Barack Obama, the');
    await page.waitForSelector('#prompt-status[data-state="loaded"]', { timeout: 120_000 });
    await page.fill('#prompt-tokens', '12');
    await page.click('#prompt-run');
    await page.waitForSelector('#prompt-status[data-state="done"]', { timeout: 120_000 });
    const sampled = (await page.textContent('#prompt-sampled'))!;
    const topK = (await page.textContent('#prompt-topk'))!;

    // the same model in Node, on the page's backend (wasm computes the same bits on one thread or two)
    const previous = getBackend().name;
    registerWasmBackend(10);
    await setBackend('wasm');
    const model = (await GPT.fromPretrained(modelDir)).eval();
    manualSeed(42);
    const expectedSampled = formatSamples(model.prompt('Barack Obama, the', 12, 3));
    const expectedTopK = formatSamples(model.promptTopK('Barack Obama, the', 12, 3));
    model.dispose();
    await setBackend(previous);
    expect(sampled).toBe(expectedSampled);
    expect(topK).toBe(expectedTopK);
    expect(sampled.split('\n').filter((line) => line === '-'.repeat(80))).toHaveLength(3);
    await page.close();
    expect(problems).toEqual([]);
  }, 300_000);
});
