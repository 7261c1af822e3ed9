import { createJsBackend, RandomGenerator, randn, withBackend } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { attentionGradients } from './__fixtures__/gradients.js';
import { CausalSelfAttention } from './causal-self-attention.js';
import { FusedCausalSelfAttention } from './fused-causal-self-attention.js';
import { KVCache } from './kv-cache.js';

// The fused module against the exercise form on the js backend (the wasm backend: tools/fused-attention.test.ts).
const sizes = { nEmbd: 12, nHead: 3, blockSize: 8 };

const maxGap = (a: Float32Array, b: Float32Array) => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
};

describe('FusedCausalSelfAttention(config, options)', () => {
  test('FusedCausalSelfAttention has the exercise form parameters and buffer: state dicts interchange', () => {
    const fused = new FusedCausalSelfAttention(sizes, { generator: new RandomGenerator(0) });
    const exercise = new CausalSelfAttention(sizes, { generator: new RandomGenerator(0) });
    expect([...fused.stateDict().keys()]).toEqual([...exercise.stateDict().keys()]);
    const other = new CausalSelfAttention(sizes, { generator: new RandomGenerator(1) });
    const { missingKeys, unexpectedKeys } = other.loadStateDict(fused.stateDict());
    expect([missingKeys, unexpectedKeys]).toEqual([[], []]);
    expect(fused.supportsKVCache).toBe(true);
    expect(String(fused).split('\n').slice(0, 2)).toEqual([
      'FusedCausalSelfAttention(',
      '  (query_proj): Linear(in_features=12, out_features=12, bias=True)',
    ]);
  });

  test.each([
    [0, 5],
    [0, 8],
    [0.3, 5],
    [0.3, 8],
  ])(
    'FusedCausalSelfAttention.forward equals the exercise form in values and all gradients (js; dropout %f, T %i)',
    (p, T) => {
      withBackend(createJsBackend(), () => {
        const config = { ...sizes, attnPdrop: p, residPdrop: p };
        // the same seed: the same initial weights and the same stream of dropout seeds
        const exercise = attentionGradients(
          new CausalSelfAttention(config, { generator: new RandomGenerator(3) }),
          [2, T, 12],
        );
        const fused = attentionGradients(
          new FusedCausalSelfAttention(config, { generator: new RandomGenerator(3) }),
          [2, T, 12],
        );
        expect([...fused.keys()]).toEqual([...exercise.keys()]);
        expect(fused.size).toBe(10); // output, x.grad and the 8 parameters' grads
        for (const [name, values] of exercise) {
          expect(
            values.some((v) => v !== 0),
            name,
          ).toBe(true);
          expect(maxGap(fused.get(name)!, values), name).toBeLessThan(1e-5);
        }
      });
    },
  );

  test('FusedCausalSelfAttention.forward with a cache or returnWeights runs the composed steps', () => {
    const fused = new FusedCausalSelfAttention(sizes, { generator: new RandomGenerator(4) }).eval();
    const x = randn([1, 4, 12], new RandomGenerator(5));
    const plain = fused.forward(x);
    const withWeights = fused.forward(x, { returnWeights: true, returnQueriesKeys: true });
    expect(plain.weights).toBeNull();
    expect(withWeights.weights?.shape).toEqual([1, 3, 4, 4]);
    expect(withWeights.queries?.shape).toEqual([1, 3, 4, 4]);
    expect(
      maxGap(Float32Array.from(plain.output.data()), Float32Array.from(withWeights.output.data())),
    ).toBeLessThan(1e-5);
    const cache = new KVCache();
    const cached = fused.forward(x, { cache });
    expect(cache.length).toBe(4);
    expect(
      maxGap(Float32Array.from(cached.output.data()), Float32Array.from(plain.output.data())),
    ).toBeLessThan(1e-5);
    cache.dispose();
  });

  test('FusedCausalSelfAttention.forward past blockSize throws SEQUENCE_TOO_LONG', () => {
    const fused = new FusedCausalSelfAttention(sizes);
    expect(() => fused.forward(randn([1, 9, 12]))).toThrow(
      'Cannot attend over 9 positions. Expected at most blockSize 8 positions (cached + new), received 0 cached + 9 new.',
    );
  });
});
