// Masked-language-model pretraining (pretrain.ts and its pieces, pretrain-parts.ts): the corpus-softmax wrapper and its bias calibration, the
// sinusoidal positions, the held-out sentences, and pretrainMaskedLM's callbacks at a tiny size (the script that
// writes the folder, tools/pretrain-bert.ts, is tested end to end in tools/pretrain-bert.test.ts).
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { manualSeed, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsBertError } from './errors.js';
import { BertForMaskedLM } from './mlm.js';
import { measureMaskedLM, pretrainMaskedLM } from './pretrain.js';
import {
  calibrateUnseenBias,
  corpusSoftmax,
  heldOutSentences,
  sinusoidalPositions,
} from './pretrain-parts.js';
import { BertTokenizer } from './tokenizer.js';

const VOCAB = fileURLToPath(new URL('./__fixtures__/tiny-bert/vocab.txt', import.meta.url));
/** The corpus: the seven lines of {@link LINES}, twelve times over. */
const CORPUS = await readFile(new URL('./__fixtures__/citizens.txt', import.meta.url), 'utf8');
const LINES = CORPUS.split('\n').slice(0, 7);
const TINY = {
  layers: 1,
  heads: 2,
  hidden: 8,
  maxLength: 16,
  batchSize: 2,
  evalBatches: 1,
  patternSentences: 2,
  heldOutFraction: 0.2,
};

describe('pretrainMaskedLM', () => {
  test('pretrainMaskedLM saves the whole folder at each evaluation, then training.json with the measurements', async () => {
    const vocab = await readFile(VOCAB, 'utf8');
    const saves: Record<string, string | Uint8Array>[] = [];
    const lines: string[] = [];
    const summary = await pretrainMaskedLM(
      { ...TINY, corpus: CORPUS, vocab, iters: 4, evalEvery: 2, command: 'c', machine: 'm', corpusName: 'x' },
      { log: (line) => lines.push(line), save: (files) => void saves.push(files) },
    );
    expect(saves.map((files) => Object.keys(files).sort())).toEqual([
      ['config.json', 'model.safetensors', 'tokenizer_config.json', 'training.json', 'vocab.txt'],
      ['config.json', 'model.safetensors', 'tokenizer_config.json', 'training.json', 'vocab.txt'],
      ['config.json', 'model.safetensors', 'tokenizer_config.json', 'training.json', 'vocab.txt'],
      ['training.json'],
    ]);
    expect(saves[0]!['vocab.txt']).toBe(vocab);
    expect(saves[3]!['training.json']).toBe(`${JSON.stringify(summary, null, 2)}\n`);
    expect(summary).toMatchObject({ command: 'c', machine: 'm', corpus: 'x', iterations: 4 });
    expect(lines.filter((l) => l.startsWith('eval iter'))).toHaveLength(2);
    // measured again from the files saved, with the same held-out data: the same numbers
    const files = {
      config: saves[2]!['config.json'] as string,
      weights: saves[2]!['model.safetensors'] as Uint8Array,
    };
    const again = measureMaskedLM({ ...TINY, corpus: CORPUS, vocab }, files);
    expect(again.heldOut).toEqual(summary.heldOut);
    expect(again.patterns).toEqual(summary.patterns);
  });

  test('pretrainMaskedLM with initFrom of fewer positions than maxLength throws INVALID_CONFIG', async () => {
    const vocab = await readFile(VOCAB, 'utf8');
    const saved: Record<string, string | Uint8Array> = {};
    await pretrainMaskedLM(
      { ...TINY, corpus: CORPUS, vocab, iters: 1, evalEvery: 0 },
      { save: (f) => void Object.assign(saved, f) },
    );
    const initFrom = {
      config: saved['config.json'] as string,
      weights: saved['model.safetensors'] as Uint8Array,
      name: 'small',
    };
    const error = await pretrainMaskedLM({
      ...TINY,
      corpus: CORPUS,
      vocab,
      iters: 1,
      maxLength: 32,
      initFrom,
    }).catch((e: unknown) => e);
    expect(LxmlsBertError.isInstance(error) && error.code).toBe('INVALID_CONFIG');
    expect((error as Error).message).toMatch(/the model small has fewer positions than maxLength/);
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
