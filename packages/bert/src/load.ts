/**
 * loadBertFolder: a Hugging Face BERT folder on disk (Node) → model + tokenizer, as
 * `BertModel.from_pretrained(folder)` and `BertTokenizer.from_pretrained(folder)` do.
 *
 * `node:fs` is imported only when this function runs, so the package still loads in browsers (where
 * `BertModel.fromSafetensors` and `BertTokenizer.fromVocab` / `fromTokenizerJson` take the bytes and texts).
 */

import { readSafetensors } from '@lxmls/nn';
import { type BertConfig, bertConfigFromJson } from './config.js';
import { describe, expectString, LxmlsBertError } from './errors.js';
import { type BertLoadOptions, BertModel } from './model.js';
import { BertTokenizer, type BertTokenizerOptions } from './tokenizer.js';

/** What {@link loadBertFolder} returns. */
export interface LoadedBert {
  /** The model, in eval mode. */
  model: BertModel;
  /** The tokenizer (from `tokenizer.json` when present, else `vocab.txt`). */
  tokenizer: BertTokenizer;
  /** The configuration read from `config.json`. */
  config: Readonly<BertConfig>;
  /** Checkpoint keys left out (task heads such as `cls.*`, the `position_ids` buffer). */
  ignoredKeys: string[];
}

/** The settings of a `tokenizer_config.json` that change tokenization, as {@link BertTokenizerOptions}. */
function tokenizerConfigOptions(json: unknown): BertTokenizerOptions {
  const out: BertTokenizerOptions = {};
  if (typeof json !== 'object' || json === null) return out;
  const c = json as Record<string, unknown>;
  if (typeof c.do_lower_case === 'boolean') out.doLowerCase = c.do_lower_case;
  if (typeof c.strip_accents === 'boolean' || c.strip_accents === null) out.stripAccents = c.strip_accents;
  if (typeof c.tokenize_chinese_chars === 'boolean') out.tokenizeChineseChars = c.tokenize_chinese_chars;
  if (typeof c.clean_up_tokenization_spaces === 'boolean')
    out.cleanUpTokenizationSpaces = c.clean_up_tokenization_spaces;
  const names = {
    unk_token: 'unkToken',
    sep_token: 'sepToken',
    pad_token: 'padToken',
    cls_token: 'clsToken',
    mask_token: 'maskToken',
  } as const;
  for (const [key, option] of Object.entries(names)) {
    const v = c[key];
    if (typeof v === 'string') out[option] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { content?: unknown }).content === 'string')
      out[option] = (v as { content: string }).content; // an AddedToken written out
  }
  return out;
}

/**
 * Loads a BERT saved in Hugging Face's layout: `config.json`, `model.safetensors`, and `tokenizer.json` or
 * `vocab.txt` (with `tokenizer_config.json` when present). Node only.
 *
 * @param folder - The folder's path.
 * @param options - `strict` (default true): a weight missing from the checkpoint throws.
 * @returns `{ model, tokenizer, config, ignoredKeys }`, the model in eval mode.
 * @throws {@link LxmlsBertError} `FILE_NOT_FOUND` naming the missing file; the errors of
 *   `BertModel.fromSafetensors` and `BertTokenizer`.
 * @remarks Python: `BertModel.from_pretrained(folder)` + `BertTokenizer.from_pretrained(folder)`.
 * @example
 * ```ts
 * import { loadBertFolder } from '@lxmls/bert';
 * const { model, tokenizer, config } = await loadBertFolder('packages/bert/src/__fixtures__/tiny-bert');
 * console.log(config.numHiddenLayers, tokenizer.vocabSize, model.training); // → 3 30522 false
 * ```
 */
export async function loadBertFolder(folder: string, options: BertLoadOptions = {}): Promise<LoadedBert> {
  const fn = 'loadBertFolder';
  expectString(folder, fn, 'folder');
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const read = async (name: string): Promise<Buffer | null> => {
    try {
      return await fs.readFile(join(folder, name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  };
  const missing = (name: string, expected: string, received: string) =>
    new LxmlsBertError('FILE_NOT_FOUND', `the folder has no ${name}`, {
      fn,
      argument: 'folder',
      expected,
      received,
    });

  const configBytes = await read('config.json');
  if (!configBytes)
    throw missing('config.json', 'a Hugging Face model folder with config.json', describe(folder));
  const config = bertConfigFromJson(configBytes.toString('utf8'));

  const weights = await read('model.safetensors');
  if (!weights) {
    const bin = await read('pytorch_model.bin');
    throw missing(
      'model.safetensors',
      'model.safetensors (PyTorch .bin files are pickles: convert them with safetensors first)',
      bin ? `only pytorch_model.bin in ${describe(folder)}` : describe(folder),
    );
  }

  const tokenizerConfig = await read('tokenizer_config.json');
  const overrides = tokenizerConfig
    ? tokenizerConfigOptions(JSON.parse(tokenizerConfig.toString('utf8')))
    : {};
  const tokenizerJson = await read('tokenizer.json');
  let tokenizer: BertTokenizer;
  if (tokenizerJson) tokenizer = BertTokenizer.fromTokenizerJson(tokenizerJson.toString('utf8'), overrides);
  else {
    const vocab = await read('vocab.txt');
    if (!vocab)
      throw missing('tokenizer.json or vocab.txt', 'a tokenizer.json or a vocab.txt', describe(folder));
    tokenizer = BertTokenizer.fromVocab(vocab.toString('utf8'), overrides);
  }

  const { tensors } = readSafetensors(new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength));
  const model = new BertModel(config, { initWeights: false });
  try {
    const { unexpectedKeys } = model.loadHFStateDict(tensors, options);
    return { model: model.eval(), tokenizer, config, ignoredKeys: unexpectedKeys };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    for (const t of tensors.values()) t.dispose();
  }
}
