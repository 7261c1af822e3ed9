/**
 * The common part of the renderer: escaping, number formatting, text-width estimates, the light and dark
 * palettes, one colour per head (d3's category10, hand-copied, as bertviz uses), and the shared CSS.
 *
 * Self-contained on purpose (see `runtime/types.ts`): no imports at run time, no outer variables.
 */

import type { AttentionModel, AttentionType, Lib, Theme } from './types.js';

/** Adds the common helpers to `lib`. */
export function commonPart(lib: Lib): void {
  const CATEGORY10 = [
    '#1f77b4',
    '#ff7f0e',
    '#2ca02c',
    '#d62728',
    '#9467bd',
    '#8c564b',
    '#e377c2',
    '#7f7f7f',
    '#bcbd22',
    '#17becf',
  ];

  lib.esc = (text: string) =>
    text.replace(/[&<>"']/g, (c) =>
      c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;',
    );

  lib.fmt = (value: number, digits = 3) => {
    if (value === 0) return '0';
    const text = value.toFixed(digits);
    return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  };

  // Monospace text: about 0.6 em per character; wide characters (CJK, emoji) about 1.2 em.
  lib.textWidth = (text: string, fontSize: number) => {
    let em = 0;
    for (const ch of text) {
      const code = ch.codePointAt(0) ?? 0;
      em += code >= 0x1100 && !(code >= 0x2000 && code < 0x2e80) ? 1.2 : 0.6;
    }
    return em * fontSize;
  };

  // 'auto' follows the reader's system setting where there is one (a browser), else light.
  lib.resolveTheme = (theme: Theme) =>
    theme !== 'auto'
      ? theme
      : typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches
        ? 'dark'
        : 'light';

  lib.watchTheme = (theme: Theme, redraw: () => void) => {
    if (theme !== 'auto' || typeof matchMedia !== 'function') return () => {};
    const query = matchMedia('(prefers-color-scheme: dark)');
    query.addEventListener('change', redraw);
    return () => query.removeEventListener('change', redraw);
  };

  lib.palette = (theme: Theme) =>
    theme === 'dark'
      ? { bg: '#1e1e1e', fg: '#e8e8e8', muted: '#9a9a9a', grid: '#3a3a3a', accent: '#4ea1ff' }
      : { bg: '#ffffff', fg: '#1f1f1f', muted: '#666666', grid: '#e2e2e2', accent: '#1f6feb' };

  // category10 as bertviz for up to 10 heads; beyond, evenly spaced hues so that no two heads share a colour.
  lib.headColor = (head: number, heads: number) =>
    heads <= 10 ? CATEGORY10[head]! : `hsl(${Math.round((head * 360) / heads)}, 70%, 48%)`;

  // Pastel fills for token boxes, cycling so that neighbours always differ.
  lib.tokenColor = (index: number, theme: Theme) => {
    const hue = (index * 137.508) % 360;
    return theme === 'dark' ? `hsl(${hue.toFixed(1)}, 45%, 32%)` : `hsl(${hue.toFixed(1)}, 75%, 86%)`;
  };

  lib.svgOpen = (width: number, height: number, theme: Theme, cls: string) => {
    const p = lib.palette(theme);
    return (
      `<svg class="lx-svg ${cls}" data-theme="${theme}" ` +
      `width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="ui-monospace, SFMono-Regular, Menlo, Consolas, monospace">` +
      `<rect class="lx-bg" width="100%" height="100%" fill="${p.bg}"/>`
    );
  };

  lib.css = () =>
    [
      '.lx-viz{font:13px system-ui,sans-serif;display:inline-block;padding:8px;border-radius:6px}',
      '.lx-viz[data-theme="light"]{background:#fff;color:#1f1f1f}',
      '.lx-viz[data-theme="dark"]{background:#1e1e1e;color:#e8e8e8}',
      '.lx-controls{display:flex;flex-wrap:wrap;gap:6px;align-items:center;margin-bottom:6px}',
      '.lx-viz select,.lx-viz .lx-png{font:inherit;color:inherit;background:transparent;border:1px solid #888;border-radius:4px;padding:1px 4px}',
      '.lx-viz select option{color:#000}',
      '.lx-head-toggle{width:18px;height:18px;border:2px solid transparent;border-radius:3px;cursor:pointer;padding:0}',
      '.lx-head-toggle[aria-pressed="false"]{opacity:.25}',
      '.lx-viz :focus-visible{outline:2px solid #4ea1ff;outline-offset:2px}',
      '.lx-png{cursor:pointer;margin-left:auto}',
      '.lx-stage{position:relative}',
      '.lx-stage canvas.lx-lines,.lx-stage canvas.lx-cells{position:absolute;top:0;pointer-events:none}',
      '.lx-sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}',
      '.lx-token{cursor:default}',
      '.lx-token.lx-dim{opacity:.3}',
      '.lx-neuron-token{cursor:pointer}',
      '.lx-neuron-token.lx-selected{font-weight:bold}',
      '.lx-stage[data-focus] .lx-token{opacity:.45}',
      '.lx-stage[data-focus] .lx-token.lx-focused{opacity:1;font-weight:bold}',
      '.lx-model-grid{display:grid;gap:4px;align-items:center}',
      '.lx-thumb{cursor:pointer;image-rendering:pixelated;border:1px solid #8884;display:block}',
      '.lx-label{font-size:11px;opacity:.7;text-align:center}',
      '.lx-detail{margin-top:10px}',
    ].join('\n');

  // Encoder–decoder data: the model of one attention type (undefined: the first given, in bertviz's order).
  lib.attentionOf = (model: AttentionModel, type: AttentionType | undefined) => {
    const types = model.types;
    if (!types) return model;
    return types[type ?? (types.encoder ? 'encoder' : types.decoder ? 'decoder' : 'cross')] ?? model;
  };

  // bertviz's "Attention: Encoder / Decoder / Cross" selector, for encoder–decoder data only (else null).
  lib.typeSelector = (
    doc: Document,
    model: AttentionModel,
    type: AttentionType | undefined,
    change: (type: AttentionType) => void,
  ) => {
    const types = model.types;
    if (!types) return null;
    const names: [AttentionType, string][] = [
      ['encoder', 'Encoder'],
      ['decoder', 'Decoder'],
      ['cross', 'Cross'],
    ];
    const given = names.filter(([value]) => types[value]);
    return lib.labelledSelect(doc, 'Attention', 'lx-attention', given, type ?? given[0]![0], (value) =>
      change(value as AttentionType),
    );
  };

  // A live view's own part of its handle, its first draw done: `update(data, next)` applies the new data and
  // options (`apply`), rebuilds the controls and redraws; a change of the theme `current()` names redraws;
  // `destroy` cancels the paint job, stops watching the theme and removes the root.
  lib.mountedView = (root, current, build, draw, cancel, apply) => {
    let unwatch = () => {};
    const start = () => {
      unwatch();
      unwatch = lib.watchTheme(current().theme, draw);
      build();
      draw();
    };
    start();
    return {
      element: root,
      update(data, next) {
        apply(data, next);
        start();
      },
      destroy() {
        cancel();
        unwatch();
        root.remove();
      },
    };
  };

  // The renderer for `size` drawn items (`options.renderer`; `auto`: a canvas past `canvasThreshold`), written
  // with the theme into the root's dataset.
  lib.chooseRenderer = (root, options, size) => {
    const canvas =
      options.renderer === 'canvas' || (options.renderer === 'auto' && size > options.canvasThreshold);
    const renderer = canvas ? 'canvas' : 'svg';
    root.dataset.theme = lib.resolveTheme(options.theme);
    root.dataset.renderer = renderer;
    return renderer;
  };

  // A native <select> in a <label>: Tab reaches it, arrow keys change it; `choices` are [value, text].
  lib.labelledSelect = (doc, text, className, choices, value, change) => {
    const label = doc.createElement('label');
    label.textContent = `${text} `;
    const select = doc.createElement('select');
    select.className = className;
    for (const [v, t] of choices) select.add(new Option(t, v));
    select.value = value;
    select.addEventListener('change', () => change(select.value));
    label.appendChild(select);
    return label;
  };

  // The choices 0, 1, …, count − 1 of a layer or head selector.
  lib.numbered = (count: number) =>
    Array.from({ length: count }, (_, i): [string, string] => [String(i), String(i)]);

  lib.ensureStyle = (root: HTMLElement) => {
    const style = root.ownerDocument.createElement('style');
    style.className = 'lx-style';
    style.textContent = lib.css();
    root.appendChild(style);
  };

  // A live view's root, `<div class="lx-viz lx-<kind>-view">` with the style in it, put in `element`.
  lib.viewRoot = (element: HTMLElement, kind: string) => {
    const root = element.ownerDocument.createElement('div');
    root.className = `lx-viz lx-${kind}-view`;
    element.appendChild(root);
    lib.ensureStyle(root);
    return root;
  };
}
