/**
 * The data the views take, and its validation: plain arrays, so the package works for any model and knows
 * nothing about tensors (bertviz's `head_view.py` does the same with `.tolist()`).
 *
 * Attention is indexed `attention[layer][head][query][key]`: what Hugging Face returns with
 * `output_attentions=True` once the batch axis is dropped, and what `@lxmls/attention` can return. Each head
 * may also be one flat typed array of `query × key` weights, row-major. Everything is checked once, at the
 * public boundary, with errors that name the layer, head and row at fault; the renderers then trust it.
 *
 * Over 500 lines: the one place where every view's input is validated (attention, queries and keys, BPE
 * work, losses), with messages naming the layer, head and row; the renderers trust what it returns.
 */

import { check, describe } from './errors.js';
import { prettifyTokens } from './prettify.js';
import type { AttentionModel, BpePartModel, LossModel, LossPoint, NeuronModel } from './runtime/types.js';

export type { LossPoint } from './runtime/types.js';

/** One head: `[query][key]` rows (arrays or typed arrays), or one flat typed array of `query × key` weights. */
export type HeadAttention = ArrayLike<number> | readonly ArrayLike<number>[];

/** Attention weights indexed `[layer][head][query][key]`. */
export type Attention = readonly (readonly HeadAttention[])[];

/** What the head and model views take. */
export interface AttentionData {
  /** The tokens, one per query row (and per key column for self-attention). */
  tokens: readonly string[];
  /** The weights, `attention[layer][head][query][key]`. */
  attention: Attention;
  /** Cross-attention (encoder–decoder): the key tokens, when they differ from `tokens`. */
  keyTokens?: readonly string[];
}

/** One head's vectors: `[token][dim]` rows, or one flat typed array of `token × dim` numbers. */
export type HeadVectors = ArrayLike<number> | readonly ArrayLike<number>[];

/** Query or key vectors indexed `[layer][head][token][dim]`. */
export type Vectors = readonly (readonly HeadVectors[])[];

/** What the neuron view takes: the query and key vectors of every layer and head. */
export interface NeuronData {
  /** The tokens, one per query vector. */
  tokens: readonly string[];
  /** Query vectors, `queries[layer][head][token][dim]`. */
  queries: Vectors;
  /** Key vectors, `keys[layer][head][token][dim]` (one per key token). */
  keys: Vectors;
  /** Cross-attention: the key tokens, when they differ from `tokens`. */
  keyTokens?: readonly string[];
}

/** One chunk of a BPE trace: the shape of `@lxmls/bpe`'s `EncodePart`. */
export interface BpeWorkPart {
  /** The chunk of text. */
  token: string;
  /** Its UTF-8 bytes. */
  tokenBytes: ArrayLike<number>;
  /** The bytes as printable stand-ins (`Ġ` for a space). */
  tokenTranslated: string;
  /** The tokens left after merging. */
  tokenMerged: readonly string[];
  /** Their ids. */
  tokenIx: readonly number[];
}

/** What the BPE view takes: the result of `@lxmls/bpe`'s `encodeAndShowWork` (other fields are ignored). */
export interface BpeWork {
  /** The chunks of the pre-tokenizer (not needed: each part has its own). */
  tokens?: readonly string[];
  /** One entry per chunk. */
  parts: readonly BpeWorkPart[];
}

/** What the loss chart takes. */
export interface LossData {
  /** The points so far, in step order. May be empty. */
  points: readonly LossPoint[];
  /** The Bayes-optimal loss, drawn as a dashed line (0.2502 for the weather task). */
  bayesLoss?: number;
}

/** @internal */
export const fail =
  (fn: string, code: 'INVALID_ARGUMENT' | 'SHAPE_MISMATCH' | 'NON_FINITE' | 'EMPTY_INPUT') =>
  (what: string, argument: string, expected: string, received: string): never => {
    check.fail(fn, argument, undefined, what, expected, { code, received });
  };

const isArrayLike = (value: unknown): value is ArrayLike<unknown> =>
  Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView));

/** Throws `INVALID_ARGUMENT` (`what`, expecting `expected`) unless `data` is an object whose `field` is an array. */
function checkListOf(fn: string, data: unknown, field: string, what: string, expected: string): void {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as Record<string, unknown>)[field]))
    fail(fn, 'INVALID_ARGUMENT')(what, 'data', expected, describe(data));
}

/** @internal */
export function checkTokens(fn: string, tokens: unknown, name: string): string[] {
  if (!Array.isArray(tokens)) {
    fail(fn, 'INVALID_ARGUMENT')(
      `${name} must be an array of strings`,
      name,
      'an array of strings',
      describe(tokens),
    );
  }
  const list = tokens as unknown[];
  if (list.length === 0) {
    fail(fn, 'EMPTY_INPUT')(`${name} is empty`, name, 'at least one token', 'an empty array');
  }
  list.forEach((t, i) => {
    if (typeof t !== 'string') {
      fail(fn, 'INVALID_ARGUMENT')(`${name}[${i}] is not a string`, `${name}[${i}]`, 'a string', describe(t));
    }
  });
  return list as string[];
}

/** Index of the first non-finite number of `values`, or -1 (NaN and ±Infinity times 0 are NaN, 0 else). */
function firstNonFinite(values: Float32Array): number {
  const n = values.length;
  let x = 0;
  for (; x + 8 <= n; x += 8) {
    const z =
      values[x]! * 0 +
      values[x + 1]! * 0 +
      values[x + 2]! * 0 +
      values[x + 3]! * 0 +
      values[x + 4]! * 0 +
      values[x + 5]! * 0 +
      values[x + 6]! * 0 +
      values[x + 7]! * 0;
    if (z !== 0) break;
  }
  for (; x < n; x++) if (values[x]! * 0 !== 0) return x;
  return -1;
}

/**
 * Copies `count` numbers of `source` from `from` into `out` at `to`, checking that each is a finite number
 * (a tight loop: 37 million weights of 512 tokens × 12 layers × 12 heads take tens of milliseconds).
 */
function copyFinite(
  fn: string,
  source: ArrayLike<unknown>,
  from: number,
  count: number,
  out: Float32Array,
  to: number,
  name: (index: number) => string,
  what = 'a finite weight',
): void {
  let bad = -1;
  if (ArrayBuffer.isView(source)) {
    const typed = source as unknown as Float64Array;
    const view = out.subarray(to, to + count);
    view.set(from === 0 && count === typed.length ? typed : typed.subarray(from, from + count));
    bad = firstNonFinite(view);
    // A float64 too large for float32 became Infinity: that is a finite input, but not a weight.
  } else {
    for (let x = 0; x < count; x++) {
      const v = source[from + x];
      if (typeof v !== 'number' || v - v !== 0) {
        bad = x;
        break;
      }
      out[to + x] = v;
    }
  }
  if (bad >= 0) {
    fail(fn, 'NON_FINITE')(
      `${name(bad)} is not a finite number`,
      name(bad),
      what,
      describe(source[from + bad]),
    );
  }
}

/**
 * A flat `Float32Array` head of the right length is used as it is, not copied (37 million weights are
 * 151 MB): do not change it while a view shows it (call `update` after changing it).
 */
function flatHead(
  fn: string,
  rows: ArrayLike<unknown>,
  count: number,
  name: (index: number) => string,
  what?: string,
): Float32Array | undefined {
  if (!(rows instanceof Float32Array) || rows.length !== count) return undefined;
  const bad = firstNonFinite(rows);
  if (bad >= 0) {
    fail(fn, 'NON_FINITE')(
      `${name(bad)} is not a finite number`,
      name(bad),
      what ?? 'a finite weight',
      describe(rows[bad]),
    );
  }
  return rows;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** What a `[query][key]` weight array is checked against: the token counts and how to name them. */
interface WeightShape {
  /** Query rows and key columns. */
  q: number;
  k: number;
  /** What one row and one column stand for, in error messages (`'query token'`, `'encoder token'`). */
  row: string;
  col: string;
  /** The indices after `[layer][head]`, in error messages: `'[query][key]'`. */
  axes: string;
}

/** The words of {@link readMatrix}'s messages. */
interface MatrixWords {
  /** A cell: `weight`, `number`. */
  unit: string;
  /** A row: `row`, `vector`. */
  rowUnit: string;
  /** What each row stands for: `(one per query token)`. */
  perRow: string;
  /** What a row holds. */
  rowExpected: string;
  /** How the flat form is read: `(query × key, row-major)`. */
  flatAxes: string;
  /** What each cell must be (`a finite weight` by default). */
  finite?: string;
}

/**
 * Checks an `(n, m)` matrix given as `n` rows of `m` numbers or as one flat row-major array of `n · m`, and
 * copies it into a new `Float32Array`; errors name the place `at` and say what was expected in `words`.
 */
function readMatrix(
  fn: string,
  at: string,
  rows: ArrayLike<unknown>,
  n: number,
  m: number,
  words: MatrixWords,
): Float32Array {
  const shape = fail(fn, 'SHAPE_MISMATCH');
  const { unit, rowUnit, finite } = words;
  const out = new Float32Array(n * m);
  const flat = ArrayBuffer.isView(rows) || (rows.length > 0 && typeof rows[0] === 'number');
  if (flat) {
    if (rows.length !== n * m) {
      shape(
        `${at} is a flat array of ${plural(rows.length, unit)}`,
        at,
        `${n} × ${m} = ${n * m} ${unit}s ${words.flatAxes}`,
        String(rows.length),
      );
    }
    copyFinite(fn, rows, 0, n * m, out, 0, (x) => `${at}[${Math.floor(x / m)}][${x % m}]`, finite);
    return out;
  }
  if (rows.length !== n) {
    shape(
      `${at} has ${plural(rows.length, rowUnit)}`,
      at,
      `${plural(n, rowUnit)} ${words.perRow}`,
      String(rows.length),
    );
  }
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (!isArrayLike(r) || r.length !== m) {
      shape(
        isArrayLike(r) ? `${at}[${i}] has ${plural(r.length, unit)}` : `${at}[${i}] is not an array`,
        `${at}[${i}]`,
        words.rowExpected,
        isArrayLike(r) ? String(r.length) : describe(r),
      );
    }
    copyFinite(fn, r as ArrayLike<unknown>, 0, m, out, i * m, (x) => `${at}[${i}][${x}]`, finite);
  }
  return out;
}

/**
 * Checks one `[layer][head][query][key]` attention array against its token counts and flattens each head into
 * a `Float32Array`; errors name the argument (`attention`, `crossAttention`, …) and the place in it.
 *
 * @internal
 */
export function normalizeWeights(
  fn: string,
  attention: unknown,
  name: string,
  { q, k, row, col, axes }: WeightShape,
): { layers: number; heads: number; weights: Float32Array[] } {
  const shape = fail(fn, 'SHAPE_MISMATCH');
  if (!Array.isArray(attention)) {
    fail(fn, 'INVALID_ARGUMENT')(
      `${name} must be an array indexed [layer][head]${axes}`,
      name,
      'an array of layers',
      describe(attention),
    );
  }
  const layers = attention as unknown[];
  if (layers.length === 0) shape(`${name} has no layers`, name, 'at least one layer', 'an empty array');
  let heads = -1;
  const weights: Float32Array[] = [];
  layers.forEach((layer, l) => {
    if (!Array.isArray(layer)) {
      shape(`${name}[${l}] is not an array of heads`, `${name}[${l}]`, 'an array of heads', describe(layer));
    }
    const hs = layer as unknown[];
    if (heads === -1) heads = hs.length;
    if (hs.length === 0)
      shape(`${name}[${l}] has no heads`, `${name}[${l}]`, 'at least one head', 'an empty array');
    if (hs.length !== heads) {
      shape(
        `${name}[${l}] has ${plural(hs.length, 'head')}, but ${name}[0] has ${heads}`,
        `${name}[${l}]`,
        `${plural(heads, 'head')} in every layer`,
        String(hs.length),
      );
    }
    hs.forEach((head, h) => {
      const at = `${name}[${l}][${h}]`;
      if (!isArrayLike(head)) {
        shape(`${at} is not an array of rows`, at, `${q} rows of ${k} weights`, describe(head));
      }
      const rows = head as ArrayLike<unknown>;
      const same = flatHead(fn, rows, q * k, (x) => `${at}[${Math.floor(x / k)}][${x % k}]`);
      if (same) {
        weights.push(same);
        return;
      }
      const out = readMatrix(fn, at, rows, q, k, {
        unit: 'weight',
        rowUnit: 'row',
        perRow: `(one per ${row})`,
        rowExpected: `${plural(k, 'weight')} (one per ${col})`,
        flatAxes: '(query × key, row-major)',
      });
      weights.push(out);
    });
  });
  return { layers: layers.length, heads, weights };
}

/**
 * Checks self- or cross-attention data (`{ tokens, attention, keyTokens? }`) and flattens each head into a
 * `Float32Array`.
 *
 * @internal
 */
export function normalizeAttention(fn: string, data: unknown, prettify: boolean): AttentionModel {
  if (typeof data !== 'object' || data === null) {
    fail(fn, 'INVALID_ARGUMENT')('data must be an object', 'data', '{ tokens, attention }', describe(data));
  }
  const d = data as Partial<AttentionData>;
  const tokens = checkTokens(fn, d.tokens, 'tokens');
  const keyTokens = d.keyTokens === undefined ? tokens : checkTokens(fn, d.keyTokens, 'keyTokens');
  const { layers, heads, weights } = normalizeWeights(fn, d.attention, 'attention', {
    q: tokens.length,
    k: keyTokens.length,
    row: 'query token',
    col: 'key token',
    axes: '[query][key]',
  });
  return {
    tokens: prettify ? prettifyTokens(tokens) : [...tokens],
    keyTokens: prettify ? prettifyTokens(keyTokens) : [...keyTokens],
    layers,
    heads,
    weights,
    cross: d.keyTokens !== undefined,
  };
}

/** Checks `[layer][head][token][dim]` vectors for `tokens` rows; `like` fixes layers, heads and dim. */
function normalizeVectors(
  fn: string,
  value: unknown,
  name: string,
  tokens: number,
  like?: { layers: number; heads: number; dim: number; of: string },
): { layers: number; heads: number; dim: number; data: Float32Array[] } {
  const shape = fail(fn, 'SHAPE_MISMATCH');
  if (!Array.isArray(value)) {
    fail(fn, 'INVALID_ARGUMENT')(
      `${name} must be an array indexed [layer][head][token][dim]`,
      name,
      'an array of layers',
      describe(value),
    );
  }
  const layers = value as unknown[];
  if (layers.length === 0) shape(`${name} has no layers`, name, 'at least one layer', 'an empty array');
  if (like && layers.length !== like.layers) {
    shape(
      `${name} has ${plural(layers.length, 'layer')}, but ${like.of} has ${like.layers}`,
      name,
      plural(like.layers, 'layer'),
      String(layers.length),
    );
  }
  let heads = like?.heads ?? -1;
  let dim = like?.dim ?? -1;
  const data: Float32Array[] = [];
  layers.forEach((layer, l) => {
    const at = `${name}[${l}]`;
    if (!Array.isArray(layer) || layer.length === 0) {
      shape(`${at} is not an array of heads`, at, 'a non-empty array of heads', describe(layer));
    }
    const hs = layer as unknown[];
    if (heads === -1) heads = hs.length;
    if (hs.length !== heads) {
      shape(
        `${at} has ${plural(hs.length, 'head')}, expected ${heads}`,
        at,
        `${plural(heads, 'head')} in every layer${like ? ` (as ${like.of})` : ''}`,
        String(hs.length),
      );
    }
    hs.forEach((head, h) => {
      const ah = `${at}[${h}]`;
      if (!isArrayLike(head))
        shape(`${ah} is not an array of vectors`, ah, `${tokens} vectors`, describe(head));
      const rows = head as ArrayLike<unknown>;
      const flat = ArrayBuffer.isView(rows) || (rows.length > 0 && typeof rows[0] === 'number');
      if (dim === -1) {
        dim = flat ? rows.length / tokens : isArrayLike(rows[0]) ? (rows[0] as ArrayLike<unknown>).length : 0;
        if (!Number.isInteger(dim) || dim <= 0) {
          shape(
            `${ah} does not hold one vector per token`,
            ah,
            `${tokens} vectors of the same size (one per token)`,
            flat ? `a flat array of ${rows.length} numbers` : describe(rows[0]),
          );
        }
      }
      const out = readMatrix(fn, ah, rows, tokens, dim, {
        unit: 'number',
        rowUnit: 'vector',
        perRow: '(one per token)',
        rowExpected: `${plural(dim, 'number')}${like ? ` (the size of ${like.of}'s vectors)` : ''}`,
        flatAxes: '(token × dim, row-major)',
        finite: 'a finite number',
      });
      data.push(out);
    });
  });
  return { layers: layers.length, heads, dim, data };
}

/**
 * Checks neuron-view data (queries and keys) and flattens each head into a `Float32Array`.
 *
 * @internal
 */
export function normalizeNeuron(fn: string, data: unknown, prettify: boolean): NeuronModel {
  if (typeof data !== 'object' || data === null) {
    fail(fn, 'INVALID_ARGUMENT')(
      'data must be an object',
      'data',
      '{ tokens, queries, keys }',
      describe(data),
    );
  }
  const d = data as Partial<NeuronData>;
  const tokens = checkTokens(fn, d.tokens, 'tokens');
  const keyTokens = d.keyTokens === undefined ? tokens : checkTokens(fn, d.keyTokens, 'keyTokens');
  const queries = normalizeVectors(fn, d.queries, 'queries', tokens.length);
  const keys = normalizeVectors(fn, d.keys, 'keys', keyTokens.length, { ...queries, of: 'queries' });
  return {
    tokens: prettify ? prettifyTokens(tokens) : [...tokens],
    keyTokens: prettify ? prettifyTokens(keyTokens) : [...keyTokens],
    layers: queries.layers,
    heads: queries.heads,
    dim: queries.dim,
    queries: queries.data,
    keys: keys.data,
  };
}

/**
 * Checks a BPE trace (the shape of `encodeAndShowWork`'s result).
 *
 * @internal
 */
export function normalizeBpe(fn: string, data: unknown): BpePartModel[] {
  const bad = fail(fn, 'INVALID_ARGUMENT');
  checkListOf(
    fn,
    data,
    'parts',
    'data must be a BPE trace',
    '{ parts: [{ token, tokenBytes, tokenTranslated, tokenMerged, tokenIx }] }',
  );
  return (data as BpeWork).parts.map((part, i) => {
    const at = `parts[${i}]`;
    if (typeof part !== 'object' || part === null)
      bad(`${at} is not an object`, at, 'an object', describe(part));
    if (typeof part.token !== 'string')
      bad(`${at}.token is not a string`, `${at}.token`, 'a string', describe(part.token));
    if (!isArrayLike(part.tokenBytes)) {
      bad(
        `${at}.tokenBytes is not an array of bytes`,
        `${at}.tokenBytes`,
        'a Uint8Array or number[]',
        describe(part.tokenBytes),
      );
    }
    if (
      !Array.isArray(part.tokenMerged) ||
      !Array.isArray(part.tokenIx) ||
      part.tokenMerged.length !== part.tokenIx.length
    ) {
      bad(
        `${at}.tokenMerged and ${at}.tokenIx do not match`,
        `${at}.tokenIx`,
        'two arrays of the same length (one id per merged token)',
        `${describe(part.tokenMerged)} and ${describe(part.tokenIx)}`,
      );
    }
    const merged = part.tokenMerged.map(String);
    return {
      token: part.token,
      bytes: Array.from(part.tokenBytes, Number),
      translated: typeof part.tokenTranslated === 'string' ? part.tokenTranslated : '',
      merged,
      display: prettifyTokens(merged),
      ids: part.tokenIx.map(Number),
    };
  });
}

/**
 * Checks loss points.
 *
 * @internal
 */
export function normalizeLoss(fn: string, data: unknown): LossModel {
  checkListOf(
    fn,
    data,
    'points',
    'data must be { points, bayesLoss? }',
    '{ points: [{ step, loss }], bayesLoss? }',
  );
  const d = data as LossData;
  const points = d.points.map((p, i) => checkPoint(fn, p, `points[${i}]`));
  if (d.bayesLoss !== undefined && !Number.isFinite(d.bayesLoss)) {
    fail(fn, 'NON_FINITE')(
      'bayesLoss is not a finite number',
      'bayesLoss',
      'a finite number',
      describe(d.bayesLoss),
    );
  }
  return { points, bayesLoss: d.bayesLoss };
}

/**
 * Checks one loss point.
 *
 * @internal
 */
export function checkPoint(fn: string, point: unknown, name: string): LossPoint {
  const p = point as LossPoint;
  if (typeof p !== 'object' || p === null || !Number.isFinite(p.step) || !Number.isFinite(p.loss)) {
    fail(fn, typeof p === 'object' && p !== null ? 'NON_FINITE' : 'INVALID_ARGUMENT')(
      `${name} is not a point with a finite step and loss`,
      name,
      '{ step: number, loss: number }, both finite',
      typeof p === 'object' && p !== null
        ? `{ step: ${String(p.step)}, loss: ${String(p.loss)} }`
        : describe(p),
    );
  }
  return { step: p.step, loss: p.loss };
}
