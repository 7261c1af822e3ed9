// lxmls train text against its limits (issue 17 items 5 and 6): a model or batch that cannot fit the backend
// is refused before anything is built, naming the limit and the estimate; a learning rate that makes the loss
// NaN stops the run with one line. Each ends with exit code 2, never "internal error".
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const root = mkdtempSync(join(tmpdir(), 'lxmls-train-limits-'));
const data = join(root, 'abc.txt');
writeFileSync(data, 'abcabcabc\n'.repeat(30));
const small = ['--n-layer', '1', '--n-head', '1', '--n-embd', '8', '--block-size', '8'];

describe('lxmls train text limits', () => {
  test.each([
    [
      '--batch-size 65536 (the largest accepted)',
      ['--block-size', '64', '--batch-size', '65536'],
      'batch size 65536, block size 64',
    ],
    [
      '--model-type gpt2-xl',
      ['--model-type', 'gpt2-xl', '--block-size', '8'],
      '48 layers, 25 heads, 1600 channels',
    ],
  ])(
    'lxmls train text %s is refused before building, with one line and exit code 2',
    async (_, args, text) => {
      const { code, stdout, stderr } = await runCli(['train', 'text', '--data', data, ...args]);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toMatch(
        /^lxmls train: \[@lxmls\/gpt\] checkTrainingMemory: training needs more memory than the runtime has\. Expected at most the wasm backend's 4 GiB of WebAssembly memory, received at least [\d.]+ GiB/,
      );
      expect(stderr).toContain(text);
      expect(stderr.trim().split('\n')).toHaveLength(1);
    },
  );

  test('lxmls train weather --batch-size 65536 is refused before building, with one line and exit code 2', async () => {
    const { code, stdout, stderr } = await runCli([
      'train',
      'weather',
      '--batch-size',
      '65536',
      '--iters',
      '1',
    ]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(
      /^lxmls train: \[@lxmls\/gpt\] checkTrainingMemory: training needs more memory than the runtime has\. Expected at most the wasm backend's 4 GiB of WebAssembly memory, received at least [\d.]+ GiB .* for 3 layers, 3 heads, 48 channels, vocabulary 8, batch size 65536, block size 11\./,
    );
  });

  test('lxmls train text --lr 1e308 stops when the loss is NaN, with one line and exit code 2', async () => {
    const { code, stderr } = await runCli([
      'train',
      'text',
      '--data',
      data,
      ...small,
      '--iters',
      '20',
      '--batch-size',
      '4',
      '--lr',
      '1e308',
    ]);
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^lxmls train: \[@lxmls\/trainer\] Trainer\.run: the training loss is not finite at iteration \d+\. Expected a finite loss, received (NaN|-?Infinity)\. The run diverged \(learning rate [\d.e+]+\): lower the learning rate/,
    );
    expect(stderr).not.toContain('internal error');
  }, 60_000);
});
