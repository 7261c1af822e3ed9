// The pretraining script of @lxmls/models' small BERT, run at a tiny size: it trains, writes a Hugging Face
// folder that @lxmls/bert loads back, and records the held-out MLM quality and every head's attention patterns.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BertForMaskedLM, BertTokenizer, loadBertFolder } from '@lxmls/bert';
import { manualSeed, tensor } from '@lxmls/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  calibrateUnseenBias,
  corpusSoftmax,
  heldOutSentences,
  parsePretrainArgs,
  pretrainBert,
  sinusoidalPositions,
} from './pretrain-bert.js';

const VOCAB = fileURLToPath(new URL('./__fixtures__/tiny-bert/vocab.txt', import.meta.url));
const LINES = [
  'First Citizen: Before we proceed any further, hear me speak.',
  'All: Speak, speak.',
  'First Citizen: You are all resolved rather to die than to famish?',
  'All: Resolved. resolved.',
  'First Citizen: First, you know Caius Marcius is chief enemy to the people.',
  'All: We know it, we know it.',
  'First Citizen: Let us kill him, and we will have corn at our own price. Is it a verdict?',
];
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lxmls-pretrain-bert-'));
  await writeFile(join(dir, 'corpus.txt'), Array.from({ length: 12 }, () => LINES.join('\n')).join('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pretrainBert', () => {
  test('pretrainBert at a tiny size writes a folder that loads, with the MLM quality and the head patterns', async () => {
    const out = join(dir, 'model');
    const lines: string[] = [];
    const options = {
      corpus: join(dir, 'corpus.txt'),
      vocab: VOCAB,
      out,
      layers: 1,
      heads: 2,
      hidden: 8,
      maxLength: 16,
      batchSize: 4,
      iters: 4,
      evalEvery: 2,
      evalBatches: 2,
      patternSentences: 3,
      heldOutFraction: 0.2,
    };
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
    const options = {
      corpus: join(dir, 'corpus.txt'),
      vocab: VOCAB,
      out,
      layers: 1,
      heads: 2,
      hidden: 8,
      maxLength: 16,
      batchSize: 4,
      iters: 3,
      evalEvery: 0,
      evalBatches: 1,
      patternSentences: 2,
      heldOutFraction: 0.2,
      mlmProbability: 0.4,
      outputVocab: 'corpus' as const,
    };
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
    const options = {
      corpus: join(dir, 'corpus.txt'),
      vocab: VOCAB,
      out,
      layers: 1,
      heads: 2,
      hidden: 8,
      maxLength: 16,
      batchSize: 2,
      iters: 1,
      lr: 0, // the bias stays where it started
      evalEvery: 0,
      evalBatches: 1,
      patternSentences: 1,
      heldOutFraction: 0.2,
      biasInit: 'unigram' as const,
    };
    await pretrainBert(options);
    const tokenizer = BertTokenizer.fromVocab(await readFile(VOCAB, 'utf8'));
    const lines = (await readFile(join(dir, 'corpus.txt'), 'utf8')).split('\n');
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
    const common = {
      corpus: join(dir, 'corpus.txt'),
      vocab: VOCAB,
      maxLength: 16,
      batchSize: 2,
      evalEvery: 0,
      evalBatches: 1,
      patternSentences: 1,
      heldOutFraction: 0.2,
    };
    const first = join(dir, 'init-a');
    await pretrainBert({ ...common, out: first, layers: 1, heads: 2, hidden: 8, iters: 2 });
    const second = join(dir, 'init-b');
    // lr 0: the weights stay those of the folder started from, whatever the layer options say
    await pretrainBert({
      ...common,
      out: second,
      initFrom: first,
      layers: 3,
      iters: 1,
      lr: 0,
      rowMaxLength: 10,
    });
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
      const options = {
        corpus: join(dir, 'corpus.txt'),
        vocab: VOCAB,
        out: join(dir, name),
        layers: 1,
        heads: 2,
        hidden: 8,
        maxLength: 16,
        batchSize: 2,
        iters: 2,
        evalEvery: 0,
        evalBatches: 1,
        patternSentences: 1,
        heldOutFraction: 0.2,
      };
      await pretrainBert(options);
      return readFile(join(dir, name, 'model.safetensors'));
    };
    expect(Buffer.compare(await run('a'), await run('b'))).toBe(0);
  });
});

describe('corpusSoftmax', () => {
  test('corpusSoftmax loss is the cross-entropy over the candidate columns of the full logits', () => {
    manualSeed(3);
    const mlm = new BertForMaskedLM({
      vocabSize: 12,
      hiddenSize: 8,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 16,
      maxPositionEmbeddings: 8,
      hiddenDropoutProb: 0,
      attentionProbsDropoutProb: 0,
    });
    mlm.eval();
    const candidates = Int32Array.from([1, 4, 5, 9]);
    const x = tensor(Int32Array.from([1, 3, 4, 5, 9, 2]), [2, 3], 'int32');
    const y = tensor(Int32Array.from([-1, 4, -1, 9, -1, 1]), [2, 3], 'int32');
    const loss = corpusSoftmax(mlm, candidates).forward(x, y).loss!.item();
    const full = mlm.forward(x).logits.data(); // (2, 3, 12)
    let expected = 0;
    const targets = [
      [1, 4],
      [3, 9],
      [5, 1],
    ]; // flat position, target id
    for (const [position, target] of targets) {
      const row = Array.from(candidates, (id) => full[position! * 12 + id]!);
      const max = Math.max(...row);
      const logSum = max + Math.log(row.reduce((sum, v) => sum + Math.exp(v - max), 0));
      expected += logSum - full[position! * 12 + target!]!;
    }
    expect(loss).toBeCloseTo(expected / targets.length, 5);
    mlm.dispose();
  });

  test('calibrateUnseenBias gives the tokens outside the candidates the seen-once mean less ln 2', () => {
    const mlm = new BertForMaskedLM({
      vocabSize: 6,
      hiddenSize: 8,
      numHiddenLayers: 1,
      numAttentionHeads: 2,
      intermediateSize: 16,
      maxPositionEmbeddings: 8,
    });
    const bias = mlm.cls.predictions.bias;
    bias.copyFrom(Float32Array.from([5, 1, 2, 3, 5, 5]));
    calibrateUnseenBias(mlm, Int32Array.from([1, 2, 3]), Int32Array.from([0, 1, 1, 7, 0, 0]));
    const want = 1.5 - Math.LN2;
    expect(Array.from(bias.data())).toEqual([want, 1, 2, 3, want, want].map((v) => Math.fround(v)));
    mlm.dispose();
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

describe('sinusoidalPositions', () => {
  test('sinusoidalPositions has the root mean square asked for, and row p + 1 is row p rotated', () => {
    const [P, D] = [32, 128];
    const table = sinusoidalPositions(P, D, 0.02);
    const rms = Math.sqrt(table.reduce((s, v) => s + v * v, 0) / table.length); // sin² + cos² = 1 per pair
    expect(rms).toBeCloseTo(0.02, 6);
    // each (sin, cos) pair of row p + 1 is the pair of row p rotated by the same angle, whatever p
    const angle = (p: number, i: number) => Math.atan2(table[p * D + i]!, table[p * D + i + 1]!);
    const step = (p: number, i: number) => (angle(p + 1, i) - angle(p, i) + 4 * Math.PI) % (2 * Math.PI);
    for (const i of [0, 10, 64]) expect(step(20, i)).toBeCloseTo(step(3, i), 4);
  });
});

describe('heldOutSentences', () => {
  test('heldOutSentences splits at . ! ? and keeps sentences of 6–40 WordPieces', async () => {
    const tokenizer = BertTokenizer.fromVocab(await readFile(VOCAB, 'utf8'));
    const sentences = heldOutSentences(LINES.join('\n'), tokenizer, 10);
    expect(sentences[0]).toBe('First Citizen: Before we proceed any further, hear me speak.');
    expect(sentences).not.toContain('All: Resolved.'); // 4 WordPieces
    expect(heldOutSentences(LINES.join('\n'), tokenizer, 10, 8)).toEqual(['All: Speak, speak.']); // 6 pieces
    expect(sentences.every((s) => /[.!?]$/.test(s))).toBe(true);
  });
});
