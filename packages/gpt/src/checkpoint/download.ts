/**
 * Fetching one checkpoint file over HTTP(S), through the cache, with progress and cancellation.
 *
 * The body is read as a stream: each chunk is reported to `onProgress` and written to the cache entry's
 * temporary file, and the entry is committed only when the body has as many bytes as `Content-Length`
 * announced. A short body, a broken connection or an abort leaves nothing in the cache. The shape of the
 * progress events follows transformers.js's `progress_callback` (file, loaded, total).
 */

import { LxmlsGptError } from '../errors.js';
import { type CacheWriter, selectCache } from './cache.js';
import { envVar, tooLargeError } from './runtime.js';

/** One progress event of a file download (or of a file found in the cache). */
export interface DownloadProgress {
  /** The file name, e.g. `model.safetensors`. */
  file: string;
  /** The URL it comes from. */
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** The size announced by the server (`Content-Length`), or `null` when it announced none. */
  total: number | null;
  /** True when the file came from the cache (one event, with `loaded === total`). */
  fromCache: boolean;
}

/** Options of a download: the network, the cache, progress and cancellation. */
export interface DownloadOptions {
  /** The `fetch` to use (default: the global one), e.g. one that adds an authorization header. */
  fetch?: typeof fetch;
  /** Cancels the download; the promise then rejects with `signal.reason` (an `AbortError` by default). */
  signal?: AbortSignal;
  /** Called when a download starts (`loaded: 0`), as bytes arrive, and once for a file found in the cache. */
  onProgress?: (progress: DownloadProgress) => void;
  /**
   * Never use the network: a file that is not in the cache is `NOT_FOUND`.
   * @defaultValue true when the environment variable `LXMLS_OFFLINE` is `1` or `true`, else false
   */
  offline?: boolean;
  /** Use the cache (read and write it). @defaultValue true */
  cache?: boolean;
  /** The cache folder in Node. @defaultValue {@link defaultCacheDir}() */
  cacheDir?: string;
}

/** The size announced by the response, when it is the size of the body `fetch` returns. */
function announcedSize(response: Response): number | null {
  const encoding = response.headers.get('content-encoding');
  if (encoding !== null && encoding.toLowerCase() !== 'identity') return null; // fetch decodes the body
  const header = response.headers.get('content-length');
  if (header === null || !/^\d+$/.test(header.trim())) return null;
  return Number(header.trim());
}

/** Rethrows the abort reason when `signal` has fired; otherwise does nothing. */
function rethrowIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/**
 * Fetches `url` (a file called `file`) through the cache: a cached copy is returned without any request;
 * otherwise the file is downloaded, checked against `Content-Length`, stored, and returned.
 *
 * @param url - An absolute http(s) URL (or, in a browser, any URL `fetch` takes).
 * @param file - The file name used in progress events and messages.
 * @param options - {@link DownloadOptions}.
 * @param fn - The public function to name in errors.
 * @returns The file's bytes.
 * @throws {@link LxmlsGptError} `NOT_FOUND` (HTTP 404, or offline and not cached), `DOWNLOAD_FAILED` (no
 *   connection, another HTTP status, a body shorter or longer than announced); `signal.reason` when aborted.
 */
export async function fetchFile(
  url: string,
  file: string,
  options: DownloadOptions,
  fn: string,
): Promise<Uint8Array> {
  const { signal, onProgress } = options;
  rethrowIfAborted(signal);
  const cache = selectCache(options);
  const tooLarge = (size: number, limit: number) => tooLargeError(fn, file, size, limit);
  // An unreadable cache entry counts as absent (it is downloaded again), but a file too large stays an error.
  const cached = cache
    ? await cache.get(url, tooLarge).catch((error) => {
        if (LxmlsGptError.isInstance(error)) throw error;
        return null;
      })
    : null;
  if (cached !== null) {
    onProgress?.({ file, url, loaded: cached.byteLength, total: cached.byteLength, fromCache: true });
    return cached;
  }
  const offline = options.offline ?? /^(1|true)$/i.test(envVar('LXMLS_OFFLINE') ?? '');
  if (offline) {
    throw new LxmlsGptError('NOT_FOUND', `${file} is not in the cache and the network is off`, {
      fn,
      argument: 'options.offline',
      expected: `a cached copy of ${url}${cache === null ? ' (the cache is off)' : ''}`,
      received: 'none',
    });
  }

  const fetchImpl = options.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(url, signal ? { signal } : {});
  } catch (error) {
    rethrowIfAborted(signal);
    throw new LxmlsGptError('DOWNLOAD_FAILED', `could not fetch ${file}`, {
      fn,
      argument: 'source',
      expected: `a response from ${url}`,
      received: `a network error (${(error as Error)?.message ?? String(error)})`,
      cause: error,
    });
  }
  if (response.status === 404) {
    await response.body?.cancel().catch(() => undefined);
    throw new LxmlsGptError('NOT_FOUND', `${file} was not found on the server`, {
      fn,
      argument: 'source',
      expected: `a file at ${url}`,
      received: 'HTTP 404 Not Found',
    });
  }
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    const hint =
      response.status === 401 || response.status === 403 ? ' (a private, gated or missing repository)' : '';
    throw new LxmlsGptError('DOWNLOAD_FAILED', `the server refused ${file}${hint}`, {
      fn,
      argument: 'source',
      expected: `HTTP 200 from ${url}`,
      received: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
    });
  }

  const total = announcedSize(response);
  // A cache that cannot be written (read-only, full) only costs speed.
  const writer = tolerant(cache === null ? null : await cache.open(url).catch(() => null));
  try {
    const progress = (loaded: number) => onProgress?.({ file, url, loaded, total, fromCache: false });
    const bytes = await readBody(response, total, progress, writer, { file, url, fn, signal });
    await writer?.commit(bytes);
    return bytes;
  } catch (error) {
    await writer?.abort();
    rethrowIfAborted(signal);
    throw error;
  }
}

/**
 * A cache writer whose failures (a full disk, a read-only cache folder) only turn caching off: the download
 * itself goes on, and a failed entry is removed.
 */
function tolerant(writer: CacheWriter | null): CacheWriter | null {
  if (writer === null) return null;
  let failed = false;
  const fail = async () => {
    failed = true;
    await writer.abort().catch(() => undefined);
  };
  return {
    async write(chunk) {
      if (!failed) await writer.write(chunk).catch(fail);
    },
    async commit(bytes) {
      if (!failed) await writer.commit(bytes).catch(fail);
    },
    async abort() {
      if (!failed) await fail();
    },
  };
}

/** Reads the whole body, chunk by chunk, into one array; checks its length against `total`. */
async function readBody(
  response: Response,
  total: number | null,
  progress: (loaded: number) => void,
  writer: CacheWriter | null,
  where: { file: string; url: string; fn: string; signal: AbortSignal | undefined },
): Promise<Uint8Array> {
  const { file, url, fn } = where;
  const broken = (received: string, cause?: unknown) =>
    new LxmlsGptError('DOWNLOAD_FAILED', `the download of ${file} is incomplete`, {
      fn,
      argument: 'source',
      expected: `${total === null ? 'the whole body' : `${total} bytes`} from ${url}`,
      received,
      cause,
    });
  let whole: Uint8Array | null = null;
  try {
    whole = total === null ? null : new Uint8Array(total);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    await response.body?.cancel().catch(() => undefined);
    throw tooLargeError(fn, file, total!);
  }
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  progress(0);
  if (response.body !== null) {
    const reader = response.body.getReader();
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        rethrowIfAborted(where.signal);
        throw broken(`${loaded} bytes before the connection broke`, error);
      }
      if (result.done) break;
      const chunk = result.value;
      if (whole !== null) {
        if (loaded + chunk.byteLength > whole.byteLength) {
          await reader.cancel().catch(() => undefined);
          throw broken('more bytes than the Content-Length header announced');
        }
        whole.set(chunk, loaded);
      } else chunks.push(chunk);
      loaded += chunk.byteLength;
      if (writer !== null) await writer.write(chunk);
      progress(loaded);
    }
  }
  if (whole !== null) {
    if (loaded < whole.byteLength) throw broken(`${loaded} bytes (the body was cut short)`);
    return whole;
  }
  const out = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
