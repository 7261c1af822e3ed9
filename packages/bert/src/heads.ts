/**
 * attentionPatterns: how much attention each head of a BERT puts, on average, on the positions that the
 * analyses of BERT's heads look at (Clark et al. 2019, "What Does BERT Look At?"): the previous token, the
 * next token, the token itself, `[CLS]`, `[SEP]`, other occurrences of the same token, and the other
 * WordPieces of the same word. The answer to Exercise 2.4's "Do you notice any interesting pattern?", in
 * numbers: a head whose `previous` is 0.7 puts 70% of every query's attention on the token before it.
 * headPatterns scores one input from its attention weights `(layers, heads, T, T)` and its tokens (any
 * model's); attentionPatterns runs a BERT on sentences and pools them; strongestHeads names the best head of
 * each pattern.
 */

import { check, LxmlsBertError } from './errors.js';
import type { BertModel } from './model.js';
import type { BertTokenizer } from './tokenizer.js';
import { attentionForViz } from './viz.js';

/** The mean attention of one head on each kind of position (each a number in [0, 1], or NaN if none). */
export interface HeadPatternScores {
  /** The layer, from 0. */
  layer: number;
  /** The head, from 0. */
  head: number;
  /** On key i − 1, over queries i ≥ 1. */
  previous: number;
  /** On key i + 1, over queries i < T − 1. */
  next: number;
  /** On key i itself. */
  self: number;
  /** On `[CLS]`, over all queries of inputs that have one. */
  cls: number;
  /** On the `[SEP]`s, over all queries of inputs that have one. */
  sep: number;
  /** On the other positions holding the same token, over queries whose token occurs again. */
  sameToken: number;
  /** On the other WordPieces of the same word (`run ##ning`), over queries in words of several pieces. */
  sameWord: number;
}

/** The measured pattern names, in the order of {@link HeadPatternScores}. */
export type AttentionPattern = 'previous' | 'next' | 'self' | 'cls' | 'sep' | 'sameToken' | 'sameWord';

/** Every pattern name, in a fixed order. */
const PATTERNS: readonly AttentionPattern[] = [
  'previous',
  'next',
  'self',
  'cls',
  'sep',
  'sameToken',
  'sameWord',
];

/** What {@link attentionPatterns} returns. */
export interface AttentionPatterns {
  /** One entry per layer and head, layer-major. */
  heads: HeadPatternScores[];
  /** How many texts were measured. */
  texts: number;
  /** How many query positions were averaged over (all texts). */
  queries: number;
}

/** Options of {@link attentionPatterns}. */
export interface AttentionPatternsOptions {
  /** Add `[CLS]`/`[SEP]` (default true, as BERT was trained). */
  addSpecialTokens?: boolean;
}

/**
 * One head's `T × T` attention weights (query × key): `T` rows, or one row-major array of `T · T` numbers
 * (as `lxmls viz` and `@lxmls/viz` hold them).
 */
export type HeadWeights = readonly ArrayLike<number>[] | ArrayLike<number>;

/** Options of {@link headPatterns}. */
export interface HeadPatternsOptions {
  /** The token that counts as `[CLS]` (default `'[CLS]'`). */
  clsToken?: string;
  /** The token that counts as `[SEP]` (default `'[SEP]'`). */
  sepToken?: string;
  /** The prefix of a WordPiece that continues a word (default `'##'`, BERT's). */
  continuationPrefix?: string;
}

/** Sums of attention mass per layer, head and pattern, and the queries counted per pattern. */
class PatternSums {
  readonly sums: Float64Array;
  readonly counts = new Float64Array(PATTERNS.length); // queries counted per pattern (the same for every head)
  queries = 0;
  texts = 0;

  constructor(
    readonly layers: number,
    readonly heads: number,
  ) {
    this.sums = new Float64Array(layers * heads * PATTERNS.length);
  }

  /** Adds one input's weights `(L, H, T, T)` with its tokens. */
  add(
    fn: string,
    attention: readonly (readonly HeadWeights[])[],
    tokens: readonly string[],
    options: HeadPatternsOptions,
  ): void {
    const { clsToken = '[CLS]', sepToken = '[SEP]', continuationPrefix = '##' } = options;
    const T = tokens.length;
    const L = this.layers;
    const H = this.heads;
    const rows: ArrayLike<number>[][][] = []; // [layer][head][query] → the T weights of that query
    if (attention.length !== L)
      check.fail(
        fn,
        'attention',
        undefined,
        'attention has another number of layers',
        `${L} layers (layers, heads, T, T)`,
        { code: 'SHAPE_MISMATCH', received: `${attention.length} layers` },
      );
    for (let l = 0; l < L; l++) {
      const layer = attention[l]!;
      if (layer.length !== H)
        check.fail(
          fn,
          `attention[${l}]`,
          undefined,
          `attention[${l}] has another number of heads than attention[0]`,
          `${H} heads`,
          { code: 'SHAPE_MISMATCH', received: `${layer.length} heads` },
        );
      rows.push(
        layer.map((w, h) => {
          const flat =
            typeof (w as ArrayLike<unknown>)[0] === 'number' || (w as ArrayLike<unknown>).length === 0;
          const ok = flat ? w.length === T * T : w.length === T;
          if (!ok)
            check.fail(
              fn,
              `attention[${l}][${h}]`,
              undefined,
              `attention[${l}][${h}] (a head's weights) does not match the tokens`,
              `${T} rows of ${T} (or ${T * T} numbers) for the ${T} tokens`,
              { code: 'SHAPE_MISMATCH', received: `${w.length} ${flat ? 'numbers' : 'rows'}` },
            );
          if (!flat) return Array.from(w as readonly ArrayLike<number>[]);
          const a = w as ArrayLike<number> & { subarray?: (from: number, to: number) => ArrayLike<number> };
          return Array.from({ length: T }, (_, i) =>
            a.subarray ? a.subarray(i * T, (i + 1) * T) : Array.prototype.slice.call(a, i * T, (i + 1) * T),
          );
        }),
      );
    }
    const cls = tokens.flatMap((t, i) => (t === clsToken ? [i] : []));
    const sep = tokens.flatMap((t, i) => (t === sepToken ? [i] : []));
    const word: number[] = []; // word index of each piece
    tokens.forEach((t, i) => {
      word.push(i > 0 && t.startsWith(continuationPrefix) ? word[i - 1]! : i);
    });
    for (let i = 0; i < T; i++) {
      const same = [];
      const sameWord = [];
      for (let j = 0; j < T; j++) {
        if (j === i) continue;
        if (tokens[j] === tokens[i]) same.push(j);
        if (word[j] === word[i]) sameWord.push(j);
      }
      const keys: (number[] | null)[] = [
        i > 0 ? [i - 1] : null,
        i < T - 1 ? [i + 1] : null,
        [i],
        cls.length > 0 ? cls : null,
        sep.length > 0 ? sep : null,
        same.length > 0 ? same : null,
        sameWord.length > 0 ? sameWord : null,
      ];
      keys.forEach((k, p) => {
        if (k) this.counts[p]! += 1;
      });
      for (let l = 0; l < L; l++) {
        for (let h = 0; h < H; h++) {
          const row = rows[l]![h]![i]!;
          const base = (l * H + h) * PATTERNS.length;
          keys.forEach((k, p) => {
            if (k) for (const j of k) this.sums[base + p]! += row[j]!;
          });
        }
      }
      this.queries++;
    }
    this.texts++;
  }

  /** The means. */
  result(): AttentionPatterns {
    const heads: HeadPatternScores[] = [];
    for (let l = 0; l < this.layers; l++) {
      for (let h = 0; h < this.heads; h++) {
        const base = (l * this.heads + h) * PATTERNS.length;
        const score = (p: number) =>
          this.counts[p]! > 0 ? this.sums[base + p]! / this.counts[p]! : Number.NaN;
        heads.push({
          layer: l,
          head: h,
          previous: score(0),
          next: score(1),
          self: score(2),
          cls: score(3),
          sep: score(4),
          sameToken: score(5),
          sameWord: score(6),
        });
      }
    }
    return { heads, texts: this.texts, queries: this.queries };
  }
}

/**
 * Scores every head of one input from its attention weights and its tokens: the mean, over the queries, of
 * the attention mass each query puts on the previous token, the next token, itself, `[CLS]`, the `[SEP]`s,
 * the other positions holding the same token, and the other WordPieces of its word (pieces joined by `##`).
 * Queries without such a key (the first has no previous token) are left out of that score; a score no query
 * has is NaN (no `[CLS]` in the input). Works for any model's weights: a GPT's tokens simply have no `##`.
 *
 * @param attention - The weights `(layers, heads, T, T)`: `attention[layer][head]` holds `T` rows (query ×
 *   key) or one row-major array of `T · T` numbers; `outputs.attentions` of one input.
 * @param tokens - The `T` tokens, as the tokenizer writes them (`'[CLS]'`, `'run'`, `'##ning'`).
 * @param options - The special tokens and the continuation prefix.
 * @returns `{ heads, texts: 1, queries: T }`, one entry per layer and head, layer-major; pass it to
 *   {@link strongestHeads} for the best head of each pattern.
 * @throws {@link LxmlsBertError} `SHAPE_MISMATCH` when the heads or rows disagree with the tokens.
 * @remarks Python: no toolkit counterpart; the measures of Clark et al. (2019) on `outputs.attentions`.
 * @example
 * ```ts
 * import { headPatterns, strongestHeads } from '@lxmls/bert';
 * const tokens = ['[CLS]', 'a', 'run', '##ning', 'dog', '[SEP]'];
 * const T = tokens.length;
 * // head 0 looks at the token before (the first at itself), head 1 at [SEP]
 * const previous = tokens.map((_, i) => tokens.map((_, j) => (j === Math.max(i - 1, 0) ? 1 : 0)));
 * const sep = tokens.map(() => tokens.map((_, j) => (j === T - 1 ? 1 : 0)));
 * const { heads } = headPatterns([[previous, sep]], tokens);
 * console.log(heads[0]!.previous, heads[0]!.next, heads[1]!.sep, heads[0]!.sameWord); // → 1 0 1 0.5
 * console.log(strongestHeads({ heads, texts: 1, queries: T }, 0.5).map((b) => `${b.pattern} ${b.layer}.${b.head}`)); // → [ 'previous 0.0', 'sep 0.1', 'sameWord 0.0' ]
 * ```
 */
export function headPatterns(
  attention: readonly (readonly HeadWeights[])[],
  tokens: readonly string[],
  options: HeadPatternsOptions = {},
): AttentionPatterns {
  const sums = new PatternSums(attention.length, attention[0]?.length ?? 0);
  sums.add('headPatterns', attention, tokens, options);
  return sums.result();
}

/**
 * Measures, for every layer and head, the mean attention on the previous / next token, itself, `[CLS]`,
 * `[SEP]`, the same token elsewhere, and the other pieces of the same word, over `texts`.
 *
 * Each score is a mean over query positions of the attention mass the query puts on that kind of key (the sum
 * over keys of that kind), pooled over all texts (as {@link headPatterns} scores one input); queries without
 * such a key are left out of that score.
 *
 * @param model - A BERT.
 * @param tokenizer - Its tokenizer.
 * @param texts - Sentences (held-out ones, to measure a trained model).
 * @param options - `addSpecialTokens` (default true).
 * @returns `{ heads, texts, queries }`.
 * @remarks Python: no toolkit counterpart; the measures of Clark et al. (2019), computed from
 *   `outputs.attentions`.
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { fileURLToPath } from 'node:url';
 * import { attentionPatterns, BertModel, BertTokenizer } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const dir = fileURLToPath(modelUrl('lxmls/bert-mini'));
 * const model = BertModel.fromSafetensors(readFileSync(`${dir}/config.json`, 'utf8'), readFileSync(`${dir}/model.safetensors`));
 * const tokenizer = BertTokenizer.fromVocab(readFileSync(`${dir}/vocab.txt`, 'utf8'));
 * const { heads, queries } = attentionPatterns(model, tokenizer, ['I will go for a run and will jump into a lake.']);
 * console.log(heads.length, queries, heads[0]!.layer, heads[0]!.head); // → 16 15 0 0
 * const h = heads[0]!;
 * console.log(h.previous + h.next + h.self <= 1 + 1e-6, h.cls >= 0 && h.cls <= 1); // → true true
 * ```
 */
export function attentionPatterns(
  model: BertModel,
  tokenizer: BertTokenizer,
  texts: readonly string[],
  options: AttentionPatternsOptions = {},
): AttentionPatterns {
  const { addSpecialTokens = true } = options;
  const sums = new PatternSums(model.config.numHiddenLayers, model.config.numAttentionHeads);
  for (const text of texts) {
    const { tokens, attention } = attentionForViz(model, tokenizer, text, { addSpecialTokens });
    sums.add('attentionPatterns', attention, tokens, {
      clsToken: tokenizer.clsToken,
      sepToken: tokenizer.sepToken,
    });
  }
  return sums.result();
}

/**
 * The heads that show a pattern most clearly: for each pattern, the head with the highest score, if that
 * score is at least `threshold`.
 *
 * @param patterns - What {@link attentionPatterns} returned.
 * @param threshold - The least score worth naming (default 0.3).
 * @returns `{ pattern, layer, head, score }` per pattern, best first.
 * @example
 * ```ts
 * import { strongestHeads } from '@lxmls/bert';
 * const head = (layer: number, h: number, previous: number, next: number) =>
 *   ({ layer, head: h, previous, next, self: 0, cls: 0.1, sep: 0.2, sameToken: 0, sameWord: 0 });
 * const best = strongestHeads({ heads: [head(0, 0, 0.8, 0.1), head(0, 1, 0.1, 0.6)], texts: 1, queries: 10 });
 * console.log(best.map((b) => `${b.pattern} ${b.layer}.${b.head} ${b.score}`)); // → [ 'previous 0.0 0.8', 'next 0.1 0.6' ]
 * ```
 */
export function strongestHeads(
  patterns: AttentionPatterns,
  threshold = 0.3,
): { pattern: AttentionPattern; layer: number; head: number; score: number }[] {
  const out: { pattern: AttentionPattern; layer: number; head: number; score: number }[] = [];
  for (const pattern of PATTERNS) {
    let best: HeadPatternScores | null = null;
    for (const h of patterns.heads) {
      if (Number.isFinite(h[pattern]) && (best === null || h[pattern] > best[pattern])) best = h;
    }
    if (best && best[pattern] >= threshold) {
      out.push({ pattern, layer: best.layer, head: best.head, score: best[pattern] });
    }
  }
  return out.sort((a, b) => b.score - a.score);
}
