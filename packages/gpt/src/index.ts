/**
 * @lxmls/gpt: the course GPT (minGPT / LxMLS toolkit) — config and model-type table, the model with its
 * forward pass and loss, initialisation, generation with a KV cache, and the prompting helpers.
 * Every export is listed here.
 */

/** Python's `repr(float)`, from @lxmls/nn (the config printer spells floats with it). */
export { pythonFloat } from '@lxmls/nn';
export { Block, type BlockOptions, type BlockOutput } from './block.js';
export * from './checkpoint/index.js';
export { CompactVocabGPT } from './compact-gpt.js';
export {
  type FormatConfigOptions,
  formatConfig,
  type GPTConfig,
  getDefaultConfig,
  MODEL_TYPES,
  type ModelType,
  type ModelTypeSizes,
  type ResolvedGPTConfig,
  resolveConfig,
} from './config.js';
export { type GptErrorCode, type GptErrorDetails, LxmlsGptError } from './errors.js';
export { type GenerateOptions, generate, generateAsync, pickNext, scaleLogits } from './generate.js';
export { initGPTWeights, lcgInit } from './init.js';
export { GPTCache } from './kv-cache.js';
export {
  checkGenerationMemory,
  checkTrainingMemory,
  type GenerationSize,
  generationMemoryBytes,
  type TrainingMemory,
  trainingMemoryBytes,
} from './memory.js';
export { GPT, type GPTForwardOptions, type GPTOptions, type GPTOutput } from './model.js';
export {
  END_OF_TEXT,
  formatSamples,
  type GenBatchOptions,
  genBatch,
  type PromptOptions,
  prompt,
  promptTopK,
} from './prompt.js';
export { promptRows, promptRowsAsync, type SamplingChoice, samplingOptions } from './prompt-rows.js';
export { attentionForViz, type GptAttentionForVizOptions, type GptAttentionViz } from './viz.js';
