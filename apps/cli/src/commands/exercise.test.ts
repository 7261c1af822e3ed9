// Tests of `lxmls exercise list|init`, run in-process through main() on a temporary folder.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getExercise } from '@lxmls/course';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'lxmls-exercise-'));

describe('lxmls exercise', () => {
  test('lxmls exercise list on an empty folder shows both exercises missing', async () => {
    const dir = fresh();
    const { code, stdout, stderr } = await runCli(['exercise', 'list', '--dir', dir]);
    expect([code, stderr]).toEqual([0, '']);
    expect(stdout.split('\n')[0]).toMatch(
      /^2\.1 {2}Building a simple cross-attention function {2}cross-attention\.ts +missing \(lxmls exercise init 2\.1\)$/,
    );
    expect(stdout.split('\n')[1]).toMatch(/^2\.2 .*missing \(lxmls exercise init 2\.2\)$/);
  });

  test('lxmls exercise init 2.2 writes the skeleton, and list then shows it untouched with its 4 holes', async () => {
    const dir = fresh();
    const { code, stdout } = await runCli(['exercise', 'init', '2.2', '--dir', dir]);
    const file = join(dir, 'causal-self-attention.ts');
    expect(code).toBe(0);
    expect(stdout).toBe(
      `wrote ${file}: the skeleton of Exercise 2.2 (holes to fill: 2.2.1, 2.2.2, 2.2.3, 2.2.4)\nnext: lxmls check 2.2 --impl ${file}\n`,
    );
    expect(readFileSync(file, 'utf8')).toBe(getExercise('2.2').skeleton.ts);
    const list = await runCli(['exercise', 'list', '--dir', dir, '--json']);
    expect(list.stdout.split('\n')).toHaveLength(2); // one line and its newline
    expect(JSON.parse(list.stdout)).toEqual({
      dir,
      exercises: [
        {
          id: '2.1',
          title: 'Building a simple cross-attention function',
          file: null,
          status: 'missing',
          holesLeft: [],
        },
        {
          id: '2.2',
          title: 'Extending to multi-head self-attention',
          file,
          status: 'skeleton',
          holesLeft: ['2.2.1', '2.2.2', '2.2.3', '2.2.4'],
        },
      ],
    });
  });

  test('lxmls exercise init never replaces an existing file without --force, and does with it', async () => {
    const dir = fresh();
    const file = join(dir, 'cross-attention.ts');
    writeFileSync(file, '// my work\n');
    const refused = await runCli(['exercise', 'init', '2.1', '--dir', dir]);
    expect(refused).toEqual({
      code: 2,
      stdout: '',
      stderr: `lxmls exercise: ${file} exists already: not replacing your work (give --force to replace it with the skeleton)\n`,
    });
    expect(readFileSync(file, 'utf8')).toBe('// my work\n');
    expect((await runCli(['exercise', 'init', '2.1', '--dir', dir, '--force'])).code).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(getExercise('2.1').skeleton.ts);
  });

  test('lxmls exercise init --solution writes the solved file, and list calls it the solved file', async () => {
    const dir = fresh();
    expect((await runCli(['exercise', 'init', '2.2', '--dir', dir, '--solution'])).stdout).toMatch(
      /the solution of Exercise 2\.2\n/,
    );
    expect(readFileSync(join(dir, 'causal-self-attention.ts'), 'utf8')).toBe(getExercise('2.2').solution.ts);
    expect((await runCli(['exercise', 'list', '--dir', dir])).stdout.split('\n')[1]).toMatch(
      /the solved file$/,
    );
  });

  test('lxmls exercise init --js writes the JavaScript twin into a new folder', async () => {
    const dir = join(fresh(), 'new', 'folder');
    expect((await runCli(['exercise', 'init', '2.1', '--dir', dir, '--js'])).code).toBe(0);
    expect(readFileSync(join(dir, 'cross-attention.js'), 'utf8')).toBe(getExercise('2.1').skeleton.js);
  });

  test('lxmls exercise list tells which holes an edited file still has', async () => {
    const dir = fresh();
    const edited = getExercise('2.2').skeleton.ts.replace(
      "throw new NotImplementedError('Complete Exercise 2.2.1');",
      'q = this.queryProj.forward(x);',
    );
    writeFileSync(join(dir, 'causal-self-attention.ts'), edited);
    const { stdout } = await runCli(['exercise', 'list', '--dir', dir]);
    expect(stdout.split('\n')[1]).toMatch(/edited, holes left: 2\.2\.2, 2\.2\.3, 2\.2\.4$/);
  });

  test('lxmls exercise list --check grades the files that have no hole left', async () => {
    const dir = fresh();
    writeFileSync(
      join(dir, 'cross-attention.ts'),
      getExercise('2.1').solution.ts.replace('softmax(scores, -1)', 'softmax(scores, 0)'),
    );
    writeFileSync(join(dir, 'causal-self-attention.js'), getExercise('2.2').solution.js);
    const { code, stdout } = await runCli(['exercise', 'list', '--dir', dir, '--check', '--json']);
    expect(code).toBe(0);
    const [first, second] = JSON.parse(stdout).exercises;
    expect(first.status).toBe('edited');
    expect(first.check.passed).toBe(false);
    expect(first.check.failed).toContain('softmax over the keys');
    expect(second).toMatchObject({ status: 'solution', check: { passed: true, failed: [] } });
    const text = await runCli(['exercise', 'list', '--dir', dir, '--check']);
    expect(text.stdout.split('\n')[1]).toMatch(
      /causal-self-attention\.js +the solved file, passes every check$/,
    );
  });

  test.each([
    [['exercise'], 'lxmls exercise: missing what to do: lxmls exercise list, or lxmls exercise init <id>'],
    [
      ['exercise', 'start'],
      'lxmls exercise: unknown subcommand "start". Expected list or init (see lxmls help exercise)',
    ],
    [
      ['exercise', 'init'],
      'lxmls exercise: missing the exercise id: lxmls exercise init <id>, with id 2.1 or 2.2',
    ],
    [
      ['exercise', 'init', '2.3'],
      'lxmls exercise: unknown exercise "2.3". Expected one of 2.1, 2.2 (see lxmls exercise list)',
    ],
    [
      ['exercise', 'init', '2.1', '--json'],
      'lxmls exercise: option --json does not apply to lxmls exercise init',
    ],
    [['exercise', 'list', '--force'], 'lxmls exercise: option --force does not apply to lxmls exercise list'],
  ])('lxmls %j is bad usage: one line, exit code 2', async (argv, line) => {
    expect(await runCli(argv)).toEqual({ code: 2, stdout: '', stderr: `${line}\n` });
  });
});
