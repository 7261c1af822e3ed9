// Commands that download, against a real HTTP server on 127.0.0.1 serving a tiny GPT folder, with a real cache
// folder ($LXMLS_CACHE_DIR): a bad cached file is reported on stderr naming its path and fetched again,
// --refresh downloads again, and a captive portal's HTML page as config.json is one line with exit code 2.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachePathForUrl } from '@lxmls/hub';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';
import { saveTinyGpt } from '../testing-gpt.test.helpers.js';

let root: string;
let server: Server;
let base: string;
let portal = false;
const requests: string[] = [];
const savedCacheDir = process.env.LXMLS_CACHE_DIR;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lxmls-cli-refresh-'));
  (await saveTinyGpt(join(root, 'model'))).dispose();
  process.env.LXMLS_CACHE_DIR = join(root, 'cache');
  server = createServer(async (req, res) => {
    const name = (req.url ?? '').replace(/^\/m\//, '');
    requests.push(name);
    if (portal && name === 'config.json') {
      const html = '<!DOCTYPE html><html>Sign in to the Wi-Fi</html>';
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': String(html.length) }).end(html);
      return;
    }
    const bytes = await readFile(join(root, 'model', name)).catch(() => null);
    if (bytes === null) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': String(bytes.byteLength) }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
});
afterAll(async () => {
  if (savedCacheDir === undefined) delete process.env.LXMLS_CACHE_DIR;
  else process.env.LXMLS_CACHE_DIR = savedCacheDir;
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(root, { recursive: true, force: true });
});

describe('commands that download', () => {
  test('lxmls info --model URL caches, heals a bad cached file with a warning, and --refresh downloads again', async () => {
    const first = await runCli(['info', '--model', base, '--json']);
    expect(first.code).toBe(0);
    expect(requests).toEqual(['config.json', 'model.safetensors']);

    const cached = cachePathForUrl(join(root, 'cache'), `${base}/config.json`);
    await writeFile(cached, '{"n_layer": ');
    const healed = await runCli(['info', '--model', base, '--json']);
    expect(healed.code).toBe(0);
    expect(healed.stderr).toBe(
      `warning: the cached config.json at ${cached} is invalid (it is not JSON (it starts with "{\\"n_layer\\":")); moved it to ${cached}.invalid, fetching it again\n`,
    );
    expect(JSON.parse(healed.stdout)).toEqual(JSON.parse(first.stdout));
    expect(requests).toEqual(['config.json', 'model.safetensors', 'config.json']);

    const refreshed = await runCli(['info', '--model', base, '--refresh', '--json']);
    expect(refreshed.code).toBe(0);
    expect(requests.slice(3)).toEqual(['config.json', 'model.safetensors']);
  });

  test('lxmls viz --model URL --refresh downloads the cached files again', async () => {
    const before = requests.length;
    const output = join(root, 'attention.html'); // the page goes to the temporary folder, not the working one
    const viz = ['viz', '--model', base, '--text', 'hello world', '--output', output, '--json'];
    const cached = await runCli(viz);
    expect(cached.code).toBe(0);
    const refreshed = await runCli([...viz, '--refresh']);
    expect(refreshed.code).toBe(0);
    expect(requests.slice(before)).toEqual(['config.json', 'model.safetensors']);
    expect(refreshed.stdout).toBe(cached.stdout);
  });

  test('lxmls generate --model URL --refresh behind a captive portal fails with exit code 2 and one line', async () => {
    portal = true;
    try {
      const { code, stdout, stderr } = await runCli([
        'generate',
        '--model',
        base,
        '--refresh',
        '--max-new-tokens',
        '2',
      ]);
      expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toContain(
        `config.json is not a valid .json file. Expected a valid file from ${base}/config.json`,
      );
      expect(stderr).toContain('an HTML page?');
    } finally {
      portal = false;
    }
  });
});
