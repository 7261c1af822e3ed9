// `lxmls bench`: JSON fields, the human table, and exit code 2 with one line for bad arguments.

import { availableThreads } from '@lxmls/backend-wasm';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.js';

describe('lxmls bench', () => {
  test('train-step --compare tfjs-cpu times both backends in one run, from the same loss', async () => {
    const argv = ['bench', 'train-step', '--backend', 'wasm', '--compare', 'tfjs-cpu', '--batch-size', '2'];
    const { code, stdout } = await runCli([...argv, '--steps', '1', '--warmup', '0', '--json']);
    expect(code).toBe(0);
    const record = JSON.parse(stdout) as {
      backend: string;
      lossFirst: number;
      compare: { backend: string; lossFirst: number; medianMs: number };
      speedup: number;
    };
    expect(record.backend).toBe('wasm');
    expect(record.compare.backend).toBe('tfjs-cpu');
    expect(record.compare.lossFirst).toBeCloseTo(record.lossFirst, 4);
    expect(record.speedup).toBeGreaterThan(0);
  });

  test('train-step --json prints one line with the fields named in --help', async () => {
    const { code, stdout } = await runCli([
      'bench',
      'train-step',
      '--batch-size',
      '2',
      '--steps',
      '2',
      '--warmup',
      '1',
      '--json',
    ]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const record = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(
      [
        'backend',
        'attention',
        'batchSize',
        'bench',
        'blockSize',
        'cores',
        'cpu',
        'dropout',
        'lossFirst',
        'lossLast',
        'maxMs',
        'medianMs',
        'memory',
        'minMs',
        'model',
        'node',
        'steps',
        'threads',
        'warmup',
      ].sort(),
    );
    expect(record).toMatchObject({
      bench: 'train-step',
      model: 'gpt-nano',
      backend: 'wasm',
      batchSize: 2,
      steps: 2,
    });
    expect(record.medianMs).toBeGreaterThan(0);
  });

  test('train-step --threads 1 and --threads 2 give the same losses, and --json names the thread count', async () => {
    const run = async (threads: string) => {
      const argv = ['bench', 'train-step', '--threads', threads, '--steps', '3', '--warmup', '1', '--json'];
      const { code, stdout } = await runCli(argv);
      expect(code).toBe(0);
      return JSON.parse(stdout) as { threads: number; lossFirst: number; lossLast: number };
    };
    const one = await run('1');
    const two = await run('2');
    expect(one.threads).toBe(1);
    expect(two.threads).toBe(availableThreads());
    expect([two.lossFirst, two.lossLast]).toEqual([one.lossFirst, one.lossLast]);
  });

  test('train-step gives the same first loss on wasm and js', async () => {
    const losses = [];
    for (const backend of ['wasm', 'js']) {
      const { stdout } = await runCli([
        'bench',
        'train-step',
        '--backend',
        backend,
        '--batch-size',
        '2',
        '--steps',
        '1',
        '--warmup',
        '0',
        '--json',
      ]);
      losses.push((JSON.parse(stdout) as { lossFirst: number }).lossFirst);
    }
    expect(losses[0]).toBeCloseTo(losses[1]!, 4);
  });

  test('kernels --shapes nano --json lists every gpt-nano shape with its GFLOP/s', async () => {
    const { code, stdout } = await runCli(['bench', 'kernels', '--shapes', 'nano', '--json']);
    expect(code).toBe(0);
    const record = JSON.parse(stdout) as {
      bench: string;
      backend: string;
      results: { name: string; gflops: number }[];
    };
    expect(record.bench).toBe('kernels');
    expect(record.results.map((r) => r.name)).toContain('nano qkv');
    expect(record.results.every((r) => r.gflops > 0 && r.name.startsWith('nano'))).toBe(true);
  });

  test('kernels --compare js --shapes nano --json times the same shapes on both backends', async () => {
    const argv = ['bench', 'kernels', '--backend', 'wasm', '--compare', 'js', '--shapes', 'nano', '--json'];
    const { code, stdout } = await runCli(argv);
    expect(code).toBe(0);
    const record = JSON.parse(stdout) as {
      results: { name: string }[];
      compare: { backend: string; results: { name: string; gflops: number }[] };
    };
    expect(record.compare.backend).toBe('js');
    expect(record.compare.results.map((r) => r.name)).toEqual(record.results.map((r) => r.name));
    expect(record.compare.results.every((r) => r.gflops > 0)).toBe(true);
  });

  test('kernels prints a table by default', async () => {
    const { code, stdout } = await runCli(['bench', 'kernels', '--backend', 'js', '--shapes', 'nano']);
    expect(code).toBe(0);
    expect(stdout).toContain('GFLOP/s');
    expect(stdout).toContain('machine:');
  });

  test.each([
    [['bench'], 'missing'],
    [['bench', 'nope'], 'unknown benchmark'],
    [['bench', 'kernels', '--backend', 'cuda'], 'available backends are'],
    [['bench', 'train-step', '--model', 'gpt2'], 'unknown model'],
    [['bench', 'train-step', '--batch-size', '0'], '--batch-size must be'],
    [['bench', 'train-step', '--dropout', '1'], '--dropout must be'],
    [['bench', 'train-step', '--attention', 'flash'], '--attention must be'],
    [['bench', 'kernels', '--steps', '3'], 'does not apply'],
    [['bench', 'kernels', '--shapes', 'big'], '--shapes must be'],
    [['bench', 'train-step', '--threads', '3'], '--threads must be 1 or 2'],
  ])('%j exits with 2 and one line', async (argv, text) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(text);
  });
});
