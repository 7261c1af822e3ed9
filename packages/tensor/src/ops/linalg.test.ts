import { describe, expect, test } from 'vitest';
import {
  add,
  arange,
  argmax,
  concat,
  matmul,
  max,
  multinomial,
  permute,
  RandomGenerator,
  reshape,
  slice,
  split,
  sum,
  tensor,
  topk,
  transpose,
  zeros,
} from '../index.js';

const a = () =>
  tensor([
    [1, 2, 3],
    [4, 5, 6],
  ]); // (2, 3)

describe('matmul', () => {
  test.each([
    [
      'a @ aᵀ',
      { transposeB: true },
      [2, 3],
      [2, 3],
      [
        [14, 32],
        [32, 77],
      ],
    ],
    [
      'aᵀ @ a',
      { transposeA: true },
      [2, 3],
      [2, 3],
      [
        [17, 22, 27],
        [22, 29, 36],
        [27, 36, 45],
      ],
    ],
  ] as const)('matmul(a, a, %s)', (_, options, _s1, _s2, expected) => {
    expect(matmul(a(), a(), options).toArray()).toEqual(expected);
  });

  test('matmul(aᵀ, bᵀ, { transposeA, transposeB }) equals (b @ a)ᵀ', () => {
    const b = tensor([
      [1, 0],
      [0, 1],
      [1, 1],
    ]); // (3, 2)
    const viaFlags = matmul(b, a(), { transposeA: true, transposeB: true }); // bᵀ @ aᵀ = (a @ b)ᵀ
    expect(viaFlags.toArray()).toEqual(transpose(matmul(a(), b)).toArray());
  });

  test('matmul(x, w) broadcasts a 2-D weight over the batch and sums its gradient', () => {
    const x = arange(12, undefined, 1, 'float32').reshape([2, 2, 3]);
    const w = tensor([[1], [1], [1]]);
    w.requiresGrad = true;
    const y = matmul(x, w); // (2, 2, 1)
    expect(y.toArray()).toEqual([
      [[3], [12]],
      [[21], [30]],
    ]);
    y.sum().backward();
    expect(w.grad!.toArray()).toEqual([[18], [22], [26]]); // column sums of x over batch and rows
  });

  test('matmul(a, b) names both shapes when inner dimensions differ', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(
      '[@lxmls/tensor] matmul: inner dimensions differ. Expected a (…, M, K) @ (…, K, N), received (2, 3) and (4, 5).',
    );
  });

  test('matmul(a, b) rejects int32 naming the dtype', () => {
    expect(() => matmul(zeros([2, 2], 'int32'), zeros([2, 2]))).toThrow('Expected float32, received int32.');
  });
});

describe('broadcasting gradients', () => {
  test('add(a (2, 3), b (3)) gives b the column sums of the gradient', () => {
    const x = a();
    const b = tensor([1, 1, 1]);
    x.requiresGrad = true;
    b.requiresGrad = true;
    add(x, b)
      .mul(
        tensor([
          [1, 2, 3],
          [4, 5, 6],
        ]),
      )
      .sum()
      .backward();
    expect(b.grad!.toArray()).toEqual([5, 7, 9]);
    expect(x.grad!.toArray()).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  test('mul(a (2, 1), b (1, 3)) reduces each gradient to its own shape', () => {
    const x = tensor([[1], [2]]);
    const y = tensor([[1, 2, 3]]);
    x.requiresGrad = true;
    y.requiresGrad = true;
    x.mul(y).sum().backward();
    expect(x.grad!.toArray()).toEqual([[6], [6]]);
    expect(y.grad!.toArray()).toEqual([[3, 3, 3]]);
  });

  test('add(a, b) names both shapes when they cannot broadcast', () => {
    expect(() => add(zeros([2, 3]), zeros([4]))).toThrow(
      '[@lxmls/tensor] add: shapes cannot be broadcast together. Expected sizes that are equal or 1 in every dimension, aligned on the right, received (2, 3) and (4).',
    );
  });

  test('add(float32, int32) names both dtypes', () => {
    expect(() => add(zeros([2]), zeros([2], 'int32'))).toThrow(
      'Expected two tensors of the same dtype (use cast()), received float32 and int32.',
    );
  });
});

describe('reductions and indexing', () => {
  test('sum(x, 1, true), max(x, 0), argmax(x, 1)', () => {
    const x = a();
    expect(sum(x, 1, true).toArray()).toEqual([[6], [15]]);
    expect(max(x, 0).toArray()).toEqual([4, 5, 6]);
    expect(argmax(x, 1).toArray()).toEqual([2, 2]);
  });

  test('max(x) splits the gradient between ties', () => {
    const x = tensor([1, 3, 3]);
    x.requiresGrad = true;
    max(x).backward();
    expect(x.grad!.toArray()).toEqual([0, 0.5, 0.5]);
  });

  test('topk(x, 2) sorts descending, ties by index', () => {
    const { values, indices } = topk(tensor([[1, 5, 5, 2]]), 2);
    expect(values.toArray()).toEqual([[5, 5]]);
    expect(indices.toArray()).toEqual([[1, 2]]);
  });

  test('multinomial(probs, n, { generator }) is reproducible and follows the weights', () => {
    const probs = tensor([0.1, 0.0, 0.9]);
    const s1 = multinomial(probs, 2000, { generator: new RandomGenerator(4) }).data();
    const s2 = multinomial(probs, 2000, { generator: new RandomGenerator(4) }).data();
    expect(Array.from(s1)).toEqual(Array.from(s2));
    expect(s1.includes(1)).toBe(false);
    const share = s1.filter((v) => v === 2).length / s1.length;
    expect(share).toBeGreaterThan(0.87);
    expect(share).toBeLessThan(0.93);
  });
});

describe('shape ops', () => {
  test('reshape, permute, transpose, slice, concat, split', () => {
    const x = arange(24).reshape([2, 3, 4]);
    expect(permute(x, [2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(transpose(tensor([[1, 2]])).toArray()).toEqual([[1], [2]]);
    expect(slice(x, [0, -1, 0], [-1, 1, 2]).toArray()).toEqual([[[8, 9]], [[20, 21]]]);
    expect(concat([tensor([1]), tensor([2, 3])]).toArray()).toEqual([1, 2, 3]);
    expect(split(tensor([1, 2, 3, 4]), [3, 1]).map((t) => t.toArray())).toEqual([[1, 2, 3], [4]]);
  });

  test('reshape(x, shape) names both shapes when the sizes differ', () => {
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(
      '[@lxmls/tensor] reshape: the new shape has another number of elements. Expected a shape of 6 elements (at most one -1), received (2, 3) to (4, 2).',
    );
  });

  test('reshape shares storage and slice backward scatters into zeros', () => {
    const x = tensor([1, 2, 3, 4]);
    x.requiresGrad = true;
    slice(reshape(x, [2, 2]), [1, 0], [1, 2])
      .sum()
      .backward();
    expect(x.grad!.toArray()).toEqual([0, 0, 1, 1]);
  });
});
