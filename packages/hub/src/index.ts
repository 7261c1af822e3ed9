/**
 * @lxmls/hub: model files from a folder, a URL or the Hugging Face hub, for Node and the browser. Bounded
 * downloads (size limits, connect and idle timeouts, a redirect policy, retries, credentials redacted), a
 * cache that validates and heals, and files and model folders written atomically. No code dependencies;
 * @lxmls/gpt, @lxmls/bert and @lxmls/trainer load and save through it. Every export is listed here.
 *
 * @packageDocumentation
 */

export {
  COMMIT_FILE,
  checkFolderCommit,
  checkOutputFolder,
  type FolderCommit,
  isModelFolder,
  type OutputFolderState,
  recoverFolder,
  type WriteFileAtomicOptions,
  type WriteFolderOptions,
  writeFailure,
  writeFileAtomic,
  writeFolderAtomic,
} from './atomic.js';
export {
  BROWSER_CACHE_NAME,
  type CachedFile,
  type CacheWriter,
  cacheKey,
  cachePathForUrl,
  defaultCacheDir,
  type FileCache,
  removeStaleParts,
  STALE_PART_MS,
  selectCache,
} from './cache.js';
export {
  type CacheAdminOptions,
  type CacheEntry,
  clearCache,
  type InvalidCacheEntry,
  listCache,
  verifyCache,
} from './cache-admin.js';
export {
  DEFAULT_MAX_COMPRESSION_RATIO,
  DEFAULT_MAX_TEXT_BYTES,
  DEFAULT_TIMEOUTS,
  type DownloadOptions,
  type DownloadProgress,
  fetchFile,
  type HubWarning,
  isOffline,
} from './download.js';
export { type HubErrorCode, type HubErrorDetails, LxmlsHubError } from './errors.js';
export {
  type AddressKind,
  addressKind,
  HUGGING_FACE_FILE_HOSTS,
  type RedirectPolicy,
  redirectProblem,
} from './network.js';
export { redactText, redactUrl } from './redact.js';
export { isNode, runtimeMaxBytes } from './runtime.js';
export {
  checkSourceArgument,
  DEFAULT_HUB_URL,
  existingFolder,
  folderSource,
  type HubLocation,
  hubRepoUrl,
  isHubId,
  looksLikePath,
  type ModelSource,
  openSource,
  type SourceOptions,
  urlSource,
} from './source.js';
export { fileProblem, safetensorsProblem } from './validate.js';
