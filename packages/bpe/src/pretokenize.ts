/**
 * GPT-2's pre-tokenizer: splits text into the chunks that BPE then merges one by one.
 *
 * Follows the regex of OpenAI's GPT-2 `encoder.py` (lxmls.transformers.bpe, docs/course-behaviour.md §1.2):
 *
 *     's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
 *
 * Read alternative by alternative, at each position the first one that matches wins:
 * - `'s|'t|'re|'ve|'m|'ll|'d`: English contractions, lower case only (`"I'M"` gives `I`, `'`, `M`);
 * - ` ?\p{L}+`: a run of letters, with at most one leading space glued to it (`" world"`);
 * - ` ?\p{N}+`: the same for a run of digits and other numbers;
 * - ` ?[^\s\p{L}\p{N}]+`: the same for a run of anything else (punctuation, symbols, emoji);
 * - `\s+(?!\S)`: a run of whitespace, but leaving its last character to the next word, so that
 *   `"  multiple"` gives `" "`, `" multiple"`; at the end of the text it takes the whole run;
 * - `\s+`: whatever whitespace is left (a single newline before a word, say).
 *
 * Python's `regex` module reads `\s` as Unicode White_Space, which differs from JavaScript's `\s` (U+0085 is
 * whitespace in Python and not in JS, U+FEFF the other way round), so {@link GPT2_PATTERN} spells the class out.
 * {@link preTokenize} is a hand-written scanner that gives exactly the regex's chunks, several times faster;
 * a test checks the two against each other on random text.
 */

/** Python's `\s` (Unicode White_Space) as an explicit character class body. */
const WS = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';

/**
 * The GPT-2 pre-tokenization regex, with Python's whitespace, as a JavaScript `RegExp` (flags `gu`).
 *
 * @example
 * ```ts
 * import { GPT2_PATTERN } from '@lxmls/bpe';
 * console.log("I'm  here".match(GPT2_PATTERN)); // → [ 'I', "'m", ' ', ' here' ]
 * ```
 */
export const GPT2_PATTERN = new RegExp(
  `'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^${WS}\\p{L}\\p{N}]+|[${WS}]+(?![^${WS}])|[${WS}]+`,
  'gu',
);

// Character classes of the scanner.
const OTHER = 0; // anything that is not a letter, a number or whitespace
const LETTER = 1; // \p{L}
const NUMBER = 2; // \p{N}
const SPACE = 3; // Python's \s

/** Classes of the 128 ASCII code points, filled at load. */
const ASCII_CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) ASCII_CLASS[c] = LETTER;
  else if (c >= 48 && c <= 57) ASCII_CLASS[c] = NUMBER;
  else if ((c >= 9 && c <= 13) || c === 32) ASCII_CLASS[c] = SPACE;
}

/** Classes of the other code points, computed 256 at a time on first use (the Unicode tables live in the regex engine). */
const BLOCKS: (Uint8Array | undefined)[] = new Array(0x110000 >> 8);
const IS_LETTER = /^\p{L}$/u;
const IS_NUMBER = /^\p{N}$/u;
const IS_SPACE = new RegExp(`^[${WS}]$`, 'u');

function classOf(cp: number): number {
  if (cp < 128) return ASCII_CLASS[cp]!;
  const hi = cp >> 8;
  let block = BLOCKS[hi];
  if (block === undefined) {
    block = new Uint8Array(256);
    for (let lo = 0; lo < 256; lo++) {
      const c = (hi << 8) | lo;
      if (c >= 0xd800 && c <= 0xdfff) continue; // lone surrogates: OTHER, as in the regex
      const s = String.fromCodePoint(c);
      block[lo] = IS_LETTER.test(s) ? LETTER : IS_NUMBER.test(s) ? NUMBER : IS_SPACE.test(s) ? SPACE : OTHER;
    }
    BLOCKS[hi] = block;
  }
  return block[cp & 0xff]!;
}

/** The code point at `i` of `text` (a lone surrogate stands for itself). */
function codePointAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}

/** The class of the code point at `i`, with its length in code units packed above bit 2: `(len << 2) | class`. */
function classAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c < 128) return 4 | ASCII_CLASS[c]!;
  const cp = codePointAt(text, i);
  return ((cp > 0xffff ? 2 : 1) << 2) | classOf(cp);
}

/** End of the run of code points of class `cls` that starts at `i`. */
function runEnd(text: string, i: number, cls: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 128) {
      if (ASCII_CLASS[c] !== cls) return i;
      i++;
    } else {
      const k = classAt(text, i);
      if ((k & 3) !== cls) return i;
      i += k >> 2;
    }
  }
  return i;
}

/** Length of the contraction (`'s`, `'t`, `'re`, `'ve`, `'m`, `'ll`, `'d`) at `i`, which holds an apostrophe; 0 if none. */
function contractionLength(text: string, i: number): number {
  const a = text.charCodeAt(i + 1);
  if (a === 115 || a === 116 || a === 109 || a === 100) return 2; // s t m d
  const b = text.charCodeAt(i + 2);
  if ((a === 114 && b === 101) || (a === 118 && b === 101) || (a === 108 && b === 108)) return 3; // re ve ll
  return 0;
}

/**
 * The end of the chunk of `text` that starts at `i` (below `text.length`): one step of the regex's `findall`.
 * The encoder calls it for the chunks that its own ASCII fast path leaves (see `Encoder.encode`).
 */
export function chunkEnd(text: string, i: number): number {
  const n = text.length;
  const c = text.charCodeAt(i);
  // 's 't 're 've 'm 'll 'd
  if (c === 39) {
    const len = contractionLength(text, i);
    if (len > 0) return i + len;
  }
  const k = classAt(text, i);
  const cls = k & 3;
  // \p{L}+, \p{N}+ or [^\s\p{L}\p{N}]+, without a leading space
  if (cls !== SPACE) return runEnd(text, i + (k >> 2), cls);
  if (c === 32 && i + 1 < n) {
    // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": one space glued to the run that follows it
    const k2 = classAt(text, i + 1);
    const cls2 = k2 & 3;
    if (cls2 !== SPACE) return runEnd(text, i + 1 + (k2 >> 2), cls2);
  }
  // \s+(?!\S) then \s+: whitespace is BMP-only, so the run's last character is one code unit
  const end = runEnd(text, i + 1, SPACE);
  return end < n && end - i >= 2 ? end - 1 : end;
}

/**
 * Calls `onChunk(start, end)` for each chunk of `text`, left to right; the chunks tile the text.
 * This is the engine behind {@link preTokenize}, which needs positions, not strings.
 */
export function forEachChunk(text: string, onChunk: (start: number, end: number) => void): void {
  for (let i = 0; i < text.length; ) {
    const end = chunkEnd(text, i);
    onChunk(i, end);
    i = end;
  }
}

/**
 * Splits text into GPT-2's pre-tokens ("chunks"), exactly as Python's `regex.findall(pat, text)`.
 *
 * @remarks Python: `re.findall(self.pat, text)` in `lxmls.transformers.bpe.Encoder.encode`.
 * @param text - Any string; a lone surrogate is kept as it is, in a chunk of its own class ("other").
 * @returns The chunks, in order; joined they give back `text`.
 * @example
 * ```ts
 * import { preTokenize } from '@lxmls/bpe';
 * console.log(preTokenize("Hello!! I'm  here\n")); // → [ 'Hello', '!!', ' I', "'m", ' ', ' here', '\n' ]
 * ```
 */
export function preTokenize(text: string): string[] {
  const chunks: string[] = [];
  forEachChunk(text, (start, end) => chunks.push(text.slice(start, end)));
  return chunks;
}
