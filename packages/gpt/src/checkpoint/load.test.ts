import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rejectedError } from '@lxmls/base';
import { readSafetensorsHeader } from '@lxmls/nn';
import { memory, type Tensor } from '@lxmls/tensor';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { LxmlsGptError } from '../errors.js';
import { hfConfigToGptConfig } from './hf-config.js';
import { checkpointFromFiles, loadCheckpoint } from './load.js';

const FIXTURE = fileURLToPath(new URL('../__fixtures__/tiny-gpt2', import.meta.url));

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lxmls-gpt-load-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const disposeAll = (m: Map<string, Tensor>) => {
  for (const t of m.values()) t.dispose();
};

const rejection = (fn: () => Promise<unknown>): Promise<LxmlsGptError> => rejectedError(LxmlsGptError, fn);

/** A checkpoint folder holding the fixture's files, with config.json fields replaced. */
async function folderWith(config: Record<string, unknown> = {}, weights?: Uint8Array): Promise<string> {
  const original = JSON.parse(await readFile(join(FIXTURE, 'config.json'), 'utf8'));
  await writeFile(join(dir, 'config.json'), JSON.stringify({ ...original, ...config }));
  if (weights) await writeFile(join(dir, 'model.safetensors'), weights);
  else await cp(join(FIXTURE, 'model.safetensors'), join(dir, 'model.safetensors'));
  return dir;
}

describe('loadCheckpoint', () => {
  test('loadCheckpoint(folder) gives the config, the course state dict and the source', async () => {
    const { config, stateDict, hfConfig, tieWordEmbeddings, source } = await loadCheckpoint(FIXTURE);
    expect(config).toEqual(hfConfigToGptConfig(hfConfig)); // its values: hf-config.test.ts
    expect(stateDict.size).toBe(2 + 12 * 3 + 2 + 1);
    expect(stateDict.get('transformer.h.2.mlp.c_fc.weight')!.shape).toEqual([192, 48]);
    expect(hfConfig.transformers_version).toBe('5.17.0');
    expect(tieWordEmbeddings).toBe(true);
    expect(source).toEqual({ kind: 'folder', location: FIXTURE, modelId: null });
    disposeAll(stateDict);
  });

  test('loadCheckpoint(folder, { attention: separate }) gives the exercise attention and pretrained false', async () => {
    const { config, stateDict } = await loadCheckpoint(FIXTURE, { attention: 'separate' });
    expect(config.pretrained).toBe(false);
    expect(stateDict.get('transformer.h.0.attn.value_proj.weight')!.shape).toEqual([48, 48]);
    expect(stateDict.has('transformer.h.0.attn.c_attn.weight')).toBe(false);
    disposeAll(stateDict);
  });

  test('loadCheckpoint leaves no tensor behind but its state dict', async () => {
    const before = memory().numTensors;
    const { stateDict } = await loadCheckpoint(FIXTURE);
    expect(memory().numTensors - before).toBe(stateDict.size);
    disposeAll(stateDict);
    expect(memory().numTensors).toBe(before);
  });

  test('loadCheckpoint(folder) with a truncated model.safetensors is INVALID_CHECKPOINT with the reason', async () => {
    const whole = await readFile(join(FIXTURE, 'model.safetensors'));
    await folderWith({}, whole.subarray(0, whole.length - 1000));
    const error = await rejection(() => loadCheckpoint(dir));
    expect(error.code).toBe('INVALID_CHECKPOINT');
    expect(error.message).toContain('model.safetensors is truncated or corrupt');
    expect(error.message).toContain(dir);
    expect(error.received).toMatch(/transformer\.wte\.weight|end|buffer/);
  });

  test.each([
    ['NaN', Number.NaN],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])(
    'loadCheckpoint(folder whose weights hold %s) is INVALID_CHECKPOINT naming the tensor',
    async (name, bad) => {
      const whole = new Uint8Array(await readFile(join(FIXTURE, 'model.safetensors')));
      const header = readSafetensorsHeader(whole);
      const target = header.entries.find((e) => e.name === 'transformer.h.1.mlp.c_fc.weight')!;
      new DataView(whole.buffer, whole.byteOffset).setFloat32(
        header.dataOffset + target.begin + 4 * 7,
        bad,
        true,
      );
      await folderWith({}, whole);
      const error = await rejection(() => loadCheckpoint(dir));
      expect(error.code).toBe('INVALID_CHECKPOINT');
      expect(error.message).toContain('model.safetensors holds weights that are not finite.');
      expect(error.received).toBe(
        'tensor "transformer.h.1.mlp.c_fc.weight" holds a value that is not finite',
      );
      expect(error.hint).toContain(`found ${name} at flat index 7`);
    },
  );

  test('loadCheckpoint(folder) with a garbage model.safetensors is INVALID_CHECKPOINT', async () => {
    await folderWith({}, new TextEncoder().encode('<html>Not a safetensors file</html>'));
    const error = await rejection(() => loadCheckpoint(dir));
    expect(error.code).toBe('INVALID_CHECKPOINT');
    expect(error.cause).toBeDefined();
  });

  test('loadCheckpoint(folder) with a config.json that is not JSON is INVALID_CHECKPOINT', async () => {
    await folderWith();
    await writeFile(join(dir, 'config.json'), '{"n_layer": 3,');
    const error = await rejection(() => loadCheckpoint(dir));
    expect(error.code).toBe('INVALID_CHECKPOINT');
    expect(error.message).toContain(join(dir, 'config.json'));
  });

  test.each([
    [{ n_positions: 32 }, 'transformer.wpe.weight', 'Expected shape (32, 48)', 'received shape (64, 48)'],
    [{ n_layer: 2 }, 'transformer.h.2.attn.c_attn.bias', 'only the GPT-2 tensors', 'transformer.h.2.'],
    [{ n_layer: 4 }, 'transformer.h.3.ln_1.weight', 'every GPT-2 tensor', 'no transformer.h.3.ln_1.weight'],
    [{ tie_word_embeddings: false }, 'lm_head.weight', 'lm_head.weight', 'no lm_head.weight'],
  ])(
    'loadCheckpoint with config.json %j is CHECKPOINT_MISMATCH on %s, before any tensor exists',
    async (fields, key, expected, received) => {
      await folderWith(fields);
      const before = memory().numTensors;
      const error = await rejection(() => loadCheckpoint(dir));
      expect(memory().numTensors).toBe(before);
      expect([error.code, error.argument]).toEqual(['CHECKPOINT_MISMATCH', key]);
      expect(error.message).toContain(expected);
      expect(error.message).toContain(received);
    },
  );

  test('loadCheckpoint with an unsupported activation is INVALID_CONFIG', async () => {
    await folderWith({ activation_function: 'relu' });
    const error = await rejection(() => loadCheckpoint(dir));
    expect([error.code, error.argument]).toEqual(['INVALID_CONFIG', 'activation_function']);
  });
});

/** Float32 → IEEE half bits (exact for the values used here). */
function toHalf(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Uint32Array(f.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = (bits >>> 13) & 0x3ff;
  return x === 0 ? sign : sign | (exp << 10) | mantissa;
}

/** A safetensors file written by hand: every tensor in `dtype`, values i·step − offset. */
function handWritten(
  shapes: Map<string, number[]>,
  dtype: 'F16' | 'BF16',
): { bytes: Uint8Array; values: Map<string, number[]> } {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  const values = new Map<string, number[]>();
  const chunks: number[] = [];
  let offset = 0;
  for (const [name, shape] of shapes) {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = Array.from({ length: n }, (_, i) => ((i % 17) - 8) * 0.25); // exact in F16 and BF16
    values.set(name, v);
    for (const x of v) {
      const bits = dtype === 'F16' ? toHalf(x) : new Uint32Array(new Float32Array([x]).buffer)[0]! >>> 16;
      chunks.push(bits & 0xff, bits >>> 8);
    }
    header[name] = { dtype, shape, data_offsets: [offset, offset + 2 * n] };
    offset += 2 * n;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + chunks.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(chunks, 8 + json.length);
  return { bytes, values };
}

describe('checkpointFromFiles', () => {
  const hfConfig = { n_layer: 1, n_head: 2, n_embd: 4, vocab_size: 10, n_positions: 8 };
  const shapes = new Map<string, number[]>([
    ['wte.weight', [10, 4]],
    ['wpe.weight', [8, 4]],
    ['h.0.ln_1.weight', [4]],
    ['h.0.ln_1.bias', [4]],
    ['h.0.attn.c_attn.weight', [4, 12]],
    ['h.0.attn.c_attn.bias', [12]],
    ['h.0.attn.c_proj.weight', [4, 4]],
    ['h.0.attn.c_proj.bias', [4]],
    ['h.0.ln_2.weight', [4]],
    ['h.0.ln_2.bias', [4]],
    ['h.0.mlp.c_fc.weight', [4, 16]],
    ['h.0.mlp.c_fc.bias', [16]],
    ['h.0.mlp.c_proj.weight', [16, 4]],
    ['h.0.mlp.c_proj.bias', [4]],
    ['ln_f.weight', [4]],
    ['ln_f.bias', [4]],
  ]);

  test.each(['F16', 'BF16'] as const)('checkpointFromFiles converts a %s checkpoint to float32', (dtype) => {
    const { bytes, values } = handWritten(shapes, dtype);
    const { stateDict } = checkpointFromFiles(JSON.stringify(hfConfig), bytes);
    const wte = stateDict.get('transformer.wte.weight')!;
    expect(wte.dtype).toBe('float32');
    expect(Array.from(wte.data())).toEqual(values.get('wte.weight'));
    // A Conv1D weight, transposed: ours[o][i] = file[i][o].
    const fc = stateDict.get('transformer.h.0.mlp.c_fc.weight')!.toArray() as number[][];
    const file = values.get('h.0.mlp.c_fc.weight')!;
    expect(fc[5]![2]).toBe(file[2 * 16 + 5]);
    expect(Array.from(stateDict.get('lm_head.weight')!.data())).toEqual(values.get('wte.weight'));
    disposeAll(stateDict);
  });

  test('checkpointFromFiles with config.json text that is not JSON is INVALID_CHECKPOINT', () => {
    expect(() => checkpointFromFiles('nope', new Uint8Array(8))).toThrow(
      expect.objectContaining({ code: 'INVALID_CHECKPOINT', argument: 'configJson' }),
    );
  });
});

describe('loadCheckpoint checks config.json against the weights before allocating', () => {
  test.each([[1e7], [2000]])(
    'loadCheckpoint(folder with n_layer %d) is CHECKPOINT_MISMATCH naming n_layer, at once',
    async (nLayer) => {
      const error = await rejection(async () => loadCheckpoint(await folderWith({ n_layer: nLayer })));
      expect(error.code).toBe('CHECKPOINT_MISMATCH');
      expect(error.message).toContain(
        `Expected n_layer 3, as the weights hold transformer.h.0 to transformer.h.2 in ${dir}`,
      );
      expect(error.message).toContain(`received n_layer ${nLayer}`);
    },
  );

  test('loadCheckpoint(folder with vocab_size 2**31) is CHECKPOINT_MISMATCH naming wte, at once', async () => {
    const error = await rejection(async () => loadCheckpoint(await folderWith({ vocab_size: 2 ** 31 })));
    expect(error.code).toBe('CHECKPOINT_MISMATCH');
    expect(error.message).toContain('wte.weight does not fit the config');
  });
});
