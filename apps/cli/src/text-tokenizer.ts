/**
 * The tokenizer of a text model folder (`tokenizer.json`, Hugging Face format): a byte-level BPE (read and
 * written by @lxmls/bpe, `model.type` "BPE") or a character-level one (`model.type` "WordLevel" over single
 * characters: a `Split` pre-tokenizer on every character and a `Fuse` decoder, as Hugging Face `tokenizers`
 * builds one). `lxmls train text` writes it beside the model; `lxmls generate --model DIR` reads it.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Encoder, getEncoder, loadTokenizerJson, saveTokenizerJson, trainBPE } from '@lxmls/bpe';
import { CliError } from './errors.js';
import { modelFolder } from './train/weather-folder.js';

/** What `lxmls train text` and `lxmls generate` need of a tokenizer. */
export interface TextTokenizer {
  /** `char` or `bpe`. */
  kind: 'char' | 'bpe';
  /** The number of ids (the model's vocabulary size). */
  vocabSize: number;
  /** Text to ids. Throws a {@link CliError} for a character the vocabulary lacks. */
  encode(text: string): number[];
  /** Ids to text. */
  decode(ids: readonly number[]): string;
  /**
   * The id an empty prompt starts from: the tokenizer's `<|endoftext|>` when it has one, else the id of a
   * newline, else 0.
   */
  startId: number;
  /** The `tokenizer.json` text. */
  toJson(): string;
}

/** The pre-tokenizer of the character-level `tokenizer.json`: every character is a piece. */
const CHAR_PRE_TOKENIZER = {
  type: 'Split',
  pattern: { Regex: '(?s:.)' },
  behavior: 'Isolated',
  invert: false,
};

/**
 * A character-level tokenizer over the distinct characters (code points) of a text, in code-point order.
 *
 * @param chars - The vocabulary, one character per id.
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { charTokenizer } from './text-tokenizer.js';
 * const t = charTokenizer(['\n', ' ', 'a', 'b']);
 * console.log(t.encode('ab a'), t.decode([3, 2]), t.startId); // → [ 2, 3, 1, 2 ] ba 0
 * ```
 */
export function charTokenizer(chars: readonly string[]): TextTokenizer {
  const ids = new Map(chars.map((c, i) => [c, i]));
  return {
    kind: 'char',
    vocabSize: chars.length,
    encode(text) {
      return Array.from(text, (c) => {
        const id = ids.get(c);
        if (id === undefined) {
          throw new CliError(`the character ${JSON.stringify(c)} is not in the model's vocabulary`);
        }
        return id;
      });
    },
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
 * Wraps a byte-level BPE {@link Encoder} of @lxmls/bpe.
 *
 * @param encoder - The encoder.
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { trainBPE } from '@lxmls/bpe';
 * import { bpeTokenizer } from './text-tokenizer.js';
 * const t = bpeTokenizer(trainBPE('hi hi hi\n', { vocabSize: 258, specialTokens: [] }));
 * console.log(t.vocabSize, t.decode(t.encode('hi hi')), t.startId); // → 258 hi hi 198
 * ```
 */
export function bpeTokenizer(encoder: Encoder): TextTokenizer {
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
 * Builds the tokenizer `lxmls train text` trains on: the characters of the text, a byte-level BPE of
 * `vocabSize` tokens trained on it (no special tokens, so every id is seen in training), or GPT-2's own BPE
 * (50,257 tokens, bundled in @lxmls/bpe; a model folder needs no `tokenizer.json` for it; its samples start
 * from a newline, id 198, not `<|endoftext|>`, which a text without it never trains).
 *
 * @param text - The training text.
 * @param kind - `char`, `bpe` or `gpt2`.
 * @param vocabSize - The BPE's vocabulary size (≥ 257); unused for `char` and `gpt2`.
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { buildTokenizer } from './text-tokenizer.js';
 * console.log(buildTokenizer('hello', 'char', 0).vocabSize, buildTokenizer('hello', 'gpt2', 0).encode('hello')); // → 4 [ 31373 ]
 * ```
 */
export function buildTokenizer(
  text: string,
  kind: 'char' | 'bpe' | 'gpt2',
  vocabSize: number,
): TextTokenizer {
  if (kind === 'gpt2') {
    const gpt2 = bpeTokenizer(getEncoder());
    return { ...gpt2, startId: gpt2.encode('\n')[0]! }; // a text model starts from a newline, as with `char`
  }
  if (kind === 'char') return charTokenizer([...new Set(Array.from(text))].sort(compareCodePoints));
  return bpeTokenizer(trainBPE(text, { vocabSize, specialTokens: [] }));
}

function compareCodePoints(a: string, b: string): number {
  return a.codePointAt(0)! - b.codePointAt(0)!;
}

/**
 * Reads a `tokenizer.json`: a byte-level BPE (via @lxmls/bpe's `loadTokenizerJson`) or the character-level
 * form {@link charTokenizer} writes.
 *
 * @param json - The file's text.
 * @param where - The path, for error messages.
 * @returns The tokenizer.
 * @throws {@link CliError} for another kind of tokenizer or a malformed file.
 * @example
 * ```ts
 * import { charTokenizer, loadTextTokenizer } from './text-tokenizer.js';
 * const t = loadTextTokenizer(charTokenizer(['\n', 'a']).toJson(), 'tokenizer.json');
 * console.log(t.kind, t.encode('a\n')); // → char [ 1, 0 ]
 * ```
 */
export function loadTextTokenizer(json: string, where: string): TextTokenizer {
  let root: { model?: { type?: unknown; vocab?: unknown } };
  try {
    root = JSON.parse(json) as typeof root;
  } catch (error) {
    throw new CliError(`${where} is not valid JSON: ${(error as Error).message}`);
  }
  const type = root?.model?.type;
  if (type === 'BPE') return bpeTokenizer(loadTokenizerJson(root));
  if (type === 'WordLevel') {
    const vocab = root.model!.vocab as Record<string, number> | undefined;
    const entries = Object.entries(vocab ?? {});
    const chars: string[] = [];
    for (const [c, id] of entries) {
      if (Array.from(c).length !== 1 || !Number.isInteger(id) || id < 0 || id >= entries.length) {
        throw new CliError(`${where}: the WordLevel vocabulary must map single characters to ids 0..n-1`);
      }
      chars[id] = c;
    }
    return charTokenizer(chars);
  }
  throw new CliError(
    `${where}: expected a byte-level BPE ("BPE") or character-level ("WordLevel") tokenizer, received model.type ${JSON.stringify(type)}`,
  );
}

/**
 * The tokenizer of a model folder, when it has a `tokenizer.json` (`lxmls train text --out DIR` writes one;
 * so does a bundled text model); `null` otherwise (a URL, a hub id, or a folder without one: GPT-2's BPE).
 *
 * @param source - The `--model` value: a folder or a bundled name.
 * @returns The tokenizer, or `null`.
 * @throws {@link CliError} for an unreadable or unsupported `tokenizer.json`.
 * @example
 * ```ts
 * import { loadFolderTokenizer } from './text-tokenizer.js';
 * console.log(await loadFolderTokenizer('gpt2'), (await loadFolderTokenizer('lxmls/shakespeare-char'))?.kind); // → null char
 * ```
 */
export async function loadFolderTokenizer(source: string): Promise<TextTokenizer | null> {
  if (/^https?:\/\//i.test(source)) return null;
  const path = join(modelFolder(source), 'tokenizer.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  return loadTextTokenizer(text, path);
}
