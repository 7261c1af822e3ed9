/**
 * The head view, after bertviz's `head_view` (itself after Llion Jones' Tensor2Tensor tool): the tokens in two
 * columns, queries on the left and keys on the right, and one line from query i to key j per selected head,
 * in the head's colour with opacity = attention weight.
 *
 * `headSvg` writes the picture as an SVG string (no DOM: Node, `toSvg`); `mountHead` turns it into a live view
 * in a browser: a layer selector, heads toggled by click or keyboard (they are buttons), and hovering a token
 * shows only its lines. Above `canvasThreshold` lines (all heads of a layer) the lines go to a `<canvas>`
 * instead, drawn by the rasterizer of `runtime/raster.ts` in tiles of 512 pixel rows: the tiles on screen at
 * once, the others in slices of about 12 ms (`runtime/tiles.ts`), so 512 tokens × 12 heads draw in well under a second and stay
 * interactive. Each head's tiles are kept, so toggling a head or leaving a token only composites again.
 *
 * A sentence pair (`sentenceBStart`, as bertviz's `sentence_b_start`) adds a selector that keeps the lines of
 * one block (A → A, A → B, B → A, B → B). Cross-attention (`keyTokens` differ from `tokens`) needs nothing
 * special: queries on the left, keys on the right, a rectangular `[query][key]` matrix.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 *
 * A little over 500 lines: the SVG writer and the live view draw the same picture from the same layout code,
 * and a runtime file must stay self-contained (it is inlined into every HTML page), so they are not split.
 */

import type {
  AttentionModel,
  HeadRenderOptions,
  Lib,
  LineBlock,
  LineGeometry,
  LineSet,
  MountedView,
  TileJob,
} from './types.js';

/** Adds `headLayout`, `headSvg` and `mountHead` to `lib`. */
export function headPart(lib: Lib): void {
  lib.headLayout = (model: AttentionModel) => {
    const n = Math.max(model.tokens.length, model.keyTokens.length);
    const rowH = n <= 64 ? 20 : n <= 200 ? 16 : 14;
    const fontSize = rowH >= 20 ? 13 : rowH >= 16 ? 11 : 10;
    const widest = (tokens: string[]) => tokens.reduce((m, t) => Math.max(m, lib.textWidth(t, fontSize)), 0);
    const pad = 8;
    const leftTextX = pad + Math.ceil(widest(model.tokens));
    const lineX1 = leftTextX + 8;
    const lineX2 = lineX1 + (n <= 64 ? 180 : 260);
    const rightTextX = lineX2 + 8;
    const width = Math.ceil(rightTextX + widest(model.keyTokens) + pad);
    return {
      width,
      height: n * rowH + 2 * pad,
      rowH,
      top: pad,
      fontSize,
      leftTextX,
      lineX1,
      lineX2,
      rightTextX,
    };
  };

  lib.headBlock = (model: AttentionModel, options: HeadRenderOptions) => {
    const q = model.tokens.length;
    const k = model.keyTokens.length;
    const b = options.sentenceBStart;
    if (b === undefined || options.sentences === 'all') return { q0: 0, q1: q, k0: 0, k1: k };
    const [from, to] = options.sentences.split('-');
    return {
      q0: from === 'a' ? 0 : b,
      q1: from === 'a' ? b : q,
      k0: to === 'a' ? 0 : b,
      k1: to === 'a' ? b : k,
    };
  };

  lib.headSvg = (
    data: AttentionModel,
    options: HeadRenderOptions,
    mode: { lines: boolean; allHeads: boolean },
  ) => {
    const model = lib.attentionOf(data, options.attentionType);
    const L = lib.headLayout(model);
    const theme = lib.resolveTheme(options.theme);
    const p = lib.palette(theme);
    const block = lib.headBlock(model, options);
    const legend = !mode.allHeads; // the standalone picture says what it shows; the live view has controls
    const header = legend ? (options.title ? 44 : 24) : 0;
    const out: string[] = [lib.svgOpen(L.width, L.height + header, theme, 'lx-head-svg')];
    if (legend) {
      let x = 8;
      if (options.title) {
        out.push(
          `<text x="8" y="16" font-size="14" font-weight="bold" fill="${p.fg}">${lib.esc(options.title)}</text>`,
        );
      }
      const y = options.title ? 34 : 14;
      const pair =
        options.sentences === 'all' ? '' : ` · ${options.sentences.replace('-', ' → ').toUpperCase()}`;
      const type = options.attentionType ? `${options.attentionType} attention · ` : '';
      const what = `${type}layer ${options.layer}${pair} · heads`;
      out.push(`<text x="${x}" y="${y}" font-size="12" fill="${p.muted}">${what}</text>`);
      x += lib.textWidth(what, 12) + 12;
      for (const h of options.heads) {
        out.push(
          `<rect class="lx-swatch" x="${x}" y="${y - 10}" width="12" height="12" rx="2" fill="${lib.headColor(h, model.heads)}"/>` +
            `<text x="${x + 15}" y="${y}" font-size="11" fill="${p.muted}">${h}</text>`,
        );
        x += 22 + lib.textWidth(String(h), 11);
      }
      out.push(`<g transform="translate(0,${header})">`);
    }
    const y = (i: number) => L.top + i * L.rowH + L.rowH / 2;
    const text = (side: string, i: number, x: number, anchor: string, token: string, dim: boolean) =>
      `<text class="lx-token${dim ? ' lx-dim' : ''}" data-side="${side}" data-i="${i}" x="${x}" y="${y(i).toFixed(1)}" text-anchor="${anchor}" ` +
      `dominant-baseline="central" font-size="${L.fontSize}" fill="${p.fg}"${dim ? ' opacity="0.3"' : ''}>${lib.esc(token)}</text>`;
    model.tokens.forEach((t, i) => {
      out.push(text('q', i, L.leftTextX, 'end', t, i < block.q0 || i >= block.q1));
    });
    model.keyTokens.forEach((t, i) => {
      out.push(text('k', i, L.rightTextX, 'start', t, i < block.k0 || i >= block.k1));
    });
    if (mode.lines) {
      const k = model.keyTokens.length;
      const selected = new Set(options.heads);
      const heads = mode.allHeads ? [...Array(model.heads).keys()] : options.heads;
      const width = Math.max(1, Math.min(2, L.rowH / 8));
      for (const h of heads) {
        const w = model.weights[options.layer * model.heads + h]!;
        const hidden = selected.has(h) ? '' : ' display="none"';
        out.push(
          `<g class="lx-head" data-head="${h}" stroke="${lib.headColor(h, model.heads)}" stroke-width="${width}"${hidden}>`,
        );
        for (let q = block.q0; q < block.q1; q++) {
          const y1 = y(q).toFixed(1);
          for (let j = block.k0; j < block.k1; j++) {
            const weight = w[q * k + j]!;
            if (!(weight > 0) || weight < options.minWeight) continue;
            out.push(
              `<line class="lx-line" data-q="${q}" data-k="${j}" x1="${L.lineX1}" y1="${y1}" x2="${L.lineX2}" ` +
                `y2="${y(j).toFixed(1)}" stroke-opacity="${lib.fmt(Math.min(1, weight))}"/>`,
            );
          }
        }
        out.push('</g>');
      }
    }
    if (legend) out.push('</g>');
    out.push('</svg>');
    return out.join('');
  };

  lib.mountHead = (element: HTMLElement, initialModel: AttentionModel, initialOptions: HeadRenderOptions) => {
    const doc = element.ownerDocument;
    const win = doc.defaultView;
    let all = initialModel; // encoder–decoder data: every attention type
    let options = initialOptions;
    let model = lib.attentionOf(all, options.attentionType); // what is drawn
    let selected = new Set(options.heads);
    let focus: { side: 'q' | 'k'; i: number } | null = null;
    let canvas: HTMLCanvasElement | null = null;
    let renderer: 'svg' | 'canvas' = 'svg';
    const uid = `lx${Math.random().toString(36).slice(2, 10)}`;

    const root = lib.viewRoot(element, 'head');
    const controls = doc.createElement('div');
    controls.className = 'lx-controls';
    const stage = doc.createElement('div');
    stage.className = `lx-stage ${uid}`;
    // The stage takes the keyboard: arrows move the focused token, Left/Right change side, Escape clears.
    stage.tabIndex = 0;
    stage.setAttribute('role', 'application');
    stage.setAttribute(
      'aria-label',
      'Attention lines. Up and Down focus a token, Left and Right switch between queries and keys, Escape clears.',
    );
    const focusStyle = doc.createElement('style');

    const setLayer = (layer: number) => {
      options = { ...options, layer };
      const select = controls.querySelector('.lx-layer') as HTMLSelectElement | null;
      if (select) select.value = String(layer);
      focus = null;
      draw();
    };

    // Encoder–decoder data: another attention type (other tokens, maybe other layers and heads).
    const setType = (type: HeadRenderOptions['attentionType']) => {
      if (!type || !all.types?.[type]) return;
      const before = model;
      model = lib.attentionOf(all, type);
      options = { ...options, attentionType: type, layer: Math.min(options.layer, model.layers - 1) };
      if (model.heads !== before.heads) selected = new Set([...Array(model.heads).keys()]);
      focus = null;
      baseKey = '';
      buildControls();
      draw();
    };

    const buildControls = () => {
      controls.textContent = '';
      const types = lib.typeSelector(doc, all, options.attentionType, setType);
      if (types) controls.appendChild(types);
      const layer = String(options.layer);
      controls.appendChild(
        lib.labelledSelect(doc, 'Layer', 'lx-layer', lib.numbered(model.layers), layer, (v) =>
          setLayer(Number(v)),
        ),
      );
      if (options.sentenceBStart !== undefined) {
        const names: [string, string][] = [
          ['all', 'All'],
          ['a-a', 'Sentence A → Sentence A'],
          ['a-b', 'Sentence A → Sentence B'],
          ['b-a', 'Sentence B → Sentence A'],
          ['b-b', 'Sentence B → Sentence B'],
        ];
        const pair = lib.labelledSelect(
          doc,
          'Sentences',
          'lx-sentences',
          names,
          options.sentences,
          (value) => {
            options = { ...options, sentences: value as HeadRenderOptions['sentences'] };
            focus = null;
            draw();
          },
        );
        controls.appendChild(pair);
      }
      const heads = doc.createElement('span');
      heads.className = 'lx-heads';
      heads.setAttribute('role', 'group');
      heads.setAttribute('aria-label', 'Heads');
      for (let h = 0; h < model.heads; h++) {
        const button = doc.createElement('button');
        button.type = 'button';
        button.className = 'lx-head-toggle';
        button.dataset.head = String(h);
        button.title = `head ${h}`;
        button.setAttribute('aria-label', `head ${h}`);
        button.style.background = lib.headColor(h, model.heads);
        // A <button> is focusable and fires `click` on Enter and Space; Left/Right move between the heads.
        button.addEventListener('click', () => toggle(h));
        button.addEventListener('keydown', (event) => {
          const to = event.key === 'ArrowRight' ? h + 1 : event.key === 'ArrowLeft' ? h - 1 : -1;
          if (to < 0 || to >= model.heads) return;
          event.preventDefault();
          (heads.children[to] as HTMLElement).focus();
        });
        heads.appendChild(button);
      }
      controls.appendChild(heads);
      if (options.pngButton) controls.appendChild(lib.pngButton(root, 'attention-head-view.png'));
    };

    const toggle = (h: number) => {
      if (selected.has(h)) selected.delete(h);
      else selected.add(h);
      applyHeads();
    };

    const applyHeads = () => {
      for (const b of controls.querySelectorAll<HTMLButtonElement>('.lx-head-toggle')) {
        b.setAttribute('aria-pressed', String(selected.has(Number(b.dataset.head))));
      }
      if (renderer === 'canvas') paint();
      else {
        for (const g of stage.querySelectorAll<SVGGElement>('.lx-head')) {
          if (selected.has(Number(g.dataset.head))) g.removeAttribute('display');
          else g.setAttribute('display', 'none');
        }
      }
    };

    const applyFocus = () => {
      for (const t of stage.querySelectorAll('.lx-token.lx-focused')) t.classList.remove('lx-focused');
      if (focus === null) {
        delete stage.dataset.focus;
        focusStyle.textContent = '';
      } else {
        stage.dataset.focus = `${focus.side}${focus.i}`;
        stage
          .querySelector(`.lx-token[data-side="${focus.side}"][data-i="${focus.i}"]`)
          ?.classList.add('lx-focused');
        // One CSS rule hides every other line: O(1) work in script, however many lines there are.
        focusStyle.textContent =
          `.${uid} .lx-line{display:none}` +
          `.${uid} .lx-line[data-${focus.side}="${focus.i}"]{display:inline}`;
      }
      if (renderer === 'canvas') paint();
    };

    // Canvas mode. The picture is cut into tiles of TILE pixel rows; each head's alpha tiles are kept for the
    // unfocused view of the current layer and sentence block, so toggling heads only composites again.
    const TILE = 512;
    let geometry: (LineGeometry & { key: string; sy: number }) | null = null;
    let baseKey = '';
    const baseSets = new Map<number, LineSet>();
    const baseTiles = new Map<string, Uint8Array>();
    let scratch: Float32Array = new Float32Array(0);
    let job: TileJob | null = null;
    const cancelJob = () => job?.cancel();

    const paint = () => {
      job?.cancel();
      job = null;
      if (!canvas) return;
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const L = lib.headLayout(model);
      const q = model.tokens.length;
      const k = model.keyTokens.length;
      // Device pixels, with a whole number of them between two tokens (at most 16,000 rows in all).
      const scale = Math.min(win?.devicePixelRatio || 1, 16_000 / L.height);
      const step = Math.max(1, Math.round(L.rowH * scale));
      const sy = step / L.rowH;
      const cols = Math.max(1, Math.round((L.lineX2 - L.lineX1) * scale));
      const rows = Math.ceil(L.height * sy);
      const key = `${q} ${k} ${cols} ${rows} ${step}`;
      if (geometry?.key !== key) {
        // Lines as wide as the SVG renderer draws them (1 to 2 pixels), in device pixels.
        const width = Math.max(1, Math.min(2, L.rowH / 8)) * scale;
        const g = lib.lineGeometry(q, k, cols, rows, (L.top + L.rowH / 2) * sy, step, width);
        geometry = { ...g, key, sy };
        baseKey = '';
      }
      const g = geometry;
      if (canvas.width !== cols || canvas.height !== rows) {
        canvas.width = cols;
        canvas.height = rows;
      }
      canvas.style.width = `${L.lineX2 - L.lineX1}px`;
      canvas.style.height = `${L.height}px`;
      canvas.style.left = `${L.lineX1}px`;

      const block = lib.headBlock(model, options);
      const blockKey = `${options.layer} ${options.minWeight} ${block.q0} ${block.q1} ${block.k0} ${block.k1}`;
      if (blockKey !== baseKey) {
        baseKey = blockKey;
        baseSets.clear();
        baseTiles.clear();
      }
      let lineBlock: LineBlock = block;
      if (focus?.side === 'q') lineBlock = { ...block, q0: focus.i, q1: Math.min(block.q1, focus.i + 1) };
      if (focus?.side === 'k') lineBlock = { ...block, k0: focus.i, k1: Math.min(block.k1, focus.i + 1) };
      if (lineBlock.q0 >= lineBlock.q1 || lineBlock.k0 >= lineBlock.k1)
        lineBlock = { q0: 0, q1: 0, k0: 0, k1: 0 };
      const keep = focus === null;
      const sets = keep ? baseSets : new Map<number, LineSet>();
      const heads = [...selected].sort((a, b) => a - b);
      const colors = heads.map((h) => lib.rgb(lib.headColor(h, model.heads)));
      const tiles = Math.ceil(rows / TILE);
      if (heads.length === 0) {
        ctx.clearRect(0, 0, cols, rows);
        return;
      }

      // One head's alpha for one tile: kept for the unfocused view, else made afresh.
      const alphaOf = (head: number, t: number) => {
        const cached = keep ? baseTiles.get(`${head} ${t}`) : undefined;
        if (cached) return cached;
        let set = sets.get(head);
        if (!set) {
          set = lib.lineSet(
            g,
            model.weights[options.layer * model.heads + head]!,
            lineBlock,
            options.minWeight,
          );
          sets.set(head, set);
        }
        const y0 = t * TILE;
        const alpha = new Uint8Array(cols * Math.min(TILE, rows - y0));
        scratch = lib.rasterTile(g, set, y0, Math.min(TILE, rows - y0), alpha, scratch);
        if (keep) baseTiles.set(`${head} ${t}`, alpha);
        return alpha;
      };
      const pending = new Map<number, Uint8Array[]>(); // tiles begun in the background: the heads done
      const finishTile = (t: number, alphas: Uint8Array[]) => {
        pending.delete(t);
        const h = Math.min(TILE, rows - t * TILE);
        const image = ctx.createImageData(cols, h);
        lib.compositeTile(alphas, colors, image.data);
        ctx.putImageData(image, 0, t * TILE);
      };
      // The tiles on screen at once; the others in the background, one head of one tile per step (about
      // 10 ms each); a new paint (hover, toggle, layer) cancels the rest.
      job = lib.paintTiles(
        win,
        tiles,
        () => lib.tilesOnScreen(canvas!, rows, TILE),
        (t, whole) => {
          if (whole) {
            finishTile(
              t,
              heads.map((head) => alphaOf(head, t)),
            );
            return true;
          }
          const alphas = pending.get(t) ?? [];
          pending.set(t, alphas);
          alphas.push(alphaOf(heads[alphas.length]!, t));
          if (alphas.length < heads.length) return false;
          finishTile(t, alphas);
          return true;
        },
      );
    };

    const draw = () => {
      cancelJob();
      renderer = lib.chooseRenderer(
        root,
        options,
        model.heads * model.tokens.length * model.keyTokens.length,
      );
      stage.innerHTML = lib.headSvg(model, options, { lines: renderer === 'svg', allHeads: true });
      stage.appendChild(focusStyle);
      canvas = null;
      if (renderer === 'canvas') {
        canvas = doc.createElement('canvas');
        canvas.className = 'lx-lines';
        stage.appendChild(canvas);
      }
      applyHeads();
      applyFocus();
    };

    const setFocus = (next: { side: 'q' | 'k'; i: number } | null) => {
      if (next?.side === focus?.side && next?.i === focus?.i) return;
      focus = next;
      applyFocus();
    };
    stage.addEventListener('mouseover', (event) => {
      const token = (event.target as Element).closest?.('.lx-token') as SVGTextElement | null;
      setFocus(token ? { side: token.dataset.side as 'q' | 'k', i: Number(token.dataset.i) } : null);
    });
    stage.addEventListener('mouseleave', () => setFocus(null));
    stage.addEventListener('keydown', (event) => {
      const side = focus?.side ?? 'q';
      const n = side === 'q' ? model.tokens.length : model.keyTokens.length;
      const i = focus?.i ?? -1;
      let next: { side: 'q' | 'k'; i: number } | null | undefined;
      if (event.key === 'ArrowDown') next = { side, i: Math.min(n - 1, i + 1) };
      else if (event.key === 'ArrowUp') next = { side, i: Math.max(0, i - 1) };
      else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
        const to = event.key === 'ArrowLeft' ? 'q' : 'k';
        const count = to === 'q' ? model.tokens.length : model.keyTokens.length;
        next = { side: to, i: Math.min(count - 1, Math.max(0, i)) };
      } else if (event.key === 'Escape') next = null;
      if (next === undefined) return;
      event.preventDefault();
      setFocus(next);
    });

    root.appendChild(controls);
    root.appendChild(stage);
    // update(data, next): the new data and options, before the view is rebuilt
    const apply = (data: unknown, next: unknown) => {
      if (data) {
        all = data as AttentionModel;
        geometry = null;
      }
      if (next) options = next as HeadRenderOptions;
      model = lib.attentionOf(all, options.attentionType);
      baseKey = '';
      selected = new Set(options.heads);
      focus = null;
    };
    const handle: MountedView = {
      ...lib.mountedView(root, () => options, buildControls, draw, cancelJob, apply),
      state() {
        return {
          layer: options.layer,
          heads: [...selected].sort((a, b) => a - b),
          focus,
          renderer,
          painting: job?.painting ?? false,
          sentences: options.sentences,
          attentionType: options.attentionType,
        };
      },
      setAttentionType: setType,
      setLayer,
      toggleHead: toggle,
      focusToken(side: 'q' | 'k' | null, i = 0) {
        setFocus(side === null ? null : { side, i });
      },
      setSentences(which: HeadRenderOptions['sentences']) {
        options = { ...options, sentences: which };
        const select = controls.querySelector('.lx-sentences') as HTMLSelectElement | null;
        if (select) select.value = which;
        focus = null;
        draw();
      },
    };
    return handle;
  };
}
