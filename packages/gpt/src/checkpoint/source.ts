/**
 * Where a checkpoint comes from: a local folder, a URL, or a Hugging Face hub id, each turned into the two
 * files of the Hugging Face layout, `config.json` and `model.safetensors`.
 *
 * The resolution order is: an `http(s)://` URL; then, in Node, a folder that exists (so a local folder named
 * `gpt2` wins over the hub); then a known hub id (`gpt2`, `gpt2-medium`, `gpt2-large`, `gpt2-xl`, also as
 * `openai-community/<name>`), fetched from `<hubUrl>/openai-community/<name>/resolve/<revision>/<file>`.
 * Downloads go through the cache of cache.ts (see download.ts for progress and errors).
 */

import { LxmlsGptError } from '../errors.js';
import { type DownloadOptions, fetchFile } from './download.js';
import {
  envVar,
  isNode,
  nodeFs,
  nodePath,
  readWholeFile,
  systemErrorCode,
  tooLargeError,
} from './runtime.js';

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

/**
 * The Hugging Face hub, unless the option `hubUrl` or the environment variable `LXMLS_HUB_URL` says otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_HUB_URL } from '@lxmls/gpt';
 * console.log(DEFAULT_HUB_URL); // → https://huggingface.co
 * ```
 */
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** The two files of a checkpoint folder. */
export const CONFIG_FILE = 'config.json';
/** The weights file of a checkpoint folder. */
export const WEIGHTS_FILE = 'model.safetensors';

/** Options of {@link resolveSource}: where the hub is, plus the download options. */
export interface ResolveSourceOptions extends DownloadOptions {
  /**
   * The hub's base URL (a mirror, or a local server in tests).
   * @defaultValue `$LXMLS_HUB_URL`, else `https://huggingface.co`
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
  const hub = (options.hubUrl ?? envVar('LXMLS_HUB_URL') ?? DEFAULT_HUB_URL).replace(/\/+$/, '');
  const revision = encodeURIComponent(options.revision ?? 'main');
  return `${hub}/${HUB_ORG}/${name}/resolve/${revision}`;
}

function unknownModel(fn: string, argument: string, source: string): LxmlsGptError {
  return new LxmlsGptError('UNKNOWN_MODEL', 'the source is not a folder, a URL or a known hub model', {
    fn,
    argument,
    expected: `an existing folder, an http(s) URL, one of ${HUB_MODELS.join(', ')} (also as ${HUB_ORG}/<name>)`,
    received: JSON.stringify(source),
  });
}

/** Whether `source` looks like a file-system path rather than a hub id. */
const looksLikePath = (source: string) =>
  /^(\.{1,2}([/\\]|$)|[/\\~]|[A-Za-z]:[/\\])/.test(source) ||
  source.includes('\\') ||
  source.split('/').length > 2;

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
 * import { resolveSource } from '@lxmls/gpt';
 * const resolved = await resolveSource('packages/gpt/src/__fixtures__/tiny-gpt2');
 * console.log(resolved.kind, resolved.configJson.n_layer, resolved.weightsBytes.byteLength); // → folder 3 10005040
 * ```
 */
export async function resolveSource(
  source: string,
  options: ResolveSourceOptions = {},
): Promise<ResolvedSource> {
  const fn = 'resolveSource';
  if (typeof source !== 'string' || source === '') {
    throw new LxmlsGptError('INVALID_ARGUMENT', 'source must be a folder path, a URL or a hub id', {
      fn,
      argument: 'source',
      expected: 'a non-empty string',
      received: source === '' ? 'an empty string' : typeof source,
    });
  }
  if (/^https?:\/\//i.test(source)) {
    const base = source.replace(/\/+$/, '');
    return { kind: 'url', location: base, modelId: null, ...(await fetchBoth(base, options, fn)) };
  }
  if (isNode()) {
    const folder = await existingFolder(source, fn);
    if (folder !== null)
      return { kind: 'folder', location: folder, modelId: null, ...(await readFolder(folder, fn)) };
  }
  const modelId = hubModelId(source);
  if (modelId !== null) {
    const base = hubBaseUrl(modelId, options);
    return { kind: 'hub', location: base, modelId, ...(await fetchBoth(base, options, fn)) };
  }
  if (!isNode()) {
    const base = source.replace(/\/+$/, '');
    return { kind: 'url', location: base, modelId: null, ...(await fetchBoth(base, options, fn)) };
  }
  if (looksLikePath(source)) {
    throw new LxmlsGptError('NOT_FOUND', 'there is no checkpoint folder at this path', {
      fn,
      argument: 'source',
      expected: `a folder holding ${CONFIG_FILE} and ${WEIGHTS_FILE}`,
      received: JSON.stringify(source),
    });
  }
  throw unknownModel(fn, 'source', source);
}

/** The folder `source` names (with `~` expanded), `null` when nothing is there; an error for a file. */
async function existingFolder(source: string, fn: string): Promise<string | null> {
  const fs = await nodeFs();
  const home = envVar('HOME') ?? envVar('USERPROFILE');
  const path = /^~([/\\]|$)/.test(source) && home !== undefined ? home + source.slice(1) : source;
  try {
    const stat = await fs.stat(path);
    if (stat.isDirectory()) return path;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT' || systemErrorCode(error) === 'ENOTDIR') return null;
    throw error;
  }
  throw new LxmlsGptError('INVALID_ARGUMENT', 'the source is a file, not a checkpoint folder', {
    fn,
    argument: 'source',
    expected: `a folder holding ${CONFIG_FILE} and ${WEIGHTS_FILE}`,
    received: `the file ${path}`,
  });
}

async function readFolder(folder: string, fn: string) {
  const fs = await nodeFs();
  const { join } = await nodePath();
  const read = async (name: string) => {
    const path = join(folder, name);
    try {
      return await readWholeFile(path, (size, limit) => tooLargeError(fn, name, size, limit));
    } catch (error) {
      if (systemErrorCode(error) !== 'ENOENT') throw error;
      const hint =
        name === WEIGHTS_FILE && (await fs.stat(join(folder, 'pytorch_model.bin')).catch(() => null))
          ? ' (only safetensors is read: convert pytorch_model.bin with `safetensors` or save_pretrained)'
          : '';
      throw new LxmlsGptError('NOT_FOUND', `the checkpoint folder has no ${name}${hint}`, {
        fn,
        argument: 'source',
        expected: `the file ${path}`,
        received: 'no such file',
      });
    }
  };
  const configBytes = await read(CONFIG_FILE);
  const configJson = parseConfigJson(configBytes, join(folder, CONFIG_FILE), fn);
  return { configJson, weightsBytes: await read(WEIGHTS_FILE) };
}

async function fetchBoth(base: string, options: ResolveSourceOptions, fn: string) {
  const configUrl = `${base}/${CONFIG_FILE}`;
  const configJson = parseConfigJson(await fetchFile(configUrl, CONFIG_FILE, options, fn), configUrl, fn);
  const weightsBytes = await fetchFile(`${base}/${WEIGHTS_FILE}`, WEIGHTS_FILE, options, fn);
  return { configJson, weightsBytes };
}

/** Parses `config.json`; it must be a JSON object. */
function parseConfigJson(bytes: Uint8Array, where: string, fn: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch (error) {
    throw new LxmlsGptError('INVALID_CHECKPOINT', `${CONFIG_FILE} is not valid JSON`, {
      fn,
      argument: 'source',
      expected: `a JSON object in ${where}`,
      received: (error as Error).message,
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LxmlsGptError('INVALID_CHECKPOINT', `${CONFIG_FILE} is not a JSON object`, {
      fn,
      argument: 'source',
      expected: `a JSON object in ${where}`,
      received: Array.isArray(value) ? 'an array' : String(value),
    });
  }
  return value as Record<string, unknown>;
}
