/**
 * The tokenizer of a text model for `lxmls train text` and `lxmls generate`: built from the training text
 * (`--tokenizer char|bpe|gpt2`) or read from a model folder's `tokenizer.json`, with @lxmls/bpe's text
 * tokenizers (`trainCharTokenizer`, `textTokenizerFromEncoder`, `textTokenizerFromJson`).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  getEncoder,
  LxmlsBpeError,
  type TextTokenizer,
  textTokenizerFromEncoder,
  textTokenizerFromJson,
  trainBPE,
  trainCharTokenizer,
} from '@lxmls/bpe';
import { CliError } from './errors.js';
import { modelFolder } from './train/weather-folder.js';

/**
 * The tokenizer `lxmls train text --tokenizer KIND` trains on a text: its characters, a byte-level BPE of
 * `vocabSize` tokens, or GPT-2's BPE (whose text model starts from a newline, as a character model does).
 *
 * @param text - The training text.
 * @param kind - `char`, `bpe` or `gpt2`.
 * @param vocabSize - The BPE's vocabulary size (`bpe` only).
 * @returns The tokenizer.
 * @example
 * ```ts
 * import { buildTokenizer } from './text-tokenizer.js';
 * console.log(buildTokenizer('abca', 'char', 0).vocabSize, buildTokenizer('', 'gpt2', 0).startId); // → 3 198
 * ```
 */
export function buildTokenizer(
  text: string,
  kind: 'char' | 'bpe' | 'gpt2',
  vocabSize: number,
): TextTokenizer {
  if (kind === 'char') return trainCharTokenizer(text);
  if (kind === 'bpe') return textTokenizerFromEncoder(trainBPE(text, { vocabSize, specialTokens: [] }));
  const gpt2 = textTokenizerFromEncoder(getEncoder());
  return { ...gpt2, startId: gpt2.encode('\n')[0]! };
}

/**
 * The `tokenizer.json` of a local model folder, or `null` when it has none (GPT-2's BPE is then the default)
 * or the source is a URL.
 *
 * @param source - A folder path, or a bundled model name.
 * @returns The tokenizer, or null.
 * @throws {@link CliError} for a tokenizer.json that cannot be read or is not a text model's.
 * @example
 * ```ts
 * import { loadFolderTokenizer } from './text-tokenizer.js';
 * console.log(await loadFolderTokenizer('https://example.com/m')); // → null
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
  try {
    return textTokenizerFromJson(text);
  } catch (error) {
    if (LxmlsBpeError.isInstance(error)) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
