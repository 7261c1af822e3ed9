// Exercise 3.2's docs page (apps/docs/prompting.html) in headless Chromium, offline: Vite builds the site into a
// temporary folder (once per vitest run: tools/docs-site.ts), a local server on 127.0.0.1 serves it with the
// cross-origin isolation headers, and the page loads lxmls/gpt2-shakespeare (@lxmls/models) from the built site
// and runs the notebook's prompt with both of the toolkit's methods. The page fails on any uncaught error,
// console error, or request to another host; its texts must equal what @lxmls/gpt computes in Node on the same
// model (prompt after manualSeed(42), promptTopK).
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerWasmBackend } from '@lxmls/backend-wasm';
import { formatSamples, GPT } from '@lxmls/gpt';
import { getBackend, manualSeed, setBackend } from '@lxmls/tensor';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, openDocsPage, useDocsSite } from './docs-site.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modelDir = join(root, 'packages/models/models/gpt2-shakespeare');
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

describe.skipIf(chromiumPath === undefined)('apps/docs prompting.html in headless Chromium', () => {
  /** The run's build of the site, served as `vite preview` serves it (tools/docs-site.ts). */
  const suite = useDocsSite(chromiumPath);
  const problems: string[] = [];

  // this file records uncaught errors, console errors, requests to other hosts and HTTP errors (as before)
  const open = (path: string): Promise<Page> =>
    openDocsPage(suite.site, path, problems, { failedRequests: false });

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
