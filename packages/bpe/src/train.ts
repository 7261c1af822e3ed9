/**
 * Training a byte-level BPE vocabulary from text, the way GPT-2's was made.
 *
 * Follows byte pair encoding as Sennrich et al. (2016) adapted it to subwords, in the byte-level form of
 * GPT-2 (Radford et al., 2019) and of Hugging Face's `BpeTrainer`: cut the text with GPT-2's pre-tokenizer,
 * start from the 256 byte tokens, and repeatedly merge the most frequent adjacent pair of tokens into a new
 * token. The Python toolkit only loads GPT-2's merges; this is the step that produced them.
 *
 * Counting every pair from scratch after each merge would take time proportional to the corpus per merge.
 * Instead each distinct chunk is stored once with its frequency, each pair remembers which chunks hold it,
 * and a merge only revisits those chunks; a max-heap with lazily refreshed counts finds the next pair.
 */

import { translateBytes } from './bytes-to-unicode.js';
import { Encoder } from './encoder.js';
import { check, LxmlsBpeError } from './errors.js';
import { forEachChunk } from './pretokenize.js';
import { encodeUtf8 } from './utf8.js';
import { regularVocabulary } from './vocabulary.js';

/** Options of {@link trainBPE}. */
export interface TrainBPEOptions {
  /**
   * The size of the vocabulary to reach: 256 byte tokens + the merges + the special tokens. Training stops
   * earlier if no pair occurs `minFrequency` times any more.
   */
  vocabSize: number;
  /**
   * Special tokens, given the ids right after the merged tokens, in this order. Where they occur in the
   * corpus they separate the text and are not learned from.
   * @defaultValue `['<|endoftext|>']`
   */
  specialTokens?: readonly string[];
  /**
   * A pair is merged only if it occurs at least this many times (counted over the whole corpus).
   * @defaultValue 2
   */
  minFrequency?: number;
  /** Called after each merge, for progress bars or to watch the vocabulary grow. */
  onProgress?: (progress: TrainBPEProgress) => void;
}

/** What {@link TrainBPEOptions.onProgress} receives after each merge. */
export interface TrainBPEProgress {
  /** Merges learned so far, this one included. */
  merges: number;
  /** The most merges that `vocabSize` allows: `vocabSize - 256 - specialTokens.length`. */
  maxMerges: number;
  /** The pair just merged, as token strings in GPT-2's printable byte form (`['Ġ', 't']`). */
  pair: [string, string];
  /** How often the pair occurred when it was merged. */
  count: number;
}

/** Pair keys are `left * ID_LIMIT + right`: exact in a double for ids below 2^26. */
const ID_LIMIT = 2 ** 26;

/**
 * Learns a byte-level BPE vocabulary from text and returns an {@link Encoder} that uses it.
 *
 * The corpus is cut into chunks by GPT-2's pre-tokenizer (words with their leading space, numbers,
 * punctuation, whitespace), so merges never cross a chunk: ` the` can become one token, `e t` never. Each
 * chunk starts as its UTF-8 bytes (ids 0..255 in GPT-2's byte order), and each step merges the adjacent
 * pair that occurs most often, counting a chunk as many times as it occurs and the pair as many times as it
 * is adjacent in the chunk (`aaa` holds `a a` twice). Merge r makes token 256 + r; the special tokens come
 * last. Ties are broken so the result never depends on the order of a hash map: the pair with the larger
 * count wins, then the pair whose left token's bytes come first in byte order (a prefix first), then the one
 * whose right token's bytes do. Training stops at `vocabSize`, or earlier when the most frequent pair occurs
 * fewer than `minFrequency` times (by default 2: a pair seen once would only memorise one word, and this is
 * the textbook stopping rule; Hugging Face's `BpeTrainer` defaults to 0, its `ByteLevelBPETokenizer.train`
 * to 2). Should a merge ever make a byte string that is already a token (no such case is known, but
 * Hugging Face guards against it too), it reuses that token's id; the vocabulary then has fewer ids than
 * merges.
 *
 * @remarks Python: no counterpart in lxmls.transformers (which loads GPT-2's merges). The algorithm is that
 *   of Hugging Face `tokenizers`' `BpeTrainer` with a `ByteLevel` pre-tokenizer and the 256 bytes as initial
 *   alphabet (`ByteLevelBPETokenizer.train`), but the ties are broken by bytes (Hugging Face takes the
 *   smaller ids) and the ids follow GPT-2's layout (Hugging Face numbers the special tokens first).
 * @param corpus - The training text: one string, or an iterable of strings (documents), each cut on its own.
 * @param options - {@link TrainBPEOptions}; `vocabSize` is required.
 * @returns An {@link Encoder} with the learned merges and the special tokens.
 * @throws {@link LxmlsBpeError} `INVALID_ARGUMENT` if `corpus` is not a string or an iterable of strings, or
 *   an option is out of range (naming it): `vocabSize` must be an integer from `256 + specialTokens.length`
 *   to 2^26, `specialTokens` distinct non-empty strings, `minFrequency` a non-negative integer.
 * @example
 * ```ts
 * import { trainBPE } from '@lxmls/bpe';
 * const encoder = trainBPE('low lower lowest', { vocabSize: 260, specialTokens: [] });
 * console.log(encoder.getMerges().map((pair) => pair.join(' '))); // → [ 'l o', 'lo w', 'Ġ low', 'Ġlow e' ]
 * console.log(encoder.encode(' lowest').map((id) => encoder.idToToken(id))); // → [ 'Ġlowe', 's', 't' ]
 * ```
 */
export function trainBPE(corpus: string | Iterable<string>, options: TrainBPEOptions): Encoder {
  const { vocabSize, specialTokens, minFrequency, onProgress } = checkOptions(options);
  const maxMerges = vocabSize - 256 - specialTokens.length;
  const base = regularVocabulary(new Int32Array(0), new Int32Array(0), []);
  const byteToId = base.byteToId;

  // 1. Count the chunks of the pre-tokenizer. Special tokens cut the text and are not counted.
  const chunkCounts = new Map<string, number>();
  const separator = specialTokens.length === 0 ? undefined : specialPattern(specialTokens);
  const addText = (text: string) => {
    for (const piece of separator === undefined ? [text] : text.split(separator)) {
      forEachChunk(piece, (start, end) => {
        const chunk = piece.slice(start, end);
        chunkCounts.set(chunk, (chunkCounts.get(chunk) ?? 0) + 1);
      });
    }
  };
  if (typeof corpus === 'string') addText(corpus);
  else if (corpus !== null && typeof corpus === 'object' && Symbol.iterator in corpus) {
    let i = 0;
    for (const text of corpus) {
      if (typeof text !== 'string')
        check.fail('trainBPE', `corpus[${i}]`, text, `corpus[${i}] is not a string`, 'a string');
      addText(text);
      i++;
    }
  } else {
    check.fail('trainBPE', 'corpus', corpus, 'corpus must be text', 'a string or an iterable of strings');
  }

  // 2. Each distinct chunk of two bytes or more becomes a "word": its token ids and its frequency.
  const words: Int32Array[] = [];
  const lengths: number[] = [];
  const freqs: number[] = [];
  for (const [chunk, count] of chunkCounts) {
    const bytes = encodeUtf8(chunk);
    if (bytes.length < 2) continue; // no pair to count
    words.push(Int32Array.from(bytes, (b) => byteToId[b]!));
    lengths.push(bytes.length);
    freqs.push(count);
  }

  // The bytes of every token (to break ties and to spot a repeated token) and a lookup by bytes.
  const tokenBytes: Uint8Array[] = [];
  for (let b = 0; b < 256; b++) tokenBytes[byteToId[b]!] = Uint8Array.of(b);
  const idOfBytes = new Map<string, number>();
  for (let id = 0; id < 256; id++) idOfBytes.set(translateBytes(tokenBytes[id]!), id);

  // 3. Count every adjacent pair once, with the words that hold it.
  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const countPairs = (w: number, sign: 1 | -1, fresh: Set<number> | undefined, newest: number) => {
    const symbols = words[w]!;
    const f = sign * freqs[w]!;
    for (let i = 0; i + 1 < lengths[w]!; i++) {
      const left = symbols[i]!;
      const right = symbols[i + 1]!;
      const key = left * ID_LIMIT + right;
      pairCount.set(key, (pairCount.get(key) ?? 0) + f);
      if (sign === 1) {
        let holders = pairWords.get(key);
        if (holders === undefined) {
          holders = new Set();
          pairWords.set(key, holders);
        }
        holders.add(w);
        if (fresh !== undefined && (left === newest || right === newest)) fresh.add(key);
      }
    }
  };
  for (let w = 0; w < words.length; w++) countPairs(w, 1, undefined, -1);

  const heap = new PairHeap(tokenBytes);
  for (const [key, count] of pairCount) heap.push(key, count);

  // 4. Merge, most frequent pair first.
  const mergeLeft: number[] = [];
  const mergeRight: number[] = [];
  const mergeResult: number[] = [];
  let nextId = 256;
  const threshold = Math.max(1, minFrequency);
  while (nextId - 256 < maxMerges && heap.size > 0) {
    const key = heap.topKey();
    const stored = heap.topCount();
    const count = pairCount.get(key) ?? 0;
    heap.pop();
    if (count !== stored) {
      // A stale entry: counts only fall after a pair first appears, so re-queue it with its true count.
      if (count > 0) heap.push(key, count);
      continue;
    }
    if (count < threshold) break; // the most frequent pair is too rare: so are all others
    const left = Math.floor(key / ID_LIMIT);
    const right = key - left * ID_LIMIT;
    const joined = concatBytes(tokenBytes[left]!, tokenBytes[right]!);
    const name = translateBytes(joined);
    let id = idOfBytes.get(name);
    if (id === undefined) {
      id = nextId++;
      tokenBytes[id] = joined;
      idOfBytes.set(name, id);
    }
    mergeLeft.push(left);
    mergeRight.push(right);
    mergeResult.push(id);

    // Rewrite every word that holds the pair, removing its old pairs and adding its new ones.
    const fresh = new Set<number>();
    for (const w of pairWords.get(key)!) {
      const symbols = words[w]!;
      const n = lengths[w]!;
      let found = false;
      for (let i = 0; i + 1 < n; i++) {
        if (symbols[i] === left && symbols[i + 1] === right) {
          found = true;
          break;
        }
      }
      if (!found) continue; // the word lost the pair in an earlier merge
      countPairs(w, -1, undefined, id);
      let j = 0;
      for (let i = 0; i < n; ) {
        if (i + 1 < n && symbols[i] === left && symbols[i + 1] === right) {
          symbols[j++] = id;
          i += 2;
        } else symbols[j++] = symbols[i++]!;
      }
      lengths[w] = j;
      countPairs(w, 1, fresh, id);
    }
    pairWords.delete(key);
    pairCount.delete(key);
    for (const k of fresh) {
      const c = pairCount.get(k)!;
      if (c > 0) heap.push(k, c);
    }

    onProgress?.({
      merges: mergeLeft.length,
      maxMerges,
      pair: [translateBytes(tokenBytes[left]!), translateBytes(tokenBytes[right]!)],
      count,
    });
  }

  const vocabulary = regularVocabulary(
    Int32Array.from(mergeLeft),
    Int32Array.from(mergeRight),
    specialTokens,
  );
  if (nextId - 256 !== mergeLeft.length) {
    // Some merges reused a token: number the specials after the last new token instead.
    vocabulary.mergeResult = Int32Array.from(mergeResult);
    vocabulary.specialTokens = new Map(specialTokens.map((token, i) => [token, nextId + i]));
    vocabulary.vocabSize = nextId + specialTokens.length;
  }
  return new Encoder(vocabulary);
}

interface CheckedOptions {
  vocabSize: number;
  specialTokens: string[];
  minFrequency: number;
  onProgress: ((progress: TrainBPEProgress) => void) | undefined;
}

function checkOptions(options: TrainBPEOptions): CheckedOptions {
  const fail = (argument: string, expected: string, value: unknown): never => {
    check.fail('trainBPE', argument, value, `${argument} is out of range`, expected);
  };
  if (options === null || typeof options !== 'object') {
    fail('options', 'an object with at least vocabSize, e.g. { vocabSize: 1000 }', options);
  }
  const rawSpecial = options.specialTokens ?? ['<|endoftext|>'];
  if (!Array.isArray(rawSpecial)) fail('options.specialTokens', 'an array of strings', rawSpecial);
  const specialTokens: string[] = [];
  for (const token of rawSpecial as unknown[]) {
    if (typeof token !== 'string' || token === '' || specialTokens.includes(token)) {
      fail('options.specialTokens', 'distinct non-empty strings', token);
    }
    specialTokens.push(token as string);
  }
  const vocabSize = options.vocabSize;
  const least = 256 + specialTokens.length;
  if (
    typeof vocabSize !== 'number' ||
    !Number.isInteger(vocabSize) ||
    vocabSize < least ||
    vocabSize > ID_LIMIT
  ) {
    fail(
      'options.vocabSize',
      `an integer from ${least} (256 bytes + ${specialTokens.length} special tokens) to ${ID_LIMIT}`,
      vocabSize,
    );
  }
  const minFrequency = options.minFrequency ?? 2;
  if (typeof minFrequency !== 'number' || !Number.isInteger(minFrequency) || minFrequency < 0) {
    fail('options.minFrequency', 'a non-negative integer', minFrequency);
  }
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    fail('options.onProgress', 'a function', onProgress);
  }
  return { vocabSize, specialTokens, minFrequency, onProgress };
}

/** A regex that matches any of the special tokens, the longest first where one is a prefix of another. */
function specialPattern(tokens: readonly string[]): RegExp {
  const escaped = [...tokens]
    .sort((a, b) => b.length - a.length)
    .map((token) => token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(escaped.join('|'), 'u');
}

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Byte-wise order of two byte strings, a prefix first. */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * A binary max-heap of (pair key, count) ordered by count, then by the bytes of the left token, then of the
 * right token (smaller bytes first). Counts may be stale; the caller checks and re-queues.
 */
class PairHeap {
  private readonly keys: number[] = [];
  private readonly counts: number[] = [];

  constructor(private readonly tokenBytes: Uint8Array[]) {}

  get size(): number {
    return this.keys.length;
  }

  topKey(): number {
    return this.keys[0]!;
  }

  topCount(): number {
    return this.counts[0]!;
  }

  push(key: number, count: number): void {
    this.keys.push(key);
    this.counts.push(count);
    this.up(this.keys.length - 1);
  }

  pop(): void {
    const lastKey = this.keys.pop()!;
    const lastCount = this.counts.pop()!;
    if (this.keys.length === 0) return;
    this.keys[0] = lastKey;
    this.counts[0] = lastCount;
    this.down(0);
  }

  /** True if entry i should come out before entry j. */
  private before(i: number, j: number): boolean {
    const ci = this.counts[i]!;
    const cj = this.counts[j]!;
    if (ci !== cj) return ci > cj;
    const ki = this.keys[i]!;
    const kj = this.keys[j]!;
    const li = Math.floor(ki / ID_LIMIT);
    const lj = Math.floor(kj / ID_LIMIT);
    const byLeft = li === lj ? 0 : compareBytes(this.tokenBytes[li]!, this.tokenBytes[lj]!);
    if (byLeft !== 0) return byLeft < 0;
    return compareBytes(this.tokenBytes[ki - li * ID_LIMIT]!, this.tokenBytes[kj - lj * ID_LIMIT]!) < 0;
  }

  private swap(i: number, j: number): void {
    const k = this.keys[i]!;
    this.keys[i] = this.keys[j]!;
    this.keys[j] = k;
    const c = this.counts[i]!;
    this.counts[i] = this.counts[j]!;
    this.counts[j] = c;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.keys.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.before(l, best)) best = l;
      if (r < n && this.before(r, best)) best = r;
      if (best === i) return;
      this.swap(i, best);
      i = best;
    }
  }
}
