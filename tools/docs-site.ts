/**
 * The docs site (apps/docs) for the browser tests, set up once: Vite builds it into a temporary folder, a
 * local server on 127.0.0.1 serves the build with the headers of `vite preview` (apps/docs/vite.config.ts
 * `preview.headers`: cross-origin isolation, as the README asks of a static host), and headless Chromium
 * (tools/browser.ts) opens its pages, recording everything that goes wrong on them.
 *
 * The site is built ONCE per vitest run, not once per test file: tools/docs-site-setup.ts (the project's
 * `globalSetup`) provides a folder for the run, the first test file that needs the site builds it there
 * (under a lock, a directory made with `mkdir`), and the others wait for that build and serve it. Without
 * that `globalSetup` (another config) each file builds its own copy, as before.
 *
 * Used by tools/docs.browser.test.ts, docs-exercises.browser.test.ts, docs-notebook.browser.test.ts and
 * prompting.browser.test.ts; vitest's `inject` makes it importable from test files only.
 */

import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { launchChromium, serveStatic } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** apps/docs/vite.config.ts: the config the site is built and previewed with. */
const CONFIG_FILE = join(root, 'apps/docs/vite.config.ts');
/** How long a test file waits for another file's build of the site. */
const BUILD_WAIT_MS = 600_000;

/** tools/browser.ts `chromiumForTests`, for the docs browser tests that import everything from here. */
export { chromiumForTests } from './browser.js';

/** Vite's `build`, loosely typed (the config is apps/docs/vite.config.ts). */
type ViteBuild = (config: Record<string, unknown>) => Promise<unknown>;

/** Vite's `resolveConfig`, loosely typed: the resolved config's `preview.headers` are what the build is served with. */
export type ViteResolveConfig = (
  config: Record<string, unknown>,
  command: 'build' | 'serve',
  mode?: string,
  nodeEnv?: string,
  isPreview?: boolean,
) => Promise<{ preview: { headers?: Record<string, string> }; server: { headers?: Record<string, string> } }>;

/**
 * Vite's JS API: the workspace's `vite` (a dependency of apps/docs and of vitest), found from vitest's own
 * package so that this works whether or not `tools` lists vite itself.
 */
export async function loadVite(): Promise<{ build: ViteBuild; resolveConfig: ViteResolveConfig }> {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const pkgFile = fromVitest.resolve('vite/package.json');
  const pkg = fromVitest(pkgFile) as { exports: { '.': string | { import?: string; default?: string } } };
  const entry = pkg.exports['.'];
  const file = typeof entry === 'string' ? entry : (entry.import ?? entry.default)!;
  return import(pathToFileURL(join(dirname(pkgFile), file)).href);
}

/**
 * Resolves apps/docs/vite.config.ts as `vite dev` (`mode` `'development'`) or `vite preview` (`'production'`)
 * does: `server.headers` and `preview.headers` are the headers those servers send.
 */
export async function resolveDocsConfig(
  mode: 'development' | 'production',
): Promise<Awaited<ReturnType<ViteResolveConfig>>> {
  const { resolveConfig } = await loadVite();
  const config = { configFile: CONFIG_FILE, logLevel: 'error' };
  return mode === 'development'
    ? resolveConfig(config, 'serve', 'development')
    : resolveConfig(config, 'serve', 'production', 'production', true);
}

/** A build of the docs site: its folder and the headers `vite preview` serves it with. */
export interface DocsSiteBuild {
  /** The folder of the build (Vite's `outDir`). */
  outDir: string;
  /** The headers `vite preview` sends (apps/docs/vite.config.ts `preview.headers`). */
  previewHeaders: Record<string, string>;
}

/** Builds apps/docs into `outDir` and resolves its preview headers. */
async function buildDocsSite(outDir: string): Promise<DocsSiteBuild> {
  const { build } = await loadVite();
  await build({ configFile: CONFIG_FILE, logLevel: 'error', build: { outDir, emptyOutDir: true } });
  const config = await resolveDocsConfig('production');
  return { outDir, previewHeaders: { ...config.preview.headers } };
}

/** What the building test file leaves for the others: the build, or why it failed. */
type BuildRecord = DocsSiteBuild | { error: string };

/**
 * The docs site built once for this vitest run (in the folder of tools/docs-site-setup.ts): the first caller
 * builds it, the others (other test files, other workers) wait for it. `owned` is true when the folder is
 * this caller's own (no `globalSetup` provided one), to be removed by it.
 */
export async function docsSiteBuild(): Promise<DocsSiteBuild & { owned: boolean }> {
  // `lxmlsDocsSiteDir` is declared in tools/docs-site-setup.ts (vitest's `ProvidedContext`)
  const runDir = inject('lxmlsDocsSiteDir');
  if (!runDir) {
    const own = await buildDocsSite(mkdtempSync(join(tmpdir(), 'lxmls-docs-')));
    return { ...own, owned: true };
  }
  const recordFile = join(runDir, 'build.json');
  let builder = false;
  try {
    mkdirSync(join(runDir, 'lock'));
    builder = true;
  } catch {
    // another test file builds it
  }
  if (builder) {
    let record: BuildRecord;
    try {
      record = await buildDocsSite(join(runDir, 'site'));
    } catch (e) {
      record = { error: e instanceof Error ? (e.stack ?? e.message) : String(e) };
    }
    // written whole, then renamed: a waiting file never reads half a record
    writeFileSync(`${recordFile}.part`, JSON.stringify(record));
    renameSync(`${recordFile}.part`, recordFile);
  }
  const start = Date.now();
  while (!existsSync(recordFile)) {
    if (Date.now() - start > BUILD_WAIT_MS)
      throw new Error(`docsSiteBuild: no build of apps/docs in ${runDir} after ${BUILD_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const record = JSON.parse(readFileSync(recordFile, 'utf8')) as BuildRecord;
  if ('error' in record) throw new Error(`docsSiteBuild: the build of apps/docs failed:\n${record.error}`);
  return { ...record, owned: false };
}

/** A static server of {@link serveStatic}. */
export type StaticServer = Awaited<ReturnType<typeof serveStatic>>;

/** The docs site served and a browser to open it: what a docs browser test's `beforeAll` sets up. */
export interface DocsSite extends DocsSiteBuild {
  /** The build, served on 127.0.0.1 with {@link DocsSiteBuild.previewHeaders}. */
  server: StaticServer;
  /** Headless Chromium. */
  browser: Browser;
  /** Closes the browser and the server (and removes the build if it is this file's own). */
  close(): Promise<void>;
}

/**
 * Serves the run's build of the docs site ({@link docsSiteBuild}) as `vite preview` does and launches
 * headless Chromium at `chromiumPath` (with the extra `flags`, e.g. `--enable-unsafe-webgpu`); call
 * `close()` in `afterAll`.
 */
export async function openDocsSite(chromiumPath: string, flags: readonly string[] = []): Promise<DocsSite> {
  const { owned, ...build } = await docsSiteBuild();
  const server = await serveStatic(build.outDir, {}, { headers: build.previewHeaders });
  const browser = await launchChromium(chromiumPath, flags);
  return {
    ...build,
    server,
    browser,
    async close() {
      await browser.close();
      server.server.close();
      if (owned) rmSync(build.outDir, { recursive: true, force: true });
    },
  };
}

/**
 * For the `describe` block that calls it: {@link openDocsSite} (with Chromium's extra `flags`) before its tests
 * (waiting for the run's build), `close()` after them. Read `site` inside the tests.
 */
export function useDocsSite(
  chromiumPath: string | undefined,
  flags: readonly string[] = [],
): { readonly site: DocsSite } {
  let site: DocsSite | undefined;
  beforeAll(async () => {
    site = await openDocsSite(chromiumPath!, flags);
  }, BUILD_WAIT_MS);
  afterAll(async () => {
    await site?.close();
  });
  return {
    get site() {
      return site!;
    },
  };
}

/**
 * Expects what every page of the site gives: served with COOP/COEP it is cross-origin isolated
 * (SharedArrayBuffer, two wasm threads), the inlined stylesheet applies (the header has its background), and
 * every form control has a label.
 */
export async function expectUsablePage(page: Page): Promise<void> {
  expect(await page.evaluate(() => self.crossOriginIsolated)).toBe(true);
  expect(await page.$eval('header.site', (e) => getComputedStyle(e).backgroundColor)).not.toBe(
    'rgba(0, 0, 0, 0)',
  );
  const unlabelled = await page.$$eval('input, textarea, select, progress', (els) =>
    els
      .filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute('aria-label'))
      .map((e) => e.outerHTML),
  );
  expect(unlabelled).toEqual([]);
}

/** Options of {@link openDocsPage}. */
export interface OpenDocsPageOptions {
  /** Options of the page's own browser context (default: a 1100 × 900 viewport). */
  context?: BrowserContextOptions;
  /** Record requests that fail (default `true`). */
  failedRequests?: boolean;
  /** Record responses with an HTTP status of 400 or more (default `true`). */
  errorResponses?: boolean;
}

/**
 * Opens `path` of the served site in a new page (in a context of its own: fresh localStorage), recording
 * into `problems` what goes wrong on it: uncaught errors, console errors, requests to hosts other than
 * 127.0.0.1, and (unless turned off in `options`) failed requests and HTTP errors.
 */
export async function openDocsPage(
  site: Pick<DocsSite, 'browser' | 'server'>,
  path: string,
  problems: string[],
  options: OpenDocsPageOptions = {},
): Promise<Page> {
  const page = await site.browser.newPage({ viewport: { width: 1100, height: 900 }, ...options.context });
  page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`${path}: console error: ${m.text()}`);
  });
  page.on('request', (r) => {
    // a blob: URL (the wasm backend's worker) is local; its origin is the page's
    const url = new URL(r.url().replace(/^blob:/, ''));
    if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1')
      problems.push(`${path}: request to ${r.url()}`);
  });
  if (options.failedRequests ?? true)
    page.on('requestfailed', (r) => {
      // The wasm backend's kernel worker loads from a blob: URL (no network). When the page terminates the
      // worker that spawned it (a training run that fails at once) before that load ends, Chromium reports
      // the load as failed: a local load cut short, not a failed request. That the kernel worker starts and
      // computes is tested by tools/backend-wasm.browser.test.ts.
      if (r.url().startsWith('blob:')) return;
      problems.push(`${path}: request failed: ${r.url()} (${r.failure()?.errorText ?? 'no reason given'})`);
    });
  if (options.errorResponses ?? true)
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${path}: ${r.status()} for ${r.url()}`);
    });
  await page.goto(`${site.server.url}/${path}`);
  return page;
}
