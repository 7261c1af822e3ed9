// Tests of `lxmls demo`: the notebook's outputs of Exercise 1 (copied from transformer-day-notebook.txt) and the
// lines of bpe.py's __main__ demo.
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.js';

process.env.LXMLS_DEMO_ITERS = '101'; // the weather section trains 101 iterations, not 2000

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
    const { code, stdout, stderr } = await runCli(['demo', 'tokenization', 'bpe', 'attention']);
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
      'tokenization\tExercise 1: Tokenization\nbpe\tbpe.py: the __main__ demo\nattention\tExercise 2: Attention\nweather\tExercise 3.1: Training a weather prediction model (gpt-nano)\n',
    );
    expect(await runCli(['demo', 'gpt'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'lxmls demo: unknown section "gpt". Expected one of: tokenization, bpe, attention, weather\n',
    });
  });
  test('lxmls demo weather prints cells In [18] to In [23] in the notebook format (LXMLS_DEMO_ITERS=101)', async () => {
    const { code, stdout, stderr } = await runCli(['demo', 'weather']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    const at = lines.indexOf('Sampling from the dataset:');
    expect(lines[at + 1]).toMatch(/^Input: \[('(clean|read|shop|tennis|walk)'(, )?){6}\]$/);
    expect(lines[at + 2]).toMatch(/^Labels: \[('(rainy|snowy|sunny)'(, )?){6}\]$/);
    expect(lines.slice(at + 3, at + 5)).toEqual(['-'.repeat(50), 'Tokenized sequences:']);
    expect(lines[at + 5]).toMatch(/^Input: \[([0-7], ){10}[5-7]\]$/);
    expect(lines[at + 6]).toMatch(/^Labels: \[-1, -1, -1, -1, -1(, [5-7]){6}\]$/);
    expect(stdout).toContain(
      '   ...: print(model_config)\nnumber of parameters: 0.09M\nmodel_type: gpt-nano\nn_layer: 3\nn_head: 3\nn_embd: 48\nvocab_size: 8\nblock_size: 11\nembd_pdrop: 0.1\nresid_pdrop: 0.1\nattn_pdrop: 0.1\npretrained: False\n\n',
    );
    expect(stdout).toContain(
      '   ...: print(train_config)\nrunning on device wasm\ndevice: wasm\nnum_workers: 0\nmax_iters: 101\nbatch_size: 64\nlearning_rate: 0.0005\nbetas: (0.9, 0.95)\nweight_decay: 0.1\ngrad_norm_clip: 1.0\n\n',
    );
    const logs = lines.filter((line) => line.startsWith('iter_dt'));
    expect(logs).toHaveLength(2);
    for (const line of logs)
      expect(line).toMatch(/^iter_dt \d+\.\d{2}ms; iter (0|100): train loss \d\.\d{5}$/);
    expect(lines).toContainEqual(expect.stringMatching(/^Training time: \d+\.\d{2} seconds$/));
    expect(lines).toContainEqual(
      expect.stringMatching(/^loss \(nats per label\) +\d\.\d{4} +0\.2445 +0\.2502$/),
    );
  }, 120_000);
});
