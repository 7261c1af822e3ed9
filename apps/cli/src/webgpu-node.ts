/**
 * WebGPU in Node for `--backend webgpu` (issue 16): Dawn from the npm `webgpu` package (an optional dependency
 * of this app, loaded only when `--backend webgpu` is asked for), its `navigator.gpu` handed to
 * @lxmls/backend-webgpu's `createWebGpuBackend({ gpu })`.
 *
 * Dawn writes its own warnings to stderr from native code (e.g. "Couldn't load Vulkan: libvulkan.so.1: ...")
 * when it finds no adapter; to keep the CLI's one-line error, the adapter is first asked for in a child Node
 * process whose stderr is captured, and Dawn's warnings become part of that line. Only where the child found
 * an adapter is Dawn loaded in this process.
 *
 * Machines without a GPU: Chromium's SwiftShader is a Vulkan driver Dawn can use, e.g. with Debian's chromium
 * `LD_LIBRARY_PATH=/usr/lib/chromium VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json`.
 */

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { CliError } from './errors.js';

/** The CPU fallback and the browser routes, the end of every webgpu-unavailable line. */
const WEBGPU_FALLBACK =
  "use --backend wasm (the CPU); WebGPU runs in a browser: the docs site's training and generate pages, or lxmls bench train-step --backend webgpu --browser";

/**
 * Where the npm `webgpu` package is (resolved from this app, which has it as an optional dependency).
 *
 * @returns Its entry file and version, or null when it is not installed.
 * @example
 * ```ts
 * import { findDawn } from './webgpu-node.js';
 * const dawn = findDawn();
 * console.log(dawn === null || /^\d+\.\d+\.\d+$/.test(dawn.version)); // → true
 * ```
 */
export function findDawn(): { entry: string; version: string } | null {
  const require = createRequire(import.meta.url);
  try {
    const entry = require.resolve('webgpu');
    const version = (
      JSON.parse(readFileSync(require.resolve('webgpu/package.json'), 'utf8')) as { version: string }
    ).version;
    return { entry, version };
  } catch {
    return null;
  }
}

/**
 * Dawn's warnings on stderr as one clause: the `Warning: ` lines without their source locations, joined by
 * `; `, or '' when there are none.
 *
 * @param stderr - What the Dawn process wrote to stderr.
 * @returns The clause.
 * @example
 * ```ts
 * import { dawnWarnings } from './webgpu-node.js';
 * const stderr = "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file\n    at operator() (BackendVk.cpp:368)\n\n";
 * console.log(dawnWarnings(stderr)); // → Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file
 * ```
 */
export function dawnWarnings(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('at '))
    .map((line) => line.replace(/^Warning: /, ''))
    .filter((line, i, lines) => lines.indexOf(line) === i)
    .join('; ');
}

/** The script of the child process: Dawn's first adapter, as JSON on stdout (`null` for none). */
function probeScript(entry: string): string {
  return `const { create } = await import(${JSON.stringify(pathToFileURL(entry).href)});
const adapter = await create([]).requestAdapter();
const i = adapter?.info ?? {};
process.stdout.write(JSON.stringify(adapter ? [i.vendor, i.architecture, i.device, i.description].filter((p) => p).join(' ') : null));
process.exit(0);`;
}

/**
 * Asks Dawn (the npm `webgpu` package at `entry`) for an adapter in a child Node process.
 *
 * @param entry - The package's entry file ({@link findDawn}).
 * @returns The adapter's name, or the reason there is none (with Dawn's warnings).
 * @example
 * ```ts
 * import { probeDawnAdapter } from './webgpu-node.js';
 * const probe = await probeDawnAdapter('/nonexistent/webgpu/index.js');
 * console.log('reason' in probe && probe.reason.startsWith('loading Dawn failed')); // → true
 * ```
 */
export function probeDawnAdapter(entry: string): Promise<{ adapter: string } | { reason: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', probeScript(entry)],
      { encoding: 'utf8', timeout: 60_000 },
      (error, stdout, stderr) => {
        const warnings = dawnWarnings(stderr);
        const said = warnings === '' ? '' : ` (Dawn: ${warnings})`;
        if (error) {
          resolve({ reason: `loading Dawn failed: ${error.message.split('\n')[0]}${said}` });
          return;
        }
        const adapter = JSON.parse(stdout || 'null') as string | null;
        resolve(
          adapter === null
            ? { reason: `navigator.gpu.requestAdapter() found no adapter${said}` }
            : { adapter },
        );
      },
    );
  });
}

/**
 * The `navigator.gpu` of Dawn in this process, for `createWebGpuBackend({ gpu })`, after a child process
 * found an adapter ({@link probeDawnAdapter}).
 *
 * @returns Dawn's `navigator.gpu`.
 * @throws {@link CliError} with one line where the `webgpu` package is not installed or Dawn finds no
 *   adapter: what was tried, the reason, and the CPU and browser routes.
 * @example
 * ```ts
 * import { nodeWebGpu } from './webgpu-node.js';
 * const found = await nodeWebGpu().then(() => 'Dawn found an adapter', (e: Error) => e.message);
 * console.log(/^(Dawn found an adapter|backend webgpu is not available here)/.test(found)); // → true
 * ```
 */
export async function nodeWebGpu(): Promise<unknown> {
  const dawn = findDawn();
  if (dawn === null)
    throw new CliError(
      `backend webgpu is not available here (Node has no navigator.gpu, and the npm package webgpu, Dawn for Node, is not installed): ${WEBGPU_FALLBACK}`,
    );
  const probe = await probeDawnAdapter(dawn.entry);
  if ('reason' in probe)
    throw new CliError(
      `backend webgpu is not available here (Dawn, the npm webgpu package ${dawn.version}: ${probe.reason}): ${WEBGPU_FALLBACK}`,
    );
  const { create } = (await import(pathToFileURL(dawn.entry).href)) as { create(flags: string[]): unknown };
  return create([]);
}
