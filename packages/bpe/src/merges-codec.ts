/**
 * The compact, escape-free text form of a GPT-2-shaped merge list, as shipped in generated/gpt2-merges.ts.
 *
 * The merges are the (left id, right id) pairs of a vocabulary whose ids 0..255 are the bytes in
 * {@link GPT2_BYTE_ORDER} and whose merge r makes id 256 + r. Each id is coded as
 *
 * 1. a symbol that joins the class of the token's first byte (a space, a-z, A-Z, a digit, other ASCII, other
 *    bytes) with the bit length of k + 1, where k is the token's position among the tokens of its class in
 *    id order (earlier tokens are used far more often, so small k are frequent: an Elias-gamma split);
 * 2. the bits of k + 1 below its leading one, as one uniform number.
 *
 * The symbol's frequencies depend on a context: for a left id, how far the merge list has come; for a right
 * id, the class of the left token's last byte (a word goes on with letters, a number with digits). They are
 * counted by the encoder, scaled to 4096 and shipped as a table in front of the data, so the decoder needs
 * two range-decoder steps per id and no adaptation: it is a single pass of about 100,000 table lookups.
 * The output of the range coder (that of LZMA, with multi-symbol steps) is written in base 85 with
 * characters that need no escape in any JavaScript quote style, in HTML or in JSON (no quote, backtick,
 * backslash, `$`, `%`, `<`, `>`, `&` or space), so that every bundler copies the string as it is. GPT-2's
 * merges take about 23 bits each: 181,000 characters, against 100,000 UTF-16 code units that esbuild's
 * default ASCII output turns into 531 kB of `\u` escapes.
 */

import { GPT2_BYTE_ORDER } from './bytes-to-unicode.js';
import { LxmlsBpeError } from './errors.js';

/**
 * The 85 characters of the text form, digit 0 first: `!` to `~` without `"`, `$`, `%`, `&`, `'`, `<`, `>`,
 * `\` and the backtick.
 */
export const MERGES_ALPHABET: string = (() => {
  let out = '';
  for (let c = 0x21; c <= 0x7e; c++) {
    if (!'"$%&\'<>\\`'.includes(String.fromCharCode(c))) out += String.fromCharCode(c);
  }
  return out;
})();

/** Classes of a token's first (or last) byte: space, a-z, A-Z, 0-9, other ASCII, non-ASCII. */
const CLASSES = 6;
/** Bit lengths of k + 1, minus one: k < 2^16. */
const LENGTHS = 16;
/** Symbols: class × length. */
const SYMBOLS = CLASSES * LENGTHS;
/** Contexts of a left id: the bit length of r + 1, with r < 256 together (9); of a right id: a class (6). */
const LEFT_CONTEXTS = 9;
const CONTEXTS = LEFT_CONTEXTS + CLASSES;
/** Symbol frequencies of a context sum to 2^FREQ_BITS. */
const FREQ_BITS = 12;
const FREQ_TOTAL = 1 << FREQ_BITS;
/** Characters of the frequency table at the head of the text: two base-85 digits per frequency. */
const TABLE_CHARS = CONTEXTS * SYMBOLS * 2;
/** The range coder writes base-85 digits; its range stays in [85^3, 85^4). */
const BASE = 85;
const TOP = BASE ** 3;
const WINDOW = BASE ** 4;

function byteClass(byte: number): number {
  if (byte === 0x20) return 0;
  if (byte >= 0x61 && byte <= 0x7a) return 1;
  if (byte >= 0x41 && byte <= 0x5a) return 2;
  if (byte >= 0x30 && byte <= 0x39) return 3;
  return byte < 0x80 ? 4 : 5;
}

function leftContext(r: number): number {
  return Math.max(0, 24 - Math.clz32(r + 1));
}

/**
 * The class lists of a growing GPT-2-shaped vocabulary: `lists[c * size + k]` is the k-th token of class c.
 * Shared by the encoder and the decoder, so that both see the same positions.
 */
class ClassLists {
  readonly size: number;
  readonly lists: Int32Array;
  readonly sizes = new Int32Array(CLASSES);
  readonly firstClass: Uint8Array;
  readonly lastByte: Uint8Array;

  constructor(count: number) {
    this.size = 256 + count;
    this.lists = new Int32Array(CLASSES * this.size);
    this.firstClass = new Uint8Array(this.size);
    this.lastByte = new Uint8Array(this.size);
    for (let id = 0; id < 256; id++) {
      const byte = GPT2_BYTE_ORDER[id]!;
      this.lastByte[id] = byte;
      this.add(id, byteClass(byte));
    }
  }

  add(id: number, c: number): void {
    this.firstClass[id] = c;
    this.lists[c * this.size + this.sizes[c]!++] = id;
  }

  /** Records merge r of `a` and `b`. */
  merge(r: number, a: number, b: number): void {
    this.lastByte[256 + r] = this.lastByte[b]!;
    this.add(256 + r, this.firstClass[a]!);
  }
}

function corrupt(): never {
  throw new LxmlsBpeError('INVALID_VOCABULARY', 'the bundled merge data is corrupt', {
    fn: 'getEncoder',
    expected: 'the text written by scripts/codegen-gpt2.mjs',
  });
}

/**
 * Encodes merges into the text form (for scripts/codegen-gpt2.mjs).
 *
 * @param left - `left[r]`: the left id of merge r, below 256 + r.
 * @param right - `right[r]`: the right id of merge r, below 256 + r.
 * @returns Base-85 text over {@link MERGES_ALPHABET}: the frequency table, then the range coder's output.
 */
export function encodeMerges(left: ArrayLike<number>, right: ArrayLike<number>): string {
  const count = left.length;
  // Pass 1: each id as (context, symbol, k + 1).
  const lists = new ClassLists(count);
  const index = new Int32Array(lists.size);
  const seen = new Int32Array(CLASSES);
  for (let id = 0; id < 256; id++) index[id] = seen[lists.firstClass[id]!]!++;
  const events: [number, number, number][] = [];
  const event = (context: number, id: number) => {
    if (!(id >= 0 && id < 256 + (events.length >> 1))) throw new RangeError(`id ${id} is not a token yet`);
    const y = index[id]! + 1;
    const length = 31 - Math.clz32(y);
    events.push([context, lists.firstClass[id]! * LENGTHS + length, y]);
  };
  for (let r = 0; r < count; r++) {
    const a = left[r]!;
    const b = right[r]!;
    event(leftContext(r), a);
    event(LEFT_CONTEXTS + byteClass(lists.lastByte[a]!), b);
    lists.merge(r, a, b);
    index[256 + r] = seen[lists.firstClass[256 + r]!]!++;
  }
  // The frequencies, scaled to FREQ_TOTAL per context; every symbol seen keeps at least 1.
  const counts = new Float64Array(CONTEXTS * SYMBOLS);
  for (const [context, symbol] of events) counts[context * SYMBOLS + symbol]!++;
  const freqs = new Int32Array(CONTEXTS * SYMBOLS);
  for (let context = 0; context < CONTEXTS; context++) {
    const row = counts.subarray(context * SYMBOLS, (context + 1) * SYMBOLS);
    const total = row.reduce((sum, n) => sum + n, 0);
    if (total === 0) {
      freqs[context * SYMBOLS] = FREQ_TOTAL;
      continue;
    }
    let sum = 0;
    let largest = 0;
    for (let s = 0; s < SYMBOLS; s++) {
      const f = row[s]! > 0 ? Math.max(1, Math.round((row[s]! / total) * FREQ_TOTAL)) : 0;
      freqs[context * SYMBOLS + s] = f;
      sum += f;
      if (f > freqs[context * SYMBOLS + largest]!) largest = s;
    }
    freqs[context * SYMBOLS + largest]! += FREQ_TOTAL - sum; // the rounding error goes to the commonest
  }
  const starts = new Int32Array(CONTEXTS * SYMBOLS);
  for (let context = 0; context < CONTEXTS; context++) {
    for (let s = 1; s < SYMBOLS; s++) {
      const i = context * SYMBOLS + s;
      starts[i] = starts[i - 1]! + freqs[i - 1]!;
    }
  }
  // Pass 2: the range coder, writing base-85 digits.
  const digits: number[] = [];
  let low = 0; // below 2 * WINDOW: the digit above the window is the carry
  let range = WINDOW - 1;
  let cache = 0;
  let cacheSize = 1;
  const shiftLow = () => {
    if (low < (BASE - 1) * TOP || low >= WINDOW) {
      const carry = low >= WINDOW ? 1 : 0;
      let d = cache;
      do {
        digits.push((d + carry) % BASE);
        d = BASE - 1;
      } while (--cacheSize !== 0);
      cache = Math.floor(low / TOP) % BASE;
    }
    cacheSize++;
    low = (low % TOP) * BASE;
  };
  const code = (start: number, size: number, bits: number) => {
    const step = range >> bits;
    low += start * step;
    range = size * step;
    while (range < TOP) {
      range *= BASE;
      shiftLow();
    }
  };
  for (const [context, symbol, y] of events) {
    const i = context * SYMBOLS + symbol;
    code(starts[i]!, freqs[i]!, FREQ_BITS);
    const length = symbol % LENGTHS;
    if (length > 0) code(y - (1 << length), 1, length);
  }
  for (let i = 0; i < 5; i++) shiftLow();
  let out = '';
  for (const f of freqs) out += MERGES_ALPHABET[Math.floor(f / BASE)]! + MERGES_ALPHABET[f % BASE]!;
  for (const d of digits) out += MERGES_ALPHABET[d]!;
  return out;
}

/**
 * Decodes `count` merges from the text form written by {@link encodeMerges}.
 *
 * @param text - The base-85 text.
 * @param count - How many merges it holds.
 * @returns The left and right ids of each merge, in rank order.
 * @throws {@link LxmlsBpeError} `INVALID_VOCABULARY` if the text is not a valid encoding.
 */
export function decodeMerges(text: string, count: number): { left: Int32Array; right: Int32Array } {
  // The characters as bytes (native code: ASCII in, one byte each), with zeros past the end for the decoder's
  // last reads; a character outside ASCII makes more bytes than characters.
  const chars = new Uint8Array(text.length + 8);
  const { read, written } = new TextEncoder().encodeInto(text, chars);
  if (read !== text.length || written !== text.length || text.length < TABLE_CHARS + 5) corrupt();
  // Each character's digit; BASE (85) marks a character outside the alphabet.
  const digit = new Uint8Array(256).fill(BASE);
  for (let d = 0; d < BASE; d++) digit[MERGES_ALPHABET.charCodeAt(d)] = d;
  digit[0] = 0; // the padding
  // The table: per context, the frequencies, their running sums, and a lookup from a slot to its symbol.
  const freqs = new Int32Array(CONTEXTS * SYMBOLS);
  const starts = new Int32Array(CONTEXTS * SYMBOLS);
  const symbolAt = new Uint8Array(CONTEXTS << FREQ_BITS);
  for (let context = 0; context < CONTEXTS; context++) {
    let start = 0;
    for (let s = 0; s < SYMBOLS; s++) {
      const i = context * SYMBOLS + s;
      const f = digit[chars[2 * i]!]! * BASE + digit[chars[2 * i + 1]!]!;
      if (start + f > FREQ_TOTAL) corrupt();
      freqs[i] = f;
      starts[i] = start;
      symbolAt.fill(s, (context << FREQ_BITS) + start, (context << FREQ_BITS) + start + f);
      start += f;
    }
    if (start !== FREQ_TOTAL) corrupt();
  }
  const lists = new ClassLists(count);
  const left = new Int32Array(count);
  const right = new Int32Array(count);
  decodeIds(chars, digit, freqs, starts, symbolAt, lists, left, right);
  return { left, right };
}

/**
 * The range decoder's loop, on its own so that the engine optimises a small function early (it runs once,
 * at start-up, so most of its time is spent before the optimised code is ready).
 */
function decodeIds(
  chars: Uint8Array,
  digit: Uint8Array,
  freqs: Int32Array,
  starts: Int32Array,
  symbolAt: Uint8Array,
  classLists: ClassLists,
  left: Int32Array,
  right: Int32Array,
): void {
  const { size, sizes, lists, firstClass, lastByte } = classLists;
  const classOfByte = new Uint8Array(256);
  for (let b = 0; b < 256; b++) classOfByte[b] = byteClass(b);
  const count = left.length;
  // The first digit is always 0 (LZMA's convention); the next four start the code. Every value stays below
  // 85^4 < 2^27, a small integer for the JavaScript engine, which keeps even the first, unoptimised run quick.
  let at = TABLE_CHARS + 1;
  let code = 0;
  for (const end = at + 4; at < end; at++) code = code * BASE + digit[chars[at]!]!;
  let range = WINDOW - 1;
  let leftContext = 0;
  for (let r = 0; r < count; r++) {
    if (r + 1 === 256 << leftContext) leftContext++; // the bit length of r + 1, minus 8
    let a = 0;
    for (let side = 0; side < 2; side++) {
      const context = side === 0 ? leftContext : LEFT_CONTEXTS + classOfByte[lastByte[a]!]!;
      // The symbol: which of the 4096 slots the code falls in.
      let step = range >> FREQ_BITS;
      const slot = (code / step) | 0;
      if (slot >= FREQ_TOTAL) corrupt();
      const symbol = symbolAt[(context << FREQ_BITS) + slot]!;
      const i = context * SYMBOLS + symbol;
      code -= starts[i]! * step;
      range = freqs[i]! * step;
      while (range < TOP) {
        const d = digit[chars[at++]!]!;
        if (d === BASE) corrupt();
        range *= BASE;
        code = code * BASE + d;
      }
      // The bits below the leading one of k + 1, as one uniform number.
      const length = symbol & (LENGTHS - 1);
      let rest = 0;
      if (length > 0) {
        step = range >> length;
        rest = (code / step) | 0;
        if (rest >> length !== 0) corrupt();
        code -= rest * step;
        range = step;
        while (range < TOP) {
          const d = digit[chars[at++]!]!;
          if (d === BASE) corrupt();
          range *= BASE;
          code = code * BASE + d;
        }
      }
      const c = symbol >> 4; // LENGTHS = 16
      const k = (1 << length) + rest - 1;
      if (k >= sizes[c]!) corrupt();
      const id = lists[c * size + k]!;
      if (side === 0) a = id;
      else {
        left[r] = a;
        right[r] = id;
        const merged = 256 + r;
        lastByte[merged] = lastByte[id]!;
        const cm = firstClass[a]!;
        firstClass[merged] = cm;
        lists[cm * size + sizes[cm]!++] = merged;
      }
    }
  }
}
