/**
 * @lxmls/models: small models trained by lxmls-ts itself, shipped as Hugging Face folders (weights only, no code
 * dependencies), so the course runs offline. Every export is listed here.
 *
 * @packageDocumentation
 */

export { LxmlsModelsError, type ModelsErrorCode, type ModelsErrorDetails } from './errors.js';
export { findModel, modelUrl } from './locate.js';
export { MODELS, type ModelInfo, type ModelTask } from './registry.js';
