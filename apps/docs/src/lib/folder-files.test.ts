import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GPT } from '@lxmls/gpt';
import { describe, expect, test } from 'vitest';
import { baseName, filesFetch, PICKED_FILES_URL, readFolderFiles } from './folder-files.js';

const tinyGpt2 = join(import.meta.dirname, '../../../../packages/gpt/src/__fixtures__/tiny-gpt2');

/** A File-like object that counts how often it is read. */
function picked(name: string, bytes: Uint8Array) {
  const file = {
    name,
    reads: 0,
    async arrayBuffer() {
      file.reads++;
      return bytes.slice().buffer;
    },
  };
  return file;
}

describe('folder-files', () => {
  test.each([
    ['bert-base-uncased/vocab.txt', 'vocab.txt'],
    ['a\\b\\config.json', 'config.json'],
    ['model.safetensors', 'model.safetensors'],
  ])('baseName(%j) is %j', (path, name) => {
    expect(baseName(path)).toBe(name);
  });

  test('readFolderFiles reads only the wanted names', async () => {
    const config = picked('folder/config.json', new TextEncoder().encode('{}'));
    const bin = picked('folder/pytorch_model.bin', new Uint8Array(8));
    const files = await readFolderFiles([config, bin], ['config.json', 'model.safetensors']);
    expect([...files.keys()]).toEqual(['config.json']);
    expect(new TextDecoder().decode(files.get('config.json'))).toBe('{}');
    expect([config.reads, bin.reads]).toEqual([1, 0]);
  });

  test('filesFetch answers with the bytes of the named file, 404 otherwise', async () => {
    const fetch = filesFetch(new Map([['config.json', new Uint8Array([123, 125])]]));
    const ok = await fetch(`${PICKED_FILES_URL}/config.json`);
    expect([ok.status, ok.headers.get('content-length'), await ok.text()]).toEqual([200, '2', '{}']);
    expect((await fetch(new URL(`${PICKED_FILES_URL}/model.safetensors`))).status).toBe(404);
  });

  test('GPT.fromPretrained(PICKED_FILES_URL, { fetch: filesFetch(files) }) loads a picked GPT-2 folder', async () => {
    const files = new Map(
      ['config.json', 'model.safetensors'].map((f) => [f, new Uint8Array(readFileSync(join(tinyGpt2, f)))]),
    );
    const model = await GPT.fromPretrained(PICKED_FILES_URL, { fetch: filesFetch(files), cache: false });
    expect([model.config.nLayer, model.config.nHead, model.config.vocabSize]).toEqual([3, 3, 50257]);
    model.dispose();
    await expect(
      GPT.fromPretrained(PICKED_FILES_URL, {
        fetch: filesFetch(new Map([['config.json', files.get('config.json')!]])),
        cache: false,
      }),
    ).rejects.toThrow(/model\.safetensors was not found/);
  });
});
