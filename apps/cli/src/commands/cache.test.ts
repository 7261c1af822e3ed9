// Tests of `lxmls cache`, run in-process through main() on a cache folder filled by @lxmls/hub's fetchFile
// from a real HTTP server on 127.0.0.1.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cachePathForUrl, fetchFile } from '@lxmls/hub';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const FILES: Record<string, string> = { 'config.json': '{"n_layer": 3}', 'vocab.txt': 'a\nb\n' };
let server: Server;
let base: string;
let cacheDir: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const body = FILES[(req.url ?? '').slice('/m/'.length)];
    if (body === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/m`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lxmls-cli-cache-'));
  for (const file of Object.keys(FILES)) await fetchFile(`${base}/${file}`, { cacheDir });
  return () => rm(cacheDir, { recursive: true, force: true });
});

describe('lxmls cache', () => {
  test('lxmls cache list --json lists the cached files', async () => {
    const { code, stdout } = await runCli(['cache', 'list', '--json', '--cache-dir', cacheDir]);
    expect(code).toBe(0);
    const listed = JSON.parse(stdout);
    expect(listed.cacheDir).toBe(cacheDir);
    expect(
      listed.entries.map((e: { file: string; size: number; state: string }) => [e.file, e.size, e.state]),
    ).toEqual([
      ['config.json', 14, 'complete'],
      ['vocab.txt', 4, 'complete'],
    ]);
  });

  test('lxmls cache list prints one line per file and a total', async () => {
    const { code, stdout } = await runCli(['cache', 'list', '--cache-dir', cacheDir]);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n').at(-1)).toBe(`2 files, 0.0 MB in ${cacheDir}`);
    expect(stdout).toMatch(/complete {2}127\.0\.0\.1:\d+\/m\/config\.json/);
  });

  test('lxmls cache verify moves an invalid file aside, and the next fetch heals the cache', async () => {
    const path = cachePathForUrl(cacheDir, `${base}/config.json`);
    await writeFile(path, '<html>portal</html>');
    const { code, stdout } = await runCli(['cache', 'verify', '--json', '--cache-dir', cacheDir]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.checked).toBe(2);
    expect(result.invalid).toEqual([
      expect.objectContaining({
        path,
        movedTo: `${path}.invalid`,
        reason: expect.stringContaining('not JSON'),
      }),
    ]);
    await fetchFile(`${base}/config.json`, { cacheDir });
    expect(await readFile(path, 'utf8')).toBe('{"n_layer": 3}');
    const text = await runCli(['cache', 'verify', '--cache-dir', cacheDir]);
    expect(text.stdout.trim()).toBe(`2 files checked in ${cacheDir}: all valid`);
  });

  test('lxmls cache clear --match removes matching files, then clear removes the rest', async () => {
    const one = await runCli(['cache', 'clear', '--match', 'vocab', '--json', '--cache-dir', cacheDir]);
    expect(JSON.parse(one.stdout)).toEqual({ cacheDir, files: 1, bytes: 4 });
    const all = await runCli(['cache', 'clear', '--cache-dir', cacheDir]);
    expect(all.stdout.trim()).toBe(`removed 1 files (0.0 MB) from ${cacheDir}`);
    expect(
      JSON.parse((await runCli(['cache', 'list', '--json', '--cache-dir', cacheDir])).stdout).entries,
    ).toEqual([]);
  });

  test.each([
    [['cache'], 'missing subcommand: expected one of list, verify, clear'],
    [['cache', 'purge'], 'unknown subcommand "purge"'],
    [['cache', 'list', '--match', 'x'], 'option --match does not apply to lxmls cache list'],
  ])('lxmls %j exits with 2 and one line', async (argv, message) => {
    const { code, stderr } = await runCli(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
  });
});
