/**
 * Writing the CLI's output files and folders without ever leaving half of one, through @lxmls/hub's atomic
 * writers (the project's one writer, issue 13): a file goes to a temporary file in the same folder, flushed
 * and renamed over the target; a model folder (`--out`) is written whole and renamed into place with a commit
 * marker. `--out` is checked before any work (issue 17: a path inside a file, on /proc, or a folder that
 * holds something else fails at once, not after training). Any failure is a {@link CliError} (exit code 2)
 * with one line.
 */

import { checkOutputFolder, LxmlsHubError, writeFileAtomic as writeAtomic } from '@lxmls/hub';
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
  try {
    await writeAtomic(path, text);
  } catch (error) {
    // The hub's error says what it expected; the one line keeps only what happened (`ENOENT (no such folder)`).
    const reason = LxmlsHubError.isInstance(error)
      ? String(error.received)
      : error instanceof Error
        ? error.message
        : String(error);
    throw new CliError(`cannot write ${option} file ${path}: ${reason}`);
  }
}

/**
 * Checks an output folder before any work: it must be writable, not inside a file, not on `/proc`, `/sys` or
 * `/dev`, and empty or new unless `force` (then it must be a model folder, replaced whole when saved).
 *
 * @param dir - The `--out` value.
 * @param force - Whether `--force` was given.
 * @param option - The option's name, for messages. @defaultValue `'--out'`
 * @throws {@link CliError} with one line naming the path.
 * @example
 * ```ts
 * import { checkOutFolder } from './write-file.js';
 * const error = await checkOutFolder('/proc/self/my-model', false).catch((e: Error) => e);
 * console.log((error as Error).message);
 * // → --out /proc/self/my-model cannot be written: expected a folder outside /proc, /sys and /dev, received /proc/self/my-model
 * ```
 */
export async function checkOutFolder(dir: string, force: boolean, option = '--out'): Promise<void> {
  try {
    await checkOutputFolder(dir, { overwrite: force, argument: option });
  } catch (error) {
    if (!LxmlsHubError.isInstance(error)) throw error;
    if (error.code === 'FOLDER_EXISTS') {
      const replace = force ? '' : ' (add --force to replace it whole)';
      throw new CliError(
        `${option} ${dir} ${error.what.replace(`${option} `, '')}: ${error.received}${replace}`,
      );
    }
    throw new CliError(
      `${option} ${dir} cannot be written: expected ${error.expected}, received ${error.received}`,
    );
  }
}
