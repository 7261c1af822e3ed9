/**
 * @lxmls/nn: the PyTorch layers a transformer needs, with PyTorch parameter names, state dicts and
 * safetensors. Every export is listed here.
 */

/** Python's float spelling (`1e-05`, `1.0`), from @lxmls/base: the one the module reprs print with. */
export { pythonFloat } from '@lxmls/base';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { LxmlsNnError, type NnErrorCode, type NnErrorDetails } from './errors.js';
export { NewGELU } from './gelu.js';
export { initConstant, initNormal, initUniform } from './init.js';
export { LayerNorm } from './layer-norm.js';
export { Linear, type LinearOptions } from './linear.js';
export {
  type LoadResult,
  type LoadStateDictOptions,
  Module,
  ModuleDict,
  ModuleList,
  type ParamGroup,
  type StateDict,
} from './module.js';
export {
  float16Bits,
  type ReadSafetensorsOptions,
  readSafetensors,
  readSafetensorsHeader,
  type SafetensorsEntry,
  type SafetensorsHeader,
  type WriteSafetensorsOptions,
  writeSafetensors,
} from './safetensors.js';
