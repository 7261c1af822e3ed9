/**
 * The neuron view, after bertviz's `neuron_view`: for one layer and head, how the selected query token's
 * attention comes about. Left, the query tokens (the selected one in bold) and its query vector q; then one
 * row per key token: its key vector k, the elementwise product q × k, the score q · k × scale, and the
 * softmax of the scores, the attention weight, as a bar. Vector elements are cells coloured blue (positive)
 * or orange (negative), with opacity |value| / the largest |value| of that block.
 *
 * bertviz can draw it only for its own patched BERT, GPT-2 and RoBERTa; here any model that can give its
 * queries and keys (`q[layer][head][token][dim]`, `k[layer][head][token][dim]`) can.
 *
 * This part computes what is drawn (`neuronScores`), where (`neuronLayout`), and writes the SVG
 * (`neuronSvg`). Long inputs draw their cells and numbers on a canvas instead (`runtime/neuron-canvas.ts`);
 * the SVG then holds only the headings and the query tokens (`mode.cells: false`).
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib, NeuronLayout, NeuronModel, NeuronRenderOptions, NeuronScores } from './types.js';

/** Adds `neuronScores`, `neuronLayout` and `neuronSvg` to `lib`. */
export function neuronPart(lib: Lib): void {
  const POSITIVE = '#1f77b4';
  const NEGATIVE = '#ff7f0e';

  lib.neuronScores = (model: NeuronModel, options: NeuronRenderOptions): NeuronScores => {
    const D = model.dim;
    const nk = model.keyTokens.length;
    const at = options.layer * model.heads + options.head;
    const Q = model.queries[at]!;
    const K = model.keys[at]!;
    const i = options.query;
    const q = Q.subarray(i * D, (i + 1) * D);
    // Scores and softmax (masked keys: weight 0).
    const masked = new Uint8Array(nk);
    if (options.causal) masked.fill(1, Math.min(nk, i + 1));
    const scores = new Float64Array(nk);
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < nk; j++) {
      let dot = 0;
      for (let d = 0, o = j * D; d < D; d++) dot += q[d]! * K[o + d]!;
      scores[j] = dot * options.scale;
      if (!masked[j] && scores[j]! > top) top = scores[j]!;
    }
    const weights = new Float64Array(nk);
    let total = 0;
    for (let j = 0; j < nk; j++) {
      weights[j] = masked[j] ? 0 : Math.exp(scores[j]! - top);
      total += weights[j]!;
    }
    let maxW = 0;
    for (let j = 0; j < nk; j++) {
      weights[j]! /= total;
      if (weights[j]! > maxW) maxW = weights[j]!;
    }
    let maxQ = 0;
    let maxK = 0;
    let maxP = 0;
    for (let d = 0; d < D; d++) maxQ = Math.max(maxQ, Math.abs(q[d]!));
    for (let j = 0; j < nk; j++) {
      for (let d = 0, o = j * D; d < D; d++) {
        const v = K[o + d]!;
        const a = v < 0 ? -v : v;
        if (a > maxK) maxK = a;
        if (!masked[j]) {
          const p = a * (q[d]! < 0 ? -q[d]! : q[d]!);
          if (p > maxP) maxP = p;
        }
      }
    }
    return { q, keys: K, scores, weights, masked, maxQ, maxK, maxP, maxW };
  };

  lib.neuronLayout = (model: NeuronModel, options: NeuronRenderOptions, legend: boolean): NeuronLayout => {
    const D = model.dim;
    const nq = model.tokens.length;
    const nk = model.keyTokens.length;
    const rowH = nk <= 64 && nq <= 64 ? 18 : 14;
    const fs = rowH >= 18 ? 12 : 10;
    const cw = Math.max(2, Math.min(8, Math.floor(256 / D)));
    const vec = D * cw;
    const widest = (tokens: string[]) => tokens.reduce((m, t) => Math.max(m, lib.textWidth(t, fs)), 0);
    const pad = 8;
    const head = legend ? (options.title ? 46 : 26) : 0;
    const top = head + 20; // column headings
    const xq = pad + Math.ceil(widest(model.tokens)); // query tokens end here (right-aligned)
    const xqv = xq + 10; // the query vector
    const xk = xqv + vec + 16; // key tokens (left-aligned)
    const xkv = xk + Math.ceil(widest(model.keyTokens)) + 10;
    const xp = xkv + vec + 12;
    const xs = xp + vec + 12;
    const xw = xs + 64;
    const width = xw + 110;
    const rows = Math.max(nq, nk);
    return {
      rowH,
      fs,
      cw,
      vec,
      pad,
      head,
      top,
      xq,
      xqv,
      xk,
      xkv,
      xp,
      xs,
      xw,
      width,
      rows,
      height: top + rows * rowH + pad,
    };
  };

  lib.neuronSvg = (
    model: NeuronModel,
    options: NeuronRenderOptions,
    mode: { legend: boolean; cells?: boolean },
  ) => {
    const theme = lib.resolveTheme(options.theme);
    const p = lib.palette(theme);
    const D = model.dim;
    const nk = model.keyTokens.length;
    const i = options.query;
    const L = lib.neuronLayout(model, options, mode.legend);
    const { rowH, fs, cw, pad } = L;
    const y = (r: number) => L.top + r * rowH;
    const out: string[] = [lib.svgOpen(L.width, L.height, theme, 'lx-neuron-svg')];
    if (mode.legend) {
      if (options.title) {
        out.push(
          `<text x="${pad}" y="16" font-size="14" font-weight="bold" fill="${p.fg}">${lib.esc(options.title)}</text>`,
        );
      }
      out.push(
        `<text x="${pad}" y="${options.title ? 36 : 16}" font-size="12" fill="${p.muted}">layer ${options.layer} · head ${options.head} · query ${lib.esc(model.tokens[i]!)}</text>`,
      );
    }
    const heading = (x: number, text: string, anchor = 'start') =>
      `<text x="${x}" y="${L.top - 6}" font-size="11" text-anchor="${anchor}" fill="${p.muted}">${text}</text>`;
    out.push(
      heading(L.xq, 'query', 'end'),
      heading(L.xqv, 'q'),
      heading(L.xk, 'key'),
      heading(L.xkv, 'k'),
      heading(L.xp, 'q × k'),
      heading(L.xs, 'q · k'),
      heading(L.xw, 'softmax'),
    );
    const middle = (r: number) => (y(r) + rowH / 2).toFixed(1);
    model.tokens.forEach((t, r) => {
      const sel = r === i;
      out.push(
        `<text class="lx-neuron-token${sel ? ' lx-selected' : ''}" data-i="${r}" x="${L.xq}" y="${middle(r)}" text-anchor="end" dominant-baseline="central" font-size="${fs}" fill="${sel ? p.accent : p.fg}"${sel ? ' font-weight="bold"' : ''}>${lib.esc(t)}</text>`,
      );
    });
    if (mode.cells === false) {
      out.push('</svg>');
      return out.join('');
    }
    const s = lib.neuronScores(model, options);
    const cellsOf = (
      values: ArrayLike<number>,
      from: number,
      max: number,
      x: number,
      yy: number,
      cls: string,
    ) => {
      for (let d = 0; d < D; d++) {
        const v = values[from + d]!;
        const o = max > 0 ? Math.abs(v) / max : 0;
        if (o < 1 / 255) continue; // invisible
        out.push(
          `<rect class="${cls}" x="${x + d * cw}" y="${yy + 2}" width="${cw}" height="${rowH - 4}" fill="${v >= 0 ? POSITIVE : NEGATIVE}" fill-opacity="${lib.fmt(o)}"/>`,
        );
      }
    };
    out.push(
      `<rect x="${L.xqv - 1}" y="${y(i) + 1}" width="${L.vec + 2}" height="${rowH - 2}" fill="none" stroke="${p.grid}"/>`,
    );
    cellsOf(s.q, 0, s.maxQ, L.xqv, y(i), 'lx-cell lx-q');
    const prod = new Float64Array(D);
    for (let j = 0; j < nk; j++) {
      const m = s.masked[j] === 1;
      out.push(
        `<g class="lx-key" data-j="${j}"${m ? ' opacity="0.35"' : ''}>` +
          `<text x="${L.xk}" y="${middle(j)}" dominant-baseline="central" font-size="${fs}" fill="${p.fg}">${lib.esc(model.keyTokens[j]!)}</text>`,
      );
      cellsOf(s.keys, j * D, s.maxK, L.xkv, y(j), 'lx-cell lx-k');
      if (!m) {
        for (let d = 0; d < D; d++) prod[d] = s.q[d]! * s.keys[j * D + d]!;
        cellsOf(prod, 0, s.maxP, L.xp, y(j), 'lx-cell lx-qk');
      }
      out.push(
        `<text class="lx-score" x="${L.xs + 56}" y="${middle(j)}" text-anchor="end" dominant-baseline="central" font-size="${fs}" fill="${p.fg}">${m ? 'masked' : lib.fmt(s.scores[j]!, 2)}</text>`,
      );
      const bar = s.maxW > 0 ? (s.weights[j]! / s.maxW) * 60 : 0;
      out.push(
        `<rect class="lx-weight" data-weight="${s.weights[j]}" x="${L.xw}" y="${y(j) + 3}" width="${bar.toFixed(1)}" height="${rowH - 6}" fill="${p.accent}"/>` +
          `<text x="${L.xw + 64}" y="${middle(j)}" dominant-baseline="central" font-size="${fs}" fill="${p.muted}">${lib.fmt(s.weights[j]!, 3)}</text></g>`,
      );
    }
    out.push('</svg>');
    return out.join('');
  };
}
