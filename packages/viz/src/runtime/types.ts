/**
 * Types shared by the renderer parts in `runtime/`: the normalized data they draw and the `Lib` object that
 * joins the parts together.
 *
 * Why a `Lib` object instead of imports: every part is a function that must be self-contained, so that
 * `toHtml` can inline its source (`Function.prototype.toString`) into a standalone page. Parts reach each other
 * only through the `lib` argument; type-only imports are erased by the compiler and so are allowed.
 */

/** A colour theme. */
export type Theme = 'light' | 'dark';

/** Attention after validation: one flat `Float32Array` per (layer, head), row-major `[query][key]`. */
export interface AttentionModel {
  /** The query tokens (left column), already prettified if asked. */
  tokens: string[];
  /** The key tokens (right column): the same as `tokens` for self-attention. */
  keyTokens: string[];
  /** Number of layers. */
  layers: number;
  /** Number of heads per layer. */
  heads: number;
  /** `weights[layer * heads + head]`, of length `tokens.length * keyTokens.length`. */
  weights: Float32Array[];
}

/** Options of the head view after defaults were applied. */
export interface HeadRenderOptions {
  layer: number;
  heads: number[];
  theme: Theme;
  renderer: 'auto' | 'svg' | 'canvas';
  minWeight: number;
  canvasThreshold: number;
  title: string | undefined;
}

/** Options of the model view after defaults were applied. */
export interface ModelRenderOptions {
  theme: Theme;
  thumbnailSize: number;
  maxCells: number;
  title: string | undefined;
  /** Options for the head view that a click opens. */
  head: HeadRenderOptions;
}

/** One chunk of a BPE trace, normalized. */
export interface BpePartModel {
  token: string;
  bytes: number[];
  translated: string;
  merged: string[];
  /** The merged tokens as labels (`prettifyTokens`). */
  display: string[];
  ids: number[];
}

/** Options of the BPE view after defaults were applied. */
export interface BpeRenderOptions {
  theme: Theme;
  width: number;
  title: string | undefined;
}

/** One point of a loss curve. */
export interface LossPoint {
  /** The training step (x axis). */
  step: number;
  /** The loss (y axis). */
  loss: number;
}

/** A loss curve after validation. */
export interface LossModel {
  points: LossPoint[];
  bayesLoss: number | undefined;
}

/** Options of the loss chart after defaults were applied. */
export interface LossRenderOptions {
  theme: Theme;
  width: number;
  height: number;
  title: string | undefined;
}

/** Computed geometry of a head view. */
export interface HeadLayout {
  width: number;
  height: number;
  rowH: number;
  top: number;
  fontSize: number;
  leftTextX: number;
  lineX1: number;
  lineX2: number;
  rightTextX: number;
}

/** The handle every DOM renderer returns. */
export interface MountedView {
  update(data: unknown, options: unknown): void;
  destroy(): void;
  [extra: string]: unknown;
}

/** The functions the parts put on the shared `lib` object. */
export interface Lib {
  // common
  esc(text: string): string;
  fmt(value: number, digits?: number): string;
  textWidth(text: string, fontSize: number): number;
  palette(theme: Theme): { bg: string; fg: string; muted: string; grid: string; accent: string };
  headColor(head: number, heads: number): string;
  tokenColor(index: number, theme: Theme): string;
  svgOpen(width: number, height: number, theme: Theme, cls: string): string;
  css(): string;
  ensureStyle(root: HTMLElement): void;
  // head view
  headLayout(model: AttentionModel): HeadLayout;
  headSvg(
    model: AttentionModel,
    options: HeadRenderOptions,
    mode: { lines: boolean; allHeads: boolean },
  ): string;
  mountHead(element: HTMLElement, model: AttentionModel, options: HeadRenderOptions): MountedView;
  // model view
  modelSvg(model: AttentionModel, options: ModelRenderOptions): string;
  mountModel(element: HTMLElement, model: AttentionModel, options: ModelRenderOptions): MountedView;
  // bpe view
  bpeSvg(parts: BpePartModel[], options: BpeRenderOptions): string;
  mountBpe(element: HTMLElement, parts: BpePartModel[], options: BpeRenderOptions): MountedView;
  // loss chart
  lossSvg(model: LossModel, options: LossRenderOptions): string;
  mountLoss(element: HTMLElement, model: LossModel, options: LossRenderOptions): MountedView;
  // html
  decodeWeights(base64: string, kind: 'float32' | 'uint8', count: number, size: number): Float32Array[];
  mount(view: string, element: HTMLElement, data: unknown, options: unknown): MountedView;
}
