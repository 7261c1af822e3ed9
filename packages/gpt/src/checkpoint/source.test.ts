// Downloads against a real HTTP server on 127.0.0.1 that serves the tiny-gpt2 fixture in the hub's layout
// (`/<org>/<name>/resolve/<revision>/<file>`, with Content-Length), and a real cache folder under os.tmpdir().
import { createReadStream } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rejectedError } from '@lxmls/base';
import { cachePathForUrl, type DownloadProgress } from '@lxmls/hub';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LxmlsGptError } from '../errors.js';
import { loadCheckpoint } from './load.js';
import { HUB_MODELS, hubBaseUrl, hubModelId, resolveSource } from './source.js';

const FIXTURE = fileURLToPath(new URL('../__fixtures__/tiny-gpt2', import.meta.url));
const WEIGHTS_SIZE = 10_005_040;

type Mode = 'ok' | 'truncate' | 'fail500' | 'slow' | 'huge';

/** A hub-like server: `/openai-community/gpt2/resolve/main/<file>` serves the fixture; anything else is 404. */
async function startHub(mode: Mode = 'ok') {
  const requests: string[] = [];
  const server: Server = createServer(async (req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const match = /^\/openai-community\/gpt2\/resolve\/main\/(config\.json|model\.safetensors)$/.exec(url);
    if (mode === 'fail500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
      return;
    }
    if (!match) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    if (mode === 'huge' && match[1] === 'model.safetensors') {
      res.writeHead(200, { 'content-length': String(5e9) }); // announces 5 GB (gpt2-xl is 6.4 GB)
      res.write(new Uint8Array(1024));
      return;
    }
    const path = join(FIXTURE, match[1]!);
    const size = (await stat(path)).size;
    res.writeHead(200, { 'content-length': String(size), 'content-type': 'application/octet-stream' });
    if (mode === 'truncate' && match[1] === 'model.safetensors') {
      const bytes = await readFile(path);
      res.write(bytes.subarray(0, size >> 1), () => res.socket?.destroy()); // half, then hang up
      return;
    }
    if (mode === 'slow' && match[1] === 'model.safetensors') {
      const bytes = await readFile(path);
      res.write(bytes.subarray(0, 1 << 20)); // 1 MiB, then nothing until the client gives up
      return;
    }
    createReadStream(path).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Every file under `dir`, relative, sorted. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath ?? e.path, e.name).slice(dir.length + 1))
    .sort();
}

let cacheDir: string;
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lxmls-gpt-cache-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

/** Runs `fn`, expecting an LxmlsGptError; returns it. */
const rejection = (fn: () => Promise<unknown>): Promise<LxmlsGptError> => rejectedError(LxmlsGptError, fn);

describe('resolveSource from the hub', () => {
  test('resolveSource(gpt2) downloads both files, reports progress up to the total and fills the cache', async () => {
    const hub = await startHub();
    const events: DownloadProgress[] = [];
    try {
      const resolved = await resolveSource('gpt2', {
        hubUrl: hub.url,
        cacheDir,
        onProgress: (p) => events.push({ ...p }),
      });
      expect(resolved.kind).toBe('hub');
      expect(resolved.modelId).toBe('gpt2');
      expect(resolved.location).toBe(`${hub.url}/openai-community/gpt2/resolve/main`);
      expect(resolved.configJson.n_layer).toBe(3);
      const original = await readFile(join(FIXTURE, 'model.safetensors'));
      expect(Buffer.compare(resolved.weightsBytes, original)).toBe(0); // (toEqual on 10 MB is slow)
      expect(hub.requests).toEqual([
        '/openai-community/gpt2/resolve/main/config.json',
        '/openai-community/gpt2/resolve/main/model.safetensors',
      ]);
    } finally {
      await hub.close();
    }
    const weights = events.filter((e) => e.file === 'model.safetensors');
    expect(weights[0]).toMatchObject({ loaded: 0, total: WEIGHTS_SIZE, fromCache: false });
    expect(weights.at(-1)).toMatchObject({ loaded: WEIGHTS_SIZE, total: WEIGHTS_SIZE });
    expect(weights.length).toBeGreaterThan(2); // streamed in chunks
    for (let i = 1; i < weights.length; i++)
      expect(weights[i]!.loaded).toBeGreaterThan(weights[i - 1]!.loaded);
    expect(events.filter((e) => e.file === 'config.json').at(-1)?.loaded).toBe(826);
    // The cache holds both files, complete, and no temporary file.
    const base = `${hub.url}/openai-community/gpt2/resolve/main`;
    expect((await stat(cachePathForUrl(cacheDir, `${base}/model.safetensors`))).size).toBe(WEIGHTS_SIZE);
    expect((await stat(cachePathForUrl(cacheDir, `${base}/config.json`))).size).toBe(826);
    expect((await filesUnder(cacheDir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  test.each([
    ['offline: true', { offline: true }],
    ['the server stopped', {}],
  ])('resolveSource(gpt2) after a download works from the cache with %s', async (_, extra) => {
    const hub = await startHub();
    await resolveSource('openai-community/gpt2', { hubUrl: hub.url, cacheDir });
    await hub.close();
    const events: DownloadProgress[] = [];
    let fetched = 0;
    const resolved = await resolveSource('gpt2', {
      hubUrl: hub.url,
      cacheDir,
      ...extra,
      fetch: (input, init) => {
        fetched++;
        return fetch(input, init);
      },
      onProgress: (p) => events.push(p),
    });
    expect(fetched).toBe(0);
    expect(resolved.weightsBytes.byteLength).toBe(WEIGHTS_SIZE);
    expect(events.map((e) => [e.file, e.loaded, e.total, e.fromCache])).toEqual([
      ['config.json', 826, 826, true],
      ['model.safetensors', WEIGHTS_SIZE, WEIGHTS_SIZE, true],
    ]);
  });

  test('resolveSource(gpt2, { offline: true }) with an empty cache is NOT_FOUND', async () => {
    const error = await rejection(() =>
      resolveSource('gpt2', { hubUrl: 'http://127.0.0.1:9', cacheDir, offline: true }),
    );
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('config.json is not in the cache and the network is off');
  });

  test('resolveSource(url) of a missing file is NOT_FOUND naming the URL', async () => {
    const hub = await startHub();
    try {
      const error = await rejection(() =>
        resolveSource(`${hub.url}/nobody/nothing/resolve/main`, { cacheDir }),
      );
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message).toContain(`${hub.url}/nobody/nothing/resolve/main/config.json`);
      expect(error.message).toContain('HTTP 404');
    } finally {
      await hub.close();
    }
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  /** The error of `resolveSource('gpt2')` from a hub server in `mode` (no retry delay). */
  async function gpt2Error(mode: Mode) {
    const hub = await startHub(mode);
    try {
      return await rejection(() => resolveSource('gpt2', { hubUrl: hub.url, cacheDir, retryDelayMs: 0 }));
    } finally {
      await hub.close();
    }
  }

  test('resolveSource(gpt2) on a server answering 500 is DOWNLOAD_FAILED with the status', async () => {
    const error = await gpt2Error('fail500');
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain('HTTP 500');
  });

  test('resolveSource(gpt2) with a truncated body is DOWNLOAD_FAILED and leaves nothing in the cache', async () => {
    const error = await gpt2Error('truncate');
    expect(error.code).toBe('DOWNLOAD_FAILED');
    expect(error.message).toContain(`${WEIGHTS_SIZE} bytes`);
    // config.json (complete) is cached; no model.safetensors and no temporary file.
    expect((await filesUnder(cacheDir)).map((f) => f.split('/').at(-1))).toEqual(['config.json']);
  });

  test('resolveSource(gpt2, { signal }) aborted mid-download rejects with the abort reason and caches nothing', async () => {
    const hub = await startHub('slow');
    const controller = new AbortController();
    try {
      const promise = resolveSource('gpt2', {
        hubUrl: hub.url,
        cacheDir,
        signal: controller.signal,
        onProgress: (p) => {
          if (p.file === 'model.safetensors' && p.loaded > 0) controller.abort();
        },
      });
      await expect(promise).rejects.toMatchObject({ name: 'AbortError' });
    } finally {
      await hub.close();
    }
    expect((await filesUnder(cacheDir)).map((f) => f.split('/').at(-1))).toEqual(['config.json']);
  });

  test('resolveSource(gpt2) of a file over 4 GiB is INVALID_CHECKPOINT before anything is allocated', async () => {
    const hub = await startHub('huge');
    try {
      const error = await rejection(() => resolveSource('gpt2', { hubUrl: hub.url, cacheDir }));
      expect(error.code).toBe('INVALID_CHECKPOINT');
      expect(error.message).toContain('model.safetensors is too large to hold in memory');
      expect(error.message).toContain('received 5000000000 bytes');
    } finally {
      await hub.close();
    }
  });

  test('resolveSource(gpt2, { cache: false }) downloads without writing a cache', async () => {
    const hub = await startHub();
    try {
      const resolved = await resolveSource('gpt2', { hubUrl: hub.url, cacheDir, cache: false });
      expect(resolved.weightsBytes.byteLength).toBe(WEIGHTS_SIZE);
    } finally {
      await hub.close();
    }
    expect(await filesUnder(cacheDir)).toEqual([]);
  });

  test('loadCheckpoint(gpt2) from the hub names the model type and the source', async () => {
    const hub = await startHub();
    try {
      const { config, stateDict, source } = await loadCheckpoint('gpt2', { hubUrl: hub.url, cacheDir });
      expect([config.modelType, config.nLayer, source.kind, source.modelId]).toEqual([
        'gpt2',
        3,
        'hub',
        'gpt2',
      ]);
      for (const t of stateDict.values()) t.dispose();
    } finally {
      await hub.close();
    }
  });

  test('resolveSource(gpt2) takes the hub from $LXMLS_HUB_URL', async () => {
    const hub = await startHub();
    const saved = process.env.LXMLS_HUB_URL;
    process.env.LXMLS_HUB_URL = `${hub.url}/`;
    try {
      const resolved = await resolveSource('gpt2', { cacheDir });
      expect(resolved.location).toBe(`${hub.url}/openai-community/gpt2/resolve/main`);
    } finally {
      if (saved === undefined) delete process.env.LXMLS_HUB_URL;
      else process.env.LXMLS_HUB_URL = saved;
      await hub.close();
    }
  });
});

describe('resolveSource from a folder', () => {
  test('resolveSource(folder) reads config.json and model.safetensors', async () => {
    const resolved = await resolveSource(FIXTURE);
    expect(resolved.kind).toBe('folder');
    expect(resolved.configJson.n_embd).toBe(48);
    expect(resolved.weightsBytes.byteLength).toBe(WEIGHTS_SIZE);
  });

  test('resolveSource(gpt2) prefers an existing folder named gpt2 over the hub', async () => {
    await cp(FIXTURE, join(cacheDir, 'gpt2'), { recursive: true });
    const cwd = process.cwd();
    process.chdir(cacheDir);
    try {
      const resolved = await resolveSource('gpt2', { hubUrl: 'http://127.0.0.1:9', offline: true });
      expect(resolved.kind).toBe('folder');
      expect(resolved.location).toBe('gpt2');
    } finally {
      process.chdir(cwd);
    }
  });

  test('resolveSource(folder) without model.safetensors is NOT_FOUND naming the file', async () => {
    await cp(join(FIXTURE, 'config.json'), join(cacheDir, 'config.json'));
    const error = await rejection(() => resolveSource(cacheDir));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(join(cacheDir, 'model.safetensors'));
  });

  test('resolveSource(folder) without config.json is NOT_FOUND naming the file', async () => {
    const error = await rejection(() => resolveSource(cacheDir));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(join(cacheDir, 'config.json'));
  });

  test('resolveSource(folder) with a 5 GB (sparse) model.safetensors is INVALID_CHECKPOINT, without reading it', async () => {
    await cp(join(FIXTURE, 'config.json'), join(cacheDir, 'config.json'));
    await writeFile(join(cacheDir, 'model.safetensors'), '');
    await truncate(join(cacheDir, 'model.safetensors'), 5e9);
    const error = await rejection(() => resolveSource(cacheDir));
    expect(error.code).toBe('INVALID_CHECKPOINT');
    expect(error.message).toContain('at most 4294967296 bytes here');
  });

  test('resolveSource(file) is INVALID_ARGUMENT: a checkpoint is a folder', async () => {
    const error = await rejection(() => resolveSource(join(FIXTURE, 'config.json')));
    expect(error.code).toBe('INVALID_ARGUMENT');
  });

  test.each([
    ['./no/such/folder', 'NOT_FOUND'],
    ['/no/such/folder', 'NOT_FOUND'],
    ['gpt3', 'UNKNOWN_MODEL'],
    ['someone/gpt2-finetuned', 'UNKNOWN_MODEL'],
    ['', 'INVALID_ARGUMENT'],
  ])('resolveSource(%j) is %s', async (source, code) => {
    const error = await rejection(() => resolveSource(source, { offline: true, cacheDir }));
    expect(error.code).toBe(code);
    if (code === 'UNKNOWN_MODEL') expect(error.message).toContain(HUB_MODELS.join(', '));
  });
});

describe('hub ids', () => {
  test.each([
    ['gpt2', 'gpt2'],
    ['gpt2-medium', 'gpt2-medium'],
    ['openai-community/gpt2-large', 'gpt2-large'],
    ['gpt2-xl', 'gpt2-xl'],
    ['distilgpt2', null],
    ['openai-community/gpt3', null],
  ])('hubModelId(%j) is %j', (id, expected) => {
    expect(hubModelId(id)).toBe(expected);
  });

  test('hubBaseUrl(gpt2) defaults to huggingface.co, main', () => {
    const saved = process.env.LXMLS_HUB_URL;
    delete process.env.LXMLS_HUB_URL;
    try {
      expect(hubBaseUrl('gpt2')).toBe('https://huggingface.co/openai-community/gpt2/resolve/main');
    } finally {
      if (saved !== undefined) process.env.LXMLS_HUB_URL = saved;
    }
  });
});
