/**
 * @lxmls/models: small models trained by lxmls-ts, shipped as Hugging Face folders.
 *
 * @packageDocumentation
 */

/** The names of the models this package ships. */
export const MODEL_NAMES: readonly string[] = [];
