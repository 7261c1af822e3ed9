/**
 * The tokenizers of a small text model: character-level (each character of the training text one id, as
 * Karpathy's `char-rnn` and nanoGPT's shakespeare-char do) or a byte-level BPE, behind one interface, each
 * saved as a Hugging Face `tokenizer.json` (`WordLevel` over single characters, or `BPE`).
 *
 * `lxmls train text` builds one, `lxmls generate` and the docs site's generate page read one back from a model
 * folder. Data-free: a GPT-2 BPE is passed in (`textTokenizerFromEncoder(getEncoder())`).
 */

import type { Encoder } from './encoder.js';
import { check, LxmlsBpeError } from './errors.js';
import { loadTokenizerJson } from './load.js';
import { saveTokenizerJson } from './serialize.js';

/** A text model's tokenizer: character-level or byte-level BPE. */
export interface TextTokenizer {
  /** `char` or `bpe`. */
  readonly kind: 'char' | 'bpe';
  /** The number of ids (the model's vocabulary size). */
  readonly vocabSize: number;
  /** Text to ids. Throws `UNKNOWN_TOKEN` for a character a character vocabulary lacks, naming it. */
  encode(text: string): number[];
  /** Ids to text. */
  decode(ids: readonly number[]): string;
  /** The id an empty prompt starts from: the `<|endoftext|>` of a BPE that has one, else a newline's, else 0. */
  readonly startId: number;
  /** The `tokenizer.json` text. */
  toJson(): string;
}

/** A character-level {@link TextTokenizer}, with its characters. */
export interface CharTokenizer extends TextTokenizer {
  readonly kind: 'char';
  /** The characters, one per id. */
  readonly chars: readonly string[];
}

/** How Hugging Face's tokenizers split a text into single characters (`.` with the `s` flag). */
const CHAR_PRE_TOKENIZER = {
  type: 'Split',
  pattern: { Regex: '(?s:.)' },
  behavior: 'Isolated',
  invert: false,
};

/**
 * A character-level tokenizer over `chars`, id `i` for `chars[i]`.
 *
 * @param chars - The characters, one per id.
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { charTokenizer } from '@lxmls/bpe';
 * const t = charTokenizer(['\n', 'a', 'b']);
 * console.log(t.encode('ab\n'), t.decode([2, 1]), t.startId); // → [ 1, 2, 0 ] ba 0
 * ```
 */
export function charTokenizer(chars: readonly string[]): CharTokenizer {
  const ids = new Map(chars.map((c, i) => [c, i]));
  return {
    kind: 'char',
    chars,
    vocabSize: chars.length,
    encode: (text) =>
      Array.from(text, (c) => {
        const id = ids.get(c);
        if (id === undefined) {
          throw new LxmlsBpeError('UNKNOWN_TOKEN', `${JSON.stringify(c)} is not in the model's vocabulary`, {
            fn: 'CharTokenizer.encode',
            expected: `one of ${JSON.stringify(chars.join('').slice(0, 200))}`,
            received: JSON.stringify(c),
          });
        }
        return id;
      }),
    decode: (list) => list.map((id) => chars[id] ?? '').join(''),
    startId: ids.get('\n') ?? 0,
    toJson() {
      const vocab = Object.fromEntries(chars.map((c, i) => [c, i]));
      const json = {
        version: '1.0',
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: CHAR_PRE_TOKENIZER,
        post_processor: null,
        decoder: { type: 'Fuse' },
        model: { type: 'WordLevel', vocab, unk_token: '' },
      };
      return `${JSON.stringify(json, null, 2)}\n`;
    },
  };
}

/**
 * The character-level tokenizer of a text: its distinct characters (code points) in code-point order.
 *
 * @param text - The training text.
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { trainCharTokenizer } from '@lxmls/bpe';
 * console.log(trainCharTokenizer('hello\n').chars); // → [ '\n', 'e', 'h', 'l', 'o' ]
 * ```
 */
export function trainCharTokenizer(text: string): CharTokenizer {
  const chars = [...new Set(Array.from(text))].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!);
  return charTokenizer(chars);
}

/**
 * A byte-level BPE {@link Encoder} as a {@link TextTokenizer}; its empty prompt starts from `<|endoftext|>`
 * when it has one, else from a newline when that is one token, else from id 0.
 *
 * @param encoder - The BPE (`getEncoder()`, `trainBPE(...)`, `loadTokenizerJson(...)`).
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { getEncoder, textTokenizerFromEncoder } from '@lxmls/bpe';
 * const t = textTokenizerFromEncoder(getEncoder());
 * console.log(t.kind, t.vocabSize, t.startId, t.encode('hi')); // → bpe 50257 50256 [ 5303 ]
 * ```
 */
export function textTokenizerFromEncoder(encoder: Encoder): TextTokenizer {
  const eot = encoder.specialTokens.get('<|endoftext|>');
  const newline = encoder.encode('\n');
  return {
    kind: 'bpe',
    vocabSize: encoder.vocabSize,
    encode: (text) => encoder.encode(text),
    decode: (ids) => encoder.decode([...ids]),
    startId: eot ?? (newline.length === 1 ? newline[0]! : 0),
    toJson: () => saveTokenizerJson(encoder),
  };
}

/**
 * Reads a `tokenizer.json`: a character-level `WordLevel` one (single characters to ids 0..n-1) or a
 * byte-level `BPE`.
 *
 * @param json - The file's text, or its parsed object.
 * @param options - `vocabSize`: the model's vocabulary size, which the tokenizer must have.
 * @returns The tokenizer.
 * @throws {@link LxmlsBpeError} `UNSUPPORTED_FORMAT` for invalid JSON or another model type,
 *   `INVALID_VOCABULARY` for a `WordLevel` vocabulary that is not single characters to ids 0..n-1, or for a
 *   tokenizer whose size is not `options.vocabSize`.
 * @example
 * ```ts
 * import { charTokenizer, textTokenizerFromJson } from '@lxmls/bpe';
 * const t = textTokenizerFromJson(charTokenizer(['a', 'b']).toJson());
 * console.log(t.kind, t.encode('ba')); // → char [ 1, 0 ]
 * try {
 *   textTokenizerFromJson(charTokenizer(['a', 'b']).toJson(), { vocabSize: 65 });
 * } catch (e) {
 *   console.log((e as Error).message);
 *   // → [@lxmls/bpe] textTokenizerFromJson: the tokenizer does not fit the model. Expected 65 tokens (options.vocabSize, the model's vocabulary), received 2 tokens. Ids of one that the other lacks would vanish from the text or fail: is it the tokenizer.json of another model?
 * }
 * ```
 */
export function textTokenizerFromJson(
  json: string | object,
  options: TextTokenizerFromJsonOptions = {},
): TextTokenizer {
  const tokenizer = readTextTokenizer(json);
  const wanted = options.vocabSize;
  if (wanted !== undefined && tokenizer.vocabSize !== wanted)
    check.fail(
      'textTokenizerFromJson',
      'options.vocabSize',
      wanted,
      'the tokenizer does not fit the model',
      `${wanted} tokens (options.vocabSize, the model's vocabulary)`,
      {
        code: 'INVALID_VOCABULARY',
        received: `${tokenizer.vocabSize} tokens`,
        hint: 'Ids of one that the other lacks would vanish from the text or fail: is it the tokenizer.json of another model?',
      },
    );
  return tokenizer;
}

/** Options of {@link textTokenizerFromJson}. */
export interface TextTokenizerFromJsonOptions {
  /** The vocabulary size of the model the tokenizer is for: another size is `INVALID_VOCABULARY` (issue 17). */
  vocabSize?: number;
}

function readTextTokenizer(json: string | object): TextTokenizer {
  const fn = 'textTokenizerFromJson';
  let root: { model?: { type?: unknown; vocab?: unknown } };
  try {
    root = (typeof json === 'string' ? JSON.parse(json) : json) as typeof root;
  } catch (error) {
    throw new LxmlsBpeError('UNSUPPORTED_FORMAT', 'the tokenizer is not valid JSON', {
      fn,
      received: (error as Error).message,
      cause: error,
    });
  }
  const type = root?.model?.type;
  if (type === 'BPE') return textTokenizerFromEncoder(loadTokenizerJson(root));
  if (type === 'WordLevel') return charTokenizerFromJson(root);
  throw new LxmlsBpeError('UNSUPPORTED_FORMAT', 'not a tokenizer of a text model', {
    fn,
    expected: 'model.type "BPE" (byte-level) or "WordLevel" (character-level)',
    received: JSON.stringify(type),
  });
}

/**
 * Reads a character-level `tokenizer.json` (`WordLevel` over single characters, as {@link CharTokenizer.toJson}
 * writes it).
 *
 * @param json - The file's text, or its parsed object.
 * @returns The tokenizer.
 * @throws {@link LxmlsBpeError} `UNSUPPORTED_FORMAT` for another model type, `INVALID_VOCABULARY` for a
 *   vocabulary that is not single characters to ids 0..n-1.
 * @example
 * ```ts
 * import { charTokenizerFromJson } from '@lxmls/bpe';
 * const t = charTokenizerFromJson({ model: { type: 'WordLevel', vocab: { '\n': 0, a: 1 } } });
 * console.log(t.chars, t.startId); // → [ '\n', 'a' ] 0
 * ```
 */
export function charTokenizerFromJson(json: string | object): CharTokenizer {
  const fn = 'charTokenizerFromJson';
  const root = (typeof json === 'string' ? JSON.parse(json) : json) as {
    model?: { type?: unknown; vocab?: unknown };
  };
  const model = root?.model;
  if (model?.type !== 'WordLevel' || typeof model.vocab !== 'object' || model.vocab === null) {
    throw new LxmlsBpeError('UNSUPPORTED_FORMAT', 'not a character-level tokenizer', {
      fn,
      expected: 'model.type "WordLevel" with a vocab',
      received: JSON.stringify(model?.type),
    });
  }
  const entries = Object.entries(model.vocab as Record<string, unknown>);
  const chars: string[] = [];
  for (const [c, id] of entries) {
    if (
      Array.from(c).length !== 1 ||
      !Number.isInteger(id) ||
      (id as number) < 0 ||
      (id as number) >= entries.length
    ) {
      throw new LxmlsBpeError(
        'INVALID_VOCABULARY',
        `the vocabulary must map single characters to ids 0..${entries.length - 1}`,
        {
          fn,
          expected: 'one character and an id',
          received: `${JSON.stringify(c)}: ${JSON.stringify(id)}`,
        },
      );
    }
    chars[id as number] = c;
  }
  return charTokenizer(chars);
}
