// @lxmls/backend-webgpu in Node (issue 16): the whole conformance suite of @lxmls/tensor/conformance
// (`runConformance`: forward values and gradients against the js backend, gradients against finite differences)
// on `createWebGpuBackend({ gpu })` with the `navigator.gpu` of Dawn (the npm webgpu package, an optional
// dependency of this app) on Chromium's SwiftShader Vulkan driver, the software adapter of a machine without a
// GPU. Each run is a child Node process started with the driver's environment (the Vulkan loader is found
// through LD_LIBRARY_PATH, read only when a process starts), loading the built dist/ of @lxmls/tensor and
// @lxmls/backend-webgpu; four ways, as tools/webgpu.browser.test.ts in Chromium: the default (fused kernels,
// the kernel family chosen for the adapter) and the core kernels only, each with the tiled kernels forced too,
// in one child process.
// Skipped where the driver or the webgpu package is absent; needs `tsc --build` first (as bin.test.ts).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { findDawn } from './webgpu-node.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dist = (file: string) => pathToFileURL(`${root}packages/${file}`).href;
const chromium = ['/usr/lib/chromium', '/usr/lib/chromium-browser'].find((dir) =>
  existsSync(`${dir}/vk_swiftshader_icd.json`),
);
const dawn = findDawn();
const skipReason =
  chromium === undefined
    ? ' (skipped: no Chromium SwiftShader Vulkan driver, vk_swiftshader_icd.json, in /usr/lib/chromium)'
    : dawn === null
      ? ' (skipped: the npm webgpu package, Dawn for Node, is not installed)'
      : '';

/** What the child process reports for one run of the suite. */
interface ChildResult {
  options: object;
  adapter: string;
  cases: number;
  notDifferentiable: number;
  ran: number;
  skipped: number;
  failed: string[];
  /** `memory().numTensors` before and after the suite. */
  tensors: [number, number];
}

/** The four ways: the default (fused kernels, the family chosen for the adapter), core kernels only, tiled forced. */
const WAYS = [{}, { fused: false }, { kernels: 'tiled' }, { fused: false, kernels: 'tiled' }];

/** The child's script: runConformance on Dawn's adapter in each of {@link WAYS}, the counts as JSON on stdout. */
function script(): string {
  return `const { create } = await import(${JSON.stringify(pathToFileURL(dawn!.entry).href)});
const C = await import(${JSON.stringify(dist('tensor/dist/testing/conformance.js'))});
const W = await import(${JSON.stringify(dist('backend-webgpu/dist/index.js'))});
const T = await import(${JSON.stringify(dist('tensor/dist/index.js'))});
const gpu = create([]);
const out = [];
for (const options of ${JSON.stringify(WAYS)}) {
  const backend = await W.createWebGpuBackend({ gpu, ...options });
  const before = T.memory().numTensors;
  const results = await C.runConformance(backend);
  out.push({
    options,
    adapter: backend.adapterName,
    cases: C.CONFORMANCE_CASES.length,
    notDifferentiable: C.CONFORMANCE_CASES.filter((c) => c.grad === false).length,
    ran: results.filter((r) => !r.skipped).length,
    skipped: results.filter((r) => r.skipped).length,
    failed: results.filter((r) => !r.ok).map((r) => r.name + ': ' + r.detail),
    tensors: [before, T.memory().numTensors],
  });
}
process.stdout.write(JSON.stringify(out));
process.exit(0);`;
}

describe.runIf(skipReason === '')(
  `@lxmls/backend-webgpu in Node on Dawn + Chromium's SwiftShader${skipReason}`,
  () => {
    test('the built dist/ of @lxmls/tensor and @lxmls/backend-webgpu exist', () => {
      for (const file of ['tensor/dist/testing/conformance.js', 'backend-webgpu/dist/index.js'])
        expect(
          existsSync(fileURLToPath(dist(file))),
          `${file} is missing: run \`npx tsc --build\` first`,
        ).toBe(true);
    });

    // one child process for the four ways (Dawn starts once; about 25 s on an Intel Xeon with 2 vCPUs)
    test('createWebGpuBackend({ gpu }) passes the conformance suite: default, fused: false, kernels: tiled, both', {
      timeout: 180_000,
    }, async () => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', script()],
        {
          env: {
            ...process.env,
            LD_LIBRARY_PATH: chromium,
            VK_ICD_FILENAMES: `${chromium}/vk_swiftshader_icd.json`,
          },
          timeout: 170_000,
          maxBuffer: 1 << 24,
        },
      );
      const runs = JSON.parse(stdout) as ChildResult[];
      expect(runs.map((r) => r.options)).toEqual(WAYS);
      for (const r of runs) {
        expect(r.adapter).toMatch(/swiftshader/i);
        expect(r.cases).toBeGreaterThanOrEqual(72);
        // three checks per case (forward, gradients against js, against finite differences); the two gradient
        // checks are skipped for the cases without gradients
        expect(r.ran + r.skipped).toBe(3 * r.cases);
        expect(r.skipped).toBe(2 * r.notDifferentiable);
        expect(r.failed, JSON.stringify(r.options)).toEqual([]);
        expect(r.tensors[1], 'memory().numTensors over the whole suite').toBe(r.tensors[0]);
      }
    });
  },
);

describe.runIf(skipReason !== '')(
  `@lxmls/backend-webgpu in Node on Dawn + Chromium's SwiftShader${skipReason}`,
  () => {
    test.skip('createWebGpuBackend({ gpu }) passes the conformance suite', () => {});
  },
);
