/**
 * WordPiece: greedy longest-match-first splitting of one word into vocabulary pieces, the second half of
 * BERT's tokenizer. Pieces after the first carry the `##` continuation prefix; a word that cannot be split, or
 * is longer than `maxInputCharsPerWord` code points, becomes the single unknown token.
 *
 * Follows Hugging Face's `WordpieceTokenizer` (transformers 4) and the `tokenizers` WordPiece model
 * (transformers 5), which agree.
 */

import { check, describe, expectString, LxmlsBertError } from './errors.js';

/** Options of {@link WordpieceTokenizer}, with Hugging Face's defaults. */
export interface WordpieceOptions {
  /** The token for a word that cannot be split (default `[UNK]`); it must be in the vocabulary. */
  unkToken?: string;
  /** Longer words (in code points) become `unkToken` (default 100). */
  maxInputCharsPerWord?: number;
  /** The prefix of a piece that continues a word (default `##`). */
  continuingSubwordPrefix?: string;
}

/**
 * Splits words into the longest vocabulary pieces, left to right.
 *
 * @remarks Python: `transformers.models.bert.tokenization_bert.WordpieceTokenizer`.
 * @example
 * ```ts
 * import { WordpieceTokenizer } from '@lxmls/bert';
 * const vocab = new Map(['[UNK]', 'un', 'want', '##want', '##ed', 'runn', '##ing'].map((t, i) => [t, i]));
 * const wordpiece = new WordpieceTokenizer(vocab);
 * console.log(wordpiece.tokenize('unwanted'), wordpiece.tokenize('running'), wordpiece.tokenize('xyz')); // → [ 'un', '##want', '##ed' ] [ 'runn', '##ing' ] [ '[UNK]' ]
 * ```
 */
export class WordpieceTokenizer {
  /** The unknown token. */
  readonly unkToken: string;
  /** The longest word (in code points) that is split; longer ones become {@link WordpieceTokenizer.unkToken}. */
  readonly maxInputCharsPerWord: number;
  /** The continuation prefix, `##`. */
  readonly continuingSubwordPrefix: string;
  readonly #vocab: ReadonlyMap<string, number>;

  /**
   * @param vocab - Token → id.
   * @param options - `unkToken`, `maxInputCharsPerWord`, `continuingSubwordPrefix`.
   * @throws {@link LxmlsBertError} `INVALID_VOCABULARY` when `unkToken` is not in `vocab`.
   */
  constructor(vocab: ReadonlyMap<string, number>, options: WordpieceOptions = {}) {
    const fn = 'WordpieceTokenizer';
    const { unkToken = '[UNK]', maxInputCharsPerWord = 100, continuingSubwordPrefix = '##' } = options;
    expectString(unkToken, fn, 'unkToken');
    check.count(fn, 'maxInputCharsPerWord', maxInputCharsPerWord, 1, {
      received: describe(maxInputCharsPerWord),
    });
    expectString(continuingSubwordPrefix, fn, 'continuingSubwordPrefix');
    if (!vocab.has(unkToken))
      check.fail(
        fn,
        'vocab',
        undefined,
        'the vocabulary lacks the unknown token',
        `a vocabulary containing ${JSON.stringify(unkToken)}`,
        { code: 'INVALID_VOCABULARY', received: `${vocab.size} tokens without it` },
      );
    this.#vocab = vocab;
    this.unkToken = unkToken;
    this.maxInputCharsPerWord = maxInputCharsPerWord;
    this.continuingSubwordPrefix = continuingSubwordPrefix;
  }

  /**
   * Splits one word (no whitespace) into pieces.
   *
   * @param word - A word from the {@link BasicTokenizer}.
   * @returns Its pieces, or `[unkToken]`.
   */
  tokenize(word: string): string[] {
    expectString(word, 'WordpieceTokenizer.tokenize', 'word');
    const chars = Array.from(word); // code points, as Python's and Rust's strings index them
    if (chars.length > this.maxInputCharsPerWord) return [this.unkToken];
    const pieces: string[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let piece: string | null = null;
      while (start < end) {
        const candidate = (start > 0 ? this.continuingSubwordPrefix : '') + chars.slice(start, end).join('');
        if (this.#vocab.has(candidate)) {
          piece = candidate;
          break;
        }
        end--;
      }
      if (piece === null) return [this.unkToken]; // one unsplittable part makes the whole word unknown
      pieces.push(piece);
      start = end;
    }
    return pieces;
  }
}
