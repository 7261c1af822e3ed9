// The pretraining script of @lxmls/models' small BERT, run at a tiny size: it trains, writes a Hugging Face
// folder that @lxmls/bert loads back, and records the held-out MLM quality and every head's attention patterns.
// The functions it is built from (@lxmls/bert's pretrain.ts) are tested in packages/bert/src/pretrain.test.ts.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertForMaskedLM, BertTokenizer, loadBertFolder } from '@lxmls/bert';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type PretrainBertOptions, parsePretrainArgs, pretrainBert } from './pretrain-bert.js';

const VOCAB = fileURLToPath(
  new URL('../packages/bert/src/__fixtures__/tiny-bert/vocab.txt', import.meta.url),
);
/** @lxmls/bert's pretraining corpus: seven lines of Coriolanus, twelve times over. */
const CORPUS = fileURLToPath(new URL('../packages/bert/src/__fixtures__/citizens.txt', import.meta.url));
let dir = '';

/** The options of a tiny run on the test corpus: 1 layer, 2 heads, hidden 8, 16 positions; `extra` on top. */
const tiny = (extra: Partial<PretrainBertOptions> & { out: string }): PretrainBertOptions => ({
  corpus: CORPUS,
  vocab: VOCAB,
  layers: 1,
  heads: 2,
  hidden: 8,
  maxLength: 16,
  batchSize: 2,
  evalEvery: 0,
  evalBatches: 1,
  patternSentences: 1,
  heldOutFraction: 0.2,
  ...extra,
});

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lxmls-pretrain-bert-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pretrainBert', () => {
  test('pretrainBert at a tiny size writes a folder that loads, with the MLM quality and the head patterns', async () => {
    const out = join(dir, 'model');
    const lines: string[] = [];
    const options = tiny({ out, batchSize: 4, iters: 4, evalEvery: 2, evalBatches: 2, patternSentences: 3 });
    const summary = (await pretrainBert(options, (l) => lines.push(l))) as Record<string, unknown>;
    expect(lines.some((l) => l.startsWith('eval iter 2:'))).toBe(true);
    const training = JSON.parse(await readFile(join(out, 'training.json'), 'utf8'));
    expect(training.iterations).toBe(4);
    expect(training.history.map((h: { iter: number }) => h.iter)).toEqual([2, 4]);
    expect(training.heldOut.mlmLoss).toBeGreaterThan(0);
    expect(training.heldOut.mlmAccuracy).toBeGreaterThanOrEqual(0);
    expect(training.heldOut.weights).toBe('float16'); // measured on the files written
    expect(training.patterns.withSpecialTokens).toHaveLength(2); // 1 layer × 2 heads
    expect(training.patterns.notebookSentence[0].previous).toBeGreaterThan(0);
    expect(summary.parameters).toBe(training.parameters);

    const { model, tokenizer, config, ignoredKeys } = await loadBertFolder(out);
    expect(config.hiddenSize).toBe(8);
    expect(tokenizer.vocabSize).toBe(30522);
    expect(ignoredKeys.filter((k) => k.startsWith('cls.')).length).toBe(5); // the head, left out by BertModel
    expect(model.config.maxPositionEmbeddings).toBe(16);
    const bytes = await readFile(join(out, 'model.safetensors'));
    const mlm = BertForMaskedLM.fromSafetensors(await readFile(join(out, 'config.json'), 'utf8'), bytes);
    expect(mlm.numParameters()).toBe(training.parameters);

    // --measure-only measures the saved folder again with the same held-out data: the same numbers
    await pretrainBert({ ...options, measureOnly: true });
    const again = JSON.parse(await readFile(join(out, 'training.json'), 'utf8'));
    expect(again.heldOut).toEqual(training.heldOut);
    expect(again.patterns).toEqual(training.patterns);
    expect(again.iterations).toBe(4);
  });

  test('pretrainBert with outputVocab corpus and mlmProbability 0.4 trains and saves a full-vocabulary model', async () => {
    const out = join(dir, 'corpus-softmax');
    const options = tiny({
      out,
      batchSize: 4,
      iters: 3,
      patternSentences: 2,
      mlmProbability: 0.4,
      outputVocab: 'corpus',
    });
    await pretrainBert(options);
    const training = JSON.parse(await readFile(join(out, 'training.json'), 'utf8'));
    expect(training.hyperparameters).toMatchObject({ mlmProbability: 0.4, outputVocab: 'corpus' });
    expect(Number.isFinite(training.heldOut.mlmLoss)).toBe(true);
    const mlm = BertForMaskedLM.fromSafetensors(
      await readFile(join(out, 'config.json'), 'utf8'),
      await readFile(join(out, 'model.safetensors')),
    );
    // every WordPiece outside the corpus shares one bias, below the trained ones (float16)
    const bias = mlm.cls.predictions.bias.data();
    const tokenizer = BertTokenizer.fromVocab(await readFile(VOCAB, 'utf8'));
    const unseen = tokenizer.convertTokensToIds(['lake', 'computer', 'zebra']).map((id) => bias[id]!);
    expect(new Set(unseen).size).toBe(1);
    expect(unseen[0]!).toBeLessThan(0);
    mlm.dispose();
  });

  test('pretrainBert with biasInit unigram starts the output bias at the log add-one frequencies', async () => {
    const out = join(dir, 'unigram');
    const options = tiny({ out, iters: 1, lr: 0, biasInit: 'unigram' }); // lr 0: the bias stays where it started
    await pretrainBert(options);
    const tokenizer = BertTokenizer.fromVocab(await readFile(VOCAB, 'utf8'));
    const lines = (await readFile(CORPUS, 'utf8')).split('\n');
    const train = tokenizer.tokenize(lines.slice(0, Math.floor(lines.length * 0.8)).join('\n'));
    const total = train.length + tokenizer.vocabSize;
    const mlm = BertForMaskedLM.fromSafetensors(
      await readFile(join(out, 'config.json'), 'utf8'),
      await readFile(join(out, 'model.safetensors')),
    );
    const bias = mlm.cls.predictions.bias.data();
    for (const token of ['citizen', ',', 'lake']) {
      const count = train.filter((t) => t === token).length;
      const [id] = tokenizer.convertTokensToIds([token]);
      expect(bias[id!]!).toBeCloseTo(Math.log((count + 1) / total), 2); // float16
    }
    mlm.dispose();
  });

  test('pretrainBert with initFrom starts from a saved folder (its architecture), rowMaxLength shortens the rows', async () => {
    const first = join(dir, 'init-a');
    await pretrainBert(tiny({ out: first, iters: 2 }));
    const second = join(dir, 'init-b');
    // lr 0: the weights stay those of the folder started from, whatever the layer options say
    await pretrainBert(tiny({ out: second, initFrom: first, layers: 3, iters: 1, lr: 0, rowMaxLength: 10 }));
    const [a, b] = await Promise.all([
      readFile(join(first, 'model.safetensors')),
      readFile(join(second, 'model.safetensors')),
    ]);
    expect(Buffer.compare(a, b)).toBe(0);
    const training = JSON.parse(await readFile(join(second, 'training.json'), 'utf8'));
    expect(training.config.numHiddenLayers).toBe(1);
    expect(training.hyperparameters).toMatchObject({ rowMaxLength: 10, initFrom: first });
  });

  test('pretrainBert with the same seed trains the same model', async () => {
    const run = async (name: string) => {
      await pretrainBert(tiny({ out: join(dir, name), iters: 2 }));
      return readFile(join(dir, name, 'model.safetensors'));
    };
    expect(Buffer.compare(await run('a'), await run('b'))).toBe(0);
  });
});

describe('parsePretrainArgs', () => {
  test('parsePretrainArgs reads the paths and the integer options', () => {
    const options = parsePretrainArgs([
      '--corpus',
      'c.txt',
      '--vocab',
      'v.txt',
      '--out',
      'o',
      '--iters',
      '1200',
      '--max-length',
      '64',
      '--lr',
      '1e-3',
      '--mlm-probability',
      '0.4',
      '--output-vocab',
      'corpus',
      '--row-max-length',
      '14',
      '--init-from',
      'old',
    ]);
    expect(options).toEqual({
      corpus: 'c.txt',
      vocab: 'v.txt',
      out: 'o',
      iters: 1200,
      maxLength: 64,
      lr: 0.001,
      mlmProbability: 0.4,
      outputVocab: 'corpus',
      rowMaxLength: 14,
      initFrom: 'old',
    });
  });
  test.each([
    ['a missing --out', ['--corpus', 'c', '--vocab', 'v'], /--out is required/],
    [
      'a bad integer',
      ['--corpus', 'c', '--vocab', 'v', '--out', 'o', '--iters', '1.5'],
      /--iters must be an integer/,
    ],
    [
      'an unknown --bias-init',
      ['--corpus', 'c', '--vocab', 'v', '--out', 'o', '--bias-init', 'bigram'],
      /--bias-init must be zero or unigram/,
    ],
    [
      'an unknown --output-vocab',
      ['--corpus', 'c', '--vocab', 'v', '--out', 'o', '--output-vocab', 'train'],
      /--output-vocab must be full or corpus/,
    ],
    [
      'an unknown --position-init',
      ['--corpus', 'c', '--vocab', 'v', '--out', 'o', '--position-init', 'rope'],
      /--position-init must be normal or sinusoidal/,
    ],
  ])('parsePretrainArgs with %s throws', (_, argv, message) => {
    expect(() => parsePretrainArgs(argv)).toThrow(message);
  });
});
