// Tests of `lxmls demo attention`: the notebook's output of In [14] verbatim (transformer-day-notebook.txt), In [13]
// and In [15] printing nothing, and the extra cell's numbers (checked against a float64 NumPy run of the same
// Python code: the nearest value is 1.1e-5 away from a rounding tie at 4 decimals); the notebook's words around
// them (Exercises 2 to 2.3) and the three questions of Exercise 2.3 with their answers hidden.
import { notebookCell, notebookQuestions, parseDemoCells } from '@lxmls/course';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

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
    const cells = parseDemoCells((await runCli(['demo', 'attention'])).stdout);
    const in14 = cells.find((cell) => cell.prompt === 'In [14]:')!;
    expect(in14.python.at(-1)).toBe('print("Test passed!")');
    expect(in14.output).toEqual(IN_14_OUTPUT);
    expect(in14.output).toEqual(notebookCell(14).output);
  });

  test('demo attention: In [13] and In [15] define functions and print nothing; each shows its TypeScript', async () => {
    const cells = parseDemoCells((await runCli(['demo', 'attention'])).stdout);
    for (const n of [13, 15]) {
      const cell = cells.find((candidate) => candidate.prompt === `In [${n}]:`)!;
      expect(cell.output).toEqual([]);
      expect(cell.python).toEqual(notebookCell(n).python);
      expect(cell.typescript).toEqual(notebookCell(n).typescript);
    }
    expect(cells[0]!.typescript).toContain('    SAS = softmax(SAS, 1);');
    expect(cells[2]!.typescript).toContain(
      '    scores = maskedFill(scores, sub(1, mask), Number.NEGATIVE_INFINITY); // fill where mask == 0',
    );
  });

  test('demo attention: the extra cell prints the shape, head 0 weights (zeros above the diagonal), True, True', async () => {
    const cells = parseDemoCells((await runCli(['demo', 'attention'])).stdout);
    const extra = cells.at(-1)!;
    expect(extra.prompt).toBe('In [ ]:');
    expect(extra.python.at(-1)).toBe('print(torch.equal(weights, weights.tril()))');
    expect(extra.typescript[0]).toBe(
      "// lxmls demo, not a cell of the notebook: the same with @lxmls/attention's CausalSelfAttention",
    );
    expect(extra.output).toEqual(EXTRA_OUTPUT);
  });

  test('demo attention prints the headings of Exercises 2, 2.1, 2.2 and 2.3 in order, each before its cells', async () => {
    const { stdout } = await runCli(['demo', 'attention']);
    const order = [
      '\n## Exercise 2: Attention\n',
      '\n    Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V\n',
      '\n## Exercise 2.1: Building a Simple Cross-Attention Function\n',
      '\nIn [13]: ',
      '\n## Exercise 2.2: Extending to Multi-Head Self-Attention\n',
      '\n- Time 0: Libson ~is a great city to live in~\n',
      '\nIn [15]: ',
      '\nIn [ ]: ',
      '\n## Exercise 2.3: Questions [Optional]\n',
    ].map((text) => stdout.indexOf(text));
    expect(order).not.toContain(-1);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  test("demo attention: Exercise 2.3's three questions, answers hidden; --answers prints the notebook's", async () => {
    const hidden = (await runCli(['demo', 'attention'])).stdout;
    const shown = (await runCli(['demo', 'attention', '--answers'])).stdout;
    const questions = notebookQuestions('2.3');
    expect(questions).toHaveLength(3);
    for (const { question, answer } of questions) {
      const first = question.slice(0, 60);
      expect(hidden).toContain(`\nQuestion: ${first}`);
      expect(hidden).not.toContain(answer[0]!.slice(0, 60));
      expect(shown).toContain(`\nQuestion: ${first}`);
    }
    expect(hidden.split('\n').filter((line) => line.startsWith('Answer: hidden;'))).toHaveLength(3);
    expect(shown).toContain(
      "\nAnswer (the notebook's): The causal mask ensure that the in attention computation, each position in\n  the sequence can only attend to the positions on its left,",
    );
  });
});
