/**
 * Checkpoint folders in Node: {@link writeCheckpoint} and {@link readCheckpoint}.
 *
 * The folder is written whole by @lxmls/hub's `writeFolderAtomic` (issue 17, "library checkpoints keep the
 * previous good one until the next is complete"): the three files go into a temporary sibling folder, each
 * flushed (`fsync`), with a commit marker, and the folder is renamed into place; the previous checkpoint is
 * set aside and removed only after the swap. A kill at any moment leaves the previous checkpoint or the new
 * one, which {@link readCheckpoint} finds (it puts a set-aside folder back first, with `recoverFolder`).
 * `trainer.json` also holds the size and hash of the two others, so files mixed by hand are refused on load.
 * `node:fs` is imported only when these run, so the package still loads in browsers (where they throw
 * `NOT_SUPPORTED`; offer the bytes of `saveCheckpoint` as downloads instead).
 */

import { COMMIT_FILE, checkFolderCommit, LxmlsHubError, writeFolderAtomic } from '@lxmls/hub';
import { CHECKPOINT_FILES, type CheckpointFiles } from './checkpoint.js';
import { check, LxmlsTrainerError } from './errors.js';

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}

function checkEnvironment(fn: string, dir: unknown): asserts dir is string {
  if (!isNode()) {
    throw new LxmlsTrainerError('NOT_SUPPORTED', 'checkpoint folders need Node', {
      fn,
      expected: 'a Node runtime with a file system',
      received: 'another runtime (use saveCheckpoint / loadCheckpoint with bytes there)',
    });
  }
  if (typeof dir !== 'string' || dir === '')
    check.fail(fn, 'dir', dir, 'dir is not a folder path', 'a non-empty string');
}

/** A hub error as the trainer's `code` error, with the same parts; any other error as it is. */
function asTrainerError(
  error: unknown,
  fn: string,
  code: 'INVALID_ARGUMENT' | 'INVALID_CHECKPOINT',
): unknown {
  if (!LxmlsHubError.isInstance(error)) return error;
  return new LxmlsTrainerError(code, error.what, {
    fn,
    argument: 'dir',
    ...(error.expected === undefined ? {} : { expected: error.expected }),
    ...(error.received === undefined ? {} : { received: error.received }),
    cause: error,
  });
}

/** A folder that holds a checkpoint (or nothing): only its files and the commit marker, no subfolder. */
const isCheckpointFolder = (entries: readonly string[]) =>
  entries.every((e) => e === COMMIT_FILE || (CHECKPOINT_FILES as readonly string[]).includes(e));

/**
 * Writes a checkpoint's files into a folder (created if needed), the whole folder at once (see above): an
 * existing checkpoint in the folder is replaced, and kept until the new one is complete.
 *
 * @param dir - The folder.
 * @param files - The files of {@link saveCheckpoint}.
 * @returns The paths written, in order.
 * @throws {@link LxmlsTrainerError} `NOT_SUPPORTED` outside Node; `INVALID_ARGUMENT` for bad files, or a
 *   folder that cannot be written or holds anything but a checkpoint (naming it). File-system errors
 *   (permissions, a full disk) are passed on, and the temporary folder is removed.
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { readCheckpoint, saveCheckpoint, writeCheckpoint } from '@lxmls/trainer';
 * import { mkdtemp, readdir, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const dir = join(await mkdtemp(join(tmpdir(), 'lxmls-')), 'ckpt');
 * await writeCheckpoint(dir, saveCheckpoint({ model: new Linear(2, 2), iterNum: 100 }));
 * console.log((await readdir(dir)).sort()); // → [ '.lxmls-commit.json', 'model.safetensors', 'optimizer.safetensors', 'trainer.json' ]
 * console.log(JSON.parse((await readCheckpoint(dir))['trainer.json']).iterNum); // → 100
 * await rm(join(dir, '..'), { recursive: true });
 * ```
 */
export async function writeCheckpoint(dir: string, files: CheckpointFiles): Promise<string[]> {
  const fn = 'writeCheckpoint';
  checkEnvironment(fn, dir);
  for (const name of CHECKPOINT_FILES) {
    const content = (files as unknown as Record<string, unknown> | null)?.[name];
    if (!(content instanceof Uint8Array) && typeof content !== 'string')
      check.fail(
        fn,
        `files['${name}']`,
        content,
        `files['${name}'] is missing`,
        'the files of saveCheckpoint',
      );
  }
  try {
    return await writeFolderAtomic(
      dir,
      Object.fromEntries(CHECKPOINT_FILES.map((name) => [name, files[name]])),
      { overwrite: true, replaceable: isCheckpointFolder, fn },
    );
  } catch (error) {
    throw asTrainerError(error, fn, 'INVALID_ARGUMENT');
  }
}

/**
 * Reads the files of a checkpoint folder written by {@link writeCheckpoint}; pass them to
 * `loadCheckpoint(trainer, files)` (which checks that they belong together).
 *
 * @param dir - The folder.
 * @returns The three files.
 * @throws {@link LxmlsTrainerError} `NOT_SUPPORTED` outside Node; `INVALID_CHECKPOINT` when a file is
 *   missing, or does not match the folder's commit marker (naming it).
 * @example
 * ```ts
 * import { readCheckpoint } from '@lxmls/trainer';
 * try {
 *   await readCheckpoint('/nonexistent/checkpoint');
 * } catch (e) {
 *   console.log((e as { code?: string }).code); // → INVALID_CHECKPOINT
 * }
 * ```
 */
export async function readCheckpoint(dir: string): Promise<CheckpointFiles> {
  const fn = 'readCheckpoint';
  checkEnvironment(fn, dir);
  try {
    await checkFolderCommit(dir, fn); // puts back a checkpoint set aside by an interrupted write, then checks sizes
  } catch (error) {
    throw asTrainerError(error, fn, 'INVALID_CHECKPOINT');
  }
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await fs.readFile(join(dir, name));
    } catch (cause) {
      check.fail(fn, name, undefined, `${name} cannot be read`, `a file ${join(dir, name)}`, {
        code: 'INVALID_CHECKPOINT',
        received: (cause as NodeJS.ErrnoException).code ?? String(cause),
        cause,
      });
    }
  };
  // one after the other, so a missing file is always reported in the order of CHECKPOINT_FILES
  const files: Buffer[] = [];
  for (const name of CHECKPOINT_FILES) files.push(await read(name));
  const [model, optimizer, trainer] = files;
  return {
    'model.safetensors': new Uint8Array(model!.buffer, model!.byteOffset, model!.byteLength),
    'optimizer.safetensors': new Uint8Array(optimizer!.buffer, optimizer!.byteOffset, optimizer!.byteLength),
    'trainer.json': trainer!.toString('utf8'),
  };
}
