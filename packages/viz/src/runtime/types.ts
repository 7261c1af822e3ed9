/**
 * Types shared by the renderer parts in `runtime/`: the normalized data they draw and the `Lib` object that
 * joins the parts together.
 *
 * Why a `Lib` object instead of imports: every part is a function that must be self-contained, so that
 * `toHtml` can inline its source (`Function.prototype.toString`) into a standalone page. Parts reach each other
 * only through the `lib` argument; type-only imports are erased by the compiler and so are allowed.
 */

/** A colour theme: `'auto'` follows the reader's system setting (`prefers-color-scheme`) in a browser. */
export type Theme = 'light' | 'dark' | 'auto';

/** Which lines of a sentence pair the head view shows: all, or one block (`'a-b'`: sentence A → sentence B). */
export type SentenceFilter = 'all' | 'a-a' | 'a-b' | 'b-a' | 'b-b';

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
  /** True when the key tokens were given apart (cross-attention). */
  cross?: boolean;
  /** Encoder–decoder data: the model of each attention type given (this model is the first of them). */
  types?: AttentionTypes;
}

/** An attention type of an encoder–decoder model (bertviz's "Attention: Encoder / Decoder / Cross"). */
export type AttentionType = 'encoder' | 'decoder' | 'cross';

/** The attention types of an encoder–decoder model, after validation (each without `types` of its own). */
export interface AttentionTypes {
  encoder?: AttentionModel;
  decoder?: AttentionModel;
  cross?: AttentionModel;
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
  /** Index of the first token of sentence B (self-attention over a sentence pair), or undefined. */
  sentenceBStart: number | undefined;
  sentences: SentenceFilter;
  /** Show a button that saves the view as a PNG. */
  pngButton: boolean;
  /** Encoder–decoder data: the type shown; undefined otherwise. */
  attentionType: AttentionType | undefined;
}

/** Options of the model view after defaults were applied. */
export interface ModelRenderOptions {
  theme: Theme;
  thumbnailSize: number;
  maxCells: number;
  title: string | undefined;
  /** Options for the head view that a click opens. */
  head: HeadRenderOptions;
  pngButton: boolean;
  /** Encoder–decoder data: the type shown; undefined otherwise. */
  attentionType: AttentionType | undefined;
}

/** Queries and keys after validation: one flat `Float32Array` per (layer, head), row-major `[token][dim]`. */
export interface NeuronModel {
  tokens: string[];
  keyTokens: string[];
  layers: number;
  heads: number;
  /** Size of one head's query and key vectors. */
  dim: number;
  /** `queries[layer * heads + head]`, of length `tokens.length * dim`. */
  queries: Float32Array[];
  /** `keys[layer * heads + head]`, of length `keyTokens.length * dim`. */
  keys: Float32Array[];
}

/** Options of the neuron view after defaults were applied. */
export interface NeuronRenderOptions {
  layer: number;
  head: number;
  /** The selected query token. */
  query: number;
  theme: Theme;
  /** Scores are `q · k × scale`. */
  scale: number;
  /** Keys after the query are masked (GPT-style causal attention). */
  causal: boolean;
  title: string | undefined;
  pngButton: boolean;
  /** How the live view draws the cells: `'auto'` picks canvas above `canvasThreshold` cells. */
  renderer: 'auto' | 'svg' | 'canvas';
  /** Cells (keys × dim × 2: k and q × k) above which `'auto'` draws on a canvas. */
  canvasThreshold: number;
}

/** What the neuron view draws for the selected layer, head and query (`neuronScores`). */
export interface NeuronScores {
  /** The query vector (a view into the model's queries). */
  q: Float32Array;
  /** The head's key vectors, `[key][dim]` row-major. */
  keys: Float32Array;
  /** `q · k × scale` per key. */
  scores: Float64Array;
  /** The softmax of the scores (0 for masked keys). */
  weights: Float64Array;
  /** 1 for a key masked by `causal`. */
  masked: Uint8Array;
  /** The largest |value| of q, of every k, of the unmasked q × k, and the largest weight. */
  maxQ: number;
  maxK: number;
  maxP: number;
  maxW: number;
}

/** Geometry of the neuron view, in CSS pixels (`neuronLayout`). */
export interface NeuronLayout {
  rowH: number;
  fs: number;
  /** Width of one vector cell, and of a whole vector. */
  cw: number;
  vec: number;
  pad: number;
  /** Height of the legend (0 in the live view), and y of the first row. */
  head: number;
  top: number;
  /** x of: query tokens (right edge), q, key tokens, k, q × k, scores, softmax bars. */
  xq: number;
  xqv: number;
  xk: number;
  xkv: number;
  xp: number;
  xs: number;
  xw: number;
  width: number;
  /** Rows: the longer of the query and key token lists. */
  rows: number;
  height: number;
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

/** Precomputed per-(diagonal, column) runs of the line rasterizer (`runtime/raster.ts`), in device pixels. */
export interface LineGeometry {
  q: number;
  k: number;
  /** Pixel columns between the two token columns. */
  cols: number;
  /** Pixel rows of the whole picture. */
  rows: number;
  /** Integer y of query 0's line start; line i starts at `base + i * step` (plus a shared fraction). */
  base: number;
  /** The fraction of a pixel below `base` where line 0 starts. */
  offset: number;
  /** Pixels between two tokens (an integer). */
  step: number;
  /** Pixels down per column of each diagonal `d` (`j - i = d - (q - 1)`). */
  slope: Float64Array;
  /** Half a line's width plus slack, in pixels. */
  margin: number;
  /** Rows of slack above and below a tile (the longest run, plus 2). */
  pad: number;
  /** Run start and end rows (relative to the line's `base + i * step`) and their split weights, `[c * nd + d]`. */
  ka: Int32Array;
  kb: Int32Array;
  wa0: Float32Array;
  wa1: Float32Array;
  wb0: Float32Array;
  wb1: Float32Array;
}

/** The drawn lines of one head, ordered by diagonal (`j - i`), then query. */
export interface LineSet {
  first: Int32Array;
  before: Int32Array;
  /** `ends[d + 1]`: lines before the end of diagonal d. */
  ends: Int32Array;
  y: Int32Array;
  depth: Float32Array;
  lines: number;
  block: LineBlock;
}

/** A block of lines: queries `[q0, q1)` to keys `[k0, k1)`. */
export interface LineBlock {
  q0: number;
  q1: number;
  k0: number;
  k1: number;
}

/** A tiled painting in progress (`runtime/tiles.ts`). */
export interface TileJob {
  /** True while tiles off screen are still being drawn. */
  painting: boolean;
  /** Stops drawing the remaining tiles. */
  cancel(): void;
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
  resolveTheme(theme: Theme): 'light' | 'dark';
  watchTheme(theme: Theme, redraw: () => void): () => void;
  ensureStyle(root: HTMLElement): void;
  viewRoot(element: HTMLElement, kind: string): HTMLElement;
  attentionOf(model: AttentionModel, type: AttentionType | undefined): AttentionModel;
  typeSelector(
    doc: Document,
    model: AttentionModel,
    type: AttentionType | undefined,
    change: (type: AttentionType) => void,
  ): HTMLLabelElement | null;
  labelledSelect(
    doc: Document,
    text: string,
    className: string,
    choices: readonly (readonly [value: string, text: string])[],
    value: string,
    change: (value: string) => void,
  ): HTMLLabelElement;
  numbered(count: number): [string, string][];
  chooseRenderer(
    root: HTMLElement,
    options: { renderer: 'svg' | 'canvas' | 'auto'; canvasThreshold: number; theme: Theme },
    size: number,
  ): 'svg' | 'canvas';
  mountedView(
    root: HTMLElement,
    current: () => { theme: Theme },
    build: () => void,
    draw: () => void,
    cancel: () => void,
    apply: (data: unknown, next: unknown) => void,
  ): Pick<MountedView, 'element' | 'update' | 'destroy'>;
  // line rasterizer
  lineGeometry(
    q: number,
    k: number,
    cols: number,
    rows: number,
    firstY: number,
    step: number,
    lineWidth: number,
  ): LineGeometry;
  lineSet(g: LineGeometry, weights: Float32Array, block: LineBlock, minWeight: number): LineSet;
  rasterTile(
    g: LineGeometry,
    set: LineSet,
    y0: number,
    rows: number,
    alpha: Uint8Array,
    scratch: Float32Array,
  ): Float32Array;
  compositeTile(alphas: Uint8Array[], colors: number[][], pixels: Uint8ClampedArray): void;
  rgb(color: string): number[];
  // tiled painting
  tilesOnScreen(element: Element, rows: number, tile: number): number[];
  paintTiles(
    win: Window | null,
    tiles: number,
    onScreen: () => number[],
    step: (tile: number, whole: boolean) => boolean,
  ): TileJob;
  // head view
  headLayout(model: AttentionModel): HeadLayout;
  headBlock(model: AttentionModel, options: HeadRenderOptions): LineBlock;
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
  // png
  renderPng(root: HTMLElement): Promise<Blob>;
  downloadBlob(doc: Document, blob: Blob, filename: string): void;
  pngButton(root: HTMLElement, filename: string): HTMLButtonElement;
  // neuron view
  neuronScores(model: NeuronModel, options: NeuronRenderOptions): NeuronScores;
  neuronLayout(model: NeuronModel, options: NeuronRenderOptions, legend: boolean): NeuronLayout;
  neuronSvg(
    model: NeuronModel,
    options: NeuronRenderOptions,
    mode: { legend: boolean; cells?: boolean },
  ): string;
  neuronTile(
    ctx: CanvasRenderingContext2D,
    model: NeuronModel,
    options: NeuronRenderOptions,
    layout: NeuronLayout,
    scores: NeuronScores,
    r0: number,
    r1: number,
    scale: number,
    ox: number,
  ): void;
  mountNeuron(element: HTMLElement, model: NeuronModel, options: NeuronRenderOptions): MountedView;
  // html
  decodeWeights(base64: string, kind: 'float32' | 'uint8', count: number, size: number): Float32Array[];
  mount(view: string, element: HTMLElement, data: unknown, options: unknown): MountedView;
}
