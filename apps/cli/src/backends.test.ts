// --backend webgpu in Node: Dawn (the npm webgpu package, webgpu-node.ts) finds no adapter on this machine kind
// (no GPU, no Vulkan driver; webgpu-node.test.ts runs the real thing on Chromium's SwiftShader driver), or is not
// installed: the command fails with one line naming what was tried, the CPU backend and the browser routes, exit
// code 2. Where Dawn does find an adapter these tests do not apply.
import { describe, expect, test } from 'vitest';
import { chooseBackend } from './backends.js';
import { runCli } from './testing.test.helpers.js';
import { findDawn, probeDawnAdapter } from './webgpu-node.js';

const dawn = findDawn();
const probe = dawn === null ? null : await probeDawnAdapter(dawn.entry);
const noAdapter = probe === null || 'reason' in probe;

const LINE = new RegExp(
  `^backend webgpu is not available here \\((${
    dawn === null
      ? 'Node has no navigator\\.gpu, and the npm package webgpu, Dawn for Node, is not installed'
      : `Dawn, the npm webgpu package ${dawn.version}: navigator\\.gpu\\.requestAdapter\\(\\) found no adapter[^\\n]*`
  })\\): use --backend wasm \\(the CPU\\); WebGPU runs in a browser: the docs site's training and generate pages, or lxmls bench train-step --backend webgpu --browser$`,
);

describe('chooseBackend', () => {
  test.runIf(noAdapter)(
    "chooseBackend('webgpu') without an adapter throws the one-line CliError",
    async () => {
      const error = await chooseBackend('webgpu').catch((e) => e);
      expect(error.message).toMatch(LINE);
    },
  );

  test('chooseBackend(undefined) still picks wasm with webgpu registered', async () => {
    expect((await chooseBackend(undefined)).name).toBe('wasm');
  });
});

describe('lxmls --backend webgpu', () => {
  // where Dawn finds an adapter, webgpu-node.test.ts runs these commands
  test
    .runIf(noAdapter)
    .each([
      [['train', 'weather', '--iters', '1', '--backend', 'webgpu']],
      [['bench', 'train-step', '--backend', 'webgpu']],
      [['bench', 'kernels', '--backend', 'webgpu', '--json']],
      [['generate', '--model', 'gpt2', '--backend', 'webgpu']],
    ])('lxmls %j fails with exit code 2 and one line', async (argv) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.split('\n')).toHaveLength(2); // one line
    expect(stderr.slice(`lxmls ${argv[0]}: `.length, -1)).toMatch(LINE);
    expect(stderr.startsWith(`lxmls ${argv[0]}: `)).toBe(true);
  });
});
