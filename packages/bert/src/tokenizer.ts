/**
 * BertTokenizer: Hugging Face's BERT tokenizer (WordPiece), loaded from a `vocab.txt` or a `tokenizer.json`.
 *
 * text → special tokens split off as they are (`[CLS]`, `[SEP]`, `[MASK]` … are never lower-cased or split)
 *      → {@link BasicTokenizer} (clean, CJK spacing, accents, lower case, whitespace and punctuation split)
 *      → {@link WordpieceTokenizer} (greedy longest match with `##`) → ids, with `[CLS] a [SEP] (b [SEP])`.
 *
 * Same tokens and ids as `transformers.BertTokenizer` (checked on 40 hard strings against transformers 5.17).
 *
 * A little over 500 lines: the `BertTokenizer` class is one unit (vocabulary, special tokens, and the
 * `tokenize` / `encode` / `encodeBatch` / `decode` family share its private state), most of it TSDoc; its two
 * steps already have their own files (basic-tokenizer.ts, wordpiece.ts).
 */

import type { SourceOptions } from '@lxmls/hub';
import { BasicTokenizer, type BasicTokenizerOptions } from './basic-tokenizer.js';
import { check, expectBoolean, expectString, LxmlsBertError } from './errors.js';
import { parseTokenizerJson, parseVocabTxt } from './vocab.js';
import { type WordpieceOptions, WordpieceTokenizer } from './wordpiece.js';

/** Options of {@link BertTokenizer}: the BasicTokenizer's and WordPiece's, and the special tokens. */
export interface BertTokenizerOptions extends BasicTokenizerOptions, WordpieceOptions {
  /** The separator, appended after each sequence (default `[SEP]`). */
  sepToken?: string;
  /** The classifier token, prepended to the input (default `[CLS]`). */
  clsToken?: string;
  /** The padding token of {@link BertTokenizer.encodeBatch} (default `[PAD]`). */
  padToken?: string;
  /** The mask token of masked language modelling (default `[MASK]`). */
  maskToken?: string;
  /** More tokens kept whole wherever they appear in the text, like the special tokens. */
  neverSplit?: readonly string[];
  /** Whether {@link BertTokenizer.decode} removes spaces before punctuation (default true). */
  cleanUpTokenizationSpaces?: boolean;
}

/** Options of {@link BertTokenizer.encode}. */
export interface BertEncodeOptions {
  /** Add `[CLS]` … `[SEP]` (default true). Python: `add_special_tokens`. */
  addSpecialTokens?: boolean;
  /** A second sequence: `[CLS] text [SEP] pair [SEP]`, its token type ids 1. Python: `text_pair`. */
  pair?: string;
}

/** Options of {@link BertTokenizer.decode}. */
export interface BertDecodeOptions {
  /** Leave out the special tokens (default false). Python: `skip_special_tokens`. */
  skipSpecialTokens?: boolean;
  /** Remove the space before `.`, `?`, `!`, `,` and in `n't`, `'s`… (default: the tokenizer's setting, true). */
  cleanUpTokenizationSpaces?: boolean;
}

/** One encoded input, as Hugging Face's `BatchEncoding` for a single text (plus the tokens). */
export interface BertEncoding {
  /** The token ids. Python: `input_ids`. */
  ids: number[];
  /** The tokens, special tokens included. */
  tokens: string[];
  /** 0 for the first sequence (and `[CLS]`), 1 for the second. Python: `token_type_ids`. */
  tokenTypeIds: number[];
  /** All 1 (no padding in a single encoding). Python: `attention_mask`. */
  attentionMask: number[];
}

/** A padded batch from {@link BertTokenizer.encodeBatch}: rows of equal length. */
export interface BertBatchEncoding {
  /** `(B, T)` token ids, padded with the pad id on the right. */
  ids: number[][];
  /** `(B, T)` tokens, padded with the pad token. */
  tokens: string[][];
  /** `(B, T)` token type ids (0 in padding). */
  tokenTypeIds: number[][];
  /** `(B, T)`: 1 for a real token, 0 for padding. */
  attentionMask: number[][];
}

/**
 * transformers' `clean_up_tokenization` on the joined text (it covers what the `tokenizers` WordPiece decoder's
 * per-token clean-up does, and also joins `don ' t` into `don't`).
 */
function cleanUp(text: string): string {
  return text
    .replaceAll(' .', '.')
    .replaceAll(' ?', '?')
    .replaceAll(' !', '!')
    .replaceAll(' ,', ',')
    .replaceAll(" ' ", "'")
    .replaceAll(" n't", "n't")
    .replaceAll(" 'm", "'m")
    .replaceAll(" 's", "'s")
    .replaceAll(" 've", "'ve")
    .replaceAll(" 're", "'re");
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * BERT's WordPiece tokenizer, identical to Hugging Face's `BertTokenizer` (`bert-base-uncased` and friends).
 *
 * @remarks Python: `transformers.BertTokenizer` (`tokenize`, `__call__` / `encode`, `decode`,
 * `convert_tokens_to_ids`, `convert_ids_to_tokens`).
 * @example
 * ```ts
 * import { readFileSync } from 'node:fs';
 * import { modelUrl } from '@lxmls/models';
 * import { BertTokenizer } from '@lxmls/bert';
 * const tokenizer = BertTokenizer.fromVocab(readFileSync(new URL('vocab.txt', modelUrl('lxmls/bert-mini')), 'utf8'));
 * const tokens = tokenizer.tokenize('I will go for a run and will jump into a lake.');
 * console.log(tokens.length, tokens); // → 13 [ 'i', 'will', 'go', 'for', 'a', 'run', 'and', 'will', 'jump', 'into', 'a', 'lake', '.' ]
 * console.log(tokenizer.encode('Hello, world!').ids); // → [ 101, 7592, 1010, 2088, 999, 102 ]
 * ```
 */
export class BertTokenizer {
  /** The normaliser and pre-tokenizer. */
  readonly basicTokenizer: BasicTokenizer;
  /** The WordPiece splitter. */
  readonly wordpieceTokenizer: WordpieceTokenizer;
  /** `[UNK]`. */
  readonly unkToken: string;
  /** `[SEP]`. */
  readonly sepToken: string;
  /** `[CLS]`. */
  readonly clsToken: string;
  /** `[PAD]`. */
  readonly padToken: string;
  /** `[MASK]`. */
  readonly maskToken: string;
  /** The special tokens present in the vocabulary, in id order (`[PAD]`, `[UNK]`, `[CLS]`, `[SEP]`, `[MASK]`). */
  readonly specialTokens: readonly string[];
  /** The default of {@link BertDecodeOptions.cleanUpTokenizationSpaces}. */
  readonly cleanUpTokenizationSpaces: boolean;
  readonly #vocab: ReadonlyMap<string, number>;
  readonly #idToToken: ReadonlyMap<number, string>;
  readonly #specialIds: ReadonlySet<number>;
  /** Matches the never-split tokens, longest first (null when there is none). */
  readonly #neverSplit: RegExp | null;

  /**
   * @param vocab - Token → id (as `vocab.txt` lines give it: the line number is the id).
   * @param options - Lower-casing, accents, CJK, WordPiece and special-token settings (Hugging Face defaults).
   * @throws {@link LxmlsBertError} `INVALID_VOCABULARY` when `[UNK]`, `[CLS]` or `[SEP]` is missing.
   */
  constructor(vocab: ReadonlyMap<string, number>, options: BertTokenizerOptions = {}) {
    const fn = 'BertTokenizer';
    if (!(vocab instanceof Map))
      check.fail(fn, 'vocab', vocab, 'vocab must be a Map from tokens to ids', 'a Map<string, number>');
    const {
      sepToken = '[SEP]',
      clsToken = '[CLS]',
      padToken = '[PAD]',
      maskToken = '[MASK]',
      neverSplit = [],
      cleanUpTokenizationSpaces = true,
    } = options;
    for (const [name, value] of Object.entries({ sepToken, clsToken, padToken, maskToken }))
      expectString(value, fn, name);
    expectBoolean(cleanUpTokenizationSpaces, fn, 'cleanUpTokenizationSpaces');
    if (!Array.isArray(neverSplit) || neverSplit.some((t) => typeof t !== 'string' || t === ''))
      check.fail(
        fn,
        'neverSplit',
        neverSplit,
        'neverSplit must be an array of non-empty strings',
        'an array of non-empty strings',
      );
    this.basicTokenizer = new BasicTokenizer(options);
    this.wordpieceTokenizer = new WordpieceTokenizer(vocab, options);
    this.unkToken = this.wordpieceTokenizer.unkToken;
    for (const [name, token] of [
      ['clsToken', clsToken],
      ['sepToken', sepToken],
    ] as const) {
      if (!vocab.has(token))
        check.fail(
          fn,
          name,
          undefined,
          `the vocabulary lacks the ${name}`,
          `a vocabulary containing ${JSON.stringify(token)}`,
          { code: 'INVALID_VOCABULARY', received: `${vocab.size} tokens without it` },
        );
    }
    this.sepToken = sepToken;
    this.clsToken = clsToken;
    this.padToken = padToken;
    this.maskToken = maskToken;
    this.cleanUpTokenizationSpaces = cleanUpTokenizationSpaces;
    this.#vocab = vocab;
    const idToToken = new Map<number, string>();
    for (const [token, id] of vocab) idToToken.set(id, token);
    this.#idToToken = idToToken;
    const specials = [padToken, this.unkToken, clsToken, sepToken, maskToken].filter((t) => vocab.has(t));
    this.specialTokens = [...new Set(specials)].sort((a, b) => vocab.get(a)! - vocab.get(b)!);
    this.#specialIds = new Set(this.specialTokens.map((t) => vocab.get(t)!));
    const whole = [...new Set([...this.specialTokens, ...neverSplit])].sort((a, b) => b.length - a.length);
    this.#neverSplit = whole.length > 0 ? new RegExp(whole.map(escapeRegExp).join('|'), 'g') : null;
  }

  /**
   * Loads the tokenizer of a BERT in Hugging Face's layout from a folder, an http(s) URL or a hub id:
   * `tokenizer.json`, else `vocab.txt`, with `tokenizer_config.json` (see {@link loadBertTokenizer}).
   *
   * @param source - A folder path, a URL, or a hub id.
   * @param options - @lxmls/hub's source options (`hubUrl`, `revision`, `cacheDir`, `localOnly`, ...).
   * @returns The tokenizer.
   * @remarks Python: `BertTokenizer.from_pretrained(source)`.
   * @example
   * ```ts
   * import { fileURLToPath } from 'node:url';
   * import { BertTokenizer } from '@lxmls/bert';
   * import { modelUrl } from '@lxmls/models';
   * const tokenizer = await BertTokenizer.fromPretrained(fileURLToPath(modelUrl('lxmls/bert-mini')));
   * console.log(tokenizer.vocabSize); // → 30522
   * ```
   */
  static async fromPretrained(source: string, options: SourceOptions = {}): Promise<BertTokenizer> {
    const { loadBertTokenizer } = await import('./load.js'); // load.ts imports this module: loaded on first use
    return loadBertTokenizer(source, options);
  }

  /**
   * Builds a tokenizer from the text of a `vocab.txt` (one token per line; the line number is the id).
   *
   * @param text - The file's text.
   * @param options - As the constructor; defaults are `bert-base-uncased`'s.
   * @returns The tokenizer.
   * @throws {@link LxmlsBertError} `INVALID_VOCABULARY` when `[UNK]`, `[CLS]` or `[SEP]` is missing.
   * @remarks Python: `BertTokenizer(vocab_file, do_lower_case=True, …)`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\nplay\n##ing\n!\n');
   * console.log(tokenizer.encode('Playing!').tokens); // → [ '[CLS]', 'play', '##ing', '!', '[SEP]' ]
   * ```
   */
  static fromVocab(text: string, options: BertTokenizerOptions = {}): BertTokenizer {
    return new BertTokenizer(parseVocabTxt(text, 'BertTokenizer.fromVocab'), options);
  }

  /**
   * Builds a tokenizer from a Hugging Face `tokenizer.json` of a BERT (WordPiece model, `BertNormalizer`,
   * `BertPreTokenizer`, `[CLS] $A [SEP]` post-processing), taking its settings from the file.
   *
   * @param json - The file's text, or the parsed object.
   * @param options - Overrides of the file's settings (e.g. from `tokenizer_config.json`).
   * @returns The tokenizer.
   * @throws {@link LxmlsBertError} `UNSUPPORTED_TOKENIZER` for another kind of tokenizer or a file that is not
   *   JSON; `INVALID_VOCABULARY` when a needed token is missing.
   * @remarks Python: `BertTokenizer.from_pretrained(folder)` (transformers 5 reads `tokenizer.json`).
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * // A BERT's tokenizer.json, cut down to the parts read: lower-casing (accents stripped), [CLS] $A [SEP], WordPiece.
   * const json = {
   *   normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
   *   pre_tokenizer: { type: 'BertPreTokenizer' },
   *   post_processor: { type: 'BertProcessing', cls: ['[CLS]', 2], sep: ['[SEP]', 3] },
   *   model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, '[MASK]': 4, naive: 5, '?': 6 } },
   * };
   * const tokenizer = BertTokenizer.fromTokenizerJson(JSON.stringify(json));
   * console.log(tokenizer.encode('Naïve?', { pair: 'NAIVE' }).ids); // → [ 2, 5, 6, 3, 5, 3 ]
   * ```
   */
  static fromTokenizerJson(json: string | object, options: BertTokenizerOptions = {}): BertTokenizer {
    const parsed = parseTokenizerJson(json, 'BertTokenizer.fromTokenizerJson');
    return new BertTokenizer(parsed.vocab, { ...parsed.options, ...options });
  }

  /** The number of tokens (ids) in the vocabulary. Python: `len(tokenizer)`. */
  get vocabSize(): number {
    return this.#idToToken.size;
  }

  /** The id of `[CLS]`. */
  get clsTokenId(): number {
    return this.#vocab.get(this.clsToken)!;
  }

  /** The id of `[SEP]`. */
  get sepTokenId(): number {
    return this.#vocab.get(this.sepToken)!;
  }

  /** The id of `[UNK]`. */
  get unkTokenId(): number {
    return this.#vocab.get(this.unkToken)!;
  }

  /** The id of `[PAD]`, or null when the vocabulary has none. */
  get padTokenId(): number | null {
    return this.#vocab.get(this.padToken) ?? null;
  }

  /** The id of `[MASK]`, or null when the vocabulary has none. */
  get maskTokenId(): number | null {
    return this.#vocab.get(this.maskToken) ?? null;
  }

  /**
   * A copy of the vocabulary, token → id.
   *
   * @returns A new Map. Python: `get_vocab()`.
   */
  getVocab(): Map<string, number> {
    return new Map(this.#vocab);
  }

  /**
   * Text → WordPiece tokens, without `[CLS]`/`[SEP]` (special tokens written in the text are kept whole).
   *
   * @param text - Any string.
   * @returns The tokens.
   * @remarks Python: `tokenizer.tokenize(text)`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nthe\ncat\n');
   * console.log(tokenizer.tokenize('The [MASK] cat [mask]')); // → [ 'the', '[MASK]', 'cat', '[UNK]', '[UNK]', '[UNK]' ]
   * ```
   */
  tokenize(text: string): string[] {
    expectString(text, 'BertTokenizer.tokenize');
    const out: string[] = [];
    const words = (chunk: string) => {
      for (const word of this.basicTokenizer.tokenize(chunk))
        out.push(...this.wordpieceTokenizer.tokenize(word));
    };
    if (this.#neverSplit === null) {
      words(text);
      return out;
    }
    let last = 0;
    for (const match of text.matchAll(this.#neverSplit)) {
      words(text.slice(last, match.index));
      out.push(match[0]);
      last = match.index + match[0].length;
    }
    words(text.slice(last));
    return out;
  }

  /**
   * Text (and an optional second text) → ids, tokens, token type ids and attention mask.
   *
   * @param text - The first sequence.
   * @param options - `addSpecialTokens` (default true), `pair`.
   * @returns The encoding.
   * @remarks Python: `tokenizer(text, text_pair)` / `tokenizer.encode(text)`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\nthere\n');
   * const enc = tokenizer.encode('Hi', { pair: 'there' });
   * console.log(enc.tokens, enc.ids, enc.tokenTypeIds); // → [ '[CLS]', 'hi', '[SEP]', 'there', '[SEP]' ] [ 2, 4, 3, 5, 3 ] [ 0, 0, 0, 1, 1 ]
   * ```
   */
  encode(text: string, options: BertEncodeOptions = {}): BertEncoding {
    const fn = 'BertTokenizer.encode';
    expectString(text, fn);
    const { addSpecialTokens = true, pair } = options;
    expectBoolean(addSpecialTokens, fn, 'addSpecialTokens');
    if (pair !== undefined) expectString(pair, fn, 'pair');
    const a = this.tokenize(text);
    const b = pair === undefined ? null : this.tokenize(pair);
    const tokens: string[] = [];
    const tokenTypeIds: number[] = [];
    const push = (items: readonly string[], type: number) => {
      for (const t of items) {
        tokens.push(t);
        tokenTypeIds.push(type);
      }
    };
    if (addSpecialTokens) push([this.clsToken], 0);
    push(a, 0);
    if (addSpecialTokens) push([this.sepToken], 0);
    if (b !== null) {
      push(b, 1);
      if (addSpecialTokens) push([this.sepToken], 1);
    }
    return { ids: this.convertTokensToIds(tokens), tokens, tokenTypeIds, attentionMask: tokens.map(() => 1) };
  }

  /**
   * Several texts → one padded batch (pad on the right to the longest), ready for `BertModel.forward`.
   *
   * @param texts - The texts.
   * @param options - `addSpecialTokens` (default true).
   * @returns `(B, T)` ids, tokens, token type ids and attention mask (0 on padding).
   * @throws {@link LxmlsBertError} `INVALID_VOCABULARY` when padding is needed and there is no `[PAD]`.
   * @remarks Python: `tokenizer(texts, padding=True)`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\nthere\n');
   * const batch = tokenizer.encodeBatch(['hi there', 'hi']);
   * console.log(batch.ids, batch.attentionMask); // → [ [ 2, 4, 5, 3 ], [ 2, 4, 3, 0 ] ] [ [ 1, 1, 1, 1 ], [ 1, 1, 1, 0 ] ]
   * ```
   */
  encodeBatch(texts: readonly string[], options: Omit<BertEncodeOptions, 'pair'> = {}): BertBatchEncoding {
    const fn = 'BertTokenizer.encodeBatch';
    if (!Array.isArray(texts))
      check.fail(fn, 'texts', texts, 'texts must be an array of strings', 'an array of strings');
    const encodings = texts.map((text, i) => {
      expectString(text, fn, `texts[${i}]`);
      return this.encode(text, options);
    });
    const T = Math.max(0, ...encodings.map((e) => e.ids.length));
    const padId = this.padTokenId;
    if (padId === null && encodings.some((e) => e.ids.length < T))
      check.fail(
        fn,
        'padToken',
        undefined,
        'the vocabulary lacks the padToken needed to pad',
        `a vocabulary containing ${JSON.stringify(this.padToken)}`,
        { code: 'INVALID_VOCABULARY', received: `${this.#vocab.size} tokens without it` },
      );
    const pad = <V>(row: V[], value: V) => [...row, ...Array<V>(T - row.length).fill(value)];
    return {
      ids: encodings.map((e) => pad(e.ids, padId ?? 0)),
      tokens: encodings.map((e) => pad(e.tokens, this.padToken)),
      tokenTypeIds: encodings.map((e) => pad(e.tokenTypeIds, 0)),
      attentionMask: encodings.map((e) => pad(e.attentionMask, 0)),
    };
  }

  /**
   * Ids → text: pieces joined, `##` continuations glued to the previous piece, spaces before punctuation
   * removed. The result is lower-cased and accent-free, as the tokens are.
   *
   * @param ids - Token ids.
   * @param options - `skipSpecialTokens` (default false), `cleanUpTokenizationSpaces` (default true).
   * @returns The text.
   * @throws {@link LxmlsBertError} `UNKNOWN_ID` for an id outside the vocabulary.
   * @remarks Python: `tokenizer.decode(ids, skip_special_tokens=False)`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab("[PAD]\n[UNK]\n[CLS]\n[SEP]\nplay\n##ing\n!\ndon\n'\nt\n");
   * const ids = tokenizer.encode("Playing! Don't").ids;
   * console.log(tokenizer.decode(ids)); // → [CLS] playing! don't [SEP]
   * console.log(tokenizer.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })); // → playing ! don ' t
   * ```
   */
  decode(ids: readonly number[], options: BertDecodeOptions = {}): string {
    const fn = 'BertTokenizer.decode';
    const { skipSpecialTokens = false, cleanUpTokenizationSpaces = this.cleanUpTokenizationSpaces } = options;
    expectBoolean(skipSpecialTokens, fn, 'skipSpecialTokens');
    expectBoolean(cleanUpTokenizationSpaces, fn, 'cleanUpTokenizationSpaces');
    const tokens = this.#idsToTokens(ids, fn);
    const kept = skipSpecialTokens ? tokens.filter((_, i) => !this.#specialIds.has(ids[i]!)) : tokens;
    const prefix = this.wordpieceTokenizer.continuingSubwordPrefix;
    const text = kept
      .map((token, i) =>
        i === 0 ? token : token.startsWith(prefix) ? token.slice(prefix.length) : ` ${token}`,
      )
      .join('');
    return cleanUpTokenizationSpaces ? cleanUp(text) : text;
  }

  /**
   * Tokens → ids; a token not in the vocabulary gets the `[UNK]` id, as in Hugging Face.
   *
   * @param tokens - Tokens.
   * @returns Their ids.
   * @remarks Python: `convert_tokens_to_ids`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\n');
   * console.log(tokenizer.convertTokensToIds(['[CLS]', 'hi', 'nope'])); // → [ 2, 4, 1 ]
   * ```
   */
  convertTokensToIds(tokens: readonly string[]): number[] {
    const fn = 'BertTokenizer.convertTokensToIds';
    if (!Array.isArray(tokens))
      check.fail(fn, 'tokens', tokens, 'tokens must be an array of strings', 'an array of strings');
    const unk = this.unkTokenId;
    return tokens.map((token, i) => {
      expectString(token, fn, `tokens[${i}]`);
      return this.#vocab.get(token) ?? unk;
    });
  }

  /**
   * Ids → tokens.
   *
   * @param ids - Token ids.
   * @returns Their tokens.
   * @throws {@link LxmlsBertError} `UNKNOWN_ID` for an id outside the vocabulary.
   * @remarks Python: `convert_ids_to_tokens`.
   * @example
   * ```ts
   * import { BertTokenizer } from '@lxmls/bert';
   * const tokenizer = BertTokenizer.fromVocab('[PAD]\n[UNK]\n[CLS]\n[SEP]\nhi\n');
   * console.log(tokenizer.convertIdsToTokens([2, 4, 3])); // → [ '[CLS]', 'hi', '[SEP]' ]
   * ```
   */
  convertIdsToTokens(ids: readonly number[]): string[] {
    return this.#idsToTokens(ids, 'BertTokenizer.convertIdsToTokens');
  }

  #idsToTokens(ids: readonly number[], fn: string): string[] {
    if (!Array.isArray(ids) && !ArrayBuffer.isView(ids))
      check.fail(fn, 'ids', ids, 'ids must be an array of integers', 'an array of integers');
    return Array.from(ids, (id, i) => {
      const token = this.#idToToken.get(id);
      if (token === undefined)
        check.fail(
          fn,
          `ids[${i}]`,
          id,
          `ids[${i}] is not a token id`,
          `an integer in [0, ${this.vocabSize})`,
          { code: 'UNKNOWN_ID' },
        );
      return token;
    });
  }
}
