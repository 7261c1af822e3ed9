/**
 * One validation path for every entry point: a view name, its data and options become the normalized data
 * and the resolved options that the renderer in `runtime/` draws.
 */

import type { BpeWork, LossData, NeuronData } from './data.js';
import { normalizeBpe, normalizeLoss, normalizeNeuron } from './data.js';
import type { HeadViewData } from './encdec.js';
import { normalizeHeadData } from './encdec.js';
import { check } from './errors.js';
import type {
  BpeViewOptions,
  HeadViewOptions,
  LossChartOptions,
  ModelViewOptions,
  NeuronViewOptions,
} from './options.js';
import { resolveBpe, resolveHead, resolveLoss, resolveModel, resolveNeuron } from './options.js';
import type { AttentionModel, BpePartModel, LossModel, NeuronModel } from './runtime/types.js';

/** The views, with the data and the options each takes. */
export interface Views {
  /** bertviz's head view: token-to-token lines of one layer (self-, cross- or encoder–decoder attention). */
  head: { data: HeadViewData; options: HeadViewOptions };
  /** bertviz's model view: every layer × head as a thumbnail. */
  model: { data: HeadViewData; options: ModelViewOptions };
  /** bertviz's neuron view: queries, keys, their products, scores and softmax for one head. */
  neuron: { data: NeuronData; options: NeuronViewOptions };
  /** The `encodeAndShowWork` trace as coloured tokens. */
  bpe: { data: BpeWork; options: BpeViewOptions };
  /** A training loss curve with the Bayes-optimal line. */
  loss: { data: LossData; options: LossChartOptions };
}

/** The name of a view. */
export type ViewName = keyof Views;

/** @internal */
export type Prepared =
  | { view: 'head'; data: AttentionModel; options: ReturnType<typeof resolveHead> }
  | { view: 'model'; data: AttentionModel; options: ReturnType<typeof resolveModel> }
  | { view: 'neuron'; data: NeuronModel; options: ReturnType<typeof resolveNeuron> }
  | { view: 'bpe'; data: BpePartModel[]; options: ReturnType<typeof resolveBpe> }
  | { view: 'loss'; data: LossModel; options: ReturnType<typeof resolveLoss> };

/** @internal */
export function prepare(fn: string, view: unknown, data: unknown, options: unknown): Prepared {
  const o = (options ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object')
    check.fail(fn, 'options', options, 'options must be an object', 'an object or undefined');
  switch (view) {
    case 'head': {
      const model = normalizeHeadData(fn, data, o.prettify !== false);
      return { view, data: model, options: resolveHead(fn, model, o as HeadViewOptions) };
    }
    case 'model': {
      const model = normalizeHeadData(fn, data, o.prettify !== false);
      return { view, data: model, options: resolveModel(fn, model, o as ModelViewOptions) };
    }
    case 'neuron': {
      const model = normalizeNeuron(fn, data, o.prettify !== false);
      return { view, data: model, options: resolveNeuron(fn, model, o as NeuronViewOptions) };
    }
    case 'bpe':
      return { view, data: normalizeBpe(fn, data), options: resolveBpe(fn, o as BpeViewOptions) };
    case 'loss':
      return { view, data: normalizeLoss(fn, data), options: resolveLoss(fn, o as LossChartOptions) };
    default:
      check.fail(fn, 'view', view, 'unknown view', "'head', 'model', 'neuron', 'bpe' or 'loss'", {
        code: 'UNKNOWN_VIEW',
      });
  }
}
