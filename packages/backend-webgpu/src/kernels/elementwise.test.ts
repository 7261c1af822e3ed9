// The host-side helpers of the elementwise kernels: the dropout threshold must reproduce uniformAt's
// comparison exactly, and merging axes must keep every broadcast offset.
import { broadcastIndex, mix32, uniformAt } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { collapse, keepThreshold } from './elementwise.js';

describe('keepThreshold', () => {
  test.each([0, 0.1, 0.25, 0.3, 0.5, 0.9, 1 - 2 ** -30])(
    'keepThreshold(%f) keeps exactly what uniformAt keeps',
    (p) => {
      const { threshold, dropAll } = keepThreshold(p);
      expect(dropAll).toBe(false);
      for (let i = 0; i < 5000; i++) {
        const hash = mix32((mix32(i) ^ 1234) >>> 0);
        expect(hash >= threshold, `element ${i}`).toBe(uniformAt(1234, i) >= p);
      }
    },
  );

  test('keepThreshold(1) drops everything', () => {
    expect(keepThreshold(1).dropAll).toBe(true);
  });
});

/** Broadcast offsets recomputed from collapsed shapes, as the WGSL `offsetK` computes them. */
function offsets(shape: number[], outShape: number[]): number[] {
  const [out, merged] = collapse([shape], outShape) as [number[], number[]];
  const strides: number[] = [];
  let s = 1;
  for (let d = merged.length - 1; d >= 0; d--) {
    strides[d] = merged[d] === 1 && out[d] !== 1 ? 0 : s;
    s *= merged[d]!;
  }
  const n = out.reduce((a, b) => a * b, 1);
  return Array.from({ length: n }, (_, i) => {
    let rest = i;
    let off = 0;
    for (let d = out.length - 1; d >= 0; d--) {
      off += (rest % out[d]!) * strides[d]!;
      rest = Math.floor(rest / out[d]!);
    }
    return off;
  });
}

describe('collapse', () => {
  test.each([
    [[3], [2, 4, 3]],
    [
      [1, 4, 1],
      [2, 4, 3],
    ],
    [
      [2, 1, 3],
      [2, 4, 3],
    ],
    [
      [1, 1, 5, 5],
      [2, 3, 5, 5],
    ],
    [
      [2, 1, 1, 3],
      [2, 4, 1, 3],
    ],
    [[1], [7]],
  ])('collapse(%j → %j) keeps every broadcast offset', (shape, outShape) => {
    const full =
      shape.length < outShape.length
        ? [...new Array(outShape.length - shape.length).fill(1), ...shape]
        : shape;
    expect(offsets(full, outShape)).toEqual(Array.from(broadcastIndex(full, outShape)));
  });

  test('collapse merges (B, T, C) + (C) into two axes', () => {
    expect(collapse([[1, 1, 8]], [4, 5, 8])).toEqual([
      [20, 8],
      [1, 8],
    ]);
  });
});
