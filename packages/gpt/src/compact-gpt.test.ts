import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logSoftmax, manualSeed, memory, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { compactVocabulary } from './checkpoint/compact-vocab.js';
import { CompactVocabGPT } from './compact-gpt.js';
import { type GPTConfig, getDefaultConfig } from './config.js';
import { GPT } from './model.js';

const V = 40;
const TEXT = [3, 7, 7, 12, 30, 3, 12, 5, 7, 30, 3, 5]; // uses 5 of the 40 ids
const config = (patch: Partial<GPTConfig> = {}): GPTConfig => ({
  ...getDefaultConfig(),
  modelType: null,
  nLayer: 1,
  nHead: 2,
  nEmbd: 8,
  blockSize: 6,
  pretrained: true,
  ...patch,
});
const ids = (rows: ArrayLike<number>[]) =>
  tensor(
    rows.map((r) => Array.from(r)),
    undefined,
    'int32',
  );

function model(seed = 0): CompactVocabGPT {
  manualSeed(seed);
  const m = new CompactVocabGPT(config(), compactVocabulary(TEXT, V));
  // make the absent row's logit matter: move it away from the others
  const wte = m.stateDict().get('transformer.wte.weight')!;
  const rows = Float32Array.from(wte.data() as Float32Array);
  for (let c = 0; c < 8; c++) rows[5 * 8 + c] = 0.3 * (c % 2 === 0 ? 1 : -1);
  const moved = tensor(rows, [6, 8]);
  m.loadStateDict(
    new Map([...m.stateDict()].map(([k, t]) => [k, k === 'transformer.wte.weight' ? moved : t])),
  );
  moved.dispose();
  return m.train(false);
}

const roots: string[] = [];
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

describe('CompactVocabGPT', () => {
  test('new CompactVocabGPT has kept + 1 rows, its head computing with wte, listed once', () => {
    const m = model();
    expect(m.gpt.config.vocabSize).toBe(6);
    expect(m.gpt.lmHead.weight).toBe(m.stateDict().get('transformer.wte.weight'));
    expect(m.stateDict().get('lm_head.weight')).toBe(m.stateDict().get('transformer.wte.weight'));
    const names = m.namedParameters().map(([n]) => n);
    expect(names).toContain('transformer.wte.weight');
    expect(names).not.toContain('lm_head.weight');
    expect(m.parameters().length).toBe(names.length);
    m.dispose();
  });

  test('CompactVocabGPT.forward gives the loss of the full model of toFullGPT on the full ids', () => {
    const m = model();
    const full = m.toFullGPT();
    const x = [TEXT.slice(0, 6), TEXT.slice(5, 11)];
    const y = [TEXT.slice(1, 7), TEXT.slice(6, 12)];
    const compactLoss = tidy(() =>
      m
        .forward(ids(x.map((r) => m.vocab.toCompact(r))), ids(y.map((r) => m.vocab.toCompact(r))))
        .loss!.item(),
    );
    const fullLoss = tidy(() => full.forward(ids(x), ids(y)).loss!.item());
    expect(compactLoss).toBeCloseTo(fullLoss, 5);
    full.dispose();
    m.dispose();
  });

  test('toFullGPT: kept ids get the compact log-probabilities; the absent ids share the absent row equally', () => {
    const m = model();
    const full = m.toFullGPT();
    const x = TEXT.slice(0, 6);
    const compact = tidy(() => [...logSoftmax(m.forward(ids([m.vocab.toCompact(x)])).logits).data()]); // (1, 6, 6)
    const whole = tidy(() => [...logSoftmax(full.forward(ids([x])).logits).data()]); // (1, 6, 40)
    for (let t = 0; t < 6; t++) {
      m.vocab.keep.forEach((id, i) => {
        expect(whole[t * V + id]!).toBeCloseTo(compact[t * 6 + i]!, 5);
      });
      const absent = compact[t * 6 + 5]! - Math.log(m.vocab.absentCount);
      expect(whole[t * V + 0]!).toBeCloseTo(absent, 5);
      expect(whole[t * V + 39]!).toBeCloseTo(absent, 5);
    }
    const state = full.stateDict();
    expect([...state.get('lm_head.weight')!.data()]).toEqual([
      ...state.get('transformer.wte.weight')!.data(),
    ]);
    expect(full.training).toBe(false);
    full.dispose();
    m.dispose();
  });

  test('CompactVocabGPT.forward + backward gives the tied matrix a gradient from both of its uses', () => {
    const m = model().train();
    const inputOnly = compactVocabulary(TEXT, V); // compact row 5 (absent) is never an input, only an output
    const x = ids([inputOnly.toCompact(TEXT.slice(0, 6))]);
    const y = ids([inputOnly.toCompact(TEXT.slice(1, 7))]);
    tidy(() => m.forward(x, y).loss!.backward());
    const grad = m.stateDict().get('transformer.wte.weight')!.grad!;
    const g = [...grad.data()];
    expect(g.slice(5 * 8, 6 * 8).some((v) => v !== 0)).toBe(true); // through the head
    expect(m.parameters().every((p) => p.grad !== null)).toBe(true);
    for (const t of [x, y]) t.dispose();
    m.dispose();
  });

  test('CompactVocabGPT.configureOptimizers: Linear weights decay; the tied matrix, biases and LayerNorms do not', () => {
    const m = model();
    const [decay, noDecay] = m.configureOptimizers({ weightDecay: 0.1 });
    expect(decay!.weightDecay).toBe(0.1);
    expect(noDecay!.weightDecay).toBe(0);
    expect(decay!.names).toContain('transformer.h.0.attn.c_attn.weight');
    expect(decay!.names.every((n) => n.endsWith('.weight') && !n.includes('wte'))).toBe(true);
    expect(noDecay!.names).toContain('transformer.wte.weight');
    expect([...decay!.names, ...noDecay!.names].sort()).toEqual(
      m
        .namedParameters()
        .map(([n]) => n)
        .sort(),
    );
    m.dispose();
  });

  test('toFullGPT then save({ float16: true }) writes a tied F16 checkpoint that loads back', async () => {
    const m = model();
    const full = m.toFullGPT();
    const dir = await mkdtemp(join(tmpdir(), 'lxmls-compact-'));
    roots.push(dir);
    await full.save(dir, { float16: true });
    const hf = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(hf.tie_word_embeddings).toBe(true);
    expect(hf.vocab_size).toBe(V);
    const bytes = await readFile(join(dir, 'model.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8'));
    expect(header['transformer.wte.weight'].dtype).toBe('F16');
    expect(header['lm_head.weight']).toBeUndefined();
    const back = (await GPT.fromPretrained(dir)).eval();
    const x = ids([TEXT.slice(0, 6)]);
    const a = tidy(() => [...full.forward(x).logits.data()]);
    const b = tidy(() => [...back.forward(x).logits.data()]);
    a.forEach((v, i) => {
      expect(Math.abs(b[i]! - v)).toBeLessThan(2e-2);
    });
    for (const t of [x] as Tensor[]) t.dispose();
    back.dispose();
    full.dispose();
    m.dispose();
  });

  test('CompactVocabGPT.dispose frees what it made', () => {
    const before = memory().numTensors;
    model().dispose();
    expect(memory().numTensors).toBe(before);
  });
});
