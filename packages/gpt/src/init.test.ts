import { LayerNorm, Linear, Module } from '@lxmls/nn';
import { tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { getDefaultConfig } from './config.js';
import { initGPTWeights, lcgInit } from './init.js';
import { GPT } from './model.js';

/** The LCG of docs/course-behaviour.md §8, written out independently in float64. */
function stream(n: number): number[] {
  let state = 12345n;
  return Array.from({ length: n }, () => {
    state = (1664525n * state + 1013904223n) % 2n ** 32n;
    return (2 * Number(state)) / 2 ** 32 - 1;
  });
}

class WithBuffer extends Module {
  readonly fc = this.registerModule('fc', new Linear(2, 2));
  constructor() {
    super();
    this.registerBuffer('mask', tensor([7, 7]));
  }
}

describe('lcgInit(model) and initGPTWeights(model, nLayer, generator)', () => {
  test('lcgInit walks namedParameters in order: ≥2-D 0.1v, bias 0.01v, other 1-D 1 + 0.1v, rounded to float32', () => {
    const ln = new LayerNorm(2);
    const fc = new Linear(2, 1);
    class Pair extends Module {
      readonly a = this.registerModule('a', fc);
      readonly b = this.registerModule('b', ln);
    }
    lcgInit(new Pair());
    const v = stream(7);
    expect(Array.from(fc.weight.data())).toEqual([0.1 * v[0]!, 0.1 * v[1]!].map(Math.fround));
    expect(Array.from(fc.bias!.data())).toEqual([Math.fround(0.01 * v[2]!)]);
    expect(Array.from(ln.weight.data())).toEqual([1 + 0.1 * v[3]!, 1 + 0.1 * v[4]!].map(Math.fround));
    expect(Array.from(ln.bias.data())).toEqual([0.01 * v[5]!, 0.01 * v[6]!].map(Math.fround));
  });

  test('lcgInit leaves buffers alone, and they do not consume the stream', () => {
    const m = lcgInit(new WithBuffer());
    expect(Array.from(m.namedBuffers()[0]![1].data())).toEqual([7, 7]);
    expect(m.fc.weight.data()[0]).toBe(Math.fround(0.1 * stream(1)[0]!));
  });

  test('lcgInit on a GPT: wte first, lm_head last, the attention bias buffers untouched', () => {
    const model = new GPT(
      { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 },
      { init: 'lcg' },
    );
    const total = model.numParameters();
    const v = stream(total);
    expect(model.namedParameters()[0]![1].data()[0]).toBe(Math.fround(0.1 * v[0]!));
    expect(model.lmHead.weight.data()[383]).toBe(Math.fround(0.1 * v[total - 1]!));
    const bias = model.stateDict().get('transformer.h.0.attn.bias')!.toArray() as number[][][][];
    expect(bias[0]![0]![1]!.slice(0, 3)).toEqual([1, 1, 0]);
  });

  test('initGPTWeights is deterministic for a seeded generator and sets LayerNorms to 1 / 0', async () => {
    const { RandomGenerator } = await import('@lxmls/tensor');
    const a = initGPTWeights(new Linear(3, 3), 1, new RandomGenerator(5));
    const b = initGPTWeights(new Linear(3, 3), 1, new RandomGenerator(5));
    expect(a.weight.data()).toEqual(b.weight.data());
    expect(Array.from(a.bias!.data())).toEqual([0, 0, 0]);
  });
});
