/**
 * The options of each view, their defaults, and their validation (an option out of range is an
 * `INVALID_ARGUMENT` error naming it, never a silently empty picture).
 */

import { describe, LxmlsVizError } from './errors.js';
import type {
  AttentionModel,
  BpeRenderOptions,
  HeadRenderOptions,
  LossRenderOptions,
  ModelRenderOptions,
  Theme,
} from './runtime/types.js';

export type { Theme } from './runtime/types.js';

/** Options of the head view (`headView`, `toSvg('head', …)`, `toHtml('head', …)`). */
export interface HeadViewOptions {
  /** The layer shown first. @defaultValue `0` */
  layer?: number;
  /** The heads shown (others can be toggled on in the browser). @defaultValue every head */
  heads?: readonly number[];
  /** Colours. @defaultValue `'light'` */
  theme?: Theme;
  /** How the DOM view draws the lines: `'auto'` picks canvas above `canvasThreshold` lines. @defaultValue `'auto'` */
  renderer?: 'auto' | 'svg' | 'canvas';
  /** Lines with a smaller weight are not drawn (zero weights never are). @defaultValue `0` */
  minWeight?: number;
  /** Above this many lines (heads × queries × keys of a layer), `'auto'` draws on a canvas. @defaultValue `20000` */
  canvasThreshold?: number;
  /** Pass the tokens through `prettifyTokens` (`Ġ` → `␣`, `##` → `·`). @defaultValue `true` */
  prettify?: boolean;
  /** A title above the picture (SVG and HTML). */
  title?: string;
}

/** Options of the model view (`modelView`, `toSvg('model', …)`, `toHtml('model', …)`). */
export interface ModelViewOptions {
  /** Colours. @defaultValue `'light'` */
  theme?: Theme;
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
  throw new LxmlsVizError('INVALID_ARGUMENT', `${argument} is out of range`, {
    fn,
    argument,
    expected,
    received: describe(value),
  });
};

function theme(fn: string, value: unknown): Theme {
  if (value === undefined) return 'light';
  if (value !== 'light' && value !== 'dark') bad(fn, 'options.theme', "'light' or 'dark'", value);
  return value as Theme;
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

/** @internal */
export function resolveHead(
  fn: string,
  model: AttentionModel,
  options: HeadViewOptions = {},
): HeadRenderOptions {
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
  const renderer = options.renderer ?? 'auto';
  if (renderer !== 'auto' && renderer !== 'svg' && renderer !== 'canvas') {
    bad(fn, 'options.renderer', "'auto', 'svg' or 'canvas'", renderer);
  }
  const minWeight = options.minWeight ?? 0;
  if (typeof minWeight !== 'number' || !Number.isFinite(minWeight))
    bad(fn, 'options.minWeight', 'a finite number', minWeight);
  return {
    layer,
    heads,
    theme: theme(fn, options.theme),
    renderer,
    minWeight,
    canvasThreshold: positive(fn, 'options.canvasThreshold', options.canvasThreshold, 20_000),
    title: title(fn, options.title),
  };
}

/** @internal */
export function resolveModel(
  fn: string,
  model: AttentionModel,
  options: ModelViewOptions = {},
): ModelRenderOptions {
  const t = theme(fn, options.theme);
  return {
    theme: t,
    thumbnailSize: positive(fn, 'options.thumbnailSize', options.thumbnailSize, 72),
    maxCells: Math.floor(positive(fn, 'options.maxCells', options.maxCells, 48)),
    title: title(fn, options.title),
    head: resolveHead(fn, model, { ...options.headView, theme: t }),
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
