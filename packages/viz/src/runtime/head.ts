/**
 * The head view, after bertviz's `head_view` (itself after Llion Jones' Tensor2Tensor tool): the tokens in two
 * columns, queries on the left and keys on the right, and one line from query i to key j per selected head,
 * in the head's colour with opacity = attention weight.
 *
 * `headSvg` writes the picture as an SVG string (no DOM: Node, `toSvg`); `mountHead` turns it into a live view
 * in a browser: a layer selector, heads toggled by click or keyboard (they are buttons), and hovering a token
 * shows only its lines. Above `canvasThreshold` lines (all heads of a layer) the lines go to a `<canvas>`
 * instead: the 8 strongest lines of each query row per head (all lines of a hovered token), in 64 opacity
 * buckets, strongest first and time-sliced, so 512 tokens × 12 heads stay interactive.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { AttentionModel, HeadRenderOptions, Lib, MountedView } from './types.js';

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

  lib.headSvg = (
    model: AttentionModel,
    options: HeadRenderOptions,
    mode: { lines: boolean; allHeads: boolean },
  ) => {
    const L = lib.headLayout(model);
    const p = lib.palette(options.theme);
    const legend = !mode.allHeads; // the standalone picture says what it shows; the live view has controls
    const header = legend ? (options.title ? 44 : 24) : 0;
    const out: string[] = [lib.svgOpen(L.width, L.height + header, options.theme, 'lx-head-svg')];
    if (legend) {
      let x = 8;
      if (options.title) {
        out.push(
          `<text x="8" y="16" font-size="14" font-weight="bold" fill="${p.fg}">${lib.esc(options.title)}</text>`,
        );
      }
      const y = options.title ? 34 : 14;
      out.push(
        `<text x="${x}" y="${y}" font-size="12" fill="${p.muted}">layer ${options.layer} · heads</text>`,
      );
      x += 110;
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
    const text = (side: string, i: number, x: number, anchor: string, token: string) =>
      `<text class="lx-token" data-side="${side}" data-i="${i}" x="${x}" y="${y(i).toFixed(1)}" text-anchor="${anchor}" ` +
      `dominant-baseline="central" font-size="${L.fontSize}" fill="${p.fg}">${lib.esc(token)}</text>`;
    model.tokens.forEach((t, i) => {
      out.push(text('q', i, L.leftTextX, 'end', t));
    });
    model.keyTokens.forEach((t, i) => {
      out.push(text('k', i, L.rightTextX, 'start', t));
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
        for (let q = 0; q < model.tokens.length; q++) {
          const y1 = y(q).toFixed(1);
          for (let j = 0; j < k; j++) {
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
    let model = initialModel;
    let options = initialOptions;
    let selected = new Set(options.heads);
    let focus: { side: 'q' | 'k'; i: number } | null = null;
    let canvas: HTMLCanvasElement | null = null;
    let renderer: 'svg' | 'canvas' = 'svg';
    const uid = `lx${Math.random().toString(36).slice(2, 10)}`;

    const root = doc.createElement('div');
    root.className = 'lx-viz lx-head-view';
    element.appendChild(root);
    const controls = doc.createElement('div');
    controls.className = 'lx-controls';
    const stage = doc.createElement('div');
    stage.className = `lx-stage ${uid}`;
    const focusStyle = doc.createElement('style');

    const buildControls = () => {
      controls.textContent = '';
      const label = doc.createElement('label');
      label.textContent = 'Layer ';
      const select = doc.createElement('select');
      select.className = 'lx-layer';
      for (let l = 0; l < model.layers; l++) select.add(new Option(String(l), String(l)));
      select.value = String(options.layer);
      select.addEventListener('change', () => {
        options = { ...options, layer: Number(select.value) };
        focus = null;
        draw();
      });
      label.appendChild(select);
      controls.appendChild(label);
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
        // A <button> is focusable and fires `click` on Enter and Space: keyboard access comes for free.
        button.addEventListener('click', () => toggle(h));
        heads.appendChild(button);
      }
      controls.appendChild(heads);
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

    // Canvas painting is time-sliced: the strongest lines first, then the rest in slices of ~12 ms, so that
    // a hover or a click between two slices is handled at once (it cancels the rest and repaints).
    let paintId = 0;
    let painting = false;
    const paint = () => {
      const id = ++paintId;
      painting = false;
      if (!canvas) return;
      const L = lib.headLayout(model);
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      const win = doc.defaultView;
      const ratio = win?.devicePixelRatio || 1;
      const gap = L.lineX2 - L.lineX1;
      canvas.width = Math.round(gap * ratio);
      canvas.height = Math.round(L.height * ratio);
      canvas.style.width = `${gap}px`;
      canvas.style.height = `${L.height}px`;
      canvas.style.left = `${L.lineX1}px`;
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
      ctx.clearRect(0, 0, gap, L.height);
      ctx.lineWidth = Math.max(1, Math.min(2, L.rowH / 8));
      const q = model.tokens.length;
      const k = model.keyTokens.length;
      const LEVELS = 64;
      const TOP = 8;
      // Bucket the lines by opacity (a weight under 1/128 rounds to nothing), strongest bucket first.
      const jobs: { color: string; alpha: number; lines: number[] }[] = [];
      for (const h of selected) {
        const w = model.weights[options.layer * model.heads + h]!;
        const buckets: number[][] = [];
        for (let b = 0; b <= LEVELS; b++) buckets.push([]);
        const add = (index: number) => {
          const weight = w[index]!;
          if (!(weight > 0) || weight < options.minWeight) return;
          const level = Math.min(LEVELS, Math.round(weight * LEVELS));
          if (level > 0) buckets[level]!.push(index);
        };
        if (focus?.side === 'q') for (let j = 0; j < k; j++) add(focus.i * k + j);
        else if (focus?.side === 'k') for (let i = 0; i < q; i++) add(i * k + focus.i);
        else {
          // Without a focus, only the TOP strongest lines of each query row: at 512 tokens the rest are
          // faint, and every line is thousands of pixels long for the rasterizer.
          const top = new Int32Array(TOP);
          for (let i = 0; i < q; i++) {
            let n = 0;
            for (let j = 0; j < k; j++) {
              const index = i * k + j;
              if (n < TOP) top[n++] = index;
              else {
                let low = 0;
                for (let m = 1; m < TOP; m++) if (w[top[m]!]! < w[top[low]!]!) low = m;
                if (w[index]! > w[top[low]!]!) top[low] = index;
              }
            }
            for (let m = 0; m < n; m++) add(top[m]!);
          }
        }
        const color = lib.headColor(h, model.heads);
        for (let b = 1; b <= LEVELS; b++)
          if (buckets[b]!.length) jobs.push({ color, alpha: b / LEVELS, lines: buckets[b]! });
      }
      jobs.sort((a, b) => b.alpha - a.alpha);
      let job = 0;
      let line = 0;
      const slice = () => {
        if (id !== paintId) return;
        const t0 = Date.now();
        while (job < jobs.length && Date.now() - t0 < 12) {
          const j = jobs[job]!;
          ctx.globalAlpha = j.alpha;
          ctx.strokeStyle = j.color;
          // One short path per line: Skia strokes a path of thousands of crossing segments very slowly.
          const stop = Math.min(j.lines.length, line + 256);
          for (; line < stop; line++) {
            const index = j.lines[line]!;
            const i = Math.floor(index / k);
            ctx.beginPath();
            ctx.moveTo(0, L.top + i * L.rowH + L.rowH / 2);
            ctx.lineTo(gap, L.top + (index - i * k) * L.rowH + L.rowH / 2);
            ctx.stroke();
          }
          if (line >= j.lines.length) {
            job++;
            line = 0;
          }
        }
        painting = job < jobs.length;
        if (painting) {
          if (win?.requestAnimationFrame) win.requestAnimationFrame(slice);
          else setTimeout(slice, 0);
        }
      };
      slice();
    };

    const draw = () => {
      const total = model.heads * model.tokens.length * model.keyTokens.length;
      renderer =
        options.renderer === 'canvas' || (options.renderer === 'auto' && total > options.canvasThreshold)
          ? 'canvas'
          : 'svg';
      root.dataset.theme = options.theme;
      root.dataset.renderer = renderer;
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

    stage.addEventListener('mouseover', (event) => {
      const token = (event.target as Element).closest?.('.lx-token') as SVGTextElement | null;
      const next = token ? { side: token.dataset.side as 'q' | 'k', i: Number(token.dataset.i) } : null;
      if (next?.side === focus?.side && next?.i === focus?.i) return;
      focus = next;
      applyFocus();
    });
    stage.addEventListener('mouseleave', () => {
      if (focus === null) return;
      focus = null;
      applyFocus();
    });

    lib.ensureStyle(root);
    root.appendChild(controls);
    root.appendChild(stage);
    buildControls();
    draw();

    const handle: MountedView = {
      element: root,
      update(data: unknown, next: unknown) {
        if (data) model = data as AttentionModel;
        if (next) options = next as HeadRenderOptions;
        selected = new Set(options.heads);
        focus = null;
        buildControls();
        draw();
      },
      destroy() {
        paintId++;
        root.remove();
      },
      state() {
        return {
          layer: options.layer,
          heads: [...selected].sort((a, b) => a - b),
          focus,
          renderer,
          painting,
        };
      },
      setLayer(layer: number) {
        options = { ...options, layer };
        (controls.querySelector('.lx-layer') as HTMLSelectElement).value = String(layer);
        focus = null;
        draw();
      },
      toggleHead: toggle,
      focusToken(side: 'q' | 'k' | null, i = 0) {
        focus = side === null ? null : { side, i };
        applyFocus();
      },
    };
    return handle;
  };
}
