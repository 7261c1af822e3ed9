/**
 * The heart of BPE: merging the symbols of one chunk, pair by pair, in the order of the learned merges.
 *
 * Follows `Encoder.bpe` of OpenAI's GPT-2 `encoder.py` (copied by minGPT and lxmls.transformers.bpe), but
 * works on token ids instead of strings. Python repeats: find the adjacent pair with the lowest merge rank,
 * replace every occurrence of it, left to right and without overlaps, by the merged symbol; stop when no pair
 * has a rank. Because every symbol is a token of the vocabulary, a pair of strings and a pair of ids say the
 * same thing, and ids are much cheaper to compare and to hash.
 */

/** Rank of a pair that is not a merge. */
export const NO_RANK = 0x7fffffff;

/**
 * An open-addressing hash table from a pair of token ids `(left, right)` to the merge's rank.
 * One flat typed array each for keys and ranks keeps it small and quick to build (50,000 merges in about 1 ms).
 */
export class MergeTable {
  readonly size: number;
  /** `left[r]`, `right[r]`, `result[r]`: the ids of merge r (r = rank, 0 = applied first). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly result: Int32Array;
  private readonly keys: Float64Array;
  private readonly ranks: Int32Array;
  private readonly mask: number;

  constructor(left: Int32Array, right: Int32Array, result: Int32Array) {
    this.size = left.length;
    this.left = left;
    this.right = right;
    this.result = result;
    let capacity = 16;
    while (capacity < this.size * 2) capacity *= 2;
    this.mask = capacity - 1;
    this.keys = new Float64Array(capacity).fill(-1);
    this.ranks = new Int32Array(capacity);
    for (let r = 0; r < this.size; r++) {
      const a = left[r]!;
      const b = right[r]!;
      const key = a * 0x4000000 + b;
      let h = hash(a, b) & this.mask;
      while (this.keys[h] !== -1) {
        if (this.keys[h] === key) break; // a repeated pair keeps its first (lowest) rank
        h = (h + 1) & this.mask;
      }
      if (this.keys[h] === -1) {
        this.keys[h] = key;
        this.ranks[h] = r;
      }
    }
  }

  /** The rank of merging `a` then `b`, or {@link NO_RANK}. */
  rank(a: number, b: number): number {
    const key = a * 0x4000000 + b;
    let h = hash(a, b) & this.mask;
    for (;;) {
      const k = this.keys[h]!;
      if (k === key) return this.ranks[h]!;
      if (k === -1) return NO_RANK;
      h = (h + 1) & this.mask;
    }
  }

  /**
   * Merges the symbols `ids[0, n)` in place and returns the new length.
   *
   * `ranks` and `merged` are scratch arrays of at least `n` entries. `ranks[i]` holds the rank of the pair
   * (ids[i], ids[i + 1]); each round finds the lowest, then rewrites the array left to right, replacing
   * every occurrence of that pair, and looks up only the pairs next to the new symbols.
   */
  mergeInPlace(ids: Int32Array, n: number, ranks: Int32Array, merged: Int32Array): number {
    for (let i = 0; i < n - 1; i++) ranks[i] = this.rank(ids[i]!, ids[i + 1]!);
    while (n > 1) {
      // The lowest-ranked pair; ranks are unique, so it names one (left, right) pair.
      let best = NO_RANK;
      let first = -1;
      for (let i = 0; i < n - 1; i++) {
        if (ranks[i]! < best) {
          best = ranks[i]!;
          first = i;
        }
      }
      if (best === NO_RANK) break;
      const newId = this.result[best]!;
      // Replace every occurrence, left to right, without overlaps (Python's inner while loop).
      let j = first;
      let count = 0;
      for (let i = first; i < n; j++) {
        if (i < n - 1 && ranks[i] === best) {
          ids[j] = newId;
          merged[count++] = j;
          i += 2;
        } else {
          ids[j] = ids[i]!;
          ranks[j] = ranks[i]!;
          i++;
        }
      }
      n = j;
      // Only the pairs touching a new symbol changed.
      for (let m = 0; m < count; m++) {
        const p = merged[m]!;
        if (p > 0) ranks[p - 1] = this.rank(ids[p - 1]!, ids[p]!);
        ranks[p] = p < n - 1 ? this.rank(ids[p]!, ids[p + 1]!) : NO_RANK;
      }
    }
    return n;
  }
}

function hash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 7;
}
