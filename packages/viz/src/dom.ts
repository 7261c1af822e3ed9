/**
 * The live views for browsers: `headView`, `modelView`, `bpeView` and `lossChart` render into a DOM element
 * you give them and return a handle to update or remove the view. They validate their input exactly as
 * `toSvg` does, then hand it to the renderer in `runtime/` (the same code `toHtml` inlines).
 *
 * Over 500 lines, most of it TSDoc and examples: one entry point per view (head, model, neuron, BPE, loss
 * chart, PNG export), each a thin wrapper over the shared element checks and handles defined here.
 */

import type { BpeWork, LossData, LossPoint, NeuronData } from './data.js';
import { checkPoint } from './data.js';
import type { HeadViewData } from './encdec.js';
import { attentionOf } from './encdec.js';
import { check, LxmlsVizError } from './errors.js';
import type {
  BpeViewOptions,
  HeadViewOptions,
  LossChartOptions,
  ModelViewOptions,
  NeuronViewOptions,
} from './options.js';
import { checkIndex, resolveHead, resolveModel, resolveNeuron } from './options.js';
import { type Prepared, prepare } from './prepare.js';
import { getRuntime } from './runtime/index.js';
import type {
  AttentionModel,
  AttentionType,
  MountedView,
  NeuronModel,
  SentenceFilter,
} from './runtime/types.js';

/** What a head view shows at the moment. */
export interface HeadViewState {
  /** The layer shown. */
  layer: number;
  /** The heads shown, ascending. */
  heads: number[];
  /** The hovered token: `q` (left column) or `k` (right column) and its index; `null` for none. */
  focus: { side: 'q' | 'k'; i: number } | null;
  /** How the lines are drawn. */
  renderer: 'svg' | 'canvas';
  /** Canvas only: true while tiles off screen are still being drawn (in slices of about 16 ms). */
  painting: boolean;
  /** The block of a sentence pair shown (`'all'` without `sentenceBStart`). */
  sentences: SentenceFilter;
  /** Encoder–decoder data: the attention type shown (`'encoder'`, `'decoder'` or `'cross'`); else undefined. */
  attentionType: AttentionType | undefined;
}

/** What a model view shows at the moment. */
export interface ModelViewState {
  /** Encoder–decoder data: the attention type shown; else undefined. */
  attentionType: AttentionType | undefined;
  /** The layer and head open in the head view below the grid, or `null`. */
  opened: { layer: number; head: number } | null;
}

/** What a neuron view shows at the moment. */
export interface NeuronViewState {
  /** The layer shown. */
  layer: number;
  /** The head shown. */
  head: number;
  /** The selected query token. */
  query: number;
  /** How the cells are drawn (`'canvas'` above `canvasThreshold` cells). */
  renderer: 'svg' | 'canvas';
  /** Canvas only: true while rows off screen are still being drawn (in slices of about 12 ms). */
  painting: boolean;
}

/** The handle of a live view. */
export interface ViewHandle<Data, Options> {
  /** The view's root element (inside the element you passed). */
  readonly element: HTMLElement;
  /** Redraws with new data and/or options (options are merged over the previous ones). */
  update(data?: Data, options?: Options): void;
  /** Removes the view from the page. */
  destroy(): void;
}

/** The handle of {@link headView}. */
export interface HeadViewHandle extends ViewHandle<HeadViewData, HeadViewOptions> {
  /** The layer, heads, hovered token and renderer now. */
  readonly state: HeadViewState;
  /** Shows another layer. */
  setLayer(layer: number): void;
  /** Shows or hides one head, as a click on its swatch does. */
  toggleHead(head: number): void;
  /** Focuses one token's lines, as hovering it does (`null` to clear). */
  focusToken(side: 'q' | 'k' | null, index?: number): void;
  /** With `sentenceBStart`: shows one block of lines (`'a-b'`: sentence A → sentence B), or `'all'`. */
  setSentences(which: SentenceFilter): void;
  /** Encoder–decoder data: shows another attention type, as the "Attention" selector does. */
  setAttentionType(type: AttentionType): void;
}

/** The handle of {@link neuronView}. */
export interface NeuronViewHandle extends ViewHandle<NeuronData, NeuronViewOptions> {
  /** The layer, head and query token now. */
  readonly state: NeuronViewState;
  /** Shows another layer. */
  setLayer(layer: number): void;
  /** Shows another head. */
  setHead(head: number): void;
  /** Selects the query token, as hovering or clicking it does. */
  selectQuery(index: number): void;
}

/** The handle of {@link modelView}. */
export interface ModelViewHandle extends ViewHandle<HeadViewData, ModelViewOptions> {
  /** The attention type shown and the head open now. */
  readonly state: ModelViewState;
  /** Opens one layer and head (of the attention type shown) in a head view below the grid, as a click does. */
  open(layer: number, head: number): HeadViewHandle;
  /** Encoder–decoder data: shows another attention type, as the "Attention" selector does. */
  setAttentionType(type: AttentionType): void;
}

/** The handle of {@link lossChart}. */
export interface LossChartHandle extends ViewHandle<LossData, LossChartOptions> {
  /** Adds a point; the chart redraws at the next animation frame (many pushes, one redraw). */
  push(point: LossPoint): void;
  /** How many points the chart holds. */
  readonly size: number;
}

function checkElement(fn: string, element: unknown): HTMLElement {
  const e = element as HTMLElement | null;
  if (typeof e !== 'object' || e === null || typeof e.appendChild !== 'function' || !e.ownerDocument)
    check.fail(
      fn,
      'element',
      element,
      'element must be a DOM element',
      'an HTMLElement (for example document.getElementById(…))',
    );
  return e;
}

/** A view's element checked, then its data and options prepared (the models and resolved options it draws). */
function mountArgs<V extends Prepared['view']>(
  fn: string,
  view: V,
  element: unknown,
  data: unknown,
  options: unknown,
): [HTMLElement, Extract<Prepared, { view: V }>] {
  const target = checkElement(fn, element);
  const p = prepare(fn, view, data, options);
  if (p.view !== view) throw new Error('unreachable');
  return [target, p as Extract<Prepared, { view: V }>];
}

/**
 * What a head or model view holds after `update(data, options)`: the options merged, the attention type chosen
 * in the view (`shownType`) kept unless new data or options say otherwise; new data checked in full, new
 * options alone only against the data already checked.
 */
function updated<D, O extends { attentionType?: AttentionType }>(
  fn: string,
  view: 'head' | 'model',
  shownType: AttentionType | undefined,
  current: { data: D; options: O; model: AttentionModel },
  data: D | undefined,
  options: O | undefined,
): { data: D; options: O; model: AttentionModel } {
  const kept = data ? {} : { attentionType: shownType };
  const merged = { ...current.options, ...kept, ...options };
  const model = data ? (prepare(fn, view, data, merged).data as AttentionModel) : current.model;
  return { data: data ?? current.data, options: merged, model };
}

function wrapHead(
  mounted: MountedView,
  fn: string,
  initial: { data: HeadViewData; options: HeadViewOptions; model: AttentionModel },
) {
  let current = initial;
  const m = mounted as MountedView & {
    state(): HeadViewState;
    setAttentionType(type: AttentionType): void;
    setLayer(layer: number): void;
    toggleHead(head: number): void;
    focusToken(side: 'q' | 'k' | null, i?: number): void;
    setSentences(which: SentenceFilter): void;
  };
  // The model of the attention type shown now (the data itself unless it is encoder–decoder data).
  const shown = () => attentionOf(current.model, m.state().attentionType);
  const handle: HeadViewHandle = {
    element: m.element as HTMLElement,
    get state() {
      return m.state();
    },
    update(data, options) {
      const next = updated(fn, 'head', m.state().attentionType, current, data, options);
      const resolved = resolveHead(fn, next.model, next.options);
      current = next;
      m.update(data ? next.model : undefined, resolved);
    },
    destroy: () => m.destroy(),
    setLayer(layer) {
      m.setLayer(checkIndex(fn, 'layer', layer, shown().layers));
    },
    toggleHead(head) {
      m.toggleHead(checkIndex(fn, 'head', head, shown().heads));
    },
    focusToken(side, index = 0) {
      if (side !== null) {
        const n = side === 'q' ? shown().tokens.length : shown().keyTokens.length;
        checkIndex(fn, 'index', index, n);
      }
      m.focusToken(side, index);
    },
    setSentences(which) {
      resolveHead(fn, current.model, { ...current.options, attentionType: undefined, sentences: which });
      m.setSentences(which);
    },
    setAttentionType(type) {
      resolveHead(fn, current.model, { attentionType: type });
      m.setAttentionType(type);
    },
  };
  return handle;
}

/**
 * The head view in a browser (bertviz's `head_view`): queries on the left, keys on the right, one line per
 * (query, key) with opacity = weight in the colour of its head. A selector picks the layer; each head's
 * swatch is a button that toggles it (click, or Enter/Space on the focused swatch; Left/Right move between
 * heads); hovering a token, or Up/Down on the focused picture, shows only its lines. Above 20,000 lines per
 * layer the lines are drawn on a canvas, in tiles, those on screen first: 512 tokens × 12 heads draw in well
 * under a second (see the README's measurements) and stay interactive. With `sentenceBStart`, a selector
 * shows one block of a sentence pair; with `keyTokens`, cross-attention. A PNG button saves the view.
 *
 * Encoder–decoder models (bertviz's `head_view(encoder_attention=…, decoder_attention=…,
 * cross_attention=…)`): give `{ encoderTokens, decoderTokens, encoderAttention?, decoderAttention?,
 * crossAttention? }` instead, and an "Attention" selector (Encoder / Decoder / Cross, those given) switches
 * between them: encoder tokens on both sides, decoder tokens on both sides, or decoder tokens as queries on
 * the left and encoder tokens as keys on the right; `options.attentionType` picks the first shown. One
 * cross-attention matrix alone needs no selector: `{ tokens: decoderTokens, keyTokens: encoderTokens,
 * attention: crossAttention }` draws the same picture as the `'cross'` type.
 *
 * @param element - Where to render (the view is appended to it).
 * @param data - `{ tokens, attention, keyTokens? }` with `attention[layer][head][query][key]`, or
 *   encoder–decoder data (see above).
 * @param options - `layer`, `heads`, `theme`, `attentionType`, `sentenceBStart`, `sentences`, `renderer`, …
 * @returns A handle: `state`, `update`, `setLayer`, `toggleHead`, `focusToken`, `setSentences`,
 *   `setAttentionType`, `destroy`.
 * @throws {@link LxmlsVizError} for bad data or options (as {@link toSvg}), or a non-element `element`.
 * @example
 * ```ts
 * import { headView, toSvg } from '@lxmls/viz';
 * // In a browser: const view = headView(document.body, data, { layer: 0 }); view.toggleHead(1);
 * // Without a DOM, the same picture as SVG:
 * const data = { tokens: ['a', 'b'], attention: [[[[1, 0], [0.5, 0.5]]]] };
 * console.log(typeof headView, toSvg('head', data).match(/<line /g)?.length); // → function 3
 * // Encoder–decoder: in a browser, headView(el, encdec) adds the selector; view.setAttentionType('cross').
 * const encdec = {
 *   encoderTokens: ['Le', 'chat'],
 *   decoderTokens: ['The', 'cat', '.'],
 *   encoderAttention: [[[[1, 0], [0.5, 0.5]]]], // [layer][head][encoder][encoder]
 *   crossAttention: [[[[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]]]], // [layer][head][decoder][encoder]
 * };
 * const cross = toSvg('head', encdec, { attentionType: 'cross' });
 * console.log(cross.match(/data-side="q"/g)?.length, cross.match(/data-side="k"/g)?.length); // → 3 2
 * ```
 */
export function headView(
  element: HTMLElement,
  data: HeadViewData,
  options: HeadViewOptions = {},
): HeadViewHandle {
  const [target, p] = mountArgs('headView', 'head', element, data, options);
  return wrapHead(getRuntime().mountHead(target, p.data, p.options), 'headView', {
    data,
    options,
    model: p.data,
  });
}

/**
 * The model view in a browser (bertviz's `model_view`): every layer × head as a heatmap thumbnail drawn on a
 * canvas; clicking one (or Enter/Space on it) opens that layer and head in a head view below the grid. With
 * encoder–decoder data (as {@link headView} takes it), an "Attention" selector switches the whole grid
 * between the encoder, decoder and cross-attention, and the head view it opens shows the selected type.
 *
 * @param element - Where to render.
 * @param data - `{ tokens, attention, keyTokens? }`, or encoder–decoder data.
 * @param options - `theme`, `thumbnailSize`, `attentionType`, `prettify`, `headView` (options of the head view
 *   it opens).
 * @returns A handle: `state`, `open(layer, head)`, `setAttentionType`, `update`, `destroy`.
 * @throws {@link LxmlsVizError} for bad data or options.
 * @example
 * ```ts
 * import { modelView, toSvg } from '@lxmls/viz';
 * // In a browser: modelView(document.body, data).open(1, 0);
 * const data = { tokens: ['a', 'b'], attention: [[[[1, 0], [0.5, 0.5]], [[1, 0], [0, 1]]]] };
 * console.log(typeof modelView, toSvg('model', data).match(/class="lx-thumb"/g)?.length); // → function 2
 * // Encoder–decoder data: 1 encoder layer × 2 heads, 2 decoder layers × 1 head.
 * const head = [[1, 0], [0.5, 0.5]];
 * const encdec = {
 *   encoderTokens: ['x', 'y'],
 *   decoderTokens: ['u', 'v'],
 *   encoderAttention: [[head, head]],
 *   decoderAttention: [[head], [head]],
 * };
 * const decoder = toSvg('model', encdec, { attentionType: 'decoder' });
 * console.log(decoder.match(/class="lx-thumb"/g)?.length, decoder.includes('Decoder attention')); // → 2 true
 * ```
 */
export function modelView(
  element: HTMLElement,
  data: HeadViewData,
  options: ModelViewOptions = {},
): ModelViewHandle {
  const [target, p] = mountArgs('modelView', 'model', element, data, options);
  let current = { data, options, model: p.data };
  const m = getRuntime().mountModel(target, p.data, p.options) as MountedView & {
    open(layer: number, head: number): MountedView;
    state(): ModelViewState;
    setAttentionType(type: AttentionType): void;
  };
  const shown = () => attentionOf(current.model, m.state().attentionType);
  return {
    element: m.element as HTMLElement,
    get state() {
      return m.state();
    },
    update(nextData, nextOptions) {
      current = updated('modelView', 'model', m.state().attentionType, current, nextData, nextOptions);
      m.update(
        nextData ? current.model : undefined,
        resolveModel('modelView', current.model, current.options),
      );
    },
    destroy: () => m.destroy(),
    open(layer, head) {
      // Checks layer and head before anything is drawn.
      const model = shown();
      checkIndex('modelView', 'layer', layer, model.layers);
      checkIndex('modelView', 'head', head, model.heads);
      // The head view below shows the grid's attention type only (no selector of its own).
      return wrapHead(m.open(layer, head), 'modelView', {
        data: current.data,
        options: { ...current.options.headView, layer, heads: [head] },
        model,
      });
    },
    setAttentionType(type) {
      resolveModel('modelView', current.model, { attentionType: type });
      m.setAttentionType(type);
    },
  };
}

/**
 * The neuron view in a browser (bertviz's `neuron_view`): for one layer and head, the selected query token's
 * query vector, every key vector, their elementwise products, the scores `q · k × scale` and the softmax
 * weights. Selectors pick the layer and head; hover or click a query token (or use Up and Down on the focused
 * view) to select it. Above `canvasThreshold` cells (2 × keys × dim: 512 tokens × dim 64 is 65,536) the
 * cells, keys and numbers are drawn on a canvas, the rows on screen first (the query tokens stay SVG text):
 * 512 tokens draw in about 0.1 s and a new query in a few tens of milliseconds (see the README).
 *
 * @param element - Where to render.
 * @param data - `{ tokens, queries, keys, keyTokens? }` with `queries[layer][head][token][dim]`.
 * @param options - `layer`, `head`, `query`, `scale`, `causal`, `theme`, …
 * @returns A handle: `state`, `setLayer`, `setHead`, `selectQuery`, `update`, `destroy`.
 * @throws {@link LxmlsVizError} for vectors that do not match the tokens or each other, non-finite numbers,
 *   empty token lists, or options out of range.
 * @example
 * ```ts
 * import { neuronView, toSvg } from '@lxmls/viz';
 * // In a browser: neuronView(document.body, data, { causal: true }).selectQuery(1);
 * const q = [[[[1, 0], [0, 1]]]]; // 1 layer × 1 head × 2 tokens × dim 2
 * const svg = toSvg('neuron', { tokens: ['a', 'b'], queries: q, keys: q }, { query: 1, scale: 1 });
 * console.log(typeof neuronView, svg.match(/class="lx-weight"/g)?.length); // → function 2
 * ```
 */
export function neuronView(
  element: HTMLElement,
  data: NeuronData,
  options: NeuronViewOptions = {},
): NeuronViewHandle {
  const fn = 'neuronView';
  const [target, p] = mountArgs(fn, 'neuron', element, data, options);
  let current = { data, options, model: p.data };
  const m = getRuntime().mountNeuron(target, p.data, p.options) as MountedView & {
    state(): NeuronViewState;
    setLayer(layer: number): void;
    setHead(head: number): void;
    selectQuery(i: number): void;
  };
  return {
    element: m.element as HTMLElement,
    get state() {
      return m.state();
    },
    update(nextData, nextOptions) {
      const merged = { ...current.options, ...nextOptions };
      const model = nextData ? (prepare(fn, 'neuron', nextData, merged).data as NeuronModel) : current.model;
      current = { data: nextData ?? current.data, options: merged, model };
      m.update(nextData ? model : undefined, resolveNeuron(fn, model, merged));
    },
    destroy: () => m.destroy(),
    setLayer: (layer) => m.setLayer(checkIndex(fn, 'layer', layer, current.model.layers)),
    setHead: (head) => m.setHead(checkIndex(fn, 'head', head, current.model.heads)),
    selectQuery: (index) => m.selectQuery(checkIndex(fn, 'index', index, current.model.tokens.length)),
  };
}

/** A view handle or its element. */
export type ViewLike = HTMLElement | { readonly element: HTMLElement };

function viewElement(fn: string, view: unknown): HTMLElement {
  const element = (view as { element?: unknown })?.element ?? view;
  const root = checkElement(fn, element);
  return ((root.classList.contains('lx-viz') ? root : root.querySelector('.lx-viz')) as HTMLElement) ?? root;
}

/**
 * Renders a live view, as it is on screen now (layer, heads, hovered token, theme), to a PNG image: the
 * view's SVG and canvases are drawn onto one canvas at the device's pixel ratio (the controls are left out).
 * Browsers only; works offline, and in the pages of {@link toHtml} too.
 *
 * @param view - A view handle (from {@link headView}, {@link modelView}, …) or its element.
 * @returns The PNG as a `Blob` (`image/png`).
 * @throws {@link LxmlsVizError} when `view` is neither a handle nor an element; the promise rejects with
 *   code `RENDER_FAILED` if the browser cannot draw or encode the image.
 * @example
 * ```ts
 * import { toPng } from '@lxmls/viz';
 * // In a browser: const blob = await toPng(headView(el, data)); // image/png
 * console.log(typeof toPng); // → function
 * ```
 */
export function toPng(view: ViewLike): Promise<Blob> {
  return renderPng('toPng', viewElement('toPng', view));
}

function renderPng(fn: string, root: HTMLElement): Promise<Blob> {
  return getRuntime()
    .renderPng(root)
    .catch((cause: unknown) => {
      throw new LxmlsVizError('RENDER_FAILED', 'the view could not be drawn to a PNG', {
        fn,
        received: String(cause),
        cause,
      });
    });
}

/**
 * Saves a live view as a PNG file: {@link toPng}, then a download of it (what the views' PNG button does).
 *
 * @param view - A view handle or its element.
 * @param filename - The file's name. @defaultValue `'attention.png'`
 * @returns The PNG, once the download has been started.
 * @throws {@link LxmlsVizError} when `view` is neither a handle nor an element.
 * @example
 * ```ts
 * import { downloadPng } from '@lxmls/viz';
 * // In a browser: await downloadPng(view, 'layer-3.png');
 * console.log(typeof downloadPng); // → function
 * ```
 */
export async function downloadPng(view: ViewLike, filename = 'attention.png'): Promise<Blob> {
  const root = viewElement('downloadPng', view);
  const blob = await renderPng('downloadPng', root);
  getRuntime().downloadBlob(root.ownerDocument, blob, filename);
  return blob;
}

/**
 * The BPE view in a browser: an `encodeAndShowWork` trace as coloured token boxes with their ids (hover a
 * box for its string), then one row per chunk with its bytes and merges.
 *
 * @param element - Where to render.
 * @param work - The result of `getEncoder().encodeAndShowWork(text)` from `@lxmls/bpe` (or the same shape).
 * @param options - `theme`, `width`, `title`.
 * @returns A handle: `update`, `destroy`.
 * @throws {@link LxmlsVizError} for a malformed trace.
 * @example
 * ```ts
 * import { bpeView, toSvg } from '@lxmls/viz';
 * const work = { parts: [{ token: ' hi', tokenBytes: [32, 104, 105], tokenTranslated: 'Ġhi', tokenMerged: ['Ġhi'], tokenIx: [23105] }] };
 * console.log(typeof bpeView, toSvg('bpe', work).includes('23105')); // → function true
 * ```
 */
export function bpeView(
  element: HTMLElement,
  work: BpeWork,
  options: BpeViewOptions = {},
): ViewHandle<BpeWork, BpeViewOptions> {
  const [target, p] = mountArgs('bpeView', 'bpe', element, work, options);
  let current = { work, options };
  const m = getRuntime().mountBpe(target, p.data as never, p.options as never);
  return {
    element: m.element as HTMLElement,
    update(nextWork, nextOptions) {
      current = { work: nextWork ?? current.work, options: { ...current.options, ...nextOptions } };
      const q = prepare('bpeView', 'bpe', current.work, current.options);
      m.update(q.data, q.options);
    },
    destroy: () => m.destroy(),
  };
}

/**
 * A live loss chart for training: the loss against the step, with an optional dashed line at the
 * Bayes-optimal loss (0.2502 for the weather task). Call `push` from a trainer callback; redraws are batched
 * to one per animation frame.
 *
 * @param element - Where to render.
 * @param data - `{ points: [{ step, loss }], bayesLoss? }`; `points` may be empty.
 * @param options - `theme`, `width`, `height`, `title`.
 * @returns A handle: `push(point)`, `size`, `update`, `destroy`.
 * @throws {@link LxmlsVizError} for a non-finite step or loss.
 * @example
 * ```ts
 * import { lossChart, toSvg } from '@lxmls/viz';
 * // In a browser: const chart = lossChart(el, { points: [], bayesLoss: 0.2502 }); chart.push({ step: 1, loss: 1.1 });
 * const svg = toSvg('loss', { points: [{ step: 0, loss: 1.4 }, { step: 100, loss: 0.31 }], bayesLoss: 0.2502 });
 * console.log(typeof lossChart, svg.includes('Bayes-optimal 0.2502')); // → function true
 * ```
 */
export function lossChart(
  element: HTMLElement,
  data: LossData,
  options: LossChartOptions = {},
): LossChartHandle {
  const [target, p] = mountArgs('lossChart', 'loss', element, data, options);
  let current = { options };
  const m = getRuntime().mountLoss(target, p.data as never, p.options as never) as MountedView & {
    push(point: LossPoint): void;
    points(): number;
  };
  return {
    element: m.element as HTMLElement,
    push(point) {
      m.push(checkPoint('lossChart.push', point, 'point'));
    },
    get size() {
      return m.points();
    },
    update(nextData, nextOptions) {
      current = { options: { ...current.options, ...nextOptions } };
      const q = prepare('lossChart', 'loss', nextData ?? { points: [] }, current.options);
      m.update(nextData ? q.data : undefined, q.options);
    },
    destroy: () => m.destroy(),
  };
}
