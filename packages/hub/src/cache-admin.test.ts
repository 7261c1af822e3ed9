import { readFile, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { cachePathForUrl } from './cache.js';
import { clearCache, listCache, verifyCache } from './cache-admin.js';
import { fetchFile } from './download.js';
import { tempFolderEach } from './folders.test.helpers.js';
import { type HostileServer, safetensors, startHostileServer } from './hostile-server.test.helpers.js';

let server: HostileServer;
let cacheDir: string;
beforeAll(async () => {
  server = await startHostileServer();
  server.files.set('config.json', '{"n": 1}');
  server.files.set('model.safetensors', safetensors(100));
});
afterAll(async () => {
  await server.close();
});
tempFolderEach('lxmls-hub-admin-', (path) => {
  cacheDir = path;
});
beforeEach(async () => {
  await fetchFile(`${server.url}/ok/config.json`, { cacheDir });
  await fetchFile(`${server.url}/ok/model.safetensors`, { cacheDir });
});

describe('cache administration', () => {
  test('listCache lists each file with its source, size and state', async () => {
    const path = cachePathForUrl(cacheDir, `${server.url}/ok/config.json`);
    await writeFile(`${path}.999999999-a-b.part`, 'x');
    const { entries } = await listCache({ cacheDir });
    const host = server.url.slice('http://'.length);
    expect(entries.map((e) => [e.source, e.size, e.state])).toEqual([
      [`${host}/ok/config.json`, 8, 'complete'],
      [`${host}/ok/config.json.999999999-a-b.part`, 1, 'partial'],
      [`${host}/ok/model.safetensors`, 466, 'complete'],
    ]);
  });

  test('verifyCache moves a truncated safetensors file aside and removes stale .part files', async () => {
    const weights = cachePathForUrl(cacheDir, `${server.url}/ok/model.safetensors`);
    const config = cachePathForUrl(cacheDir, `${server.url}/ok/config.json`);
    await writeFile(weights, (await readFile(weights)).subarray(0, 200));
    await writeFile(`${config}.999999999-a-b.part`, 'x');
    const result = await verifyCache({ cacheDir });
    expect(result.checked).toBe(2);
    expect(result.invalid).toHaveLength(1);
    expect(result.invalid[0]).toMatchObject({ path: weights, movedTo: `${weights}.invalid` });
    expect(result.invalid[0]!.reason).toContain('the file is cut short?');
    expect(result.removedParts).toEqual([`${config}.999999999-a-b.part`]);
    expect((await listCache({ cacheDir })).entries.map((e) => e.state)).toEqual(['complete', 'invalid']);
  });

  test('verifyCache({ repair: false }) only reports', async () => {
    const weights = cachePathForUrl(cacheDir, `${server.url}/ok/model.safetensors`);
    await writeFile(weights, 'junk');
    const result = await verifyCache({ cacheDir, repair: false });
    expect(result.invalid[0]?.movedTo).toBeNull();
    expect(await readFile(weights, 'utf8')).toBe('junk');
  });

  test('clearCache removes matching files, or everything', async () => {
    expect(await clearCache({ cacheDir, match: 'config.json' })).toEqual({ cacheDir, files: 1, bytes: 8 });
    expect((await listCache({ cacheDir })).entries).toHaveLength(1);
    expect(await clearCache({ cacheDir })).toEqual({ cacheDir, files: 1, bytes: 466 });
    expect((await listCache({ cacheDir })).entries).toEqual([]);
  });
});
