/**
 * A cache from chunk text to its token ids that is looked up by position in the input, without first
 * cutting the chunk out as a new string.
 *
 * Python's `Encoder.cache` is a dict from chunk to merged string; here it maps the chunk to its ids. Most
 * chunks of real text repeat (" the", ",", "\n"), so the encoder spends most of its time in this lookup:
 * hashing the characters in place and comparing them with the stored key avoids allocating a substring
 * per chunk, which is what makes the lookup about twice as fast as a `Map<string, ...>`.
 */

/** Ids of a chunk: one id as a number (the common case), several as an array. */
export type ChunkIds = number | Int32Array;

/** FNV-1a over the UTF-16 code units of `text[start, end)`. */
export function hashRange(text: string, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h;
}

/** An open-addressing hash table of at most `limit` chunks; it empties itself when full. */
export class ChunkCache {
  private keys: (string | undefined)[];
  private hashes: Int32Array;
  private values: ChunkIds[];
  private mask: number;
  private count = 0;
  private readonly limit: number;

  constructor(limit: number) {
    this.limit = Math.max(1, limit);
    this.mask = 0;
    this.keys = [];
    this.hashes = new Int32Array(0);
    this.values = [];
    this.allocate(1024); // small at first, so that creating an encoder costs nothing; grows with use
  }

  private allocate(capacity: number): void {
    this.mask = capacity - 1;
    this.keys = new Array<string | undefined>(capacity);
    this.hashes = new Int32Array(capacity);
    this.values = new Array<ChunkIds>(capacity);
    this.count = 0;
  }

  /** The ids of `text[start, end)` whose hash is `h`, or `undefined`. */
  get(text: string, start: number, end: number, h: number): ChunkIds | undefined {
    const length = end - start;
    for (let slot = h & this.mask; ; slot = (slot + 1) & this.mask) {
      const key = this.keys[slot];
      if (key === undefined) return undefined;
      if (this.hashes[slot] === h && key.length === length && sameText(key, text, start, length)) {
        return this.values[slot];
      }
    }
  }

  /** Stores the ids of `key` (whose hash is `h`). */
  set(key: string, h: number, ids: ChunkIds): void {
    if (this.count >= this.limit) this.clear();
    else if (this.count * 2 >= this.mask) this.grow(); // keep the table at most half full
    let slot = h & this.mask;
    while (this.keys[slot] !== undefined) slot = (slot + 1) & this.mask;
    this.keys[slot] = key;
    this.hashes[slot] = h;
    this.values[slot] = ids;
    this.count++;
  }

  private grow(): void {
    const { keys, hashes, values } = this;
    this.allocate(keys.length * 2);
    for (let i = 0; i < keys.length; i++)
      if (keys[i] !== undefined) this.set(keys[i]!, hashes[i]!, values[i]!);
  }

  /** Number of cached chunks. */
  get size(): number {
    return this.count;
  }

  clear(): void {
    this.allocate(1024);
  }
}

function sameText(key: string, text: string, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (key.charCodeAt(i) !== text.charCodeAt(start + i)) return false;
  return true;
}
