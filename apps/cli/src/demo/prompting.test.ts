// Tests of `lxmls demo prompting` (Exercise 3.2, In [24] and In [25], offline with lxmls/gpt2-shakespeare): the
// notebook's two loops, each sample after 80 dashes, equal to @lxmls/gpt's prompt (after manualSeed(42)) and
// promptTopK on the same model. LXMLS_DEMO_TOKENS=6 generates 6 tokens per sample instead of 50.
import { fileURLToPath } from 'node:url';
import { notebookCell, PROMPTING_MODEL, parseDemoCells, sampleLines } from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
import { modelUrl } from '@lxmls/models';
import { manualSeed } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { chooseBackend } from '../backends.js';
import { runCli } from '../testing.test.helpers.js';

process.env.LXMLS_DEMO_TOKENS = '6';
const DASHES = '-'.repeat(80);

describe('lxmls demo prompting', () => {
  test("lxmls demo prompting prints In [24] and In [25]: five times prompt's samples, then five times promptTopK's", async () => {
    const { code, stdout, stderr } = await runCli(['demo', 'prompting']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const cells = parseDemoCells(stdout);
    expect(cells.map((cell) => cell.prompt)).toEqual(['In [24]:', 'In [25]:']);
    expect(cells[1]!.python).toEqual(notebookCell(25).python);
    expect(cells[1]!.typescript).toEqual(notebookCell(25).typescript);
    expect(cells[0]!.python.some((line) => line.includes(PROMPTING_MODEL))).toBe(true);
    expect(cells[0]!.output[0]).toMatch(/^number of parameters: \d\.\d\dM$/);

    await chooseBackend(undefined); // the backend the demo ran on
    const model = (await GPT.fromPretrained(fileURLToPath(modelUrl(PROMPTING_MODEL)))).eval();
    manualSeed(42);
    const sampled = sampleLines(model.prompt('Barack Obama, the', 6, 3));
    const topK = sampleLines(model.promptTopK('Barack Obama, the', 6, 3));
    model.dispose();
    const expected = [...Array(5)].flatMap(() => sampled).concat([...Array(5)].flatMap(() => topK));
    // the samples may hold blank lines, which end a cell for parseDemoCells: compare the text itself
    const text = `${expected.join('\n')}\n`;
    expect(stdout).toContain(`\n${text}`);
    const start = stdout.indexOf(text);
    expect(
      stdout
        .slice(start, start + text.length)
        .split('\n')
        .filter((line) => line === DASHES),
    ).toHaveLength(30);
    expect(cells[1]!.output).toEqual(expected.slice(0, cells[1]!.output.length));
    expect(stdout).toContain('## Exercise 3.2: Prompting a pretrained GPT-2 model');
  }, 120_000);

  test('sampleLines splits the toolkit printout into lines: dashes, then each line of the text', () => {
    expect(sampleLines(['a', 'b\nc'])).toEqual([DASHES, 'a', DASHES, 'b', 'c']);
  });
});
