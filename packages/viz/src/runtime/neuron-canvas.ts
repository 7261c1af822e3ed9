/**
 * The neuron view's canvas renderer, for long inputs: draws rows `[r0, r1)` of the picture (the query vector
 * on the selected row, and per key: its token, the cells of k and q × k, the score, the softmax bar and its
 * value) onto a 2-D canvas, the same picture as `neuronSvg`'s.
 *
 * Why: at 512 keys × dim 64 the SVG has 65,536 `<rect>` cells and 2,000 texts, and every new query replaces
 * them (about a second in headless Chromium). Here the cells of a block of rows are written as pixels into
 * one `ImageData` (each cell a run of 32-bit pixels, copied down its rows) and put with one call; the
 * numbers are `fillText`. Rows are drawn in tiles (`runtime/tiles.ts`), those on screen first, so selecting
 * a query redraws about 60 rows before the next frame and the rest in the background.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib, NeuronLayout, NeuronModel, NeuronRenderOptions, NeuronScores } from './types.js';

/** Adds `neuronTile` to `lib`. */
export function neuronCanvasPart(lib: Lib): void {
  const POSITIVE = [0x1f, 0x77, 0xb4];
  const NEGATIVE = [0xff, 0x7f, 0x0e];
  const LITTLE = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
  /** One RGBA pixel as the `Uint32Array` view of `ImageData` holds it. */
  const pack = (c: number[], a: number) =>
    LITTLE
      ? ((a << 24) | (c[2]! << 16) | (c[1]! << 8) | c[0]!) >>> 0
      : ((c[0]! << 24) | (c[1]! << 16) | (c[2]! << 8) | a) >>> 0;

  lib.neuronTile = (
    ctx: CanvasRenderingContext2D,
    model: NeuronModel,
    options: NeuronRenderOptions,
    L: NeuronLayout,
    S: NeuronScores,
    r0: number,
    r1: number,
    scale: number,
    ox: number,
  ) => {
    const p = lib.palette(lib.resolveTheme(options.theme));
    const D = model.dim;
    const nk = model.keyTokens.length;
    const i = options.query;
    const { rowH, cw } = L;
    const y = (r: number) => L.top + r * rowH;
    const canvas = ctx.canvas;
    const Y0 = r0 === 0 ? 0 : Math.round(y(r0) * scale);
    const Y1 = r1 >= L.rows ? canvas.height : Math.round(y(r1) * scale);
    if (Y1 <= Y0) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.globalAlpha = 1;
    ctx.clearRect(0, Y0, canvas.width, Y1 - Y0);

    // The cells, as pixels: q (selected row), k and q × k.
    const X0 = Math.round((L.xqv - ox) * scale);
    const X1 = Math.round((L.xp + L.vec - ox) * scale);
    const stride = X1 - X0;
    const image = ctx.createImageData(stride, Y1 - Y0);
    const px = new Uint32Array(image.data.buffer);
    const xs = new Int32Array(D + 1); // pixel column where cell d starts, per block
    const cells = (value: (d: number) => number, max: number, x: number, r: number, fade: number) => {
      const ya = Math.max(0, Math.round((y(r) + 2) * scale) - Y0);
      const yb = Math.min(Y1 - Y0, Math.round((y(r) + rowH - 2) * scale) - Y0);
      if (yb <= ya || !(max > 0)) return;
      for (let d = 0; d <= D; d++) xs[d] = Math.round((x + d * cw - ox) * scale) - X0;
      const line = ya * stride;
      for (let d = 0; d < D; d++) {
        const v = value(d);
        const o = ((v < 0 ? -v : v) / max) * fade;
        if (o < 1 / 255) continue; // invisible, as in the SVG
        px.fill(pack(v >= 0 ? POSITIVE : NEGATIVE, Math.round(o * 255)), line + xs[d]!, line + xs[d + 1]!);
      }
      for (let row = ya + 1; row < yb; row++)
        px.copyWithin(row * stride + xs[0]!, line + xs[0]!, line + xs[D]!);
    };
    for (let r = r0; r < r1; r++) {
      if (r === i) cells((d) => S.q[d]!, S.maxQ, L.xqv, r, 1);
      if (r >= nk) continue;
      const o = r * D;
      const m = S.masked[r] === 1;
      cells((d) => S.keys[o + d]!, S.maxK, L.xkv, r, m ? 0.35 : 1);
      if (!m) cells((d) => S.q[d]! * S.keys[o + d]!, S.maxP, L.xp, r, 1);
    }
    ctx.putImageData(image, X0, Y0);

    // Text and bars, in the stage's CSS pixels.
    ctx.setTransform(scale, 0, 0, scale, -ox * scale, 0);
    ctx.font = `${L.fs}px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace`;
    ctx.textBaseline = 'middle';
    if (i >= r0 && i < r1) {
      ctx.strokeStyle = p.grid;
      ctx.lineWidth = 1;
      ctx.strokeRect(L.xqv - 1, y(i) + 1, L.vec + 2, rowH - 2);
    }
    for (let j = r0; j < Math.min(r1, nk); j++) {
      const m = S.masked[j] === 1;
      const mid = y(j) + rowH / 2;
      ctx.globalAlpha = m ? 0.35 : 1;
      ctx.textAlign = 'left';
      ctx.fillStyle = p.fg;
      ctx.fillText(model.keyTokens[j]!, L.xk, mid);
      ctx.textAlign = 'right';
      ctx.fillText(m ? 'masked' : lib.fmt(S.scores[j]!, 2), L.xs + 56, mid);
      const bar = S.maxW > 0 ? (S.weights[j]! / S.maxW) * 60 : 0;
      ctx.fillStyle = p.accent;
      if (bar > 0) ctx.fillRect(L.xw, y(j) + 3, bar, rowH - 6);
      ctx.textAlign = 'left';
      ctx.fillStyle = p.muted;
      ctx.fillText(lib.fmt(S.weights[j]!, 3), L.xw + 64, mid);
    }
    ctx.globalAlpha = 1;
  };
}
