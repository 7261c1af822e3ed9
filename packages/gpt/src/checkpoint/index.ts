/**
 * The checkpoint layer of @lxmls/gpt: GPT-2 checkpoints in Hugging Face layout (`config.json` +
 * `model.safetensors`), read from a folder, a URL or the hub (with a cache and progress) and written back.
 * Every export of this folder is listed here; the package's index re-exports them all.
 */

/** The download options and progress events of @lxmls/hub, which `fromPretrained` takes. */
export type { DownloadOptions, DownloadProgress } from '@lxmls/hub';
export {
  type CompactVocabulary,
  compactFromKeep,
  compactVocabulary,
  expandCompactVocabulary,
  VOCABULARY_ROWS,
} from './compact-vocab.js';
export {
  type CheckpointConfig,
  type GptConfigToHfConfigOptions,
  gptConfigToHfConfig,
  type HfConfigToGptConfigOptions,
  type HfGpt2Config,
  hfConfigToGptConfig,
} from './hf-config.js';
export {
  type AttentionLayout,
  canonicalHfKey,
  checkHfTensorShapes,
  expectedHfShapes,
  type HfStateDict,
  type HfStateDictToMinGptOptions,
  hfStateDictToMinGpt,
  isHfMaskBuffer,
  type MinGptStateDictToHfOptions,
  minGptStateDictToHf,
  type TensorShapeInfo,
} from './hf-weights.js';
export {
  type CheckpointOptions,
  checkpointFromFiles,
  type LoadCheckpointOptions,
  type LoadedCheckpoint,
  loadCheckpoint,
} from './load.js';
export {
  type HuggingFaceFiles,
  type SaveConfig,
  type SaveFolderOptions,
  type SaveHuggingFaceOptions,
  saveHuggingFace,
  toHuggingFaceFiles,
} from './save.js';
export {
  HUB_MODELS,
  type HubModel,
  hubBaseUrl,
  hubModelId,
  type ResolvedSource,
  type ResolveSourceOptions,
  resolveSource,
} from './source.js';
