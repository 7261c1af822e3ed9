/**
 * The options of each view, their defaults, and their validation (an option out of range is an
 * `INVALID_ARGUMENT` error naming it, never a silently empty picture).
 */

import { ATTENTION_TYPES, attentionOf } from './encdec.js';
import { check } from './errors.js';
import type {
  AttentionModel,
  AttentionType,
  BpeRenderOptions,
  HeadRenderOptions,
  LossRenderOptions,
  ModelRenderOptions,
  NeuronModel,
  NeuronRenderOptions,
  SentenceFilter,
  Theme,
} from './runtime/types.js';

export type { SentenceFilter, Theme } from './runtime/types.js';

/** Options of the head view (`headView`, `toSvg('head', …)`, `toHtml('head', …)`). */
export interface HeadViewOptions {
  /** The layer shown first. @defaultValue `0` */
  layer?: number;
  /**
   * Encoder–decoder data only: the attention type shown first (the live view has a selector), or drawn by
   * `toSvg`. @defaultValue the first given of `'encoder'`, `'decoder'`, `'cross'`
   */
  attentionType?: AttentionType;
  /** The heads shown (others can be toggled on in the browser). @defaultValue every head */
  heads?: readonly number[];
  /** Colours: `'auto'` follows the reader's system setting in a browser (light in `toSvg`). @defaultValue `'light'` */
  theme?: Theme;
  /**
   * A sentence pair (bertviz's `sentence_b_start`): the index of the first token of sentence B. Adds a
   * selector All / A → A / A → B / B → A / B → B. Self-attention only.
   */
  sentenceBStart?: number;
  /** With `sentenceBStart`: which block of lines to show first. @defaultValue `'all'` */
  sentences?: SentenceFilter;
  /** Live view: a button that saves the view as a PNG. @defaultValue `true` */
  pngButton?: boolean;
  /** How the DOM view draws the lines: `'auto'` picks canvas above `canvasThreshold` lines. @defaultValue `'auto'` */
  renderer?: 'auto' | 'svg' | 'canvas';
  /** Lines with a smaller weight are not drawn (zero weights never are). @defaultValue `0` */
  minWeight?: number;
  /**
   * Above this many lines (heads × queries × keys of a layer), `'auto'` draws on a canvas. There, lines with a
   * weight under 1/255 are not drawn: alone, they change no 8-bit colour channel by a full level.
   * @defaultValue `20000`
   */
  canvasThreshold?: number;
  /** Pass the tokens through `prettifyTokens` (`Ġ` → `␣`, `##` → `·`). @defaultValue `true` */
  prettify?: boolean;
  /** A title above the picture (SVG and HTML). */
  title?: string;
}

/** Options of the model view (`modelView`, `toSvg('model', …)`, `toHtml('model', …)`). */
export interface ModelViewOptions {
  /** Colours (`'auto'`: the reader's system setting). @defaultValue `'light'` */
  theme?: Theme;
  /** Live view: a button that saves the view as a PNG. @defaultValue `true` */
  pngButton?: boolean;
  /** Side of one thumbnail in CSS pixels. @defaultValue `72` */
  thumbnailSize?: number;
  /** SVG only: thumbnails of longer inputs are max-pooled to this many cells per side. @defaultValue `48` */
  maxCells?: number;
  /** Pass the tokens through `prettifyTokens`. @defaultValue `true` */
  prettify?: boolean;
  /** A title above the grid. */
  title?: string;
  /** Options of the head view that clicking a thumbnail opens. */
  headView?: Pick<HeadViewOptions, 'renderer' | 'minWeight' | 'canvasThreshold'>;
  /**
   * Encoder–decoder data only: the attention type shown first (the live view has a selector), or drawn by
   * `toSvg`. @defaultValue the first given of `'encoder'`, `'decoder'`, `'cross'`
   */
  attentionType?: AttentionType;
}

/** Options of the neuron view (`neuronView`, `toSvg('neuron', …)`, `toHtml('neuron', …)`). */
export interface NeuronViewOptions {
  /** The layer shown first. @defaultValue `0` */
  layer?: number;
  /** The head shown first. @defaultValue `0` */
  head?: number;
  /** The query token selected first (hover or click another, or use the Up and Down keys). @defaultValue `0` */
  query?: number;
  /** Scores are `q · k × scale`. @defaultValue `1 / Math.sqrt(dim)`, as in scaled dot-product attention */
  scale?: number;
  /** Mask the keys after the query (GPT-style causal self-attention). @defaultValue `false` */
  causal?: boolean;
  /** Colours (`'auto'`: the reader's system setting). @defaultValue `'light'` */
  theme?: Theme;
  /** Pass the tokens through `prettifyTokens`. @defaultValue `true` */
  prettify?: boolean;
  /** A title above the picture (SVG and HTML). */
  title?: string;
  /** Live view: a button that saves the view as a PNG. @defaultValue `true` */
  pngButton?: boolean;
  /**
   * How the live view draws the vector cells and numbers: `'svg'`, `'canvas'`, or `'auto'`: canvas above
   * `canvasThreshold` cells. On a canvas the query tokens stay SVG text (they take the mouse). @defaultValue `'auto'`
   */
  renderer?: 'auto' | 'svg' | 'canvas';
  /** Above this many cells (keys × dim × 2: k and q × k), `'auto'` draws on a canvas. @defaultValue `10000` */
  canvasThreshold?: number;
}

/** Options of the BPE view (`bpeView`, `toSvg('bpe', …)`, `toHtml('bpe', …)`). */
export interface BpeViewOptions {
  /** Colours. @defaultValue `'light'` */
  theme?: Theme;
  /** Width at which the token boxes wrap, in pixels. @defaultValue `800` */
  width?: number;
  /** A title above the picture. */
  title?: string;
}

/** Options of the loss chart (`lossChart`, `toSvg('loss', …)`, `toHtml('loss', …)`). */
export interface LossChartOptions {
  /** Colours. @defaultValue `'light'` */
  theme?: Theme;
  /** Width in pixels. @defaultValue `640` */
  width?: number;
  /** Height in pixels. @defaultValue `320` */
  height?: number;
  /** A title above the chart. */
  title?: string;
}

const bad = (fn: string, argument: string, expected: string, value: unknown): never => {
  check.fail(fn, argument, value, `${argument} is out of range`, expected);
};

function theme(fn: string, value: unknown): Theme {
  if (value === undefined) return 'light';
  if (value !== 'light' && value !== 'dark' && value !== 'auto')
    bad(fn, 'options.theme', "'light', 'dark' or 'auto'", value);
  return value as Theme;
}

function renderer(fn: string, value: unknown): 'auto' | 'svg' | 'canvas' {
  if (value === undefined) return 'auto';
  if (value !== 'auto' && value !== 'svg' && value !== 'canvas')
    bad(fn, 'options.renderer', "'auto', 'svg' or 'canvas'", value);
  return value as 'auto' | 'svg' | 'canvas';
}

function flag(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') bad(fn, name, 'true or false', value);
  return value as boolean;
}

/** An index in [0, n): checked, with an error naming the option. @internal */
export function checkIndex(fn: string, name: string, value: unknown, n: number): number {
  if (!indexIn(value, n)) bad(fn, name, `an integer in [0, ${n})`, value);
  return value as number;
}

function positive(fn: string, name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    bad(fn, name, 'a positive number', value);
  return value as number;
}

function title(fn: string, value: unknown): string | undefined {
  if (value === undefined || typeof value === 'string') return value;
  return bad(fn, 'options.title', 'a string', value);
}

const indexIn = (value: unknown, n: number) =>
  Number.isInteger(value) && (value as number) >= 0 && (value as number) < n;

/** The attention type of encoder–decoder data (checked: one of those given), else undefined. */
function attentionType(fn: string, model: AttentionModel, value: unknown): AttentionType | undefined {
  const types = model.types;
  if (types === undefined) {
    if (value !== undefined) {
      bad(
        fn,
        'options.attentionType',
        'no attentionType without encoder-decoder data (encoderAttention, decoderAttention, crossAttention)',
        value,
      );
    }
    return undefined;
  }
  const given = ATTENTION_TYPES.filter((t) => types[t] !== undefined);
  if (value === undefined) return given[0];
  if (!given.includes(value as AttentionType))
    bad(
      fn,
      'options.attentionType',
      `one of the types given: ${given.map((t) => `'${t}'`).join(', ')}`,
      value,
    );
  return value as AttentionType;
}

/** @internal */
export function resolveHead(
  fn: string,
  data: AttentionModel,
  options: HeadViewOptions = {},
): HeadRenderOptions {
  const type = attentionType(fn, data, options.attentionType);
  const model = attentionOf(data, type);
  const layer = options.layer ?? 0;
  if (!indexIn(layer, model.layers)) bad(fn, 'options.layer', `an integer in [0, ${model.layers})`, layer);
  let heads = [...Array(model.heads).keys()];
  if (options.heads !== undefined) {
    if (!Array.isArray(options.heads)) bad(fn, 'options.heads', 'an array of head indices', options.heads);
    options.heads.forEach((h, i) => {
      if (!indexIn(h, model.heads)) bad(fn, `options.heads[${i}]`, `an integer in [0, ${model.heads})`, h);
    });
    heads = [...new Set(options.heads)].sort((a, b) => a - b);
  }
  const minWeight = options.minWeight ?? 0;
  if (typeof minWeight !== 'number' || !Number.isFinite(minWeight))
    bad(fn, 'options.minWeight', 'a finite number', minWeight);
  const q = model.tokens.length;
  const b = options.sentenceBStart;
  if (b !== undefined) {
    if (data.types) bad(fn, 'options.sentenceBStart', 'no sentenceBStart with encoder-decoder data', b);
    if (model.cross) {
      bad(fn, 'options.sentenceBStart', 'no sentenceBStart with keyTokens (cross-attention)', b);
    }
    if (!Number.isInteger(b) || b < 1 || b >= q)
      bad(fn, 'options.sentenceBStart', `an integer in [1, ${q}) (both sentences non-empty)`, b);
  }
  const sentences = options.sentences ?? 'all';
  if (!['all', 'a-a', 'a-b', 'b-a', 'b-b'].includes(sentences as string))
    bad(fn, 'options.sentences', "'all', 'a-a', 'a-b', 'b-a' or 'b-b'", sentences);
  if (sentences !== 'all' && b === undefined)
    bad(fn, 'options.sentences', "'all' unless options.sentenceBStart is set", sentences);
  return {
    layer,
    heads,
    theme: theme(fn, options.theme),
    renderer: renderer(fn, options.renderer),
    minWeight,
    canvasThreshold: positive(fn, 'options.canvasThreshold', options.canvasThreshold, 20_000),
    title: title(fn, options.title),
    sentenceBStart: b,
    sentences,
    pngButton: flag(fn, 'options.pngButton', options.pngButton, true),
    attentionType: type,
  };
}

/** @internal */
export function resolveModel(
  fn: string,
  model: AttentionModel,
  options: ModelViewOptions = {},
): ModelRenderOptions {
  const t = theme(fn, options.theme);
  const type = attentionType(fn, model, options.attentionType);
  return {
    theme: t,
    thumbnailSize: positive(fn, 'options.thumbnailSize', options.thumbnailSize, 72),
    maxCells: Math.floor(positive(fn, 'options.maxCells', options.maxCells, 48)),
    title: title(fn, options.title),
    head: resolveHead(fn, model, { ...options.headView, theme: t, attentionType: type }),
    pngButton: flag(fn, 'options.pngButton', options.pngButton, true),
    attentionType: type,
  };
}

/** @internal */
export function resolveNeuron(
  fn: string,
  model: NeuronModel,
  options: NeuronViewOptions = {},
): NeuronRenderOptions {
  const scale = options.scale ?? 1 / Math.sqrt(model.dim);
  if (typeof scale !== 'number' || !Number.isFinite(scale))
    bad(fn, 'options.scale', 'a finite number', scale);
  return {
    layer: checkIndex(fn, 'options.layer', options.layer ?? 0, model.layers),
    head: checkIndex(fn, 'options.head', options.head ?? 0, model.heads),
    query: checkIndex(fn, 'options.query', options.query ?? 0, model.tokens.length),
    theme: theme(fn, options.theme),
    scale,
    causal: flag(fn, 'options.causal', options.causal, false),
    title: title(fn, options.title),
    pngButton: flag(fn, 'options.pngButton', options.pngButton, true),
    renderer: renderer(fn, options.renderer),
    canvasThreshold: positive(fn, 'options.canvasThreshold', options.canvasThreshold, 10_000),
  };
}

/** @internal */
export function resolveBpe(fn: string, options: BpeViewOptions = {}): BpeRenderOptions {
  return {
    theme: theme(fn, options.theme),
    width: positive(fn, 'options.width', options.width, 800),
    title: title(fn, options.title),
  };
}

/** @internal */
export function resolveLoss(fn: string, options: LossChartOptions = {}): LossRenderOptions {
  return {
    theme: theme(fn, options.theme),
    width: positive(fn, 'options.width', options.width, 640),
    height: positive(fn, 'options.height', options.height, 320),
    title: title(fn, options.title),
  };
}
