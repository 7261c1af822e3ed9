// Parity with Hugging Face transformers 5.17 on the tiny random BERT: the tokenizer's ids, every attention
// matrix, the last hidden state and the pooler output.
//
// Metric: for each tensor, max |ours − theirs| / max(max |theirs|, 1e-6) ≤ 1e-4 (relative to the tensor's
// scale), and also elementwise |ours − theirs| ≤ 1e-5 + 1e-4 · |theirs| (numpy's allclose, rtol 1e-4, atol 1e-5).

import { readFileSync } from 'node:fs';
import { readSafetensors } from '@lxmls/nn';
import { noGrad, type Tensor, tidy } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { BertModel } from './model.js';
import { BertTokenizer } from './tokenizer.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures));

const model = BertModel.fromSafetensors(
  read('tiny-bert/config.json').toString('utf8'),
  read('tiny-bert/model.safetensors'),
);
const tokenizer = BertTokenizer.fromVocab(read('tiny-bert/vocab.txt').toString('utf8'));
const { tensors: ref, metadata } = readSafetensors(read('tiny-bert-reference.safetensors'));
const text: string = JSON.parse(metadata.text!);

/** max |a − b| / max |b|, and whether numpy's allclose(a, b, rtol=1e-4, atol=1e-5) holds. */
function compare(a: ArrayLike<number>, b: ArrayLike<number>): { relative: number; allclose: boolean } {
  expect(a.length).toBe(b.length);
  let maxDiff = 0;
  let maxRef = 0;
  let allclose = true;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    maxDiff = Math.max(maxDiff, d);
    maxRef = Math.max(maxRef, Math.abs(b[i]!));
    if (!(d <= 1e-5 + 1e-4 * Math.abs(b[i]!))) allclose = false;
  }
  return { relative: maxDiff / Math.max(maxRef, 1e-6), allclose };
}

const out = (a: ArrayLike<number>, b: ArrayLike<number>) => compare(a, b).relative;
const encoding = tokenizer.encode(text);
const outputs = noGrad(() =>
  model.forward({
    inputIds: [encoding.ids],
    tokenTypeIds: [encoding.tokenTypeIds],
    attentionMask: [encoding.attentionMask],
    outputAttentions: true,
    outputHiddenStates: true,
  }),
);

describe('BertModel parity with transformers (tiny-bert)', () => {
  test('BertTokenizer.encode gives the reference input_ids, token_type_ids and attention_mask', () => {
    expect(encoding.ids).toEqual([...ref.get('input_ids')!.data()]);
    expect(encoding.tokenTypeIds).toEqual([...ref.get('token_type_ids')!.data()]);
    expect(encoding.attentionMask).toEqual([...ref.get('attention_mask')!.data()]);
    expect(encoding.ids).toHaveLength(15);
  });

  test('BertModel.forward: last_hidden within 1e-4 relative', () => {
    expect(outputs.lastHiddenState.shape).toEqual([1, 15, 48]);
    const { relative, allclose } = compare(outputs.lastHiddenState.data(), ref.get('last_hidden')!.data());
    expect(relative).toBeLessThan(1e-4);
    expect(allclose).toBe(true);
  });

  test('BertModel.forward: pooler within 1e-4 relative', () => {
    expect(outputs.poolerOutput.shape).toEqual([1, 48]);
    const { relative, allclose } = compare(outputs.poolerOutput.data(), ref.get('pooler')!.data());
    expect(relative).toBeLessThan(1e-4);
    expect(allclose).toBe(true);
  });

  test.each([0, 1, 2])('BertModel.forward: attentions[%i] within 1e-4 relative', (layer) => {
    const ours = outputs.attentions![layer]!;
    expect(ours.shape).toEqual([1, 3, 15, 15]);
    const theirs = ref
      .get('attentions')!
      .data()
      .subarray(layer * 675, (layer + 1) * 675); // (1, 3, 15, 15)
    const { relative, allclose } = compare(ours.data(), theirs);
    expect(relative).toBeLessThan(1e-4);
    expect(allclose).toBe(true);
  });

  test('BertModel.forward: hiddenStates has the embeddings then each layer, the last equal to lastHiddenState', () => {
    expect(outputs.hiddenStates).toHaveLength(4);
    expect([...outputs.hiddenStates![3]!.data()]).toEqual([...outputs.lastHiddenState.data()]);
  });

  test('BertModel.forward with ids only (no types, no mask; the fused attention kernel) agrees', () => {
    const [hidden, pooled] = tidy(() => {
      const out = noGrad(() => model.forward({ inputIds: encoding.ids }));
      return [out.lastHiddenState.data().slice(), out.poolerOutput.data().slice()];
    });
    expect(out(hidden, ref.get('last_hidden')!.data())).toBeLessThan(1e-4);
    expect(out(pooled, ref.get('pooler')!.data())).toBeLessThan(1e-4);
  });

  test('BertModel.forward of a padded batch matches each sequence alone, on the real tokens', () => {
    const texts = [text, 'A lake.'];
    const batch = tokenizer.encodeBatch(texts);
    const [batched, single] = tidy(() =>
      noGrad(() => {
        const out = model.forward({
          inputIds: batch.ids,
          attentionMask: batch.attentionMask,
          outputAttentions: true,
        });
        const alone = model.forward({ inputIds: [tokenizer.encode(texts[1]!).ids], outputAttentions: true });
        const rows = (t: Tensor) => t.toArray() as number[][][];
        return [
          { hidden: rows(out.lastHiddenState), attention: out.attentions![2]!.toArray() as number[][][][] },
          {
            hidden: rows(alone.lastHiddenState),
            attention: alone.attentions![2]!.toArray() as number[][][][],
          },
        ];
      }),
    );
    const T = tokenizer.encode(texts[1]!).ids.length; // 5 real tokens in row 1
    expect(T).toBe(5);
    for (let t = 0; t < T; t++) {
      const { relative } = compare(batched.hidden[1]![t]!, single.hidden[0]![t]!);
      expect(relative).toBeLessThan(1e-5);
    }
    // Padded keys get exactly zero weight.
    for (const head of batched.attention[1]!)
      for (const row of head.slice(0, T)) expect(row.slice(T)).toEqual(Array(15 - T).fill(0));
    expect(
      compare(batched.attention[1]![0]![0]!.slice(0, T), single.attention[0]![0]![0]!).relative,
    ).toBeLessThan(1e-5);
  });
});
