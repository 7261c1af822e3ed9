import { thrownError } from '@lxmls/base';
import { memory, type Tensor, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsGptError } from '../errors.js';
import { compactFromKeep, compactVocabulary, expandCompactVocabulary } from './compact-vocab.js';

const errorOf = (f: () => unknown): LxmlsGptError => thrownError(LxmlsGptError, f);

describe('compactVocabulary', () => {
  test('compactVocabulary keeps the distinct ids, ascending, then one absent row', () => {
    const v = compactVocabulary(Int32Array.of(9, 2, 9, 4, 2), 10);
    expect([...v.keep]).toEqual([2, 4, 9]);
    expect(v.absentId).toBe(3);
    expect(v.absentCount).toBe(7);
    expect([...v.logitOffset]).toEqual([0, 0, 0, Math.fround(Math.log(7))]);
  });

  test('compactVocabulary: toCompact then toFull gives back the kept ids; absent ids map to the absent row', () => {
    const v = compactVocabulary([9, 2, 4], 10);
    expect([...v.toCompact([9, 2, 4, 0, 5])]).toEqual([2, 0, 1, 3, 3]);
    expect([...v.toFull(v.toCompact([9, 2, 4]))]).toEqual([9, 2, 4]);
    expect([...v.toFull([3])]).toEqual([-1]);
  });

  test('compactVocabulary of a text that uses every id has no absent id and a zero offset', () => {
    const v = compactVocabulary([0, 1, 2], 3);
    expect(v.absentCount).toBe(0);
    expect([...v.logitOffset]).toEqual([0, 0, 0, 0]);
  });

  test.each([
    [[0, 10], 10],
    [[-1], 10],
    [[1.5], 10],
    [[0], 0],
  ])('compactVocabulary(%j, %i) is INVALID_ARGUMENT', (ids, vocabSize) => {
    expect(errorOf(() => compactVocabulary(ids, vocabSize)).code).toBe('INVALID_ARGUMENT');
  });

  test.each([[[3, 2]], [[2, 2]], [[0, 8]]])('compactFromKeep(%j, 8) is INVALID_ARGUMENT', (keep) => {
    const e = errorOf(() => compactFromKeep(Int32Array.from(keep), 8));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('compactFromKeep');
  });
});

describe('expandCompactVocabulary', () => {
  const rows = (t: Tensor) => {
    const [n, c] = t.shape as [number, number];
    const d = [...t.data()];
    return Array.from({ length: n }, (_, i) => d.slice(i * c, (i + 1) * c));
  };

  test('expandCompactVocabulary puts the kept rows at their ids and the absent row everywhere else', () => {
    const v = compactVocabulary([1, 3], 5);
    const wte = tensor([
      [1, 2],
      [3, 4],
      [-5, -6],
    ]); // (3, 2)
    const head = tensor([
      [7, 7],
      [8, 8],
      [9, 9],
    ]); // (3, 2)
    const other = tensor([1, 2, 3]);
    const before = memory().numTensors;
    const full = expandCompactVocabulary(
      new Map([
        ['transformer.wte.weight', wte],
        ['lm_head.weight', head],
        ['transformer.ln_f.bias', other],
      ]),
      v,
    );
    expect(memory().numTensors).toBe(before + 2);
    expect(rows(full.get('transformer.wte.weight')!)).toEqual([
      [-5, -6],
      [1, 2],
      [-5, -6],
      [3, 4],
      [-5, -6],
    ]);
    expect(rows(full.get('lm_head.weight')!)).toEqual([
      [9, 9],
      [7, 7],
      [9, 9],
      [8, 8],
      [9, 9],
    ]);
    expect(full.get('transformer.ln_f.bias')).toBe(other);
    expect([...full.keys()]).toEqual(['transformer.wte.weight', 'lm_head.weight', 'transformer.ln_f.bias']);
    for (const t of [wte, head, other, full.get('transformer.wte.weight')!, full.get('lm_head.weight')!])
      t.dispose();
  });

  test('expandCompactVocabulary of a tied pair gives one tensor under both names; no lm head stays none', () => {
    const v = compactVocabulary([0], 3);
    const wte = tensor([[1], [2]]); // (2, 1)
    const tied = expandCompactVocabulary({ 'transformer.wte.weight': wte, 'lm_head.weight': wte }, v);
    expect(tied.get('lm_head.weight')).toBe(tied.get('transformer.wte.weight'));
    expect([...tied.get('lm_head.weight')!.data()]).toEqual([1, 2, 2]);
    const alone = expandCompactVocabulary({ 'transformer.wte.weight': wte }, v);
    expect(alone.has('lm_head.weight')).toBe(false);
    for (const t of [wte, tied.get('lm_head.weight')!, alone.get('transformer.wte.weight')!]) t.dispose();
  });

  test('expandCompactVocabulary with a tensor of the wrong row count is CHECKPOINT_MISMATCH, leaking nothing', () => {
    const v = compactVocabulary([0, 1], 4); // 3 compact rows
    const wte = tensor([[1], [2]]); // (2, 1)
    const before = memory().numTensors;
    const e = errorOf(() => expandCompactVocabulary({ 'transformer.wte.weight': wte }, v));
    expect(e.code).toBe('CHECKPOINT_MISMATCH');
    expect(e.message).toContain('(3, C)');
    expect(memory().numTensors).toBe(before);
    wte.dispose();
  });

  test('expandCompactVocabulary without a token embedding is INVALID_ARGUMENT', () => {
    const e = errorOf(() => expandCompactVocabulary(new Map(), compactVocabulary([0], 2)));
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('transformer.wte.weight');
  });
});
