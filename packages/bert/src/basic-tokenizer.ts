/**
 * BasicTokenizer: BERT's text normalisation and pre-tokenization, before WordPiece.
 *
 * Follows Hugging Face's BertTokenizer exactly as transformers 5 runs it, i.e. the `tokenizers` library's
 * `BertNormalizer` then `BertPreTokenizer` (the Python `BasicTokenizer` of transformers 4 does the same steps):
 *
 * 1. clean the text: drop U+0000, U+FFFD and control characters (Unicode categories Cc, Cf, Co, and lone
 *    surrogates, which only JavaScript strings can hold), except tab, newline and carriage return; turn every
 *    whitespace character (Unicode White_Space) into a plain space;
 * 2. put spaces around CJK ideographs, so each becomes a word of its own;
 * 3. strip accents (NFD, then drop the non-spacing marks, category Mn) — by default exactly when lower-casing;
 * 4. lower-case, character by character (so a final `Σ` becomes `σ`, as in Rust, not `ς`);
 * 5. split on whitespace, then isolate every punctuation character: ASCII 33–47, 58–64, 91–96, 123–126 and
 *    the Unicode categories P* (so `$`, `+`, `^` are punctuation too, as in BERT).
 */

import { expectBoolean, expectString } from './errors.js';

/** Characters removed by the cleaning step: controls and formats except tab, newline, return; U+FFFD. */
const CONTROL = /(?![\t\n\r])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\uFFFD]/gu;
/** Unicode White_Space (tab, newline, no-break space, U+3000 ...), not JavaScript's `\s` (which has U+FEFF). */
const WHITESPACE = /\p{White_Space}/gu;
/** The CJK Unified Ideographs blocks of `tokenizers`' `is_chinese_char` (not Hangul, Hiragana or Katakana). */
const CJK =
  /[\u4E00-\u9FFF\u3400-\u4DBF\u{20000}-\u{2A6DF}\u{2A700}-\u{2B73F}\u{2B740}-\u{2B81F}\u{2B920}-\u{2CEAF}\uF900-\uFAFF\u{2F800}-\u{2FA1F}]/gu;
/** Non-spacing combining marks, dropped after NFD to strip accents. */
const NONSPACING_MARK = /\p{Mn}/gu;
/** A word: one punctuation character, or a run of characters that are neither whitespace nor punctuation. */
const WORD =
  /[\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]|[^\p{White_Space}\p{P}\x21-\x2F\x3A-\x40\x5B-\x60\x7B-\x7E]+/gu;

/**
 * True for a punctuation character as BERT defines it: ASCII 33–47, 58–64, 91–96, 123–126 (so `$`, `+`, `^`,
 * `` ` `` count) or any Unicode punctuation category (Pc, Pd, Pe, Pf, Pi, Po, Ps).
 *
 * @param char - One character (a code point; a longer string tests its first code point).
 * @returns Whether it is punctuation.
 * @remarks Python: `transformers.models.bert.tokenization_bert._is_punctuation`.
 * @example
 * ```ts
 * import { isPunctuation } from '@lxmls/bert';
 * console.log(['$', "'", '¿', 'a', '€'].map(isPunctuation)); // → [ true, true, true, false, false ]
 * ```
 */
export function isPunctuation(char: string): boolean {
  const cp = char.codePointAt(0);
  if (cp === undefined) return false;
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) || (cp >= 123 && cp <= 126))
    return true;
  return /^\p{P}/u.test(String.fromCodePoint(cp));
}

/** Options of {@link BasicTokenizer}, with Hugging Face's defaults. */
export interface BasicTokenizerOptions {
  /** Lower-case the text (default true, as `bert-base-uncased`). Python: `do_lower_case`. */
  doLowerCase?: boolean;
  /** Strip accents; `null` (the default) means "when lower-casing", as Hugging Face. Python: `strip_accents`. */
  stripAccents?: boolean | null;
  /** Put spaces around CJK ideographs (default true). Python: `tokenize_chinese_chars`. */
  tokenizeChineseChars?: boolean;
  /** Remove control characters and normalise whitespace (default true). Python: `clean_text`. */
  cleanText?: boolean;
}

/**
 * BERT's normaliser and pre-tokenizer: text → words and punctuation marks, ready for WordPiece.
 *
 * @remarks Python: `transformers.models.bert.tokenization_bert.BasicTokenizer` (transformers 4), and
 * `tokenizers.normalizers.BertNormalizer` + `tokenizers.pre_tokenizers.BertPreTokenizer` (transformers 5).
 * @example
 * ```ts
 * import { BasicTokenizer } from '@lxmls/bert';
 * const basic = new BasicTokenizer();
 * console.log(basic.tokenize("Héllo, WORLD! don't 中文")); // → [ 'hello', ',', 'world', '!', 'don', "'", 't', '中', '文' ]
 * console.log(new BasicTokenizer({ doLowerCase: false }).tokenize('Héllo!')); // → [ 'Héllo', '!' ]
 * ```
 */
export class BasicTokenizer {
  /** Whether the text is lower-cased. */
  readonly doLowerCase: boolean;
  /** Whether accents are stripped (resolved: `null` became `doLowerCase`). */
  readonly stripAccents: boolean;
  /** Whether CJK ideographs are split apart. */
  readonly tokenizeChineseChars: boolean;
  /** Whether control characters are removed and whitespace normalised. */
  readonly cleanText: boolean;

  /** @param options - `doLowerCase`, `stripAccents`, `tokenizeChineseChars`, `cleanText`. */
  constructor(options: BasicTokenizerOptions = {}) {
    const fn = 'BasicTokenizer';
    const {
      doLowerCase = true,
      stripAccents = null,
      tokenizeChineseChars = true,
      cleanText = true,
    } = options;
    expectBoolean(doLowerCase, fn, 'doLowerCase');
    if (stripAccents !== null) expectBoolean(stripAccents, fn, 'stripAccents');
    expectBoolean(tokenizeChineseChars, fn, 'tokenizeChineseChars');
    expectBoolean(cleanText, fn, 'cleanText');
    this.doLowerCase = doLowerCase;
    this.stripAccents = stripAccents ?? doLowerCase;
    this.tokenizeChineseChars = tokenizeChineseChars;
    this.cleanText = cleanText;
  }

  /**
   * Steps 1–4: cleans, spaces CJK ideographs, strips accents and lower-cases.
   *
   * @param text - Any string.
   * @returns The normalised string.
   * @example
   * ```ts
   * import { BasicTokenizer } from '@lxmls/bert';
   * console.log(JSON.stringify(new BasicTokenizer().normalize('Ångström\u0000\t中'))); // → "angstrom  中 "
   * ```
   */
  normalize(text: string): string {
    expectString(text, 'BasicTokenizer.normalize');
    if (this.cleanText) text = text.replace(CONTROL, '').replace(WHITESPACE, ' ');
    if (this.tokenizeChineseChars) text = text.replace(CJK, ' $& ');
    if (this.stripAccents) text = text.normalize('NFD').replace(NONSPACING_MARK, '');
    // Rust lower-cases one character at a time, so `Σ` never takes its word-final form `ς`.
    if (this.doLowerCase) text = text.replaceAll('Σ', 'σ').toLowerCase();
    return text;
  }

  /**
   * Step 5 on a normalised string: splits on whitespace and isolates punctuation.
   *
   * @param text - A string, usually from {@link BasicTokenizer.normalize}.
   * @returns The words and punctuation marks, in order.
   */
  preTokenize(text: string): string[] {
    expectString(text, 'BasicTokenizer.preTokenize');
    return text.match(WORD) ?? [];
  }

  /**
   * Normalises then pre-tokenizes.
   *
   * @param text - Any string.
   * @returns The words and punctuation marks, in order.
   */
  tokenize(text: string): string[] {
    expectString(text, 'BasicTokenizer.tokenize');
    return this.preTokenize(this.normalize(text));
  }
}
