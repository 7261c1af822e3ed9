/**
 * @lxmls/viz: attention views in the manner of bertviz (head view, model view, neuron view), a BPE-merge view and a
 * training loss chart, for any model: they take plain arrays, `attention[layer][head][query][key]`, and
 * token strings (or, as bertviz's encoder–decoder mode, a model's encoder, decoder and cross-attention). Live DOM renderers for browsers, `toSvg` without a DOM (Node), and `toHtml` for one
 * self-contained offline page. No dependency but @lxmls/base, no CDN.
 */

export type {
  Attention,
  AttentionData,
  BpeWork,
  BpeWorkPart,
  HeadAttention,
  HeadVectors,
  LossData,
  LossPoint,
  NeuronData,
  Vectors,
} from './data.js';
export type {
  HeadViewHandle,
  HeadViewState,
  LossChartHandle,
  ModelViewHandle,
  ModelViewState,
  NeuronViewHandle,
  NeuronViewState,
  ViewHandle,
  ViewLike,
} from './dom.js';
export { bpeView, downloadPng, headView, lossChart, modelView, neuronView, toPng } from './dom.js';
export type { AttentionType, EncoderDecoderData, HeadViewData } from './encdec.js';
export type { VizErrorCode, VizErrorDetails } from './errors.js';
export { LxmlsVizError } from './errors.js';
export type { HtmlOptions } from './html.js';
export { toHtml } from './html.js';
export type {
  BpeViewOptions,
  HeadViewOptions,
  LossChartOptions,
  ModelViewOptions,
  NeuronViewOptions,
  SentenceFilter,
  Theme,
} from './options.js';
export type { ViewName, Views } from './prepare.js';
export type { PrettifyOptions } from './prettify.js';
export { prettifyTokens } from './prettify.js';
export { toSvg } from './svg.js';
