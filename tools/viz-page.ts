/**
 * What the @lxmls/viz browser tests share (tools/viz.browser.test.ts, tools/viz-features.browser.test.ts):
 * the suite's server, browser and test page ({@link vizSuite}), counting the attention lines a view draws, counting the ink of a screenshot, and opening a `toHtml` export
 * from file:// with every request and page error recorded (an export must work offline: no request, no error).
 */

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { REPO_ROOT } from './browser.js';
import { browserPages } from './browser-pages.js';

const root = REPO_ROOT;

/** A test page's globals (the package, the fixture makers, views); loosely typed on purpose. */
// biome-ignore lint/suspicious/noExplicitAny: the page's globals are whatever the page script put there
export type Win = Record<string, any>;

/** What {@link vizSuite} gives the tests of a suite (valid inside the tests, once `beforeAll` has run). */
export interface VizSuite {
  /** Headless Chromium. */
  readonly browser: Browser;
  /** The page errors of every page {@link VizSuite.open} opened. */
  readonly errors: string[];
  /** A new page of the suite's test page, its errors recorded, once its script has set `window.ready`. */
  open(options?: Parameters<Browser['newPage']>[0]): Promise<Page>;
}

/**
 * For the `describe` block that calls it: before its tests, serves the repository (the built package under
 * `/packages/viz/dist/`) with `html` as `/viz.html` and launches Chromium at `chromiumPath`; after them, closes
 * both.
 */
export function vizSuite(chromiumPath: string | undefined, html: string): VizSuite {
  const pages = browserPages(root, { '/viz.html': html }, [], chromiumPath!);
  const errors: string[] = [];
  return {
    get browser() {
      return pages.browser;
    },
    errors,
    async open(options) {
      const page = await pages.browser.newPage(options);
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${pages.server.url}/viz.html`);
      await page.waitForFunction(() => 'ready' in window, undefined, { timeout: 30_000 });
      return page;
    },
  };
}

/** The attention lines drawn under `scope`: neither their head group nor a focus rule hides them. */
export function visibleLines(page: Page, scope = 'body'): Promise<number> {
  return page.evaluate(
    (sel) =>
      Array.from(document.querySelectorAll(`${sel} .lx-line`)).filter(
        (line) => getComputedStyle(line).display !== 'none' && !line.closest('[display="none"]'),
      ).length,
    scope,
  );
}

/**
 * Pixels of an image (a screenshot, or its base64) that differ from its top-left pixel (the background),
 * counted in the browser.
 */
export function inkPixels(page: Page, image: Buffer | string, mime = 'image/png'): Promise<number> {
  const base64 = typeof image === 'string' ? image : image.toString('base64');
  return page.evaluate(
    async ([b64, type]) => {
      const img = new Image();
      img.src = `data:${type};base64,${b64}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const d = ctx.getImageData(0, 0, img.width, img.height).data;
      let ink = 0;
      for (let i = 0; i < d.length; i += 4) {
        if (Math.abs(d[i]! - d[0]!) + Math.abs(d[i + 1]! - d[1]!) + Math.abs(d[i + 2]! - d[2]!) > 30) ink++;
      }
      return ink;
    },
    [base64, mime] as const,
  );
}

/**
 * Writes `html` (a `toHtml` export) to a temporary `fileName`, opens it from file:// in a new page of `browser`
 * once `selector` is attached, runs `use` on that page, then expects no request but the file's own and no page
 * or console error; the page is closed and the file removed in any case.
 */
export async function openExport(
  browser: Browser,
  html: string,
  fileName: string,
  selector: string,
  use: (offline: Page) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'lxmls-viz-'));
  const offline = await browser.newPage();
  try {
    const file = join(dir, fileName);
    writeFileSync(file, html);
    const url = pathToFileURL(file).href;
    const requests: string[] = [];
    const pageErrors: string[] = [];
    offline.on('request', (r) => requests.push(r.url()));
    offline.on('pageerror', (e) => pageErrors.push(String(e)));
    offline.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await offline.goto(url);
    await offline.waitForSelector(selector, { state: 'attached' });
    await use(offline);
    expect(requests.filter((r) => r !== url)).toEqual([]);
    expect(pageErrors).toEqual([]);
  } finally {
    await offline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
