/**
 * Where a model's files come from: a local folder (Node), an http(s) URL of a folder, or a Hugging Face hub
 * repository id, each read file by file through one interface, {@link ModelSource}. @lxmls/gpt and
 * @lxmls/bert both load through it (issue 13: "@lxmls/gpt and @lxmls/bert both use it, so BERT loads from a
 * hub id too"). Hub files are fetched from `<hubUrl>/<repo>/resolve/<revision>/<file>`, as
 * transformers.js's `hub.js` does, through {@link fetchFile} (limits, cache, progress).
 */

import type { Checks } from '@lxmls/base';
import { checkFolderCommit } from './atomic.js';
import { type DownloadOptions, fetchFile } from './download.js';
import { check, LxmlsHubError } from './errors.js';
import { nodeFs, nodePath } from './node-modules.js';
import { envVar, isNode, readWholeFile, systemErrorCode } from './runtime.js';
import { fileProblem } from './validate.js';

/**
 * The Hugging Face hub, unless the option `hubUrl` or the environment variable `LXMLS_HUB_URL` says otherwise.
 *
 * @example
 * ```ts
 * import { DEFAULT_HUB_URL } from '@lxmls/hub';
 * console.log(DEFAULT_HUB_URL); // → https://huggingface.co
 * ```
 */
export const DEFAULT_HUB_URL = 'https://huggingface.co';

/** Where the hub is and which revision to read. */
export interface HubLocation {
  /**
   * The hub's base URL (a mirror, or a local server in tests).
   * @defaultValue `$LXMLS_HUB_URL`, else `$HF_ENDPOINT`, else `https://huggingface.co`
   */
  hubUrl?: string;
  /** The revision (branch, tag or commit). @defaultValue `'main'` */
  revision?: string;
}

/** Options of {@link openSource}: the hub's location plus the download options. */
export interface SourceOptions extends DownloadOptions, HubLocation {}

/**
 * The base URL of a hub repository's files: `<hubUrl>/<repo>/resolve/<revision>`.
 *
 * @param repo - A repository id, `owner/name` (or a bare legacy name such as `gpt2`).
 * @param options - `hubUrl` and `revision`.
 * @returns The URL, without a trailing slash; append `/<file>`.
 * @example
 * ```ts
 * import { hubRepoUrl } from '@lxmls/hub';
 * console.log(hubRepoUrl('google-bert/bert-base-uncased', { hubUrl: 'https://huggingface.co' }));
 * // → https://huggingface.co/google-bert/bert-base-uncased/resolve/main
 * console.log(hubRepoUrl('openai-community/gpt2', { hubUrl: 'http://127.0.0.1:8080/', revision: 'v1.0' }));
 * // → http://127.0.0.1:8080/openai-community/gpt2/resolve/v1.0
 * ```
 */
export function hubRepoUrl(repo: string, options: HubLocation = {}): string {
  const hub = (options.hubUrl ?? envVar('LXMLS_HUB_URL') ?? envVar('HF_ENDPOINT') ?? DEFAULT_HUB_URL).replace(
    /\/+$/,
    '',
  );
  const revision = encodeURIComponent(options.revision ?? 'main');
  return `${hub}/${repo.split('/').map(encodeURIComponent).join('/')}/resolve/${revision}`;
}

/**
 * Whether `source` has the form of a hub repository id: `owner/name` or a bare `name`, each part letters,
 * digits, `-`, `_`, `.` (not starting with `.` or `-`).
 *
 * @param source - Any string.
 * @returns True for a hub id's form.
 * @example
 * ```ts
 * import { isHubId } from '@lxmls/hub';
 * console.log(isHubId('google-bert/bert-base-uncased'), isHubId('gpt2'), isHubId('./gpt2'), isHubId('a/b/c')); // → true true false false
 * ```
 */
export function isHubId(source: string): boolean {
  return /^[A-Za-z0-9][\w.-]*(\/[A-Za-z0-9][\w.-]*)?$/.test(source) && !source.includes('..');
}

/** Whether `source` looks like a file-system path rather than a hub id. */
export function looksLikePath(source: string): boolean {
  return (
    /^(\.{1,2}([/\\]|$)|[/\\~]|[A-Za-z]:[/\\])/.test(source) ||
    source.includes('\\') ||
    source.split('/').length > 2
  );
}

/** A source of model files, opened by {@link openSource}. */
export interface ModelSource {
  /** What the source is. */
  kind: 'folder' | 'url' | 'hub';
  /** The folder path, or the base URL the files are fetched from (redact it before printing). */
  location: string;
  /** For a hub id, the id; otherwise `null`. */
  repo: string | null;
  /**
   * The bytes of one file; `null` for a missing file when `optional` (else `NOT_FOUND`, naming it).
   * Downloaded files are validated by {@link fetchFile}; a folder's `.json` and `.safetensors` files are
   * validated too (JSON parses; the safetensors header parses and matches the file's size).
   */
  read(file: string, options?: { optional?: boolean; maxBytes?: number }): Promise<Uint8Array | null>;
}

/**
 * Throws `INVALID_ARGUMENT` unless `source` is a non-empty string: the first check of every loader that takes
 * a folder path, a URL or a hub id ({@link openSource}, @lxmls/gpt's `resolveSource`), thrown with the
 * caller's `check` (its package's error class) under its function's name.
 *
 * @param check - The caller's validation helpers (`checks(ErrorClass, 'INVALID_ARGUMENT')` of @lxmls/base).
 * @param fn - The caller's name, for the message.
 * @param source - What the caller was given.
 * @example
 * ```ts
 * import { checks, defineError } from '@lxmls/base';
 * import { checkSourceArgument } from '@lxmls/hub';
 * class DemoError extends defineError<'INVALID_ARGUMENT'>('@lxmls/demo', 'DemoError') {}
 * const check = checks(DemoError, 'INVALID_ARGUMENT');
 * try {
 *   checkSourceArgument(check, 'load', '');
 * } catch (e) {
 *   console.log((e as Error).message); // → [@lxmls/demo] load: source must be a folder path, a URL or a hub id. Expected a non-empty string, received an empty string.
 * }
 * ```
 */
export function checkSourceArgument(
  check: Pick<Checks<string>, 'fail'>,
  fn: string,
  source: unknown,
): asserts source is string {
  if (typeof source !== 'string' || source === '')
    check.fail(
      fn,
      'source',
      undefined,
      'source must be a folder path, a URL or a hub id',
      'a non-empty string',
      { received: source === '' ? 'an empty string' : typeof source },
    );
}

/** The folder `source` names (with `~` expanded), `null` when nothing is there; an error for a file. */
export async function existingFolder(source: string, fn = 'openSource'): Promise<string | null> {
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
  check.fail(
    fn,
    'source',
    undefined,
    'the source is a file, not a model folder',
    'a folder holding the model files',
    { received: `the file ${path}`, details: { path } },
  );
}

/**
 * A local model folder as a {@link ModelSource}: files are size-checked before they are read (a file over the
 * runtime's limit, or a device such as `/dev/zero` behind a symbolic link, is refused without reading), and
 * the folder is checked against its commit marker ({@link checkFolderCommit}) first. Node only.
 *
 * @param folder - The folder path.
 * @param fn - The function to name in errors.
 * @returns The source.
 */
export function folderSource(folder: string, fn = 'openSource'): ModelSource {
  let checked: Promise<unknown> | null = null;
  return {
    kind: 'folder',
    location: folder,
    repo: null,
    async read(file, options = {}) {
      checked ??= checkFolderCommit(folder, fn);
      await checked;
      const { join } = await nodePath();
      const path = join(folder, file);
      let bytes: Uint8Array;
      try {
        bytes = await readWholeFile(
          path,
          (size, limit) =>
            new LxmlsHubError('TOO_LARGE', `${file} is too large to hold in memory in this runtime`, {
              fn,
              argument: 'source',
              expected: `a file that fits in one typed array (at most ${limit} bytes here)`,
              received: `${size} bytes`,
              hint: 'Checkpoints above 4 GiB (gpt2-xl) cannot be loaded yet; gpt2, gpt2-medium and gpt2-large can.',
              path,
            }),
          options.maxBytes,
          (kind) =>
            new LxmlsHubError('INVALID_FILE', `${file} is not a regular file`, {
              fn,
              argument: 'source',
              expected: `a regular file at ${path}`,
              received: kind,
              path,
            }),
        );
      } catch (error) {
        if (systemErrorCode(error) !== 'ENOENT') throw error;
        if (options.optional === true) return null;
        check.fail(fn, 'source', undefined, `the model folder has no ${file}`, `the file ${path}`, {
          code: 'NOT_FOUND',
          received: 'no such file',
          details: { path },
        });
      }
      if (/\.(json|safetensors)$/i.test(file)) {
        const problem = fileProblem(file, bytes);
        if (problem !== null) {
          const json = file.toLowerCase().endsWith('.json');
          check.fail(
            fn,
            'source',
            undefined,
            `${file} is ${json ? 'not valid JSON' : 'truncated or corrupt'}`,
            `a valid ${json ? 'JSON' : 'safetensors'} file at ${path}`,
            { code: 'INVALID_FILE', received: problem, details: { path } },
          );
        }
      }
      return bytes;
    },
  };
}

/**
 * The files under a base URL (`<base>/<file>`) as a {@link ModelSource}, fetched through {@link fetchFile}.
 *
 * @param base - The base URL (a trailing slash is ignored).
 * @param options - The download options.
 * @param kind - `'url'` or `'hub'`.
 * @param repo - The hub id, for a hub source.
 * @returns The source.
 */
export function urlSource(
  base: string,
  options: DownloadOptions = {},
  kind: 'url' | 'hub' = 'url',
  repo: string | null = null,
): ModelSource {
  const location = base.replace(/\/+$/, '');
  return {
    kind,
    location,
    repo,
    async read(file, readOptions = {}) {
      try {
        return await fetchFile(`${location}/${file}`, {
          ...options,
          file,
          ...(readOptions.maxBytes === undefined ? {} : { maxBytes: readOptions.maxBytes }),
        });
      } catch (error) {
        // a missing optional file (HTTP 404, or offline and never cached) is no error
        if (readOptions.optional === true && LxmlsHubError.isInstance(error) && error.code === 'NOT_FOUND')
          return null;
        throw error;
      }
    },
  };
}

/**
 * Opens a model source: an `http(s)://` URL (the base of a folder or a hub repository), then, in Node, a
 * folder that exists (so a local folder named like a hub id wins), then a hub repository id (`owner/name`, or
 * a bare legacy name), fetched from {@link hubRepoUrl}. In a browser, a source that is none of these is
 * taken as a URL relative to the page.
 *
 * @param source - A folder path, a URL or a hub id.
 * @param options - {@link SourceOptions}: `hubUrl`, `revision`, and the download options (`cacheDir`,
 *   `localOnly`, `refresh`, `fetch`, `onProgress`, `signal`, limits, timeouts).
 * @returns The {@link ModelSource}; nothing is read until `read` is called (a folder's existence is checked).
 * @throws {@link LxmlsHubError} `INVALID_ARGUMENT` (an empty source, a file instead of a folder), `NOT_FOUND`
 *   (a path that does not exist and is no hub id).
 * @example
 * ```ts
 * import { openSource } from '@lxmls/hub';
 * const source = await openSource('packages/bert/src/__fixtures__/tiny-bert');
 * const config = JSON.parse(new TextDecoder().decode((await source.read('config.json'))!));
 * console.log(source.kind, config.num_hidden_layers, await source.read('tokenizer.json', { optional: true })); // → folder 3 null
 * ```
 */
export async function openSource(source: string, options: SourceOptions = {}): Promise<ModelSource> {
  const fn = 'openSource';
  checkSourceArgument(check, fn, source);
  if (/^https?:\/\//i.test(source)) return urlSource(source, options, 'url');
  if (isNode()) {
    const folder = await existingFolder(source, fn);
    if (folder !== null) return folderSource(folder, fn);
  }
  if (isHubId(source) && !looksLikePath(source)) {
    return urlSource(hubRepoUrl(source, options), options, 'hub', source);
  }
  if (!isNode()) return urlSource(source, options, 'url');
  check.fail(
    fn,
    'source',
    undefined,
    'there is no model folder at this path',
    'an existing folder, an http(s) URL or a hub id (owner/name)',
    { code: 'NOT_FOUND', received: JSON.stringify(source) },
  );
}
