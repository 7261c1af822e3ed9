// fetchFile against a real HTTP server on 127.0.0.1 (hostile-server.test.helpers.ts) and a real cache folder:
// every failure mode of issue 17 (endless body, gzip bomb, slow drip, silent server, redirects to other hosts
// and to 169.254.169.254, credentials in the URL, truncated body, HTML as config.json) and the cache that heals.
import { readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cachePathForUrl } from './cache.js';
import { type DownloadProgress, fetchFile, type HubWarning } from './download.js';
import { filesUnder, rejection, tempFolderEach } from './folders.test.helpers.js';
import { type HostileServer, safetensors, startHostileServer } from './hostile-server.test.helpers.js';

let server: HostileServer;
let cacheDir: string;
beforeAll(async () => {
  server = await startHostileServer();
  server.files.set('config.json', '{"n_layer": 3}');
  server.files.set('model.safetensors', safetensors(1000, 0));
  server.files.set('vocab.txt', '[PAD]\n[UNK]\n');
});
afterAll(async () => {
  await server.close();
});
tempFolderEach('lxmls-hub-cache-', (path) => {
  cacheDir = path;
});

const fast = { retryDelayMs: 0 } as const;

describe('fetchFile downloads', () => {
  test('fetchFile(url) downloads, reports progress, fills the cache and then serves it offline', async () => {
    const url = `${server.url}/ok/model.safetensors`;
    const events: DownloadProgress[] = [];
    const bytes = await fetchFile(url, { cacheDir, onProgress: (p) => events.push({ ...p }) });
    expect(bytes).toEqual(server.files.get('model.safetensors'));
    expect(events[0]).toMatchObject({ file: 'model.safetensors', loaded: 0, total: 4068, fromCache: false });
    expect(events.at(-1)).toMatchObject({ loaded: 4068, total: 4068 });
    expect((await stat(cachePathForUrl(cacheDir, url))).size).toBe(4068);
    expect((await filesUnder(cacheDir)).filter((f) => f.endsWith('.part'))).toEqual([]);
    const again = await fetchFile(url, { cacheDir, localOnly: true, onProgress: (p) => events.push(p) });
    expect(again).toEqual(bytes);
    expect(events.at(-1)).toMatchObject({ fromCache: true, loaded: 4068 });
  });

  test('fetchFile(url) asks for an identity encoding', async () => {
    await fetchFile(`${server.url}/ok/config.json`, { cache: false });
    expect(server.requests.at(-1)?.acceptEncoding).toBe('identity');
  });

  test.each([
    [
      'endless stream',
      'endless/model.safetensors',
      { maxBytes: 1_000_000 },
      'TOO_LARGE',
      'at most 1000000 bytes (maxBytes)',
    ],
    ['slow drip', 'drip/config.json', { idleTimeoutMs: 50 }, 'TIMEOUT', 'within 50 ms (idleTimeoutMs)'],
  ] as const)(
    'fetchFile(%s) stops at its limit (%j), names the URL and the limit, and leaves no .part file',
    async (_, path, limit, code, message) => {
      const url = `${server.url}/${path}`;
      const error = await rejection(fetchFile(url, { cacheDir, ...limit }));
      expect(error.code).toBe(code);
      expect(error.message).toContain(url);
      expect(error.message).toContain(message);
      expect(await filesUnder(cacheDir)).toEqual([]);
    },
  );

  test('fetchFile(gzip bomb) stops at 100 times the bytes on the wire', async () => {
    const url = `${server.url}/gzip/config.json`;
    const error = await rejection(fetchFile(url, { cacheDir }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.argument).toBe('options.maxCompressionRatio');
    expect(error.message).toMatch(/100 × the \d+ bytes on the wire, Content-Encoding gzip/);
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  test('fetchFile(a small gzip-encoded JSON) is decoded and accepted', async () => {
    const bytes = await fetchFile(`${server.url}/gzip-small/config.json`, { cache: false });
    expect(JSON.parse(new TextDecoder().decode(bytes)).n_layer).toBe(3);
  });

  test('fetchFile(a file announcing 5 GB) is TOO_LARGE before anything is read', async () => {
    const error = await rejection(fetchFile(`${server.url}/huge/model.safetensors`, { cacheDir }));
    expect(error.code).toBe('TOO_LARGE');
    expect(error.message).toContain('model.safetensors is too large to hold in memory');
    expect(error.message).toContain('received 5000000000 bytes');
  });

  test('fetchFile(a server that never answers) fails after connectTimeoutMs', async () => {
    const error = await rejection(
      fetchFile(`${server.url}/silent/config.json`, { cacheDir, connectTimeoutMs: 50 }),
    );
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('within 50 ms (connectTimeoutMs)');
  });

  test('fetchFile(truncated body) retries, then is DOWNLOAD_FAILED and caches nothing', async () => {
    server.files.set('cut.safetensors', safetensors(100_000));
    const warnings: HubWarning[] = [];
    const before = server.requests.length;
    const error = await rejection(
      fetchFile(`${server.url}/truncated/cut.safetensors`, {
        cacheDir,
        ...fast,
        onWarning: (w) => warnings.push(w),
      }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain('the download of cut.safetensors is incomplete');
    expect(server.requests.length - before).toBe(3); // the first try and 2 retries
    expect(warnings.map((w) => w.code)).toEqual(['RETRY', 'RETRY']);
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  test('fetchFile(a refused connection) is DOWNLOAD_FAILED at once, without retries', async () => {
    const warnings: HubWarning[] = [];
    // a port that was just closed refuses the connection, as a machine without network does
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(
      fetchFile(`http://127.0.0.1:${port}/config.json`, { cacheDir, onWarning: (w) => warnings.push(w) }),
    );
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain('ECONNREFUSED');
    expect(warnings).toEqual([]);
  });

  test('fetchFile checks the SHA-256 the hub announces in X-Linked-Etag', async () => {
    const bytes = await fetchFile(`${server.url}/linked/good/model.safetensors`, { cacheDir });
    expect(bytes.byteLength).toBe(4068);
    const error = await rejection(
      fetchFile(`${server.url}/linked/bad/model.safetensors`, { cacheDir, ...fast }),
    );
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain("model.safetensors does not match the hub's checksum");
    expect((await filesUnder(cacheDir)).filter((f) => f.includes('bad'))).toEqual([]);
  });

  test('fetchFile(HTTP 503 once) succeeds on the retry', async () => {
    server.files.set('busy.json', '{"ok": true}');
    const bytes = await fetchFile(`${server.url}/flaky/busy.json`, { cacheDir, ...fast });
    expect(new TextDecoder().decode(bytes)).toBe('{"ok": true}');
  });

  test('fetchFile(HTTP 500) is DOWNLOAD_FAILED with the status after the retries', async () => {
    const error = await rejection(fetchFile(`${server.url}/status500/config.json`, { cacheDir, ...fast }));
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain('HTTP 500');
  });

  test('fetchFile(404) is NOT_FOUND naming the URL, without retries', async () => {
    const before = server.requests.length;
    const url = `${server.url}/ok/nothing.json`;
    const error = await rejection(fetchFile(url, { cacheDir }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(url);
    expect(server.requests.length - before).toBe(1);
  });

  test('fetchFile(HTML served as config.json) is INVALID_FILE and is not cached', async () => {
    const url = `${server.url}/html/config.json`;
    const error = await rejection(fetchFile(url, { cacheDir }));
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain(
      'it is not JSON (it starts with "<!DOCTYPE html><html><body>Ple…": an HTML page?)',
    );
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  test('fetchFile(url, { signal }) aborted mid-download rejects with the abort reason', async () => {
    const controller = new AbortController();
    const promise = fetchFile(`${server.url}/drip/config.json`, {
      cacheDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.loaded > 0) controller.abort();
      },
    });
    await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    expect(await filesUnder(cacheDir)).toEqual([]);
  });
});

describe('fetchFile redirects and credentials', () => {
  test('fetchFile follows a redirect on the same origin', async () => {
    const bytes = await fetchFile(`${server.url}/redirect-same/config.json`, { cache: false });
    expect(new TextDecoder().decode(bytes)).toBe('{"n_layer": 3}');
  });

  test('fetchFile refuses a redirect to 169.254.169.254, even to an allowed host', async () => {
    for (const allowRedirectHosts of [undefined, ['169.254.169.254']]) {
      const error = await rejection(
        fetchFile(`${server.url}/redirect-metadata/config.json`, {
          cache: false,
          ...(allowRedirectHosts ? { allowRedirectHosts } : {}),
        }),
      );
      expect(error.code).toBe('REDIRECT_REFUSED');
      expect(error.message).toContain('http://169.254.169.254/latest/meta-data/iam/config.json');
    }
    expect(server.requests.some((r) => r.url.includes('meta-data'))).toBe(false);
  });

  test('fetchFile refuses a redirect to another host unless allowed', async () => {
    const url = `${server.url}/redirect-other-host/config.json`;
    const error = await rejection(fetchFile(url, { cache: false }));
    expect(error.code).toBe('REDIRECT_REFUSED');
    expect(error.message).toContain(
      'it leads to another host (localhost), which is not in allowRedirectHosts',
    );
    const bytes = await fetchFile(url, { cache: false, allowRedirectHosts: ['localhost'] });
    expect(new TextDecoder().decode(bytes)).toBe('{"n_layer": 3}');
  });

  test('fetchFile gives up after maxRedirects', async () => {
    const error = await rejection(
      fetchFile(`${server.url}/redirect-loop/x.json`, { cache: false, maxRedirects: 3 }),
    );
    expect(error.code).toBe('REDIRECT_REFUSED');
    expect(error.message).toContain('more than 3 redirects');
  });

  test('fetchFile(user:pass@ URL) sends Basic auth and never shows the password', async () => {
    const url = server.url.replace('http://', 'http://ana:s3cret@');
    const bytes = await fetchFile(`${url}/auth/config.json`, { cacheDir });
    expect(new TextDecoder().decode(bytes)).toBe('{"n_layer": 3}');
    expect(server.requests.at(-1)?.authorization).toBe(`Basic ${btoa('ana:s3cret')}`);
    expect((await filesUnder(cacheDir)).join()).not.toContain('s3cret');
    const error = await rejection(fetchFile(`${url}/ok/missing.json`, { cacheDir }));
    expect(error.message).toContain('http://***@127.0.0.1');
    expect(error.message).not.toContain('s3cret');
    expect(error.url).not.toContain('s3cret');
  });

  test('fetchFile(url, { token }) sends the token and redacts a token in the query', async () => {
    await fetchFile(`${server.url}/auth/config.json`, { cache: false, token: 'hf_abcdefgh123' });
    expect(server.requests.at(-1)?.authorization).toBe('Bearer hf_abcdefgh123');
    const error = await rejection(
      fetchFile(`${server.url}/ok/missing.json?token=hf_abcdefgh123`, { cache: false }),
    );
    expect(error.message).toContain('?token=***');
    expect(error.message).not.toContain('abcdefgh');
  });
});

describe('fetchFile and a cache that heals', () => {
  test.each([
    ['config.json', 'not json at all', 'it is not JSON'],
    ['model.safetensors', 'short', 'shorter than the 8-byte header length'],
  ])(
    'fetchFile finds a bad cached %s, warns naming the path, moves it aside and fetches it again',
    async (name, bad, reason) => {
      const url = `${server.url}/ok/${name}`;
      await fetchFile(url, { cacheDir });
      const path = cachePathForUrl(cacheDir, url);
      await writeFile(path, bad);
      const warnings: HubWarning[] = [];
      const bytes = await fetchFile(url, { cacheDir, onWarning: (w) => warnings.push(w) });
      expect(bytes.byteLength).toBe(Buffer.from(server.files.get(name)!).byteLength);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.code).toBe('CACHE_INVALID');
      expect(warnings[0]!.message).toContain(path);
      expect(warnings[0]!.message).toContain(reason);
      expect(await readFile(`${path}.invalid`, 'utf8')).toBe(bad);
      expect((await stat(path)).size).toBe(bytes.byteLength);
    },
  );

  test('fetchFile offline with a bad cached file is INVALID_FILE naming the cached path', async () => {
    const url = `${server.url}/ok/model.safetensors`;
    await fetchFile(url, { cacheDir });
    const path = cachePathForUrl(cacheDir, url);
    const good = await readFile(path);
    await writeFile(path, good.subarray(0, 2000)); // truncated
    const error = await rejection(fetchFile(url, { cacheDir, localOnly: true }));
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain(path);
    expect(error.message).toContain('the file is cut short?');
  });

  test('fetchFile(url, { refresh: true }) fetches again over a cached copy', async () => {
    const url = `${server.url}/ok/vocab.txt`;
    await fetchFile(url, { cacheDir });
    await writeFile(cachePathForUrl(cacheDir, url), 'stale\n');
    const before = server.requests.length;
    const bytes = await fetchFile(url, { cacheDir, refresh: true });
    expect(new TextDecoder().decode(bytes)).toBe('[PAD]\n[UNK]\n');
    expect(server.requests.length - before).toBe(1);
    expect(await readFile(cachePathForUrl(cacheDir, url), 'utf8')).toBe('[PAD]\n[UNK]\n');
  });

  test('fetchFile removes stale .part files of dead processes beside the entry', async () => {
    const url = `${server.url}/ok/config.json`;
    const path = cachePathForUrl(cacheDir, url);
    await fetchFile(url, { cacheDir });
    const stale = `${path}.999999999-abc-def.part`; // a process id that does not exist
    const live = `${path}.${process.pid}-abc-def.part`;
    await writeFile(stale, 'x');
    await writeFile(live, 'x');
    await fetchFile(url, { cacheDir, refresh: true });
    const names = (await filesUnder(cacheDir)).map((f) => f.split('/').at(-1));
    expect(names).toContain(`config.json.${process.pid}-abc-def.part`);
    expect(names).not.toContain('config.json.999999999-abc-def.part');
  });

  test('fetchFile(url, { localOnly: true }) with an empty cache is NOT_FOUND', async () => {
    const error = await rejection(fetchFile('http://127.0.0.1:9/config.json', { cacheDir, localOnly: true }));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('config.json is not in the cache and the network is off');
  });
});
