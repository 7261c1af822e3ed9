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
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib, MountedView, NeuronModel, NeuronRenderOptions } from './types.js';

/** Adds `neuronSvg` and `mountNeuron` to `lib`. */
export function neuronPart(lib: Lib): void {
  const POSITIVE = '#1f77b4';
  const NEGATIVE = '#ff7f0e';

  lib.neuronSvg = (model: NeuronModel, options: NeuronRenderOptions, mode: { legend: boolean }) => {
    const theme = lib.resolveTheme(options.theme);
    const p = lib.palette(theme);
    const D = model.dim;
    const nq = model.tokens.length;
    const nk = model.keyTokens.length;
    const at = options.layer * model.heads + options.head;
    const Q = model.queries[at]!;
    const K = model.keys[at]!;
    const i = options.query;
    const q = Q.subarray(i * D, (i + 1) * D);
    // Scores and softmax (masked keys: weight 0).
    const scores = new Float64Array(nk);
    const masked = (j: number) => options.causal && j > i;
    let top = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < nk; j++) {
      let dot = 0;
      for (let d = 0; d < D; d++) dot += q[d]! * K[j * D + d]!;
      scores[j] = dot * options.scale;
      if (!masked(j) && scores[j]! > top) top = scores[j]!;
    }
    const weights = new Float64Array(nk);
    let total = 0;
    for (let j = 0; j < nk; j++) {
      weights[j] = masked(j) ? 0 : Math.exp(scores[j]! - top);
      total += weights[j]!;
    }
    for (let j = 0; j < nk; j++) weights[j]! /= total;
    let maxQ = 0;
    let maxK = 0;
    let maxP = 0;
    for (let d = 0; d < D; d++) maxQ = Math.max(maxQ, Math.abs(q[d]!));
    for (let j = 0; j < nk; j++) {
      for (let d = 0; d < D; d++) {
        const v = K[j * D + d]!;
        maxK = Math.max(maxK, Math.abs(v));
        if (!masked(j)) maxP = Math.max(maxP, Math.abs(v * q[d]!));
      }
    }

    const rowH = nk <= 64 && nq <= 64 ? 18 : 14;
    const fs = rowH >= 18 ? 12 : 10;
    const cw = Math.max(2, Math.min(8, Math.floor(256 / D)));
    const vec = D * cw;
    const widest = (tokens: string[]) => tokens.reduce((m, t) => Math.max(m, lib.textWidth(t, fs)), 0);
    const pad = 8;
    const head = mode.legend ? (options.title ? 46 : 26) : 0;
    const top0 = head + 20; // column headings
    const xq = pad + Math.ceil(widest(model.tokens)); // query tokens end here (right-aligned)
    const xqv = xq + 10; // the query vector
    const xk = xqv + vec + 16; // key tokens (left-aligned)
    const xkv = xk + Math.ceil(widest(model.keyTokens)) + 10;
    const xp = xkv + vec + 12;
    const xs = xp + vec + 12;
    const xw = xs + 64;
    const width = xw + 110;
    const height = top0 + Math.max(nq, nk) * rowH + pad;
    const y = (r: number) => top0 + r * rowH;
    const out: string[] = [lib.svgOpen(width, height, theme, 'lx-neuron-svg')];
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
      `<text x="${x}" y="${top0 - 6}" font-size="11" text-anchor="${anchor}" fill="${p.muted}">${text}</text>`;
    out.push(
      heading(xq, 'query', 'end'),
      heading(xqv, 'q'),
      heading(xk, 'key'),
      heading(xkv, 'k'),
      heading(xp, 'q × k'),
      heading(xs, 'q · k'),
      heading(xw, 'softmax'),
    );
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
    const middle = (r: number) => (y(r) + rowH / 2).toFixed(1);
    model.tokens.forEach((t, r) => {
      const sel = r === i;
      out.push(
        `<text class="lx-neuron-token${sel ? ' lx-selected' : ''}" data-i="${r}" x="${xq}" y="${middle(r)}" text-anchor="end" dominant-baseline="central" font-size="${fs}" fill="${sel ? p.accent : p.fg}"${sel ? ' font-weight="bold"' : ''}>${lib.esc(t)}</text>`,
      );
    });
    out.push(
      `<rect x="${xqv - 1}" y="${y(i) + 1}" width="${vec + 2}" height="${rowH - 2}" fill="none" stroke="${p.grid}"/>`,
    );
    cellsOf(q, 0, maxQ, xqv, y(i), 'lx-cell lx-q');
    const wmax = Math.max(...weights);
    for (let j = 0; j < nk; j++) {
      const m = masked(j);
      out.push(
        `<g class="lx-key" data-j="${j}"${m ? ' opacity="0.35"' : ''}>` +
          `<text x="${xk}" y="${middle(j)}" dominant-baseline="central" font-size="${fs}" fill="${p.fg}">${lib.esc(model.keyTokens[j]!)}</text>`,
      );
      cellsOf(K, j * D, maxK, xkv, y(j), 'lx-cell lx-k');
      if (!m) {
        const prod = new Float64Array(D);
        for (let d = 0; d < D; d++) prod[d] = q[d]! * K[j * D + d]!;
        cellsOf(prod, 0, maxP, xp, y(j), 'lx-cell lx-qk');
      }
      out.push(
        `<text class="lx-score" x="${xs + 56}" y="${middle(j)}" text-anchor="end" dominant-baseline="central" font-size="${fs}" fill="${p.fg}">${m ? 'masked' : lib.fmt(scores[j]!, 2)}</text>`,
      );
      const bar = wmax > 0 ? (weights[j]! / wmax) * 60 : 0;
      out.push(
        `<rect class="lx-weight" data-weight="${weights[j]}" x="${xw}" y="${y(j) + 3}" width="${bar.toFixed(1)}" height="${rowH - 6}" fill="${p.accent}"/>` +
          `<text x="${xw + 64}" y="${middle(j)}" dominant-baseline="central" font-size="${fs}" fill="${p.muted}">${lib.fmt(weights[j]!, 3)}</text></g>`,
      );
    }
    out.push('</svg>');
    return out.join('');
  };

  lib.mountNeuron = (
    element: HTMLElement,
    initialModel: NeuronModel,
    initialOptions: NeuronRenderOptions,
  ) => {
    const doc = element.ownerDocument;
    let model = initialModel;
    let options = initialOptions;
    let unwatch = () => {};
    const root = doc.createElement('div');
    root.className = 'lx-viz lx-neuron-view';
    element.appendChild(root);
    lib.ensureStyle(root);
    const controls = doc.createElement('div');
    controls.className = 'lx-controls';
    const stage = doc.createElement('div');
    stage.className = 'lx-stage';
    // Up and Down select the query token; Tab reaches the layer and head selectors first.
    stage.tabIndex = 0;
    stage.setAttribute('role', 'application');
    stage.setAttribute('aria-label', 'Neuron view. Up and Down select the query token.');
    root.appendChild(controls);
    root.appendChild(stage);

    const selector = (cls: string, label: string, count: number, value: number, set: (v: number) => void) => {
      const wrap = doc.createElement('label');
      wrap.textContent = `${label} `;
      const select = doc.createElement('select');
      select.className = cls;
      for (let v = 0; v < count; v++) select.add(new Option(String(v), String(v)));
      select.value = String(value);
      select.addEventListener('change', () => set(Number(select.value)));
      wrap.appendChild(select);
      controls.appendChild(wrap);
    };
    const buildControls = () => {
      controls.textContent = '';
      selector('lx-layer', 'Layer', model.layers, options.layer, (layer) => set({ layer }));
      selector('lx-head', 'Head', model.heads, options.head, (head) => set({ head }));
      if (options.pngButton) controls.appendChild(lib.pngButton(root, 'attention-neuron-view.png'));
    };
    const draw = () => {
      root.dataset.theme = lib.resolveTheme(options.theme);
      stage.innerHTML = lib.neuronSvg(model, options, { legend: false });
      const layer = controls.querySelector('.lx-layer') as HTMLSelectElement | null;
      const head = controls.querySelector('.lx-head') as HTMLSelectElement | null;
      if (layer) layer.value = String(options.layer);
      if (head) head.value = String(options.head);
    };
    const set = (next: Partial<NeuronRenderOptions>) => {
      options = { ...options, ...next };
      draw();
    };
    const select = (i: number) => {
      if (i === options.query || i < 0 || i >= model.tokens.length) return;
      set({ query: i });
    };
    // Hover or click a query token to select it, as in bertviz.
    stage.addEventListener('mouseover', (event) => {
      const token = (event.target as Element).closest?.('.lx-neuron-token') as SVGTextElement | null;
      if (token) select(Number(token.dataset.i));
    });
    stage.addEventListener('click', (event) => {
      const token = (event.target as Element).closest?.('.lx-neuron-token') as SVGTextElement | null;
      if (token) select(Number(token.dataset.i));
    });
    stage.addEventListener('keydown', (event) => {
      const by = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
      if (by === 0) return;
      event.preventDefault();
      select(options.query + by);
    });
    const start = () => {
      unwatch();
      unwatch = lib.watchTheme(options.theme, draw);
      buildControls();
      draw();
    };
    start();
    const handle: MountedView = {
      element: root,
      update(data: unknown, next: unknown) {
        if (data) model = data as NeuronModel;
        if (next) options = next as NeuronRenderOptions;
        start();
      },
      destroy() {
        unwatch();
        root.remove();
      },
      state() {
        return { layer: options.layer, head: options.head, query: options.query };
      },
      setLayer: (layer: number) => set({ layer }),
      setHead: (head: number) => set({ head }),
      selectQuery: (i: number) => select(i),
    };
    return handle;
  };
}
