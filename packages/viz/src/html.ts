/**
 * `toHtml`: one self-contained HTML file per view. All the code is inlined (the renderer's own source, see
 * `runtime/index.ts`), the data is embedded as JSON with the weights in base64, and a Content-Security-Policy
 * of `default-src 'none'` forbids the page any network request, so it works offline from `file://` and
 * cannot silently depend on a CDN (bertviz's most reported failure).
 */

import { check, LxmlsVizError } from './errors.js';
import type { ViewName, Views } from './prepare.js';
import { prepare } from './prepare.js';
import { runtimeSource } from './runtime/index.js';
import type { AttentionModel, NeuronModel } from './runtime/types.js';

/** Options of {@link toHtml} besides the view's own. */
export interface HtmlOptions {
  /** The page's `<title>`. @defaultValue `'@lxmls/viz: <view> view'` */
  pageTitle?: string;
  /**
   * How attention weights are stored: `'float32'` (exact), `'uint8'` (weights rounded to 1/255: a quarter of
   * the size, plenty for opacity), or `'auto'`: float32 up to 1,000,000 weights, uint8 beyond.
   * @defaultValue `'auto'`
   */
  precision?: 'auto' | 'float32' | 'uint8';
}

/** Base64 of bytes with the platform's `btoa` (Node ≥ 16, every browser), 24 kB at a time. */
function base64(bytes: Uint8Array): string {
  const chunks: string[] = [];
  const CHUNK = 3 * 8192;
  for (let start = 0; start < bytes.length; start += CHUNK) {
    const part = bytes.subarray(start, Math.min(bytes.length, start + CHUNK));
    chunks.push(btoa(String.fromCharCode.apply(null, part as unknown as number[])));
  }
  return chunks.join('');
}

function encodeModel(model: AttentionModel, precision: 'auto' | 'float32' | 'uint8') {
  // Encoder–decoder data: one encoded model per attention type, all in the same precision.
  const parts = model.types ? Object.values(model.types) : [model];
  const total = parts.reduce((n, m) => n + m.tokens.length * m.keyTokens.length * m.weights.length, 0);
  const encoding = precision === 'auto' ? (total <= 1_000_000 ? 'float32' : 'uint8') : precision;
  if (!model.types) return encodeWeights(model, encoding);
  const types: Record<string, ReturnType<typeof encodeWeights>> = {};
  for (const [type, m] of Object.entries(model.types)) types[type] = encodeWeights(m, encoding);
  return { types };
}

function encodeWeights(model: AttentionModel, encoding: 'float32' | 'uint8') {
  const size = model.tokens.length * model.keyTokens.length;
  const total = size * model.weights.length;
  let bytes: Uint8Array;
  if (encoding === 'float32') {
    const all = new Float32Array(total);
    model.weights.forEach((w, i) => {
      all.set(w, i * size);
    });
    bytes = new Uint8Array(all.buffer);
  } else {
    bytes = new Uint8Array(total);
    model.weights.forEach((w, i) => {
      for (let j = 0; j < size; j++) bytes[i * size + j] = Math.round(Math.min(1, Math.max(0, w[j]!)) * 255);
    });
  }
  const { weights: _, types: __, ...rest } = model;
  return { ...rest, encoding, weights: base64(bytes) };
}

function encodeVectors(model: NeuronModel) {
  const join = (parts: Float32Array[]) => {
    const all = new Float32Array(parts.reduce((n, a) => n + a.length, 0));
    let at = 0;
    for (const part of parts) {
      all.set(part, at);
      at += part.length;
    }
    return base64(new Uint8Array(all.buffer));
  };
  return { ...model, queries: join(model.queries), keys: join(model.keys) };
}

/** JSON safe inside a `<script>` element: no `<` can close it. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

const escapeHtml = (text: string) =>
  text.replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));

/**
 * Renders a view as one self-contained HTML page (a string): open it from disk, mail it, put it on any
 * static host. It runs the same live renderer as {@link headView} / {@link modelView} (layer selector, head
 * toggles, hover, and the "Attention" selector of encoder–decoder data), with no network request, no CDN,
 * no Jupyter.
 *
 * @param view - `'head'`, `'model'`, `'neuron'`, `'bpe'` or `'loss'`.
 * @param data - The view's data, as for {@link toSvg}.
 * @param options - The view's options, plus `pageTitle` and `precision`.
 * @returns The HTML document.
 * @throws {@link LxmlsVizError} as {@link toSvg} does.
 * @example
 * ```ts
 * import { toHtml } from '@lxmls/viz';
 * const html = toHtml('head', { tokens: ['a', 'b'], attention: [[[[1, 0], [0.5, 0.5]]]] }, { pageTitle: 'demo' });
 * console.log(html.startsWith('<!doctype html>'), /https?:\/\//.test(html), /\ssrc=/.test(html)); // → true false false
 * // Encoder–decoder data: the page has the "Attention" selector; each type's weights are embedded.
 * const head = [[1, 0], [0.5, 0.5]];
 * const encdec = { encoderTokens: ['a', 'b'], decoderTokens: ['c', 'd'], encoderAttention: [[head]], decoderAttention: [[head]] };
 * console.log(toHtml('head', encdec, { attentionType: 'decoder' }).includes('"types":{"encoder":')); // → true
 * ```
 */
export function toHtml<V extends ViewName>(
  view: V,
  data: Views[V]['data'],
  options?: Views[V]['options'] & HtmlOptions,
): string {
  const p = prepare('toHtml', view, data, options);
  const o = (options ?? {}) as HtmlOptions;
  const precision = o.precision ?? 'auto';
  if (precision !== 'auto' && precision !== 'float32' && precision !== 'uint8')
    check.fail(
      'toHtml',
      'options.precision',
      precision,
      'options.precision is out of range',
      "'auto', 'float32' or 'uint8'",
    );
  const payload =
    p.view === 'head' || p.view === 'model'
      ? { view: p.view, data: encodeModel(p.data, precision), options: p.options }
      : p.view === 'neuron'
        ? { view: p.view, data: encodeVectors(p.data), options: p.options }
        : { view: p.view, data: p.data, options: p.options };
  const theme = p.options.theme;
  const scheme =
    theme === 'auto'
      ? 'html{color-scheme:light dark}body{margin:16px;background:#f6f6f6}@media (prefers-color-scheme: dark){body{background:#121212}}'
      : `html{color-scheme:${theme}}body{margin:16px;background:${theme === 'dark' ? '#121212' : '#f6f6f6'}}`;
  const title = o.pageTitle ?? `@lxmls/viz: ${p.view} view`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="@lxmls/viz">
<title>${escapeHtml(title)}</title>
<style>${scheme}</style>
</head>
<body>
<div id="lx-root"></div>
<script type="application/json" id="lx-data">${scriptJson(payload)}</script>
<script>
"use strict";
var lxmlsViz = ${runtimeSource().replace(/<\/(script)/gi, '<\\/$1')};
(function () {
  var payload = JSON.parse(document.getElementById('lx-data').textContent);
  window.lxmlsVizView = lxmlsViz.mount(payload.view, document.getElementById('lx-root'), payload.data, payload.options);
})();
</script>
</body>
</html>
`;
}
