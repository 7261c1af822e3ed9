/**
 * The tokenizer that travels with a model, for `lxmls generate` and `lxmls viz` ({@link modelTokenizer}: its
 * folder's `tokenizer.json`, the weather task's words, or GPT-2's BPE), with @lxmls/bpe's text tokenizers
 * (`textTokenizerFromJson`). `lxmls train text` builds one with @lxmls/course's `buildTextTokenizer`.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { getEncoder, LxmlsBpeError, type TextTokenizer, textTokenizerFromJson } from '@lxmls/bpe';
import { END_OF_TEXT } from '@lxmls/gpt';
import { WEATHER_TOKENS, weatherToken } from '@lxmls/weather-data';
import { CliError } from './errors.js';
import { resolveModelSource } from './load-model.js';

/**
 * The `tokenizer.json` of a local model folder, or `null` when it has none (GPT-2's BPE is then the default)
 * or the source is a URL.
 *
 * @param source - A folder path, or a bundled model name.
 * @param vocabSize - The model's vocabulary size, if known: a tokenizer of another size is refused.
 * @returns The tokenizer, or null.
 * @throws {@link CliError} for a tokenizer.json that cannot be read or is not a text model's.
 * @example
 * ```ts
 * import { loadFolderTokenizer } from './text-tokenizer.js';
 * console.log(await loadFolderTokenizer('https://example.com/m')); // → null
 * ```
 */
export async function loadFolderTokenizer(source: string, vocabSize?: number): Promise<TextTokenizer | null> {
  if (/^https?:\/\//i.test(source)) return null;
  const path = join(resolveModelSource(source), 'tokenizer.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return textTokenizerFromJson(text, vocabSize === undefined ? {} : { vocabSize });
  } catch (error) {
    if (LxmlsBpeError.isInstance(error)) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}

/** How a GPT of `lxmls generate` and `lxmls viz` reads and writes text. */
export interface ModelTokenizer {
  /** `char` or `bpe` (its folder's tokenizer.json), `weather` (the task's 8 words) or `gpt2` (GPT-2's BPE). */
  kind: 'char' | 'bpe' | 'weather' | 'gpt2';
  /** Text to ids. */
  encode(text: string): number[];
  /** Ids to text. */
  decode(ids: readonly number[]): string;
  /** One id as a drawn token (`Ġcat`, `a`, `walk`). */
  token(id: number): string;
  /** The id an empty prompt starts from (GPT-2's `<|endoftext|>`), or undefined when the model has none. */
  startId: number | undefined;
}

/** The weather task's words as a tokenizer: space-separated words, one id each. */
const WEATHER_TOKENIZER: ModelTokenizer = {
  kind: 'weather',
  encode: (text) => {
    const words = text
      .trim()
      .split(/\s+/)
      .filter((word) => word !== '');
    return words.map((word) => {
      const id = WEATHER_TOKENS.indexOf(word);
      if (id === -1)
        throw new CliError(
          `the model has the weather task's 8 tokens, and ${JSON.stringify(word)} is not one of them: give space-separated words of ${WEATHER_TOKENS.join(' ')}`,
        );
      return id;
    });
  },
  decode: (ids) => ids.map(weatherToken).join(' '),
  token: weatherToken,
  startId: undefined,
};

/**
 * The tokenizer that travels with a GPT: its folder's `tokenizer.json` (written by `lxmls train text`, or a
 * text model of @lxmls/models such as `lxmls/shakespeare-char`), else the weather task's words for a model of
 * 8 tokens (gpt-nano of Exercise 3.1, `lxmls/weather-nano`), else GPT-2's BPE. `lxmls generate` and
 * `lxmls viz` take the same models because they read them with this.
 *
 * @param source - The `--model` value (a folder, a name of @lxmls/models, a URL or a hub id).
 * @param vocabSize - The model's vocabulary size.
 * @returns The tokenizer.
 * @throws {@link CliError} for a tokenizer.json that cannot be read.
 * @example
 * ```ts
 * import { modelTokenizer } from './text-tokenizer.js';
 * const char = await modelTokenizer('lxmls/shakespeare-char', 65);
 * console.log(char.kind, char.encode('ROMEO').map((id) => char.token(id)).join('|')); // → char R|O|M|E|O
 * const weather = await modelTokenizer('lxmls/weather-nano', 8);
 * console.log(weather.encode('read walk  snowy'), weather.decode([1, 4, 6])); // → [ 1, 4, 6 ] read walk snowy
 * console.log((await modelTokenizer('gpt2', 50257)).token(262)); // → Ġthe
 * ```
 */
export async function modelTokenizer(source: string, vocabSize: number): Promise<ModelTokenizer> {
  const folder = await loadFolderTokenizer(source, vocabSize); // of another size: an error, not lost ids
  if (folder !== null)
    return {
      kind: folder.kind,
      encode: (text) => folder.encode(text),
      decode: (ids) => folder.decode(ids),
      token: (id) => folder.decode([id]),
      startId: folder.startId,
    };
  if (vocabSize === WEATHER_TOKENS.length) return WEATHER_TOKENIZER;
  const encoder = getEncoder();
  return {
    kind: 'gpt2',
    encode: (text) => encoder.encode(text),
    decode: (ids) => encoder.decode(ids),
    token: (id) => encoder.idToToken(id),
    startId: END_OF_TEXT,
  };
}
