// Tests of torchRepr (python.ts): what PyTorch (torch/_tensor_str.py, default print options) prints for these tensors.
import { describe, expect, test } from 'vitest';
import { torchRepr, torchSizeRepr } from './index.js';

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('torchRepr', () => {
  test.each([
    // integers in a float tensor print with a bare decimal point
    [[1, 2, 3], [3], 'tensor([1., 2., 3.])'],
    [[0, 0, 0], [3], 'tensor([0., 0., 0.])'],
    [[-1, 10], [2], 'tensor([-1., 10.])'],
    // fixed with 4 decimals, every value padded to the widest
    [[0.1, 0.25], [2], 'tensor([0.1000, 0.2500])'],
    [[-0.5, 12.25], [2], 'tensor([-0.5000, 12.2500])'],
    [[-0.5, Number.POSITIVE_INFINITY, Number.NaN], [3], 'tensor([-0.5000,     inf,     nan])'],
    // scientific: a magnitude below 1e-4, a ratio above 1000, or one above 1e8
    [[1e-5, 1], [2], 'tensor([1.0000e-05, 1.0000e+00])'],
    [[1, 1e6], [2], 'tensor([1.0000e+00, 1.0000e+06])'],
    [[0.5, 2e8], [2], 'tensor([5.0000e-01, 2.0000e+08])'],
    // a scalar, an empty tensor
    [[0.5], [], 'tensor(0.5000)'],
    [[], [0], 'tensor([])'],
    [[], [0, 3], 'tensor([], size=(0, 3))'],
  ])('torchRepr(%j, shape %j) is %s', (data, shape, text) => {
    expect(torchRepr({ data, shape })).toBe(text);
  });

  test('torchRepr rounds as Python format does: exactly, ties to even', () => {
    // 0.03125 = 1/32 and 0.09375 = 3/32 are exact binary fractions that end in 5 at the 5th decimal
    expect(torchRepr({ data: [0.03125, 0.09375], shape: [2] })).toBe('tensor([0.0312, 0.0938])');
    // -0.0 keeps its sign, and is not counted in the width (only non-zero values are)
    expect(torchRepr({ data: [-0, 0.5], shape: [2] })).toBe('tensor([-0.0000, 0.5000])');
  });

  test('torchRepr of a 2-D and a 3-D tensor nests the rows under "tensor(" with blank lines between matrices', () => {
    expect(torchRepr({ data: [1.5, 2, 3, 4], shape: [2, 2] })).toBe(
      'tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])',
    );
    expect(torchRepr({ data: range(8), shape: [2, 2, 2] })).toBe(
      'tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])',
    );
  });

  test('torchRepr wraps a long row at 80 columns, aligned under the first value', () => {
    expect(torchRepr({ data: range(30), shape: [30] })).toBe(
      'tensor([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12., 13.,\n' +
        '        14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25., 26., 27.,\n' +
        '        28., 29.])',
    );
  });

  test('torchRepr summarises more than 1000 elements with the first and last 3 of each axis', () => {
    expect(torchRepr({ data: range(2000), shape: [2000] })).toBe(
      'tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])',
    );
    expect(torchRepr({ data: range(1010).map((i) => i + 100), shape: [101, 10] }).split('\n')).toEqual([
      'tensor([[ 100.,  101.,  102.,  ...,  107.,  108.,  109.],',
      '        [ 110.,  111.,  112.,  ...,  117.,  118.,  119.],',
      '        [ 120.,  121.,  122.,  ...,  127.,  128.,  129.],',
      '        ...,',
      '        [1080., 1081., 1082.,  ..., 1087., 1088., 1089.],',
      '        [1090., 1091., 1092.,  ..., 1097., 1098., 1099.],',
      '        [1100., 1101., 1102.,  ..., 1107., 1108., 1109.]])',
    ]);
    // a largest over smallest magnitude above 1000 switches even integers to the scientific form
    expect(torchRepr({ data: range(1010), shape: [101, 10] }).split('\n')[0]).toBe(
      'tensor([[0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 7.0000e+00, 8.0000e+00,',
    );
  });

  test('torchRepr of an int32 tensor (a Tensor of @lxmls/tensor) prints as torch.int64 (no dtype); int32 values say so', () => {
    const int32Tensor = { data: () => Int32Array.of(1, -20), shape: [1, 2], dtype: 'int32' };
    expect(torchRepr(int32Tensor)).toBe('tensor([[  1, -20]])');
    expect(torchRepr({ data: [1, 2], shape: [2], dtype: 'int32' })).toBe('tensor([1, 2], dtype=torch.int32)');
  });

  test('torchSizeRepr prints a torch.Size', () => {
    expect(torchSizeRepr([1, 4, 2])).toBe('torch.Size([1, 4, 2])');
    expect(torchSizeRepr([])).toBe('torch.Size([])');
  });
});
