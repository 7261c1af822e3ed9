/**
 * Finding a shipped model: {@link findModel} (its {@link ModelInfo}) and {@link modelUrl} (the URL of its
 * folder, beside this module: a `file:` URL in Node, an http(s) URL in a browser page whose server or bundler
 * serves the package's `models/` folder).
 */

import { check, LxmlsModelsError } from './errors.js';
import { MODELS, type ModelInfo } from './registry.js';

/**
 * The model of {@link MODELS} with this name (`lxmls/gpt2-shakespeare`, or its folder `gpt2-shakespeare`).
 *
 * @param name - A model name or folder name.
 * @returns Its {@link ModelInfo}, or `null` for any other name.
 * @example
 * ```ts
 * import { findModel } from '@lxmls/models';
 * console.log(findModel('lxmls/gpt2-shakespeare')?.folder, findModel('gpt2-shakespeare')?.name, findModel('gpt2')); // → gpt2-shakespeare lxmls/gpt2-shakespeare null
 * ```
 */
export function findModel(name: string): ModelInfo | null {
  return MODELS.find((m) => m.name === name || m.folder === name) ?? null;
}

/**
 * The URL of a shipped model's folder, ending in `/`: `new URL('config.json', modelUrl(name))` is its config.
 * Pass it (or, in Node, `fileURLToPath` of it) to `GPT.fromPretrained`.
 *
 * @param name - A model name (`lxmls/gpt2-shakespeare`) or folder name.
 * @returns The folder's URL.
 * @throws {@link LxmlsModelsError} `UNKNOWN_MODEL` for a name that is not in {@link MODELS}.
 * @example
 * ```ts
 * import { modelUrl } from '@lxmls/models';
 * const url = modelUrl('lxmls/gpt2-shakespeare');
 * console.log(url.protocol, url.href.endsWith('/models/gpt2-shakespeare/')); // → file: true
 * ```
 */
export function modelUrl(name: string): URL {
  const model = findModel(name);
  if (model === null)
    check.fail(
      'modelUrl',
      'name',
      undefined,
      'no model of @lxmls/models has this name',
      `one of ${MODELS.map((m) => m.name).join(', ')}`,
      { received: JSON.stringify(name) },
    );
  // @vite-ignore: a bundler must not turn this folder into a glob of assets; in a bundled page it resolves next
  // to the bundle's directory, where a site must serve the files of models/.
  return new URL(/* @vite-ignore */ `../models/${model.folder}/`, import.meta.url);
}
