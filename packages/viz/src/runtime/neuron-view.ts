/**
 * The live neuron view: layer and head selectors, and the picture of `runtime/neuron.ts`; hovering or
 * clicking a query token (or Up and Down on the focused picture) selects it.
 *
 * Short inputs are one SVG, redrawn whole on each change. Above `canvasThreshold` cells (keys × dim × 2) the
 * SVG keeps only the headings and the query tokens (which take the mouse), and everything else is drawn on
 * one canvas over it by `runtime/neuron-canvas.ts`, in tiles of 32 rows: those on screen at once, the
 * others in the background (`runtime/tiles.ts`). Selecting a query then only moves the highlight between two
 * SVG texts and repaints the canvas. A hidden live region tells screen readers the strongest keys.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib, MountedView, NeuronModel, NeuronRenderOptions, TileJob } from './types.js';

/** Adds `mountNeuron` to `lib`. */
export function neuronViewPart(lib: Lib): void {
  /** Rows of one tile of the canvas renderer. */
  const TILE_ROWS = 32;

  lib.mountNeuron = (element, initialModel, initialOptions) => {
    const doc = element.ownerDocument;
    const win = doc.defaultView;
    let model = initialModel;
    let options = initialOptions;
    let renderer: 'svg' | 'canvas' = 'svg';
    let canvas: HTMLCanvasElement | null = null;
    let job: TileJob | null = null;
    const cancelJob = () => job?.cancel();
    const root = lib.viewRoot(element, 'neuron');
    const controls = doc.createElement('div');
    controls.className = 'lx-controls';
    const stage = doc.createElement('div');
    stage.className = 'lx-stage';
    // Up and Down select the query token; Tab reaches the layer and head selectors first.
    stage.tabIndex = 0;
    stage.setAttribute('role', 'application');
    stage.setAttribute('aria-label', 'Neuron view. Up and Down select the query token.');
    const live = doc.createElement('div');
    live.className = 'lx-sr';
    live.setAttribute('aria-live', 'polite');
    root.appendChild(controls);
    root.appendChild(stage);
    root.appendChild(live);

    const selector = (cls: string, label: string, count: number, value: number, set: (v: number) => void) => {
      controls.appendChild(
        lib.labelledSelect(doc, label, cls, lib.numbered(count), String(value), (v) => set(Number(v))),
      );
    };
    const buildControls = () => {
      controls.textContent = '';
      selector('lx-layer', 'Layer', model.layers, options.layer, (layer) => set({ layer }));
      selector('lx-head', 'Head', model.heads, options.head, (head) => set({ head }));
      if (options.pngButton) controls.appendChild(lib.pngButton(root, 'attention-neuron-view.png'));
    };

    // Canvas mode: the cells, keys and numbers of every row, tiles on screen first.
    const paint = () => {
      job?.cancel();
      job = null;
      const ctx = canvas?.getContext('2d');
      if (!canvas || !ctx) return;
      const L = lib.neuronLayout(model, options, false);
      const S = lib.neuronScores(model, options);
      const ox = L.xqv - 4;
      const scale = Math.min(win?.devicePixelRatio || 1, 16_000 / L.height);
      const width = Math.ceil((L.width - ox) * scale);
      const height = Math.ceil(L.height * scale);
      if (canvas.width !== width || canvas.height !== height) {
        canvas.width = width;
        canvas.height = height;
      }
      canvas.style.left = `${ox}px`;
      canvas.style.width = `${L.width - ox}px`;
      canvas.style.height = `${L.height}px`;
      const tiles = Math.ceil(L.rows / TILE_ROWS);
      const c = canvas;
      const onScreen = () => {
        const box = c.getBoundingClientRect();
        const row = (y: number) => Math.floor((y * (L.height / (box.height || 1)) - L.top) / L.rowH);
        const top = Math.max(0, Math.floor(row(-box.top) / TILE_ROWS));
        const bottom = Math.min(
          tiles - 1,
          Math.floor(row((win?.innerHeight ?? box.bottom) - box.top) / TILE_ROWS),
        );
        return [top, bottom];
      };
      job = lib.paintTiles(win, tiles, onScreen, (t) => {
        lib.neuronTile(
          ctx,
          model,
          options,
          L,
          S,
          t * TILE_ROWS,
          Math.min(L.rows, (t + 1) * TILE_ROWS),
          scale,
          ox,
        );
        return true;
      });
      // For screen readers: the query and its strongest keys.
      const order = Array.from(S.weights.keys())
        .sort((a, b) => S.weights[b]! - S.weights[a]!)
        .slice(0, 3);
      live.textContent =
        `Query ${options.query} (${model.tokens[options.query]}): strongest keys ` +
        order.map((j) => `${j} (${model.keyTokens[j]}) ${lib.fmt(S.weights[j]!, 3)}`).join(', ');
    };

    const draw = () => {
      cancelJob();
      renderer = lib.chooseRenderer(root, options, 2 * model.keyTokens.length * model.dim); // cells drawn
      stage.innerHTML = lib.neuronSvg(model, options, { legend: false, cells: renderer === 'svg' });
      canvas = null;
      live.textContent = '';
      if (renderer === 'canvas') {
        canvas = doc.createElement('canvas');
        canvas.className = 'lx-cells';
        stage.appendChild(canvas);
        paint();
      }
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
      if (renderer === 'svg') {
        set({ query: i });
        return;
      }
      // Canvas: move the highlight between two query tokens, then repaint the canvas.
      const p = lib.palette(lib.resolveTheme(options.theme));
      const mark = (k: number, on: boolean) => {
        const t = stage.querySelector(`.lx-neuron-token[data-i="${k}"]`);
        if (!t) return;
        t.classList.toggle('lx-selected', on);
        t.setAttribute('fill', on ? p.accent : p.fg);
        if (on) t.setAttribute('font-weight', 'bold');
        else t.removeAttribute('font-weight');
      };
      mark(options.query, false);
      mark(i, true);
      options = { ...options, query: i };
      paint();
    };
    // Hover or click a query token to select it, as in bertviz.
    const pick = (event: Event) => {
      const token = (event.target as Element).closest?.('.lx-neuron-token') as SVGTextElement | null;
      if (token) select(Number(token.dataset.i));
    };
    stage.addEventListener('mouseover', pick);
    stage.addEventListener('click', pick);
    stage.addEventListener('keydown', (event) => {
      const by = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
      if (by === 0) return;
      event.preventDefault();
      select(options.query + by);
    });
    const apply = (data: unknown, next: unknown) => {
      if (data) model = data as NeuronModel;
      if (next) options = next as NeuronRenderOptions;
    };
    const handle: MountedView = {
      ...lib.mountedView(root, () => options, buildControls, draw, cancelJob, apply),
      state() {
        return {
          layer: options.layer,
          head: options.head,
          query: options.query,
          renderer,
          painting: job?.painting ?? false,
        };
      },
      setLayer: (layer: number) => set({ layer }),
      setHead: (head: number) => set({ head }),
      selectQuery: (i: number) => select(i),
    };
    return handle;
  };
}
