// `lxmls bench`: JSON fields, the human table, and exit code 2 with one line for bad arguments.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableThreads } from '@lxmls/backend-wasm';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

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

  test('train-step --attention exercise and separate give the same losses (the same parameters, two computations)', async () => {
    const run = async (attention: string) => {
      const argv = ['bench', 'train-step', '--attention', attention, '--batch-size', '4', '--steps', '2'];
      const { code, stdout } = await runCli([...argv, '--warmup', '0', '--json']);
      expect(code).toBe(0);
      return JSON.parse(stdout) as { attention: string; lossFirst: number; lossLast: number };
    };
    const exercise = await run('exercise');
    const separate = await run('separate');
    expect(exercise.attention).toBe('exercise');
    expect(exercise.lossFirst).toBeCloseTo(separate.lossFirst, 5);
    expect(exercise.lossLast).toBeCloseTo(separate.lossLast, 4);
  });

  test('train-weather --attention FILE --json: the course run and the file run side by side, with the targets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lxmls-bench-'));
    const file = join(dir, 'attention.js');
    writeFileSync(file, "export { CausalSelfAttention } from '@lxmls/attention';\n");
    const argv = ['bench', 'train-weather', '--attention', file, '--iters', '3', '--eval-samples', '20'];
    const { code, stdout, stderr } = await runCli([...argv, '--json']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout.trim().split('\n')).toHaveLength(1);
    const record = JSON.parse(stdout);
    expect(Object.keys(record)).toEqual([
      'bench',
      'backend',
      'threads',
      'recipe',
      'iters',
      'batchSize',
      'learningRate',
      'seed',
      'evalSamples',
      'bayesLossAll',
      'bayesLossTest',
      'course',
      'attention',
      'msPerIterRatio',
      'targets',
      'passed',
      'cpu',
      'cores',
      'node',
    ]);
    expect(record).toMatchObject({
      bench: 'train-weather',
      backend: 'wasm',
      iters: 3,
      batchSize: 64,
      evalSamples: 20,
      targets: { lossRatio: 1.04, msPerIterRatio: 2 },
      course: { attention: 'FusedCausalSelfAttention' },
      attention: { file, attention: 'CausalSelfAttention' },
      passed: { loss: false },
    });
    // the same weights, data and dropout masks: the two computations give the same losses
    expect(record.attention.evalLoss).toBeCloseTo(record.course.evalLoss, 4);
    expect(record.attention.lossRatio).toBeCloseTo(record.attention.evalLoss / 0.250169, 3);
    expect(record.msPerIterRatio).toBeCloseTo(record.attention.msPerIter / record.course.msPerIter, 10);
    // taking turns, each run draws from its own generator: the course run's numbers are lxmls train weather's
    const train = await runCli(['train', 'weather', '--iters', '3', '--eval-samples', '20', '--json']);
    const course = JSON.parse(train.stdout.trimEnd().split('\n').at(-1)!);
    expect(record.course.trainLoss).toBe(course.trainLoss);
    expect(record.course.evalLoss).toBe(course.evalLoss);
  }, 60_000);

  test('train-weather prints the table with both runs, the ratios and the machine', async () => {
    const { code, stdout } = await runCli(['bench', 'train-weather', '--iters', '2', '--eval-samples', '10']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^gpt-nano on the weather data, the course recipe \(2 iterations, batch 64/);
    expect(lines[2]).toMatch(/^ {2}FusedCausalSelfAttention \(course\) +\d+\.\d\d +\d+\.\d\d/);
    expect(lines[3]).toMatch(/^ {2}CausalSelfAttention \(the exercise form\) +\d+\.\d\d/);
    expect(lines[4]).toMatch(
      /^ {2}CausalSelfAttention takes \d+\.\d\d× the course run's ms\/iteration \(target ≤ 2×: (met|NOT met)\)/,
    );
    expect(lines[5]).toMatch(/^ {2}machine: /);
  }, 60_000);

  test('lxmls bench alone prints its usage and exits with 0', async () => {
    const { code, stdout, stderr } = await runCli(['bench']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^Usage: lxmls bench /);
    expect(stdout).toContain('train-weather');
  });

  test('kernels prints a table by default', async () => {
    const { code, stdout } = await runCli(['bench', 'kernels', '--backend', 'js', '--shapes', 'nano']);
    expect(code).toBe(0);
    expect(stdout).toContain('GFLOP/s');
    expect(stdout).toContain('machine:');
  });

  test.each([
    [['bench', '--json'], 'missing'],
    [['bench', 'nope'], 'unknown benchmark'],
    [['bench', 'kernels', '--backend', 'cuda'], 'available backends are'],
    [['bench', 'train-step', '--model', 'gpt2'], 'unknown model'],
    [['bench', 'train-step', '--batch-size', '0'], '--batch-size must be'],
    [['bench', 'train-step', '--dropout', '1'], '--dropout must be'],
    [['bench', 'train-step', '--attention', 'flash'], '--attention must be'],
    [['bench', 'kernels', '--steps', '3'], 'does not apply'],
    [['bench', 'kernels', '--shapes', 'big'], '--shapes must be'],
    [['bench', 'train-step', '--threads', '3'], '--threads must be 1 or 2'],
    [
      ['bench', 'train-weather', '--steps', '3'],
      'option --steps does not apply to lxmls bench train-weather',
    ],
    [['bench', 'train-weather', '--iters', '0'], '--iters must be an integer in [1, 100000]'],
    [['bench', 'train-weather', '--attention', '/no/such/attention.ts'], 'no such file'],
    [['bench', 'train-step', '--iters', '3'], 'option --iters does not apply to lxmls bench train-step'],
    [['bench', 'train-step', '--browser', '--backend', 'wasm'], '--browser runs --backend webgpu only'],
    [
      ['bench', 'train-step', '--browser', '--compare', 'tfjs-cpu'],
      '--browser compares with tfjs-webgpu only, received "tfjs-cpu"',
    ],
    [['bench', 'train-step', '--browser', '--threads', '2'], 'option --threads applies to the wasm backend'],
    [['bench', 'kernels', '--browser'], 'option --browser does not apply to lxmls bench kernels'],
    [['bench', 'train-step', '--compare', 'tfjs-webgpu'], '--compare tfjs-webgpu needs a browser'],
  ])('%j exits with 2 and one line', async (argv, text) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toContain(text);
  });
});
