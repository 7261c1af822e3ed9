/**
 * The four text corpora of the BPE benchmark, all deterministic and offline: nothing is downloaded.
 *
 * - `tinyshakespeare`: the 1.1 MB file bundled with @lxmls/bpe's tests (English prose, short lines);
 * - `mixed-script`: ~300 kB of sentences drawn with a seeded PRNG from small word lists in many scripts;
 * - `code`: `lib.es5.d.ts` of the pinned TypeScript compiler (~218 kB of real declarations and comments);
 * - `random-unicode`: ~200 kB of random code points from several script ranges, as in gpt-tokenizer's
 *   benchmark, with spaces and newlines mixed in; always well-formed UTF-16 (no lone surrogates).
 *
 * Sizes are UTF-8 bytes, the unit of every MB/s figure. None of the texts contains `<|endoftext|>`.
 */

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { NUMBER_FORMS, PUNCTUATION, SCRIPTS, type Script } from './words.js';

/** One corpus: a name for the tables and `--json`, a line saying what it is, and the text. */
export interface Corpus {
  name: CorpusName;
  description: string;
  text: string;
}

export type CorpusName = 'tinyshakespeare' | 'mixed-script' | 'code' | 'random-unicode';

/** The corpora, in the order of the report. */
export const CORPUS_NAMES: readonly CorpusName[] = [
  'tinyshakespeare',
  'mixed-script',
  'code',
  'random-unicode',
];

/** Sizes in UTF-8 bytes: full run, and `--quick` (a smoke test). */
export const CORPUS_BYTES = {
  full: {
    tinyshakespeare: Number.POSITIVE_INFINITY,
    'mixed-script': 300_000,
    code: 300_000,
    'random-unicode': 200_000,
  },
  quick: { tinyshakespeare: 60_000, 'mixed-script': 40_000, code: 40_000, 'random-unicode': 30_000 },
} as const satisfies Record<string, Record<CorpusName, number>>;

/** The seed of the generated corpora. */
export const DEFAULT_SEED = 20_240_715;

/** mulberry32: a tiny seeded PRNG with uniform floats in [0, 1); the same seed gives the same sequence. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Loads or generates the corpora; `quick` makes them small. */
export function loadCorpora(options: { quick?: boolean; seed?: number } = {}): Corpus[] {
  const sizes = options.quick ? CORPUS_BYTES.quick : CORPUS_BYTES.full;
  const seed = options.seed ?? DEFAULT_SEED;
  const shakespeare = readFileSync(new URL(SHAKESPEARE_PATH, import.meta.url), 'utf8');
  const code = readTypeScriptLib();
  return [
    {
      name: 'tinyshakespeare',
      description: 'packages/bpe/src/__fixtures__/tinyshakespeare.txt (English prose)',
      text: cutAtLine(shakespeare, sizes.tinyshakespeare),
    },
    {
      name: 'mixed-script',
      description: `sentences in 12 scripts with emoji, numbers and punctuation (mulberry32 seed ${seed})`,
      text: mixedScriptText(sizes['mixed-script'], seed),
    },
    {
      name: 'code',
      description: `typescript@${code.version} lib/lib.es5.d.ts`,
      text: cutAtLine(code.text, sizes.code),
    },
    {
      name: 'random-unicode',
      description: `random code points over ${RANDOM_RANGES.length} script ranges (mulberry32 seed ${seed})`,
      text: randomUnicodeText(sizes['random-unicode'], seed),
    },
  ];
}

/** From this file (src/bpe or dist/bpe of benchmarks/) to the fixture of @lxmls/bpe. */
const SHAKESPEARE_PATH = '../../../packages/bpe/src/__fixtures__/tinyshakespeare.txt';

function readTypeScriptLib(): { text: string; version: string } {
  const require = createRequire(import.meta.url);
  const { version } = require('typescript/package.json') as { version: string };
  return { text: readFileSync(require.resolve('typescript/lib/lib.es5.d.ts'), 'utf8'), version };
}

/** The longest prefix of whole lines with at most `maxBytes` UTF-8 bytes (the whole text if it fits). */
function cutAtLine(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let end = text.lastIndexOf('\n', maxBytes);
  while (end > 0 && Buffer.byteLength(text.slice(0, end + 1)) > maxBytes)
    end = text.lastIndexOf('\n', end - 1);
  return text.slice(0, end + 1);
}

/**
 * Splits `text` into pieces of about `size` UTF-16 units, each ending just after a newline where there is
 * one within 4 × `size`, never inside a surrogate pair. The pieces concatenate back to `text`.
 * This is the "many small calls" workload (gpt-tokenizer's harness encodes many short texts).
 */
export function splitIntoChunks(text: string, size = 1000): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start + size);
    if (end === -1 || end > start + 4 * size) {
      end = Math.min(start + size, text.length);
      if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
    } else {
      end++; // keep the newline with its line
    }
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

// ---- mixed-script -------------------------------------------------------------------------------------

/**
 * About `targetBytes` UTF-8 bytes of sentences, each in one script (one in ten switches script midway),
 * with numbers, punctuation and emoji sprinkled in, in paragraphs separated by blank lines.
 */
export function mixedScriptText(targetBytes: number, seed = DEFAULT_SEED): string {
  const random = mulberry32(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const totalWeight = SCRIPTS.reduce((sum, s) => sum + s.weight, 0);
  const pickScript = (): Script => {
    let x = random() * totalWeight;
    for (const script of SCRIPTS) {
      x -= script.weight;
      if (x < 0) return script;
    }
    return SCRIPTS[0]!;
  };
  const parts: string[] = [];
  let bytes = 0;
  let sentencesInParagraph = 0;
  while (bytes < targetBytes) {
    let script = pickScript();
    const words: string[] = [];
    const length = 3 + Math.floor(random() * 12);
    for (let i = 0; i < length; i++) {
      if (i === Math.floor(length / 2) && random() < 0.1) script = pickScript();
      const x = random();
      if (x < 0.06) words.push(pick(NUMBER_FORMS)(random));
      else if (x < 0.1) words.push(`${pick(PUNCTUATION)}${pick(script.words)}`);
      else words.push(pick(script.words));
    }
    let sentence = words.join(script.separator) + pick(script.stops);
    if (random() < 0.05) sentence = `  ${sentence}\t`; // runs of spaces and tabs
    sentencesInParagraph++;
    const end = random() < 0.15 || sentencesInParagraph > 8 ? '\n\n' : random() < 0.2 ? '\n' : ' ';
    if (end === '\n\n') sentencesInParagraph = 0;
    const piece = sentence + end;
    parts.push(piece);
    bytes += Buffer.byteLength(piece);
  }
  return parts.join('');
}

// ---- random-unicode -----------------------------------------------------------------------------------

/** Inclusive code point ranges; none overlaps the surrogates (U+D800..U+DFFF). */
const RANDOM_RANGES: readonly (readonly [number, number])[] = [
  [0x0021, 0x007e], // ASCII printable
  [0x00c0, 0x024f], // Latin-1 letters, Latin Extended-A and -B
  [0x0300, 0x036f], // combining diacritical marks
  [0x0370, 0x03ff], // Greek
  [0x0400, 0x04ff], // Cyrillic
  [0x0590, 0x05ff], // Hebrew
  [0x0600, 0x06ff], // Arabic
  [0x0900, 0x097f], // Devanagari
  [0x0e00, 0x0e7f], // Thai
  [0x2000, 0x206f], // general punctuation (odd spaces, ZWJ, bidi controls)
  [0x3040, 0x30ff], // Hiragana and Katakana
  [0x4e00, 0x9fff], // CJK unified ideographs
  [0xac00, 0xd7a3], // Hangul syllables
  [0x1d400, 0x1d7ff], // mathematical alphanumerics (astral: surrogate pairs)
  [0x1f300, 0x1f64f], // emoji (astral)
];

/**
 * About `targetBytes` UTF-8 bytes of "words" of 1 to 8 random code points, each word from one random range,
 * separated mostly by spaces, sometimes by newlines, tabs, double spaces or nothing.
 */
export function randomUnicodeText(targetBytes: number, seed = DEFAULT_SEED): string {
  const random = mulberry32(seed ^ 0x5eed);
  const parts: string[] = [];
  let bytes = 0;
  while (bytes < targetBytes) {
    const [lo, hi] = RANDOM_RANGES[Math.floor(random() * RANDOM_RANGES.length)]!;
    const length = 1 + Math.floor(random() * 8);
    let word = '';
    for (let i = 0; i < length; i++) word += String.fromCodePoint(lo + Math.floor(random() * (hi - lo + 1)));
    const x = random();
    const separator = x < 0.8 ? ' ' : x < 0.9 ? '\n' : x < 0.94 ? '\t' : x < 0.97 ? '  ' : '';
    const piece = word + separator;
    parts.push(piece);
    bytes += Buffer.byteLength(piece);
  }
  return parts.join('');
}
