/**
 * Checkpoint folders in Node: {@link writeCheckpoint} and {@link readCheckpoint}.
 *
 * Each file is written to a temporary name in the same folder, flushed to disk (`fsync`) and renamed over
 * the old one, so a crash mid-write never leaves a truncated file; `trainer.json` is written last and holds
 * the size and hash of the two others, so a folder caught between two renames is refused on load instead of
 * resuming from a mix. `node:fs` is imported dynamically, so the package still loads in browsers (where
 * these two functions throw `NOT_SUPPORTED`; offer the bytes of `saveCheckpoint` as downloads instead).
 */

import { CHECKPOINT_FILES, type CheckpointFiles } from './checkpoint.js';
import { describe, LxmlsTrainerError } from './errors.js';

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
  if (typeof dir !== 'string' || dir === '') {
    throw new LxmlsTrainerError('INVALID_ARGUMENT', 'dir is not a folder path', {
      fn,
      argument: 'dir',
      expected: 'a non-empty string',
      received: describe(dir),
    });
  }
}

let counter = 0;

/**
 * Writes a checkpoint's files into a folder (created if needed), each atomically: temporary file, `fsync`,
 * rename; `trainer.json` last. An existing checkpoint in the folder is replaced.
 *
 * @param dir - The folder.
 * @param files - The files of {@link saveCheckpoint}.
 * @returns The paths written, in order.
 * @throws {@link LxmlsTrainerError} `NOT_SUPPORTED` outside Node; `INVALID_ARGUMENT` for a bad folder or
 *   files. File-system errors (permissions, a full disk) are passed on, and the temporary file is removed.
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { readCheckpoint, saveCheckpoint, writeCheckpoint } from '@lxmls/trainer';
 * import { mkdtemp, readdir, rm } from 'node:fs/promises';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * const dir = join(await mkdtemp(join(tmpdir(), 'lxmls-')), 'ckpt');
 * await writeCheckpoint(dir, saveCheckpoint({ model: new Linear(2, 2), iterNum: 100 }));
 * console.log((await readdir(dir)).sort()); // → [ 'model.safetensors', 'optimizer.safetensors', 'trainer.json' ]
 * console.log(JSON.parse((await readCheckpoint(dir))['trainer.json']).iterNum); // → 100
 * await rm(join(dir, '..'), { recursive: true });
 * ```
 */
export async function writeCheckpoint(dir: string, files: CheckpointFiles): Promise<string[]> {
  const fn = 'writeCheckpoint';
  checkEnvironment(fn, dir);
  for (const name of CHECKPOINT_FILES) {
    const content = (files as unknown as Record<string, unknown> | null)?.[name];
    if (!(content instanceof Uint8Array) && typeof content !== 'string') {
      throw new LxmlsTrainerError('INVALID_ARGUMENT', `files['${name}'] is missing`, {
        fn,
        argument: `files['${name}']`,
        expected: 'the files of saveCheckpoint',
        received: describe(content),
      });
    }
  }
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const name of CHECKPOINT_FILES) {
    const path = join(dir, name);
    const temp = join(dir, `.${name}.${process.pid}.${Date.now()}.${counter++}.tmp`);
    const handle = await fs.open(temp, 'w');
    try {
      try {
        await handle.writeFile(files[name]);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(temp, path);
    } catch (error) {
      await fs.rm(temp, { force: true });
      throw error;
    }
    written.push(path);
  }
  return written;
}

/**
 * Reads the files of a checkpoint folder written by {@link writeCheckpoint}; pass them to
 * `loadCheckpoint(trainer, files)` (which checks that they belong together).
 *
 * @param dir - The folder.
 * @returns The three files.
 * @throws {@link LxmlsTrainerError} `NOT_SUPPORTED` outside Node; `INVALID_CHECKPOINT` when a file is
 *   missing (naming it).
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
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  const read = async (name: string): Promise<Buffer> => {
    try {
      return await fs.readFile(join(dir, name));
    } catch (cause) {
      throw new LxmlsTrainerError('INVALID_CHECKPOINT', `${name} cannot be read`, {
        fn,
        argument: name,
        expected: `a file ${join(dir, name)}`,
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
