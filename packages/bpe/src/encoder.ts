/**
 * The byte-level BPE encoder: text → token ids → text.
 *
 * Follows `Encoder` of lxmls.transformers.bpe (= minGPT's bpe.py = OpenAI's GPT-2 encoder.py),
 * docs/course-behaviour.md §1.4–1.5.
 * `encode` does four steps per chunk of the pre-tokenizer: UTF-8 bytes → one symbol per byte → merges
 * (see merge-table.ts) → ids. `encodeAndShowWork` returns every intermediate step for teaching.
 * `decode` maps ids back to bytes and decodes them as UTF-8, replacing invalid bytes as Python does.
 */

import { charToByte, translateBytes } from './bytes-to-unicode.js';
import { ChunkCache, type ChunkIds, hashRange } from './chunk-cache.js';
import { check, expectString, LxmlsBpeError } from './errors.js';
import { MergeTable } from './merge-table.js';
import { chunkEnd, forEachChunk } from './pretokenize.js';
import { TokenBytes } from './token-bytes.js';
import { decodeUtf8, encodeUtf8, encodeUtf8Into } from './utf8.js';
import type { BpeVocabulary } from './vocabulary.js';

/** Options of {@link Encoder.encode}. */
export interface EncodeOptions {
  /**
   * Special tokens to recognise in the text, or `'all'`. By default none are: `<|endoftext|>` in the text is
   * ordinary text, as in the Python toolkit and tiktoken's `encode_ordinary`.
   * @defaultValue none
   */
  allowedSpecial?: 'all' | Iterable<string>;
}

/** Options of the {@link Encoder} constructor. */
export interface EncoderOptions {
  /**
   * How many chunks to remember with their ids; the cache is emptied when it is full. Python's cache grows
   * without bound; a bound keeps a long-running process flat.
   * @defaultValue 100000
   */
  cacheSize?: number;
}

/** One chunk of {@link EncodeWork}: every intermediate step of encoding it. Python: a dict of `parts`. */
export interface EncodePart {
  /** The chunk of text, as the pre-tokenizer cut it. */
  token: string;
  /** Its UTF-8 bytes. */
  tokenBytes: Uint8Array;
  /** Each byte as its printable stand-in (a space is `Ġ`). */
  tokenTranslated: string;
  /** The symbols left after merging. */
  tokenMerged: string[];
  /** Their ids. */
  tokenIx: number[];
}

/** What {@link Encoder.encodeAndShowWork} returns. Python: the dict `{bpe_idx, tokens, parts}`. */
export interface EncodeWork {
  /** All ids, as `encode` gives them. */
  bpeIdx: number[];
  /** The chunks of the pre-tokenizer. */
  tokens: string[];
  /** One entry per chunk. */
  parts: EncodePart[];
}

/**
 * A byte-level BPE encoder over one vocabulary.
 *
 * Get GPT-2's with {@link getEncoder} (or `new BPETokenizer().encoder`); build others with
 * {@link loadGpt2Files}, {@link loadTokenizerJson} or {@link trainBPE}.
 *
 * @remarks Python: `lxmls.transformers.bpe.Encoder`.
 * @example
 * ```ts
 * import { getEncoder } from '@lxmls/bpe';
 * const encoder = getEncoder();
 * const ids = encoder.encode('Hello, my name is');
 * console.log(ids, encoder.decode(ids)); // → [ 15496, 11, 616, 1438, 318 ] Hello, my name is
 * ```
 */
export class Encoder {
  /** Number of token ids; every id in `[0, vocabSize)` decodes. */
  readonly vocabSize: number;
  /** Special tokens: content → id. */
  readonly specialTokens: ReadonlyMap<string, number>;
  /** @internal */
  readonly vocabulary: BpeVocabulary;
  private readonly table: MergeTable;
  private readonly byteToId: Int32Array;
  private readonly cache: ChunkCache;
  private readonly bytes: TokenBytes;
  private scratchBytes = new Uint8Array(256);
  private scratchIds = new Int32Array(256);
  private scratchRanks = new Int32Array(256);
  private scratchMerged = new Int32Array(256);

  /** Wraps a vocabulary; prefer the loaders, which check their input. */
  constructor(vocabulary: BpeVocabulary, options: EncoderOptions = {}) {
    this.vocabulary = vocabulary;
    this.vocabSize = vocabulary.vocabSize;
    this.specialTokens = vocabulary.specialTokens;
    this.byteToId = vocabulary.byteToId;
    this.table = new MergeTable(vocabulary.mergeLeft, vocabulary.mergeRight, vocabulary.mergeResult);
    this.cache = new ChunkCache(options.cacheSize ?? 100_000);
    this.bytes = new TokenBytes(vocabulary);
  }

  /**
   * Encodes text to token ids.
   *
   * @remarks Python: `Encoder.encode`. Lone surrogates are encoded as U+FFFD (Python raises instead).
   * @param text - Any string; `''` gives `[]`.
   * @param options - {@link EncodeOptions}: which special tokens to recognise.
   * @returns The ids.
   * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `text` is not a string or a special token is unknown.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * const encoder = getEncoder();
   * console.log(encoder.encode('very cool!')); // → [ 548, 3608, 0 ]
   * console.log(encoder.encode('<|endoftext|>', { allowedSpecial: 'all' })); // → [ 50256 ]
   * ```
   */
  encode(text: string, options?: EncodeOptions): number[] {
    expectString(text, 'Encoder.encode');
    const out: number[] = [];
    const allowed = options?.allowedSpecial === undefined ? undefined : this.allowed(options.allowedSpecial);
    if (allowed === undefined || allowed.length === 0) {
      this.encodeOrdinaryInto(text, out);
      return out;
    }
    // Split around the allowed special tokens (the earliest match, the longest one on a tie).
    let start = 0;
    for (;;) {
      let at = -1;
      let found = '';
      for (const special of allowed) {
        const i = text.indexOf(special, start);
        if (i !== -1 && (at === -1 || i < at || (i === at && special.length > found.length))) {
          at = i;
          found = special;
        }
      }
      if (at === -1) break;
      this.encodeOrdinaryInto(text.slice(start, at), out);
      out.push(this.specialTokens.get(found)!);
      start = at + found.length;
    }
    this.encodeOrdinaryInto(text.slice(start), out);
    return out;
  }

  /** Appends the ids of `text`, where special tokens are plain text, to `out`. */
  private encodeOrdinaryInto(text: string, out: number[]): void {
    const byteToId = this.byteToId;
    const cache = this.cache;
    const n = text.length;
    for (let i = 0; i < n; ) {
      // Fast path for most chunks of real text: an ASCII run of letters or of digits, with at most one
      // leading space, that ends at an ASCII character. Its end and its hash (FNV-1a, as hashRange) come
      // out of one pass; any other chunk is cut by the pre-tokenizer's scanner and hashed afterwards.
      let end = -1;
      let h = 0x811c9dc5;
      let j = i;
      let c = text.charCodeAt(i);
      if (c === 32 && i + 1 < n) {
        h = Math.imul(h ^ 32, 0x01000193);
        c = text.charCodeAt(++j);
      }
      const kind = asciiRunKind(c);
      if (kind !== 0) {
        h = Math.imul(h ^ c, 0x01000193);
        for (j++; j < n; j++) {
          const d = text.charCodeAt(j);
          if (asciiRunKind(d) !== kind) break;
          h = Math.imul(h ^ d, 0x01000193);
        }
        // A non-ASCII character may go on with the run (é is a letter too): leave it to the scanner.
        if (j === n || text.charCodeAt(j) < 128) end = j;
      }
      if (end === -1) {
        end = chunkEnd(text, i);
        h = hashRange(text, i, end);
      }
      if (end - i === 1) {
        const single = text.charCodeAt(i);
        if (single < 128) {
          out.push(byteToId[single]!);
          i = end;
          continue;
        }
      }
      let ids = cache.get(text, i, end, h);
      if (ids === undefined) {
        ids = this.mergeChunk(text, i, end);
        cache.set(text.slice(i, end), h, ids);
      }
      if (typeof ids === 'number') out.push(ids);
      else for (let k = 0; k < ids.length; k++) out.push(ids[k]!);
      i = end;
    }
  }

  /** Runs BPE on the bytes of `text[start, end)`. */
  private mergeChunk(text: string, start: number, end: number): ChunkIds {
    const maxBytes = (end - start) * 3;
    if (this.scratchBytes.length < maxBytes) this.growScratch(maxBytes);
    const bytes = this.scratchBytes;
    const n = encodeUtf8Into(text, start, end, bytes);
    const ids = this.scratchIds;
    for (let i = 0; i < n; i++) ids[i] = this.byteToId[bytes[i]!]!;
    const m = this.table.mergeInPlace(ids, n, this.scratchRanks, this.scratchMerged);
    return m === 1 ? ids[0]! : ids.slice(0, m);
  }

  private growScratch(size: number): void {
    let capacity = this.scratchBytes.length;
    while (capacity < size) capacity *= 2;
    this.scratchBytes = new Uint8Array(capacity);
    this.scratchIds = new Int32Array(capacity);
    this.scratchRanks = new Int32Array(capacity);
    this.scratchMerged = new Int32Array(capacity);
  }

  private allowed(allowedSpecial: 'all' | Iterable<string>): string[] {
    if (allowedSpecial === 'all') return [...this.specialTokens.keys()];
    const list: string[] = [];
    for (const token of allowedSpecial) {
      if (!this.specialTokens.has(token))
        check.fail(
          'Encoder.encode',
          'options.allowedSpecial',
          token,
          'unknown special token in allowedSpecial',
          `one of ${JSON.stringify([...this.specialTokens.keys()])}`,
        );
      list.push(token);
    }
    return list;
  }

  /**
   * Encodes text and returns every intermediate step, for teaching.
   *
   * @remarks Python: `Encoder.encode_and_show_work`, whose dict keys become camelCase fields.
   * @param text - Any string.
   * @returns `{ bpeIdx, tokens, parts }`: the ids, the chunks, and per chunk its bytes, their printable
   *   stand-ins, the merged symbols and their ids.
   * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `text` is not a string.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * const work = getEncoder().encodeAndShowWork('Your drawing');
   * console.log(work.tokens, work.parts[1]!.tokenTranslated, work.bpeIdx); // → [ 'Your', ' drawing' ] Ġdrawing [ 7120, 8263 ]
   * ```
   */
  encodeAndShowWork(text: string): EncodeWork {
    expectString(text, 'Encoder.encodeAndShowWork');
    const bpeIdx: number[] = [];
    const tokens: string[] = [];
    const parts: EncodePart[] = [];
    forEachChunk(text, (start, end) => {
      const token = text.slice(start, end);
      const tokenBytes = encodeUtf8(token);
      const tokenIx: number[] = [];
      this.encodeOrdinaryInto(token, tokenIx);
      tokens.push(token);
      bpeIdx.push(...tokenIx);
      parts.push({
        token,
        tokenBytes,
        tokenTranslated: translateBytes(tokenBytes),
        tokenMerged: tokenIx.map((id) => this.idToToken(id)),
        tokenIx,
      });
    });
    return { bpeIdx, tokens, parts };
  }

  /**
   * Merges one chunk given in printable form, Python's `bpe(token)`: the merged symbols joined by spaces.
   *
   * @remarks Python: `Encoder.bpe`.
   * @param token - A chunk after byte translation, e.g. `'Ġthere'`.
   * @returns The merged symbols joined by single spaces.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * console.log(getEncoder().bpe('Ġcharmingly')); // → Ġcharming ly
   * ```
   */
  bpe(token: string): string {
    const ids = new Int32Array(token.length);
    for (let i = 0; i < token.length; i++) {
      const byte = this.charToByteChecked(token, i);
      ids[i] = this.byteToId[byte]!;
    }
    const n = this.table.mergeInPlace(
      ids,
      ids.length,
      new Int32Array(ids.length),
      new Int32Array(ids.length),
    );
    return Array.from(ids.subarray(0, n), (id) => this.idToToken(id)).join(' ');
  }

  private charToByteChecked(token: string, i: number, fn = 'Encoder.bpe'): number {
    const byte = charToByte(token.charCodeAt(i));
    if (byte >= 0) return byte;
    check.fail(
      fn,
      'token',
      token,
      `character ${i} of the token stands for no byte`,
      'characters of the byte-to-unicode map',
    );
  }

  /**
   * Decodes token ids to text; invalid UTF-8 becomes U+FFFD exactly as in Python's `errors='replace'`.
   *
   * @remarks Python: `Encoder.decode`.
   * @param ids - Integer ids in `[0, vocabSize)`: an array, a typed array or any iterable.
   * @returns The text; `[]` gives `''`.
   * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` for a non-integer id, `UNKNOWN_TOKEN` for an id out of
   *   range; the message names the position and the value.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * const encoder = getEncoder();
   * // 12520 is a space and the first two bytes of 🤗: they decode to U+FFFD
   * console.log(encoder.decode([12520]) === ' \ufffd'); // → true
   * console.log(JSON.stringify(encoder.decode([12520, 97, 245]))); // → " 🤗"
   * ```
   */
  decode(ids: Iterable<number> | ArrayLike<number>): string {
    // One copy of the tokens' bytes, then one native UTF-8 decode: faster than joining per-token strings.
    return decodeUtf8(this.bytesOf(ids, 'Encoder.decode'));
  }

  /**
   * The raw bytes of token ids, before UTF-8 decoding.
   *
   * @param ids - Integer ids in `[0, vocabSize)`.
   * @returns The concatenated bytes of the tokens.
   * @throws {@link LxmlsBpeError} as {@link Encoder.decode}.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * console.log(getEncoder().decodeBytes([12520])); // → Uint8Array(3) [ 32, 240, 159 ]
   * ```
   */
  decodeBytes(ids: Iterable<number> | ArrayLike<number>): Uint8Array {
    return this.bytesOf(ids, 'Encoder.decodeBytes').slice();
  }

  /** The bytes of `ids`, possibly in a scratch buffer (see `TokenBytes.bytesOf`); checks the ids on the way. */
  private bytesOf(ids: Iterable<number> | ArrayLike<number>, fn: string): Uint8Array {
    const list =
      Array.isArray(ids) || ArrayBuffer.isView(ids) ? (ids as ArrayLike<number>) : this.checkIds(ids, fn);
    const bytes = this.bytes.bytesOf(list);
    if (bytes === undefined) this.checkIds(list, fn); // throws, naming the first bad id
    return bytes!;
  }

  /** @internal Checks ids and returns them as an array-like. */
  checkIds(ids: Iterable<number> | ArrayLike<number>, fn: string): ArrayLike<number> {
    let list: ArrayLike<number>;
    if (Array.isArray(ids) || ArrayBuffer.isView(ids)) list = ids as ArrayLike<number>;
    else if (ids !== null && typeof ids === 'object' && Symbol.iterator in ids)
      list = Array.from(ids as Iterable<number>);
    else if (ids !== null && typeof ids === 'object' && typeof (ids as ArrayLike<number>).length === 'number')
      list = ids as ArrayLike<number>;
    else {
      check.fail(fn, 'ids', ids, 'ids must be a list of token ids', 'an array or iterable of integers');
    }
    const size = this.vocabSize;
    for (let i = 0; i < list.length; i++) {
      const id = list[i];
      if (typeof id === 'number' && id >= 0 && id < size && Number.isInteger(id)) continue;
      const bad = typeof id !== 'number' || !Number.isInteger(id);
      check.fail(fn, `ids[${i}]`, id, `ids[${i}] is not a token id`, `an integer in [0, ${size})`, {
        code: bad ? 'INVALID_ARGUMENT' : 'UNKNOWN_TOKEN',
      });
    }
    return list;
  }

  /**
   * The vocabulary string of a token id, in GPT-2's printable byte form (`Ġthe`).
   *
   * @param id - A token id in `[0, vocabSize)`.
   * @returns The token string, as in `encoder.json`; special tokens are their content.
   * @throws {@link LxmlsBpeError} `UNKNOWN_TOKEN` for an id out of range.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * console.log(getEncoder().idToToken(262), getEncoder().idToToken(50256)); // → Ġthe <|endoftext|>
   * ```
   */
  idToToken(id: number): string {
    this.checkIds([id], 'Encoder.idToToken');
    const listed = this.vocabulary.tokens?.[id];
    if (listed !== undefined) return listed;
    return this.bytes.special(id) ?? translateBytes(this.bytes.of(id));
  }

  /**
   * The id of a vocabulary string, or `undefined`.
   *
   * @param token - A token in GPT-2's printable byte form (`Ġthe`) or a special token.
   * @returns Its id, or `undefined` if the vocabulary has no such token.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * console.log(getEncoder().tokenToId('Ġvery'), getEncoder().tokenToId('very')); // → 845 548
   * ```
   */
  tokenToId(token: string): number | undefined {
    return this.getVocab().get(token);
  }

  private vocabMap: Map<string, number> | undefined;

  /**
   * The whole vocabulary: token string → id, in id order. Python: `Encoder.encoder`.
   *
   * @returns A map built on the first call and shared afterwards (do not change it).
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * const vocab = getEncoder().getVocab();
   * console.log(vocab.size, vocab.get('!')); // → 50257 0
   * ```
   */
  getVocab(): ReadonlyMap<string, number> {
    if (this.vocabMap === undefined) {
      const map = new Map<string, number>();
      for (let id = 0; id < this.vocabSize; id++) map.set(this.idToToken(id), id);
      this.vocabMap = map;
    }
    return this.vocabMap;
  }

  /**
   * The merges in rank order, as pairs of token strings. Python: the keys of `Encoder.bpe_ranks`, in order.
   *
   * @returns A new array of `[left, right]` pairs.
   * @example
   * ```ts
   * import { getEncoder } from '@lxmls/bpe';
   * console.log(getEncoder().getMerges()[0]); // → [ 'Ġ', 't' ]
   * ```
   */
  getMerges(): [string, string][] {
    const { mergeLeft, mergeRight } = this.vocabulary;
    return Array.from(mergeLeft, (left, r) => [this.idToToken(left), this.idToToken(mergeRight[r]!)]);
  }
}

/** 1 for an ASCII letter, 2 for an ASCII digit, 0 for anything else: the runs of the encoder's fast path. */
function asciiRunKind(c: number): number {
  if (((c | 32) - 97) >>> 0 < 26) return 1;
  return (c - 48) >>> 0 < 10 ? 2 : 0;
}
