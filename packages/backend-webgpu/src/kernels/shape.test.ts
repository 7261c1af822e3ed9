// The host-side test of `slice`/`sliceAssign`'s shortcut: a block is copied with one buffer copy exactly when
// its elements are one run of memory, checked against the block's element offsets listed one by one.
import { describe, expect, test } from 'vitest';
import { contiguous } from './shape.js';

/** The row-major offsets of every element of the block `sizes` at `begin` of `shape`. */
function offsets(shape: number[], begin: number[], sizes: number[]): number[] {
  const out: number[] = [];
  const walk = (d: number, base: number) => {
    if (d === shape.length) {
      out.push(base);
      return;
    }
    const stride = shape.slice(d + 1).reduce((a, b) => a * b, 1);
    for (let i = 0; i < sizes[d]!; i++) walk(d + 1, base + (begin[d]! + i) * stride);
  };
  walk(0, 0);
  return out;
}

describe('contiguous', () => {
  test.each([
    [
      [4, 3],
      [1, 0],
      [2, 3],
    ],
    [
      [4, 3],
      [0, 1],
      [4, 2],
    ],
    [
      [2, 3, 4],
      [1, 1, 0],
      [1, 2, 4],
    ],
    [
      [2, 3, 4],
      [0, 1, 1],
      [1, 1, 2],
    ],
    [
      [2, 3, 4],
      [0, 0, 1],
      [2, 3, 3],
    ],
    [
      [2, 3, 4],
      [1, 0, 0],
      [1, 3, 4],
    ],
    [[5], [2], [3]],
    [
      [1, 6, 1],
      [0, 2, 0],
      [1, 3, 1],
    ],
    [
      [3, 1, 2],
      [0, 0, 0],
      [2, 1, 1],
    ],
  ])(
    'contiguous(%j) of the block at %j of sizes %j is true exactly when its offsets are consecutive',
    (shape, begin, sizes) => {
      const o = offsets(shape, begin, sizes);
      const run = o.every((v, i) => i === 0 || v === o[i - 1]! + 1);
      expect(contiguous(shape, sizes)).toBe(run);
    },
  );
});
