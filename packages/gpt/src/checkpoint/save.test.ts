import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { memory, type Tensor, zeros } from '@lxmls/tensor';
import { afterAll, beforeEach, describe, expect, test } from 'vitest';
import { LxmlsGptError } from '../errors.js';
import { loadCheckpoint } from './load.js';
import { saveHuggingFace, toHuggingFaceFiles } from './save.js';

const FIXTURE = fileURLToPath(new URL('../__fixtures__/tiny-gpt2', import.meta.url));

/** The header of a safetensors file, parsed here (not by @lxmls/nn). */
function header(bytes: Uint8Array): Record<string, { dtype: string; shape: number[] }> {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

const sameBits = (a: Tensor, b: Tensor) =>
  a.shape.join() === b.shape.join() &&
  Buffer.compare(new Uint8Array(a.data().buffer), new Uint8Array(b.data().buffer)) === 0;

const roots: string[] = [];
let dir: string;
beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'lxmls-gpt-save-'));
  roots.push(root);
  dir = join(root, 'nested', 'out'); // saveHuggingFace creates it
});
afterAll(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

const original = await loadCheckpoint(FIXTURE);
afterAll(() => {
  for (const t of original.stateDict.values()) t.dispose();
});

describe('saveHuggingFace', () => {
  test('loadCheckpoint → saveHuggingFace → loadCheckpoint gives identical tensors and config', async () => {
    const paths = await saveHuggingFace(dir, original.config, original.stateDict);
    expect(paths).toEqual({
      configPath: join(dir, 'config.json'),
      weightsPath: join(dir, 'model.safetensors'),
    });
    // the commit marker of @lxmls/hub's writeFolderAtomic, and no temporary file or folder left
    expect((await readdir(dir)).sort()).toEqual(['.lxmls-commit.json', 'config.json', 'model.safetensors']);
    expect(await readdir(join(dir, '..'))).toEqual(['out']);
    const again = await loadCheckpoint(dir);
    expect(again.config).toEqual(original.config);
    expect(again.tieWordEmbeddings).toBe(true);
    expect([...again.stateDict.keys()]).toEqual([...original.stateDict.keys()]);
    for (const [key, t] of again.stateDict) expect(sameBits(t, original.stateDict.get(key)!), key).toBe(true);
    for (const t of again.stateDict.values()) t.dispose();
  });

  test('saveHuggingFace writes the keys, shapes and dtypes of the transformers-saved file, and format pt', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict);
    const theirs = header(new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors'))));
    const ours = header(new Uint8Array(await readFile(join(dir, 'model.safetensors'))));
    expect(ours.__metadata__).toEqual({ format: 'pt' });
    const layout = (h: typeof ours) =>
      Object.entries(h)
        .filter(([k]) => k !== '__metadata__')
        .map(([k, v]) => [k, v.dtype, v.shape])
        .sort();
    expect(layout(ours)).toEqual(layout(theirs));
  });

  test('saveHuggingFace writes a config.json equal to the transformers one in its GPT-2 fields', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict);
    const text = await readFile(join(dir, 'config.json'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    const ours = JSON.parse(text);
    const theirs = JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8'));
    for (const key of Object.keys(theirs)) {
      if (key === 'transformers_version' || key === 'initializer_range') continue; // provenance; init only
      expect([key, ours[key]]).toEqual([key, theirs[key]]);
    }
  });

  test('saveHuggingFace of the separate attention layout writes the same weights', async () => {
    const separate = await loadCheckpoint(FIXTURE, { attention: 'separate' });
    await saveHuggingFace(dir, separate.config, separate.stateDict);
    const again = await loadCheckpoint(dir);
    for (const [key, t] of again.stateDict) expect(sameBits(t, original.stateDict.get(key)!), key).toBe(true);
    for (const t of [...again.stateDict.values(), ...separate.stateDict.values()]) t.dispose();
  });

  test('saveHuggingFace({ float16: true }) writes F16 weights, half the bytes, that load back within half precision', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict, { float16: true });
    const bytes = new Uint8Array(await readFile(join(dir, 'model.safetensors')));
    const entries = Object.entries(header(bytes)).filter(([k]) => k !== '__metadata__');
    expect(entries.every(([, e]) => e.dtype === 'F16')).toBe(true);
    expect(bytes.byteLength).toBeLessThan(10005152 / 2 + 4096);
    expect(JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')).dtype).toBe('float16');
    const again = await loadCheckpoint(dir);
    expect(again.tieWordEmbeddings).toBe(true);
    for (const [key, t] of again.stateDict) {
      const a = t.data() as Float32Array;
      const b = original.stateDict.get(key)!.data() as Float32Array;
      let worst = 0;
      for (let i = 0; i < a.length; i++)
        worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(Math.abs(b[i]!), 2 ** -14));
      expect(worst, key).toBeLessThanOrEqual(2 ** -11);
    }
    for (const t of again.stateDict.values()) t.dispose();
  });

  test('saveHuggingFace with an untied lm_head writes it, with tie_word_embeddings false', async () => {
    const head = original.stateDict.get('lm_head.weight')!.mul(0.5);
    const untied = new Map(original.stateDict).set('lm_head.weight', head);
    await saveHuggingFace(dir, original.config, untied);
    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
    expect(config.tie_word_embeddings).toBe(false);
    expect(
      header(new Uint8Array(await readFile(join(dir, 'model.safetensors'))))['lm_head.weight']?.shape,
    ).toEqual([50257, 48]);
    const again = await loadCheckpoint(dir);
    expect(again.tieWordEmbeddings).toBe(false);
    expect(sameBits(again.stateDict.get('lm_head.weight')!, head)).toBe(true);
    for (const t of [...again.stateDict.values(), head]) t.dispose();
  });

  test('saveHuggingFace over an existing checkpoint replaces it', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict);
    const config = { ...original.config, residPdrop: 0.25 };
    await saveHuggingFace(dir, config, original.stateDict);
    const again = await loadCheckpoint(dir);
    expect(again.config.residPdrop).toBe(0.25);
    for (const t of again.stateDict.values()) t.dispose();
  });

  test('saveHuggingFace over an existing checkpoint removes the files of the earlier model', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict, {
      extraFiles: { 'tokenizer.json': '{}', 'lxmls.json': '{}' },
    });
    expect((await readdir(dir)).sort()).toEqual([
      '.lxmls-commit.json',
      'config.json',
      'lxmls.json',
      'model.safetensors',
      'tokenizer.json',
    ]);
    await saveHuggingFace(dir, original.config, original.stateDict);
    expect((await readdir(dir)).sort()).toEqual(['.lxmls-commit.json', 'config.json', 'model.safetensors']);
  });

  test('saveHuggingFace(dir, …, { overwrite: false }) over a checkpoint is INVALID_ARGUMENT and keeps it', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict);
    const error = await saveHuggingFace(dir, original.config, original.stateDict, { overwrite: false }).catch(
      (e: unknown) => e as LxmlsGptError,
    );
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT', fn: 'saveHuggingFace' });
    expect((error as Error).message).toContain('dir already holds files');
  });

  test('saveHuggingFace(a path inside a file) is INVALID_ARGUMENT naming the file', async () => {
    await saveHuggingFace(dir, original.config, original.stateDict);
    const inside = join(dir, 'config.json', 'model');
    const error = await saveHuggingFace(inside, original.config, original.stateDict).catch(
      (e: unknown) => e as LxmlsGptError,
    );
    expect((error as Error).message).toContain(`inside the file ${join(dir, 'config.json')}`);
  });

  test("saveHuggingFace('') is INVALID_ARGUMENT", async () => {
    await expect(saveHuggingFace('', original.config, original.stateDict)).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      argument: 'dir',
    });
  });
});

describe('toHuggingFaceFiles', () => {
  test('toHuggingFaceFiles frees the tensors it makes', () => {
    const before = memory().numTensors;
    toHuggingFaceFiles(original.config, original.stateDict);
    expect(memory().numTensors).toBe(before);
  });

  test('toHuggingFaceFiles with a state dict that does not fit the config is CHECKPOINT_MISMATCH', () => {
    const wpe = zeros([32, 48]);
    const bad = new Map(original.stateDict).set('transformer.wpe.weight', wpe);
    const before = memory().numTensors;
    try {
      toHuggingFaceFiles(original.config, bad);
      throw new Error('expected an error');
    } catch (error) {
      expect(LxmlsGptError.isInstance(error)).toBe(true);
      expect((error as LxmlsGptError).code).toBe('CHECKPOINT_MISMATCH');
      expect((error as LxmlsGptError).argument).toBe('transformer.wpe.weight');
    }
    expect(memory().numTensors).toBe(before);
    wpe.dispose();
  });

  test('toHuggingFaceFiles with a bad config is INVALID_CONFIG', () => {
    expect(() => toHuggingFaceFiles({ ...original.config, nHead: 0 }, original.stateDict)).toThrow(
      expect.objectContaining({ code: 'INVALID_CONFIG', argument: 'config.nHead' }),
    );
  });
});
