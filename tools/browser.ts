/**
 * Headless Chromium for the browser tests: finds the system `chromium` (Debian's package, installed by
 * `.ci/run`) and launches it with playwright-core and the flags this machine needs
 * (docs/architecture.md "Tool versions that work here").
 *
 * Serves files of the repository from a local HTTP server on 127.0.0.1, so a test page can import a
 * package's built `dist/` as plain ES modules, exactly as a browser would load the published package; with
 * {@link CROSS_ORIGIN_ISOLATION} as extra headers the pages are cross-origin isolated (SharedArrayBuffer).
 */

import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

/** The repository's root folder, which the browser tests serve (`/packages/<pkg>/dist/…`). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * An import map (`<script type="importmap">`, to put before a test page's module scripts) that resolves each
 * package's name to its built entry, `/packages/<dir>/dist/index.js` under {@link serveStatic} of the repository,
 * as a bundler would: the built packages import each other by name (@lxmls/viz and @lxmls/bpe import
 * @lxmls/base).
 */
export function workspaceImportMap(): string {
  const packages = join(REPO_ROOT, 'packages');
  const imports: Record<string, string> = {};
  for (const dir of readdirSync(packages).sort()) {
    const file = join(packages, dir, 'package.json');
    if (!existsSync(file)) continue;
    const { name } = JSON.parse(readFileSync(file, 'utf8')) as { name: string };
    imports[name] = `/packages/${dir}/dist/index.js`;
  }
  return `<script type="importmap">${JSON.stringify({ imports })}</script>`;
}

/** Path of the system Chromium, or `undefined` if it is not installed. */
export function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not this one
    }
  }
  return undefined;
}

/**
 * The system Chromium for the browser tests, or `undefined` to skip them. CI installs Chromium (.ci/run), so
 * there (`CI` set) a missing browser throws instead of skipping.
 */
export function chromiumForTests(): string | undefined {
  const path = findChromium();
  if (path === undefined && process.env.CI) throw new Error('CI must install chromium for the browser tests');
  return path;
}

/**
 * Launches headless Chromium with the flags that work on this machine kind, plus `extraArgs` (e.g.
 * `--enable-unsafe-webgpu`).
 */
export async function launchChromium(
  executablePath: string,
  extraArgs: readonly string[] = [],
): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

/**
 * The response headers that make a page cross-origin isolated (`crossOriginIsolated === true`), which
 * SharedArrayBuffer, and so the wasm backend's second thread, requires.
 */
export const CROSS_ORIGIN_ISOLATION: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

/** Options of {@link serveStatic}. */
export interface ServeStaticOptions {
  /** Extra headers sent with every response (pages, files, 403 and 404), e.g. {@link CROSS_ORIGIN_ISOLATION}. */
  headers?: Readonly<Record<string, string>>;
}

/**
 * A static file server for `root` on 127.0.0.1 (an ephemeral port); `pages` adds in-memory pages, and
 * `options.headers` extra response headers.
 */
export async function serveStatic(
  root: string,
  pages: Record<string, string> = {},
  options: ServeStaticOptions = {},
): Promise<{ url: string; server: Server; requests: string[] }> {
  const requests: string[] = [];
  const extra = options.headers ?? {};
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    requests.push(path);
    for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
    const page = pages[path];
    if (page !== undefined) {
      res.writeHead(200, { 'content-type': TYPES['.html']! }).end(page);
      return;
    }
    const file = normalize(join(root, path));
    if (!file.startsWith(root)) {
      res.writeHead(403).end();
      return;
    }
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, requests };
}
