/**
 * `lxmls bench train-step --browser`: the training-step benchmark on WebGPU in headless Chromium, for where
 * Node has no WebGPU adapter. It bundles bench/browser-page.ts with esbuild at run time (TensorFlow.js's core
 * and WebGPU engine included, for `--compare tfjs-webgpu`), serves the bundle from a server of its own on
 * 127.0.0.1 (an ephemeral port: a secure context, as WebGPU requires), opens it in the system Chromium with
 * playwright-core and `--enable-unsafe-webgpu`, and returns what the page measured.
 *
 * Follows tools/browser.ts (how the browser tests find and launch Chromium). esbuild and playwright-core are
 * the workspace's development tools: this runs from a checkout of the repository, not from a published
 * package, and says so in one line when they are missing.
 */

import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TrainStepSetup } from '@lxmls/course';
import { CliError } from '../errors.js';
import type { PageBenchResult } from './browser-page.js';

/** What {@link benchTrainStepInBrowser} returns: the page's measurements and the browser's version. */
export interface BrowserBenchResult extends PageBenchResult {
  /** `Chromium 156.0…` (playwright's `browser.version()`). */
  browser: string;
}

/** The Chromium flags: headless on a server (no sandbox as root), WebGPU on (SwiftShader where no GPU). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--enable-unsafe-webgpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * The system Chromium: `$LXMLS_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on the
 * PATH.
 *
 * @returns Its path.
 * @throws {@link CliError} naming what to install when there is none.
 */
export function findChromium(): string {
  const given = process.env.LXMLS_CHROMIUM;
  if (given) return given;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      const path = execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim();
      if (path) return path;
    } catch {
      // not this one
    }
  }
  throw new CliError(
    '--browser needs Chromium (chromium, chromium-browser or google-chrome on the PATH, or LXMLS_CHROMIUM=/path/to/chrome): install it, or leave out --browser',
  );
}

/** Imports a development tool of the workspace, or says in one line that --browser needs it. */
async function devTool<T>(name: string): Promise<T> {
  try {
    return (await import(/* @vite-ignore */ name)) as T;
  } catch {
    throw new CliError(
      `--browser needs ${name} (a development dependency of the lxmls-ts workspace): run it from a checkout after pnpm install`,
    );
  }
}

/** The folder of @lxmls/backend-tfjs, where TensorFlow.js's packages resolve from. */
function backendTfjsDir(): string {
  const entry = fileURLToPath(import.meta.resolve('@lxmls/backend-tfjs')); // …/backend-tfjs/dist/index.js
  return dirname(dirname(realpathSync(entry)));
}

/** This folder's browser-page module: the compiled `.js`, or the `.ts` source under a test runner. */
function pageModule(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, 'browser-page.js');
  return existsSync(js) ? js : join(here, 'browser-page.ts');
}

/**
 * Bundles the page: TensorFlow.js core and its WebGPU engine (resolved from @lxmls/backend-tfjs's
 * dependencies), and bench/browser-page.ts, which exposes `window.lxmlsBench(setup, compare)`.
 */
async function bundle(): Promise<string> {
  const esbuild = await devTool<typeof import('esbuild')>('esbuild');
  const entry = [
    "import * as tf from '@tensorflow/tfjs-core';",
    "import '@tensorflow/tfjs-backend-webgpu';",
    `import { benchTrainStepInPage } from ${JSON.stringify(pageModule())};`,
    'window.lxmlsBench = (setup, compare) => benchTrainStepInPage(setup, compare, tf);',
  ].join('\n');
  // the packages import node: modules dynamically, on Node only: left out of the page
  const result = await esbuild
    .build({
      stdin: { contents: entry, resolveDir: backendTfjsDir(), sourcefile: 'bench-entry.js', loader: 'js' },
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      external: ['node:*'],
    })
    .catch((error: Error) => {
      throw new CliError(`--browser: the page could not be bundled: ${error.message.split('\n')[0]}`);
    });
  return result.outputFiles[0]!.text;
}

/**
 * Runs the gpt-nano training-step benchmark on `webgpu` (and `compare`) in headless Chromium.
 *
 * @param setup - The step, as `lxmls bench train-step` takes it.
 * @param compare - `tfjs-webgpu`, or undefined.
 * @param timeoutMs - How long the page may take (default 30 minutes: SwiftShader takes seconds per step).
 * @returns What the page measured, and the browser's version.
 * @throws {@link CliError} when Chromium, esbuild or playwright-core is missing, or the page fails.
 */
export async function benchTrainStepInBrowser(
  setup: TrainStepSetup,
  compare: string | undefined,
  timeoutMs = 30 * 60_000,
): Promise<BrowserBenchResult> {
  const executablePath = findChromium();
  const { chromium } = await devTool<typeof import('playwright-core')>('playwright-core');
  const script = await bundle();
  const html =
    '<!doctype html><meta charset="utf-8"><title>lxmls bench</title><script type="module" src="/bench.js"></script>';
  const server = createServer((req, res) => {
    const js = req.url === '/bench.js';
    res.writeHead(js || req.url === '/' ? 200 : 404, {
      'content-type': js ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8',
    });
    res.end(js ? script : req.url === '/' ? html : '');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);
    await page
      .waitForFunction(() => 'lxmlsBench' in window, undefined, { timeout: 60_000 })
      .catch(() => {
        throw new CliError(
          `the benchmark page did not start in Chromium${errors.length > 0 ? `: ${errors[0]}` : ''}`,
        );
      });
    page.setDefaultTimeout(timeoutMs);
    const result = await page
      .evaluate(
        ([s, c]) =>
          (
            window as unknown as {
              lxmlsBench: (s: TrainStepSetup, c?: string) => Promise<PageBenchResult>;
            }
          ).lxmlsBench(s, c ?? undefined),
        [setup, compare ?? null] as const,
      )
      .catch((error: Error) => {
        throw new CliError(`the benchmark failed in Chromium: ${error.message.split('\n')[0]}`);
      });
    return { ...result, browser: `Chromium ${browser.version()}` };
  } finally {
    await browser.close();
    server.close();
  }
}
