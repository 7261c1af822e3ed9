/**
 * The models shipped inside this package (folder `models/` next to `src/` and `dist/`), trained by the
 * `lxmls` command line of this repository: loaded offline by `GPT.fromPretrained('lxmls/weather-nano')`.
 *
 * In Node a bundled name resolves to the folder `models/<name>/` of the installed package; in a browser to
 * the URL of that folder beside the module (a bundler or a static server must serve it).
 */

/**
 * The names of the bundled models, each a folder `models/<name without lxmls/>/` holding `config.json`,
 * `model.safetensors`, a `README.md` saying how it was trained, and, for a text model, `tokenizer.json`.
 *
 * - `lxmls/weather-nano`: gpt-nano (0.09M parameters) trained on the weather data of Exercise 3.1 with the
 *   course's settings; held-out loss near the Bayes-optimal 0.2502.
 * - `lxmls/shakespeare-char`: a small character-level GPT trained on tinyshakespeare.
 *
 * @example
 * ```ts
 * import { BUNDLED_MODELS } from '@lxmls/gpt';
 * console.log(BUNDLED_MODELS); // → [ 'lxmls/weather-nano', 'lxmls/shakespeare-char' ]
 * ```
 */
export const BUNDLED_MODELS = ['lxmls/weather-nano', 'lxmls/shakespeare-char'] as const;

/** A name of {@link BUNDLED_MODELS}. */
export type BundledModel = (typeof BUNDLED_MODELS)[number];

/**
 * The location of a bundled model's folder, or `null` for any other name.
 *
 * @param name - A model name such as `lxmls/weather-nano`.
 * @returns A URL ending in `/` (a `file:` URL in Node), or `null`.
 * @example
 * ```ts
 * import { bundledModelUrl } from '@lxmls/gpt';
 * console.log(bundledModelUrl('lxmls/weather-nano')?.href.endsWith('/models/weather-nano/'), bundledModelUrl('gpt2')); // → true null
 * ```
 */
export function bundledModelUrl(name: string): URL | null {
  if (!(BUNDLED_MODELS as readonly string[]).includes(name)) return null;
  // @vite-ignore: a bundler must not turn this folder into a glob of assets (Vite otherwise rewrites it to an
  // undefined asset); in a bundled page it resolves next to the bundle's directory, where the site serves the
  // files of models/ (apps/docs copies them to dist/models/).
  return new URL(/* @vite-ignore */ `../models/${name.slice('lxmls/'.length)}/`, import.meta.url);
}
