// `lxmls bench train-step --backend webgpu --browser` end to end: the built CLI bundles its benchmark page
// with esbuild, serves it on 127.0.0.1, runs it in the system Chromium (SwiftShader's WebGPU adapter where
// there is no GPU) and prints one JSON line whose numbers come from the page: the median time, and the
// dispatches and submits that @lxmls/backend-webgpu counted per step. With --compare tfjs-webgpu the same
// step runs on TensorFlow.js's WebGPU engine in the same page, from the same weights and batch.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, REPO_ROOT } from './browser.js';

const root = REPO_ROOT;
const chromiumPath = chromiumForTests();
const run = promisify(execFile);

interface Record_ {
  bench: string;
  backend: string;
  browser: string;
  adapter: string;
  kernels: string;
  steps: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  lossFirst: number;
  lossLast: number;
  dispatches: number;
  submits: number;
  memory: { tensorsFirst: number; tensorsLast: number; rssLastMb: number | null };
  cpu: string;
  compare?: { backend: string; medianMs: number; lossFirst: number; dispatches?: number };
  speedup?: number;
}

/** Runs the built CLI and parses its one JSON line. */
async function bench(...args: string[]): Promise<Record_> {
  const { stdout } = await run(
    process.execPath,
    [join(root, 'apps/cli/bin/lxmls.js'), 'bench', 'train-step', '--backend', 'webgpu', '--browser', ...args],
    { env: { ...process.env, LXMLS_CHROMIUM: chromiumPath }, timeout: 280_000 },
  );
  const lines = stdout.trim().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record_;
}

describe.skipIf(chromiumPath === undefined)('lxmls bench train-step --browser', () => {
  test('lxmls bench train-step --backend webgpu --browser --json reports the counted dispatches and submits per step', async () => {
    const r = await bench('--steps', '2', '--warmup', '1', '--batch-size', '8', '--json');
    expect(r).toMatchObject({ bench: 'train-step', backend: 'webgpu', steps: 2 });
    expect(r.browser).toMatch(/^Chromium \d+/);
    expect(r.adapter.length).toBeGreaterThan(0);
    expect(['simple', 'tiled']).toContain(r.kernels);
    expect(r.medianMs).toBeGreaterThan(0);
    expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
    expect(r.maxMs).toBeGreaterThanOrEqual(r.medianMs);
    // the same step every time: a whole number of dispatches, and one command buffer, submitted by the read
    expect(Number.isInteger(r.dispatches)).toBe(true);
    expect(r.dispatches).toBeGreaterThan(50);
    expect(r.submits).toBe(1);
    expect(r.lossFirst).toBeGreaterThan(1.5); // about ln 8 for random tokens
    expect(r.lossLast).toBeLessThan(r.lossFirst);
    expect(r.memory.tensorsLast).toBe(r.memory.tensorsFirst);
    expect(r.memory.rssLastMb).toBeNull();
    expect(r.cpu.length).toBeGreaterThan(0);
  }, 300_000);

  test('lxmls bench train-step --browser --compare tfjs-webgpu times both in one page from the same loss', async () => {
    const r = await bench(
      '--steps',
      '1',
      '--warmup',
      '0',
      '--batch-size',
      '4',
      '--compare',
      'tfjs-webgpu',
      '--json',
    );
    expect(r.compare!.backend).toBe('tfjs-webgpu');
    expect(Math.abs(r.compare!.lossFirst - r.lossFirst)).toBeLessThan(1e-4);
    expect(r.compare!.dispatches).toBeUndefined(); // tfjs counts nothing for us
    expect(r.speedup).toBeCloseTo(r.compare!.medianMs / r.medianMs, 6);
  }, 300_000);
});
