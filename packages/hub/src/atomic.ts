/**
 * Writing files and model folders so that a crash, a kill or a full disk never leaves half of one (issue 17,
 * "model folders that are committed, never half-written"); the one atomic writer of the project (issue 13:
 * before, @lxmls/gpt, @lxmls/trainer and the CLI each had their own). Node only: each function imports
 * `node:fs` when it runs, so the package still loads in browsers.
 *
 * - {@link writeFileAtomic}: a temporary file beside the target, `fsync`, rename, `fsync` of the folder.
 * - {@link writeFolderAtomic}: every file into a temporary sibling folder (`.<name>.lxmls-new-<pid>-…`),
 *   each `fsync`ed, then the commit marker {@link COMMIT_FILE} (every file's name and size), `fsync` of the
 *   folder, and a rename into place. An existing folder is first renamed aside (`.<name>.lxmls-old-…`) and
 *   removed after the swap, so files of an earlier model are never mixed with the new ones. A folder holding
 *   files is replaced only with `overwrite: true`.
 * - {@link recoverFolder}: after a kill, removes the temporary folders of dead processes and, if the kill
 *   fell between the two renames of a swap, puts the old folder back: the folder is then the old model or the
 *   new one, never a mix (the loaders of @lxmls/gpt and @lxmls/bert call it, and {@link checkFolderCommit}).
 * - {@link checkOutputFolder}: an output folder checked before any work (a path inside a file, on `/proc`,
 *   `/sys` or `/dev`, or read-only is refused), so that a long training run does not end in a lost model.
 *
 * A little over 500 lines, most of it TSDoc: the five functions share the folder layout (the sibling names,
 * the marker) and are read together when one of them changes.
 */

import { check, LxmlsHubError } from './errors.js';
import { nodeFs, nodePath } from './node-modules.js';
import { isNode, isProcessAlive, pidOfSuffix, systemErrorCode, tempSuffix } from './runtime.js';

/** The commit marker of a folder written by {@link writeFolderAtomic}: JSON naming every file and its size. */
export const COMMIT_FILE = '.lxmls-commit.json';

/** The content of {@link COMMIT_FILE}. */
export interface FolderCommit {
  /** The marker's format version (1). */
  format: 1;
  /** Every file of the folder (the marker aside) with its size in bytes. */
  files: Record<string, { size: number }>;
}

function requireNode(fn: string): void {
  if (!isNode()) {
    check.fail(fn, undefined, undefined, 'writing files needs Node', 'a Node runtime with a file system', {
      code: 'NOT_SUPPORTED',
      received: 'a browser',
      hint: 'In a browser, offer the bytes as downloads.',
    });
  }
}

function requirePath(fn: string, argument: string, path: unknown): asserts path is string {
  if (typeof path !== 'string' || path === '')
    check.fail(fn, argument, undefined, `${argument} must be a path`, 'a non-empty string', {
      received: path === '' ? 'an empty string' : typeof path,
    });
}

/** What the system's write errors mean, in words. */
const WRITE_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'no permission',
  EPERM: 'not permitted',
  EROFS: 'a read-only file system',
  EIO: 'an input/output error',
  ENAMETOOLONG: 'a name too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  ENOENT: 'no such folder',
  ENOTDIR: 'a path through a file',
  EISDIR: 'a folder where a file was expected',
  EXDEV: 'another file system',
  EBUSY: 'the file is busy',
};

/**
 * A system error met while writing `path` as an {@link LxmlsHubError} `WRITE_FAILED` naming the path and the
 * system's code (`ENOSPC`: the disk is full), so that callers report one line instead of an internal error;
 * any other error as it is.
 *
 * @param error - What was thrown.
 * @param path - The file or folder being written.
 * @param fn - The function to name.
 * @returns The error to throw.
 * @example
 * ```ts
 * import { writeFailure } from '@lxmls/hub';
 * const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
 * console.log((writeFailure(full, '/data/model', 'writeFolderAtomic') as Error).message);
 * // → [@lxmls/hub] writeFolderAtomic: /data/model could not be written. Expected room and permission to write there, received ENOSPC (the disk is full).
 * ```
 */
export function writeFailure(error: unknown, path: string, fn: string): unknown {
  const code = systemErrorCode(error);
  if (code === undefined || LxmlsHubError.isInstance(error)) return error;
  const meaning = WRITE_ERRORS[code];
  return new LxmlsHubError('WRITE_FAILED', `${path} could not be written`, {
    fn,
    argument: 'path',
    expected: 'room and permission to write there',
    received: meaning === undefined ? code : `${code} (${meaning})`,
    path,
    cause: error,
  });
}

/** `fsync` of a folder, so that a rename in it is on disk; ignored where folders cannot be opened (Windows). */
async function syncFolder(dir: string): Promise<void> {
  const fs = await nodeFs();
  const handle = await fs.open(dir, 'r').catch(() => null);
  if (handle === null) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

/** Writes a new file and flushes it to disk. */
async function writeSynced(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await nodeFs();
  const handle = await fs.open(path, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /** Create the folder (and its parents) when missing. @defaultValue false */
  createFolder?: boolean;
}

/**
 * Writes `data` to `path` atomically: readers see the old file or the whole new one, never a part. The bytes
 * go to `.<name>.<pid>-….tmp` in the same folder, are flushed (`fsync`), and the file is renamed over `path`;
 * any failure removes the temporary file. Node only.
 *
 * @param path - The file to write.
 * @param data - The content (a string is written as UTF-8).
 * @param options - {@link WriteFileAtomicOptions}.
 * @throws {@link LxmlsHubError} `NOT_SUPPORTED` outside Node, `INVALID_ARGUMENT` for an empty path,
 *   `WRITE_FAILED` for what the file system refused (ENOENT, EACCES, ENOSPC, named), with nothing left behind.
 * @example
 * ```ts
 * import { writeFileAtomic } from '@lxmls/hub';
 * import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const dir = await mkdtemp(join(tmpdir(), 'lxmls-'));
 * await writeFileAtomic(join(dir, 'out', 'a.txt'), 'hello', { createFolder: true });
 * console.log(await readFile(join(dir, 'out', 'a.txt'), 'utf8'), await readdir(join(dir, 'out'))); // → hello [ 'a.txt' ]
 * await rm(dir, { recursive: true });
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const fn = 'writeFileAtomic';
  requireNode(fn);
  requirePath(fn, 'path', path);
  const fs = await nodeFs();
  const { dirname, basename, join } = await nodePath();
  const dir = dirname(path);
  if (options.createFolder === true) await fs.mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${tempSuffix()}.tmp`);
  try {
    await writeSynced(tmp, data);
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeFailure(error, path, fn);
  }
  await syncFolder(dir);
}

/** Options of {@link writeFolderAtomic}. */
export interface WriteFolderOptions {
  /**
   * Replace a folder that already holds files, when it looks like a model folder (see `replaceable`).
   * @defaultValue false (`FOLDER_EXISTS`)
   */
  overwrite?: boolean;
  /**
   * With `overwrite`, which existing folders may be replaced, from their entries (a name ending in `/` is a
   * subfolder). A folder that fails it is `FOLDER_EXISTS` even with `overwrite`, so that a wrong path
   * (`.`, a home folder) is never swept away. @defaultValue {@link isModelFolder}
   */
  replaceable?: (entries: readonly string[]) => boolean;
  /** The function to name in errors. @defaultValue `'writeFolderAtomic'` */
  fn?: string;
  /** The option that named the folder, for errors (`'--out'`). @defaultValue `'dir'` */
  argument?: string;
}

/**
 * Whether a folder's entries look like a model folder that may be replaced whole: files only (no
 * subfolder but `onnx/`, where transformers.js's ONNX folders keep the model), among them {@link COMMIT_FILE}
 * or `config.json`.
 *
 * @param entries - The folder's entries (a name ending in `/` is a subfolder).
 * @returns True for a model folder.
 * @example
 * ```ts
 * import { isModelFolder } from '@lxmls/hub';
 * console.log(isModelFolder(['config.json', 'model.safetensors']), isModelFolder(['src/', 'config.json']), isModelFolder(['notes.txt'])); // → true false false
 * console.log(isModelFolder(['config.json', 'onnx/'])); // → true
 * ```
 */
export function isModelFolder(entries: readonly string[]): boolean {
  return (
    entries.every((e) => !e.endsWith('/') || e === 'onnx/') &&
    (entries.includes(COMMIT_FILE) || entries.includes('config.json'))
  );
}

/** The sibling names of `dir` used while writing it. */
async function siblings(dir: string) {
  const { dirname, basename, resolve, join } = await nodePath();
  const full = resolve(dir);
  const parent = dirname(full);
  const name = basename(full);
  return {
    full,
    parent,
    name,
    newPrefix: `.${name}.lxmls-new-`,
    oldPrefix: `.${name}.lxmls-old-`,
    at: (entry: string) => join(parent, entry),
  };
}

/**
 * Brings a folder written by {@link writeFolderAtomic} back to a committed state after a crash or a kill:
 * temporary folders of processes that are gone are removed, and when the folder itself is missing but an
 * old copy set aside by an interrupted swap exists, the old copy is put back. Safe to call at any time, and
 * cheap (one `readdir` of the parent). Node only.
 *
 * @param dir - The model folder.
 * @returns What was done: the paths removed, and whether the old folder was restored.
 * @example
 * ```ts
 * import { recoverFolder } from '@lxmls/hub';
 * console.log(await recoverFolder('/nonexistent/parent/model')); // → { removed: [], restored: false }
 * ```
 */
export async function recoverFolder(dir: string): Promise<{ removed: string[]; restored: boolean }> {
  const fn = 'recoverFolder';
  requireNode(fn);
  requirePath(fn, 'dir', dir);
  const fs = await nodeFs();
  const s = await siblings(dir);
  const entries = await fs.readdir(s.parent).catch(() => [] as string[]);
  const removed: string[] = [];
  const mine = (entry: string, prefix: string) => {
    if (!entry.startsWith(prefix)) return false;
    const pid = pidOfSuffix(entry.slice(prefix.length));
    return pid === null || !isProcessAlive(pid);
  };
  const exists = await fs.stat(s.full).then(
    () => true,
    () => false,
  );
  let restored = false;
  // the newest old copy first: the one an interrupted swap set aside last
  const olds = entries
    .filter((e) => mine(e, s.oldPrefix))
    .sort()
    .reverse();
  for (const entry of olds) {
    if (!exists && !restored) {
      await fs.rename(s.at(entry), s.full);
      restored = true;
      continue;
    }
    await fs.rm(s.at(entry), { recursive: true, force: true });
    removed.push(s.at(entry));
  }
  for (const entry of entries.filter((e) => mine(e, s.newPrefix))) {
    await fs.rm(s.at(entry), { recursive: true, force: true });
    removed.push(s.at(entry));
  }
  if (restored || removed.length > 0) await syncFolder(s.parent);
  return { removed, restored };
}

/** What {@link checkOutputFolder} found. */
export interface OutputFolderState {
  /** The absolute path. */
  path: string;
  /** Whether the folder exists. */
  exists: boolean;
  /** Its entries, sorted, a subfolder's name ending in `/` (empty when it does not exist). */
  entries: string[];
}

const SPECIAL_ROOTS = ['/proc', '/sys', '/dev'];

/**
 * Checks, before any work, that a model folder can be written: the path is not on a special file system
 * (`/proc`, `/sys`, `/dev`), the nearest existing ancestor is a folder (not a file) that this process may
 * write, and the path itself, if it exists, is a folder. Node only.
 *
 * @param dir - The folder to write.
 * @param options - `fn` and `argument` to name in errors; `overwrite`: with false (the default), a folder
 *   that holds files is `FOLDER_EXISTS`.
 * @returns The {@link OutputFolderState}.
 * @throws {@link LxmlsHubError} `INVALID_PATH` or `FOLDER_EXISTS`, naming the path.
 * @example
 * ```ts
 * import { checkOutputFolder } from '@lxmls/hub';
 * const error = await checkOutputFolder('/proc/self/model', { argument: '--out' }).catch((e: Error) => e);
 * console.log((error as Error).message);
 * // → [@lxmls/hub] checkOutputFolder: --out cannot be written. Expected a folder outside /proc, /sys and /dev, received /proc/self/model.
 * ```
 */
export async function checkOutputFolder(
  dir: string,
  options: WriteFolderOptions = {},
): Promise<OutputFolderState> {
  const fn = options.fn ?? 'checkOutputFolder';
  const argument = options.argument ?? 'dir';
  requireNode(fn);
  requirePath(fn, argument, dir);
  const fs = await nodeFs();
  const { resolve, dirname } = await nodePath();
  const path = resolve(dir);
  const bad = (expected: string, received: string, cause?: unknown) =>
    new LxmlsHubError('INVALID_PATH', `${argument} cannot be written`, {
      fn,
      argument,
      expected,
      received,
      path,
      cause,
    });
  if (process.platform !== 'win32' && SPECIAL_ROOTS.some((r) => path === r || path.startsWith(`${r}/`)))
    throw bad('a folder outside /proc, /sys and /dev', path);
  const stat = await fs.stat(path).catch((error: unknown) => {
    const code = systemErrorCode(error);
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') return 'under-file' as const;
    throw bad(`a folder path that can be read`, `${path} (${code ?? String(error)})`, error);
  });
  if (stat === 'under-file') {
    let up = dirname(path);
    while (
      up !== dirname(up) &&
      !(await fs.stat(up).then(
        (s) => s.isFile(),
        () => false,
      ))
    )
      up = dirname(up);
    throw bad('a path inside a folder', `${path}, inside the file ${up}`);
  }
  if (stat !== null && !stat.isDirectory())
    throw bad('a folder (or a path that does not exist yet)', `the file ${path}`);
  // the nearest existing ancestor (the folder itself when it exists) must be a writable folder
  let existing = stat !== null ? path : dirname(path);
  for (;;) {
    const s = await fs.stat(existing).catch(() => null);
    if (s !== null) {
      if (!s.isDirectory()) throw bad('a path inside a folder', `${path}, inside the file ${existing}`);
      break;
    }
    if (existing === dirname(existing)) break;
    existing = dirname(existing);
  }
  const { constants } = await import('node:fs');
  await fs.access(existing, constants.W_OK).catch((error: unknown) => {
    throw bad(
      `a folder this process may write`,
      `${existing} (${systemErrorCode(error) ?? String(error)})`,
      error,
    );
  });
  const entries =
    stat !== null
      ? (await fs.readdir(path, { withFileTypes: true }))
          .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
          .sort()
      : [];
  const listed = `${path} with ${entries.slice(0, 5).join(', ')}${entries.length > 5 ? ', …' : ''}`;
  if (entries.length > 0 && options.overwrite !== true) {
    check.fail(
      fn,
      argument,
      undefined,
      `${argument} already holds files`,
      'an empty or new folder, or overwrite: true (--force) to replace it whole',
      { code: 'FOLDER_EXISTS', received: listed, details: { path } },
    );
  }
  const cwd = resolve(process.cwd());
  if (stat !== null && (cwd === path || cwd.startsWith(`${path}/`) || path === dirname(path)))
    throw bad('a folder that is not the working folder, one of its parents, or the root', path);
  if (entries.length > 0 && !(options.replaceable ?? isModelFolder)(entries)) {
    check.fail(
      fn,
      argument,
      undefined,
      `${argument} holds files that are not a model's`,
      `a model folder to replace (files only, with ${COMMIT_FILE} or config.json), or a new folder`,
      { code: 'FOLDER_EXISTS', received: listed, details: { path } },
    );
  }
  return { path, exists: stat !== null, entries };
}

/**
 * Writes a whole folder atomically: the folder afterwards holds exactly `files` (and {@link COMMIT_FILE}),
 * or, after a crash at any point and {@link recoverFolder}, exactly what it held before. Node only.
 *
 * @param dir - The folder (its parents are created).
 * @param files - File name → content (a string is written as UTF-8). Names are plain file names, or one
 *   subfolder and a file name (`onnx/model.onnx`, the layout of transformers.js's ONNX folders).
 * @param options - {@link WriteFolderOptions}: `overwrite` (replace a folder that holds files), and the
 *   names for errors.
 * @returns The paths written, in the order of `files`.
 * @throws {@link LxmlsHubError} `FOLDER_EXISTS` (a folder with files and no `overwrite`), `INVALID_PATH`,
 *   `INVALID_ARGUMENT` (a file name with a separator, or the marker's name), `WRITE_FAILED` for what the file
 *   system refused (EACCES, ENOSPC, named); the temporary folder is removed.
 * @example
 * ```ts
 * import { COMMIT_FILE, writeFolderAtomic } from '@lxmls/hub';
 * import { mkdtemp, readdir, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const dir = join(await mkdtemp(join(tmpdir(), 'lxmls-')), 'model');
 * await writeFolderAtomic(dir, { 'config.json': '{}', 'extra.txt': 'old' });
 * await writeFolderAtomic(dir, { 'config.json': '{"n": 1}' }, { overwrite: true });
 * console.log((await readdir(dir)).sort(), COMMIT_FILE); // → [ '.lxmls-commit.json', 'config.json' ] .lxmls-commit.json
 * await rm(join(dir, '..'), { recursive: true });
 * ```
 */
export async function writeFolderAtomic(
  dir: string,
  files: Readonly<Record<string, string | Uint8Array>>,
  options: WriteFolderOptions = {},
): Promise<string[]> {
  const fn = options.fn ?? 'writeFolderAtomic';
  requireNode(fn);
  requirePath(fn, options.argument ?? 'dir', dir);
  const names = Object.keys(files ?? {});
  for (const name of names) {
    const content = files[name];
    const parts = name.split('/');
    if (
      parts.length > 2 ||
      parts.some((part) => !/^[^/\\]+$/.test(part) || part === '.' || part === '..') ||
      name === COMMIT_FILE
    )
      check.fail(
        fn,
        'files',
        undefined,
        'a file name is not a plain file name',
        `a file name, or one subfolder and a file name (onnx/model.onnx), other than ${COMMIT_FILE}`,
        { received: JSON.stringify(name) },
      );
    if (typeof content !== 'string' && !(content instanceof Uint8Array))
      check.fail(
        fn,
        'files',
        undefined,
        `files[${JSON.stringify(name)}] is not a string or bytes`,
        'a string or a Uint8Array',
        { received: typeof content },
      );
  }
  const fs = await nodeFs();
  await recoverFolder(dir);
  const state = await checkOutputFolder(dir, { ...options, fn });
  const s = await siblings(dir);
  await fs.mkdir(s.parent, { recursive: true }).catch((error: unknown) => {
    throw writeFailure(error, s.parent, fn);
  });
  const suffix = tempSuffix();
  const tmp = s.at(`${s.newPrefix}${suffix}`);
  const written: string[] = [];
  try {
    await fs.mkdir(tmp);
    const commit: FolderCommit = { format: 1, files: {} };
    for (const name of names) {
      const content = files[name]!;
      const sub = name.includes('/') ? name.slice(0, name.indexOf('/')) : null;
      if (sub !== null) await fs.mkdir(s.at(`${s.newPrefix}${suffix}/${sub}`), { recursive: true });
      await writeSynced(s.at(`${s.newPrefix}${suffix}/${name}`), content);
      commit.files[name] = {
        size: typeof content === 'string' ? new TextEncoder().encode(content).byteLength : content.byteLength,
      };
      written.push(`${s.full}/${name}`.replace(/\/+/g, '/'));
    }
    await writeSynced(s.at(`${s.newPrefix}${suffix}/${COMMIT_FILE}`), `${JSON.stringify(commit, null, 2)}\n`);
    await syncFolder(tmp);
    if (state.exists) {
      const old = s.at(`${s.oldPrefix}${suffix}`);
      await fs.rename(s.full, old);
      try {
        await fs.rename(tmp, s.full);
      } catch (error) {
        await fs.rename(old, s.full).catch(() => undefined);
        throw error;
      }
      await syncFolder(s.parent);
      await fs.rm(old, { recursive: true, force: true });
    } else {
      await fs.rename(tmp, s.full);
      await syncFolder(s.parent);
    }
  } catch (error) {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw writeFailure(error, s.full, fn);
  }
  const { join } = await nodePath();
  return names.map((name) => join(dir, name));
}

/**
 * Checks a folder against its commit marker, when it has one: every file the marker names exists with its
 * size. A folder without a marker (one written by transformers, or copied by hand) passes. Calls
 * {@link recoverFolder} first. Node only.
 *
 * @param dir - The model folder.
 * @param fn - The function to name in errors.
 * @returns The marker, or `null` when the folder has none.
 * @throws {@link LxmlsHubError} `INVALID_FILE` naming the file that is missing or of the wrong size.
 * @example
 * ```ts
 * import { checkFolderCommit } from '@lxmls/hub';
 * console.log(await checkFolderCommit('packages/bert/src/__fixtures__/tiny-bert')); // → null
 * ```
 */
export async function checkFolderCommit(dir: string, fn = 'checkFolderCommit'): Promise<FolderCommit | null> {
  requireNode(fn);
  requirePath(fn, 'dir', dir);
  await recoverFolder(dir);
  const fs = await nodeFs();
  const { join } = await nodePath();
  const markerPath = join(dir, COMMIT_FILE);
  const text = await fs.readFile(markerPath, 'utf8').catch(() => null);
  if (text === null) return null;
  let commit: FolderCommit;
  try {
    commit = JSON.parse(text) as FolderCommit;
    if (typeof commit?.files !== 'object' || commit.files === null) throw new Error('no files');
  } catch (error) {
    check.fail(
      fn,
      'dir',
      undefined,
      `the commit marker of the folder is not valid`,
      `a JSON object with "files" in ${markerPath}`,
      { code: 'INVALID_FILE', received: (error as Error).message, details: { path: markerPath } },
    );
  }
  for (const [name, { size }] of Object.entries(commit.files)) {
    const path = join(dir, name);
    const stat = await fs.stat(path).catch(() => null);
    if (stat === null || stat.size !== size) {
      check.fail(
        fn,
        'dir',
        undefined,
        `the folder does not match its commit marker`,
        `${path} of ${size} bytes, as ${COMMIT_FILE} says`,
        {
          code: 'INVALID_FILE',
          received: stat === null ? 'no such file' : `${stat.size} bytes`,
          details: { path },
        },
      );
    }
  }
  return commit;
}
