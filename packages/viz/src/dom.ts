/**
 * The live views for browsers: `headView`, `modelView`, `bpeView` and `lossChart` render into a DOM element
 * you give them and return a handle to update or remove the view. They validate their input exactly as
 * `toSvg` does, then hand it to the renderer in `runtime/` (the same code `toHtml` inlines).
 */

import type { AttentionData, BpeWork, LossData, LossPoint } from './data.js';
import { checkPoint } from './data.js';
import { describe, LxmlsVizError } from './errors.js';
import type { BpeViewOptions, HeadViewOptions, LossChartOptions, ModelViewOptions } from './options.js';
import { prepare } from './prepare.js';
import { getRuntime } from './runtime/index.js';
import type { MountedView } from './runtime/types.js';

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
  /** Canvas only: true while lines are still being drawn (in slices, strongest first). */
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
export interface HeadViewHandle extends ViewHandle<AttentionData, HeadViewOptions> {
  /** The layer, heads, hovered token and renderer now. */
  readonly state: HeadViewState;
  /** Shows another layer. */
  setLayer(layer: number): void;
  /** Shows or hides one head, as a click on its swatch does. */
  toggleHead(head: number): void;
  /** Focuses one token's lines, as hovering it does (`null` to clear). */
  focusToken(side: 'q' | 'k' | null, index?: number): void;
}

/** The handle of {@link modelView}. */
export interface ModelViewHandle extends ViewHandle<AttentionData, ModelViewOptions> {
  /** Opens one layer and head in a head view below the grid, as clicking its thumbnail does. */
  open(layer: number, head: number): HeadViewHandle;
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
  if (typeof e !== 'object' || e === null || typeof e.appendChild !== 'function' || !e.ownerDocument) {
    throw new LxmlsVizError('INVALID_ARGUMENT', 'element must be a DOM element', {
      fn,
      argument: 'element',
      expected: 'an HTMLElement (for example document.getElementById(…))',
      received: describe(element),
    });
  }
  return e;
}

function wrapHead(
  mounted: MountedView,
  fn: string,
  initial: { data: AttentionData; options: HeadViewOptions },
) {
  let current = initial;
  const m = mounted as MountedView & {
    state(): HeadViewState;
    setLayer(layer: number): void;
    toggleHead(head: number): void;
    focusToken(side: 'q' | 'k' | null, i?: number): void;
  };
  const handle: HeadViewHandle = {
    element: m.element as HTMLElement,
    get state() {
      return m.state();
    },
    update(data, options) {
      current = { data: data ?? current.data, options: { ...current.options, ...options } };
      const p = prepare(fn, 'head', current.data, current.options);
      m.update(p.data, p.options);
    },
    destroy: () => m.destroy(),
    setLayer(layer) {
      const p = prepare(fn, 'head', current.data, { ...current.options, layer });
      if (p.view === 'head') m.setLayer(p.options.layer);
    },
    toggleHead(head) {
      prepare(fn, 'head', current.data, { ...current.options, heads: [head] });
      m.toggleHead(head);
    },
    focusToken: (side, index = 0) => m.focusToken(side, index),
  };
  return handle;
}

/**
 * The head view in a browser (bertviz's `head_view`): queries on the left, keys on the right, one line per
 * (query, key) with opacity = weight in the colour of its head. A selector picks the layer; each head's
 * swatch is a button that toggles it (click, or Enter/Space on the focused swatch); hovering a token shows
 * only its lines. Above 20,000 lines per layer the lines are drawn on a canvas, so 512 tokens × 12 heads
 * stay interactive.
 *
 * @param element - Where to render (the view is appended to it).
 * @param data - `{ tokens, attention, keyTokens? }` with `attention[layer][head][query][key]`.
 * @param options - `layer`, `heads`, `theme`, `renderer`, `minWeight`, `prettify`, …
 * @returns A handle: `state`, `update`, `setLayer`, `toggleHead`, `focusToken`, `destroy`.
 * @throws {@link LxmlsVizError} for bad data or options (as {@link toSvg}), or a non-element `element`.
 * @example
 * ```ts
 * import { headView, toSvg } from '@lxmls/viz';
 * // In a browser: const view = headView(document.body, data, { layer: 0 }); view.toggleHead(1);
 * // Without a DOM, the same picture as SVG:
 * const data = { tokens: ['a', 'b'], attention: [[[[1, 0], [0.5, 0.5]]]] };
 * console.log(typeof headView, toSvg('head', data).match(/<line /g)?.length); // → function 3
 * ```
 */
export function headView(
  element: HTMLElement,
  data: AttentionData,
  options: HeadViewOptions = {},
): HeadViewHandle {
  const target = checkElement('headView', element);
  const p = prepare('headView', 'head', data, options);
  if (p.view !== 'head') throw new Error('unreachable');
  return wrapHead(getRuntime().mountHead(target, p.data, p.options), 'headView', { data, options });
}

/**
 * The model view in a browser (bertviz's `model_view`): every layer × head as a heatmap thumbnail drawn on a
 * canvas; clicking one (or Enter/Space on it) opens that layer and head in a head view below the grid.
 *
 * @param element - Where to render.
 * @param data - `{ tokens, attention, keyTokens? }`.
 * @param options - `theme`, `thumbnailSize`, `prettify`, `headView` (options of the head view it opens).
 * @returns A handle: `open(layer, head)`, `update`, `destroy`.
 * @throws {@link LxmlsVizError} for bad data or options.
 * @example
 * ```ts
 * import { modelView, toSvg } from '@lxmls/viz';
 * // In a browser: modelView(document.body, data).open(1, 0);
 * const data = { tokens: ['a', 'b'], attention: [[[[1, 0], [0.5, 0.5]], [[1, 0], [0, 1]]]] };
 * console.log(typeof modelView, toSvg('model', data).match(/class="lx-thumb"/g)?.length); // → function 2
 * ```
 */
export function modelView(
  element: HTMLElement,
  data: AttentionData,
  options: ModelViewOptions = {},
): ModelViewHandle {
  const target = checkElement('modelView', element);
  let current = { data, options };
  const p = prepare('modelView', 'model', data, options);
  if (p.view !== 'model') throw new Error('unreachable');
  const m = getRuntime().mountModel(target, p.data, p.options) as MountedView & {
    open(layer: number, head: number): MountedView;
  };
  return {
    element: m.element as HTMLElement,
    update(nextData, nextOptions) {
      current = { data: nextData ?? current.data, options: { ...current.options, ...nextOptions } };
      const q = prepare('modelView', 'model', current.data, current.options);
      m.update(nextData ? q.data : undefined, q.options);
    },
    destroy: () => m.destroy(),
    open(layer, head) {
      // Validates layer and head with the same messages as headView, before anything is drawn.
      prepare('modelView', 'head', current.data, { ...current.options.headView, layer, heads: [head] });
      return wrapHead(m.open(layer, head), 'modelView', {
        data: current.data,
        options: { layer, heads: [head] },
      });
    },
  };
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
  const target = checkElement('bpeView', element);
  let current = { work, options };
  const p = prepare('bpeView', 'bpe', work, options);
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
  const target = checkElement('lossChart', element);
  let current = { options };
  const p = prepare('lossChart', 'loss', data, options);
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
