/**
 * Tests of the KV-cache export, createSession and generateOnnx: on onnxruntime-node (graph optimisations on)
 * and onnxruntime-web's wasm build in Node, for the graph of standard operators and the fused one (ONNX
 * Runtime's contrib operators, with `num_logits_to_keep`), greedy continuations equal @lxmls/gpt's `generate` on the same
 * weights (tiny-gpt2: also Hugging Face's), through the KV cache and past `blockSize` (weather-nano, block 11);
 * seeded sampling gives the same ids; the cached step's logits and attentions equal the tensor path's; and bad
 * bytes or options fail with clear errors.
 */

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rejectedError } from '@lxmls/base';
import { GPT, GPTCache, LxmlsGptError } from '@lxmls/gpt';
import type { Tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsOnnxError } from './errors.js';
import { exportOnnx } from './export.js';
import { generateOnnx } from './generate.js';
import { ids, nano } from './models.test.helpers.js';
import { chooseNumThreads, createSession, type OnnxSession, type OrtRuntimeLike } from './session.js';

const here = dirname(fileURLToPath(import.meta.url));
// fixtures copied into this package: the tiny-gpt2 Hugging Face folder of @lxmls/gpt's tests and the trained
// weather-nano of @lxmls/models (same bytes; git stores each once)
const TINY_GPT2 = join(here, '__fixtures__/tiny-gpt2');
const WEATHER_NANO = join(here, '__fixtures__/weather-nano');
const expected = JSON.parse(readFileSync(join(here, '__fixtures__/tiny-gpt2-expected.json'), 'utf8')) as {
  a: { input_ids: number[]; greedy: number[] };
};

const rowsOf = (t: Tensor) => t.toArray() as number[][];

/** The largest |a - b| / (1 + |b|). */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / (1 + Math.abs(b[i]!)));
  return m;
}

/** The export's graph: standard operators, or ONNX Runtime's contrib operators with `num_logits_to_keep`. */
const GRAPHS = [
  ['standard operators', {}],
  ['fused operators and num_logits_to_keep', { fused: true, numLogitsToKeep: true }],
] as const;

describe.each(
  (['onnx-node', 'onnx-wasm'] as const).flatMap((backend) =>
    GRAPHS.map(([name, options]) => [backend, name, options] as const),
  ),
)('generateOnnx on %s, %s', (backend, _graph, graph) => {
  const open = (model: GPT, attentions = false): Promise<OnnxSession> =>
    createSession(exportOnnx(model, { kvCache: true, attentions, ...graph }), { backend, numThreads: 1 });

  test('createSession(bytes, { backend }) opens the export on that runtime with its block size', async () => {
    const onnx = await open(nano(false));
    expect(onnx.backend).toBe(backend);
    expect(onnx.blockSize).toBe(40);
    expect(onnx.session.inputNames.slice(0, 4)).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
      'past_key_values.0.key',
    ]);
    expect(onnx.session.outputNames.slice(0, 3)).toEqual(['logits', 'present.0.key', 'present.0.value']);
    expect(onnx.session.inputNames.includes('num_logits_to_keep')).toBe('numLogitsToKeep' in graph);
    await onnx.session.release();
  });

  test('generateOnnx(tiny-gpt2, 30 tokens) equals generate and Hugging Face transformers', async () => {
    const model = (await GPT.fromPretrained(TINY_GPT2)).eval();
    const onnx = await open(model);
    const prompt = ids([expected.a.input_ids]);
    const streamed: number[] = [];
    const out = await generateOnnx(onnx, prompt, 30, { onToken: ([t]) => streamed.push(t!) });
    expect(rowsOf(out)[0]).toEqual(rowsOf(model.generate(prompt, 30))[0]);
    expect(rowsOf(out)[0]).toEqual(expected.a.greedy);
    expect(streamed).toEqual(expected.a.greedy.slice(expected.a.input_ids.length));
    await onnx.session.release();
    model.dispose();
  });

  test.each([
    [
      'weather-nano (trained, block 11: the context slides)',
      () => GPT.fromPretrained(WEATHER_NANO, { attention: 'separate' }),
    ],
    ['seeded gpt-nano (exercise layout)', async () => nano(false)],
  ])('generateOnnx(%s, 30 tokens, batch 2) equals generate', async (_, load) => {
    const model = (await load()).eval();
    const onnx = await open(model);
    const prompt = ids([
      [1, 4, 4, 3],
      [2, 6, 7, 5],
    ]);
    expect(rowsOf(await generateOnnx(onnx, prompt, 30))).toEqual(rowsOf(model.generate(prompt, 30)));
    await onnx.session.release();
    model.dispose();
  });

  test('generateOnnx(gpt-nano, { doSample, topK, topP, seed }) samples the ids generate samples', async () => {
    const model = nano(true);
    const onnx = await open(model);
    const prompt = ids([[1, 2, 3]]);
    const options = { doSample: true, temperature: 1.5, topK: 8, topP: 0.95, seed: 3 };
    const a = rowsOf(await generateOnnx(onnx, prompt, 25, options));
    expect(a).toEqual(rowsOf(model.generate(prompt, 25, options)));
    expect(a).not.toEqual(rowsOf(model.generate(prompt, 25))); // sampled, not greedy
    await onnx.session.release();
  });

  test('generateOnnx(gpt-nano, { doSample, temperature: 1e-45 }) gives the greedy ids, as generate does (no NaN probabilities)', async () => {
    const model = nano(true);
    const onnx = await open(model);
    const prompt = ids([[1, 2, 3]]);
    const cold = rowsOf(
      await generateOnnx(onnx, prompt, 25, { doSample: true, temperature: 1e-45, seed: 3 }),
    );
    expect(cold).toEqual(rowsOf(model.generate(prompt, 25))); // greedy
    expect(cold).toEqual(rowsOf(model.generate(prompt, 25, { doSample: true, temperature: 1e-45, seed: 3 })));
    await onnx.session.release();
  });

  test.each([
    ['greedy', {}],
    ['sampled', { doSample: true, seed: 3 }],
  ])(
    'generateOnnx(gpt-nano with a NaN in its head, %s) throws NOT_FINITE naming the token, as generate does',
    async (_how, options) => {
      const model = nano(false);
      const head = new Map(model.namedParameters()).get('lm_head.weight')!; // (V, C)
      const weights = Float32Array.from(head.data());
      weights.fill(Number.NaN, 5 * head.shape[1]!, 6 * head.shape[1]!); // the row of token 5
      head.copyFrom(weights);
      const onnx = await open(model);
      const prompt = ids([[1, 2, 3]]);
      const error = await rejectedError(LxmlsGptError, generateOnnx(onnx, prompt, 5, options));
      expect(error.code).toBe('NOT_FINITE');
      expect(error.message).toContain('for token 5 of row 0');
      expect(() => model.generate(prompt, 5, options)).toThrow(/for token 5 of row 0/);
      await onnx.session.release();
    },
  );

  test('the KV-cache export: a cached step gives the tensor path logits and attentions (B, nh, 1, Tpast + 1)', async () => {
    const model = (await GPT.fromPretrained(TINY_GPT2)).eval();
    const onnx = await open(model, true);
    const { Tensor } = onnx.runtime;
    const { nLayer, nHead } = model.config;
    const hs = model.config.nEmbd / nHead;
    const prompt = [10374, 441, 2486, 11, 262];
    const i64 = (v: number[]) => BigInt64Array.from(v, (x) => BigInt(x));
    const feeds = (tokens: number[], past: number, kv: (i: number, kind: string) => unknown) => {
      const f: Record<string, unknown> = {
        input_ids: new Tensor('int64', i64(tokens), [1, tokens.length]),
        attention_mask: new Tensor('int64', i64(Array(past + tokens.length).fill(1)), [
          1,
          past + tokens.length,
        ]),
        position_ids: new Tensor('int64', i64(tokens.map((_, j) => past + j)), [1, tokens.length]),
      };
      for (let i = 0; i < nLayer; i++)
        for (const kind of ['key', 'value']) f[`past_key_values.${i}.${kind}`] = kv(i, kind);
      if (onnx.session.inputNames.includes('num_logits_to_keep'))
        f.num_logits_to_keep = new Tensor('int64', i64([1]), []); // the last position's logits
      return f as Record<string, never>;
    };
    const first = await onnx.session.run(
      feeds(prompt, 0, () => new Tensor('float32', new Float32Array(0), [1, nHead, 0, hs])),
    );
    const second = await onnx.session.run(
      feeds([9104], prompt.length, (i, kind) => first[`present.${i}.${kind}`]),
    );
    const cache = new GPTCache(nLayer);
    model.forward(ids([prompt]), null, { cache });
    const want = model.forward(ids([[9104]]), null, { cache, returnAttentions: true });
    expect(second.logits!.dims).toEqual([1, 1, model.config.vocabSize]);
    expect(maxRelDiff(second.logits!.data as Float32Array, want.logits.data())).toBeLessThan(1e-4);
    for (let i = 0; i < nLayer; i++) {
      expect(second[`attentions.${i}`]!.dims).toEqual([1, nHead, 1, prompt.length + 1]);
      expect(
        maxRelDiff(second[`attentions.${i}`]!.data as Float32Array, want.attentions![i]!.data()),
      ).toBeLessThan(1e-5);
    }
    cache.dispose();
    await onnx.session.release();
    model.dispose();
  });
});

describe('createSession and generateOnnx: bad input fails with clear errors', () => {
  const code = async (p: Promise<unknown>) => {
    try {
      await p;
      return null;
    } catch (e) {
      return LxmlsOnnxError.isInstance(e) ? e.code : String(e);
    }
  };

  test.each([
    ['random bytes', Uint8Array.from({ length: 64 }, (_, i) => (i * 37 + 11) % 256)],
    ['a truncated export', exportOnnx(nano(false)).subarray(0, 5000)],
    ['an empty file', new Uint8Array(0)],
  ])('createSession(%s) throws INVALID_MODEL', async (_, bytes) => {
    expect(await code(createSession(bytes))).toBe('INVALID_MODEL');
  });

  test('generateOnnx(a session without the KV cache) throws UNSUPPORTED_MODEL', async () => {
    const onnx = await createSession(exportOnnx(nano(false)));
    expect(await code(generateOnnx(onnx, ids([[1, 2]]), 3))).toBe('UNSUPPORTED_MODEL');
  });

  test.each([[{ temperature: 0 }], [{ topK: 0 }], [{ topK: 12 }], [{ topP: 1.5 }]])(
    'generateOnnx(gpt-nano, %o) throws INVALID_OPTION',
    async (options) => {
      const onnx = await createSession(exportOnnx(nano(false), { kvCache: true }));
      expect(await code(generateOnnx(onnx, ids([[1, 2]]), 3, options))).toBe('INVALID_OPTION');
    },
  );
});

describe('createSession options reach the runtime', () => {
  test.each([
    ['onnx-node', 2, { intraOpNumThreads: 2 }],
    ['onnx-node', 1, { intraOpNumThreads: 1 }],
    ['onnx-wasm', 2, { executionProviders: ['wasm'] }],
  ] as const)(
    'createSession(bytes, { backend: %s, numThreads: %s }) creates the session with %o',
    async (backend, numThreads, expected) => {
      const seen: object[] = [];
      const env = { wasm: {} as { numThreads?: number } };
      const runtime = {
        Tensor: class {},
        env,
        InferenceSession: {
          create: async (_bytes: Uint8Array, options?: object) => {
            seen.push(options ?? {});
            return { inputNames: [], outputNames: [], run: async () => ({}), release: async () => {} };
          },
        },
      } as unknown as OrtRuntimeLike;
      const onnx = await createSession(exportOnnx(nano(false)), { backend, numThreads, runtime });
      expect(seen).toEqual([{ graphOptimizationLevel: 'all', logSeverityLevel: 3, ...expected }]);
      expect(onnx.numThreads).toBe(backend === 'onnx-node' ? numThreads : undefined);
      expect(env.wasm.numThreads).toBe(backend === 'onnx-wasm' ? numThreads : undefined);
    },
  );

  test.each([
    ['auto', 0.5, 2, undefined],
    ['auto', 1.99, 2, undefined],
    ['auto', 2, 2, 1],
    ['auto', 10.4, 2, 1],
    ['auto', 10.4, 16, undefined],
    [2, 10.4, 2, 2],
    [1, 0, 2, 1],
  ] as const)('chooseNumThreads(%s, load %d, %i cores) is %s', (numThreads, load, cores, expected) => {
    expect(chooseNumThreads(numThreads, load, cores)).toBe(expected);
  });
});
