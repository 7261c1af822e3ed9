import { RandomGenerator, randn, slice, type Tensor, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsAttentionError } from './errors.js';
import { paddingMask } from './masks.js';
import { MultiHeadAttention } from './multi-head-attention.js';

const maxGap = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const y = b.data();
  return Array.from(a.data()).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};

describe('MultiHeadAttention(embedDim, numHeads, options)', () => {
  test('MultiHeadAttention registers q_proj, k_proj, v_proj, out_proj (kdim / vdim respected)', () => {
    const mha = new MultiHeadAttention(8, 2, { kdim: 5, vdim: 3, bias: false });
    expect(mha.namedParameters().map(([n, p]) => `${n} ${p.shape}`)).toEqual([
      'q_proj.weight 8,8',
      'k_proj.weight 8,5',
      'v_proj.weight 8,3',
      'out_proj.weight 8,8',
    ]);
  });

  test('MultiHeadAttention with a padding mask equals the same input without the padded keys', () => {
    const mha = new MultiHeadAttention(8, 2, { generator: new RandomGenerator(1) });
    const g = new RandomGenerator(2);
    const x = randn([1, 5, 8], g);
    const mask = paddingMask(tensor([[1, 1, 1, 0, 0]], undefined, 'int32'));
    const padded = mha.forward(x, x, x, { mask, returnWeights: true });
    const short = slice(x, [0, 0, 0], [1, 3, 8]);
    const alone = mha.forward(short, short, short);
    expect(maxGap(slice(padded.output, [0, 0, 0], [1, 3, 8]), alone.output)).toBeLessThan(1e-5);
    const w = padded.weights!.toArray() as number[][][][];
    for (const row of w.flat(2)) expect(row.slice(3)).toEqual([0, 0]);
  });

  test('MultiHeadAttention cross-attention: queries (B, Tq, E) over a memory (B, Tk, kdim)', () => {
    const mha = new MultiHeadAttention(6, 3, { kdim: 4, vdim: 4, generator: new RandomGenerator(3) });
    const g = new RandomGenerator(4);
    const { output, weights } = mha.forward(randn([2, 2, 6], g), randn([2, 7, 4], g), randn([2, 7, 4], g), {
      returnWeights: true,
    });
    expect(output.shape).toEqual([2, 2, 6]);
    expect(weights!.shape).toEqual([2, 3, 2, 7]);
  });

  test('MultiHeadAttention causal option blocks future keys', () => {
    const mha = new MultiHeadAttention(4, 1, { generator: new RandomGenerator(5) });
    const x = randn([1, 3, 4], new RandomGenerator(6));
    const w = mha
      .forward(x, x, x, { causal: true, returnWeights: true })
      .weights!.toArray() as number[][][][];
    expect(w[0]![0]![0]!.slice(1)).toEqual([0, 0]);
  });

  test.each([
    [
      'embedDim not divisible by numHeads',
      () => new MultiHeadAttention(5, 2),
      'embedDim must be a multiple of numHeads',
    ],
    ['dropout 1', () => new MultiHeadAttention(4, 2, { dropout: 1 }), 'dropout must be a probability'],
    [
      'keys of another batch',
      () => new MultiHeadAttention(4, 2).forward(randn([1, 2, 4]), randn([2, 2, 4]), randn([2, 2, 4])),
      'received (1, 2, 4), (2, 2, 4) and (2, 2, 4)',
    ],
  ])('MultiHeadAttention with %s throws', (_, call, message) => {
    expect(call).toThrow(LxmlsAttentionError);
    expect(call).toThrow(message);
  });
});
