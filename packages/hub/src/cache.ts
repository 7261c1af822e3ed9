/**
 * Where downloaded files are kept: a folder under the user's cache dir in Node, the Cache API
 * (`caches.open('lxmls')`) in a browser. Entries are keyed by URL (without credentials).
 *
 * A file only ever enters the cache complete and validated: the download writes `<name>.<pid>-….part` and
 * renames it when every byte has arrived and the file passed {@link fileProblem}. A cached file is validated
 * again before use; one that fails is moved aside to `<name>.invalid` and fetched again (see download.ts).
 * `.part` files of a process that is gone (or older than a day) are removed when the same file is fetched
 * again, and by {@link clearCache}. This follows what users of transformers.js ask for (their issues #62,
 * #870, #992): a predictable cache folder, and models that keep working offline once fetched.
 * (Moved here from @lxmls/gpt's `checkpoint/cache.ts`, issue 13.)
 */

import { nodeFs, nodePath } from './node-modules.js';
import {
  envVar,
  isNode,
  isProcessAlive,
  pidOfSuffix,
  readWholeFile,
  systemErrorCode,
  tempSuffix,
} from './runtime.js';

/**
 * The name of the browser cache (Cache API) that holds downloaded files: clear it with
 * `caches.delete(BROWSER_CACHE_NAME)`.
 *
 * @example
 * ```ts
 * import { BROWSER_CACHE_NAME } from '@lxmls/hub';
 * console.log(BROWSER_CACHE_NAME); // → lxmls
 * ```
 */
export const BROWSER_CACHE_NAME = 'lxmls';

/** Removes trailing path separators (but keeps a lone `/`). */
const trimSeparators = (dir: string) => dir.replace(/(?<=.)[/\\]+$/, '');

/**
 * The folder where downloads are cached in Node: `$LXMLS_CACHE_DIR`, else `$XDG_CACHE_HOME/lxmls`, else
 * `~/.cache/lxmls` (`%USERPROFILE%\.cache\lxmls` on Windows); `null` where there is none (in a browser, or
 * with no home directory).
 *
 * @param env - The environment to read; defaults to `process.env` in Node (empty values count as unset).
 * @returns The folder path (it may not exist yet), or `null`.
 * @example
 * ```ts
 * import { defaultCacheDir } from '@lxmls/hub';
 * console.log(defaultCacheDir({ LXMLS_CACHE_DIR: '/data/lxmls-cache' })); // → /data/lxmls-cache
 * console.log(defaultCacheDir({ XDG_CACHE_HOME: '/home/ana/.cache' })); // → /home/ana/.cache/lxmls
 * console.log(defaultCacheDir({ HOME: '/home/ana' })); // → /home/ana/.cache/lxmls
 * console.log(defaultCacheDir({})); // → null
 * ```
 */
export function defaultCacheDir(env?: Readonly<Record<string, string | undefined>>): string | null {
  const get = (name: string) => {
    if (env === undefined) return envVar(name);
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const explicit = get('LXMLS_CACHE_DIR');
  if (explicit !== undefined) return trimSeparators(explicit);
  const xdg = get('XDG_CACHE_HOME');
  if (xdg !== undefined) return `${trimSeparators(xdg)}/lxmls`;
  const home = get('HOME') ?? get('USERPROFILE');
  if (home !== undefined) return `${trimSeparators(home)}/.cache/lxmls`;
  return null;
}

/** A path segment made safe for any file system: `[A-Za-z0-9._-]` kept, every other byte `%XX`. */
function safeSegment(segment: string): string {
  const escaped = [...new TextEncoder().encode(segment)]
    .map((byte) => {
      const ch = String.fromCharCode(byte);
      return /[A-Za-z0-9._-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    })
    .join('');
  // `.` and `..` would walk the tree; a leading dot would hide the file.
  return escaped.startsWith('.') ? `%2E${escaped.slice(1)}` : escaped || '%';
}

/** The URL without `user:pass@`, the key of its cache entry. */
export function cacheKey(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@]*@/i, '$1');
}

/**
 * The path of the cached copy of `url` inside `cacheDir`: `<cacheDir>/downloads/<host>/<path segments>`,
 * every segment escaped to letters, digits, `.`, `_`, `-` and `%XX` (a query string becomes part of the last
 * segment; credentials are left out), so the folder stays readable and no URL can point outside it.
 *
 * @param cacheDir - The cache folder.
 * @param url - An absolute http(s) URL.
 * @returns The file path (with `/` separators, which Node accepts on every platform).
 * @example
 * ```ts
 * import { cachePathForUrl } from '@lxmls/hub';
 * const url = 'https://huggingface.co/openai-community/gpt2/resolve/main/config.json';
 * console.log(cachePathForUrl('/home/ana/.cache/lxmls', url));
 * // → /home/ana/.cache/lxmls/downloads/huggingface.co/openai-community/gpt2/resolve/main/config.json
 * console.log(cachePathForUrl('/c', 'http://u:p@127.0.0.1:8080/a b/../x.json?rev=1'));
 * // → /c/downloads/127.0.0.1%3A8080/a%20b/%2E./x.json%3Frev%3D1
 * ```
 */
export function cachePathForUrl(cacheDir: string, url: string): string {
  const match = /^https?:\/\/([^/?#]+)([^#]*)/i.exec(cacheKey(url));
  const host = match?.[1] ?? 'unknown-host';
  const rest = match?.[2] ?? url;
  const segments = rest.split('/').filter((s) => s !== '');
  return [
    trimSeparators(cacheDir),
    'downloads',
    safeSegment(host.toLowerCase()),
    ...segments.map(safeSegment),
  ].join('/');
}

/** A cached file: its bytes and where it is (`null` in a browser). */
export interface CachedFile {
  bytes: Uint8Array;
  path: string | null;
}

/** A cache of downloaded files, keyed by URL. */
export interface FileCache {
  /** Where `url` is (or would be) kept, for messages: a path in Node, `caches:lxmls <url>` in a browser. */
  where(url: string): string;
  /**
   * The cached bytes of `url`, or `null` when it is not cached; `tooLarge(size, limit)` is thrown for a file
   * over `limit` bytes or that does not fit in one array.
   */
  get(
    url: string,
    tooLarge: (size: number, limit: number) => Error,
    limit?: number,
  ): Promise<CachedFile | null>;
  /**
   * Where the download of `url` writes its bytes as they arrive: `write` each chunk, then `commit` once the
   * body is complete and valid (the entry appears only then), or `abort` (nothing is left behind).
   */
  open(url: string): Promise<CacheWriter>;
  /** Moves a bad entry aside (`<path>.invalid` in Node, deleted in a browser); returns where it went. */
  quarantine(url: string): Promise<string | null>;
}

/** The writing side of one cache entry (see {@link FileCache.open}). */
export interface CacheWriter {
  write(chunk: Uint8Array): Promise<void>;
  commit(bytes: Uint8Array): Promise<void>;
  abort(): Promise<void>;
}

/** Leftover `.part` files older than this are removed even when their process id is taken again. */
export const STALE_PART_MS = 24 * 60 * 60 * 1000;

/**
 * Removes the `.part` files beside `target` (`<name>.<pid>-<time>-<random>.part`) whose process is gone or
 * that are older than {@link STALE_PART_MS}. Node only; errors are ignored.
 *
 * @returns The paths removed.
 */
export async function removeStaleParts(target: string): Promise<string[]> {
  const fs = await nodeFs();
  const { dirname, basename, join } = await nodePath();
  const dir = dirname(target);
  const prefix = `${basename(target)}.`;
  const removed: string[] = [];
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.part')) continue;
    const path = join(dir, name);
    const pid = pidOfSuffix(name.slice(0, -'.part'.length));
    const stat = await fs.stat(path).catch(() => null);
    const old = stat !== null && Date.now() - stat.mtimeMs > STALE_PART_MS;
    if (pid === null || !isProcessAlive(pid) || old) {
      await fs.rm(path, { force: true }).catch(() => undefined);
      removed.push(path);
    }
  }
  return removed;
}

/** The Node cache: files under `cacheDir`, written to `<name>.<pid>-….part` and renamed when complete. */
export function nodeFileCache(cacheDir: string): FileCache {
  return {
    where: (url) => cachePathForUrl(cacheDir, url),
    async get(url, tooLarge, limit) {
      const path = cachePathForUrl(cacheDir, url);
      try {
        return { bytes: await readWholeFile(path, tooLarge, limit), path };
      } catch (error) {
        const code = systemErrorCode(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') return null;
        throw error;
      }
    },
    async open(url) {
      const fs = await nodeFs();
      const { dirname } = await nodePath();
      const target = cachePathForUrl(cacheDir, url);
      await fs.mkdir(dirname(target), { recursive: true });
      await removeStaleParts(target);
      const tmp = `${target}.${tempSuffix()}.part`;
      const handle = await fs.open(tmp, 'w');
      let open = true;
      const close = async () => {
        if (open) {
          open = false;
          await handle.close();
        }
      };
      return {
        async write(chunk) {
          await handle.write(chunk);
        },
        async commit() {
          await handle.sync();
          await close();
          await fs.rename(tmp, target);
        },
        async abort() {
          await close().catch(() => undefined);
          await fs.rm(tmp, { force: true });
        },
      };
    },
    async quarantine(url) {
      const fs = await nodeFs();
      const path = cachePathForUrl(cacheDir, url);
      const aside = `${path}.invalid`;
      await fs.rename(path, aside).catch(async () => {
        await fs.rm(path, { force: true });
      });
      return aside;
    },
  };
}

/** The browser cache: the Cache API, one `Response` per URL, put only once the body is complete. */
export function browserFileCache(): FileCache | null {
  if (typeof caches === 'undefined') return null;
  return {
    where: (url) => `caches:${BROWSER_CACHE_NAME} ${cacheKey(url)}`,
    async get(url, tooLarge, limit) {
      const cache = await caches.open(BROWSER_CACHE_NAME);
      const response = await cache.match(cacheKey(url));
      if (!response) return null;
      const length = Number(response.headers.get('content-length') ?? Number.NaN);
      if (limit !== undefined && Number.isFinite(length) && length > limit) throw tooLarge(length, limit);
      return { bytes: new Uint8Array(await response.arrayBuffer()), path: null };
    },
    async open(url) {
      return {
        async write() {},
        async commit(bytes) {
          const cache = await caches.open(BROWSER_CACHE_NAME);
          const body = new Uint8Array(bytes); // a copy the Response can own
          await cache.put(
            cacheKey(url),
            new Response(body, { headers: { 'content-length': String(bytes.byteLength) } }),
          );
        },
        async abort() {},
      };
    },
    async quarantine(url) {
      const cache = await caches.open(BROWSER_CACHE_NAME);
      await cache.delete(cacheKey(url));
      return null;
    },
  };
}

/**
 * The cache to use: the Node folder (`cacheDir`, else {@link defaultCacheDir}), the browser's Cache API, or
 * none (`cache: false`, or nowhere to keep files).
 *
 * @param options - `cache` (false: none) and `cacheDir`.
 * @returns The cache, or `null`.
 */
export function selectCache(options: { cache?: boolean; cacheDir?: string }): FileCache | null {
  if (options.cache === false) return null;
  if (isNode()) {
    const dir = options.cacheDir ?? defaultCacheDir();
    return dir === null ? null : nodeFileCache(dir);
  }
  return browserFileCache();
}
