/**
 * Fetching one file over HTTP(S), through the cache, with limits (issue 17, "downloads with limits, as the
 * best clients do"), progress and cancellation.
 *
 * - **Size**: a limit per file (`maxBytes`; by default the runtime's largest array for weights, 256 MiB for
 *   other files), checked against `Content-Length` before the body is read and against the bytes received
 *   while streaming; an encoded body (`Content-Encoding: gzip`, which `fetch` decodes) may grow at most
 *   `maxCompressionRatio` times its size on the wire, so a gzip bomb stops after a few megabytes.
 * - **Time**: `connectTimeoutMs` until the response headers arrive, `idleTimeoutMs` between two chunks.
 * - **Redirects**: followed one by one under the policy of network.ts (same origin, allowed hosts, never to
 *   private or link-local addresses, never https → http), at most `maxRedirects`.
 * - **Credentials**: `user:pass@` in a URL becomes a Basic `Authorization` header for that origin only, a
 *   `token` (or `$HF_TOKEN`) a Bearer header for the start origin only; messages never show them.
 * - **Retries**: HTTP 408/429/5xx and broken connections (reset, timed out) are tried again (`retries`, with
 *   a doubling `retryDelayMs`); a 404, a refused connection, an unknown host, a refused redirect, a limit or
 *   an invalid file are not.
 * - **Validation**: the body must match `Content-Length` (and the hub's `X-Linked-Size` and, for its large
 *   files, the SHA-256 of `X-Linked-Etag`), and pass
 *   {@link fileProblem}, before it is committed to the cache; a cached file is validated before use and moved
 *   aside when bad (`onWarning` says so, naming the cached path), then fetched again unless offline.
 *
 * The progress events follow transformers.js's `progress_callback` (file, loaded, total).
 * (Moved here from @lxmls/gpt's `checkpoint/download.ts` and extended, issues 13 and 17.)
 *
 * Over 500 lines on purpose: one download is one sequence (request, redirects, status, sizes, body, validation,
 * commit) whose steps share its timers, its abort controller and its cache writer; split into files, they
 * would pass a dozen values around. The redirect rules (network.ts), the cache (cache.ts) and the file checks
 * (validate.ts) are apart.
 */

import { type CacheWriter, type FileCache, selectCache } from './cache.js';
import { check, LxmlsHubError } from './errors.js';
import { type RedirectPolicy, redirectProblem } from './network.js';
import { redactUrl } from './redact.js';
import { envFlag, envVar, isNode, runtimeMaxBytes } from './runtime.js';
import { fileProblem } from './validate.js';

/** One progress event of a file download (or of a file found in the cache). */
export interface DownloadProgress {
  /** The file name, e.g. `model.safetensors`. */
  file: string;
  /** The URL it comes from (redacted: no credentials). */
  url: string;
  /** Bytes received so far. */
  loaded: number;
  /** The size announced by the server (`Content-Length`), or `null` when it announced none. */
  total: number | null;
  /** True when the file came from the cache (one event, with `loaded === total`). */
  fromCache: boolean;
}

/** Something a caller may want to tell its user, without an error: a cached file that was bad, a retry. */
export interface HubWarning {
  /** `CACHE_INVALID`: a cached file failed validation and was moved aside; `RETRY`: a transient failure. */
  code: 'CACHE_INVALID' | 'RETRY';
  /** One line, redacted. */
  message: string;
  /** The cached file concerned, if any. */
  path?: string;
}

/** The default idle and connect timeouts, in milliseconds. */
export const DEFAULT_TIMEOUTS = { connectTimeoutMs: 30_000, idleTimeoutMs: 60_000 } as const;

/** The default size limit of a file that is not a weights file (`.json`, `.txt`, ...): 256 MiB. */
export const DEFAULT_MAX_TEXT_BYTES = 256 * 1024 * 1024;

/** The default growth allowed to an encoded (compressed) body: 100 times its size on the wire. */
export const DEFAULT_MAX_COMPRESSION_RATIO = 100;

/** Options of a download: the network, its limits, the cache, progress and cancellation. */
export interface DownloadOptions extends RedirectPolicy {
  /** The `fetch` to use (default: the global one), e.g. one that adds a header. */
  fetch?: typeof fetch;
  /** Cancels the download; the promise then rejects with `signal.reason` (an `AbortError` by default). */
  signal?: AbortSignal;
  /** Called when a download starts (`loaded: 0`), as bytes arrive, and once for a file found in the cache. */
  onProgress?: (progress: DownloadProgress) => void;
  /** Called for a cached file that was bad (and moved aside) and before a retry. */
  onWarning?: (warning: HubWarning) => void;
  /**
   * Never use the network: a file that is not in the cache is `NOT_FOUND` (transformers.js's
   * `local_files_only`). @defaultValue true when `$LXMLS_OFFLINE` or `$HF_HUB_OFFLINE` is `1`/`true`
   */
  localOnly?: boolean;
  /** The same as `localOnly` (the name @lxmls/gpt used). */
  offline?: boolean;
  /** Use the cache (read and write it). @defaultValue true */
  cache?: boolean;
  /** The cache folder in Node. @defaultValue {@link @lxmls/hub!defaultCacheDir}() */
  cacheDir?: string;
  /** Fetch again even when a cached copy exists (and replace it). @defaultValue true when `$LXMLS_REFRESH` is `1` */
  refresh?: boolean;
  /**
   * The largest file accepted, in bytes (decoded). @defaultValue the runtime's largest array for
   * `.safetensors`/`.bin`/`.onnx`/`.gguf`/`.pt` files (4 GiB in Node 20), else {@link DEFAULT_MAX_TEXT_BYTES}
   */
  maxBytes?: number;
  /** The exact size the file must have, when known beforehand (a manifest, the hub's listing). */
  expectedSize?: number;
  /** An encoded body may grow at most this many times its size on the wire. @defaultValue 100 */
  maxCompressionRatio?: number;
  /** Milliseconds to wait for the response headers. @defaultValue 30000 */
  connectTimeoutMs?: number;
  /** Milliseconds to wait for the next chunk of the body. @defaultValue 60000 */
  idleTimeoutMs?: number;
  /** Tries after a transient failure (HTTP 408, 429, 5xx, a broken connection). @defaultValue 2 */
  retries?: number;
  /** The wait before the first retry, doubled for each next one. @defaultValue 500 */
  retryDelayMs?: number;
  /** The most redirects followed for one file. @defaultValue 5 */
  maxRedirects?: number;
  /** A bearer token for the hub, sent to the start URL's origin only. @defaultValue `$HF_TOKEN` */
  token?: string;
  /** Validate the file ({@link @lxmls/hub!fileProblem}) before committing it and before using a cached copy. @defaultValue true */
  validate?: boolean;
  /** The name used in progress events and messages. @defaultValue the URL's last path segment */
  file?: string;
}

const WEIGHT_FILE = /\.(safetensors|bin|onnx|gguf|pt|pth|h5|msgpack)$/i;

/** Rethrows the abort reason when `signal` has fired; otherwise does nothing. */
function rethrowIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason;
}

/** Whether a download should use the network: `localOnly`/`offline`, else the environment. */
export function isOffline(options: { localOnly?: boolean; offline?: boolean }): boolean {
  return options.localOnly ?? options.offline ?? (envFlag('LXMLS_OFFLINE') || envFlag('HF_HUB_OFFLINE'));
}

/** The file name of a URL: its last path segment, decoded. */
function fileOf(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/\/+$/, '');
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last) || url;
  } catch {
    return last || url;
  }
}

/** A failure that a retry may cure. */
class Transient extends Error {
  constructor(readonly error: LxmlsHubError) {
    super(error.message);
  }
}

/** What one download works with. */
interface Context {
  fn: string;
  file: string;
  url: string;
  shown: string;
  options: DownloadOptions;
  limit: number;
  runtimeLimit: number;
}

/**
 * Fetches `url` through the cache: a valid cached copy is returned without any request; otherwise the file
 * is downloaded within the limits, checked against its announced size and validated, stored, and returned.
 *
 * @param url - An absolute http(s) URL (or, in a browser, any URL `fetch` takes).
 * @param options - {@link DownloadOptions}.
 * @returns The file's bytes.
 * @throws {@link LxmlsHubError} `NOT_FOUND` (HTTP 404, or offline and not cached), `DOWNLOAD_FAILED` (no
 *   connection, another HTTP status, a body shorter than announced), `TOO_LARGE`, `TIMEOUT`,
 *   `REDIRECT_REFUSED`, `INVALID_FILE` (not a valid file of its kind; offline with a bad cached copy);
 *   `signal.reason` when aborted. Every message names the URL (redacted) and the limit at stake.
 * @example
 * ```ts
 * import { fetchFile } from '@lxmls/hub';
 * const served = (body: string) => async () => new Response(body, { headers: { 'content-length': String(body.length) } });
 * const bytes = await fetchFile('http://127.0.0.1:9/config.json', { fetch: served('{"n_layer": 3}'), cache: false });
 * console.log(new TextDecoder().decode(bytes)); // → {"n_layer": 3}
 * const error = await fetchFile('http://127.0.0.1:9/config.json', { fetch: served('<html>Sign in</html>'), cache: false })
 *   .catch((e: Error) => e);
 * console.log((error as Error).message);
 * // → [@lxmls/hub] fetchFile: config.json is not a valid .json file. Expected a valid file from http://127.0.0.1:9/config.json, received it is not JSON (it starts with "<html>Sign in</html>": an HTML page?).
 * ```
 */
export async function fetchFile(url: string, options: DownloadOptions = {}): Promise<Uint8Array> {
  const fn = 'fetchFile';
  if (typeof url !== 'string' || url === '')
    check.fail(fn, 'url', undefined, 'url must be a URL', 'a non-empty string', {
      received: url === '' ? 'an empty string' : typeof url,
    });
  const { signal, onProgress } = options;
  rethrowIfAborted(signal);
  const file = options.file ?? fileOf(url);
  const runtimeLimit = await runtimeMaxBytes();
  const limit = Math.min(
    options.maxBytes ?? (WEIGHT_FILE.test(file) ? runtimeLimit : DEFAULT_MAX_TEXT_BYTES),
    runtimeLimit,
  );
  const ctx: Context = { fn, file, url, shown: redactUrl(url), options, limit, runtimeLimit };
  const cache = selectCache(options);
  const offline = isOffline(options);
  const refresh = options.refresh ?? envFlag('LXMLS_REFRESH');

  if (cache !== null && !refresh) {
    const cached = await fromCache(cache, ctx, offline);
    if (cached !== null) {
      onProgress?.({
        file,
        url: ctx.shown,
        loaded: cached.byteLength,
        total: cached.byteLength,
        fromCache: true,
      });
      return cached;
    }
  }
  if (offline) {
    check.fail(
      fn,
      'options.localOnly',
      undefined,
      `${file} is not in the cache and the network is off`,
      `a cached copy of ${url}${cache === null ? ' (the cache is off)' : ''}`,
      { code: 'NOT_FOUND', received: 'none', details: { url } },
    );
  }

  const retries = Math.max(0, Math.floor(options.retries ?? 2));
  let delay = Math.max(0, options.retryDelayMs ?? 500);
  for (let attempt = 0; ; attempt++) {
    try {
      return await downloadOnce(ctx, cache);
    } catch (error) {
      rethrowIfAborted(signal);
      if (!(error instanceof Transient)) throw error;
      if (attempt >= retries) throw error.error;
      options.onWarning?.({
        code: 'RETRY',
        message: `${error.error.message} Trying again in ${delay} ms (${attempt + 1} of ${retries}).`,
      });
      await sleep(delay, signal);
      delay *= 2;
    }
  }
}

/** A valid cached copy, or `null` (none, unreadable, or bad: then moved aside, or an error when offline). */
async function fromCache(cache: FileCache, ctx: Context, offline: boolean): Promise<Uint8Array | null> {
  const { file, fn, url, options } = ctx;
  const tooLarge = (size: number, limit: number) => tooLargeError(ctx, size, limit, 'cached');
  let cached: Awaited<ReturnType<FileCache['get']>>;
  try {
    cached = await cache.get(url, tooLarge, ctx.limit);
  } catch (error) {
    // An unreadable cache entry counts as absent (it is downloaded again), but a file too large stays an error.
    if (LxmlsHubError.isInstance(error)) throw error;
    return null;
  }
  if (cached === null) return null;
  const problem =
    options.expectedSize !== undefined && cached.bytes.byteLength !== options.expectedSize
      ? `it is ${cached.bytes.byteLength} bytes, not the expected ${options.expectedSize}`
      : options.validate === false
        ? null
        : fileProblem(file, cached.bytes);
  if (problem === null) return cached.bytes;
  const where = cached.path ?? cache.where(url);
  const aside = await cache.quarantine(url).catch(() => null);
  const moved = aside === null ? 'removed it' : `moved it to ${aside}`;
  options.onWarning?.({
    code: 'CACHE_INVALID',
    message: `the cached ${file} at ${where} is invalid (${problem}); ${moved}${offline ? '' : ', fetching it again'}`,
    path: where,
  });
  if (offline) {
    check.fail(
      fn,
      'options.localOnly',
      undefined,
      `the cached ${file} is invalid and the network is off`,
      `a valid ${file} at ${where}`,
      {
        code: 'INVALID_FILE',
        received: problem,
        hint: `It was ${moved}; run again online to fetch it.`,
        details: { url, path: where },
      },
    );
  }
  return null;
}

function tooLargeError(ctx: Context, size: number, limit: number, how: 'announced' | 'cached' | 'streamed') {
  const { fn, file, url } = ctx;
  const received = how === 'streamed' ? `more than ${limit} bytes` : `${size} bytes`;
  if (limit >= ctx.runtimeLimit) {
    return new LxmlsHubError('TOO_LARGE', `${file} is too large to hold in memory in this runtime`, {
      fn,
      argument: 'url',
      expected: `a file that fits in one typed array (at most ${limit} bytes here) from ${url}`,
      received,
      hint: 'Checkpoints above 4 GiB (gpt2-xl) cannot be loaded yet; gpt2, gpt2-medium and gpt2-large can.',
      url,
    });
  }
  return new LxmlsHubError('TOO_LARGE', `${file} is larger than the size limit`, {
    fn,
    argument: 'options.maxBytes',
    expected: `at most ${limit} bytes (maxBytes) from ${url}`,
    received: how === 'announced' ? `${received} announced by Content-Length` : received,
    url,
  });
}

/** Waits `ms`, or rejects with the abort reason. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ms === 0) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      signal?.removeEventListener('abort', abort);
      resolve();
    }
    function abort() {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener('abort', abort, { once: true });
  });
}

/** The addresses a host name resolves to, in Node (empty elsewhere, for IP literals, or on failure). */
async function resolveHost(host: string): Promise<string[]> {
  if (!isNode() || /^[\d.]+$|:/.test(host)) return [];
  try {
    const dns = await import('node:dns/promises');
    return (await dns.lookup(host, { all: true })).map((a) => a.address);
  } catch {
    return [];
  }
}

/** A URL without `user:pass@`, and the Basic header it carried. */
function splitCredentials(url: URL): { bare: string; basic: string | null } {
  if (url.username === '' && url.password === '') return { bare: url.href, basic: null };
  const bare = new URL(url.href);
  const user = decodeURIComponent(url.username);
  const pass = decodeURIComponent(url.password);
  bare.username = '';
  bare.password = '';
  const bytes = new TextEncoder().encode(`${user}:${pass}`);
  const basic = btoa(String.fromCharCode(...bytes));
  return { bare: bare.href, basic };
}

/** One try: request (following redirects), check, read within the limits, validate, commit. */
async function downloadOnce(ctx: Context, cache: FileCache | null): Promise<Uint8Array> {
  const { fn, file, url, options } = ctx;
  const controller = new AbortController();
  const userSignal = options.signal;
  const onAbort = () => controller.abort(userSignal?.reason);
  userSignal?.addEventListener('abort', onAbort, { once: true });
  let timedOut: 'connect' | 'idle' | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = (kind: 'connect' | 'idle', ms: number, onFire?: () => void) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = kind;
      onFire?.();
      controller.abort(new DOMException('timed out', 'TimeoutError'));
    }, ms);
  };
  const connectMs = options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectTimeoutMs;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_TIMEOUTS.idleTimeoutMs;
  const timeoutError = (loaded: number) =>
    timedOut === 'connect'
      ? new LxmlsHubError('TIMEOUT', `no response for ${file}`, {
          fn,
          argument: 'options.connectTimeoutMs',
          expected: `the response headers of ${url} within ${connectMs} ms (connectTimeoutMs)`,
          received: 'nothing',
          url,
        })
      : new LxmlsHubError('TIMEOUT', `the download of ${file} stalled`, {
          fn,
          argument: 'options.idleTimeoutMs',
          expected: `the next bytes of ${url} within ${idleMs} ms (idleTimeoutMs)`,
          received: `nothing more after ${loaded} bytes`,
          url,
        });

  let writer: CacheWriter | null = null;
  try {
    let response: Response;
    let linkedSize: number | null = null;
    let linkedSha256: string | null = null; // the hub's X-Linked-Etag of a large (LFS) file: its SHA-256
    let current: URL;
    try {
      current = new URL(url, typeof location === 'undefined' ? undefined : location.href);
    } catch (error) {
      check.fail(fn, 'url', undefined, 'url is not a valid URL', 'an absolute http(s) URL', {
        received: JSON.stringify(url),
        cause: error,
      });
    }
    const start = current;
    const fetchImpl = options.fetch ?? globalThis.fetch;
    const manual = isNode();
    const token = options.token ?? envVar('HF_TOKEN');
    const maxRedirects = options.maxRedirects ?? 5;
    for (let hop = 0; ; hop++) {
      const { bare, basic } = splitCredentials(current);
      const headers = new Headers({ 'accept-encoding': 'identity' });
      if (current.origin === start.origin) {
        if (basic !== null) headers.set('authorization', `Basic ${basic}`);
        else if (token !== undefined) headers.set('authorization', `Bearer ${token}`);
      }
      arm('connect', connectMs);
      try {
        response = await fetchImpl(bare, {
          signal: controller.signal,
          headers,
          redirect: manual ? 'manual' : 'follow',
        });
      } catch (error) {
        rethrowIfAborted(userSignal);
        if (timedOut !== null) throw timeoutError(0);
        const failed = new LxmlsHubError('DOWNLOAD_FAILED', `could not fetch ${file}`, {
          fn,
          argument: 'url',
          expected: `a response from ${url}`,
          received: `a network error (${networkReason(error)})`,
          url,
          cause: error,
        });
        // a connection that broke may work the next time; one refused, or a name that does not resolve, will not
        throw TRANSIENT_NETWORK.has(networkCode(error) ?? '') ? new Transient(failed) : failed;
      }
      const size = response.headers.get('x-linked-size');
      if (size !== null && /^\d+$/.test(size.trim())) linkedSize = Number(size.trim());
      const etag = /^(?:W\/)?"?([0-9a-f]{64})"?$/i.exec(response.headers.get('x-linked-etag')?.trim() ?? '');
      if (etag) linkedSha256 = etag[1]!.toLowerCase();
      const isRedirect = [301, 302, 303, 307, 308].includes(response.status);
      if (manual && isRedirect) {
        await response.body?.cancel().catch(() => undefined);
        const target = response.headers.get('location');
        if (target === null) {
          check.fail(
            fn,
            'url',
            undefined,
            `the server redirected ${file} nowhere`,
            `a Location header in the HTTP ${response.status} of ${current.href}`,
            { code: 'DOWNLOAD_FAILED', received: 'none', details: { url } },
          );
        }
        let to: URL;
        try {
          to = new URL(target, current);
        } catch (error) {
          check.fail(
            fn,
            'url',
            undefined,
            `the redirect of ${file} is not a valid URL`,
            `a valid Location from ${current.href}`,
            { code: 'REDIRECT_REFUSED', received: JSON.stringify(target), cause: error, details: { url } },
          );
        }
        const refuse = (why: string, argument: string) =>
          new LxmlsHubError('REDIRECT_REFUSED', `the redirect of ${file} was not followed`, {
            fn,
            argument,
            expected: `a redirect of ${current.href} that the policy allows`,
            received: `${to.href}: ${why}`,
            hint: 'Allow a host with allowRedirectHosts, private addresses with allowPrivateNetwork.',
            url,
          });
        if (hop >= maxRedirects) throw refuse(`more than ${maxRedirects} redirects`, 'options.maxRedirects');
        const problem = redirectProblem(start, current, to, options, await resolveHost(to.hostname));
        if (problem !== null) throw refuse(problem, 'options.allowRedirectHosts');
        current = to;
        continue;
      }
      if (!manual && response.redirected && response.url !== '') {
        const problem = redirectProblem(start, start, new URL(response.url), options);
        if (problem !== null) {
          await response.body?.cancel().catch(() => undefined);
          check.fail(
            fn,
            'options.allowRedirectHosts',
            undefined,
            `the redirect of ${file} was not followed`,
            `a redirect of ${url} that the policy allows`,
            { code: 'REDIRECT_REFUSED', received: `${response.url}: ${problem}`, details: { url } },
          );
        }
      }
      break;
    }
    clearTimeout(timer);

    if (response.status === 404) {
      await response.body?.cancel().catch(() => undefined);
      check.fail(fn, 'url', undefined, `${file} was not found on the server`, `a file at ${url}`, {
        code: 'NOT_FOUND',
        received: 'HTTP 404 Not Found',
        details: { url },
      });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      const hint =
        response.status === 401 || response.status === 403 ? ' (a private, gated or missing repository)' : '';
      const error = new LxmlsHubError('DOWNLOAD_FAILED', `the server refused ${file}${hint}`, {
        fn,
        argument: 'url',
        expected: `HTTP 200 from ${url}`,
        received: `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`,
        url,
      });
      if ([408, 429, 500, 502, 503, 504].includes(response.status)) throw new Transient(error);
      throw error;
    }

    // The size: Content-Length is the decoded size only without Content-Encoding.
    const encoding = response.headers.get('content-encoding')?.trim().toLowerCase() ?? '';
    const encoded = encoding !== '' && encoding !== 'identity';
    const header = response.headers.get('content-length')?.trim() ?? '';
    const wire = /^\d+$/.test(header) ? Number(header) : null;
    const announced = encoded ? null : wire;
    const expected = options.expectedSize ?? (encoded ? null : linkedSize);
    let limit = ctx.limit;
    let ratioLimited = false;
    if (encoded) {
      const ratio = options.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO;
      const cap = wire === null ? limit : Math.max(1 << 20, wire * ratio);
      if (cap < limit) {
        limit = cap;
        ratioLimited = true;
      }
    }
    const cancel = () => response.body?.cancel().catch(() => undefined);
    if (expected !== null && announced !== null && expected !== announced) {
      await cancel();
      check.fail(
        fn,
        'url',
        undefined,
        `the server announced a wrong size for ${file}`,
        `${expected} bytes from ${url}`,
        { code: 'DOWNLOAD_FAILED', received: `Content-Length ${announced}`, details: { url } },
      );
    }
    const total = announced ?? expected;
    if (total !== null && total > ctx.limit) {
      await cancel();
      throw tooLargeError(ctx, total, ctx.limit, 'announced');
    }
    const overLimit = () =>
      ratioLimited
        ? new LxmlsHubError('TOO_LARGE', `${file} decompresses to more than the limit`, {
            fn,
            argument: 'options.maxCompressionRatio',
            expected: `at most ${limit} bytes (${options.maxCompressionRatio ?? DEFAULT_MAX_COMPRESSION_RATIO} × the ${wire} bytes on the wire, Content-Encoding ${encoding}) from ${url}`,
            received: `more than ${limit} bytes`,
            url,
          })
        : tooLargeError({ ...ctx, limit }, limit + 1, limit, 'streamed');

    writer = tolerant(cache === null ? null : await cache.open(url).catch(() => null));
    const progress = (loaded: number) =>
      options.onProgress?.({ file, url: ctx.shown, loaded, total, fromCache: false });
    let whole: Uint8Array | null = null;
    try {
      whole = total === null ? null : new Uint8Array(total);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      await cancel();
      throw tooLargeError(ctx, total!, ctx.runtimeLimit, 'announced');
    }
    const chunks: Uint8Array[] = [];
    let loaded = 0;
    const broken = (received: string, cause?: unknown) =>
      new LxmlsHubError('DOWNLOAD_FAILED', `the download of ${file} is incomplete`, {
        fn,
        argument: 'url',
        expected: `${total === null ? 'the whole body' : `${total} bytes`} from ${url}`,
        received,
        url,
        cause,
      });
    progress(0);
    if (response.body !== null) {
      const reader = response.body.getReader();
      for (;;) {
        let result: ReadableStreamReadResult<Uint8Array>;
        arm('idle', idleMs, () => void reader.cancel().catch(() => undefined));
        try {
          result = await reader.read();
        } catch (error) {
          rethrowIfAborted(userSignal);
          if (timedOut !== null) throw timeoutError(loaded);
          throw new Transient(broken(`${loaded} bytes before the connection broke`, error));
        } finally {
          clearTimeout(timer);
        }
        if (timedOut !== null) throw timeoutError(loaded);
        if (result.done) break;
        const chunk = result.value;
        if (loaded + chunk.byteLength > limit) {
          await reader.cancel().catch(() => undefined);
          throw overLimit();
        }
        if (whole !== null) {
          if (loaded + chunk.byteLength > whole.byteLength) {
            await reader.cancel().catch(() => undefined);
            throw broken(
              `more bytes than the ${announced === null ? 'hub' : 'Content-Length header'} announced`,
            );
          }
          whole.set(chunk, loaded);
        } else chunks.push(chunk);
        loaded += chunk.byteLength;
        if (writer !== null) await writer.write(chunk);
        progress(loaded);
      }
    }
    let bytes: Uint8Array;
    if (whole !== null) {
      if (loaded < whole.byteLength) throw new Transient(broken(`${loaded} bytes (the body was cut short)`));
      bytes = whole;
    } else {
      bytes = new Uint8Array(loaded);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
    }
    if (linkedSha256 !== null && options.validate !== false) {
      const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
      const hex = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
      if (hex !== linkedSha256) {
        throw new Transient(
          new LxmlsHubError('INVALID_FILE', `${file} does not match the hub's checksum`, {
            fn,
            argument: 'url',
            expected: `SHA-256 ${linkedSha256} (X-Linked-Etag) from ${url}`,
            received: `SHA-256 ${hex}`,
            url,
          }),
        );
      }
    }
    const problem = options.validate === false ? null : fileProblem(file, bytes);
    if (problem !== null) {
      const dot = file.lastIndexOf('.');
      check.fail(
        fn,
        'url',
        undefined,
        `${file} is not a valid ${dot >= 0 ? file.slice(dot) : ''} file`,
        `a valid file from ${url}`,
        { code: 'INVALID_FILE', received: problem, details: { url } },
      );
    }
    await writer?.commit(bytes);
    writer = null;
    return bytes;
  } finally {
    clearTimeout(timer);
    userSignal?.removeEventListener('abort', onAbort);
    await writer?.abort();
  }
}

/** The network errors that a retry may cure (a connection reset or timed out, a DNS server that failed). */
const TRANSIENT_NETWORK = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** The system error code under `fetch`'s `TypeError('fetch failed')` (Node), if any. */
function networkCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

/** The reason of a network error, from `fetch`'s `TypeError('fetch failed')` and its cause. */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause;
  const detail = networkCode(error) ?? (typeof cause?.message === 'string' ? cause.message : undefined);
  const message = (error as Error)?.message ?? String(error);
  return detail === undefined ? message : `${message}: ${detail}`;
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
