// Tests of `lxmls check`, run in-process through main(); the grader runs in the built worker
// (apps/cli/dist/student/check-worker.js), so they need `tsc --build` first, as bin.test.ts does.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { getExercise } from '@lxmls/course';
import { WRONG_SOLUTIONS } from '@lxmls/course/testing';
import { describe, expect, test } from 'vitest';
import { workerUrl } from '../student/run-check.js';
import { runCli } from '../testing.test.helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'lxmls-check-'));
const write = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const wrong = (name: string) => WRONG_SOLUTIONS.find((w) => w.name === name)!;

describe('lxmls check', () => {
  test('the check worker is built (tsc --build)', () => {
    expect(
      existsSync(workerUrl()),
      'apps/cli/dist/student/check-worker.js is missing: run `npx tsc --build` first',
    ).toBe(true);
  });

  test('lxmls check 2.2 on the solution passes every check and exits with 0', async () => {
    const file = write('causal-self-attention.ts', getExercise('2.2').solution.ts);
    const { code, stdout, stderr } = await runCli(['check', '2.2', '--impl', file]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout).toContain('  ✓ no attention to future positions (causal mask)\n');
    expect(stdout).toContain(
      `All 13 checks passed.\nNow train the GPT with your attention: lxmls train weather --attention ${file}\n`,
    );
  });

  test('node bin/lxmls.js check 2.1 without --impl grades cross-attention.ts of the current folder', async () => {
    const here = mkdtempSync(join(tmpdir(), 'lxmls-check-cwd-'));
    writeFileSync(join(here, 'cross-attention.ts'), getExercise('2.1').solution.ts);
    const bin = fileURLToPath(new URL('../../bin/lxmls.js', import.meta.url));
    const { stdout } = await promisify(execFile)('node', [bin, 'check', '2.1'], { cwd: here });
    expect(stdout).toMatch(
      /^Exercise 2\.1, Building a simple cross-attention function: cross-attention\.ts\n/,
    );
    expect(stdout).toMatch(/All 10 checks passed\.\n$/);
  });

  test('lxmls check 2.1 --json on the JavaScript solution prints one line and exits with 0', async () => {
    const file = write('cross-attention.js', getExercise('2.1').solution.js);
    const { code, stdout } = await runCli(['check', '2.1', '--impl', file, '--json']);
    expect(code).toBe(0);
    expect(stdout.endsWith('\n') && !stdout.slice(0, -1).includes('\n')).toBe(true);
    const report = JSON.parse(stdout);
    expect(Object.keys(report)).toEqual(['exercise', 'passed', 'checks']);
    expect(report.exercise).toBe('2.1');
    expect(report.passed).toBe(true);
    expect(Object.keys(report.checks[0])).toEqual(['name', 'passed', 'message']);
  });

  test('lxmls check 2.2 --json on the skeleton exits with 1 and names the four holes', async () => {
    const file = write('skeleton.ts', getExercise('2.2').skeleton.ts);
    const { code, stdout } = await runCli(['check', '2.2', '--impl', file, '--json']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as { passed: boolean; checks: { name: string; passed: boolean }[] };
    expect(report.passed).toBe(false);
    expect(report.checks.filter((c) => !c.passed).map((c) => c.name)).toEqual([
      'hole 2.2.1 filled',
      'hole 2.2.2 filled',
      'hole 2.2.3 filled',
      'hole 2.2.4 filled',
    ]);
  });

  test.each([
    'no-causal-mask',
    'scale-sqrt-C',
    'heads-not-merged',
    'heads-split-by-reshape',
    'v-from-key-proj',
    'scores-of-unsplit-q-k',
  ])('lxmls check 2.2 on the wrong solution %s gives its diagnosis first, exit 1', async (name) => {
    const w = wrong(name);
    const expectation = w.expect as { check: string; message: string; first?: string };
    const { code, stdout } = await runCli(['check', '2.2', '--impl', write(`${name}.ts`, w.source)]);
    expect(code).toBe(1);
    expect(stdout).toContain(`  ✗ ${expectation.check}: `);
    expect(stdout).toContain(expectation.message);
    // the first ✗, where a student starts, is the diagnosis or names it
    const first = stdout.split('\n').find((line) => line.startsWith('  ✗ '))!;
    if (expectation.first === undefined) expect(first).toMatch(`  ✗ ${expectation.check}: `);
    else expect(first).toContain(expectation.first);
  });

  test('lxmls check names the file and line where the student’s code threw', async () => {
    const w = wrong('throws');
    const file = write('throws.ts', w.source);
    const line = w.source.split('\n').findIndex((l) => l.includes("throw new RangeError('my bug')")) + 1;
    const { code, stdout } = await runCli(['check', '2.2', '--impl', file]);
    expect(code).toBe(1);
    expect(stdout).toMatch(
      new RegExp(
        `✗ runs: forward\\(x \\(2, 6, 12\\)\\) threw RangeError: my bug \\(at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+\\)`,
      ),
    );
  });

  /** The checks decided before forward runs: they pass on the endless loop and the endless allocation. */
  const beforeForward = [
    'exports CausalSelfAttention',
    'hole 2.2.1 filled',
    'hole 2.2.2 filled',
    'hole 2.2.3 filled',
    'hole 2.2.4 filled',
    'builds',
  ];

  test('lxmls check stops an endless loop at the time limit: a failed check after those passed, exit 1', async () => {
    const file = write('loop.ts', wrong('endless-loop').source);
    // 5 s, not 1: the limit counts from the worker's start, and loading the libraries and the file takes over a
    // second on a loaded 2-core machine (the checks decided before forward would then be missing)
    const { code, stdout } = await runCli(['check', '2.2', '--impl', file, '--timeout', '5', '--json']);
    expect(code).toBe(1);
    const { checks } = JSON.parse(stdout) as { checks: { name: string; passed: boolean; message: string }[] };
    expect(checks.slice(0, -1).map((c) => [c.name, c.passed])).toEqual(beforeForward.map((n) => [n, true]));
    expect(checks.at(-1)).toEqual({
      name: 'time limit',
      passed: false,
      message:
        'timed out after 5 s: the code never finished (an endless loop? a loop whose condition never becomes false?)',
    });
  });

  test('lxmls check stops an endless allocation at the memory limit: a failed check after those passed, exit 1', async () => {
    const file = write('hog.ts', wrong('unbounded-memory').source);
    const { code, stdout } = await runCli(['check', '2.2', '--impl', file, '--memory', '64']);
    expect(code).toBe(1);
    expect(stdout).toContain(
      `${beforeForward.map((n) => `  ✓ ${n}\n`).join('')}  ✗ memory limit: ran out of memory (limit 64 MiB)`,
    );
    expect(stdout).toMatch(/\n6 of 7 checks passed\.\n$/);
  });

  test('lxmls check on a syntax error prints file:line:col on one line and exits with 2', async () => {
    const w = wrong('syntax-error');
    const file = write('syntax.ts', w.source);
    const line = w.source.split('\n').findIndex((l) => l.includes('forward(x;')) + 1;
    const { code, stdout, stderr } = await runCli(['check', '2.2', '--impl', file]);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toBe(`lxmls check: ${file}:${line}:39: Unexpected token, expected ","\n`);
  });

  test('lxmls check --json on a file that cannot be loaded prints the error line too, exit 2', async () => {
    const w = wrong('syntax-error');
    const file = write('syntax-json.ts', w.source);
    const line = w.source.split('\n').findIndex((l) => l.includes('forward(x;')) + 1;
    const { code, stdout, stderr } = await runCli(['check', '2.2', '--impl', file, '--json']);
    expect(code).toBe(2);
    const error = `${file}:${line}:39: Unexpected token, expected ","`;
    expect(stdout).toBe(`${JSON.stringify({ exercise: '2.2', passed: false, error })}\n`);
    expect(stderr).toBe(`lxmls check: ${error}\n`);
    const missing = await runCli(['check', '2.1', '--impl', join(dir, 'nope.ts'), '--json']);
    expect(missing.code).toBe(2);
    expect(JSON.parse(missing.stdout)).toEqual({
      exercise: '2.1',
      passed: false,
      error: `cannot read ${join(dir, 'nope.ts')}: no such file`,
    });
  });

  test('lxmls check --help shows the --json error line', async () => {
    const { stdout } = await runCli(['check', '--help']);
    expect(stdout).toContain(
      '{"exercise":"2.2","passed":false,"error":"causal-self-attention.ts:12:5: Unexpected token"}',
    );
  });

  test('lxmls check on a file without the export names the export and its signature, exit 2', async () => {
    const file = write('renamed.ts', wrong('missing-export').source);
    const { code, stderr } = await runCli(['check', '2.2', '--impl', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `lxmls check: ${file} does not export CausalSelfAttention: expected export class CausalSelfAttention extends Module { constructor(config: CausalSelfAttentionConfig, options?: AttentionModuleOptions); forward(x: Tensor): Tensor } (the file exports: MyAttention)\n`,
    );
  });

  test('lxmls check on a file whose top level throws reports it as a failed check, exit 1', async () => {
    const file = write('top.ts', "throw new Error('at load');\nexport function crossAttention() {}\n");
    const { code, stdout } = await runCli(['check', '2.1', '--impl', file, '--json']);
    expect(code).toBe(1);
    const [check, ...rest] = JSON.parse(stdout).checks;
    expect(rest).toEqual([]);
    expect(check.name).toBe('loads');
    expect(check.passed).toBe(false);
    expect(check.message).toMatch(/^loading .*top\.ts threw Error: at load \(at .*top\.ts:1:\d+\)$/);
  });

  test('lxmls check on a file importing another module is one line naming it, exit 2', async () => {
    const file = write(
      'fs.ts',
      "import { readFileSync } from 'node:fs';\nexport const crossAttention = readFileSync;\n",
    );
    const { code, stderr } = await runCli(['check', '2.1', '--impl', file]);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `lxmls check: ${file}:1 imports node:fs. Expected imports from @lxmls/tensor, @lxmls/nn, @lxmls/attention, @lxmls/course only, received node:fs.\n`,
    );
  });

  test.each([
    [
      ['check', '9.9', '--impl', 'x.ts'],
      'unknown exercise "9.9". Expected one of 2.1, 2.2 (see lxmls exercise list)',
    ],
    [['check'], 'missing the exercise id: lxmls check <id>, with id 2.1 or 2.2 (see lxmls exercise list)'],
    [['check', '2.1', '--impl', join(dir, 'nope.ts')], `cannot read ${join(dir, 'nope.ts')}: no such file`],
    [['check', '2.1', '--impl', dir], `cannot read ${dir}: not a file`],
    [
      ['check', '2.1', '--impl', 'x.ts', '--timeout', '0'],
      '--timeout must be a positive number of seconds, received "0"',
    ],
    [['check', '2.1', '2.2'], 'unexpected argument "2.2"'],
  ])('lxmls %j is bad usage: one line, exit code 2', async (argv, line) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `lxmls check: ${line}\n` });
  });
});
