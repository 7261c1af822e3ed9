// Tests of `lxmls demo`: the notebook's outputs of Exercise 1 (copied from transformer-day-notebook.txt), the
// lines of bpe.py's __main__ demo, and the notebook's words around the cells (explanations, the TypeScript of
// each cell, questions with hidden answers, the name table), from @lxmls/course.
import {
  NOTEBOOK,
  notebookCell,
  notebookQuestions,
  PYTHON_TO_TYPESCRIPT,
  parseDemoCells,
} from '@lxmls/course';
import { describe, expect, test } from 'vitest';
import { runCli, visibleControls } from '../testing.test.helpers.js';
import { DEMO_SECTIONS } from './demo.js';

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
const IN_2 = notebookCell(2).output.join('\n');

describe('lxmls demo', () => {
  test('lxmls demo prints the outputs of the notebook cells In [2] to In [12] verbatim', async () => {
    const { code, stdout, stderr } = await runCli(['demo', 'tokenization', 'bpe', 'attention']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const lines = stdout.split('\n');
    for (const output of NOTEBOOK_OUTPUTS) expect(lines).toContain(output);
    const cells = parseDemoCells(stdout);
    expect(cells.find((cell) => cell.prompt === 'In [2]:')?.output.join('\n')).toBe(IN_2);
    for (const n of [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
      expect(lines.some((line) => line.startsWith(`In [${n}]: `))).toBe(true);
  });

  test('lxmls demo tokenization: under each cell, its Python, its TypeScript and the output the notebook shows', async () => {
    const cells = parseDemoCells((await runCli(['demo', 'tokenization'])).stdout);
    expect(cells.map((cell) => cell.prompt)).toEqual(
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((n) => `In [${n}]:`),
    );
    for (const cell of cells) {
      const notebook = notebookCell(Number(/\d+/.exec(cell.prompt)![0]));
      expect(cell.python).toEqual(notebook.python);
      expect(cell.typescript).toEqual(notebook.typescript);
      expect(cell.output).toEqual(notebook.output);
    }
    expect(cells[0]!.typescript).toContain(
      "wordTokenize(text); // = text.split(/\\s+/) without empty strings, as Python's split()",
    );
  });

  test('lxmls demo prints the characters of In [3] one per line, without the dropped punctuation', async () => {
    const { stdout } = await runCli(['demo', 'tokenization']);
    const chars = parseDemoCells(stdout).find((cell) => cell.prompt === 'In [3]:')!.output;
    expect(chars.slice(0, 5)).toEqual(['I', ' ', 'w', 'i', 'l']);
    expect(chars.join('')).toBe(
      'I will travel to Lisbon in July I will attend an NLP summer school but I hope to visit around its a beatiful city',
    );
  });

  test("lxmls demo tokenization prints the notebook's explanations before the cells they introduce", async () => {
    const { stdout } = await runCli(['demo', 'tokenization']);
    const at = (text: string) => {
      const index = stdout.indexOf(text);
      expect(index, text).toBeGreaterThan(-1);
      return index;
    };
    expect(at('## Exercise 1: Tokenization')).toBeLessThan(at('### Word-based tokenizers'));
    expect(at('### Word-based tokenizers')).toBeLessThan(at('In [2]: '));
    expect(at('### Character-based tokenizers')).toBeLessThan(at('In [3]: '));
    expect(at('#### BPE (byte-pair encoding) tokenizer')).toBeLessThan(at('In [4]: '));
    expect(at('#### Handling typos')).toBeLessThan(at('In [10]: '));
    expect(stdout).toContain(
      '\nTokenization is a fundamental process in modern NLP pipelines. It works by splitting a sentence,\n',
    );
    for (const line of stdout.split('\n').filter((l) => !/^(In|TS) \[|^ *\.\.\.:|^\[|→/.test(l)))
      expect(line.length, line).toBeLessThanOrEqual(100);
  });

  test("lxmls demo hides the answers of Exercise 1's questions; --answers prints them", async () => {
    const hidden = (await runCli(['demo', 'tokenization'])).stdout;
    const shown = (await runCli(['demo', 'tokenization', '--answers'])).stdout;
    const questions = notebookQuestions('1');
    expect(questions.map((q) => q.id)).toEqual(['1.characters', '1.guess', '1.match', '1.very', '1.typo']);
    for (const stdout of [hidden, shown]) {
      expect(stdout).toContain(
        '\nQuestion: What other problem are character-based tokenizers posing to NLP models?\n',
      );
      expect(stdout).toContain(
        "\nQuestion: Do you have a guess on which word will be split subwords and which one won't?\n",
      );
    }
    expect(hidden.split('\n').filter((line) => line.startsWith('Answer: hidden;'))).toEqual(
      questions.map(() => 'Answer: hidden; `lxmls demo tokenization --answers` shows it.'),
    );
    expect(hidden).not.toContain('The vocabulary space becomes very large');
    expect(shown).not.toContain('Answer: hidden');
    expect(shown).toContain(
      "Answer (the notebook's): Word tokenizers: the vocabulary space becomes very large.",
    );
    expect(shown).toContain(
      "Answer (the notebook's): The notebook's guess: I would guess 'ing$' 'ly$' '^an'.",
    );
    expect(shown).toContain(
      'Answer (lxmls-ts; the notebook gives none): In the middle of a sentence "very" comes',
    );
  });

  test('lxmls demo prints the name table of each exercise; --names prints all of it', async () => {
    const { stdout } = await runCli(['demo', 'tokenization']);
    const table = stdout.slice(stdout.indexOf('## Python (the notebook) → TypeScript (lxmls-ts)'));
    expect(table).toContain(
      '\nencoder.encode_and_show_work(text) → encoder.encodeAndShowWork(text)  (@lxmls/bpe)\n',
    );
    expect(table).not.toContain('matmul');
    const all = await runCli(['demo', '--names']);
    expect(all.code).toBe(0);
    const lines = all.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Python (the notebook) → TypeScript (lxmls-ts)');
    expect(lines).toHaveLength(PYTHON_TO_TYPESCRIPT.length + 1);
    expect(lines).toContainEqual(
      expect.stringMatching(/^torch\.matmul\(a, b\) +→ matmul\(a, b\) {2}\(@lxmls\/tensor\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^F\.softmax\(x, dim=-1\) +→ softmax\(x, -1\) {2}\(@lxmls\/tensor\)$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^GPT\.from_pretrained\('gpt2'\) +→ await GPT\.fromPretrained\('gpt2'\) {2}\(@lxmls\/gpt\)$/,
      ),
    );
  });

  test("DEMO_SECTIONS run the notebook's sections in the notebook's order", () => {
    const order = NOTEBOOK.map((section) => section.id);
    const ran = DEMO_SECTIONS.flatMap((section) => section.notebook ?? []);
    expect(ran.map((id) => order.indexOf(id))).toEqual(
      ran.map((id) => order.indexOf(id)).sort((a, b) => a - b),
    );
    expect(ran).toEqual(expect.arrayContaining(['1', '2', '2.1', '2.2', '2.3', '2.4', '3', '3.1']));
  });

  test("lxmls demo bert prints Exercise 2.4's cells, TypeScript and pattern question", async () => {
    const { code, stdout } = await runCli(['demo', 'bert']);
    expect(code).toBe(0);
    const cells = parseDemoCells(stdout);
    expect(cells.map((cell) => [cell.prompt, cell.python, cell.typescript])).toEqual(
      [16, 17].map((n) => [`In [${n}]:`, notebookCell(n).python, notebookCell(n).typescript]),
    );
    // In [16] on the bundled pretrained BERT: the notebook's 13 WordPieces, its first layer's 4 heads
    expect(cells[0]!.output.at(-1)).toBe('torch.Size([1, 4, 13, 13])');
    expect(cells[0]!.output).toContain('# tokens: i will go for a run and will jump into a lake .');
    expect(cells[1]!.output).toContain('#   lxmls viz -o attention.html');
    expect(stdout).toContain(
      '\nQuestion: Do you notice any interesting (linguistic) pattern?\nAnswer: hidden;',
    );
    expect(stdout.indexOf('Do you notice any interesting')).toBeLessThan(stdout.indexOf('In [17]:'));
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
    const listed = (await runCli(['demo', '--list'])).stdout;
    // the sections of this file's tests, in the notebook's order (a later exercise may follow them)
    expect(listed).toMatch(
      /^tokenization\tExercise 1: Tokenization\nbpe\tbpe\.py: the __main__ demo\nattention\tExercise 2: Attention\nbert\tExercise 2\.4: Visualize Attentions \(BERT\)\nweather\tExercise 3\.1: Training a weather prediction model \(gpt-nano\)\n/,
    );
    expect(listed).toBe(DEMO_SECTIONS.map((section) => `${section.id}\t${section.title}\n`).join(''));
    const ids = DEMO_SECTIONS.map((section) => section.id).join(', ');
    expect(ids.startsWith('tokenization, bpe, attention, bert, weather')).toBe(true);
    expect(await runCli(['demo', 'gpt'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `lxmls demo: unknown section "gpt". Expected one of: ${ids}\n`,
    });
  });
  test('lxmls demo weather on a terminal draws a progress bar while In [23] trains, erased before each line', async () => {
    process.env.LXMLS_DEMO_ITERS = '30'; // the bar only, shorter than the other weather test's run
    let raw: string;
    try {
      const result = await runCli(['demo', 'weather'], '', { tty: true });
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      raw = result.stdout;
    } finally {
      process.env.LXMLS_DEMO_ITERS = '101';
    }
    const stdout = visibleControls(raw);
    expect(stdout).toMatch(/⏎⎋\[K\[[#-]{20}\] +\d+\/30 {2}loss \d\.\d{5} {2}\d+\.\d ms\/iter {2}eta \d+s/);
    expect(stdout).toMatch(/⏎⎋\[K\[#{20}\] {2}30\/30 {2}loss \d\.\d{5} {2}[\d.]+ ms\/iter {2}eta 0s⏎⎋\[K/);
    // once the bar's redraws are removed, the text is the notebook's: the log line of iter 0, then the time
    const text = stdout.replace(/⏎⎋\[K(\[[#-]{20}\][^⏎\n]*)?/g, '');
    expect(text).not.toMatch(/[⏎⎋]/);
    expect(text).toMatch(/\niter_dt [\d.]+ms; iter 0: train loss \d\.\d{5}\nTraining time: /);
  }, 120_000);
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
    const cells = parseDemoCells(stdout);
    const output = (prompt: string) => cells.find((cell) => cell.prompt === prompt)!.output.join('\n');
    expect(output('In [21]:')).toBe(notebookCell(21).output.join('\n'));
    expect(output('In [22]:')).toBe(
      'running on device wasm\ndevice: wasm\nnum_workers: 0\nmax_iters: 101\nbatch_size: 64\nlearning_rate: 0.0005\nbetas: (0.9, 0.95)\nweight_decay: 0.1\ngrad_norm_clip: 1.0',
    );
    expect(cells.map((cell) => cell.prompt)).toEqual(
      [18, 19, 20, 21, 22, 23].map((n) => `In [${n}]:`).concat('In [ ]:'),
    );
    for (const cell of cells.slice(0, 6)) {
      const n = Number(/\d+/.exec(cell.prompt)![0]);
      expect(cell.typescript).toEqual(notebookCell(n).typescript);
      if (n !== 22) expect(cell.python).toEqual(notebookCell(n).python);
    }
    expect(stdout).toContain('\n## Exercise 3: Training a GPT\n');
    expect(stdout.indexOf('\n## Exercise 3.1: Training a Weather Prediction Model')).toBeGreaterThan(-1);
    expect(stdout.indexOf('\n## Exercise 3.1: Training a Weather Prediction Model')).toBeLessThan(
      stdout.indexOf('In [18]:'),
    );
    expect(stdout).toContain('As you can see the loss started decreaseing');
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
