import { readFileSync } from 'node:fs';
import { thrownError } from '@lxmls/base';
import { readSafetensors } from '@lxmls/nn';
import { memory, type Tensor, tensor, zeros } from '@lxmls/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { LxmlsGptError } from '../errors.js';
import {
  canonicalHfKey,
  checkHfTensorShapes,
  expectedHfShapes,
  hfStateDictToMinGpt,
  minGptStateDictToHf,
} from './hf-weights.js';

const bytes = new Uint8Array(
  readFileSync(new URL('../__fixtures__/tiny-gpt2/model.safetensors', import.meta.url)),
);
const config = { nLayer: 3, nHead: 3, nEmbd: 48, vocabSize: 50257, blockSize: 64 };
const C = 48;

/** One tensor straight from the file's bytes (header parsed here, not by @lxmls/nn): shape and values. */
function raw(name: string): { shape: number[]; values: Float32Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const n = Number(view.getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  const {
    dtype,
    shape,
    data_offsets: [begin, end],
  } = header[name];
  expect(dtype).toBe('F32');
  return { shape, values: new Float32Array(bytes.slice(8 + n + begin, 8 + n + end).buffer) };
}

const hf = readSafetensors(bytes).tensors;
const made: Tensor[] = [];
/** Registers the tensors of a result that are not the input's, to free them at the end. */
const track = (m: Map<string, Tensor>) => {
  for (const t of m.values()) if (![...hf.values()].includes(t)) made.push(t);
  return m;
};
afterAll(() => {
  for (const t of new Set(made)) t.dispose();
  for (const t of hf.values()) t.dispose();
});

const thrown = (fn: () => unknown): LxmlsGptError => thrownError(LxmlsGptError, fn);

describe('hfStateDictToMinGpt', () => {
  const ours = track(hfStateDictToMinGpt(hf, config));

  test('hfStateDictToMinGpt(tiny-gpt2) gives minGPT names in parameter order, lm_head last', () => {
    const block = (i: number) =>
      [
        'ln_1.weight',
        'ln_1.bias',
        'attn.c_attn.weight',
        'attn.c_attn.bias',
        'attn.c_proj.weight',
        'attn.c_proj.bias',
        'ln_2.weight',
        'ln_2.bias',
        'mlp.c_fc.weight',
        'mlp.c_fc.bias',
        'mlp.c_proj.weight',
        'mlp.c_proj.bias',
      ].map((k) => `transformer.h.${i}.${k}`);
    expect([...ours.keys()]).toEqual([
      'transformer.wte.weight',
      'transformer.wpe.weight',
      ...block(0),
      ...block(1),
      ...block(2),
      'transformer.ln_f.weight',
      'transformer.ln_f.bias',
      'lm_head.weight',
    ]);
  });

  test.each([
    ['attn.c_attn.weight', [3 * C, C]],
    ['attn.c_proj.weight', [C, C]],
    ['mlp.c_fc.weight', [4 * C, C]],
    ['mlp.c_proj.weight', [C, 4 * C]],
  ])('hfStateDictToMinGpt transposes the Conv1D %s to Linear %j, element by element', (key, shape) => {
    for (const i of [0, 2]) {
      const file = raw(`transformer.h.${i}.${key}`);
      expect(file.shape).toEqual([shape[1], shape[0]]);
      const t = ours.get(`transformer.h.${i}.${key}`)!;
      expect(t.shape).toEqual(shape);
      const data = t.data();
      const [out, inp] = shape as [number, number];
      for (let o = 0; o < out; o++) {
        for (let k = 0; k < inp; k++) {
          if (data[o * inp + k] !== file.values[k * out + o]) {
            throw new Error(
              `${key} [${o}, ${k}] differs: ${data[o * inp + k]} vs ${file.values[k * out + o]}`,
            );
          }
        }
      }
    }
  });

  test('hfStateDictToMinGpt keeps the other tensors as they are, and copies wte into lm_head', () => {
    for (const key of [
      'transformer.wpe.weight',
      'transformer.h.1.ln_2.bias',
      'transformer.h.1.attn.c_attn.bias',
    ]) {
      expect(Array.from(ours.get(key)!.data())).toEqual(Array.from(raw(key).values));
    }
    const wte = raw('transformer.wte.weight').values;
    const head = ours.get('lm_head.weight')!;
    expect(head.shape).toEqual([50257, 48]);
    expect(head === ours.get('transformer.wte.weight')).toBe(false); // a copy: the course GPT's head is untied
    expect(Buffer.compare(new Uint8Array(head.data().buffer), new Uint8Array(wte.buffer))).toBe(0);
  });

  test('hfStateDictToMinGpt({ attention: separate }) splits c_attn into q, k, v and renames c_proj', () => {
    const separate = track(hfStateDictToMinGpt(hf, config, { attention: 'separate' }));
    const h = 'transformer.h.1.attn';
    expect([...separate.keys()].filter((k) => k.startsWith(`${h}.`))).toEqual([
      `${h}.query_proj.weight`,
      `${h}.query_proj.bias`,
      `${h}.key_proj.weight`,
      `${h}.key_proj.bias`,
      `${h}.value_proj.weight`,
      `${h}.value_proj.bias`,
      `${h}.output_proj.weight`,
      `${h}.output_proj.bias`,
    ]);
    const fused = ours.get(`${h}.c_attn.weight`)!.toArray() as number[][]; // (3C, C)
    const fusedBias = ours.get(`${h}.c_attn.bias`)!.toArray() as number[];
    ['query_proj', 'key_proj', 'value_proj'].forEach((p, j) => {
      expect(separate.get(`${h}.${p}.weight`)!.toArray()).toEqual(fused.slice(j * C, (j + 1) * C));
      expect(separate.get(`${h}.${p}.bias`)!.toArray()).toEqual(fusedBias.slice(j * C, (j + 1) * C));
    });
    expect(separate.get(`${h}.output_proj.weight`)!.toArray()).toEqual(
      ours.get(`${h}.c_proj.weight`)!.toArray(),
    );
  });

  test('hfStateDictToMinGpt accepts keys without the transformer. prefix and ignores mask buffers', () => {
    const bare = new Map<string, Tensor>();
    for (const [k, t] of hf) bare.set(k.replace(/^transformer\./, ''), t);
    const mask = zeros([1, 1, 64, 64]);
    const masked = zeros([]);
    bare.set('h.0.attn.bias', mask);
    bare.set('h.0.attn.masked_bias', masked);
    const result = track(hfStateDictToMinGpt(bare, config));
    expect([...result.keys()]).toEqual([...ours.keys()]);
    expect(result.get('transformer.h.0.attn.c_attn.weight')!.toArray()).toEqual(
      ours.get('transformer.h.0.attn.c_attn.weight')!.toArray(),
    );
    mask.dispose();
    masked.dispose();
  });

  test('hfStateDictToMinGpt uses a stored lm_head.weight unless tied', () => {
    const head = zeros([50257, 48]);
    const withHead = new Map([...hf, ['lm_head.weight', head]]);
    const untied = track(hfStateDictToMinGpt(withHead, config));
    expect(untied.get('lm_head.weight')).toBe(head);
    const tied = track(hfStateDictToMinGpt(withHead, config, { tieWordEmbeddings: true }));
    expect(tied.get('lm_head.weight')!.data()[0]).toBe(raw('transformer.wte.weight').values[0]);
    head.dispose();
  });

  test('hfStateDictToMinGpt({ consume: true }) frees the inputs it replaces and leaks nothing', () => {
    const copy = new Map([...hf].map(([k, t]) => [k, t.clone()]));
    const before = memory().numTensors;
    const result = hfStateDictToMinGpt(copy, config, { consume: true });
    // 12 transposed weights replace their originals; lm_head is one new tensor.
    expect(memory().numTensors - before).toBe(1);
    for (const key of ['transformer.h.0.attn.c_attn.weight', 'transformer.h.2.mlp.c_proj.weight']) {
      expect(copy.get(key)!.isDisposed).toBe(true);
    }
    for (const t of result.values()) t.dispose();
  });

  test('hfStateDictToMinGpt({ tieWordEmbeddings: false }) without lm_head is CHECKPOINT_MISMATCH', () => {
    const error = thrown(() => hfStateDictToMinGpt(hf, config, { tieWordEmbeddings: false }));
    expect([error.code, error.argument]).toEqual(['CHECKPOINT_MISMATCH', 'lm_head.weight']);
  });
});

describe('checkHfTensorShapes', () => {
  const header = new Map([...expectedHfShapes(config)].map(([k, shape]) => [k, { shape, dtype: 'F32' }]));

  test('checkHfTensorShapes(tiny-gpt2 header) maps every canonical key to the stored one', () => {
    const stored = checkHfTensorShapes(header, config);
    expect(stored.size).toBe(4 + 12 * 3);
    expect(stored.get('transformer.h.2.mlp.c_fc.weight')).toBe('transformer.h.2.mlp.c_fc.weight');
  });

  test('checkHfTensorShapes names the key and both shapes of a mismatch', () => {
    const bad = new Map(header);
    bad.set('transformer.h.1.mlp.c_fc.weight', { shape: [192, 48], dtype: 'F32' }); // Linear orientation
    const error = thrown(() => checkHfTensorShapes(bad, config));
    expect(error.code).toBe('CHECKPOINT_MISMATCH');
    expect(error.argument).toBe('transformer.h.1.mlp.c_fc.weight');
    expect(error.message).toContain('Expected shape (48, 192)');
    expect(error.message).toContain('received shape (192, 48)');
  });

  test.each([
    [
      'a missing key',
      'CHECKPOINT_MISMATCH',
      'transformer.h.2.ln_1.bias',
      (m: Map<string, unknown>) => m.delete('transformer.h.2.ln_1.bias'),
    ],
    [
      'a 4th block',
      'CHECKPOINT_MISMATCH',
      'transformer.h.3.ln_1.bias',
      (m: Map<string, unknown>) => m.set('transformer.h.3.ln_1.bias', { shape: [48] }),
    ],
    [
      'a key stored twice',
      'INVALID_CHECKPOINT',
      'wpe.weight',
      (m: Map<string, unknown>) => m.set('wpe.weight', { shape: [64, 48] }),
    ],
    [
      'an integer tensor',
      'INVALID_CHECKPOINT',
      'transformer.ln_f.bias',
      (m: Map<string, unknown>) => m.set('transformer.ln_f.bias', { shape: [48], dtype: 'I64' }),
    ],
    [
      'an lm_head of another size',
      'CHECKPOINT_MISMATCH',
      'lm_head.weight',
      (m: Map<string, unknown>) => m.set('lm_head.weight', { shape: [50000, 48] }),
    ],
  ])('checkHfTensorShapes rejects %s with %s', (_, code, argument, change) => {
    const bad = new Map<string, unknown>(header);
    change(bad);
    const error = thrown(() => checkHfTensorShapes(bad as typeof header, config));
    expect([error.code, error.argument]).toEqual([code, argument]);
  });

  test.each([
    ['h.0.attn.c_attn.weight', 'transformer.h.0.attn.c_attn.weight'],
    ['wte.weight', 'transformer.wte.weight'],
    ['transformer.ln_f.bias', 'transformer.ln_f.bias'],
    ['lm_head.weight', 'lm_head.weight'],
  ])('canonicalHfKey(%s) is %s', (key, expected) => {
    expect(canonicalHfKey(key)).toBe(expected);
  });
});

describe('minGptStateDictToHf', () => {
  const ours = track(hfStateDictToMinGpt(hf, config));

  test('minGptStateDictToHf(hfStateDictToMinGpt(x)) gives back x bit for bit, without lm_head (tied)', () => {
    const { tensors, tieWordEmbeddings } = minGptStateDictToHf(ours);
    track(tensors);
    expect(tieWordEmbeddings).toBe(true);
    expect([...tensors.keys()].sort()).toEqual([...hf.keys()].sort());
    for (const [key, t] of tensors) {
      expect(t.shape).toEqual(hf.get(key)!.shape);
      const a = t.data();
      const b = hf.get(key)!.data();
      expect(Buffer.compare(new Uint8Array(a.buffer), new Uint8Array(b.buffer)), key).toBe(0);
    }
  });

  test('minGptStateDictToHf of the separate layout fuses q, k, v back into c_attn', () => {
    const separate = track(hfStateDictToMinGpt(hf, config, { attention: 'separate' }));
    separate.set('transformer.h.0.attn.bias', zeros([1, 1, 64, 64])); // the exercise's persistent mask buffer
    made.push(separate.get('transformer.h.0.attn.bias')!);
    const { tensors } = minGptStateDictToHf(separate);
    track(tensors);
    expect([...tensors.keys()].sort()).toEqual([...hf.keys()].sort());
    expect(tensors.get('transformer.h.2.attn.c_attn.weight')!.toArray()).toEqual(
      hf.get('transformer.h.2.attn.c_attn.weight')!.toArray(),
    );
  });

  test('minGptStateDictToHf keeps an untied lm_head (auto) and rejects tieWordEmbeddings: true', () => {
    const changed = new Map(ours);
    const head = ours.get('lm_head.weight')!.mul(2);
    made.push(head);
    changed.set('lm_head.weight', head);
    const { tensors, tieWordEmbeddings } = minGptStateDictToHf(changed);
    track(tensors);
    expect(tieWordEmbeddings).toBe(false);
    expect(tensors.get('lm_head.weight')).toBe(head);
    const error = thrown(() => minGptStateDictToHf(changed, { tieWordEmbeddings: true }));
    expect([error.code, error.argument]).toEqual(['INVALID_ARGUMENT', 'options.tieWordEmbeddings']);
  });

  test('minGptStateDictToHf({ tieWordEmbeddings: false }) always writes lm_head', () => {
    const { tensors, tieWordEmbeddings } = minGptStateDictToHf(ours, { tieWordEmbeddings: false });
    track(tensors);
    expect([tieWordEmbeddings, tensors.has('lm_head.weight')]).toEqual([false, true]);
  });

  test.each([
    ['an unknown key', (m: Map<string, Tensor>) => m.set('transformer.h.0.attn.rotary', tensor([1]))],
    ['a missing key', (m: Map<string, Tensor>) => m.delete('transformer.h.1.ln_2.weight')],
    ['no lm_head', (m: Map<string, Tensor>) => m.delete('lm_head.weight')],
    [
      'both attention layouts',
      (m: Map<string, Tensor>) => m.set('transformer.h.0.attn.query_proj.weight', tensor([1])),
    ],
  ])('minGptStateDictToHf rejects %s with INVALID_ARGUMENT and leaks nothing', (_, change) => {
    const bad = new Map(ours);
    change(bad);
    const extra = [...bad.values()].filter((t) => ![...ours.values()].includes(t));
    const before = memory().numTensors;
    expect(thrown(() => minGptStateDictToHf(bad)).code).toBe('INVALID_ARGUMENT');
    expect(memory().numTensors).toBe(before);
    for (const t of extra) t.dispose();
  });
});
