/**
 * A BERT from the files of a Hugging Face folder held in memory (what the BERT page gets from a file input or
 * from `fetch`): the browser's counterpart of `loadBertFolder`, which reads a folder on disk in Node. Also the
 * head view's data for a text, with or without `[CLS]`/`[SEP]`.
 */

import {
  attentionForViz,
  type BertConfig,
  BertModel,
  BertTokenizer,
  bertConfigFromJson,
  tokenizerConfigOptions,
} from '@lxmls/bert';
import type { AttentionData } from '@lxmls/viz';
import type { FolderFiles } from './folder-files.js';

/** What {@link bertFromFiles} returns. */
export interface BertFromFiles {
  model: BertModel;
  tokenizer: BertTokenizer;
  config: Readonly<BertConfig>;
  /** The files it read, in the order read. */
  used: string[];
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * Builds a BERT and its tokenizer from the files of a Hugging Face folder: `config.json`, `model.safetensors`,
 * and `tokenizer.json` or `vocab.txt` (with `tokenizer_config.json` when present). Other files are ignored.
 *
 * @param files - Base name → bytes.
 * @returns `{ model, tokenizer, config, used }`; the model in eval mode (dispose it when done).
 * @throws Error naming the missing file; the errors of `@lxmls/bert` for files it cannot read.
 */
export function bertFromFiles(files: FolderFiles): BertFromFiles {
  const need = (name: string, what: string): Uint8Array => {
    const bytes = files.get(name);
    if (bytes === undefined) {
      throw new Error(`The folder has no ${name}. Expected ${what}; this one has ${describeFiles(files)}.`);
    }
    return bytes;
  };
  const used = ['config.json'];
  const configText = text(need('config.json', 'a Hugging Face BERT folder'));
  const config = bertConfigFromJson(configText);
  const settings = files.get('tokenizer_config.json');
  const options = settings ? tokenizerConfigOptions(JSON.parse(text(settings))) : {};
  if (settings) used.push('tokenizer_config.json');
  let tokenizer: BertTokenizer;
  const tokenizerJson = files.get('tokenizer.json');
  if (tokenizerJson) {
    tokenizer = BertTokenizer.fromTokenizerJson(text(tokenizerJson), options);
    used.push('tokenizer.json');
  } else {
    tokenizer = BertTokenizer.fromVocab(text(need('vocab.txt', 'a tokenizer.json or a vocab.txt')), options);
    used.push('vocab.txt');
  }
  const weights = need('model.safetensors', 'model.safetensors (convert a pytorch_model.bin first)');
  used.push('model.safetensors');
  const model = BertModel.fromSafetensors(configText, weights);
  return { model, tokenizer, config, used };
}

function describeFiles(files: FolderFiles): string {
  return files.size === 0 ? 'no files' : [...files.keys()].sort().join(', ');
}

/** Options of {@link bertHeadViewData}. */
export interface BertViewOptions {
  /** Add `[CLS]`/`[SEP]` (as BERT was trained). The notebook leaves them out. @defaultValue false */
  specialTokens?: boolean;
}

/**
 * The head view's data for a text: the tokens and `attention[layer][head][query][key]` (Exercise 2.4's cell:
 * `tokenizer.tokenize(text)`, then the model with `output_attentions=True`).
 *
 * @param bert - The model and its tokenizer.
 * @param sentence - The text.
 * @param options - `specialTokens` (default false, as the notebook and `lxmls viz --no-special-tokens`).
 * @returns `{ tokens, attention }` for `headView`.
 * @throws Error for an empty text; `@lxmls/bert`'s `SEQUENCE_TOO_LONG` above `max_position_embeddings`.
 */
export function bertHeadViewData(
  bert: Pick<BertFromFiles, 'model' | 'tokenizer'>,
  sentence: string,
  options: BertViewOptions = {},
): AttentionData {
  const addSpecialTokens = options.specialTokens === true;
  if (!addSpecialTokens && bert.tokenizer.tokenize(sentence).length === 0) {
    throw new Error('There is nothing to draw: the text has no tokens. Type some words.');
  }
  const { tokens, attention } = attentionForViz(bert.model, bert.tokenizer, sentence, { addSpecialTokens });
  return { tokens, attention };
}
