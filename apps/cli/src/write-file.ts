/**
 * Writing an output file without ever leaving half of it: the text goes to a temporary file in the same
 * directory, which is then renamed over the target (a rename within one file system is atomic). Any
 * failure removes the temporary file and becomes a {@link CliError} (exit code 2) with one line.
 */

import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CliError } from './errors.js';

/**
 * Writes `text` to `path` atomically: readers see the old file or the whole new one, never a part.
 *
 * @param path - The file to write (its directory must exist).
 * @param text - The content, written as UTF-8.
 * @param option - The option that named the file, for the error message (`--html`).
 * @throws {@link CliError} when the file cannot be written: `cannot write --html file out/x.html: ENOENT …`.
 * @example
 * ```ts
 * import { mkdtempSync, readFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { writeFileAtomic } from './write-file.js';
 * const file = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'a.txt');
 * await writeFileAtomic(file, 'hello', '--out');
 * console.log(readFileSync(file, 'utf8')); // → hello
 * ```
 */
export async function writeFileAtomic(path: string, text: string, option: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, text, { encoding: 'utf8', flag: 'wx' });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true }).catch(() => {});
    const reason = error instanceof Error ? error.message : String(error);
    throw new CliError(`cannot write ${option} file ${path}: ${reason}`);
  }
}
