// Every command that takes --json prints exactly one JSON document on stdout (logs and notes go to stderr), so
// that tools can JSON.parse(stdout) (issue 14). Each command runs once, small, in-process.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getExercise } from '@lxmls/course';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const root = mkdtempSync(join(tmpdir(), 'lxmls-json-'));
const solved = join(root, 'cross-attention.ts');
writeFileSync(solved, getExercise('2.1').solution.ts);
const text = join(root, 'text.txt');
writeFileSync(text, 'the cat sat on the mat.\nthe dog sat on the log.\n'.repeat(10));

/** One small run of every command that takes --json. */
const RUNS: [string, string[]][] = [
  ['tokenize', ['tokenize', '--json', 'very cool!']],
  ['info', ['info', '--model', 'lxmls/weather-nano', '--json']],
  ['eval', ['eval', 'weather', '--model', 'lxmls/weather-nano', '--eval-samples', '50', '--json']],
  [
    'generate',
    'generate --model lxmls/shakespeare-char --prompt ROMEO: --max-new-tokens 5 --json'.split(' '),
  ],
  ['viz', ['viz', '-o', join(root, 'attention.html'), '--json']],
  ['bench', ['bench', 'kernels', '--backend', 'js', '--shapes', 'nano', '--json']],
  ['exercise', ['exercise', 'list', '--dir', root, '--json']],
  ['check', ['check', '2.1', '--impl', solved, '--json']],
  ['train weather', ['train', 'weather', '--iters', '3', '--eval-samples', '50', '--json']],
  [
    'train text',
    ['train', 'text', '--data', text, ...'--iters 2 --n-layer 1 --n-head 1 --n-embd 8 --json'.split(' ')],
  ],
];

describe('--json: stdout is one JSON document', () => {
  test.each(RUNS)(
    'lxmls %s --json',
    async (_, argv) => {
      const { code, stdout } = await runCli(argv);
      expect(code).toBe(0);
      expect(() => JSON.parse(stdout)).not.toThrow();
      expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    },
    120_000,
  );
});
