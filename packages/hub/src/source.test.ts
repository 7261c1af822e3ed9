// openSource against a real folder and a real HTTP server on 127.0.0.1 in the hub's layout.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { thrownError } from '@lxmls/base';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeFolderAtomic } from './atomic.js';
import { check, LxmlsHubError } from './errors.js';
import { rejection, tempFolderEach } from './folders.test.helpers.js';
import { type HostileServer, startHostileServer } from './hostile-server.test.helpers.js';
import { checkSourceArgument, hubRepoUrl, isHubId, openSource } from './source.js';

let server: HostileServer;
let dir: string;
beforeAll(async () => {
  server = await startHostileServer();
  server.files.set('acme/tiny/resolve/main/config.json', '{"hidden_size": 4}');
});
afterAll(async () => {
  await server.close();
});
tempFolderEach('lxmls-hub-source-', (path) => {
  dir = path;
});

describe('openSource', () => {
  test('openSource(hub id) reads <hubUrl>/<repo>/resolve/<revision>/<file>, optional files as null', async () => {
    const source = await openSource('acme/tiny', { hubUrl: `${server.url}/ok`, cache: false });
    expect(source.kind).toBe('hub');
    expect(source.repo).toBe('acme/tiny');
    expect(new TextDecoder().decode((await source.read('config.json'))!)).toBe('{"hidden_size": 4}');
    expect(await source.read('tokenizer.json', { optional: true })).toBeNull();
    const error = await rejection(source.read('vocab.txt'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain(`${server.url}/ok/acme/tiny/resolve/main/vocab.txt`);
  });

  test('openSource(folder) refuses a file that is a link to /dev/zero without reading it', async () => {
    await writeFile(join(dir, 'config.json'), '{}');
    await symlink('/dev/zero', join(dir, 'model.safetensors'));
    const source = await openSource(dir);
    const error = await rejection(source.read('model.safetensors'));
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain('model.safetensors is not a regular file');
    expect(error.message).toContain('received a device');
  });

  test('openSource(folder) names a .json file that is not JSON', async () => {
    await writeFile(join(dir, 'config.json'), '<html>');
    const error = await rejection((await openSource(dir)).read('config.json'));
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain(join(dir, 'config.json'));
  });

  test('openSource(folder) checks the commit marker of a folder written by writeFolderAtomic', async () => {
    const model = join(dir, 'model');
    await writeFolderAtomic(model, { 'config.json': '{}', 'vocab.txt': 'a\nb\n' });
    await writeFile(join(model, 'vocab.txt'), 'a\n');
    const error = await rejection((await openSource(model)).read('config.json'));
    expect(error.code).toBe('INVALID_FILE');
    expect(error.message).toContain('the folder does not match its commit marker');
  });

  test.each([
    ['', 'INVALID_ARGUMENT'],
    ['./no/such/folder', 'NOT_FOUND'],
    ['/no/such/folder', 'NOT_FOUND'],
  ])('openSource(%j) is %s', async (source, code) => {
    expect((await rejection(openSource(source))).code).toBe(code);
  });

  test('openSource(a file) is INVALID_ARGUMENT', async () => {
    await mkdir(join(dir, 'm'));
    await writeFile(join(dir, 'm', 'config.json'), '{}');
    expect((await rejection(openSource(join(dir, 'm', 'config.json')))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('hub ids', () => {
  test.each([
    ['google-bert/bert-base-uncased', true],
    ['gpt2', true],
    ['a/b/c', false],
    ['../x', false],
    ['-x', false],
    ['org/.hidden', false],
  ])('isHubId(%j) is %j', (id, expected) => {
    expect(isHubId(id)).toBe(expected);
  });

  test('hubRepoUrl reads $LXMLS_HUB_URL', () => {
    const saved = process.env.LXMLS_HUB_URL;
    process.env.LXMLS_HUB_URL = 'http://127.0.0.1:1/';
    try {
      expect(hubRepoUrl('a/b')).toBe('http://127.0.0.1:1/a/b/resolve/main');
    } finally {
      if (saved === undefined) delete process.env.LXMLS_HUB_URL;
      else process.env.LXMLS_HUB_URL = saved;
    }
  });
});

describe('checkSourceArgument', () => {
  test.each([
    ['', 'an empty string'],
    [3, 'number'],
    [undefined, 'undefined'],
  ])('checkSourceArgument(check, fn, %j) throws INVALID_ARGUMENT, received %s', (source, received) => {
    const error = thrownError(LxmlsHubError, () => checkSourceArgument(check, 'openSource', source));
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.message).toBe(
      `[@lxmls/hub] openSource: source must be a folder path, a URL or a hub id. Expected a non-empty string, received ${received}.`,
    );
  });

  test('openSource("") rejects with the same error', async () => {
    expect((await rejection(openSource(''))).message).toContain('openSource: source must be a folder path');
  });
});
