// Tests of `lxmls demo`: the notebook's outputs of Exercise 1 (copied from transformer-day-notebook.txt) and the
// lines of bpe.py's __main__ demo.
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.js';

/** The outputs of cells In [7] to In [12], verbatim from the notebook. */
const NOTEBOOK_OUTPUTS = [
  "['Your', 'Ġdrawing', 'Ġis', 'Ġcharming', 'ly', 'Ġan', 'ach', 'ron', 'istic', '.']",
  "['running', 'Ġis', 'Ġvery', 'Ġcool']",
  "['very', 'Ġcool', '!']",
  "['I', 'Ġlike', 'Ġto', 'Ġcirc', 'umn', 'av', 'igate', 'Ġthe', 'Ġglobe', 'Ġevery', 'Ġyear']",
  "['I', 'Ġlike', 'Ġto', 'Ġcir', 'k', 'umn', 'av', 'igate', 'Ġthe', 'Ġglobe', 'Ġevery', 'Ġyear']",
  "We are about to start exercise 2 about attention, let's have fun!",
];

/** The output of In [2], as the notebook displays the list. */
const IN_2 = `['I',
 'travelled',
 'to',
 'Lisbon',
 'in',
 'July',
 'to',
 'attend',
 'an',
 'NLP',
 'summer',
 'school']`;

describe('lxmls demo', () => {
  test('lxmls demo prints the outputs of the notebook cells In [2] to In [12] verbatim', async () => {
    const { code, stdout, stderr } = await runCli(['demo']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    for (const output of NOTEBOOK_OUTPUTS) expect(lines).toContain(output);
    expect(stdout).toContain(`   ...: text.split()\n${IN_2}\n`);
    for (const n of [2, 3, 4, 5, 6, 7, 8, 9])
      expect(lines.some((line) => line.startsWith(`In [${n}]: `))).toBe(true);
    for (const n of [10, 11, 12]) expect(lines.some((line) => line.startsWith(`In [${n}]: `))).toBe(true);
  });

  test('lxmls demo prints the characters of In [3] one per line, without the dropped punctuation', async () => {
    const { stdout } = await runCli(['demo', 'tokenization']);
    const start = stdout.indexOf('   ...:     print(i)\n') + '   ...:     print(i)\n'.length;
    const chars = stdout.slice(start, stdout.indexOf('\n\nIn [4]:', start)).split('\n');
    expect(chars.slice(0, 5)).toEqual(['I', ' ', 'w', 'i', 'l']);
    expect(chars.join('')).toBe(
      'I will travel to Lisbon in July I will attend an NLP summer school but I hope to visit around its a beatiful city',
    );
  });

  test("lxmls demo bpe prints bpe.py's __main__ demo", async () => {
    const { code, stdout } = await runCli(['demo', 'bpe']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const at = lines.indexOf('Original text is:');
    expect(lines.slice(at, at + 6)).toEqual([
      'Original text is:',
      "Hello!! I'm Andrej Karpathy. It's 2022. w00t :D 🤗",
      'First the text gets pre-tokenized, broken up into chunks, the outcome is:',
      `['Hello', '!!', ' I', "'m", ' Andrej', ' Karpathy', '.', ' It', "'s", ' 2022', '.', ' w', '00', 't', ' :', 'D', ' 🤗']`,
      'Then we iterate over each chunk and process them in turn...',
      "{'token': 'Hello', 'token_bytes': b'Hello', 'token_translated': 'Hello', 'token_merged': ['Hello'], 'token_ix': [15496]}",
    ]);
    expect(lines.slice(at + 21, at + 25)).toEqual([
      "{'token': ' 🤗', 'token_bytes': b' \\xf0\\x9f\\xa4\\x97', 'token_translated': 'ĠðŁ¤Ĺ', 'token_merged': ['ĠðŁ', '¤', 'Ĺ'], 'token_ix': [12520, 97, 245]}",
      'and the final outcome is concatenating and flattening all the token_ix:',
      '[15496, 3228, 314, 1101, 10948, 73, 509, 5117, 10036, 13, 632, 338, 33160, 13, 266, 405, 83, 1058, 35, 12520, 97, 245]',
      'ready to feed into a Transformer!',
    ]);
  });

  test('lxmls demo --list lists the sections; an unknown section fails with exit code 2', async () => {
    expect((await runCli(['demo', '--list'])).stdout).toBe(
      'tokenization\tExercise 1: Tokenization\nbpe\tbpe.py: the __main__ demo\nattention\tExercise 2: Attention\n',
    );
    expect(await runCli(['demo', 'gpt'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'lxmls demo: unknown section "gpt". Expected one of: tokenization, bpe, attention\n',
    });
  });
});
