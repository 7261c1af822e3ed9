/**
 * The heart of BPE: merging the symbols of one chunk, pair by pair, in the order of the learned merges.
 *
 * Follows `Encoder.bpe` of OpenAI's GPT-2 `encoder.py` (copied by minGPT and lxmls.transformers.bpe), but
 * works on token ids instead of strings. Python repeats: find the adjacent pair with the lowest merge rank,
 * replace every occurrence of it, left to right and without overlaps, by the merged symbol; stop when no pair
 * has a rank. Because every symbol is a token of the vocabulary, a pair of strings and a pair of ids say the
 * same thing, and ids are much cheaper to compare and to hash.
 *
 * Python's loop costs a scan per merge, so a long chunk (a 1 MB "word" without spaces) is quadratic; chunks
 * longer than {@link LONG_CHUNK} bytes are merged with a heap instead (`mergeHeap`, O(n log n), the same
 * result; issue 17).
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
    return n > LONG_CHUNK ? this.mergeHeap(ids, n) : this.mergeRounds(ids, n, ranks, merged);
  }

  /**
   * {@link MergeTable.mergeInPlace} by rounds, as Python: each round scans for the lowest rank, then rewrites
   * the array. Quickest on the short chunks of real text, but a round per merge makes it quadratic on a long
   * chunk (a 1 MB "word" of random letters: 13.6 s).
   */
  mergeRounds(ids: Int32Array, n: number, ranks: Int32Array, merged: Int32Array): number {
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

  /**
   * {@link MergeTable.mergeInPlace} in O(n log n) for long chunks (issue 17: an adversarial 1 MB word), with
   * exactly Python's result for any merge table: the symbols form a linked list; a heap holds each adjacent
   * pair that has a rank, ordered by (rank, position). One round of Python (replace every occurrence of the
   * lowest-ranked pair, left to right, without overlaps) is the run of pops with that rank, in position order;
   * the pairs a round creates wait in a side list until the round is over, as in Python, where they are seen
   * only by the next round's scan. A pair whose symbols changed since it was pushed is stale (its left
   * symbol's stamp moved on) and skipped.
   */
  mergeHeap(ids: Int32Array, n: number): number {
    if (n < 2) return n;
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    const stamp = new Int32Array(n); // bumped when the pair starting at a symbol changes (or the symbol goes)
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap(n);
    for (let i = 0; i < n - 1; i++) {
      const r = this.rank(ids[i]!, ids[i + 1]!);
      if (r !== NO_RANK) heap.push(r, i, 0);
    }
    // the pairs made during the current round: pushed when it ends
    let waiting = new Int32Array(96); // (position, rank, stamp) triples
    let waitingCount = 0;
    const wait = (i: number) => {
      const j = next[i]!;
      if (j === -1) return;
      const r = this.rank(ids[i]!, ids[j]!);
      if (r === NO_RANK) return;
      if (waitingCount === waiting.length) {
        const grown = new Int32Array(waiting.length * 2);
        grown.set(waiting);
        waiting = grown;
      }
      waiting[waitingCount++] = i;
      waiting[waitingCount++] = r;
      waiting[waitingCount++] = stamp[i]!; // a later change of the pair makes this entry stale
    };
    let round = -1;
    for (;;) {
      if (waitingCount > 0 && (heap.size === 0 || heap.rank[0] !== round)) {
        for (let w = 0; w < waitingCount; w += 3) heap.push(waiting[w + 1]!, waiting[w]!, waiting[w + 2]!);
        waitingCount = 0;
      }
      if (heap.size === 0) break;
      const r = heap.rank[0]!;
      const i = heap.pos[0]!;
      const s = heap.stamp[0]!;
      heap.pop();
      if (stamp[i] !== s) continue; // stale: the pair at i changed (or i was merged away)
      round = r;
      // merge i with its right neighbour j
      const j = next[i]!;
      ids[i] = this.result[r]!;
      const k = next[j]!;
      next[i] = k;
      if (k !== -1) prev[k] = i;
      stamp[i] = stamp[i]! + 1;
      stamp[j] = stamp[j]! + 1;
      const p = prev[i]!;
      if (p !== -1) {
        stamp[p] = stamp[p]! + 1;
        wait(p);
      }
      wait(i);
    }
    // compact the list into ids[0, m)
    let m = 0;
    for (let i = 0; i !== -1; i = next[i]!) ids[m++] = ids[i]!;
    return m;
  }
}

/** Chunks longer than this (in bytes) are merged with {@link MergeTable.mergeHeap}. */
export const LONG_CHUNK = 256;

/**
 * A binary min-heap of pairs `(rank, position)` ordered by rank, then position, each with the stamp its
 * position had when it was pushed (a pair whose stamp has changed since is stale).
 */
class PairHeap {
  rank: Int32Array;
  pos: Int32Array;
  stamp: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.rank = new Int32Array(capacity);
    this.pos = new Int32Array(capacity);
    this.stamp = new Int32Array(capacity);
  }

  push(r: number, p: number, s: number): void {
    if (this.size === this.rank.length) {
      for (const key of ['rank', 'pos', 'stamp'] as const) {
        const grown = new Int32Array(this.size * 2);
        grown.set(this[key]);
        this[key] = grown;
      }
    }
    const { rank, pos, stamp } = this;
    let i = this.size++;
    // sift the hole up, then fill it
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pr = rank[parent]!;
      if (pr < r || (pr === r && pos[parent]! < p)) break;
      rank[i] = pr;
      pos[i] = pos[parent]!;
      stamp[i] = stamp[parent]!;
      i = parent;
    }
    rank[i] = r;
    pos[i] = p;
    stamp[i] = s;
  }

  /** Removes the top entry (read it first at index 0). */
  pop(): void {
    const size = --this.size;
    if (size === 0) return;
    const { rank, pos, stamp } = this;
    const r = rank[size]!;
    const p = pos[size]!;
    const s = stamp[size]!;
    // sift the hole at the root down, then fill it with the last entry
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= size) break;
      const d = c + 1;
      if (d < size && (rank[d]! < rank[c]! || (rank[d] === rank[c] && pos[d]! < pos[c]!))) c = d;
      if (rank[c]! > r || (rank[c] === r && pos[c]! > p)) break;
      rank[i] = rank[c]!;
      pos[i] = pos[c]!;
      stamp[i] = stamp[c]!;
      i = c;
    }
    rank[i] = r;
    pos[i] = p;
    stamp[i] = s;
  }
}

function hash(a: number, b: number): number {
  return (Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca77)) >>> 7;
}
