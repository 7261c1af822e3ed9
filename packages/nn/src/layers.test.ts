import { thrownError } from '@lxmls/base';
import { memory, RandomGenerator, tensor, tidy, zeros } from '@lxmls/tensor';
import { expectClose } from '@lxmls/tensor/testing';
import { describe, expect, test } from 'vitest';
import {
  Dropout,
  Embedding,
  initConstant,
  initNormal,
  initUniform,
  LayerNorm,
  Linear,
  LxmlsNnError,
  NewGELU,
} from './index.js';

const errorOf = (f: () => unknown): LxmlsNnError => thrownError(LxmlsNnError, f);

/** Row-major (rows, cols) values of a deterministic pattern. */
const pattern = (n: number, scale: number, shift = 0) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(i * scale + shift));

describe('Linear', () => {
  test('Linear.forward computes x Wᵀ + b with W stored (out, in), on a batched 3-D input', () => {
    const fc = new Linear(3, 2);
    const W = [
      [1, -2, 0.5],
      [0, 3, -1],
    ];
    fc.weight.copyFrom(Float32Array.from(W.flat()));
    fc.bias?.copyFrom(Float32Array.of(0.25, -4));
    const x = [
      [
        [1, 2, 3],
        [-1, 0, 2],
      ],
    ]; // (1, 2, 3)
    const expected = x.map((rows) =>
      rows.map((r) => W.map((w, o) => w[0]! * r[0]! + w[1]! * r[1]! + w[2]! * r[2]! + [0.25, -4][o]!)),
    );
    tidy(() => expect(fc.forward(tensor(x)).toArray()).toEqual(expected));
    fc.dispose();
  });

  test('Linear backward gives dW = dyᵀ x and db = Σ dy (loss = Σ y ⊙ c)', () => {
    const fc = new Linear(3, 2, { generator: new RandomGenerator(1) });
    const x = [
      [1, 2, 3],
      [4, -5, 6],
    ];
    const c = [
      [1, -1],
      [2, 0.5],
    ]; // dL/dy
    tidy(() => {
      const xt = tensor(x);
      xt.requiresGrad = true;
      fc.forward(xt).mul(tensor(c)).sum().backward();
      const dW = [0, 1].map((o) => [0, 1, 2].map((i) => c[0]![o]! * x[0]![i]! + c[1]![o]! * x[1]![i]!));
      expect(fc.weight.grad?.toArray()).toEqual(dW);
      expect(fc.bias?.grad?.toArray()).toEqual([3, -0.5]);
      const W = fc.weight.toArray() as number[][];
      const dx = x.map((_, n) => [0, 1, 2].map((i) => c[n]![0]! * W[0]![i]! + c[n]![1]! * W[1]![i]!));
      expectClose(xt.grad?.data() ?? [], dx.flat(), 1e-6, 1e-6, 'dx');
    });
    fc.dispose();
  });

  test('Linear(…, { bias: false }) has no bias parameter', () => {
    const fc = new Linear(2, 3, { bias: false });
    expect(fc.bias).toBeNull();
    expect(fc.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([['weight', [3, 2]]]);
    expect(String(fc)).toBe('Linear(in_features=2, out_features=3, bias=False)');
    fc.dispose();
  });

  test('Linear initialises weight and bias uniformly in ±1/√in, reproducibly with a seeded generator', () => {
    const a = new Linear(16, 32, { generator: new RandomGenerator(7) });
    const b = new Linear(16, 32, { generator: new RandomGenerator(7) });
    const w = [...a.weight.data()];
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.2);
    expect(a.weight.data()).toEqual(b.weight.data());
    expect(a.bias?.data()).toEqual(b.bias?.data());
    a.dispose();
    b.dispose();
  });

  test('String(new Linear(3, 2)) is PyTorch repr', () => {
    const fc = new Linear(3, 2);
    expect(String(fc)).toBe('Linear(in_features=3, out_features=2, bias=True)');
    fc.dispose();
  });
});

describe('LayerNorm', () => {
  test('LayerNorm.forward matches a float64 hand computation (biased variance, eps 1e-5)', () => {
    const C = 8;
    const ln = new LayerNorm(C);
    ln.weight.copyFrom(pattern(C, 0.7, 1));
    ln.bias.copyFrom(pattern(C, 0.3, 2));
    const x = pattern(3 * C, 1.3).map((v, i) => v * (1 + (i % 5)));
    const expected: number[] = [];
    for (let r = 0; r < 3; r++) {
      const row = [...x.subarray(r * C, (r + 1) * C)];
      const mean = row.reduce((a, b) => a + b, 0) / C;
      const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
      row.forEach((v, i) => {
        expected.push(((v - mean) / Math.sqrt(variance + 1e-5)) * ln.weight.data()[i]! + ln.bias.data()[i]!);
      });
    }
    tidy(() => expectClose(ln.forward(tensor(x, [3, C])).data(), expected, 1e-5, 1e-5, 'LayerNorm'));
    ln.dispose();
  });

  test('LayerNorm(n, eps) uses eps: a constant row with eps 1 gives the bias', () => {
    const ln = new LayerNorm(2, 1);
    ln.bias.copyFrom(Float32Array.of(0.5, -0.5));
    tidy(() => expect(ln.forward(tensor([[3, 3]])).toArray()).toEqual([[0.5, -0.5]]));
    expect(String(ln)).toBe('LayerNorm((2,), eps=1.0, elementwise_affine=True)');
    ln.dispose();
  });

  test('LayerNorm starts with weight ones and bias zeros, and back-propagates into both', () => {
    const ln = new LayerNorm(3);
    expect([ln.weight.toArray(), ln.bias.toArray()]).toEqual([
      [1, 1, 1],
      [0, 0, 0],
    ]);
    tidy(() =>
      ln
        .forward(tensor([[1, 2, 4]]))
        .mul(tensor([[1, 2, 3]]))
        .sum()
        .backward(),
    );
    expect(ln.bias.grad?.toArray()).toEqual([1, 2, 3]);
    const x = [1, 2, 4];
    const mean = 7 / 3;
    const std = Math.sqrt(x.reduce((a, v) => a + (v - mean) ** 2, 0) / 3 + 1e-5);
    expectClose(
      ln.weight.grad?.data() ?? [],
      x.map((v, i) => ((v - mean) / std) * (i + 1)),
      1e-5,
      1e-5,
      'dweight',
    );
    ln.dispose();
  });

  test.each([
    [1e-5, 'LayerNorm((4,), eps=1e-05, elementwise_affine=True)'],
    [1e-12, 'LayerNorm((4,), eps=1e-12, elementwise_affine=True)'],
    [0.001, 'LayerNorm((4,), eps=0.001, elementwise_affine=True)'],
  ])('String(new LayerNorm(4, %s)) prints eps as Python does', (eps, repr) => {
    const ln = new LayerNorm(4, eps);
    expect(String(ln)).toBe(repr);
    ln.dispose();
  });
});

describe('Embedding', () => {
  test('Embedding.forward returns the rows of the ids, shape (…, dim)', () => {
    const wte = new Embedding(4, 3);
    wte.weight.copyFrom(Float32Array.from({ length: 12 }, (_, i) => i));
    tidy(() => {
      const y = wte.forward(
        tensor(
          [
            [3, 0],
            [1, 1],
          ],
          undefined,
          'int32',
        ),
      );
      expect(y.shape).toEqual([2, 2, 3]);
      expect(y.toArray()).toEqual([
        [
          [9, 10, 11],
          [0, 1, 2],
        ],
        [
          [3, 4, 5],
          [3, 4, 5],
        ],
      ]);
    });
    wte.dispose();
  });

  test('Embedding backward scatter-adds the gradient into the used rows only (a repeated id sums)', () => {
    const wte = new Embedding(4, 2);
    tidy(() => {
      const upstream = tensor([
        [1, 2],
        [10, 20],
        [100, 200],
      ]);
      wte
        .forward(tensor([2, 0, 2], undefined, 'int32'))
        .mul(upstream)
        .sum()
        .backward();
    });
    expect(wte.weight.grad?.toArray()).toEqual([
      [10, 20],
      [0, 0],
      [101, 202],
      [0, 0],
    ]);
    wte.dispose();
  });

  test('Embedding initialises N(0, 1) and prints as PyTorch', () => {
    const wte = new Embedding(100, 50, { generator: new RandomGenerator(3) });
    const w = [...wte.weight.data()];
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const variance = w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.1);
    expect(String(wte)).toBe('Embedding(100, 50)');
    wte.dispose();
  });
});

describe('Dropout and NewGELU', () => {
  test('Dropout.forward in training zeroes about p of the elements and scales the rest by 1/(1-p)', () => {
    const drop = new Dropout(0.25, { generator: new RandomGenerator(0) });
    tidy(() => {
      const y = [...drop.forward(tensor(new Float32Array(4000).fill(3))).data()];
      const zeros = y.filter((v) => v === 0).length;
      expect(y.every((v) => v === 0 || Math.abs(v - 4) < 1e-6)).toBe(true);
      expect(zeros).toBeGreaterThan(900);
      expect(zeros).toBeLessThan(1100);
    });
  });

  test('Dropout with the same seed draws the same mask', () => {
    const run = () =>
      tidy(() => [
        ...new Dropout(0.5, { generator: new RandomGenerator(9) })
          .forward(tensor(new Float32Array(64).fill(1)))
          .data(),
      ]);
    expect(run()).toEqual(run());
  });

  test('Dropout(0) and Dropout in eval mode return the input itself', () => {
    const x = tensor([1, 2]);
    expect(new Dropout(0).forward(x)).toBe(x);
    expect(new Dropout(0.9).eval().forward(x)).toBe(x);
    expect(String(new Dropout(0.1))).toBe('Dropout(p=0.1, inplace=False)');
    x.dispose();
  });

  test('NewGELU.forward matches 0.5 x (1 + tanh(√(2/π) (x + 0.044715 x³)))', () => {
    const x = [-3, -1, -0.5, 0, 0.5, 1, 2, 5];
    const expected = x.map(
      (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    );
    tidy(() => expectClose(new NewGELU().forward(tensor(x)).data(), expected, 1e-6, 1e-6, 'gelu'));
    expect(String(new NewGELU())).toBe('NewGELU()');
  });
});

describe('initialisers', () => {
  test('initNormal(t, std, mean, generator) draws N(mean, std²) reproducibly', () => {
    const a = initNormal(zeros([4000]), 0.02, 1, new RandomGenerator(5));
    const b = initNormal(zeros([4000]), 0.02, 1, new RandomGenerator(5));
    const w = [...a.data()];
    const mean = w.reduce((s, v) => s + v, 0) / w.length;
    const std = Math.sqrt(w.reduce((s, v) => s + (v - mean) ** 2, 0) / w.length);
    expect(Math.abs(mean - 1)).toBeLessThan(0.002);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.002);
    expect(a.data()).toEqual(b.data());
    a.dispose();
    b.dispose();
  });

  test('initUniform(t, low, high) stays in [low, high) and covers it', () => {
    const w = initUniform(zeros([2000]), -0.5, 1.5, new RandomGenerator(2));
    const values = [...w.data()];
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-0.5);
    expect(Math.max(...values)).toBeLessThan(1.5);
    expect(Math.min(...values)).toBeLessThan(-0.45);
    expect(Math.max(...values)).toBeGreaterThan(1.45);
    w.dispose();
  });

  test('initConstant fills in place and returns the same tensor', () => {
    const t = zeros([2, 2]);
    expect(initConstant(t, 0.5)).toBe(t);
    expect(t.toArray()).toEqual([
      [0.5, 0.5],
      [0.5, 0.5],
    ]);
    t.dispose();
  });

  test('initNormal of an int32 tensor throws INVALID_ARGUMENT', () => {
    const t = zeros([2], 'int32');
    expect(errorOf(() => initNormal(t, 1)).code).toBe('INVALID_ARGUMENT');
    t.dispose();
  });
});

describe('constructor arguments', () => {
  test.each<[string, () => unknown, string]>([
    ['Linear(0, 4)', () => new Linear(0, 4), 'Linear: inFeatures must be a positive integer'],
    ['Linear(2, 1.5)', () => new Linear(2, 1.5), 'Linear: outFeatures must be a positive integer'],
    ['Linear(NaN, 2)', () => new Linear(Number.NaN, 2), 'received NaN'],
    ['LayerNorm(-1)', () => new LayerNorm(-1), 'LayerNorm: normalizedShape must be a positive integer'],
    ['LayerNorm(4, -1)', () => new LayerNorm(4, -1), 'LayerNorm: eps must be a finite non-negative number'],
    ['Embedding(0, 2)', () => new Embedding(0, 2), 'Embedding: numEmbeddings must be a positive integer'],
    ['Embedding(2, "3")', () => new Embedding(2, '3' as unknown as number), 'received string "3"'],
    ['Dropout(1)', () => new Dropout(1), 'Dropout: p must be a probability'],
    ['Dropout(-0.1)', () => new Dropout(-0.1), 'Expected a number in [0, 1), received -0.1.'],
  ])('%s throws INVALID_ARGUMENT', (_, make, detail) => {
    const e = errorOf(make);
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain(detail);
    expect(e.message.startsWith('[@lxmls/nn] ')).toBe(true);
  });

  test('a rejected Linear or Embedding allocates nothing', () => {
    const before = memory();
    expect(() => new Linear(2, 0)).toThrow(LxmlsNnError);
    expect(() => new Embedding(3, -1)).toThrow(LxmlsNnError);
    expect(memory()).toEqual(before);
  });
});
