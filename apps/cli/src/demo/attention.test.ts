// Tests of `lxmls demo attention`: the notebook's output of In [14] verbatim (transformer-day-notebook.txt), In [13]
// and In [15] printing nothing, and the extra cell's numbers (checked against a float64 NumPy run of the same
// Python code: the nearest value is 1.1e-5 away from a rounding tie at 4 decimals).
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.js';

/** The output of In [14], verbatim from the notebook. */
const IN_14_OUTPUT = [
  'tensor([[67036.8047, 71226.6016, 75416.3984],',
  '        [67036.8047, 71226.6016, 75416.3984],',
  '        [67036.8047, 71226.6016, 75416.3984]])',
  'Test passed!',
];

/** The output of the cell after In [15]. */
const EXTRA_OUTPUT = [
  'torch.Size([2, 4, 4])',
  'tensor([[1.0000, 0.0000, 0.0000, 0.0000],',
  '        [0.4746, 0.5254, 0.0000, 0.0000],',
  '        [0.2156, 0.2152, 0.5692, 0.0000],',
  '        [0.1818, 0.1743, 0.0029, 0.6410]])',
  'True',
  'True',
];

/** The lines a cell prints: after its last code line, up to the blank line before the next cell. */
function outputOf(stdout: string, lastCodeLine: string): string[] {
  const start = stdout.indexOf(`${lastCodeLine}\n`) + lastCodeLine.length + 1;
  const end = stdout.indexOf('\n\n', start);
  return stdout
    .slice(start, end === -1 ? undefined : end)
    .split('\n')
    .filter((line, i, all) => line !== '' || i < all.length - 1);
}

describe('lxmls demo attention', () => {
  test('demo attention prints the heading, then the cells In [13], In [14], In [15] and ours, in order', async () => {
    const { code, stdout, stderr } = await runCli(['demo', 'attention']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    expect(lines[0]).toBe('# Exercise 2: Attention');
    const prompts = lines.filter((line) => /^In \[[\d ]*\]:/.test(line));
    expect(prompts).toEqual([
      'In [13]: import torch',
      'In [14]: sentence = "I travelled to Lisbon in July to attend an NLP summer school"',
      'In [15]: import math',
      "In [ ]: # lxmls demo, not a cell of the notebook: the completed module of In [15] (the toolkit's) on a small",
    ]);
    expect(stdout).toContain('    ...:     SAS = F.softmax(SAS, dim=1)\n');
    expect(stdout).toContain("    ...:         scores = scores.masked_fill(mask == 0, float('-inf'))\n");
  });

  test('demo attention prints the output of In [14] verbatim: " Lisbon" × W_V for every query, then Test passed!', async () => {
    const { stdout } = await runCli(['demo', 'attention']);
    expect(outputOf(stdout, '    ...: print("Test passed!")')).toEqual(IN_14_OUTPUT);
  });

  test('demo attention: In [13] and In [15] define functions and print nothing', async () => {
    const { stdout } = await runCli(['demo', 'attention']);
    expect(stdout).toContain('    ...:     return attended_values\n\nIn [14]:');
    expect(stdout).toContain('    ...:         return output\n\nIn [ ]:');
  });

  test('demo attention: the extra cell prints the shape, head 0 weights (zeros above the diagonal), True, True', async () => {
    const { stdout } = await runCli(['demo', 'attention']);
    expect(outputOf(stdout, '   ...: print(torch.equal(weights, weights.tril()))')).toEqual(EXTRA_OUTPUT);
    expect(stdout.endsWith(`${EXTRA_OUTPUT.join('\n')}\n`)).toBe(true);
  });
});
