// --backend webgpu in Node: this machine kind has no WebGPU adapter (Node 20 has no navigator.gpu), so the
// command fails with one line naming the reason and the CPU backend to use, exit code 2.
import { describe, expect, test } from 'vitest';
import { chooseBackend } from './backends.js';
import { runCli } from './testing.js';

const LINE =
  "backend webgpu is not available here (no navigator.gpu in this environment): use --backend wasm (the CPU); WebGPU runs in a browser: the docs site's training and generate pages, or lxmls bench train-step --backend webgpu --browser";

describe('chooseBackend', () => {
  test("chooseBackend('webgpu') without an adapter throws the one-line CliError", async () => {
    await expect(chooseBackend('webgpu')).rejects.toMatchObject({ message: LINE });
  });

  test('chooseBackend(undefined) still picks wasm with webgpu registered', async () => {
    expect((await chooseBackend(undefined)).name).toBe('wasm');
  });
});

describe('lxmls --backend webgpu', () => {
  test.each([
    [['train', 'weather', '--iters', '1', '--backend', 'webgpu']],
    [['bench', 'train-step', '--backend', 'webgpu']],
    [['bench', 'kernels', '--backend', 'webgpu', '--json']],
    [['generate', '--model', 'gpt2', '--backend', 'webgpu']],
  ])('lxmls %j fails with exit code 2 and one line', async (argv) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(`lxmls ${argv[0]}: ${LINE}\n`);
  });
});
