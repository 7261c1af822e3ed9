/**
 * Loading the GPT that `lxmls generate` and `lxmls info` run: `GPT.fromPretrained(--model)` (a folder, a URL,
 * or a hub id downloaded once into the cache), with download progress on stderr when stderr is a terminal,
 * and every problem with the source turned into one clear line and exit code 2.
 *
 * Follows `GPT.from_pretrained(model_type)` of the toolkit (spec §2.9) and Exercise 3.2 of the notebook, which
 * shows the download bars (`Downloading model.safetensors: 0%| | 0.00/548M`) and then calls `model.eval()`.
 */

import type { DownloadProgress } from '@lxmls/gpt';
import { GPT, LxmlsGptError } from '@lxmls/gpt';
import { CliError } from './errors.js';

/** Node's system errors that mean the path given cannot be read (not a bug of ours). */
const UNREADABLE = new Set(['EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EMFILE']);

/**
 * Turns the errors of @lxmls/gpt and the file system that a user can fix into a {@link CliError} (exit code 2)
 * with the same message; other errors are returned as they are (they are internal errors).
 *
 * @param error - What was thrown while loading or running the model.
 * @param source - The `--model` value, named in file-system errors.
 * @returns The error to throw.
 * @example
 * ```ts
 * import { GPT } from '@lxmls/gpt';
 * import { asCliError } from './load-model.js';
 * const error = (await GPT.fromPretrained('gpt3').catch((e: unknown) => asCliError(e, 'gpt3'))) as Error;
 * console.log(error.name, error.message.split('. ')[0]); // → CliError [@lxmls/gpt] resolveSource: the source is not a folder, a URL or a known hub model
 * ```
 */
export function asCliError(error: unknown, source: string): unknown {
  if (LxmlsGptError.isInstance(error)) return new CliError(error.message);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && UNREADABLE.has(code)) {
    return new CliError(`cannot read the model ${JSON.stringify(source)}: ${(error as Error).message}`);
  }
  return error;
}

/**
 * Loads `--model` in eval mode (dropout off), as the notebook's `GPT.from_pretrained(...)` then `model.eval()`.
 *
 * @param source - A checkpoint folder (`config.json` + `model.safetensors`), an http(s) URL of one, or a hub
 *   id (`gpt2`, …). `LXMLS_HUB_URL` and `LXMLS_CACHE_DIR` are read by @lxmls/gpt.
 * @param stderr - Where download progress goes, only when it is a terminal (`isTTY`).
 * @returns The model.
 * @throws {@link CliError} for an unknown model id, a missing folder or file, a truncated or corrupt
 *   safetensors file, a config that does not fit the weights (the key and both shapes named), a failed download.
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { loadModel } from './load-model.js';
 * const error = await loadModel('./no/such/folder', new PassThrough()).catch((e: unknown) => e as Error);
 * console.log(error.name, error.message.includes('there is no checkpoint folder at this path')); // → CliError true
 * ```
 */
export async function loadModel(source: string, stderr: NodeJS.WritableStream): Promise<GPT> {
  const progress = (stderr as { isTTY?: boolean }).isTTY === true ? progressLine(stderr) : undefined;
  try {
    const model = await GPT.fromPretrained(source, progress ? { onProgress: progress.update } : {});
    return model.eval();
  } catch (error) {
    throw asCliError(error, source);
  } finally {
    progress?.end();
  }
}

/** One self-overwriting line per downloaded file: `downloading model.safetensors: 12.3 / 548.1 MB (2%)`. */
function progressLine(stderr: NodeJS.WritableStream): {
  update: (event: DownloadProgress) => void;
  end: () => void;
} {
  let open = false;
  let last = 0;
  const mb = (bytes: number) => (bytes / 1e6).toFixed(1);
  return {
    update(event) {
      if (event.fromCache) return;
      const done = event.total !== null && event.loaded >= event.total;
      const now = Date.now();
      if (!done && event.loaded > 0 && now - last < 100) return; // at most 10 updates a second
      last = now;
      const size =
        event.total === null
          ? `${mb(event.loaded)} MB`
          : `${mb(event.loaded)} / ${mb(event.total)} MB (${Math.floor((100 * event.loaded) / Math.max(1, event.total))}%)`;
      stderr.write(`\rdownloading ${event.file}: ${size}${done ? '\n' : ''}`);
      open = !done;
    },
    end() {
      if (open) stderr.write('\n');
      open = false;
    },
  };
}
