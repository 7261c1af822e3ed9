/**
 * Looking after the Node download cache: {@link listCache}, {@link verifyCache}, {@link clearCache} (the
 * functions behind `lxmls cache list|verify|clear`, issue 17). Node only.
 *
 * Files in `<cacheDir>/downloads/` are entries; `<name>.<pid>-….part` files are downloads in progress (or
 * left by a process that was killed), `<name>.invalid` files are entries that failed validation and were
 * moved aside.
 */

import { defaultCacheDir, removeStaleParts } from './cache.js';
import { check, LxmlsHubError } from './errors.js';
import { nodeFs, nodePath } from './node-modules.js';
import { isNode } from './runtime.js';
import { fileProblem, safetensorsProblem } from './validate.js';

/** One file of the cache. */
export interface CacheEntry {
  /** Where the file came from, as `host/path` (the scheme is not kept). */
  source: string;
  /** The file's path. */
  path: string;
  /** The file name (the last segment of `source`). */
  file: string;
  /** Its size in bytes. */
  size: number;
  /** When it was last written (ISO 8601). */
  modified: string;
  /** `'complete'`, `'partial'` (a `.part` download), or `'invalid'` (moved aside by validation). */
  state: 'complete' | 'partial' | 'invalid';
}

/** Options of the cache functions. */
export interface CacheAdminOptions {
  /** The cache folder. @defaultValue {@link defaultCacheDir}() */
  cacheDir?: string;
}

function cacheDirOf(fn: string, options: CacheAdminOptions): string {
  if (!isNode()) {
    check.fail(fn, undefined, undefined, 'the cache folder needs Node', 'a Node runtime', {
      code: 'NOT_SUPPORTED',
      received: 'a browser (clear the Cache API with caches.delete(BROWSER_CACHE_NAME))',
    });
  }
  const dir = options.cacheDir ?? defaultCacheDir();
  if (dir === null)
    check.fail(
      fn,
      'options.cacheDir',
      undefined,
      'there is no cache folder',
      'a cacheDir, $LXMLS_CACHE_DIR, $XDG_CACHE_HOME or a home folder',
      { code: 'NOT_FOUND', received: 'none' },
    );
  return dir;
}

const decodeSegment = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/**
 * Every file in the download cache, sorted by path.
 *
 * @param options - `cacheDir`.
 * @returns The cache folder and its entries (none when the folder does not exist).
 * @throws {@link LxmlsHubError} `NOT_SUPPORTED` outside Node; `NOT_FOUND` when there is no cache folder at all.
 * @example
 * ```ts
 * import { listCache } from '@lxmls/hub';
 * console.log(await listCache({ cacheDir: '/nonexistent/lxmls-cache' })); // → { cacheDir: '/nonexistent/lxmls-cache', entries: [] }
 * ```
 */
export async function listCache(
  options: CacheAdminOptions = {},
): Promise<{ cacheDir: string; entries: CacheEntry[] }> {
  const cacheDir = cacheDirOf('listCache', options);
  const fs = await nodeFs();
  const { join, relative, sep } = await nodePath();
  const root = join(cacheDir, 'downloads');
  const found = await fs.readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  const entries: CacheEntry[] = [];
  for (const e of found) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath ?? e.path, e.name);
    const stat = await fs.stat(path).catch(() => null);
    if (stat === null) continue;
    const state = e.name.endsWith('.part') ? 'partial' : e.name.endsWith('.invalid') ? 'invalid' : 'complete';
    const source = relative(root, path).split(sep).map(decodeSegment).join('/');
    entries.push({
      source,
      path,
      file: source.slice(source.lastIndexOf('/') + 1),
      size: stat.size,
      modified: stat.mtime.toISOString(),
      state,
    });
  }
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { cacheDir, entries };
}

/** Why the file at `path` is invalid, reading only the header of a safetensors file. */
async function problemOfFile(path: string, file: string, size: number): Promise<string | null> {
  const fs = await nodeFs();
  if (file.toLowerCase().endsWith('.safetensors')) {
    const handle = await fs.open(path, 'r');
    try {
      const head = new Uint8Array(8);
      await handle.read(head, 0, 8, 0);
      const n = size >= 8 ? Number(new DataView(head.buffer).getBigUint64(0, true)) : 0;
      if (size < 8 || n > size - 8) return safetensorsProblem(head.subarray(0, Math.min(8, size)), size);
      const bytes = new Uint8Array(8 + n);
      await handle.read(bytes, 0, 8 + n, 0);
      return safetensorsProblem(bytes, size);
    } finally {
      await handle.close();
    }
  }
  if (size > 256 * 1024 * 1024) return null; // large non-weight files are not read here
  return fileProblem(file, new Uint8Array(await fs.readFile(path)));
}

/** One invalid file found by {@link verifyCache}. */
export interface InvalidCacheEntry {
  /** Where it came from (`host/path`). */
  source: string;
  /** The cached path. */
  path: string;
  /** Why it is invalid. */
  reason: string;
  /** Where it was moved (`<path>.invalid`), or `null` without `repair`. */
  movedTo: string | null;
}

/**
 * Validates every complete file of the cache (JSON parses, safetensors headers parse and match the size,
 * text is UTF-8); with `repair` (the default), each invalid one is moved aside to `<path>.invalid`, so the
 * next load fetches it again, and `.part` files of processes that are gone are removed.
 *
 * @param options - `cacheDir`, `repair` (default true).
 * @returns How many files were checked, the invalid ones, and the stale `.part` files removed.
 * @example
 * ```ts
 * import { verifyCache } from '@lxmls/hub';
 * console.log(await verifyCache({ cacheDir: '/nonexistent/lxmls-cache' }));
 * // → { cacheDir: '/nonexistent/lxmls-cache', checked: 0, invalid: [], removedParts: [] }
 * ```
 */
export async function verifyCache(options: CacheAdminOptions & { repair?: boolean } = {}): Promise<{
  cacheDir: string;
  checked: number;
  invalid: InvalidCacheEntry[];
  removedParts: string[];
}> {
  const { cacheDir, entries } = await listCache({ cacheDir: cacheDirOf('verifyCache', options) });
  const fs = await nodeFs();
  const repair = options.repair !== false;
  const invalid: InvalidCacheEntry[] = [];
  const removedParts: string[] = [];
  let checked = 0;
  for (const entry of entries) {
    if (entry.state === 'partial') {
      if (repair) {
        const target = entry.path.replace(/\.[^.]+\.part$/, '');
        removedParts.push(...(await removeStaleParts(target)));
      }
      continue;
    }
    if (entry.state !== 'complete') continue;
    checked++;
    const reason = await problemOfFile(entry.path, entry.file, entry.size).catch((e: Error) => e.message);
    if (reason === null) continue;
    let movedTo: string | null = null;
    if (repair) {
      movedTo = `${entry.path}.invalid`;
      await fs.rename(entry.path, movedTo);
    }
    invalid.push({ source: entry.source, path: entry.path, reason, movedTo });
  }
  return { cacheDir, checked, invalid, removedParts: [...new Set(removedParts)] };
}

/**
 * Removes downloaded files from the cache: all of them, or those whose source (`host/path`) contains
 * `match`. Partial and invalid files go too.
 *
 * @param options - `cacheDir`, `match`.
 * @returns The number of files and bytes removed.
 * @example
 * ```ts
 * import { clearCache } from '@lxmls/hub';
 * console.log(await clearCache({ cacheDir: '/nonexistent/lxmls-cache' })); // → { cacheDir: '/nonexistent/lxmls-cache', files: 0, bytes: 0 }
 * ```
 */
export async function clearCache(
  options: CacheAdminOptions & { match?: string } = {},
): Promise<{ cacheDir: string; files: number; bytes: number }> {
  const { cacheDir, entries } = await listCache({ cacheDir: cacheDirOf('clearCache', options) });
  const fs = await nodeFs();
  let files = 0;
  let bytes = 0;
  for (const entry of entries) {
    if (options.match !== undefined && !entry.source.includes(options.match)) continue;
    await fs.rm(entry.path, { force: true });
    files++;
    bytes += entry.size;
  }
  if (options.match === undefined) {
    const { join } = await nodePath();
    await fs.rm(join(cacheDir, 'downloads'), { recursive: true, force: true });
  }
  return { cacheDir, files, bytes };
}
