/**
 * Saving the course GPT as a Hugging Face GPT-2 checkpoint: `config.json` + `model.safetensors`, the layout
 * transformers' `GPT2LMHeadModel.from_pretrained(dir)` loads and {@link loadCheckpoint} reads back.
 *
 * {@link toHuggingFaceFiles} makes the two files as bytes (anywhere, browsers included);
 * {@link saveHuggingFace} writes them into a folder in Node with @lxmls/hub's `writeFolderAtomic`: the whole
 * folder is written under a temporary name, flushed and renamed into place with a commit marker, so a crash
 * leaves the old checkpoint or the new one, never a mix, and files of an earlier model are never kept.
 */

import { isNode, writeFolderAtomic } from '@lxmls/hub';
import type { StateDict } from '@lxmls/nn';
import { writeSafetensors } from '@lxmls/nn';
import type { Tensor } from '@lxmls/tensor';
import { check, LxmlsGptError } from '../errors.js';
import { type CheckpointConfig, gptConfigToHfConfig } from './hf-config.js';
import { checkHfTensorShapes, type MinGptStateDictToHfOptions, minGptStateDictToHf } from './hf-weights.js';
import { asGptError, CONFIG_FILE, WEIGHTS_FILE } from './source.js';

/** Options of {@link toHuggingFaceFiles} and {@link saveHuggingFace}. */
export interface SaveHuggingFaceOptions extends MinGptStateDictToHfOptions {
  /** Extra `__metadata__` strings of `model.safetensors` (`format: 'pt'`, which transformers needs, is always set). */
  metadata?: Readonly<Record<string, string>>;
  /** Store the weights as `F16` (half the bytes; {@link loadCheckpoint} reads them back as float32). @defaultValue false */
  float16?: boolean;
}

/** Options of {@link saveHuggingFace}: the file options plus how the folder is written. */
export interface SaveFolderOptions extends SaveHuggingFaceOptions {
  /**
   * Replace a model folder that already exists (a folder with `config.json` or a commit marker, and no
   * subfolder; any other non-empty folder is refused). @defaultValue true
   */
  overwrite?: boolean;
  /** More files to commit with the checkpoint, in the same atomic step (`tokenizer.json`, `lxmls.json`). */
  extraFiles?: Readonly<Record<string, string | Uint8Array>>;
}

/** The two files of a Hugging Face checkpoint, as {@link toHuggingFaceFiles} makes them. */
export interface HuggingFaceFiles {
  /** The text of `config.json` (2-space indented, keys sorted, a final newline, as transformers writes it). */
  'config.json': string;
  /** The bytes of `model.safetensors`. */
  'model.safetensors': Uint8Array;
}

/** The config fields {@link toHuggingFaceFiles} reads. */
export type SaveConfig = Pick<
  CheckpointConfig,
  'nLayer' | 'nHead' | 'nEmbd' | 'vocabSize' | 'blockSize' | 'embdPdrop' | 'residPdrop' | 'attnPdrop'
>;

/**
 * Makes the two files of a Hugging Face GPT-2 checkpoint from a course config and state dict, in memory.
 *
 * The weights get GPT-2's names and Conv1D orientation ({@link minGptStateDictToHf}); `lm_head.weight` is
 * left out and `tie_word_embeddings` set to true when it equals `wte` bitwise (the default `'auto'`), else
 * written with `tie_word_embeddings: false`. The state dict must fit the config.
 *
 * @param config - The course config (its sizes and dropouts).
 * @param stateDict - The course state dict, e.g. `gpt.stateDict()` (either attention layout).
 * @param options - `tieWordEmbeddings` (`'auto'`, `true`, `false`), extra safetensors `metadata`, `float16`.
 * @returns `{ 'config.json': string, 'model.safetensors': Uint8Array }`.
 * @throws {@link LxmlsGptError} `INVALID_CONFIG` (a bad config), `INVALID_ARGUMENT` (a key that is not a GPT
 *   parameter), `CHECKPOINT_MISMATCH` (a tensor whose shape does not fit the config).
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { loadCheckpoint, toHuggingFaceFiles } from '@lxmls/gpt';
 * import { modelUrl } from '@lxmls/models';
 * const { config, stateDict } = await loadCheckpoint(fileURLToPath(modelUrl('lxmls/gpt2-shakespeare')));
 * const files = toHuggingFaceFiles(config, stateDict);
 * console.log(JSON.parse(files['config.json']).tie_word_embeddings, files['model.safetensors'].byteLength); // → true 28975672
 * for (const t of stateDict.values()) t.dispose();
 * ```
 */
export function toHuggingFaceFiles(
  config: SaveConfig,
  stateDict: StateDict,
  options: SaveHuggingFaceOptions = {},
): HuggingFaceFiles {
  const fn = 'toHuggingFaceFiles';
  gptConfigToHfConfig(config); // the config is checked before any tensor is made
  const inputs = new Set<Tensor>(stateDict instanceof Map ? stateDict.values() : Object.values(stateDict));
  const { tensors, tieWordEmbeddings } = minGptStateDictToHf(stateDict, options);
  try {
    checkHfTensorShapes(tensors, config, fn);
    const dtype = options.float16 === true ? 'float16' : 'float32'; // what the weights file holds
    const hfConfig = gptConfigToHfConfig(config, { tieWordEmbeddings, dtype });
    return {
      [CONFIG_FILE]: `${JSON.stringify(hfConfig, null, 2)}\n`,
      [WEIGHTS_FILE]: writeSafetensors(
        tensors,
        { ...options.metadata, format: 'pt' },
        { float16: dtype === 'float16' },
      ),
    } as HuggingFaceFiles;
  } finally {
    for (const t of tensors.values()) if (!inputs.has(t)) t.dispose(); // the transposed copies
  }
}

/**
 * Saves a course GPT as a Hugging Face GPT-2 checkpoint folder (`config.json` + `model.safetensors`), which
 * transformers' `GPT2LMHeadModel.from_pretrained(dir)` and {@link loadCheckpoint} load. Node only.
 *
 * The folder is created if needed and written atomically (@lxmls/hub's `writeFolderAtomic`): an existing
 * checkpoint is replaced whole or not at all, files of the earlier model included; `extraFiles` are
 * committed in the same step.
 *
 * @param dir - The folder.
 * @param config - The course config.
 * @param stateDict - The course state dict, e.g. `gpt.stateDict()`.
 * @param options - As {@link toHuggingFaceFiles}, plus `overwrite` (default true) and `extraFiles`.
 * @returns The paths of the two files written.
 * @throws {@link LxmlsGptError} as {@link toHuggingFaceFiles}; `INVALID_ARGUMENT` outside Node (use
 *   {@link toHuggingFaceFiles} there), for a folder that exists without `overwrite`, or one that is not a
 *   model folder, or a path that cannot be written (inside a file, on `/proc`). File-system errors
 *   (permissions, a full disk) are passed on, with nothing left behind.
 * @example
 * ```ts
 * import { loadCheckpoint, saveHuggingFace } from '@lxmls/gpt';
 * import { mkdtemp, readdir, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { fileURLToPath } from 'node:url';
 * import { modelUrl } from '@lxmls/models';
 * const { config, stateDict } = await loadCheckpoint(fileURLToPath(modelUrl('lxmls/shakespeare-char')));
 * const dir = join(await mkdtemp(join(tmpdir(), 'lxmls-')), 'my-gpt');
 * await saveHuggingFace(dir, config, stateDict);
 * console.log((await readdir(dir)).sort()); // → [ '.lxmls-commit.json', 'config.json', 'model.safetensors' ]
 * const again = await loadCheckpoint(dir);
 * console.log(again.stateDict.get('lm_head.weight')?.shape); // → [ 65, 96 ]
 * await rm(join(dir, '..'), { recursive: true });
 * ```
 */
export async function saveHuggingFace(
  dir: string,
  config: SaveConfig,
  stateDict: StateDict,
  options: SaveFolderOptions = {},
): Promise<{ configPath: string; weightsPath: string }> {
  const fn = 'saveHuggingFace';
  if (!isNode()) {
    throw new LxmlsGptError('INVALID_ARGUMENT', 'saving to a folder needs Node', {
      fn,
      expected: 'a Node runtime with a file system',
      received: 'a browser',
      hint: 'In a browser, make the bytes with toHuggingFaceFiles and offer them as downloads.',
    });
  }
  if (typeof dir !== 'string' || dir === '')
    check.fail(fn, 'dir', undefined, 'dir must be a folder path', 'a non-empty string', {
      received: dir === '' ? 'an empty string' : typeof dir,
    });
  const files = toHuggingFaceFiles(config, stateDict, options);
  try {
    const [configPath, weightsPath] = await writeFolderAtomic(
      dir,
      { ...options.extraFiles, [CONFIG_FILE]: files[CONFIG_FILE], [WEIGHTS_FILE]: files[WEIGHTS_FILE] },
      { overwrite: options.overwrite ?? true, fn },
    ).then((paths) => paths.slice(-2));
    return { configPath: configPath!, weightsPath: weightsPath! };
  } catch (error) {
    throw asGptError(error, fn);
  }
}
