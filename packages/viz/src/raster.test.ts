// Tests of the line rasterizer (runtime/raster.ts): against a plain per-line, per-column reference, tiled or
// not, with blocks of lines, and the 1/255 cut.
import { describe, expect, test } from 'vitest';
import { fixture } from './__fixtures__/attention.js';
import { getRuntime } from './runtime/index.js';
import type { LineBlock } from './runtime/types.js';

const lib = getRuntime();

/** A picture of attention lines: the weights (q, k), the canvas, the first row and the step between queries. */
interface Picture {
  w: Float32Array;
  q: number;
  k: number;
  cols: number;
  rows: number;
  first: number;
  step: number;
  block: LineBlock;
}

/** The same picture the slow way: every line, every column, its run of rows added as optical depth. */
function reference({ w, k, cols, rows, first, step, block }: Picture) {
  const depth = new Float64Array(cols * rows);
  for (let i = block.q0; i < block.q1; i++) {
    for (let j = block.k0; j < block.k1; j++) {
      const a = w[i * k + j]!;
      if (a < 1 / 255) continue;
      const m = ((j - i) * step) / cols;
      const density = Math.min(1, Math.sqrt(1 + m * m) / (Math.abs(m) + 1));
      const r = -Math.log(1 - Math.min(a, 0.996));
      for (let c = 0; c < cols; c++) {
        const y0 = first + i * step + m * c;
        const y1 = first + i * step + m * (c + 1);
        const lo = Math.min(y0, y1) - 0.5;
        const hi = Math.max(y0, y1) + 0.5;
        for (let t = Math.max(0, Math.floor(lo)); t < Math.min(rows, Math.ceil(hi)); t++) {
          const overlap = Math.min(hi, t + 1) - Math.max(lo, t);
          if (overlap > 0) depth[t * cols + c]! += r * density * overlap;
        }
      }
    }
  }
  return Array.from(depth, (v) => Math.round(255 * (1 - Math.exp(-v))));
}

/** The picture drawn by the runtime in tiles of `tile` rows. */
function raster({ w, q, k, cols, rows, first, step, block }: Picture, tile: number) {
  const g = lib.lineGeometry(q, k, cols, rows, first, step, 1);
  const set = lib.lineSet(g, w, block, 0);
  const out = new Uint8Array(cols * rows);
  let scratch: Float32Array = new Float32Array(0);
  for (let y0 = 0; y0 < rows; y0 += tile) {
    const h = Math.min(tile, rows - y0);
    const part = new Uint8Array(cols * h);
    scratch = lib.rasterTile(g, set, y0, h, part, scratch);
    out.set(part, y0 * cols);
  }
  return { out: Array.from(out), lines: set.lines };
}

describe('rasterTile', () => {
  const q = 9;
  const k = 6;
  const w = Float32Array.from(fixture(1, 1, q, k, 3)[0]![0]!.flat());
  const all = { q0: 0, q1: q, k0: 0, k1: k };

  test.each([
    ['all lines, one tile', all, 200],
    ['all lines, tiles of 7 rows', all, 7],
    ['query 4 only', { q0: 4, q1: 5, k0: 0, k1: k }, 11],
    ['key 2 only', { q0: 0, q1: q, k0: 2, k1: 3 }, 13],
    ['a block (sentence B → sentence A)', { q0: 5, q1: q, k0: 0, k1: 3 }, 5],
  ])('rasterTile(%s) matches the per-line reference within one level', (_, block, tile) => {
    const picture = { w, q, k, cols: 37, rows: 9 * 8 + 6, first: 7.25, step: 8, block };
    const got = raster(picture, tile).out;
    const want = reference(picture);
    const worst = Math.max(...got.map((v, i) => Math.abs(v - want[i]!)));
    expect(worst).toBeLessThanOrEqual(1);
    expect(got.filter((v) => v > 0).length).toBeGreaterThan(50);
  });

  test('lineSet draws no line under 1/255 (invisible) or under minWeight', () => {
    const weights = Float32Array.from([1, 0.5 / 255, 0.3, 1.5 / 255]); // 2 × 2
    const g = lib.lineGeometry(2, 2, 10, 20, 5, 10, 1);
    expect(lib.lineSet(g, weights, { q0: 0, q1: 2, k0: 0, k1: 2 }, 0).lines).toBe(3);
    expect(lib.lineSet(g, weights, { q0: 0, q1: 2, k0: 0, k1: 2 }, 0.5).lines).toBe(1);
  });

  test('compositeTile puts later heads over earlier ones, as the SVG head groups are drawn', () => {
    const pixels = new Uint8ClampedArray(4);
    lib.compositeTile(
      [Uint8Array.of(255), Uint8Array.of(128)],
      [
        [255, 0, 0],
        [0, 0, 255],
      ],
      pixels,
    );
    expect(Array.from(pixels)).toEqual([127, 0, 128, 255]);
  });
});
