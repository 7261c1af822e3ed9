/**
 * What the checkpoint code needs to know about where it runs: Node (files, a cache folder, environment
 * variables) or a browser (the Cache API only).
 *
 * @lxmls/gpt must load in browsers, so no file of this folder imports a `node:` module at its top level: the
 * Node-only paths call {@link nodeFs} and {@link nodePath}, which import them on first use, behind an
 * {@link isNode} check.
 */

import { LxmlsGptError } from '../errors.js';

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

/** `node:fs/promises`, imported on first use (Node only). */
export async function nodeFs(): Promise<typeof import('node:fs/promises')> {
  return import('node:fs/promises');
}

/** `node:path`, imported on first use (Node only). */
export async function nodePath(): Promise<typeof import('node:path')> {
  return import('node:path');
}

/** The `code` of a Node system error (`ENOENT`, `EISDIR`, ...), or `undefined`. */
export function systemErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A short random suffix for temporary file names (not security relevant). */
export function tempSuffix(): string {
  const pid = isNode() ? process.pid : 0;
  return `${pid}-${Date.now().toString(36)}-${Math.floor(Math.random() * 0x100000000).toString(36)}`;
}

/**
 * Writes `data` to `path` through a temporary file in the same folder and a rename, creating the folder: a
 * crash or an error never leaves a half-written file under `path`. Node only.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  const fs = await nodeFs();
  const { dirname } = await nodePath();
  await fs.mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${tempSuffix()}.part`;
  try {
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, path);
  } catch (error) {
    await fs.rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Reads a whole file into one Uint8Array, in chunks: unlike `fs.readFile`, which stops at 2 GiB, this reads
 * files up to the largest typed array of the runtime (4 GiB in Node 20), e.g. gpt2-large's 3.2 GB weights.
 * Node only.
 *
 * @returns The bytes; `onTooLarge(size)` is thrown (or its error) when the file cannot be held in one array.
 */
export async function readWholeFile(
  path: string,
  onTooLarge: (size: number, limit: number) => Error,
): Promise<Uint8Array> {
  const fs = await nodeFs();
  const handle = await fs.open(path, 'r');
  try {
    const { size } = await handle.stat();
    const { constants } = await import('node:buffer');
    if (size > constants.MAX_LENGTH) throw onTooLarge(size, constants.MAX_LENGTH);
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

/** The error for a file too large to hold in one array (gpt2-xl's 6.4 GB in Node 20, whose limit is 4 GiB). */
export function tooLargeError(fn: string, file: string, size: number, limit?: number): Error {
  return new LxmlsGptError('INVALID_CHECKPOINT', `${file} is too large to hold in memory in this runtime`, {
    fn,
    argument: 'source',
    expected: `a file that fits in one typed array${limit === undefined ? '' : ` (at most ${limit} bytes here)`}`,
    received: `${size} bytes`,
    hint: 'Checkpoints above 4 GiB (gpt2-xl) cannot be loaded yet; gpt2, gpt2-medium and gpt2-large can.',
  });
}
