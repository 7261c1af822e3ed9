/**
 * loadBert and loadBertFolder: a Hugging Face BERT from a folder, a URL or a hub id → model + tokenizer, as
 * `BertModel.from_pretrained(source)` and `BertTokenizer.from_pretrained(source)` do.
 *
 * The files are read, downloaded and cached by @lxmls/hub (`openSource`): the same limits, cache and
 * progress as GPT's `fromPretrained` (issue 13: "BERT loads from a hub id too"). A folder's and a download's
 * JSON files and safetensors header are validated there, so a broken file is named. Its I/O errors are
 * @lxmls/hub's `LxmlsHubError`s, passed on. `node:fs` is imported only when a folder is read, so the package
 * still loads in browsers.
 */

import { folderSource, type ModelSource, openSource, type SourceOptions } from '@lxmls/hub';
import { LxmlsNnError, readSafetensors } from '@lxmls/nn';
import { type BertConfig, bertConfigFromJson } from './config.js';
import { checkBertConfigAgainstWeights } from './config-check.js';
import { check, describe, expectString, LxmlsBertError } from './errors.js';
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

/**
 * The settings of a parsed `tokenizer_config.json` that change tokenization, as {@link BertTokenizerOptions}
 * (the special tokens may be written as strings or as `AddedToken` objects with a `content`). Other keys are
 * ignored; anything but an object gives `{}`. Used by {@link loadBert}, and by a page that has the folder's
 * files in memory.
 *
 * @param json - The parsed `tokenizer_config.json`.
 * @returns The tokenizer options it sets.
 * @remarks Python: what `BertTokenizer.from_pretrained` takes from `tokenizer_config.json`.
 * @example
 * ```ts
 * import { tokenizerConfigOptions } from '@lxmls/bert';
 * console.log(tokenizerConfigOptions({ do_lower_case: false, unk_token: { content: '[UNK]' }, model_max_length: 512 })); // → { doLowerCase: false, unkToken: '[UNK]' }
 * ```
 */
export function tokenizerConfigOptions(json: unknown): BertTokenizerOptions {
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

/** Options of {@link loadBert}: `strict`, and where and how to fetch (@lxmls/hub's `SourceOptions`). */
export interface LoadBertOptions extends BertLoadOptions, SourceOptions {}

/**
 * Loads a BERT saved in Hugging Face's layout from a folder, an http(s) URL or a Hugging Face hub id
 * (`google-bert/bert-base-uncased`, downloaded once into the cache): `config.json`, `model.safetensors`, and
 * `tokenizer.json` or `vocab.txt` (with `tokenizer_config.json` when present).
 *
 * @param source - A folder path, a URL, or a hub id (`owner/name`); a folder that exists wins.
 * @param options - `strict` (default true: a weight missing from the checkpoint throws), and @lxmls/hub's
 *   source options: `hubUrl`, `revision`, `cacheDir`, `localOnly`, `refresh`, `fetch`, `onProgress`,
 *   `signal`, `maxBytes`, `connectTimeoutMs`, `idleTimeoutMs`, ...
 * @returns `{ model, tokenizer, config, ignoredKeys }`, the model in eval mode.
 * @throws {@link LxmlsBertError} `FILE_NOT_FOUND` naming the missing file; the errors of
 *   `BertModel.fromSafetensors` and `BertTokenizer`. @lxmls/hub's `LxmlsHubError` for what reading or
 *   downloading met (`NOT_FOUND`, `DOWNLOAD_FAILED`, `TIMEOUT`, `TOO_LARGE`, `INVALID_FILE` naming the file).
 * @remarks Python: `BertModel.from_pretrained(source)` + `BertTokenizer.from_pretrained(source)`.
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { loadBert } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const { model, tokenizer, config } = await loadBert(fileURLToPath(modelUrl('lxmls/bert-mini')), { localOnly: true });
 * console.log(config.hiddenSize, tokenizer.vocabSize, model.training); // → 128 30522 false
 * ```
 */
export async function loadBert(source: string, options: LoadBertOptions = {}): Promise<LoadedBert> {
  const fn = 'loadBert';
  expectString(source, fn, 'source');
  return loadFrom(await openSource(source, options), options, fn);
}

/**
 * Loads a BERT saved in Hugging Face's layout in a folder: `config.json`, `model.safetensors`, and
 * `tokenizer.json` or `vocab.txt` (with `tokenizer_config.json` when present). Node only. {@link loadBert}
 * also takes URLs and hub ids.
 *
 * @param folder - The folder's path.
 * @param options - `strict` (default true): a weight missing from the checkpoint throws.
 * @returns `{ model, tokenizer, config, ignoredKeys }`, the model in eval mode.
 * @throws {@link LxmlsBertError} `FILE_NOT_FOUND` naming the missing file; the errors of
 *   `BertModel.fromSafetensors` and `BertTokenizer`; @lxmls/hub's `INVALID_FILE` for a file that is not JSON
 *   or a safetensors file cut short (naming it).
 * @remarks Python: `BertModel.from_pretrained(folder)` + `BertTokenizer.from_pretrained(folder)`.
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { loadBertFolder } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const { model, tokenizer, config } = await loadBertFolder(fileURLToPath(modelUrl('lxmls/bert-mini')));
 * console.log(config.numHiddenLayers, tokenizer.vocabSize, model.training); // → 4 30522 false
 * ```
 */
export async function loadBertFolder(folder: string, options: BertLoadOptions = {}): Promise<LoadedBert> {
  const fn = 'loadBertFolder';
  expectString(folder, fn, 'folder');
  return loadFrom(folderSource(folder, fn), options, fn);
}

/**
 * Whether `folder` holds a BERT in Hugging Face's layout: its `config.json` says `"model_type": "bert"` or names a
 * `Bert…` architecture. False for a missing folder, a file, no `config.json` or one that is not JSON (a loader
 * then says what is wrong). Node only. `lxmls viz` reads a folder with {@link loadBertFolder} when this is true.
 *
 * @param folder - The folder's path.
 * @returns Whether it is a BERT folder.
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { isBertFolder } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * console.log(await isBertFolder(fileURLToPath(modelUrl('lxmls/bert-mini'))), await isBertFolder('/no/such/folder')); // → true false
 * ```
 */
export async function isBertFolder(folder: string): Promise<boolean> {
  try {
    const { readFile } = await import('node:fs/promises');
    const config = JSON.parse(await readFile(`${folder.replace(/[\\/]+$/, '')}/config.json`, 'utf8')) as {
      model_type?: unknown;
      architectures?: unknown;
    };
    const architectures: unknown[] = Array.isArray(config.architectures) ? config.architectures : [];
    return (
      config.model_type === 'bert' || architectures.some((a) => typeof a === 'string' && /^Bert/.test(a))
    );
  } catch {
    return false; // no folder, no config.json, or not JSON
  }
}

/**
 * Loads only the tokenizer of a BERT in Hugging Face's layout (a folder, a URL or a hub id):
 * `tokenizer.json`, else `vocab.txt`, with `tokenizer_config.json` when present.
 *
 * @param source - A folder path, a URL, or a hub id.
 * @param options - @lxmls/hub's source options (`hubUrl`, `revision`, `cacheDir`, `localOnly`, ...).
 * @returns The tokenizer.
 * @throws {@link LxmlsBertError} `FILE_NOT_FOUND` when there is neither file; @lxmls/hub's errors.
 * @remarks Python: `BertTokenizer.from_pretrained(source)`.
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { loadBertTokenizer } from '@lxmls/bert';
 * import { modelUrl } from '@lxmls/models';
 * const tokenizer = await loadBertTokenizer(fileURLToPath(modelUrl('lxmls/bert-mini')));
 * console.log(tokenizer.tokenize('Hello, lakes!')); // → [ 'hello', ',', 'lakes', '!' ]
 * ```
 */
export async function loadBertTokenizer(source: string, options: SourceOptions = {}): Promise<BertTokenizer> {
  const fn = 'loadBertTokenizer';
  expectString(source, fn, 'source');
  return tokenizerFrom(await openSource(source, options), fn);
}

const utf8 = (bytes: Uint8Array) => new TextDecoder('utf-8').decode(bytes);

/** The tokenizer of a source: `tokenizer.json`, else `vocab.txt`, with `tokenizer_config.json` on top. */
async function tokenizerFrom(files: ModelSource, fn: string): Promise<BertTokenizer> {
  const tokenizerConfig = await files.read('tokenizer_config.json', { optional: true });
  const overrides = tokenizerConfig ? tokenizerConfigOptions(JSON.parse(utf8(tokenizerConfig))) : {};
  const tokenizerJson = await files.read('tokenizer.json', { optional: true });
  if (tokenizerJson) return BertTokenizer.fromTokenizerJson(utf8(tokenizerJson), overrides);
  const vocab = await files.read('vocab.txt', { optional: true });
  if (vocab) return BertTokenizer.fromVocab(utf8(vocab), overrides);
  check.fail(
    fn,
    fn === 'loadBertFolder' ? 'folder' : 'source',
    undefined,
    `the ${files.kind === 'folder' ? 'folder' : 'source'} has no tokenizer.json or vocab.txt`,
    'a tokenizer.json or a vocab.txt',
    { code: 'FILE_NOT_FOUND', received: files.kind === 'folder' ? describe(files.location) : files.location },
  );
}

/** The weights of `model.safetensors`, refused (`INVALID_WEIGHTS`, the tensor named) if unreadable or not finite. */
function readWeights(bytes: Uint8Array, where: string, fn: string): ReturnType<typeof readSafetensors> {
  try {
    return readSafetensors(bytes, { finite: true });
  } catch (cause) {
    if (!LxmlsNnError.isInstance(cause)) throw cause;
    const what = cause.what.endsWith('not finite') ? 'holds weights that are not finite' : 'cannot be read';
    throw new LxmlsBertError('INVALID_WEIGHTS', `model.safetensors ${what}`, {
      fn,
      argument: cause.argument ?? 'model.safetensors',
      expected: `${cause.expected ?? 'a valid safetensors file'} in ${where}`,
      received:
        cause.argument === undefined ? String(cause.received) : `${cause.received} (${cause.argument})`,
      cause,
    });
  }
}

/** The model and tokenizer of a source: config first (checked), then the tokenizer files, then the weights. */
async function loadFrom(files: ModelSource, options: BertLoadOptions, fn: string): Promise<LoadedBert> {
  const where = files.kind === 'folder' ? describe(files.location) : files.location;
  const argument = fn === 'loadBertFolder' ? 'folder' : 'source';
  const missing = (name: string, expected: string, received: string) =>
    new LxmlsBertError(
      'FILE_NOT_FOUND',
      `the ${files.kind === 'folder' ? 'folder' : 'source'} has no ${name}`,
      {
        fn,
        argument,
        expected,
        received,
      },
    );

  const configBytes = await files.read('config.json', { optional: true });
  if (!configBytes) throw missing('config.json', 'a Hugging Face model folder with config.json', where);
  const config = bertConfigFromJson(utf8(configBytes));

  const tokenizer = await tokenizerFrom(files, fn);

  const weights = await files.read('model.safetensors', { optional: true });
  if (!weights) {
    // a folder's pytorch_model.bin is named (a download would fetch it whole: not for a URL or the hub)
    const bin =
      files.kind === 'folder' &&
      (await files.read('pytorch_model.bin', { optional: true, maxBytes: 0 }).then(
        (bytes) => bytes !== null,
        () => true,
      ));
    throw missing(
      'model.safetensors',
      'model.safetensors (PyTorch .bin files are pickles: convert them with safetensors first)',
      bin ? `only pytorch_model.bin in ${where}` : where,
    );
  }

  // the config's sizes against the weights' header, before anything is allocated (issue 17)
  checkBertConfigAgainstWeights(config, weights, files.location, fn);
  const { tensors } = readWeights(weights, files.location, fn);
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
