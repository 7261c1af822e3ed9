// Tests of main(): help, version, unknown commands, the terminal check and internal errors.
import { PassThrough } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { main } from './main.js';
import { runCli } from './testing.test.helpers.js';

describe('main', () => {
  test.each([[['--help']], [['-h']], [[]], [['help']]])('lxmls %j prints the usage', async (argv) => {
    const { code, stdout, stderr } = await runCli(argv);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^lxmls: the LxMLS Transformer Day exercises/);
    for (const command of ['tokenize', 'decode', 'demo', 'exercise', 'check', 'viz', 'help'])
      expect(stdout).toContain(`\n  ${command} `);
  });

  test.each([[['help', 'tokenize']], [['tokenize', '--help']], [['tokenize', '-h', 'ignored text']]])(
    'lxmls %j prints the usage of tokenize with the --json fields',
    async (argv) => {
      const { code, stdout } = await runCli(argv);
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: lxmls tokenize \[options\] \[TEXT\.\.\.\]/);
      for (const text of ['--show-work', '--json', '--jsonl', '--allowed-special LIST', 'ids ', 'tokens ']) {
        expect(stdout).toContain(text);
      }
    },
  );

  test.each([['decode'], ['demo'], ['exercise'], ['check'], ['viz']])(
    'lxmls help %s prints its usage',
    async (name) => {
      const { code, stdout } = await runCli(['help', name]);
      expect(code).toBe(0);
      expect(stdout).toMatch(new RegExp(`^Usage: lxmls ${name} `));
    },
  );

  test('lxmls --version prints the version', async () => {
    expect(await runCli(['--version'])).toEqual({ code: 0, stdout: '0.1.0\n', stderr: '' });
  });

  test.each([
    [
      ['frobnicate'],
      'lxmls: unknown command "frobnicate". Expected one of: tokenize, decode, demo, exercise, check, bench, generate, info, viz, export-onnx, train, eval, cache, help (see lxmls --help)',
    ],
    [
      ['help', 'frobnicate'],
      'lxmls: unknown command "frobnicate". Expected one of: tokenize, decode, demo, exercise, check, bench, generate, info, viz, export-onnx, train, eval, cache, help (see lxmls --help)',
    ],
    [['--versoin'], 'lxmls: unknown option --versoin (did you mean --version?)'],
    [['--help', 'x'], 'lxmls: unexpected argument "x"'],
  ])('lxmls %j fails with exit code 2 and one line', async (argv, message) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `${message}\n` });
  });

  test('lxmls tokenize without TEXT on a terminal fails instead of waiting for input', async () => {
    const stderr = new PassThrough();
    const code = await main(['tokenize'], {
      stdin: new PassThrough(),
      stdout: new PassThrough(),
      stderr,
      isTTY: true,
    });
    expect(code).toBe(2);
    expect(String(stderr.read())).toBe(
      'lxmls tokenize: missing TEXT: pass it as an argument or pipe text into stdin\n',
    );
  });

  test('lxmls tokenize reports an internal error (a failing stdin) with exit code 1 and one line', async () => {
    const stdin = new PassThrough();
    const stderr = new PassThrough();
    setImmediate(() => stdin.destroy(new Error('disk on fire\n  at somewhere')));
    const code = await main(['tokenize'], { stdin, stdout: new PassThrough(), stderr, isTTY: false });
    expect(code).toBe(1);
    expect(String(stderr.read())).toBe('lxmls tokenize: internal error: Error: disk on fire at somewhere\n');
  });
});
