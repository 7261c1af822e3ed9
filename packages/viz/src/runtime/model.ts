/**
 * The model view, after bertviz's `model_view`: every layer × head of a model at once, as small heatmaps
 * (rows = queries, columns = keys, opacity = weight divided by the head's largest weight). Clicking a
 * thumbnail (or pressing Enter or Space on it) opens that layer and head in a head view below the grid.
 *
 * `modelSvg` writes an SVG string (no DOM); long inputs are max-pooled to at most `maxCells` cells per side,
 * so the SVG stays small. `mountModel` draws each thumbnail on a `<canvas>` of the thumbnail's size in device
 * pixels, max-pooling longer inputs to it (a peak is never averaged away): 144 thumbnails of 512 × 512
 * weights read each weight once. Arrow keys move between thumbnails, Enter or Space opens one.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { AttentionModel, Lib, ModelRenderOptions } from './types.js';

/** Adds `modelSvg` and `mountModel` to `lib`. */
export function modelPart(lib: Lib): void {
  lib.modelSvg = (data: AttentionModel, options: ModelRenderOptions) => {
    const model = lib.attentionOf(data, options.attentionType);
    const theme = lib.resolveTheme(options.theme);
    const p = lib.palette(theme);
    const S = options.thumbnailSize;
    const gap = 6;
    const labelW = 64;
    // Encoder–decoder data: the picture says which attention it shows.
    const type = options.attentionType ?? '';
    const kind = data.types ? `${type.charAt(0).toUpperCase()}${type.slice(1)} attention` : '';
    const title = [options.title, kind].filter(Boolean).join(' · ');
    const top = (title ? 28 : 6) + 18;
    const q = model.tokens.length;
    const k = model.keyTokens.length;
    const rows = Math.min(q, options.maxCells);
    const cols = Math.min(k, options.maxCells);
    const width = labelW + model.heads * (S + gap) + 4;
    const height = top + model.layers * (S + gap) + 4;
    const out: string[] = [lib.svgOpen(width, height, theme, 'lx-model-svg')];
    if (title) {
      out.push(
        `<text x="8" y="18" font-size="14" font-weight="bold" fill="${p.fg}">${lib.esc(title)}</text>`,
      );
    }
    for (let h = 0; h < model.heads; h++) {
      out.push(
        `<text x="${labelW + h * (S + gap) + S / 2}" y="${top - 6}" font-size="11" text-anchor="middle" fill="${p.muted}">head ${h}</text>`,
      );
    }
    const cw = S / cols;
    const ch = S / rows;
    for (let l = 0; l < model.layers; l++) {
      const y0 = top + l * (S + gap);
      out.push(
        `<text x="${labelW - 8}" y="${y0 + S / 2}" font-size="11" text-anchor="end" dominant-baseline="central" fill="${p.muted}">layer ${l}</text>`,
      );
      for (let h = 0; h < model.heads; h++) {
        const w = model.weights[l * model.heads + h]!;
        const color = lib.headColor(h, model.heads);
        const x0 = labelW + h * (S + gap);
        out.push(
          `<g class="lx-thumb" data-layer="${l}" data-head="${h}" transform="translate(${x0},${y0})"><title>layer ${l}, head ${h}</title>` +
            `<rect width="${S}" height="${S}" fill="${p.bg}" stroke="${p.grid}"/>`,
        );
        // Max-pool blocks of weights into rows × cols cells, so a peak is never averaged away.
        const cells = new Float32Array(rows * cols);
        let max = 0;
        for (let i = 0; i < q; i++) {
          const r = Math.floor((i * rows) / q);
          for (let j = 0; j < k; j++) {
            const c = Math.floor((j * cols) / k);
            const v = w[i * k + j]!;
            if (v > cells[r * cols + c]!) cells[r * cols + c] = v;
            if (v > max) max = v;
          }
        }
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const v = cells[r * cols + c]!;
            if (!(v > 0)) continue;
            out.push(
              `<rect class="lx-cell" x="${lib.fmt(c * cw, 2)}" y="${lib.fmt(r * ch, 2)}" width="${lib.fmt(cw, 2)}" ` +
                `height="${lib.fmt(ch, 2)}" fill="${color}" fill-opacity="${lib.fmt(v / max)}"/>`,
            );
          }
        }
        out.push('</g>');
      }
    }
    out.push('</svg>');
    return out.join('');
  };

  lib.mountModel = (element, initialModel, initialOptions) => {
    const doc = element.ownerDocument;
    let all = initialModel; // encoder–decoder data: every attention type
    let options = initialOptions;
    let model = lib.attentionOf(all, options.attentionType); // what the grid shows
    let head: ReturnType<Lib['mountHead']> | null = null;
    let opened: { layer: number; head: number } | null = null;

    const root = lib.viewRoot(element, 'model');
    const controls = doc.createElement('div');
    controls.className = 'lx-controls';
    root.appendChild(controls);
    const grid = doc.createElement('div');
    grid.className = 'lx-model-grid';
    grid.setAttribute('role', 'group');
    grid.setAttribute('aria-label', 'Layers × heads: arrow keys move, Enter opens a head');
    const detail = doc.createElement('div');
    detail.className = 'lx-detail';
    root.appendChild(grid);
    root.appendChild(detail);

    const rgb = (ctx: CanvasRenderingContext2D, color: string) => {
      ctx.fillStyle = color; // the browser normalises any CSS colour to #rrggbb
      const hex = String(ctx.fillStyle);
      return [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) || 0);
    };

    const open = (layer: number, h: number) => {
      head?.destroy();
      opened = { layer, head: h };
      for (const t of grid.querySelectorAll('.lx-thumb')) {
        const el = t as HTMLElement;
        el.setAttribute(
          'aria-pressed',
          String(Number(el.dataset.layer) === layer && Number(el.dataset.head) === h),
        );
      }
      head = lib.mountHead(detail, model, {
        ...options.head,
        attentionType: undefined, // the grid's selector chooses the type
        theme: options.theme,
        layer,
        heads: [h],
        pngButton: options.pngButton,
      });
      return head;
    };

    const draw = () => {
      const theme = lib.resolveTheme(options.theme);
      root.dataset.theme = theme;
      controls.textContent = '';
      const types = lib.typeSelector(doc, all, options.attentionType, setType);
      if (types) controls.appendChild(types);
      if (options.pngButton) controls.appendChild(lib.pngButton(root, 'attention-model-view.png'));
      grid.textContent = '';
      grid.style.gridTemplateColumns = `auto repeat(${model.heads}, ${options.thumbnailSize}px)`;
      const q = model.tokens.length;
      const k = model.keyTokens.length;
      // Thumbnail pixels: the weights themselves when they fit, else max-pooled blocks of them.
      const side = Math.max(1, Math.round(options.thumbnailSize * (doc.defaultView?.devicePixelRatio || 1)));
      const rows = Math.min(q, side);
      const cols = Math.min(k, side);
      const rowOf = new Int32Array(q);
      const colStart = new Int32Array(cols + 1); // cell c pools keys [colStart[c], colStart[c + 1])
      for (let i = 0; i < q; i++) rowOf[i] = Math.floor((i * rows) / q);
      for (let c = 0; c <= cols; c++) colStart[c] = Math.ceil((c * k) / cols);
      const cells = new Float32Array(rows * cols);
      const cell = (text: string) => {
        const div = doc.createElement('div');
        div.className = 'lx-label';
        div.textContent = text;
        grid.appendChild(div);
      };
      cell('');
      for (let h = 0; h < model.heads; h++) cell(`head ${h}`);
      for (let l = 0; l < model.layers; l++) {
        cell(`layer ${l}`);
        for (let h = 0; h < model.heads; h++) {
          const canvas = doc.createElement('canvas');
          canvas.className = 'lx-thumb';
          canvas.width = cols;
          canvas.height = rows;
          canvas.style.width = `${options.thumbnailSize}px`;
          canvas.style.height = `${options.thumbnailSize}px`;
          canvas.style.background = lib.palette(theme).bg;
          canvas.dataset.layer = String(l);
          canvas.dataset.head = String(h);
          // One tab stop for the grid: the open (or first) thumbnail; arrows move within it.
          canvas.tabIndex = (opened ? opened.layer === l && opened.head === h : l === 0 && h === 0) ? 0 : -1;
          canvas.setAttribute('role', 'button');
          canvas.setAttribute('aria-label', `layer ${l}, head ${h}: open in the head view`);
          const ctx = canvas.getContext('2d');
          if (ctx) {
            const [r, g, b] = rgb(ctx, lib.headColor(h, model.heads));
            const w = model.weights[l * model.heads + h]!;
            cells.fill(0);
            let max = 0;
            for (let i = 0; i < q; i++) {
              const row = rowOf[i]! * cols;
              const from = i * k;
              for (let c = 0; c < cols; c++) {
                let m = cells[row + c]!;
                for (let j = from + colStart[c]!, end = from + colStart[c + 1]!; j < end; j++) {
                  if (w[j]! > m) m = w[j]!;
                }
                cells[row + c] = m;
              }
            }
            for (let i = 0; i < cells.length; i++) if (cells[i]! > max) max = cells[i]!;
            const image = ctx.createImageData(cols, rows);
            const px = image.data;
            for (let i = 0; i < cells.length; i++) {
              px[4 * i] = r!;
              px[4 * i + 1] = g!;
              px[4 * i + 2] = b!;
              px[4 * i + 3] = max > 0 ? Math.round((255 * Math.max(0, cells[i]!)) / max) : 0;
            }
            ctx.putImageData(image, 0, 0);
          }
          canvas.addEventListener('click', () => open(l, h));
          canvas.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              open(l, h);
              return;
            }
            const move: Record<string, [number, number]> = {
              ArrowUp: [-1, 0],
              ArrowDown: [1, 0],
              ArrowLeft: [0, -1],
              ArrowRight: [0, 1],
            };
            const by = move[event.key];
            if (!by) return;
            event.preventDefault();
            const to = grid.querySelector<HTMLCanvasElement>(
              `.lx-thumb[data-layer="${l + by[0]}"][data-head="${h + by[1]}"]`,
            );
            if (!to) return;
            canvas.tabIndex = -1;
            to.tabIndex = 0;
            to.focus();
          });
          grid.appendChild(canvas);
        }
      }
      if (opened) open(opened.layer, opened.head);
    };
    // Encoder–decoder data: another attention type; an open head view stays open if the type has it.
    const setType = (type: ModelRenderOptions['attentionType']) => {
      if (!type || !all.types?.[type]) return;
      options = { ...options, attentionType: type };
      model = lib.attentionOf(all, type);
      if (opened && (opened.layer >= model.layers || opened.head >= model.heads)) {
        opened = null;
        head?.destroy();
        head = null;
      }
      draw();
    };
    let unwatch = lib.watchTheme(options.theme, () => draw());
    draw();

    return {
      element: root,
      update(data: unknown, next: unknown) {
        if (data) {
          all = data as AttentionModel;
          opened = null;
          head?.destroy();
          head = null;
        }
        if (next) options = next as ModelRenderOptions;
        model = lib.attentionOf(all, options.attentionType);
        unwatch();
        unwatch = lib.watchTheme(options.theme, () => draw());
        draw();
      },
      destroy() {
        unwatch();
        head?.destroy();
        root.remove();
      },
      open,
      setAttentionType: setType,
      state() {
        return { attentionType: options.attentionType, opened: opened && { ...opened } };
      },
      headView() {
        return head;
      },
    };
  };
}
