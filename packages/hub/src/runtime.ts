/**
 * What @lxmls/hub needs to know about where it runs: Node (files, a cache folder, environment variables) or a
 * browser (the Cache API only).
 *
 * @lxmls/hub must load in browsers, so no file of this package imports a `node:` module at its top level: the
 * Node-only paths call `nodeFs` and `nodePath` (src/node-modules.ts), which import them on first use, behind
 * an {@link isNode} check. (Moved here from @lxmls/gpt's `checkpoint/runtime.ts`, issue 13.)
 */

import { nodeFs } from './node-modules.js';

/** True in Node (and runtimes that implement its `node:` modules), false in a browser or a web worker. */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

/** An environment variable in Node (empty counts as unset); always `undefined` in a browser. */
export function envVar(name: string): string | undefined {
  if (!isNode()) return undefined;
  const value = process.env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** True when an environment variable is `1`, `true` or `yes` (any case). */
export function envFlag(name: string): boolean {
  return /^(1|true|yes)$/i.test(envVar(name) ?? '');
}

/** The `code` of a Node system error (`ENOENT`, `EISDIR`, ...), or `undefined`. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A random suffix for temporary names, `<pid>-<time>-<random>`: the process id comes first so that a
 * leftover of a process that is gone can be recognised ({@link pidOfSuffix}, {@link isProcessAlive}).
 */
export function tempSuffix(): string {
  const pid = isNode() ? process.pid : 0;
  return `${pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 0x100000000).toString(36)}`;
}

/** The process id at the start of a {@link tempSuffix} inside `name`, or `null`. */
export function pidOfSuffix(name: string): number | null {
  const match = /(?:^|[.-])(\d+)-[0-9a-z]+-[0-9a-z]+(?:\.[a-z]+)?$/.exec(name);
  return match ? Number(match[1]) : null;
}

/** Whether a process with this id runs on this machine (Node; `true` when it cannot be told). */
export function isProcessAlive(pid: number): boolean {
  if (!isNode() || pid <= 0) return true;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return systemErrorCode(error) === 'EPERM'; // alive, another user's
  }
}

/**
 * The largest file this runtime can hold in one Uint8Array: `buffer.constants.MAX_LENGTH` in Node (4 GiB in
 * Node 20), 2 GiB − 1 elsewhere.
 */
export async function runtimeMaxBytes(): Promise<number> {
  if (!isNode()) return 2 ** 31 - 1;
  const { constants } = await import('node:buffer');
  return constants.MAX_LENGTH;
}

/**
 * Reads a whole regular file into one Uint8Array, in chunks, after checking its size: unlike `fs.readFile`,
 * which stops at 2 GiB, this reads files up to the largest typed array of the runtime (gpt2-large's 3.2 GB
 * weights), and a special file (`/dev/zero`, a FIFO, also through a symbolic link) is refused before any
 * byte is read. Node only.
 *
 * @param path - The file.
 * @param tooLarge - Makes the error for a file over `limit` bytes.
 * @param limit - The largest size accepted (default: {@link runtimeMaxBytes}).
 * @param notRegular - Makes the error for a path that is not a regular file.
 * @returns The bytes.
 */
export async function readWholeFile(
  path: string,
  tooLarge: (size: number, limit: number) => Error,
  limit?: number,
  notRegular?: (kind: string) => Error,
): Promise<Uint8Array> {
  const fs = await nodeFs();
  const max = Math.min(limit ?? Number.POSITIVE_INFINITY, await runtimeMaxBytes());
  const handle = await fs.open(path, 'r');
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory()
        ? 'a folder'
        : stat.isCharacterDevice() || stat.isBlockDevice()
          ? 'a device'
          : stat.isFIFO()
            ? 'a pipe'
            : stat.isSocket()
              ? 'a socket'
              : 'not a regular file';
      const error = notRegular?.(kind);
      if (error) throw error;
      throw Object.assign(new Error(`${path} is ${kind}, not a regular file`), { code: 'EINVAL' });
    }
    const { size } = stat;
    if (size > max) throw tooLarge(size, max);
    const bytes = new Uint8Array(size);
    const CHUNK = 1 << 26; // 64 MiB per read
    for (let offset = 0; offset < size; ) {
      const { bytesRead } = await handle.read(bytes, offset, Math.min(CHUNK, size - offset), offset);
      if (bytesRead === 0) return bytes.subarray(0, offset); // the file shrank while being read
      offset += bytesRead;
    }
    return bytes;
  } finally {
    await handle.close();
  }
}
