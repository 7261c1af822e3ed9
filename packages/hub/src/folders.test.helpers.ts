// What the hub's tests share besides the hostile server: a fresh temporary folder per test, the files under a
// folder, and the hub error a promise rejects with.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejectedError } from '@lxmls/base';
import { afterEach, beforeEach } from 'vitest';
import { LxmlsHubError } from './errors.js';

/** Makes a temporary folder named `prefix…` before each test, hands it to `set`, and removes it after the test. */
export function tempFolderEach(prefix: string, set: (path: string) => void): void {
  let path = '';
  beforeEach(async () => {
    path = await mkdtemp(join(tmpdir(), prefix));
    set(path);
  });
  afterEach(async () => {
    await rm(path, { recursive: true, force: true });
  });
}

/** Every file under `dir`, relative, sorted. */
export async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

/** The {@link LxmlsHubError} `promise` rejects with. */
export const rejection = (promise: Promise<unknown>): Promise<LxmlsHubError> =>
  rejectedError(LxmlsHubError, promise);
