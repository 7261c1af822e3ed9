// `--backend webgpu` in Node for real: the built `lxmls` bin in a child process, with Dawn (the npm webgpu package)
// on Chromium's SwiftShader Vulkan driver, the software adapter of a machine without a GPU (Debian's chromium ships
// libvk_swiftshader.so, its ICD manifest and a Vulkan loader in /usr/lib/chromium). Skipped where the driver or
// the webgpu package is absent; needs `tsc --build` first (as bin.test.ts). The same code runs on a GPU.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { dawnWarnings, findDawn } from './webgpu-node.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const built = existsSync(new URL('../dist/main.js', import.meta.url));
const chromium = ['/usr/lib/chromium', '/usr/lib/chromium-browser'].find((dir) =>
  existsSync(`${dir}/vk_swiftshader_icd.json`),
);
const dawn = findDawn();
const swiftShader = chromium !== undefined && dawn !== null;
// the Vulkan loader and the SwiftShader driver that Chromium ships
const env = {
  ...process.env,
  LD_LIBRARY_PATH: chromium,
  VK_ICD_FILENAMES: `${chromium}/vk_swiftshader_icd.json`,
};

async function lxmls(args: string[], onSwiftShader = true): Promise<string> {
  const { stdout } = await promisify(execFile)('node', ['apps/cli/bin/lxmls.js', ...args], {
    cwd: root,
    ...(onSwiftShader ? { env } : {}),
    timeout: 240_000,
  });
  return stdout;
}

describe('dawnWarnings', () => {
  test.each([
    ['', ''],
    [
      "Warning: Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory\n    at operator() (/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)\n\n",
      "Couldn't load Vulkan: libvulkan.so.1: cannot open shared object file: No such file or directory",
    ],
    [
      'Warning: vkCreateInstance: Found no drivers!\nWarning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER\n    at CheckVkSuccessImpl (VulkanError.cpp:106)\n',
      'vkCreateInstance: Found no drivers!; vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER',
    ],
  ])('dawnWarnings(%j)', (stderr, clause) => {
    expect(dawnWarnings(stderr)).toBe(clause);
  });
});

describe.runIf(swiftShader)("lxmls --backend webgpu in Node on Dawn + Chromium's SwiftShader", () => {
  test('the built bin exists', () => {
    expect(built, 'apps/cli/dist/main.js is missing: run `npx tsc --build` first').toBe(true);
  });

  test('lxmls bench train-step --backend webgpu --json counts the dispatches and submits of each step', async () => {
    const args = ['bench', 'train-step', '--backend', 'webgpu', '--json', '--steps', '1', '--warmup', '1'];
    const r = JSON.parse(await lxmls([...args, '--batch-size', '4']));
    expect(r.backend).toBe('webgpu');
    expect(r.adapter).toMatch(/swiftshader/i);
    // issue 16: the whole step (dropout, the global-norm clip, AdamW) ≤ 100 dispatches, one submit per step
    expect(r.dispatches).toBeGreaterThan(50);
    expect(r.dispatches).toBeLessThanOrEqual(100);
    expect(r.submits).toBe(1);
    expect(Number.isFinite(r.lossLast)).toBe(true);
  });

  test.each([
    ['lxmls/shakespeare-char', ['--max-new-tokens', '8', '--greedy']],
    [
      'lxmls/shakespeare-char',
      ['--max-new-tokens', '8', '--num-samples', '2', '--seed', '3', '--top-k', '10'],
    ],
    ['lxmls/gpt2-shakespeare', ['--max-new-tokens', '2', '--greedy']], // GPT-2's 50,257 logits per token
  ])('lxmls generate --model %s %j --backend webgpu gives the ids of --backend wasm', async (model, mode) => {
    const ids = async (backend: string) =>
      (
        JSON.parse(
          await lxmls([
            'generate',
            '--model',
            model,
            '--prompt',
            'ROMEO:',
            ...mode,
            '--json',
            '--backend',
            backend,
          ]),
        ) as { samples: { ids: number[] }[] }
      ).samples.map((s) => s.ids);
    expect(await ids('webgpu')).toEqual(await ids('wasm'));
  });

  test('lxmls train weather --backend webgpu gives the losses of --backend wasm, evaluated on a CPU copy', async () => {
    const args = ['train', 'weather', '--iters', '2', '--batch-size', '8', '--eval-samples', '100', '--json'];
    const run = async (backend: string) => {
      const lines = (await lxmls([...args, '--backend', backend])).trim().split('\n');
      return JSON.parse(lines.at(-1)!) as { trainLoss: number; evalLoss: number; labelAccuracy: number };
    };
    const [gpu, cpu] = [await run('webgpu'), await run('wasm')];
    expect(gpu.trainLoss).toBeCloseTo(cpu.trainLoss, 4);
    expect(gpu.evalLoss).toBeCloseTo(cpu.evalLoss, 4);
    expect(gpu.labelAccuracy).toBeCloseTo(cpu.labelAccuracy, 2);
  });

  test('lxmls train text --backend webgpu gives the losses and the sample of --backend wasm', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lxmls-webgpu-'));
    try {
      const data = join(dir, 'text.txt');
      await writeFile(data, 'abc ab a cab bca '.repeat(20));
      const args = [
        'train',
        'text',
        '--data',
        data,
        '--iters',
        '2',
        '--batch-size',
        '4',
        '--block-size',
        '8',
      ];
      const sizes = ['--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--json'];
      const run = async (backend: string) => {
        const lines = (await lxmls([...args, ...sizes, '--backend', backend])).trim().split('\n');
        return JSON.parse(lines.at(-1)!) as { trainLoss: number; valLoss: number; sample: string };
      };
      const [gpu, cpu] = [await run('webgpu'), await run('wasm')];
      expect(gpu.trainLoss).toBeCloseTo(cpu.trainLoss, 4);
      expect(gpu.valLoss).toBeCloseTo(cpu.valLoss, 4);
      expect(gpu.sample).toBe(cpu.sample);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.runIf(swiftShader)(
  'lxmls commands that read synchronously, with --backend webgpu on an adapter',
  () => {
    test.each([
      [['eval', 'weather', '--model', 'lxmls/weather-nano', '--backend', 'webgpu']],
      [['bench', 'kernels', '--backend', 'webgpu']],
    ])('lxmls %j is one line naming the commands webgpu runs, exit code 2', async (argv) => {
      const error = await promisify(execFile)('node', ['apps/cli/bin/lxmls.js', ...argv], {
        cwd: root,
        env,
      }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => e,
      );
      expect(error?.code).toBe(2);
      expect(error?.stderr).toBe(
        `lxmls ${argv[0]}: this command reads tensors synchronously, and backend webgpu's reads are asynchronous: use --backend wasm (webgpu runs lxmls train, generate --mode sample and bench train-step)\n`,
      );
    });
  },
);

describe.runIf(dawn !== null)('lxmls --backend webgpu in Node where Dawn finds no adapter', () => {
  test('lxmls bench train-step --backend webgpu without a Vulkan driver is one line naming Dawn, exit code 2', async () => {
    const noDriver = {
      ...process.env,
      VK_ICD_FILENAMES: '/nonexistent/icd.json',
      LD_LIBRARY_PATH: chromium ?? '',
    };
    const error = await promisify(execFile)(
      'node',
      ['apps/cli/bin/lxmls.js', 'bench', 'train-step', '--backend', 'webgpu'],
      {
        cwd: root,
        env: noDriver,
      },
    ).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(2);
    expect(error?.stderr.split('\n')).toHaveLength(2);
    expect(error?.stderr).toMatch(
      /^lxmls bench: backend webgpu is not available here \(Dawn, the npm webgpu package \d+\.\d+\.\d+: navigator\.gpu\.requestAdapter\(\) found no adapter.*\): use --backend wasm \(the CPU\)/,
    );
  });
});
