/**
 * `toSvg`: any view as an SVG string, with no DOM, so it works in Node (files, reports, the CLI) as well as
 * in browsers. The same renderer code draws the live views.
 */

import type { ViewName, Views } from './prepare.js';
import { prepare } from './prepare.js';
import { getRuntime } from './runtime/index.js';

/**
 * Renders a view as a standalone SVG document (a string).
 *
 * - `'head'`: the tokens in two columns and, for each selected head of `options.layer`, one line per
 *   (query, key) pair with a weight above zero, in the head's colour with opacity = weight.
 * - `'model'`: every layer × head as a heatmap thumbnail (max-pooled to `maxCells` per side).
 * - Both also take encoder–decoder data (`{ encoderTokens, decoderTokens, encoderAttention?,
 *   decoderAttention?, crossAttention? }`, see {@link headView}); `options.attentionType` names the one drawn
 *   (`'encoder'`, `'decoder'` or `'cross'`; the first given by default), and the picture's legend says it.
 * - `'neuron'`: for one head and query token, the query vector, each key vector, their elementwise product,
 *   the scores q · k × scale and their softmax.
 * - `'bpe'`: an `encodeAndShowWork` trace as coloured token boxes with their ids, then one row per chunk.
 * - `'loss'`: the loss curve, with the Bayes-optimal loss as a dashed line.
 *
 * @param view - Which view.
 * @param data - Its data: `{ tokens, attention }`, `{ tokens, queries, keys }`, an `encodeAndShowWork` result,
 *   or `{ points, bayesLoss }`.
 * @param options - Its options (theme, layer, heads, title, …).
 * @returns The SVG markup, starting with `<svg xmlns=…`.
 * @throws {@link LxmlsVizError} for data that does not match the tokens, non-finite weights, empty token
 *   lists or options out of range.
 * @example
 * ```ts
 * import { toSvg } from '@lxmls/viz';
 * const tokens = ['The', 'Ġcat', 'Ġsat'];
 * const head = [[1, 0, 0], [0.4, 0.6, 0], [0.2, 0.3, 0.5]];
 * const svg = toSvg('head', { tokens, attention: [[head, head]] }, { heads: [1], theme: 'dark' });
 * console.log(svg.startsWith('<svg xmlns'), svg.match(/class="lx-line"/g)?.length); // → true 6
 * console.log(svg.includes('␣cat')); // → true
 * const encdec = { encoderTokens: ['a', 'b'], decoderTokens: ['c'], crossAttention: [[[[0.3, 0.7]]]] };
 * console.log(toSvg('head', encdec, { attentionType: 'cross' }).includes('cross attention · layer 0')); // → true
 * ```
 */
export function toSvg<V extends ViewName>(
  view: V,
  data: Views[V]['data'],
  options?: Views[V]['options'],
): string {
  const p = prepare('toSvg', view, data, options);
  const lib = getRuntime();
  const svg =
    p.view === 'head'
      ? lib.headSvg(p.data, p.options, { lines: true, allHeads: false })
      : p.view === 'model'
        ? lib.modelSvg(p.data, p.options)
        : p.view === 'neuron'
          ? lib.neuronSvg(p.data, p.options, { legend: true })
          : p.view === 'bpe'
            ? lib.bpeSvg(p.data, p.options)
            : lib.lossSvg(p.data, p.options);
  // The namespace is added here, not in the renderer, so the inlined code of `toHtml` holds no URL at all.
  return svg.replace('<svg ', `<svg xmlns="${SVG_NS}" `);
}

const SVG_NS = 'http://www.w3.org/2000/svg';
