import { join } from 'node:path';
import { LxmlsOnnxError } from '@lxmls/onnx';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { onnxCliError } from './onnx-backend.js';
import { runCli } from './testing.test.helpers.js';
import { useTinyGptFolder } from './testing-gpt.test.helpers.js';

const fixture = useTinyGptFolder('lxmls-onnx-backend-', { beforeAll, afterAll });

/** `lxmls generate` on the tiny GPT with `--backend backend`; exit code 0 expected. */
async function generate(backend: string, args: string[]): Promise<string> {
  const { code, stdout, stderr } = await runCli([
    'generate',
    '--model',
    fixture.dir,
    '--prompt',
    'Hello, my',
    '--backend',
    backend,
    ...args,
  ]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  return stdout;
}

/** The leaves of a JSON value with their paths, in order. */
function leaves(value: unknown, path = ''): [string, unknown][] {
  if (value === null || typeof value !== 'object') return [[path, value]];
  return Object.entries(value).flatMap(([key, v]) => leaves(v, `${path}/${key}`));
}

/** The JSON line without the timing. */
const withoutSpeed = (line: string) => {
  const { tokensPerSecond, ...rest } = JSON.parse(line) as { tokensPerSecond: number };
  expect(tokensPerSecond).toBeGreaterThan(0);
  return rest;
};

describe('lxmls generate --backend onnx…', () => {
  test.each([
    ['onnx', ['--greedy', '--max-new-tokens', '12']],
    ['onnx-node', ['--greedy', '--max-new-tokens', '12']],
    ['onnx-wasm', ['--greedy', '--max-new-tokens', '12']],
    ['onnx', ['--greedy', '--max-new-tokens', '20']], // past the block of 16: the context slides
    ['onnx', ['--mode', 'topk', '--num-samples', '3', '--max-new-tokens', '6']],
    ['onnx-wasm', ['--top-k', '5', '--seed', '3', '--num-samples', '2', '--max-new-tokens', '8']],
  ])('generate --backend %s %j prints the JSON of --backend wasm', async (backend, args) => {
    const onnx = withoutSpeed(await generate(backend, [...args, '--json']));
    const wasm = withoutSpeed(await generate('wasm', [...args, '--json']));
    expect(onnx).toEqual(wasm);
  });

  test('generate --backend onnx prints the texts as the tensor path does', async () => {
    const args = ['--greedy', '--max-new-tokens', '8', '--num-samples', '2'];
    expect(await generate('onnx', args)).toBe(await generate('wasm', args));
  });

  test('generate --backend onnx-webgpu in Node: exit 2, one line naming WebGPU and the backends to use', async () => {
    const { code, stdout, stderr } = await runCli([
      'generate',
      '--model',
      fixture.dir,
      '--backend',
      'onnx-webgpu',
    ]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe(
      'lxmls generate: --backend onnx-webgpu: WebGPU is not available here (no navigator.gpu (Node has none)); use --backend onnx, onnx-node or onnx-wasm, or the docs site in a browser with WebGPU\n',
    );
  });

  test('generate --help lists the ONNX backends', async () => {
    const { stdout } = await runCli(['generate', '--help']);
    expect(stdout).toContain('onnx (onnxruntime-node when it is installed, else onnxruntime-web');
  });
});

describe('lxmls viz --backend onnx…', () => {
  test.each(['onnx', 'onnx-wasm'])(
    'viz --backend %s --json: the tokens, shape and attention patterns of the tensor path',
    async (backend) => {
      const text = 'The cat sat on the mat because it was tired.';
      const run = async (b: string) => {
        const { code, stdout, stderr } = await runCli([
          'viz',
          '--model',
          fixture.dir,
          '--text',
          text,
          '--svg',
          join(fixture.root, `${b}.svg`),
          '--backend',
          b,
          '--json',
        ]);
        expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
        return JSON.parse(stdout) as {
          tokens: string[];
          attentionShape: number[];
          patterns: unknown;
        };
      };
      const [onnx, wasm] = [await run(backend), await run('wasm')];
      expect(onnx.tokens).toEqual(wasm.tokens);
      expect(onnx.attentionShape).toEqual([1, 2, 2, 11, 11]);
      expect(onnx.attentionShape).toEqual(wasm.attentionShape);
      // every head's patterns, leaf by leaf: the same keys and nulls, the numbers within 1e-5
      const got = leaves(onnx.patterns);
      const want = leaves(wasm.patterns);
      expect(got.map(([path]) => path)).toEqual(want.map(([path]) => path));
      expect(got.length).toBeGreaterThan(8);
      for (const [i, [path, value]] of got.entries()) {
        const other = want[i]![1];
        if (typeof value === 'number' && typeof other === 'number')
          expect(Math.abs(value - other), path).toBeLessThan(1e-5);
        else expect(value, path).toEqual(other);
      }
    },
  );

  test.each([
    [
      ['--view', 'neuron'],
      "lxmls viz: --view neuron needs each head's queries and keys, which the ONNX export does not output: use --view head or model with --backend onnx, or a tensor backend (wasm) for the neuron view\n",
    ],
    [
      ['--model', 'lxmls/bert-mini'],
      'lxmls viz: --backend onnx runs GPT models only; a BERT runs on the tensor backends (wasm, js)\n',
    ],
  ])('viz --backend onnx %j: exit 2, one line', async (args, message) => {
    const argv = [
      'viz',
      '--model',
      fixture.dir,
      '-o',
      join(fixture.root, 'x.html'),
      '--backend',
      'onnx',
      ...args,
    ];
    const { code, stdout, stderr } = await runCli(argv);
    expect({ code, stdout, stderr }).toEqual({ code: 2, stdout: '', stderr: message });
  });
});

describe('onnxCliError', () => {
  test('onnxCliError(RUNTIME_UNAVAILABLE, onnx-node) says what to install; other codes keep the message', () => {
    const missing = new LxmlsOnnxError('RUNTIME_UNAVAILABLE', 'ONNX Runtime is not installed', {
      fn: 'createSession',
      received: 'onnx-node: the module does not load',
    });
    expect(onnxCliError(missing, 'onnx-node').message).toBe(
      '--backend onnx-node: ONNX Runtime is not installed (onnx-node: the module does not load); install onnxruntime-node (or onnxruntime-web for onnx-wasm), or use a tensor backend (wasm)',
    );
    const other = new LxmlsOnnxError('UNSUPPORTED_MODEL', 'model is not a GPT', { fn: 'exportOnnx' });
    expect(onnxCliError(other, 'onnx').message).toBe(other.message);
  });
});
