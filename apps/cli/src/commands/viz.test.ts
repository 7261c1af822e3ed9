// Tests of `lxmls viz`, run in-process through main() on the tiny BERT of __fixtures__ and on a tiny GPT saved in
// a temporary folder: the files hold the weights that @lxmls/bert's attentionForViz and GPT.forward give, work
// offline, are written atomically, and every bad input is exit code 2 with one line.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attentionForViz, attentionPatterns, type LoadedBert, loadBertFolder } from '@lxmls/bert';
import { getEncoder, textTokenizerFromJson } from '@lxmls/bpe';
import { GPT } from '@lxmls/gpt';
import { modelUrl } from '@lxmls/models';
import { noGrad, tensor, tidy } from '@lxmls/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { chooseBackend } from '../backends.js';
import { runCli } from '../testing.test.helpers.js';
import { useTinyGptFolder } from '../testing-gpt.test.helpers.js';
import { bundledBertFolder, DEFAULT_VIZ_MODEL } from '../viz-model.js';

const BERT = fileURLToPath(new URL('../__fixtures__/tiny-bert', import.meta.url));
const SENTENCE = 'I will go for a run and will jump into a lake.';
/** The notebook's `tokenizer.tokenize(text)` (bert-base-uncased's vocabulary, which the tiny BERT shares). */
const NOTEBOOK_TOKENS = [
  'i',
  'will',
  'go',
  'for',
  'a',
  'run',
  'and',
  'will',
  'jump',
  'into',
  'a',
  'lake',
  '.',
];
const GPT_TEXT = 'The cat sat on the mat.';

const fixture = useTinyGptFolder('lxmls-viz-', { beforeAll, afterAll }, 'tiny-gpt');
let gpt: GPT;
let bert: LoadedBert;

beforeAll(async () => {
  await chooseBackend(undefined); // the backend the CLI picks without --backend
  gpt = (await GPT.fromPretrained(fixture.dir)).eval();
  bert = await loadBertFolder(BERT);
});

afterAll(async () => {
  gpt.dispose();
  bert.model.dispose();
});

interface VizJson {
  file: string;
  view: string;
  model: string;
  tokens: string[];
  layers: number;
  heads: number;
  attentionShape: number[];
  patterns: Record<string, number | null>[];
  strongestHeads: { pattern: string; layer: number; head: number; score: number }[];
}

/** Runs `lxmls viz ARGV --json` and checks that it succeeded quietly. */
async function vizJson(argv: string[]): Promise<VizJson> {
  const { code, stdout, stderr } = await runCli(['viz', '--json', ...argv]);
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout.indexOf('\n')).toBe(stdout.length - 1);
  return JSON.parse(stdout) as VizJson;
}

/** Runs `lxmls viz --json --model MODEL --text TEXT -o FILE`. */
const vizRun = (model: string, text: string, file: string) =>
  runCli(['viz', '--json', '--model', model, '--text', text, '-o', file]);

/** A fresh empty folder for one test's files. */
async function folder(name: string): Promise<string> {
  const dir = join(fixture.root, name);
  await mkdir(dir);
  return dir;
}

/** The JSON data a `toHtml` page embeds. */
function payload(html: string): {
  view: string;
  data: Record<string, unknown>;
  options: Record<string, unknown>;
} {
  const match = /<script type="application\/json" id="lx-data">(.*?)<\/script>/s.exec(html);
  expect(match).not.toBeNull();
  return JSON.parse(match![1]!);
}

/** Base64 float32 numbers, as `toHtml` embeds weights and vectors. */
const floats = (base64: string) => new Float32Array(Uint8Array.from(Buffer.from(base64, 'base64')).buffer);

/** The page works offline: no http(s) resource is loaded, and the CSP forbids any. */
function expectOffline(html: string): void {
  expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
  expect(html).not.toMatch(/https?:\/\//);
  expect(html).toContain("default-src 'none'");
}

/** The largest absolute difference of two equally long number lists. */
function maxGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let gap = 0;
  for (let i = 0; i < a.length; i++) gap = Math.max(gap, Math.abs(a[i]! - b[i]!));
  return gap;
}

/** GPT.forward's attentions on `text`, `[layer][head][query][key]`. */
function gptAttention(text: string): number[][][][] {
  const ids = getEncoder().encode(text);
  return tidy(() =>
    noGrad(() => {
      const out = gpt.forward(tensor([ids], undefined, 'int32'), null, { returnAttentions: true });
      return out.attentions!.map((a) => (a.toArray() as number[][][][])[0]!);
    }),
  );
}

describe('lxmls viz', () => {
  test('viz --model BERT writes the head view page of Exercise 2.4: the weights of attentionForViz, offline', async () => {
    const dir = await folder('bert-head');
    const file = join(dir, 'attention.html');
    const record = await vizJson(['--model', BERT, '--text', SENTENCE, '-o', file]);
    expect(record).toEqual({
      file,
      view: 'head',
      model: 'bert',
      tokens: ['[CLS]', ...NOTEBOOK_TOKENS, '[SEP]'],
      layers: 3,
      heads: 3,
      attentionShape: [1, 3, 3, 15, 15],
      patterns: expect.any(Array), // headPatterns of the weights drawn
      strongestHeads: expect.any(Array),
    });
    expect(await readdir(dir)).toEqual(['attention.html']); // no temporary file left
    const html = await readFile(file, 'utf8');
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expectOffline(html);
    expect(html).toContain(`<title>BERT head view: ${SENTENCE}</title>`);
    const { view, data, options } = payload(html);
    expect(view).toBe('head');
    expect(data.tokens).toEqual(record.tokens); // bertviz shows the WordPieces as they are
    expect(options).toMatchObject({ layer: 0, theme: 'auto' });
    const reference = attentionForViz(bert.model, bert.tokenizer, SENTENCE);
    expect(maxGap(floats(data.weights as string), reference.attention.flat(3))).toBeLessThan(1e-6);
  });

  test('viz --no-special-tokens feeds the notebook 13 WordPieces alone, as its head_view cell', async () => {
    const file = join(await folder('bert-notebook'), 'exercise-2.4.html');
    const record = await vizJson([
      '--model',
      BERT,
      '--text',
      SENTENCE,
      '--no-special-tokens',
      '--output',
      file,
      '--layer',
      '2',
    ]);
    expect(record.tokens).toEqual(NOTEBOOK_TOKENS);
    expect(record.attentionShape).toEqual([1, 3, 3, 13, 13]); // the notebook's (1, 12, 13, 13) per layer
    const { data, options } = payload(await readFile(file, 'utf8'));
    expect(options.layer).toBe(2);
    const reference = attentionForViz(bert.model, bert.tokenizer, SENTENCE, { addSpecialTokens: false });
    expect(maxGap(floats(data.weights as string), reference.attention.flat(3))).toBeLessThan(1e-6);
  });

  test('viz --model GPT writes the head view of GPT.forward attentions, with the GPT-2 BPE tokens', async () => {
    const file = join(await folder('gpt-head'), 'gpt.html');
    const record = await vizJson(['--model', fixture.dir, '--text', GPT_TEXT, '-o', file, '--theme', 'dark']);
    const encoder = getEncoder();
    const tokens = encoder.encode(GPT_TEXT).map((id) => encoder.idToToken(id));
    expect(record).toEqual({
      file,
      view: 'head',
      model: 'gpt',
      tokens,
      layers: 2,
      heads: 2,
      attentionShape: [1, 2, 2, 7, 7],
      patterns: expect.any(Array), // headPatterns of the weights drawn
      strongestHeads: expect.any(Array),
    });
    expect(tokens[1]).toBe('Ġcat');
    const html = await readFile(file, 'utf8');
    expectOffline(html);
    const { data, options } = payload(html);
    expect(data.tokens).toEqual(tokens.map((t) => t.replace('Ġ', '␣'))); // the space marker made visible
    expect(options.theme).toBe('dark');
    expect(maxGap(floats(data.weights as string), gptAttention(GPT_TEXT).flat(3))).toBeLessThan(1e-6);
  });

  test('viz --model gpt-nano (the weather vocabulary) reads the words of Exercise 3.1', async () => {
    const dir = join(fixture.root, 'gpt-nano');
    const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
    const nano = new GPT(config, { init: 'lcg' }).eval();
    await nano.save(dir);
    const words = 'read walk walk walk tennis shop snowy sunny sunny sunny sunny';
    const file = join(await folder('gpt-nano-head'), 'nano.html');
    const record = await vizJson(['--model', dir, '--text', words, '-o', file]);
    expect(record).toMatchObject({ model: 'gpt', tokens: words.split(' '), layers: 3, heads: 3 });
    const reference = tidy(() =>
      noGrad(() => {
        const x = tensor([[1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7]], undefined, 'int32'); // the notebook's sample
        const out = nano.forward(x, null, { returnAttentions: true });
        return out.attentions!.map((a) => (a.toArray() as number[][][][])[0]!);
      }),
    );
    nano.dispose();
    const { data } = payload(await readFile(file, 'utf8'));
    expect(maxGap(floats(data.weights as string), reference.flat(3))).toBeLessThan(1e-5);
    const bad = await runCli(['viz', '--model', dir, '--text', 'read swim', '-o', file]);
    expect(bad).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'lxmls viz: [@lxmls/course] encode: the model has the weather task\'s 8 tokens, and "swim" is not one of them. Expected space-separated words of clean read shop tennis walk rainy snowy sunny, received "swim".\n',
    });
  });

  test('viz --model lxmls/shakespeare-char (a tokenizer.json, as lxmls train text writes) reads its characters, as generate', async () => {
    const charDir = fileURLToPath(modelUrl('lxmls/shakespeare-char'));
    const file = join(await folder('char-head'), 'char.html');
    const record = await vizJson(['--model', 'lxmls/shakespeare-char', '--text', 'ROMEO:', '-o', file]);
    expect(record).toMatchObject({
      model: 'gpt',
      tokens: ['R', 'O', 'M', 'E', 'O', ':'],
      layers: 3,
      heads: 4,
    });
    const tokenizer = textTokenizerFromJson(await readFile(join(charDir, 'tokenizer.json'), 'utf8'));
    const char = (await GPT.fromPretrained(charDir)).eval();
    const reference = tidy(() =>
      noGrad(() => {
        const x = tensor([tokenizer.encode('ROMEO:')], undefined, 'int32'); // (1, 6)
        const out = char.forward(x, null, { returnAttentions: true });
        return out.attentions!.map((a) => (a.toArray() as number[][][][])[0]!);
      }),
    );
    char.dispose();
    const { data } = payload(await readFile(file, 'utf8'));
    expect(maxGap(floats(data.weights as string), reference.flat(3))).toBeLessThan(1e-5);
  });

  test('viz --svg draws one line per positive weight of the layer, for every head', async () => {
    const file = join(await folder('gpt-svg'), 'layer-1.svg');
    const { code, stdout, stderr } = await runCli([
      'viz',
      '--model',
      fixture.dir,
      '--text',
      GPT_TEXT,
      '--layer',
      '1',
      '--svg',
      file,
    ]);
    expect({ code, stderr }).toEqual({
      code: 0,
      stderr:
        'lxmls viz: note: attentions (1, 2, 2, 7, 7) = (batch, layers, heads, query, key); outputs.attentions[0].shape = (1, 2, 7, 7)\n',
    });
    expect(stdout).toBe(`wrote ${file}: the head view (SVG) of 7 tokens, 2 layers × 2 heads\n`);
    const svg = await readFile(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).not.toMatch(/\b(src|href)\s*=/i);
    const positive = gptAttention(GPT_TEXT)[1]!
      .flat(2)
      .filter((w) => w > 0).length;
    expect(positive).toBe(2 * ((7 * 8) / 2)); // causal: each query attends to itself and the tokens before it
    expect(svg.match(/class="lx-line"/g)?.length).toBe(positive);
    for (const token of ['␣cat', '␣mat', '.']) expect(svg).toContain(`>${token}<`);
    // --head H draws that head alone
    await runCli(['viz', '--model', fixture.dir, '--text', GPT_TEXT, '--head', '1', '--svg', file]);
    expect((await readFile(file, 'utf8')).match(/class="lx-line"/g)?.length).toBe(positive / 2);
  });

  test('viz --view neuron (BERT) embeds queries and keys whose softmax(q·k/√hs) is the attention', async () => {
    const file = join(await folder('bert-neuron'), 'neuron.html');
    await vizJson(['--model', BERT, '--text', SENTENCE, '--view', 'neuron', '-o', file, '--head', '2']);
    const html = await readFile(file, 'utf8');
    expectOffline(html);
    const { view, data, options } = payload(html);
    expect(view).toBe('neuron');
    expect(options).toMatchObject({ layer: 0, head: 2, query: 0, causal: false });
    const [T, D, L, H] = [15, 16, 3, 3];
    expect(data).toMatchObject({ layers: L, heads: H, dim: D });
    const [queries, keys] = [floats(data.queries as string), floats(data.keys as string)];
    expect(queries.length).toBe(L * H * T * D);
    const reference = attentionForViz(bert.model, bert.tokenizer, SENTENCE).attention;
    for (let l = 0; l < L; l++) {
      for (let h = 0; h < H; h++) {
        const at = (l * H + h) * T * D;
        for (let i = 0; i < T; i++) {
          const scores = Array.from({ length: T }, (_, j) => {
            let dot = 0;
            for (let d = 0; d < D; d++) dot += queries[at + i * D + d]! * keys[at + j * D + d]!;
            return dot / Math.sqrt(D);
          });
          const top = Math.max(...scores);
          const exps = scores.map((s) => Math.exp(s - top));
          const sum = exps.reduce((a, b) => a + b);
          expect(
            maxGap(
              exps.map((e) => e / sum),
              reference[l]![h]![i]!,
            ),
          ).toBeLessThan(1e-5);
        }
      }
    }
  });

  test('viz --view neuron --svg (GPT) starts on the last token, attending as GPT.forward does', async () => {
    const neuron = ['--model', fixture.dir, '--text', GPT_TEXT, '--view', 'neuron', '--layer', '1'];
    const file = join(await folder('gpt-neuron'), 'neuron.svg');
    await vizJson([...neuron, '--svg', file]);
    const svg = await readFile(file, 'utf8');
    const weights = [...svg.matchAll(/data-weight="([^"]+)"/g)].map((m) => Number(m[1]));
    expect(maxGap(weights, gptAttention(GPT_TEXT)[1]![0]![6]!)).toBeLessThan(1e-5); // layer 1, head 0, query 6
    expect(svg).not.toContain('>masked<'); // the last token sees every key
    // the page starts there too, with the causal mask on (another query sees no later key)
    const html = join(await folder('gpt-neuron-html'), 'neuron.html');
    await vizJson([...neuron, '-o', html]);
    const { data, options } = payload(await readFile(html, 'utf8'));
    expect(options).toMatchObject({ layer: 1, head: 0, query: 6, causal: true });
    expect(data).toMatchObject({ layers: 2, heads: 2, dim: 8 });
  });

  test('viz --view model writes every layer × head as thumbnails', async () => {
    const dir = await folder('bert-model');
    const html = join(dir, 'model.html');
    const record = await vizJson(['--model', BERT, '--text', SENTENCE, '--view', 'model', '-o', html]);
    expect(record.view).toBe('model');
    const page = await readFile(html, 'utf8');
    expectOffline(page);
    expect(payload(page)).toMatchObject({ view: 'model', data: { layers: 3, heads: 3 } });
    const svg = join(dir, 'model.svg');
    await vizJson(['--model', BERT, '--text', SENTENCE, '--view', 'model', '--svg', svg]);
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg/);
  });

  test('viz crops a text longer than the block size to its first tokens, with a note on stderr', async () => {
    const file = join(await folder('gpt-long'), 'long.html');
    const text =
      'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen';
    const ids = getEncoder().encode(text);
    expect(ids.length).toBeGreaterThan(16);
    const { code, stdout, stderr } = await vizRun(fixture.dir, text, file);
    expect(code).toBe(0);
    expect(stderr).toBe(
      `lxmls viz: note: the text has ${ids.length} tokens and the model takes at most 16: the view shows the first 16\n`,
    );
    expect((JSON.parse(stdout) as VizJson).tokens).toHaveLength(16);
  });

  test('viz crops a BERT text to max_position_embeddings, keeping [CLS] and the closing [SEP]', async () => {
    const file = join(await folder('bert-long'), 'long.html');
    const text = Array.from({ length: 70 }, () => 'lake').join(' ');
    const { code, stdout, stderr } = await vizRun(BERT, text, file);
    expect(code).toBe(0);
    expect(stderr).toBe(
      'lxmls viz: note: the text has 72 tokens and the model takes at most 64: the view shows the first 64\n',
    );
    const { tokens } = JSON.parse(stdout) as VizJson;
    expect(tokens).toEqual(['[CLS]', ...Array.from({ length: 62 }, () => 'lake'), '[SEP]']);
  });

  test('viz with no option is Exercise 2.4 offline: lxmls/bert-mini, the notebook sentence as 13 WordPieces, the shape on stderr', async () => {
    const file = join(await folder('default'), 'attention.html');
    const { code, stdout, stderr } = await runCli(['viz', '-o', file]);
    expect({ code, stderr }).toEqual({
      code: 0,
      stderr:
        'lxmls viz: note: attentions (1, 4, 4, 13, 13) = (batch, layers, heads, query, key); outputs.attentions[0].shape = (1, 4, 13, 13)\n',
    });
    expect(stdout).toBe(`wrote ${file}: the head view (page) of 13 tokens, 4 layers × 4 heads\n`);
    const { data } = payload(await readFile(file, 'utf8'));
    expect(data.tokens).toEqual(NOTEBOOK_TOKENS);
    const mini = await loadBertFolder(bundledBertFolder(DEFAULT_VIZ_MODEL)!);
    try {
      const reference = attentionForViz(mini.model, mini.tokenizer, SENTENCE, { addSpecialTokens: false });
      expect(maxGap(floats(data.weights as string), reference.attention.flat(3))).toBeLessThan(1e-6);
    } finally {
      mini.model.dispose();
    }
  });

  test.each([
    [['--model', DEFAULT_VIZ_MODEL, '--text', SENTENCE], 15],
    [['--special-tokens'], 15],
    [['--model', DEFAULT_VIZ_MODEL, '--text', SENTENCE, '--no-special-tokens'], 13],
  ])('viz %j gives attentions (1, 4, 4, T, T) with T = %i', async (argv, T) => {
    const file = join(await folder(`mini-${argv.length}-${T}`), 'a.html');
    const record = await vizJson([...argv, '-o', file]);
    expect(record).toMatchObject({ model: 'bert', layers: 4, heads: 4, attentionShape: [1, 4, 4, T, T] });
    expect(record.tokens[0]).toBe(T === 15 ? '[CLS]' : 'i');
  });

  test("viz --json gives every head's patterns on the text and the best head of each (headPatterns)", async () => {
    const file = join(await folder('patterns'), 'a.html');
    const bare = await vizJson(['-o', file]);
    const withSpecials = await vizJson(['--special-tokens', '-o', file]);
    for (const record of [bare, withSpecials]) {
      expect(record.patterns).toHaveLength(16);
      expect(record.patterns[5]).toMatchObject({ layer: 1, head: 1 });
      const best = record.strongestHeads;
      expect(best.map((b) => b.score)).toEqual([...best.map((b) => b.score)].sort((a, b) => b - a));
      for (const b of best) {
        expect(record.patterns[b.layer * 4 + b.head]![b.pattern]).toBe(b.score); // one of the heads listed
        expect(Math.max(...record.patterns.map((h) => h[b.pattern] ?? 0))).toBe(b.score);
      }
    }
    // the notebook's 13 WordPieces alone have no [CLS]/[SEP] (null in JSON); with them, every query has both
    expect(bare.patterns[0]!.cls).toBeNull();
    expect(bare.strongestHeads.map((b) => b.pattern)).not.toContain('cls');
    expect(withSpecials.patterns[0]!.cls).toBeGreaterThan(0);
  });

  test('lxmls/bert-mini: the heads its training.json names show their pattern, measured again on its files', async () => {
    const folderPath = bundledBertFolder(DEFAULT_VIZ_MODEL)!;
    const training = JSON.parse(await readFile(join(folderPath, 'training.json'), 'utf8')) as {
      patterns: {
        strongest: { pattern: string; layer: number; head: number; score: number }[];
        notebookSentence: Record<string, number>[];
      };
    };
    const mini = await loadBertFolder(folderPath);
    try {
      // the notebook sentence's table, measured again: the same numbers
      const { heads } = attentionPatterns(mini.model, mini.tokenizer, [SENTENCE]);
      heads.forEach((h, i) => {
        const recorded = training.patterns.notebookSentence[i]!;
        for (const key of ['previous', 'next', 'self', 'cls', 'sep', 'sameToken'] as const) {
          expect(h[key]).toBeCloseTo(recorded[key]!, 5);
        }
      });
      // real patterns, not a uniform spread (0.063 per position): the heads named put over 0.15 on their target,
      // the best two on the previous and the next token (bert-mini.test.ts measures them on held-out lines)
      const best = training.patterns.strongest;
      expect(best.length).toBeGreaterThanOrEqual(2);
      expect(best.every((b) => b.score >= 0.15)).toBe(true);
      expect(
        best
          .slice(0, 2)
          .map((b) => b.pattern)
          .sort(),
      ).toEqual(['next', 'previous']);
      // on the notebook's sentence, measured now, the previous- and next-token heads look there most
      for (const pattern of ['previous', 'next'] as const) {
        const b = best.find((x) => x.pattern === pattern)!;
        expect(heads.find((h) => h.layer === b.layer && h.head === b.head)![pattern]).toBeGreaterThan(0.4);
      }
    } finally {
      mini.model.dispose();
    }
  });

  test('viz replaces an existing file whole', async () => {
    const dir = await folder('replace');
    const file = join(dir, 'attention.html');
    await writeFile(file, 'old');
    await vizJson(['--model', BERT, '--text', 'a lake', '-o', file]);
    expect(await readdir(dir)).toEqual(['attention.html']);
    expect(await readFile(file, 'utf8')).toMatch(/^<!doctype html>[\s\S]*<\/html>\n$/);
  });

  test.each([
    [
      ['--model', '', '--text', 'x'],
      '--model is empty: give lxmls/bert-mini, a GPT-2 folder, URL or hub id (gpt2), or a BERT folder',
    ],
    [
      ['--model', 'BERT', '--special-tokens', '--no-special-tokens'],
      'options --special-tokens and --no-special-tokens cannot be used together',
    ],
    [['--model', 'GPT', '--text', 'x', '--special-tokens'], '--special-tokens applies to a BERT only'],
    [['--model', 'BERT', '--text', ''], '--text is empty: give the text whose attention to draw'],
    [['--model', 'BERT', '--text', '  '], '--text is empty: give the text whose attention to draw'],
    [['--model', 'BERT', 'a lake'], 'unexpected argument "a lake": give the text with --text TEXT'],
    [
      ['--model', 'BERT', '--text', 'x', '--view', 'heads'],
      '--view must be head, model or neuron, received "heads"',
    ],
    [
      ['--model', 'BERT', '--text', 'x', '--theme', 'blue'],
      '--theme must be light, dark or auto, received "blue"',
    ],
    [
      ['--model', 'BERT', '--text', 'x', '--layer', '3'],
      '--layer 3 is out of range: the model has 3 layers (0 to 2)',
    ],
    [
      ['--model', 'GPT', '--text', 'x', '--layer', '2'],
      '--layer 2 is out of range: the model has 2 layers (0 to 1)',
    ],
    [['--model', 'BERT', '--text', 'x', '--layer', '-1'], '--layer must be an integer ≥ 0, received "-1"'],
    [['--model', 'BERT', '--text', 'x', '--layer', '1.5'], '--layer must be an integer ≥ 0, received "1.5"'],
    [
      ['--model', 'BERT', '--text', 'x', '--head', '3'],
      '--head 3 is out of range: the model has 3 heads per layer (0 to 2)',
    ],
    [
      ['--model', 'BERT', '--text', 'x', '--view', 'model', '--layer', '1'],
      'option --layer does not apply to --view model, which shows every layer and head',
    ],
    [
      ['--model', 'BERT', '--text', 'x', '-o', 'a.html', '--svg', 'a.svg'],
      'options --output and --svg cannot be used together',
    ],
    [
      ['--model', 'GPT', '--text', 'x', '--no-special-tokens'],
      '--no-special-tokens applies to a BERT only (GPT-2 adds no special tokens)',
    ],
    [['--model', 'BERT', '--text', 'x', '--output', ''], '--output needs a file name'],
    [
      ['--model', 'BERT', '--text', 'x', '--backend', 'gpu9'],
      'unknown backend "gpu9": available backends are',
    ],
    [['--model', 'BERT', '--txt', 'x'], 'unknown option --txt (did you mean --text?)'],
    [
      ['--model', 'bert-base-uncased', '--text', 'x'],
      '"bert-base-uncased" is not a folder: a BERT is read from',
    ],
    [['--model', 'NO_SUCH', '--text', 'x'], 'there is no checkpoint folder at this path'],
  ])('viz %j fails with exit code 2 and one line', async (argv, message) => {
    const dir = await folder(`bad-${Math.random().toString(36).slice(2)}`);
    const resolved = argv.map((a) =>
      a === 'BERT' ? BERT : a === 'GPT' ? fixture.dir : a === 'NO_SUCH' ? join(dir, 'no-such') : a,
    );
    const withOutput = resolved.some((a) => a === '-o' || a === '--output' || a === '--svg')
      ? resolved
      : [...resolved, '-o', join(dir, 'out.html')];
    const { code, stdout, stderr } = await runCli(['viz', ...withOutput]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.startsWith('lxmls viz: ')).toBe(true);
    expect(stderr).toContain(message);
    expect(stderr.indexOf('\n')).toBe(stderr.length - 1);
    expect(await readdir(dir)).toEqual([]); // nothing written
  });

  test('viz to a folder that does not exist fails with exit code 2, one line, and leaves nothing', async () => {
    const dir = await folder('unwritable');
    const file = join(dir, 'missing', 'attention.html');
    const { code, stdout, stderr } = await runCli(['viz', '--model', BERT, '--text', 'x', '-o', file]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toMatch(new RegExp(`^lxmls viz: cannot write --output file ${file}: ENOENT[^\\n]*\\n$`));
    expect(await readdir(dir)).toEqual([]);
  });
});
