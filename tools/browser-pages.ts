/**
 * The set-up the page-running browser tests share (the backend tests `webgpu*.browser.test.ts`,
 * `backend-tfjs.browser.test.ts`, `bpe.browser.test.ts`, and viz-page.ts's suite): for one `describe` block, a static server of the repository with in-memory
 * pages and one headless Chromium, started in `beforeAll` and closed in `afterAll`; `open` loads a page and
 * returns the `window.result` the page's script sets when it is done.
 */

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchChromium, serveStatic } from './browser.js';

/** What {@link browserPages} gives a `describe` block. */
export interface BrowserPages {
  /** The headless Chromium (set in `beforeAll`). */
  readonly browser: Browser;
  /** The server's URL and every path requested so far (set in `beforeAll`). */
  readonly server: { url: string; requests: string[] };
  /**
   * Loads `path` in a new page and returns its `window.result` once the page has set it.
   *
   * @param path - The path, with its query (`/webgpu.html?fused=true`).
   * @param timeoutMs - How long the page may take.
   */
  open<R>(path: string, timeoutMs: number): Promise<R>;
}

/**
 * Registers `beforeAll`/`afterAll` hooks that serve `root` (plus `pages`) and launch Chromium with the
 * machine's flags and `flags`; call inside `describe`.
 *
 * @param root - The folder served (the repository root: pages load `/packages/<pkg>/dist/…`).
 * @param pages - In-memory pages by path.
 * @param flags - Extra Chromium flags (e.g. `--enable-unsafe-webgpu`).
 * @param chromiumPath - The Chromium to launch (`chromiumForTests()`).
 * @returns The server and `open`.
 */
export function browserPages(
  root: string,
  pages: Record<string, string>,
  flags: readonly string[],
  chromiumPath: string,
): BrowserPages {
  let browser: Browser | undefined;
  let served: Awaited<ReturnType<typeof serveStatic>> | undefined;
  beforeAll(async () => {
    served = await serveStatic(root, pages);
    browser = await launchChromium(chromiumPath, flags);
  });
  afterAll(async () => {
    await browser?.close();
    served?.server.close();
  });
  return {
    get browser() {
      return browser!;
    },
    get server() {
      return served!;
    },
    async open<R>(path: string, timeoutMs: number): Promise<R> {
      const page = await browser!.newPage();
      try {
        await page.goto(`${served!.url}${path}`);
        await page.waitForFunction(() => 'result' in window, undefined, { timeout: timeoutMs, polling: 500 });
        return await page.evaluate(() => (window as unknown as { result: R }).result);
      } finally {
        await page.close();
      }
    },
  };
}
