import { describe, expect, test } from 'vitest';
import { crossEntropy, dropout, gather, gelu, layerNorm, RandomGenerator, tensor, zeros } from '../index.js';

describe('layerNorm', () => {
  test('layerNorm([[1, 2, 3]]) is [-1.2247, 0, 1.2247] (eps 1e-5, biased variance)', () => {
    const y = layerNorm(tensor([[1, 2, 3]])).data();
    // var = 2/3, so (x - 2) / sqrt(2/3 + 1e-5)
    const s = Math.sqrt(2 / 3 + 1e-5);
    expect(y[0]).toBeCloseTo(-1 / s, 6);
    expect(y[1]).toBeCloseTo(0, 7);
    expect(y[2]).toBeCloseTo(1 / s, 6);
  });

  test('layerNorm(x, weight, bias) scales and shifts', () => {
    const y = layerNorm(tensor([[1, 2, 3]]), tensor([2, 2, 2]), tensor([1, 1, 1])).data();
    expect(y[1]).toBeCloseTo(1, 6);
    expect(y[2]).toBeCloseTo(1 + 2 / Math.sqrt(2 / 3 + 1e-5), 5);
  });

  test('layerNorm(x, weight) rejects a weight of the wrong size, naming both shapes', () => {
    expect(() => layerNorm(zeros([2, 3]), zeros([4]))).toThrow(
      '[@lxmls/tensor] layerNorm: weight and bias must match the last axis. Expected (3) for x of shape (2, 3), received (4).',
    );
  });

  test('layerNorm backward: dbias is the column sum of dy, dx sums to 0 per row', () => {
    const x = tensor([
      [1, 2, 4],
      [0, -1, 3],
    ]);
    const w = tensor([1, 2, 3]);
    const b = tensor([0, 0, 0]);
    for (const t of [x, w, b]) t.requiresGrad = true;
    layerNorm(x, w, b)
      .mul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      )
      .sum()
      .backward();
    expect(b.grad!.toArray()).toEqual([5, 7, 9]);
    const dx = x.grad!.toArray() as number[][];
    for (const row of dx) expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 5);
  });
});

describe('gelu', () => {
  test.each([
    [1, 0.841192],
    [0, 0],
    [-1, -0.158808],
    [3, 2.996363],
  ])('gelu(%d) is %d (tanh form)', (x, y) => {
    expect(gelu(tensor([x])).item()).toBeCloseTo(y, 5);
  });

  test('gelu(1) is 0.8411920…', () => {
    expect(
      gelu(tensor([1]))
        .item()
        .toFixed(7),
    ).toBe('0.8411920');
  });
});

describe('crossEntropy', () => {
  test('crossEntropy(logits, targets) with ignore index equals the mean over kept positions', () => {
    const rows = [
      [1, 2, 0.5],
      [0.1, -1, 3],
      [2, 2, 2],
      [0, 1, 0],
    ];
    const targets = [2, -1, 0, 1];
    const nll = (row: number[], t: number) => Math.log(row.reduce((s, v) => s + Math.exp(v), 0)) - row[t]!;
    const expected = (nll(rows[0]!, 2) + nll(rows[2]!, 0) + nll(rows[3]!, 1)) / 3;
    const loss = crossEntropy(tensor(rows), tensor(targets, undefined, 'int32'));
    expect(loss.item()).toBeCloseTo(expected, 6);
  });

  test('crossEntropy backward: ignored rows get zero gradient, kept rows (p - onehot)/kept', () => {
    const logits = tensor([
      [0, 0],
      [5, 1],
    ]);
    logits.requiresGrad = true;
    crossEntropy(logits, tensor([1, -1], undefined, 'int32')).backward();
    expect(logits.grad!.toArray()).toEqual([
      [0.5, -0.5],
      [0, 0],
    ]);
  });

  test('crossEntropy(logits, targets) is NaN when every target is ignored, as PyTorch', () => {
    expect(crossEntropy(zeros([2, 3]), tensor([-1, -1], undefined, 'int32')).item()).toBeNaN();
  });

  test('crossEntropy(logits, targets) rejects a target out of range', () => {
    expect(() => crossEntropy(zeros([1, 3]), tensor([3], undefined, 'int32'))).toThrow(
      '[@lxmls/tensor] crossEntropy: targets[0] is not a class index. Expected an integer in [0, 3) or the ignore index -1, received 3.',
    );
  });

  test('crossEntropy(logits, targets) names both shapes on a mismatch', () => {
    expect(() => crossEntropy(zeros([2, 3]), tensor([0, 1, 2], undefined, 'int32'))).toThrow(
      'Expected logits (…, C) and targets (…), received (2, 3) and (3).',
    );
  });
});

describe('gather', () => {
  test('gather(table, ids) backward accumulates repeated ids', () => {
    const table = tensor([
      [1, 2],
      [3, 4],
    ]);
    table.requiresGrad = true;
    gather(table, tensor([1, 1, 0], undefined, 'int32'))
      .sum()
      .backward();
    expect(table.grad!.toArray()).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  test('gather(table, ids) rejects an id out of range', () => {
    expect(() => gather(zeros([2, 2]), tensor([2], undefined, 'int32'))).toThrow('ids[0] is out of range');
  });
});

describe('dropout', () => {
  test('dropout(x, p, { generator }) is reproducible and keeps about 1 - p', () => {
    const a = dropout(zeros([4000]).add(1), 0.25, { generator: new RandomGenerator(1) }).data();
    const b = dropout(zeros([4000]).add(1), 0.25, { generator: new RandomGenerator(1) }).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    const kept = a.filter((v) => v !== 0).length / a.length;
    expect(kept).toBeGreaterThan(0.72);
    expect(kept).toBeLessThan(0.78);
    expect(a.find((v) => v !== 0)).toBeCloseTo(1 / 0.75, 6);
  });

  test('dropout(x, p, { training: false }) is the identity', () => {
    expect(dropout(tensor([1, 2]), 0.9, { training: false }).toArray()).toEqual([1, 2]);
  });

  test('dropout(x, 1.5) throws', () => {
    expect(() => dropout(zeros([1]), 1.5)).toThrow('[@lxmls/tensor] dropout: p must be a probability.');
  });
});
