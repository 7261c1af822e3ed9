/**
 * The line rasterizer of the head view's canvas mode: draws every line of a head (query i → key j, opacity =
 * weight) into an alpha image with work proportional to lines × columns, not to the lines' pixel lengths.
 *
 * Why not `ctx.stroke()`: at 512 tokens a head has 262,144 lines, most of them crossing thousands of pixels;
 * Skia's software rasterizer (headless Chromium, or any browser without a GPU) draws about 16,000 such lines a
 * second. Here each line costs four additions per pixel column, whatever its slope:
 *
 * 1. In one pixel column a line covers a vertical run of pixels (steep lines: a long run). Its opacity is
 *    added as "optical depth" `-ln(1 - weight)` to a difference array: `+depth` where the run starts and
 *    `-depth` where it ends, split between two pixels by the fractional position (antialiasing). A running sum
 *    down the column gives each pixel's total depth, and `1 - exp(-depth)` its alpha: exactly what drawing the
 *    lines of one colour one over another gives, in any order.
 * 2. Lines with the same `j - i` are parallel, so in one column their runs have the same length and fraction:
 *    those are computed once per (diagonal, column) and shared by every line of the diagonal.
 * 3. The image is cut into horizontal tiles; a tile only visits the lines that cross it, so the tiles on
 *    screen can be drawn first and the rest later.
 *
 * Lines whose weight is under 1/255 are skipped: drawn alone they change no 8-bit colour channel by a full
 * level. Heads are composited over one another in ascending order, as the SVG's head groups are.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib } from './types.js';

/** Adds `lineGeometry`, `lineSet`, `rasterTile`, `compositeTile` and `rgb` to `lib`. */
export function rasterPart(lib: Lib): void {
  /** Under this weight a line changes no 8-bit channel by a full level: it is not drawn. */
  const INVISIBLE = 1 / 255;
  /** `255 * (1 - exp(-depth))` for depth in steps of 1/512 up to 8 (beyond, 255). */
  const ALPHA = new Uint8Array(4097);
  for (let i = 0; i <= 4096; i++) ALPHA[i] = Math.round(255 * (1 - Math.exp(-i / 512)));

  lib.lineGeometry = (q, k, cols, rows, firstY, step, lineWidth) => {
    const nd = q + k - 1;
    const base = Math.floor(firstY);
    const offset = firstY - base; // the fractional part, shared by every line
    const ka = new Int32Array(nd * cols);
    const kb = new Int32Array(nd * cols);
    const wa0 = new Float32Array(nd * cols);
    const wa1 = new Float32Array(nd * cols);
    const wb0 = new Float32Array(nd * cols);
    const wb1 = new Float32Array(nd * cols);
    const slope = new Float64Array(nd);
    let longest = 0;
    for (let d = 0; d < nd; d++) {
      const m = ((d - (q - 1)) * step) / cols; // pixels down per column
      slope[d] = m;
      const density = Math.min(1, (lineWidth * Math.sqrt(1 + m * m)) / (Math.abs(m) + lineWidth));
      for (let c = 0; c < cols; c++) {
        const ya = offset + m * c;
        const yb = offset + m * (c + 1);
        const lo = Math.min(ya, yb) - lineWidth / 2;
        const hi = Math.max(ya, yb) + lineWidth / 2;
        const a = Math.floor(lo);
        const b = Math.floor(hi);
        const at = d * cols + c;
        ka[at] = a;
        kb[at] = b;
        wa0[at] = density * (1 - (lo - a));
        wa1[at] = density * (lo - a);
        wb0[at] = density * (1 - (hi - b));
        wb1[at] = density * (hi - b);
        longest = Math.max(longest, b - a + 2);
      }
    }
    const pad = longest + 2;
    return {
      q,
      k,
      cols,
      rows,
      base,
      offset,
      step,
      slope,
      margin: lineWidth + 2,
      pad,
      ka,
      kb,
      wa0,
      wa1,
      wb0,
      wb1,
    };
  };

  lib.lineSet = (g, weights, block, minWeight) => {
    const { q, k } = g;
    const nd = q + k - 1;
    const threshold = Math.max(INVISIBLE, minWeight);
    // Dense index of line (i, j): diagonal d = j - i + q - 1, then i. `first[d]` is where diagonal d starts.
    const first = new Int32Array(nd + 1);
    for (let d = 0; d < nd; d++) {
      const lo = Math.max(0, q - 1 - d);
      const hi = Math.min(q - 1, k - 1 + q - 1 - d);
      first[d + 1] = first[d]! + Math.max(0, hi - lo + 1);
    }
    // Pass 1: how many drawn lines each diagonal has.
    const count = new Int32Array(nd + 1);
    for (let i = block.q0; i < block.q1; i++) {
      const row = i * k;
      for (let j = block.k0; j < block.k1; j++) if (weights[row + j]! >= threshold) count[j - i + q]!++;
    }
    for (let d = 0; d < nd; d++) count[d + 1]! += count[d]!;
    const n = count[nd]!;
    // Pass 2: `before[dense index]` = how many drawn lines come before it in diagonal order, so that the lines
    // of diagonal d between rows ia and ib are `y[before[first[d] + ia - lo] .. before[first[d] + ib + 1 - lo])`
    // (only rows of the block are asked for; past its last row, `count[d + 1]` ends the diagonal).
    const before = new Int32Array(first[nd]! + 1);
    const y = new Int32Array(n);
    const depth = new Float32Array(n);
    const next = count.slice(0, nd);
    const start = new Int32Array(nd); // dense index of (d, i) = start[d] + i
    for (let d = 0; d < nd; d++) start[d] = first[d]! - Math.max(0, q - 1 - d);
    for (let i = block.q0; i < block.q1; i++) {
      const row = i * k;
      const shift = q - 1 - i; // d = j + shift
      for (let j = block.k0; j < block.k1; j++) {
        const d = j + shift;
        const at = next[d]!;
        before[start[d]! + i] = at;
        const w = weights[row + j]!;
        if (w >= threshold) {
          y[at] = g.base + i * g.step;
          depth[at] = -Math.log(1 - Math.min(w, 0.996));
          next[d] = at + 1;
        }
      }
    }
    return { first, before, ends: count, y, depth, lines: n, block };
  };

  lib.rasterTile = (g, set, y0, rows, alpha, scratch) => {
    const { q, k, cols, pad, ka, kb, wa0, wa1, wb0, wb1 } = g;
    const nd = q + k - 1;
    const { first, before, ends, y, depth, block } = set;
    // One difference array per column, side by side (a tile of 512 rows × 260 columns: about 0.6 MB).
    const stride = rows + 2 * pad + 2;
    const size = stride * cols;
    const s = scratch.length >= size ? scratch : new Float32Array(size);
    s.fill(0, 0, size);
    const inv = 1 / g.step;
    const y1 = y0 + rows;
    // Diagonal by diagonal, so that the lookups of one diagonal stay in cache while the columns go by.
    for (let d = 0; d < nd; d++) {
      if (ends[d] === ends[d + 1]) continue; // no line on this diagonal
      const from = first[d]! - Math.max(0, q - 1 - d);
      // Rows of this diagonal inside the block: queries [q0, q1), keys [k0, k1) with j = i + d - (q - 1).
      const lo = Math.max(block.q0, block.k0 - d + q - 1);
      const hi = Math.min(block.q1 - 1, block.k1 - 1 - d + q - 1);
      // The columns where some line of this diagonal can meet the tile (a superset, by a margin).
      const m = g.slope[d]!;
      const margin = Math.abs(m) + g.margin;
      const top = g.base + lo * g.step + g.offset - margin; // highest line's run starts below this
      const bottom = g.base + hi * g.step + g.offset + margin; // lowest line's run ends above this
      let c0 = 0;
      let c1 = cols - 1;
      if (m > 0) {
        c0 = Math.max(0, Math.floor((y0 - bottom) / m) - 1);
        c1 = Math.min(cols - 1, Math.ceil((y1 - top) / m) + 1);
      } else if (m < 0) {
        c0 = Math.max(0, Math.floor((y1 - top) / m) - 1);
        c1 = Math.min(cols - 1, Math.ceil((y0 - bottom) / m) + 1);
      } else if (top >= y1 || bottom < y0) continue;
      for (let c = c0, at = d * cols + c0; c <= c1; c++, at++) {
        const a = ka[at]!;
        const b = kb[at]!;
        // Rows i whose run [y_i + a, y_i + b + 1] meets the tile.
        let ia = Math.ceil((y0 - g.base - b - 1) * inv);
        let ib = Math.floor((y1 - 1 - g.base - a) * inv);
        if (ia < lo) ia = lo;
        if (ib > hi) ib = hi;
        if (ia > ib) continue;
        const p0 = before[from + ia]!;
        const p1 = ib < hi ? before[from + ib + 1]! : ends[d + 1]!;
        if (p0 === p1) continue;
        const u0 = wa0[at]!;
        const u1 = wa1[at]!;
        const v0 = wb0[at]!;
        const v1 = wb1[at]!;
        const sa = c * stride + a + pad - y0;
        const sb = c * stride + b + pad - y0;
        for (let p = p0; p < p1; p++) {
          const yy = y[p]!;
          const r = depth[p]!;
          s[yy + sa]! += r * u0;
          s[yy + sa + 1]! += r * u1;
          s[yy + sb]! -= r * v0;
          s[yy + sb + 1]! -= r * v1;
        }
      }
    }
    for (let c = 0; c < cols; c++) {
      const o = c * stride;
      let acc = 0;
      for (let t = 0; t < pad; t++) acc += s[o + t]!;
      for (let t = 0, px = c; t < rows; t++, px += cols) {
        acc += s[o + t + pad]!;
        const level = (acc * 512 + 0.5) | 0;
        alpha[px] = level <= 0 ? 0 : level >= 4096 ? 255 : ALPHA[level]!;
      }
    }
    return s;
  };

  lib.compositeTile = (alphas, colors, pixels) => {
    const n = pixels.length >> 2;
    const layers = alphas.length;
    for (let p = 0; p < n; p++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0; // premultiplied
      for (let h = 0; h < layers; h++) {
        const s = alphas[h]![p]!;
        if (s === 0) continue;
        const t = s / 255;
        const color = colors[h]!;
        r = color[0]! * t + r * (1 - t);
        g = color[1]! * t + g * (1 - t);
        b = color[2]! * t + b * (1 - t);
        a = t + a * (1 - t);
      }
      const o = p << 2;
      if (a === 0) {
        pixels[o + 3] = 0;
        continue;
      }
      pixels[o] = r / a;
      pixels[o + 1] = g / a;
      pixels[o + 2] = b / a;
      pixels[o + 3] = a * 255;
    }
  };

  lib.rgb = (color: string) => {
    if (color[0] === '#') return [1, 3, 5].map((i) => Number.parseInt(color.slice(i, i + 2), 16));
    const m = /hsl\(\s*([\d.]+)\s*,\s*([\d.]+)%\s*,\s*([\d.]+)%\s*\)/.exec(color);
    if (!m) return [128, 128, 128];
    const h = Number(m[1]) / 360;
    const s = Number(m[2]) / 100;
    const l = Number(m[3]) / 100;
    const f = (n: number) => {
      const kk = (n + h * 12) % 12;
      return Math.round(255 * (l - s * Math.min(l, 1 - l) * Math.max(-1, Math.min(kk - 3, 9 - kk, 1))));
    };
    return [f(0), f(8), f(4)];
  };
}
