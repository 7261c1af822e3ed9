/**
 * The loss chart for training: the loss against the step as a line, with an optional dashed horizontal line
 * at the Bayes-optimal loss (0.2502 for the course's weather task, from `@lxmls/weather-data`), the floor no
 * model can beat. `mountLoss` redraws at most once per animation frame however fast points are pushed.
 *
 * Self-contained on purpose (see `runtime/types.ts`).
 */

import type { Lib, LossModel, LossPoint, LossRenderOptions } from './types.js';

/** Adds `lossSvg` and `mountLoss` to `lib`. */
export function lossPart(lib: Lib): void {
  // Round tick values (1, 2, 5 × 10^n) between lo and hi.
  const ticks = (lo: number, hi: number, count: number) => {
    const raw = (hi - lo) / count;
    const mag = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
    const out: number[] = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
      out.push(Number(v.toPrecision(12)));
    return out;
  };

  lib.lossSvg = (model: LossModel, options: LossRenderOptions) => {
    const p = lib.palette(options.theme);
    const { width: W, height: H } = options;
    const m = { l: 56, r: 16, t: options.title ? 32 : 14, b: 38 };
    const out: string[] = [lib.svgOpen(W, H, options.theme, 'lx-loss-svg')];
    if (options.title) {
      out.push(
        `<text x="${m.l}" y="20" font-size="14" font-weight="bold" fill="${p.fg}">${lib.esc(options.title)}</text>`,
      );
    }
    const pts = model.points;
    const ys = pts.map((pt) => pt.loss);
    if (model.bayesLoss !== undefined) ys.push(model.bayesLoss);
    const x0 = pts.length ? Math.min(...pts.map((pt) => pt.step)) : 0;
    let x1 = pts.length ? Math.max(...pts.map((pt) => pt.step)) : 1;
    if (x1 === x0) x1 = x0 + 1;
    let y0 = ys.length ? Math.min(...ys) : 0;
    let y1 = ys.length ? Math.max(...ys) : 1;
    if (y1 === y0) {
      y0 -= 0.5;
      y1 += 0.5;
    }
    const spread = (y1 - y0) * 0.05;
    y0 -= spread;
    y1 += spread;
    const sx = (v: number) => m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
    const sy = (v: number) => H - m.b - ((v - y0) / (y1 - y0)) * (H - m.t - m.b);
    for (const t of ticks(y0, y1, 5)) {
      out.push(
        `<line x1="${m.l}" x2="${W - m.r}" y1="${sy(t).toFixed(1)}" y2="${sy(t).toFixed(1)}" stroke="${p.grid}"/>` +
          `<text x="${m.l - 6}" y="${sy(t).toFixed(1)}" font-size="11" text-anchor="end" dominant-baseline="central" fill="${p.muted}">${lib.fmt(t, 4)}</text>`,
      );
    }
    for (const t of ticks(x0, x1, 6)) {
      out.push(
        `<text x="${sx(t).toFixed(1)}" y="${H - m.b + 16}" font-size="11" text-anchor="middle" fill="${p.muted}">${lib.fmt(t, 2)}</text>`,
      );
    }
    out.push(
      `<line x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}" stroke="${p.muted}"/>` +
        `<line x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}" stroke="${p.muted}"/>` +
        `<text x="${(m.l + W - m.r) / 2}" y="${H - 6}" font-size="12" text-anchor="middle" fill="${p.muted}">step</text>` +
        `<text transform="translate(14,${(m.t + H - m.b) / 2}) rotate(-90)" font-size="12" text-anchor="middle" fill="${p.muted}">loss</text>`,
    );
    if (model.bayesLoss !== undefined) {
      const y = sy(model.bayesLoss).toFixed(1);
      out.push(
        `<line class="lx-bayes" x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#2ca02c" stroke-width="1.5" stroke-dasharray="6 4"/>` +
          `<text x="${W - m.r - 4}" y="${Number(y) - 5}" font-size="11" text-anchor="end" fill="#2ca02c">Bayes-optimal ${lib.fmt(model.bayesLoss, 4)}</text>`,
      );
    }
    if (pts.length > 0) {
      const line = pts.map((pt) => `${sx(pt.step).toFixed(1)},${sy(pt.loss).toFixed(1)}`).join(' ');
      out.push(
        `<polyline class="lx-loss-line" points="${line}" fill="none" stroke="${p.accent}" stroke-width="1.8" stroke-linejoin="round"/>`,
      );
      const last = pts[pts.length - 1]!;
      out.push(
        `<text class="lx-last" x="${W - m.r - 4}" y="${m.t + 10}" font-size="11" text-anchor="end" fill="${p.fg}">step ${lib.fmt(last.step, 2)}: loss ${lib.fmt(last.loss, 4)}</text>`,
      );
    } else {
      out.push(
        `<text x="${(m.l + W - m.r) / 2}" y="${(m.t + H - m.b) / 2}" font-size="12" text-anchor="middle" fill="${p.muted}">no points yet</text>`,
      );
    }
    out.push('</svg>');
    return out.join('');
  };

  lib.mountLoss = (element: HTMLElement, initialModel: LossModel, initialOptions: LossRenderOptions) => {
    let model = { points: [...initialModel.points], bayesLoss: initialModel.bayesLoss };
    let options = initialOptions;
    let pending = false;
    const win = element.ownerDocument.defaultView;
    const root = element.ownerDocument.createElement('div');
    root.className = 'lx-viz lx-loss-view';
    element.appendChild(root);
    const draw = () => {
      pending = false;
      root.dataset.theme = options.theme;
      root.innerHTML = lib.lossSvg(model, options);
      lib.ensureStyle(root);
    };
    const schedule = () => {
      if (pending) return;
      pending = true;
      if (win?.requestAnimationFrame) win.requestAnimationFrame(draw);
      else setTimeout(draw, 0);
    };
    draw();
    return {
      element: root,
      push(point: LossPoint) {
        model.points.push(point);
        schedule();
      },
      update(data: unknown, next: unknown) {
        if (data) {
          const d = data as LossModel;
          model = { points: [...d.points], bayesLoss: d.bayesLoss };
        }
        if (next) options = next as LossRenderOptions;
        draw();
      },
      destroy() {
        root.remove();
      },
      points() {
        return model.points.length;
      },
    };
  };
}
