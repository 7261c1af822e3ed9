/**
 * exportOnnxFolder: the files of a model folder that transformers.js (and Optimum) load offline: `onnx/model.onnx`
 * (a KV-cache export), `config.json` (Hugging Face's GPT-2 config, with `transformers.js_config` asking for that
 * float32 file), `generation_config.json`, and, when given, the tokenizer (`tokenizer.json` with its
 * `tokenizer_config.json`) and any other file. It returns the files' contents; writing them is the caller's
 * (the CLI's `lxmls export-onnx` writes them atomically), so the package stays free of the file system.
 *
 * Follows the layout of the ONNX folders on the Hugging Face hub that transformers.js 4 reads with
 * `env.allowRemoteModels = false` and `env.localModelPath` (its `get_model_files`: `config.json`, then
 * `onnx/<name><dtype suffix>.onnx`, the suffix empty for `fp32`), and @lxmls/gpt's `gptConfigToHfConfig`.
 */

import { type GPT, gptConfigToHfConfig } from '@lxmls/gpt';
import { check } from './errors.js';
import { type ExportOnnxOptions, exportOnnx } from './export.js';

/** Options of {@link exportOnnxFolder}. */
export interface ExportOnnxFolderOptions extends Omit<ExportOnnxOptions, 'kvCache'> {
  /**
   * A Hugging Face `tokenizer.json` (its text) to ship with the model; a `tokenizer_config.json` is written
   * beside it, naming `<|endoftext|>` as the start, end and unknown token when the tokenizer has it.
   */
  tokenizerJson?: string;
  /** Other files to ship as they are, by their path in the folder (e.g. `lxmls.json`, `README.md`). */
  files?: Readonly<Record<string, string | Uint8Array>>;
}

/** The path of the ONNX model inside the folder, where transformers.js looks for a `fp32` model. */
const MODEL_PATH = 'onnx/model.onnx';

/** The files this function writes itself; `files` may not replace them. */
const OWN_FILES = [MODEL_PATH, 'config.json', 'generation_config.json'];

/** The tokenizer_config.json of a tokenizer.json: its class and its special tokens. */
function tokenizerConfig(json: string, blockSize: number): Record<string, unknown> {
  let parsed: { model?: { type?: unknown }; pre_tokenizer?: { type?: unknown }; added_tokens?: unknown };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch (e) {
    check.fail(
      'exportOnnxFolder',
      'options.tokenizerJson',
      undefined,
      'options.tokenizerJson is not JSON',
      "a Hugging Face tokenizer.json's text",
      { received: (e as Error).message },
    );
  }
  if (typeof parsed !== 'object' || parsed === null || typeof parsed.model?.type !== 'string')
    check.fail(
      'exportOnnxFolder',
      'options.tokenizerJson',
      undefined,
      'options.tokenizerJson has no model',
      'a Hugging Face tokenizer.json with a "model": { "type": ... }',
      { received: JSON.stringify(json.slice(0, 60)) },
    );
  const added = Array.isArray(parsed.added_tokens) ? (parsed.added_tokens as { content?: unknown }[]) : [];
  const eot = added.some((t) => t.content === '<|endoftext|>') ? '<|endoftext|>' : null;
  const byteLevelBpe = parsed.model.type === 'BPE' && parsed.pre_tokenizer?.type === 'ByteLevel';
  return {
    add_prefix_space: false,
    bos_token: eot,
    clean_up_tokenization_spaces: false,
    eos_token: eot,
    model_max_length: blockSize,
    tokenizer_class: byteLevelBpe ? 'GPT2Tokenizer' : 'PreTrainedTokenizerFast',
    unk_token: eot,
  };
}

/**
 * The files of a model folder that transformers.js loads from disk with no network: the KV-cache export of
 * `model` as `onnx/model.onnx`, `config.json`, `generation_config.json`, and the tokenizer and other files
 * given. The model computes in float32 in every case (`dtype: 'float16'` stores half-precision weights and
 * casts them), so `config.json` tells transformers.js to load it as its `fp32` file.
 *
 * @param model - A GPT of @lxmls/gpt (what {@link exportOnnx} takes).
 * @param options - {@link exportOnnx}'s `opset`, `dtype`, `attentions` (the export always has the KV cache),
 *   `tokenizerJson`, and other `files`.
 * @returns The files by their path in the folder (`/`-separated), in the order to write them: JSON as text,
 *   the model as bytes.
 * @throws {@link LxmlsOnnxError} what {@link exportOnnx} throws; `INVALID_OPTION` for a `tokenizerJson` that
 *   is not a tokenizer.json, or a file of `files` that would replace one of the folder's own.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { exportOnnxFolder } from '@lxmls/onnx';
 * import { RandomGenerator } from '@lxmls/tensor';
 * const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 };
 * const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
 * const files = exportOnnxFolder(model, { files: { 'README.md': '# gpt-nano\n' } });
 * console.log([...files.keys()]); // → [ 'onnx/model.onnx', 'config.json', 'generation_config.json', 'README.md' ]
 * console.log(JSON.parse(files.get('config.json') as string)['transformers.js_config']); // → { dtype: 'fp32' }
 * ```
 */
export function exportOnnxFolder(
  model: GPT,
  options: ExportOnnxFolderOptions = {},
): Map<string, string | Uint8Array> {
  const { tokenizerJson, files = {}, ...exportOptions } = options;
  const clash = Object.keys(files).find(
    (name) =>
      OWN_FILES.includes(name) || (tokenizerJson !== undefined && /^tokenizer(_config)?\.json$/.test(name)),
  );
  if (clash !== undefined)
    check.fail(
      'exportOnnxFolder',
      'options.files',
      undefined,
      `options.files would replace the folder's ${clash}`,
      `files other than ${OWN_FILES.join(', ')}${tokenizerJson === undefined ? '' : ', tokenizer.json, tokenizer_config.json'}`,
      { received: clash },
    );
  const bytes = exportOnnx(model, { ...exportOptions, kvCache: true });
  const { config } = model;
  const hf = gptConfigToHfConfig(config, { dtype: exportOptions.dtype ?? 'float32' });
  const json = (value: object) => `${JSON.stringify(value, null, 2)}\n`;
  const out = new Map<string, string | Uint8Array>([
    [MODEL_PATH, bytes],
    ['config.json', json({ ...hf, 'transformers.js_config': { dtype: 'fp32' } })],
    [
      'generation_config.json',
      json({ bos_token_id: hf.bos_token_id, eos_token_id: hf.eos_token_id, pad_token_id: hf.pad_token_id }),
    ],
  ]);
  if (tokenizerJson !== undefined) {
    const tokenizerConfigJson = json(tokenizerConfig(tokenizerJson, config.blockSize));
    out.set('tokenizer.json', tokenizerJson);
    out.set('tokenizer_config.json', tokenizerConfigJson);
  }
  for (const [name, data] of Object.entries(files)) out.set(name, data);
  return out;
}
