// BERT from a hub id, a URL and a folder through @lxmls/hub, against a real HTTP server on 127.0.0.1 that
// serves the tiny-bert fixture in the hub's layout (`/<owner>/<name>/resolve/<revision>/<file>`), and a real
// cache folder; plus the broken folders of issue 17 (a truncated weights file, a malformed tokenizer_config.json,
// a weights file that is a link to /dev/zero), each named in a clear error.
import { copyFile, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DownloadProgress, LxmlsHubError } from '@lxmls/hub';
import { readSafetensorsHeader } from '@lxmls/nn';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { LxmlsBertError } from './errors.js';
import { isBertFolder, loadBert, loadBertFolder } from './load.js';
import { BertModel } from './model.js';
import { BertTokenizer } from './tokenizer.js';

const FIXTURE = fileURLToPath(new URL('./__fixtures__/tiny-bert/', import.meta.url));
const FILES = ['config.json', 'model.safetensors', 'vocab.txt', 'tokenizer_config.json'];
const text = 'I will go for a run and will jump into a lake.';

let hub: { url: string; requests: string[]; server: Server };
let cacheDir: string;
beforeAll(async () => {
  const requests: string[] = [];
  const server = createServer(async (req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const match = /^\/acme\/tiny-bert\/resolve\/main\/([\w.]+)$/.exec(url);
    if (!match || !FILES.includes(match[1]!)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Entry not found');
      return;
    }
    const bytes = await readFile(join(FIXTURE, match[1]!));
    res.writeHead(200, { 'content-length': String(bytes.byteLength) }).end(bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hub = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
});
afterAll(async () => {
  hub.server.closeAllConnections();
  await new Promise((resolve) => hub.server.close(resolve));
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'lxmls-bert-hub-'));
});
afterEach(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error & { code: string }> {
  try {
    await promise;
  } catch (e) {
    expect(LxmlsBertError.isInstance(e) || LxmlsHubError.isInstance(e), String(e)).toBe(true);
    return e as Error & { code: string };
  }
  throw new Error('did not reject');
}

describe('BERT from a hub id', () => {
  test('loadBert(hub id) downloads the files, matches the folder, and works offline from the cache', async () => {
    const events: DownloadProgress[] = [];
    const fromHub = await loadBert('acme/tiny-bert', {
      hubUrl: hub.url,
      cacheDir,
      onProgress: (p) => events.push(p),
    });
    const fromFolder = await loadBertFolder(FIXTURE);
    expect(fromHub.tokenizer.encode(text).ids).toEqual(fromFolder.tokenizer.encode(text).ids);
    const a = fromHub.model.embeddings.wordEmbeddings.weight.data();
    const b = fromFolder.model.embeddings.wordEmbeddings.weight.data();
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer))).toBe(0);
    expect(fromHub.model.training).toBe(false);
    const files = events.filter((e) => e.loaded === e.total && !e.fromCache).map((e) => e.file);
    expect(files.sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer_config.json', 'vocab.txt']);
    // tokenizer.json was looked for (404) and not found; vocab.txt was used
    expect(hub.requests).toContain('/acme/tiny-bert/resolve/main/tokenizer.json');
    const offline = await loadBert('acme/tiny-bert', { hubUrl: hub.url, cacheDir, localOnly: true });
    expect(offline.config.hiddenSize).toBe(48);
    for (const m of [fromHub.model, fromFolder.model, offline.model]) m.dispose();
  });

  test('BertModel.fromPretrained(hub id) and BertTokenizer.fromPretrained(hub id) load like GPT.fromPretrained', async () => {
    const model = await BertModel.fromPretrained('acme/tiny-bert', { hubUrl: hub.url, cacheDir });
    const tokenizer = await BertTokenizer.fromPretrained('acme/tiny-bert', { hubUrl: hub.url, cacheDir });
    expect([model.config.numHiddenLayers, model.training, tokenizer.vocabSize]).toEqual([3, false, 30522]);
    model.dispose();
  });

  test('BertModel.fromPretrained(URL of a folder) reads <url>/<file>', async () => {
    const model = await BertModel.fromPretrained(`${hub.url}/acme/tiny-bert/resolve/main/`, { cacheDir });
    expect(model.config.hiddenSize).toBe(48);
    model.dispose();
  });

  test('loadBert(unknown hub id) is FILE_NOT_FOUND naming where config.json was looked for', async () => {
    const e = await rejection(loadBert('acme/nothing', { hubUrl: hub.url, cacheDir }));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toContain('the source has no config.json');
    expect(e.message).toContain(`${hub.url}/acme/nothing/resolve/main`);
  });

  test('loadBert(hub id, { localOnly: true }) with an empty cache is FILE_NOT_FOUND', async () => {
    const e = await rejection(loadBert('acme/tiny-bert', { hubUrl: hub.url, cacheDir, localOnly: true }));
    expect(e.code).toBe('FILE_NOT_FOUND');
  });
});

describe('BERT from a broken folder', () => {
  async function folder(extra: Record<string, string | Uint8Array> = {}): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'lxmls-bert-broken-'));
    for (const f of FILES) await copyFile(join(FIXTURE, f), join(dir, f));
    for (const [name, content] of Object.entries(extra)) {
      await rm(join(dir, name), { force: true });
      await writeFile(join(dir, name), content);
    }
    return dir;
  }

  test('loadBert(folder with a truncated model.safetensors) is INVALID_FILE naming the file', async () => {
    const whole = await readFile(join(FIXTURE, 'model.safetensors'));
    const dir = await folder({ 'model.safetensors': whole.subarray(0, whole.byteLength >> 1) });
    const e = await rejection(loadBert(dir));
    expect(e.code).toBe('INVALID_FILE');
    expect(e.message).toContain(join(dir, 'model.safetensors'));
    expect(e.message).toContain('model.safetensors is truncated or corrupt');
    await rm(dir, { recursive: true });
  });

  test('loadBert(folder with a malformed tokenizer_config.json) is INVALID_FILE naming the file', async () => {
    const dir = await folder({ 'tokenizer_config.json': '{"do_lower_case": tru' });
    const e = await rejection(loadBertFolder(dir));
    expect(e.code).toBe('INVALID_FILE');
    expect(e.message).toContain(join(dir, 'tokenizer_config.json'));
    await rm(dir, { recursive: true });
  });

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('loadBert(folder whose weights hold %s) is INVALID_WEIGHTS naming the tensor', async (name, bad) => {
    const whole = new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors')));
    const header = readSafetensorsHeader(whole);
    const target = header.entries.find((e) => e.dtype === 'F32')!;
    const at = header.dataOffset + target.begin + 4 * 5; // flat index 5 of the first float tensor
    new DataView(whole.buffer, whole.byteOffset).setFloat32(at, bad, true);
    const dir = await folder({ 'model.safetensors': whole });
    const e = await rejection(loadBert(dir));
    expect([e.code, (e as LxmlsBertError).argument]).toEqual(['INVALID_WEIGHTS', target.name]);
    expect(e.message).toBe(
      `[@lxmls/bert] loadBert: model.safetensors holds weights that are not finite. Expected finite weights (options.finite) in ${dir}, received ${name} at flat index 5 of ${target.shape.reduce((a, b) => a * b, 1)} (${target.name}).`,
    );
    await rm(dir, { recursive: true });
  });

  test('loadBert(folder whose model.safetensors links to /dev/zero) is refused without reading', async () => {
    const dir = await folder();
    await rm(join(dir, 'model.safetensors'));
    await symlink('/dev/zero', join(dir, 'model.safetensors'));
    const e = await rejection(loadBert(dir));
    expect(e.code).toBe('INVALID_FILE');
    expect(e.message).toContain('received a device');
    await rm(dir, { recursive: true });
  });
});

describe('BERT config checked against the weights before allocating', () => {
  test.each([
    ['hidden_size', 60000, 'hidden_size 48, as embeddings.word_embeddings.weight is [30522, 48]'],
    ['vocab_size', 2 ** 31, 'vocab_size 30522, as embeddings.word_embeddings.weight is [30522, 48]'],
    ['max_position_embeddings', 1e9, 'max_position_embeddings 64, as embeddings.position_embeddings.weight'],
    [
      'num_hidden_layers',
      10000,
      'num_hidden_layers 3, as the weights hold encoder.layer.0 to encoder.layer.2',
    ],
    ['intermediate_size', 1e8, 'intermediate_size 96, as encoder.layer.0.intermediate.dense.weight'],
  ])(
    'loadBert(folder with %s %d in config.json) is INVALID_CONFIG naming the field, before building the model',
    async (field, value, expected) => {
      const dir = await mkdtemp(join(tmpdir(), 'lxmls-bert-config-'));
      for (const f of FILES) await copyFile(join(FIXTURE, f), join(dir, f));
      const config = JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8'));
      await writeFile(
        join(dir, 'config.json'),
        JSON.stringify({ ...config, [field]: value, num_attention_heads: 1 }),
      );
      const e = await rejection(loadBert(dir));
      expect(e.code).toBe('INVALID_CONFIG');
      expect(e.message).toContain('config.json does not fit model.safetensors');
      expect(e.message).toContain(`Expected ${expected}`);
      expect(e.message).toContain(`received ${field} ${value}`);
      await rm(dir, { recursive: true });
    },
  );
});

describe('isBertFolder', () => {
  test.each([
    ['{"model_type": "bert"}', true],
    ['{"architectures": ["BertForMaskedLM"]}', true],
    ['{"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"]}', false],
    ['{"model_type": ', false],
  ])('isBertFolder with config.json %s is %s', async (config, expected) => {
    const dir = await mkdtemp(join(tmpdir(), 'lxmls-bert-'));
    await writeFile(join(dir, 'config.json'), config);
    expect(await isBertFolder(dir)).toBe(expected);
    expect(await isBertFolder(`${dir}/`)).toBe(expected);
    await rm(dir, { recursive: true });
  });

  test('isBertFolder is true for the tiny-bert fixture and false for a file or a missing folder', async () => {
    expect(await isBertFolder(FIXTURE)).toBe(true);
    expect(await isBertFolder(join(FIXTURE, 'config.json'))).toBe(false);
    expect(await isBertFolder(join(FIXTURE, 'no-such-folder'))).toBe(false);
  });
});
