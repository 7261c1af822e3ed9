/**
 * Loading the GPT that `lxmls generate` and `lxmls info` run: `GPT.fromPretrained(--model)` (a folder, a URL,
 * or a hub id downloaded once into the cache), with download progress on stderr when stderr is a terminal,
 * and every problem with the source turned into one clear line and exit code 2.
 *
 * Follows `GPT.from_pretrained(model_type)` of the toolkit (docs/course-behaviour.md §2.9) and Exercise 3.2 of the notebook, which
 * shows the download bars (`Downloading model.safetensors: 0%| | 0.00/548M`) and then calls `model.eval()`.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DownloadProgress } from '@lxmls/gpt';
import { GPT, hubModelId, LxmlsGptError } from '@lxmls/gpt';
import { findModel, MODELS, modelUrl } from '@lxmls/models';
import { CliError, oneLine } from './errors.js';

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
 * The `--model` value as `GPT.fromPretrained` takes it: a model of @lxmls/models (`lxmls/gpt2-shakespeare`,
 * `lxmls/weather-nano`, `lxmls/shakespeare-char`, …) becomes the path of its folder in the installed package;
 * anything else (a folder, a URL, a hub id) is returned as it is. A folder that exists with the model's name wins.
 *
 * @param source - The `--model` value.
 * @returns The source to load.
 * @example
 * ```ts
 * import { resolveModelSource } from './load-model.js';
 * console.log(resolveModelSource('lxmls/gpt2-shakespeare').endsWith('models/gpt2-shakespeare/'), resolveModelSource('gpt2')); // → true gpt2
 * ```
 */
export function resolveModelSource(source: string): string {
  if (findModel(source)?.name !== source || existsSync(source)) return source; // full names only
  return fileURLToPath(modelUrl(source));
}

/**
 * What to do offline instead of a hub download: the text-generation model of @lxmls/models with GPT-2's
 * tokenizer, and the local-folder route. One sentence, for the end of an error line.
 *
 * @returns The sentence.
 * @example
 * ```ts
 * import { offlineRoute } from './load-model.js';
 * console.log(offlineRoute().includes('--model lxmls/gpt2-shakespeare')); // → true
 * ```
 */
export function offlineRoute(): string {
  const local =
    'or a GPT-2 checkpoint on disk: --model /path/to/a/gpt2/folder (config.json + model.safetensors)';
  const bundled = MODELS.find((m) => m.task === 'text-generation' && m.tokenizer === 'gpt2');
  return bundled === undefined
    ? `Offline, use ${local.slice(3)}.`
    : `Offline, use the model shipped with lxmls, ${bundled.name} (GPT-2's tokenizer, trained here on tinyshakespeare): --model ${bundled.name}, ${local}.`;
}

/**
 * Loads `--model` in eval mode (dropout off), as the notebook's `GPT.from_pretrained(...)` then `model.eval()`.
 *
 * @param source - A checkpoint folder (`config.json` + `model.safetensors`), an http(s) URL of one, a hub
 *   id (`gpt2`, …), or a model of @lxmls/models (`lxmls/gpt2-shakespeare`, see {@link resolveModelSource}). `LXMLS_HUB_URL` and `LXMLS_CACHE_DIR` are read by @lxmls/gpt.
 * @param stderr - Where download progress goes, only when it is a terminal (`isTTY`), and the warnings of
 *   @lxmls/hub (a cached file that was invalid, moved aside and fetched again; a retry), always.
 * @param options - `refresh`: fetch the files again even when cached (`--refresh`; also `LXMLS_REFRESH=1`).
 * @returns The model.
 * @throws {@link CliError} for an unknown model id, a missing folder or file, a truncated or corrupt
 *   safetensors file, a config that does not fit the weights (the key and both shapes named), a failed download
 *   (for a hub id, the line ends with {@link offlineRoute}: the shipped model and the local-folder route).
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { loadModel } from './load-model.js';
 * const error = await loadModel('./no/such/folder', new PassThrough()).then(() => new Error('loaded'), (e: unknown) => e as Error);
 * console.log(error.name, error.message.includes('there is no checkpoint folder at this path')); // → CliError true
 * ```
 */
export async function loadModel(
  source: string,
  stderr: NodeJS.WritableStream,
  options: { refresh?: boolean } = {},
): Promise<GPT> {
  const progress = (stderr as { isTTY?: boolean }).isTTY === true ? progressLine(stderr) : undefined;
  try {
    const model = await GPT.fromPretrained(resolveModelSource(source), {
      ...(progress ? { onProgress: progress.update } : {}),
      ...(options.refresh === true ? { refresh: true } : {}),
      // a bad cached file is said (naming it); retries are not, so that a failure stays one line
      onWarning: (warning) => {
        if (warning.code !== 'CACHE_INVALID') return;
        progress?.end();
        stderr.write(`warning: ${oneLine(warning.message)}\n`);
      },
    });
    return model.eval();
  } catch (error) {
    if (LxmlsGptError.isInstance(error) && hubModelId(source) !== null && !existsSync(source)) {
      const unreachable = error.code === 'DOWNLOAD_FAILED' || error.code === 'NOT_FOUND';
      if (unreachable) throw new CliError(`${error.message} ${offlineRoute()}`);
    }
    if (LxmlsGptError.isInstance(error) && error.code === 'UNKNOWN_MODEL') {
      // @lxmls/gpt knows folders, URLs and hub ids; the names of @lxmls/models are resolved here
      const shipped = MODELS.filter((m) => m.architecture === 'gpt2').map((m) => m.name);
      throw new CliError(`${error.message} Or a model shipped with lxmls: ${shipped.join(', ')}.`);
    }
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
