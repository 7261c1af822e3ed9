/**
 * Where a checkpoint comes from: a local folder, a URL, or a Hugging Face hub id, each turned into the two
 * files of the Hugging Face layout, `config.json` and `model.safetensors`.
 *
 * The resolution order is: an `http(s)://` URL; then, in Node, a folder that exists (so a local folder named
 * `gpt2` wins over the hub); then a known hub id (`gpt2`, `gpt2-medium`, `gpt2-large`, `gpt2-xl`, also as
 * `openai-community/<name>`), fetched from `<hubUrl>/openai-community/<name>/resolve/<revision>/<file>`.
 * Reading, downloading and caching are @lxmls/hub's (limits, timeouts, redirects, a cache that heals); this
 * file knows GPT-2's hub names and turns @lxmls/hub's errors into {@link LxmlsGptError}s with the same parts.
 */

import {
  checkSourceArgument,
  type DownloadOptions,
  existingFolder,
  folderSource,
  type HubErrorCode,
  hubRepoUrl,
  isNode,
  LxmlsHubError,
  looksLikePath,
  type ModelSource,
  urlSource,
} from '@lxmls/hub';
import { check, type GptErrorCode, LxmlsGptError } from '../errors.js';

/**
 * The GPT-2 checkpoints on the Hugging Face hub that `fromPretrained` knows by name (docs/course-behaviour.md §2.9).
 *
 * @example
 * ```ts
 * import { HUB_MODELS } from '@lxmls/gpt';
 * console.log(HUB_MODELS); // → [ 'gpt2', 'gpt2-medium', 'gpt2-large', 'gpt2-xl' ]
 * ```
 */
export const HUB_MODELS = ['gpt2', 'gpt2-medium', 'gpt2-large', 'gpt2-xl'] as const;

/** A name of {@link HUB_MODELS}. */
export type HubModel = (typeof HUB_MODELS)[number];

/** The organisation that holds the GPT-2 checkpoints on the hub (`gpt2` redirects there). */
const HUB_ORG = 'openai-community';

/** The two files of a checkpoint folder. */
export const CONFIG_FILE = 'config.json';
/** The weights file of a checkpoint folder. */
export const WEIGHTS_FILE = 'model.safetensors';

/** Options of {@link resolveSource}: where the hub is, plus the download options. */
export interface ResolveSourceOptions extends DownloadOptions {
  /**
   * The hub's base URL (a mirror, or a local server in tests).
   * @defaultValue `$LXMLS_HUB_URL`, else `$HF_ENDPOINT`, else `https://huggingface.co`
   */
  hubUrl?: string;
  /** The hub revision (branch, tag or commit). @defaultValue `'main'` */
  revision?: string;
}

/** A source resolved to the bytes of its two files. */
export interface ResolvedSource {
  /** What the source was. */
  kind: 'folder' | 'url' | 'hub';
  /** The folder path, or the base URL the two files were fetched from. */
  location: string;
  /** For a hub id, its short name (`'gpt2'`); otherwise `null`. */
  modelId: HubModel | null;
  /** `config.json`, parsed. */
  configJson: Record<string, unknown>;
  /** The bytes of `model.safetensors`. */
  weightsBytes: Uint8Array;
}

/**
 * The short name of a known hub id (`'gpt2'` for `gpt2` and `openai-community/gpt2`), or `null`.
 *
 * @param source - A string that may be a hub id.
 * @returns A name of {@link HUB_MODELS}, or `null`.
 * @example
 * ```ts
 * import { hubModelId } from '@lxmls/gpt';
 * console.log(hubModelId('openai-community/gpt2-medium'), hubModelId('gpt2'), hubModelId('gpt3')); // → gpt2-medium gpt2 null
 * ```
 */
export function hubModelId(source: string): HubModel | null {
  const name = source.startsWith(`${HUB_ORG}/`) ? source.slice(HUB_ORG.length + 1) : source;
  return (HUB_MODELS as readonly string[]).includes(name) ? (name as HubModel) : null;
}

/**
 * The base URL of a known hub model's files: `<hubUrl>/openai-community/<name>/resolve/<revision>`.
 *
 * @param model - A name of {@link HUB_MODELS} (or `openai-community/<name>`).
 * @param options - `hubUrl` (default `$LXMLS_HUB_URL`, else `https://huggingface.co`) and `revision`
 *   (default `'main'`).
 * @returns The URL, without a trailing slash; append `/config.json` or `/model.safetensors`.
 * @throws {@link LxmlsGptError} `UNKNOWN_MODEL` for another name.
 * @example
 * ```ts
 * import { hubBaseUrl } from '@lxmls/gpt';
 * console.log(hubBaseUrl('gpt2', { hubUrl: 'https://huggingface.co' }));
 * // → https://huggingface.co/openai-community/gpt2/resolve/main
 * console.log(hubBaseUrl('gpt2-xl', { hubUrl: 'http://127.0.0.1:8080/', revision: 'v1' }));
 * // → http://127.0.0.1:8080/openai-community/gpt2-xl/resolve/v1
 * ```
 */
export function hubBaseUrl(model: string, options: { hubUrl?: string; revision?: string } = {}): string {
  const name = hubModelId(model);
  if (name === null) throw unknownModel('hubBaseUrl', 'model', model);
  return hubRepoUrl(`${HUB_ORG}/${name}`, options);
}

function unknownModel(fn: string, argument: string, source: string): LxmlsGptError {
  return new LxmlsGptError('UNKNOWN_MODEL', 'the source is not a folder, a URL or a known hub model', {
    fn,
    argument,
    expected: `an existing folder, an http(s) URL, one of ${HUB_MODELS.join(', ')} (also as ${HUB_ORG}/<name>)`,
    received: JSON.stringify(source),
  });
}

/**
 * Resolves a checkpoint source to its `config.json` (parsed) and the bytes of its `model.safetensors`.
 *
 * - A local folder (Node): read from disk, never cached.
 * - An http(s) URL: the base of a folder or hub repository; `<url>/config.json` and
 *   `<url>/model.safetensors` are fetched through the cache.
 * - A hub id (`gpt2`, `gpt2-medium`, `gpt2-large`, `gpt2-xl`, or `openai-community/<name>`): fetched from
 *   {@link hubBaseUrl} through the cache. A folder that exists with that name wins.
 *
 * In a browser, a source that is neither a URL nor a hub id is taken as a URL relative to the page.
 *
 * @param source - A folder path, a URL, or a hub id.
 * @param options - {@link ResolveSourceOptions}: `hubUrl`, `revision`, `cache`, `cacheDir`, `offline`, `fetch`,
 *   `onProgress`, `signal`.
 * @returns The {@link ResolvedSource}.
 * @throws {@link LxmlsGptError} `UNKNOWN_MODEL` (neither a folder, a URL nor a known hub id), `NOT_FOUND` (a
 *   missing file, named; HTTP 404; offline and not cached), `DOWNLOAD_FAILED`, `INVALID_CHECKPOINT`
 *   (`config.json` that is not a JSON object), `INVALID_ARGUMENT` (a path that is a file, not a folder).
 * @example
 * ```ts
 * import { fileURLToPath } from 'node:url';
 * import { resolveSource } from '@lxmls/gpt';
 * import { modelUrl } from '@lxmls/models';
 * const resolved = await resolveSource(fileURLToPath(modelUrl('lxmls/gpt2-shakespeare')));
 * console.log(resolved.kind, resolved.configJson.n_layer, resolved.weightsBytes.byteLength); // → folder 4 14490424
 * ```
 */
export async function resolveSource(
  source: string,
  options: ResolveSourceOptions = {},
): Promise<ResolvedSource> {
  const fn = 'resolveSource';
  checkSourceArgument(check, fn, source);
  try {
    if (/^https?:\/\//i.test(source)) {
      const files = urlSource(source, options);
      return { kind: 'url', location: files.location, modelId: null, ...(await readBoth(files, fn)) };
    }
    if (isNode()) {
      const folder = await existingFolder(source, fn).catch((error: unknown) => {
        if (!LxmlsHubError.isInstance(error) || error.code !== 'INVALID_ARGUMENT') throw error;
        check.fail(
          fn,
          'source',
          undefined,
          'the source is a file, not a checkpoint folder',
          `a folder holding ${CONFIG_FILE} and ${WEIGHTS_FILE}`,
          { received: `the file ${error.path ?? source}` },
        );
      });
      if (folder !== null) {
        const files = folderSource(folder, fn);
        return { kind: 'folder', location: folder, modelId: null, ...(await readBoth(files, fn)) };
      }
    }
    const modelId = hubModelId(source);
    if (modelId !== null) {
      const files = urlSource(hubBaseUrl(modelId, options), options, 'hub', `${HUB_ORG}/${modelId}`);
      return { kind: 'hub', location: files.location, modelId, ...(await readBoth(files, fn)) };
    }
    if (!isNode()) {
      const files = urlSource(source, options);
      return { kind: 'url', location: files.location, modelId: null, ...(await readBoth(files, fn)) };
    }
  } catch (error) {
    throw asGptError(error, fn);
  }
  if (looksLikePath(source))
    check.fail(
      fn,
      'source',
      undefined,
      'there is no checkpoint folder at this path',
      `a folder holding ${CONFIG_FILE} and ${WEIGHTS_FILE}`,
      { code: 'NOT_FOUND', received: JSON.stringify(source) },
    );
  throw unknownModel(fn, 'source', source);
}

/** The @lxmls/gpt code of an @lxmls/hub error. */
const GPT_CODES: Record<HubErrorCode, GptErrorCode> = {
  NOT_FOUND: 'NOT_FOUND',
  DOWNLOAD_FAILED: 'DOWNLOAD_FAILED',
  TIMEOUT: 'DOWNLOAD_FAILED',
  REDIRECT_REFUSED: 'DOWNLOAD_FAILED',
  TOO_LARGE: 'INVALID_CHECKPOINT',
  INVALID_FILE: 'INVALID_CHECKPOINT',
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  FOLDER_EXISTS: 'INVALID_ARGUMENT',
  INVALID_PATH: 'INVALID_ARGUMENT',
  WRITE_FAILED: 'INVALID_ARGUMENT',
  NOT_SUPPORTED: 'INVALID_ARGUMENT',
};

/**
 * An @lxmls/hub error as the {@link LxmlsGptError} of `fn`, with the same parts (what, expected, received,
 * hint) and the hub error as its `cause`; any other error as it is.
 */
export function asGptError(error: unknown, fn: string): unknown {
  if (!LxmlsHubError.isInstance(error)) return error;
  return new LxmlsGptError(GPT_CODES[error.code] ?? 'INVALID_ARGUMENT', error.what, {
    fn,
    argument: error.argument === 'url' ? 'source' : (error.argument ?? 'source'),
    ...(error.expected === undefined ? {} : { expected: error.expected }),
    ...(error.received === undefined ? {} : { received: error.received }),
    ...(error.hint === undefined ? {} : { hint: error.hint }),
    cause: error,
  });
}

/** Reads `config.json` (checked first, as it is small) and `model.safetensors` from a source. */
async function readBoth(files: ModelSource, fn: string) {
  const configBytes = await readFile(files, CONFIG_FILE, fn);
  const configJson = parseConfigJson(configBytes, `${files.location}/${CONFIG_FILE}`, fn);
  return { configJson, weightsBytes: await readFile(files, WEIGHTS_FILE, fn) };
}

/** One file of a source; a folder without it is NOT_FOUND with the hint about pytorch_model.bin. */
async function readFile(files: ModelSource, name: string, fn: string): Promise<Uint8Array> {
  if (files.kind !== 'folder') return (await files.read(name))!;
  const bytes = await files.read(name, { optional: true });
  if (bytes !== null) return bytes;
  const { join } = await import('node:path');
  const path = join(files.location, name);
  const hint =
    name === WEIGHTS_FILE &&
    (await files.read('pytorch_model.bin', { optional: true, maxBytes: 0 }).then(
      (bytes) => bytes !== null,
      (error: unknown) => LxmlsHubError.isInstance(error) && error.code === 'TOO_LARGE',
    ))
      ? ' (only safetensors is read: convert pytorch_model.bin with `safetensors` or save_pretrained)'
      : '';
  check.fail(fn, 'source', undefined, `the checkpoint folder has no ${name}${hint}`, `the file ${path}`, {
    code: 'NOT_FOUND',
    received: 'no such file',
  });
}

/** Parses `config.json`; it must be a JSON object. */
function parseConfigJson(bytes: Uint8Array, where: string, fn: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    check.fail(fn, 'source', undefined, `${CONFIG_FILE} is not valid JSON`, `a JSON object in ${where}`, {
      code: 'INVALID_CHECKPOINT',
      received: (error as Error).message,
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    check.fail(fn, 'source', undefined, `${CONFIG_FILE} is not a JSON object`, `a JSON object in ${where}`, {
      code: 'INVALID_CHECKPOINT',
      received: Array.isArray(value) ? 'an array' : String(value),
    });
  return value as Record<string, unknown>;
}
