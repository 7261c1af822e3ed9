// `lxmls train --out` checked before training and written whole (issue 17): a path inside a file or on /proc
// fails at once with exit code 2, a folder that holds files needs --force, and --force replaces a model folder
// whole (nothing of the earlier model is kept).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const root = mkdtempSync(join(tmpdir(), 'lxmls-train-out-'));
const weather = ['train', 'weather', '--iters', '2', '--batch-size', '4', '--eval-samples', '20', '--json'];

describe('lxmls train --out', () => {
  test.each([
    ['a path inside a file', () => join(file('blocker'), 'model'), 'inside the file'],
    ['/proc', () => '/proc/lxmls-model', 'expected a folder outside /proc, /sys and /dev'],
    [
      'a folder that holds files',
      () => folder('full', { 'notes.txt': 'mine' }),
      '(add --force to replace it whole)',
    ],
  ])(
    'lxmls train weather --out (%s) fails before training with exit code 2 and one line',
    async (_, out, message) => {
      const { code, stdout, stderr } = await runCli([...weather, '--out', out()]);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.trim().split('\n')).toHaveLength(1); // no log line: training never started
      expect(stderr).toContain(message);
    },
  );

  test('lxmls train weather --out DIR --force replaces a model folder whole', async () => {
    const dir = folder('old-model', {
      'config.json': '{}',
      'tokenizer.json': '{}',
      'generation_config.json': '{}',
    });
    const refused = await runCli([...weather, '--out', dir]);
    expect(refused.code).toBe(2);
    const { code } = await runCli([...weather, '--out', dir, '--force']);
    expect(code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual([
      '.lxmls-commit.json',
      'config.json',
      'lxmls.json',
      'model.safetensors',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'lxmls.json'), 'utf8')).task).toBe('weather');
    expect(readdirSync(root).filter((name) => name.includes('lxmls-'))).toEqual([]); // no temporary folder left
  });

  test('lxmls train weather --out DIR --force refuses a folder that is not a model folder', async () => {
    const dir = folder('project', { 'config.json': '{}' });
    mkdirSync(join(dir, 'src'));
    const { code, stderr } = await runCli([...weather, '--out', dir, '--force']);
    expect(code).toBe(2);
    expect(stderr).toContain("holds files that are not a model's");
  });
});

function file(name: string): string {
  const path = join(root, name);
  writeFileSync(path, 'a file');
  return path;
}

function folder(name: string, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [f, content] of Object.entries(files)) writeFileSync(join(dir, f), content);
  return dir;
}
