/**
 * Tests of exportOnnx: the exported GPTs run on onnxruntime-node (graph optimisations on) and give the tensor
 * path's logits (within 1e-4 relative), attention weights and 30-token greedy continuations, for the tiny-gpt2
 * Hugging Face fixture (GPT-2 layout), the trained weather-nano (of @lxmls/models) in both attention layouts,
 * and a seeded gpt-nano of the exercise layout; the fused graph (ONNX Runtime's contrib operators) and
 * `num_logits_to_keep`; float16 weights; and the errors of bad input.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT } from '@lxmls/gpt';
import * as ort from 'onnxruntime-node';
import { describe, expect, test } from 'vitest';
import { LxmlsOnnxError } from './errors.js';
import { exportOnnx } from './export.js';
import { onnx } from './graph.js';
import { ids, nano } from './models.test.helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
// fixtures copied into this package: the tiny-gpt2 Hugging Face folder of @lxmls/gpt's tests and the trained
// weather-nano of @lxmls/models (same bytes; git stores each once)
const TINY_GPT2 = join(here, '__fixtures__/tiny-gpt2');
const WEATHER_NANO = join(here, '__fixtures__/weather-nano');

/** A session of onnxruntime-node on the bytes, with all graph optimisations. */
const session = (bytes: Uint8Array) => ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all' });

/** Runs the session on int ids (B, T); returns the named outputs. */
async function run(s: ort.InferenceSession, rows: number[][]): Promise<Record<string, ort.Tensor>> {
  const data = BigInt64Array.from(rows.flat(), (v) => BigInt(v));
  return s.run({ input_ids: new ort.Tensor('int64', data, [rows.length, rows[0]!.length]) });
}

/** The largest |a - b| / (1 + |b|) (relative, with an absolute floor at 1e-4 · 1). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
}

/** Greedy continuation on the ONNX session: the whole context at each step, argmax of the last logits. */
async function greedyOnnx(
  s: ort.InferenceSession,
  ids: number[],
  n: number,
  vocab: number,
): Promise<number[]> {
  const out = [...ids];
  for (let i = 0; i < n; i++) {
    const logits = (await run(s, [out])).logits!.data as Float32Array;
    const last = logits.subarray(logits.length - vocab);
    let best = 0;
    for (let j = 1; j < vocab; j++) if (last[j]! > last[best]!) best = j;
    out.push(best);
  }
  return out;
}

/** The models the export is checked on: name → a loader. */
const MODELS: Record<string, () => Promise<GPT>> = {
  'tiny-gpt2 (Hugging Face fixture, fused c_attn)': async () => (await GPT.fromPretrained(TINY_GPT2)).eval(),
  'weather-nano (trained, exercise layout)': async () =>
    (await GPT.fromPretrained(WEATHER_NANO, { attention: 'separate' })).eval(),
  'weather-nano (trained, fused c_attn)': async () => (await GPT.fromPretrained(WEATHER_NANO)).eval(),
  'seeded gpt-nano (exercise layout)': async () => nano(false),
  'seeded gpt-nano (pretrained layout)': async () => nano(true),
};
const cases = (...names: string[]) => names.map((name) => [name, MODELS[name]!] as const);

describe('exportOnnx(model) run by onnxruntime-node matches the tensor path', () => {
  test.each(Object.entries(MODELS))(
    'exportOnnx(%s, { attentions: true }): logits and attentions',
    async (_, load) => {
      const model = await load();
      const s = await session(exportOnnx(model, { attentions: true }));
      const { vocabSize: V, nLayer, nHead, blockSize } = model.config;
      const rows = [
        Array.from({ length: Math.min(9, blockSize) }, (_, i) => (i * 7 + 3) % V),
        Array.from({ length: Math.min(9, blockSize) }, (_, i) => (i * 5 + 1) % V),
      ]; // (2, T)
      const got = await run(s, rows);
      const want = model.forward(ids(rows), null, { returnAttentions: true });
      expect(got.logits!.dims).toEqual(want.logits.shape);
      expect(maxRelDiff(got.logits!.data as Float32Array, want.logits.data())).toBeLessThan(1e-4);
      expect(Object.keys(got).filter((k) => k.startsWith('attentions.')).length).toBe(nLayer);
      for (let i = 0; i < nLayer; i++) {
        const a = got[`attentions.${i}`]!;
        expect(a.dims).toEqual([2, nHead, rows[0]!.length, rows[0]!.length]);
        expect(maxRelDiff(a.data as Float32Array, want.attentions![i]!.data())).toBeLessThan(1e-5);
      }
      s.release();
      model.dispose();
    },
  );
});

describe('exportOnnx(model, { fused: true }) run by onnxruntime-node matches the tensor path', () => {
  test.each(
    cases(
      'tiny-gpt2 (Hugging Face fixture, fused c_attn)',
      'weather-nano (trained, exercise layout)',
      'seeded gpt-nano (pretrained layout)',
    ),
  )(
    'exportOnnx(%s, { fused: true }): logits, with and without attentions; only ONNX Runtime contrib operators added',
    async (_, load) => {
      const model = await load();
      const { vocabSize: V, nLayer, blockSize } = model.config;
      const rows = [
        Array.from({ length: Math.min(9, blockSize) }, (_, i) => (i * 7 + 3) % V),
        Array.from({ length: Math.min(9, blockSize) }, (_, i) => (i * 5 + 1) % V),
      ]; // (2, T)
      const want = model.forward(ids(rows), null, { returnAttentions: true });
      const bytes = exportOnnx(model, { fused: true });
      const ops = (b: Uint8Array) =>
        new Set(onnx.ModelProto.decode(b).graph!.node!.map((n) => `${n.domain || 'ai.onnx'}:${n.opType}`));
      expect([...ops(bytes)].filter((op) => op.startsWith('com.microsoft:')).sort()).toEqual([
        'com.microsoft:FastGelu',
        'com.microsoft:MultiHeadAttention',
        'com.microsoft:SkipLayerNormalization',
      ]);
      expect([...ops(exportOnnx(model))].every((op) => op.startsWith('ai.onnx:'))).toBe(true); // the default: standard
      const got = await run(await session(bytes), rows);
      expect(maxRelDiff(got.logits!.data as Float32Array, want.logits.data())).toBeLessThan(1e-4);
      const withAtt = await run(await session(exportOnnx(model, { fused: true, attentions: true })), rows);
      expect(maxRelDiff(withAtt.logits!.data as Float32Array, want.logits.data())).toBeLessThan(1e-4);
      for (let i = 0; i < nLayer; i++)
        expect(
          maxRelDiff(withAtt[`attentions.${i}`]!.data as Float32Array, want.attentions![i]!.data()),
        ).toBeLessThan(1e-5);
      model.dispose();
    },
  );

  test('exportOnnx(tiny-gpt2, { fused: true }): 30 greedy tokens equal Hugging Face transformers', async () => {
    const expected = JSON.parse(readFileSync(join(here, '__fixtures__/tiny-gpt2-expected.json'), 'utf8')) as {
      a: { input_ids: number[]; greedy: number[] };
    };
    const model = (await GPT.fromPretrained(TINY_GPT2)).eval();
    const s = await session(exportOnnx(model, { fused: true }));
    expect(await greedyOnnx(s, expected.a.input_ids, 30, model.config.vocabSize)).toEqual(expected.a.greedy);
    s.release();
    model.dispose();
  });

  test('exportOnnx(gpt-nano, { numLogitsToKeep: true }): num_logits_to_keep K gives the last K positions, 0 all', async () => {
    const model = nano(true);
    const s = await session(exportOnnx(model, { numLogitsToKeep: true }));
    const rows = [[1, 2, 3, 4, 5, 6]];
    const want = model.forward(ids(rows)).logits.data(); // (1, 6, V)
    const V = model.config.vocabSize;
    for (const [k, positions] of [
      [0, 6],
      [1, 1],
      [4, 4],
      [9, 6],
    ] as const) {
      const input_ids = new ort.Tensor(
        'int64',
        BigInt64Array.from(rows[0]!, (v) => BigInt(v)),
        [1, 6],
      );
      const num_logits_to_keep = new ort.Tensor('int64', BigInt64Array.of(BigInt(k)), []);
      const { logits } = await s.run({ input_ids, num_logits_to_keep });
      expect(logits!.dims).toEqual([1, positions, V]);
      expect(maxRelDiff(logits!.data as Float32Array, want.subarray((6 - positions) * V))).toBeLessThan(1e-4);
    }
    s.release();
  });
});

describe('exportOnnx(model): greedy continuations on onnxruntime-node', () => {
  test('exportOnnx(tiny-gpt2): one shared table for the tied head; 30 greedy tokens equal the tensor path and Hugging Face transformers', async () => {
    const expected = JSON.parse(readFileSync(join(here, '__fixtures__/tiny-gpt2-expected.json'), 'utf8')) as {
      a: { input_ids: number[]; greedy: number[] };
    };
    const model = (await GPT.fromPretrained(TINY_GPT2)).eval();
    const bytes = exportOnnx(model);
    // the tied head shares the token embedding's initializer: the file holds one (V, C) table, not two
    const V = model.config.vocabSize;
    const C = model.config.nEmbd;
    expect(bytes.length).toBeLessThan(4 * (model.numParameters() - V * C) + 100_000);
    const s = await session(bytes);
    const prompt = expected.a.input_ids;
    const onnx = await greedyOnnx(s, prompt, 30, model.config.vocabSize);
    const ours = (model.generate(ids([prompt]), 30).toArray() as number[][])[0];
    expect(onnx).toEqual(ours);
    expect(onnx).toEqual(expected.a.greedy);
    s.release();
    model.dispose();
  });

  test.each([
    ['weather-nano (exercise layout)', () => GPT.fromPretrained(WEATHER_NANO, { attention: 'separate' })],
    ['seeded gpt-nano, block 40', async () => nano(false)],
  ])('exportOnnx(%s): greedy continuation equals model.generate', async (_, load) => {
    const model = (await load()).eval();
    const s = await session(exportOnnx(model));
    const prompt = [1, 4, 4, 3];
    const n = model.config.blockSize - prompt.length; // weather-nano's block is 11: 7 tokens; gpt-nano: 30+
    const onnx = await greedyOnnx(s, prompt, Math.min(n, 30), model.config.vocabSize);
    expect(onnx).toEqual((model.generate(ids([prompt]), Math.min(n, 30)).toArray() as number[][])[0]);
    s.release();
    model.dispose();
  });
});

describe('exportOnnx(model, options): float16 weights and opsets', () => {
  test('exportOnnx(gpt-nano, { dtype: float16 }): half the bytes, logits within float16 rounding', async () => {
    const model = nano(true);
    const f32 = exportOnnx(model);
    const f16 = exportOnnx(model, { dtype: 'float16' });
    expect(f16.length).toBeLessThan(0.55 * f32.length);
    const rows = [[1, 2, 3, 4, 5, 6]];
    const got = (await run(await session(f16), rows)).logits!.data as Float32Array;
    const want = model.forward(ids(rows)).logits.data();
    const diff = maxRelDiff(got, want);
    expect(diff).toBeGreaterThan(0); // the weights were rounded
    expect(diff).toBeLessThan(1e-2);
  });

  test.each([17, 18, 19, 20, 21])(
    'exportOnnx(gpt-nano, { opset: %i }) runs and gives the logits',
    async (opset) => {
      const model = nano(false);
      const rows = [[3, 1, 4, 1, 5]];
      const got = (await run(await session(exportOnnx(model, { opset })), rows)).logits!.data as Float32Array;
      expect(maxRelDiff(got, model.forward(ids(rows)).logits.data())).toBeLessThan(1e-4);
    },
  );
});

describe('exportOnnx(bad input) fails at export time, naming what it cannot handle', () => {
  test.each([
    [{ opset: 16 }, 'options.opset'],
    [{ opset: 17.5 }, 'options.opset'],
    [{ dtype: 'int8' as never }, 'options.dtype'],
  ])('exportOnnx(gpt-nano, %o) throws INVALID_OPTION', (options, argument) => {
    const model = nano(false);
    const err = (() => {
      try {
        exportOnnx(model, options);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(LxmlsOnnxError.isInstance(err) && err.code).toBe('INVALID_OPTION');
    expect(String((err as Error).message)).toContain(argument);
  });

  test('exportOnnx(not a GPT) throws UNSUPPORTED_MODEL', () => {
    expect(() => exportOnnx({ weight: 1 } as never)).toThrow(/UNSUPPORTED_MODEL|is not a GPT/);
  });

  test('exportOnnx(a GPT whose attention has unknown parameters) throws UNSUPPORTED_MODEL naming them', () => {
    const model = nano(false);
    const sd = model.stateDict();
    const renamed = new Map([...sd].map(([k, v]) => [k.replace('attn.query_proj', 'attn.q_lin'), v]));
    const fake = Object.assign(Object.create(Object.getPrototypeOf(model)), model, {
      config: model.config,
      transformer: model.transformer,
      stateDict: () => renamed,
    }) as GPT;
    expect(() => exportOnnx(fake)).toThrow(/attention of block 0 .*q_lin/s);
  });
});
