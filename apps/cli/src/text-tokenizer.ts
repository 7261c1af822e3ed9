/**
 * The tokenizer that travels with a model, for `lxmls generate` and `lxmls viz`: @lxmls/course's
 * `modelTokenizer` (its folder's `tokenizer.json`, the weather task's words, or GPT-2's BPE) over the folder's
 * `tokenizer.json`, read here with every problem one line.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LxmlsBpeError } from '@lxmls/bpe';
import { modelTokenizer as fromJson, type ModelTokenizer } from '@lxmls/course';
import { CliError } from './errors.js';
import { resolveModelSource } from './load-model.js';

/**
 * The tokenizer of `--model` (a folder, a name of @lxmls/models, a URL or a hub id): @lxmls/course's
 * `modelTokenizer` over the folder's `tokenizer.json` when it has one.
 *
 * @param source - The `--model` value.
 * @param vocabSize - The model's vocabulary size.
 * @returns The tokenizer.
 * @throws {@link CliError} for a tokenizer.json that cannot be read, is not a text model's or does not fit.
 * @example
 * ```ts
 * import { modelTokenizer } from './text-tokenizer.js';
 * const char = await modelTokenizer('lxmls/shakespeare-char', 65);
 * console.log(char.kind, char.tokens('ROMEO').tokens.join('|')); // → char R|O|M|E|O
 * console.log((await modelTokenizer('https://example.com/m', 8)).kind); // → weather
 * ```
 */
export async function modelTokenizer(source: string, vocabSize: number): Promise<ModelTokenizer> {
  const path = join(resolveModelSource(source), 'tokenizer.json');
  let text: string | null = null;
  try {
    if (!/^https?:\/\//i.test(source)) text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR')
      throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return fromJson(text, vocabSize);
  } catch (error) {
    if (LxmlsBpeError.isInstance(error)) throw new CliError(`${path}: ${error.message}`);
    throw error;
  }
}
