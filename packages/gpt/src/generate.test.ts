import {
  createJsBackend,
  memory,
  RandomGenerator,
  registerBackend,
  setBackend,
  tensor,
  withBackend,
} from '@lxmls/tensor';
import { asyncReads } from '@lxmls/tensor/conformance';
import { describe, expect, test } from 'vitest';
import { getDefaultConfig } from './config.js';
import { LxmlsGptError } from './errors.js';
import { type GenerateOptions, generate, generateAsync, pickNext } from './generate.js';
import { GPT } from './model.js';

const ids = (rows: number[][]) => tensor(rows, undefined, 'int32');
const model = new GPT(
  { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 },
  { init: 'lcg' },
).eval();
const X11 = [1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7];

/** A gpt-nano (lcg init, eval mode) whose lm_head weight 3 is `bad` (NaN or ±Infinity). */
function withBadWeight(bad: number): GPT {
  const broken = new GPT(
    { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 },
    { init: 'lcg' },
  ).eval();
  const weight = broken.stateDict().get('lm_head.weight')!;
  const values = Float32Array.from(weight.data());
  values[3] = bad;
  broken.loadStateDict(new Map([['lm_head.weight', tensor(values, weight.shape)]]), { strict: false });
  return broken;
}

describe('generate(model, idx, maxNewTokens, options): golden values C (course-behaviour §8)', () => {
  test.each([true, false])(
    'generate greedy [[1,4,4,4,3,2]] + 6 → [1,4,4,4,3,2,7,7,7,6,6,6] (useCache %s)',
    (useCache) => {
      expect(generate(model, ids([[1, 4, 4, 4, 3, 2]]), 6, { useCache }).toArray()).toEqual([
        [1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6],
      ]);
    },
  );

  test.each([true, false])('generate greedy on a batch of two rows (useCache %s)', (useCache) => {
    const out = generate(
      model,
      ids([
        [1, 4, 4, 4, 3, 2],
        [0, 0, 2, 4, 2, 1],
      ]),
      6,
      { useCache },
    ).toArray() as number[][];
    expect(out[0]).toEqual([1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6]);
    expect(out[1]).toEqual([0, 0, 2, 4, 2, 1, 6, 7, 6, 6, 6, 6]);
  });

  test.each([true, false])(
    'generate crops the context to the last blockSize tokens: 11 tokens + 3 → …,7,7,7 (useCache %s)',
    (useCache) => {
      expect((generate(model, ids([X11]), 3, { useCache }).toArray() as number[][])[0]).toEqual([
        ...X11,
        7,
        7,
        7,
      ]);
    },
  );

  test('generate with the cache equals generate without it across the blockSize boundary (greedy)', () => {
    const start = ids([
      [1, 4],
      [3, 3],
    ]);
    const a = generate(model, start, 20, { useCache: true }).toArray();
    const b = generate(model, start, 20, { useCache: false }).toArray();
    expect(a).toEqual(b);
  });

  test('generate with temperature 0.5 and topK 3, greedy, gives the greedy result', () => {
    const out = generate(model, ids([[1, 4, 4, 4, 3, 2]]), 6, { temperature: 0.5, topK: 3 });
    expect(out.toArray()).toEqual([[1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6]]);
  });

  test.each([1e-38, 1e-45, Number.MIN_VALUE])(
    'generate with temperature %s (the logits overflow float32) is greedy, never NaN probabilities',
    (temperature) => {
      const greedy = [[1, 4, 4, 4, 3, 2, 7, 7, 7, 6, 6, 6]];
      expect(generate(model, ids([[1, 4, 4, 4, 3, 2]]), 6, { temperature }).toArray()).toEqual(greedy);
      const sampled = generate(model, ids([[1, 4, 4, 4, 3, 2]]), 6, { temperature, doSample: true, seed: 3 });
      expect(sampled.toArray()).toEqual(greedy);
    },
  );

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('generate with a weight of %s is NOT_FINITE naming the token, not token 0 forever', (_, bad) => {
    const broken = withBadWeight(bad);
    const call = () => generate(broken, ids([[1, 4]]), 3);
    expect(call).toThrow(LxmlsGptError);
    expect(call).toThrow(
      /^\[@lxmls\/gpt\] generate: the model gave a logit that is not finite\. Expected finite logits, received (NaN|-?Infinity) for token \d of row 0\./,
    );
    expect(() => generate(model, ids([[1, 4]]), 3)).not.toThrow(); // the same config, finite weights
  });

  test('generate with maxNewTokens ≤ 0 returns the input itself', () => {
    const x = ids([[1, 2]]);
    expect(generate(model, x, 0)).toBe(x);
    expect(generate(model, x, -3)).toBe(x);
  });

  test('generate with doSample: the same seed gives the same tokens, cache or not', () => {
    const x = ids([[1, 4, 4]]);
    const a = generate(model, x, 15, { doSample: true, seed: 7 }).toArray();
    expect(generate(model, x, 15, { doSample: true, generator: new RandomGenerator(7) }).toArray()).toEqual(
      a,
    );
    expect(generate(model, x, 15, { doSample: true, seed: 7, useCache: false }).toArray()).toEqual(a);
    const others = [1, 2, 3].map((seed) =>
      JSON.stringify(generate(model, x, 15, { doSample: true, seed }).toArray()),
    );
    expect(others.some((o) => o !== JSON.stringify(a))).toBe(true);
  });

  test('generate calls onToken once per step with the new token of each row', () => {
    const seen: [number[], number][] = [];
    const out = generate(model, ids([[1, 4, 4, 4, 3, 2]]), 3, { onToken: (t, step) => seen.push([t, step]) });
    expect(seen).toEqual([
      [[7], 0],
      [[7], 1],
      [[7], 2],
    ]);
    expect(out.shape).toEqual([1, 9]);
  });

  test.each([true, false])(
    'generate keeps memory flat: only the result outlives it (useCache %s)',
    (useCache) => {
      const x = ids([[1, 4]]);
      generate(model, x, 12, { useCache }).dispose();
      const before = memory();
      generate(model, x, 12, { useCache }).dispose();
      expect(memory()).toEqual(before);
    },
  );

  test.each([
    [
      'topK above the vocabulary size',
      { topK: 9 },
      'Expected an integer in [1, 8] (the vocabulary size), received topK 9 with vocabulary size 8.',
    ],
    ['temperature 0', { temperature: 0 }, 'temperature is out of range'],
    ['topP 0', { topP: 0 }, 'topP is out of range'],
  ])('generate with %s throws INVALID_ARGUMENT', (_, options, message) => {
    const call = () => generate(model, ids([[1]]), 1, options);
    expect(call).toThrow(LxmlsGptError);
    expect(call).toThrow(message);
  });
});

describe('pickNext(logits, options)', () => {
  const g = new RandomGenerator(0);
  test('pickNext greedy takes the first maximum', () => {
    expect(
      pickNext(tensor([[1, 3, 3, 0]]), { doSample: false, topK: null, topP: null, generator: g }),
    ).toEqual([1]);
  });

  test('pickNext topK keeps the ties at the k-th value (strictly smaller logits become -inf)', () => {
    // k = 2: the 2nd largest is 2, shared by ids 1 and 2, so ids 0, 1 and 2 all stay; id 3 never appears
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) {
      seen.add(pickNext(tensor([[3, 2, 2, 1.9]]), { doSample: true, topK: 2, topP: null, generator: g })[0]!);
    }
    expect([...seen].sort()).toEqual([0, 1, 2]);
  });

  test('pickNext topP keeps the smallest set reaching p', () => {
    // probabilities ≈ [0.64, 0.24, 0.09, 0.03]: p = 0.8 keeps ids 0 and 1 only
    const logits = tensor([[Math.log(0.64), Math.log(0.24), Math.log(0.09), Math.log(0.03)]]);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++)
      seen.add(pickNext(logits, { doSample: true, topK: null, topP: 0.8, generator: g })[0]!);
    expect([...seen].sort()).toEqual([0, 1]);
  });
  test('pickNext topP on a large vocabulary samples only from the nucleus of a full sort', () => {
    const g = new RandomGenerator(3);
    const V = 5000;
    const logits = Float32Array.from({ length: V }, () => g.normal());
    const probs = logits.map((x) => Math.exp(x));
    const total = probs.reduce((a, b) => a + b, 0);
    const order = Array.from({ length: V }, (_, j) => j).sort((i, j) => probs[j]! - probs[i]! || i - j);
    const nucleusSet = new Set<number>();
    for (let mass = 0, r = 0; r < V && (r === 0 || mass < 0.9); r++) {
      nucleusSet.add(order[r]!);
      mass += probs[order[r]!]! / total;
    }
    expect(nucleusSet.size).toBeGreaterThan(64); // the search must grow past its first 64 candidates
    for (let n = 0; n < 300; n++) {
      const [token] = pickNext(tensor(logits, [1, V]), {
        doSample: true,
        topK: null,
        topP: 0.9,
        generator: g,
      });
      expect(nucleusSet.has(token!)).toBe(true);
    }
  });
});

describe('generateAsync(model, idx, maxNewTokens, options)', () => {
  // the js backend whose synchronous reads throw except for int32 ids, as webgpu's
  const { backend } = asyncReads(createJsBackend(), { int32: true });
  registerBackend(backend.name, () => backend, 0);
  // the same weights (the same lcg initialisation) on the backend whose float reads are asynchronous
  const gpuModel = withBackend(backend, () =>
    new GPT(
      { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 },
      { init: 'lcg' },
    ).eval(),
  );
  const runAsync = async (rows: number[][], n: number, options: GenerateOptions = {}): Promise<unknown> => {
    await setBackend(backend.name);
    try {
      return (await generateAsync(gpuModel, ids(rows), n, options)).toArray();
    } finally {
      await setBackend('js');
    }
  };

  test('generateAsync runs where float reads throw (the backend of these tests)', () => {
    expect(() => withBackend(backend, () => gpuModel.stateDict().get('lm_head.weight')!.data())).toThrow(
      'no synchronous read (use await dataAsync())',
    );
  });

  test.each([true, false])('generateAsync greedy gives generate’s tokens (useCache %s)', async (useCache) => {
    const rows = [
      [1, 4, 4, 4, 3, 2],
      [0, 0, 2, 4, 2, 1],
    ];
    expect(await runAsync(rows, 6, { useCache })).toEqual(
      generate(model, ids(rows), 6, { useCache }).toArray(),
    );
    expect(await runAsync([X11], 3, { useCache })).toEqual(generate(model, ids([X11]), 3).toArray());
  });

  test.each([
    { doSample: true, seed: 7 },
    { doSample: true, seed: 3, topK: 3, temperature: 0.7 },
    { doSample: true, seed: 5, topP: 0.8, temperature: 1.5 },
  ])('generateAsync sampling %j gives generate’s tokens', async (options) => {
    expect(await runAsync([[1, 4, 4]], 15, options)).toEqual(
      generate(model, ids([[1, 4, 4]]), 15, options).toArray(),
    );
  });

  test('generateAsync calls onToken once per step and returns the input for maxNewTokens ≤ 0', async () => {
    const seen: [number[], number][] = [];
    await runAsync([[1, 4, 4, 4, 3, 2]], 3, { onToken: (t, step) => seen.push([t, step]) });
    expect(seen).toEqual([
      [[7], 0],
      [[7], 1],
      [[7], 2],
    ]);
    const x = ids([[1, 2]]);
    expect(await generateAsync(model, x, 0)).toBe(x);
  });

  test.each([false, true])(
    'generateAsync with a NaN weight is NOT_FINITE (doSample %s)',
    async (doSample) => {
      const broken = withBadWeight(Number.NaN);
      const error = await generateAsync(broken, ids([[1, 4]]), 3, { doSample }).catch((e) => e);
      expect(error).toBeInstanceOf(LxmlsGptError);
      expect(error.code).toBe('NOT_FINITE');
      expect(error.message).toMatch(
        /^\[@lxmls\/gpt\] generate(Async)?: the model gave a logit that is not finite\./,
      );
    },
  );

  test('generateAsync keeps memory flat: only the result outlives it', async () => {
    const x = ids([[1, 4]]);
    (await generateAsync(model, x, 12)).dispose();
    const before = memory();
    (await generateAsync(model, x, 12, { doSample: true, seed: 1 })).dispose();
    expect(memory()).toEqual(before);
  });
});
