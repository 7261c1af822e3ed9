import {
  type AttentionModuleOptions,
  type CausalSelfAttentionConfig,
  FusedCausalSelfAttention,
} from '@lxmls/attention';
import { BPETokenizer } from '@lxmls/bpe';
import { Dropout, Linear, Module } from '@lxmls/nn';
import {
  maskedFill,
  matmul,
  noGrad,
  permute,
  RandomGenerator,
  reshape,
  slice,
  softmax,
  sub,
  type Tensor,
  tensor,
  tidy,
} from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { weatherConfig } from './__fixtures__/weather-config.js';
import { getDefaultConfig } from './config.js';
import { generate } from './generate.js';
import { GPTCache } from './kv-cache.js';
import { GPT } from './model.js';
import { promptTopK } from './prompt.js';

/**
 * A student's solution of Exercise 2.2 as the notebook writes it: its own class, the exercise form's parameter
 * names, `forward(x)` returning a tensor, no options, no KV cache.
 */
class StudentAttention extends Module {
  readonly nHead: number;
  readonly queryProj: Linear;
  readonly keyProj: Linear;
  readonly valueProj: Linear;
  readonly outputProj: Linear;
  readonly attnDropout: Dropout;
  readonly residDropout: Dropout;
  readonly bias: Tensor;

  constructor(config: CausalSelfAttentionConfig, options: AttentionModuleOptions = {}) {
    super();
    const C = config.nEmbd;
    const n = config.blockSize;
    const init = { generator: options.initGenerator ?? options.generator };
    this.nHead = config.nHead;
    this.queryProj = this.registerModule('query_proj', new Linear(C, C, init));
    this.keyProj = this.registerModule('key_proj', new Linear(C, C, init));
    this.valueProj = this.registerModule('value_proj', new Linear(C, C, init));
    this.outputProj = this.registerModule('output_proj', new Linear(C, C, init));
    this.attnDropout = this.registerModule('attn_dropout', new Dropout(config.attnPdrop ?? 0));
    this.residDropout = this.registerModule('resid_dropout', new Dropout(config.residPdrop ?? 0));
    const tril = Array.from({ length: n * n }, (_, i) => (i % n <= Math.floor(i / n) ? 1 : 0));
    this.bias = this.registerBuffer('bias', tensor(tril, [1, 1, n, n]));
  }

  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    const hs = C / this.nHead;
    const heads = (t: Tensor) => permute(reshape(t, [B, T, this.nHead, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)
    const q = heads(this.queryProj.forward(x)); // (B, nh, T, hs)
    const k = heads(this.keyProj.forward(x)); // (B, nh, T, hs)
    const v = heads(this.valueProj.forward(x)); // (B, nh, T, hs)
    const scores = matmul(q, k, { transposeB: true }).div(Math.sqrt(hs)); // (B, nh, T, T)
    const future = sub(1, slice(this.bias, [0, 0, 0, 0], [1, 1, T, T])); // (1, 1, T, T): 1 above the diagonal
    const weights = this.attnDropout.forward(softmax(maskedFill(scores, future, -Infinity), -1)); // (B, nh, T, T)
    const y = reshape(permute(matmul(weights, v), [0, 2, 1, 3]), [B, T, C]); // (B, T, C)
    return this.residDropout.forward(this.outputProj.forward(y)); // (B, T, C)
  }
}

const ids = (rows: number[][]) => tensor(rows, undefined, 'int32');
// golden values A of docs/course-behaviour.md §8 (lxmls master, torch 1.13, LCG initialisation)
const X = [1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7];
const Y = [-1, -1, -1, -1, -1, 6, 7, 7, 7, 7, 7];
const GOLDEN_LOSS = 1.7292594909667969;

describe('GPT(config, { attention }): the attention of every block from a class or a factory', () => {
  test.each([
    ['the default (exercise form)', undefined, 'CausalSelfAttention', true],
    ['FusedCausalSelfAttention', FusedCausalSelfAttention, 'FusedCausalSelfAttention', true],
    ['a student class', StudentAttention, 'StudentAttention', false],
    [
      'a factory function',
      (c: CausalSelfAttentionConfig, o?: AttentionModuleOptions) => new FusedCausalSelfAttention(c, o),
      'FusedCausalSelfAttention',
      true,
    ],
  ] as const)(
    'GPT with %s: golden loss A, the toolkit state dict, the class name in the repr',
    (_, attention, name, kv) => {
      const model = new GPT(weatherConfig(), { init: 'lcg', ...(attention ? { attention } : {}) }).eval();
      const loss = model.forward(ids([X]), ids([Y])).loss!.item();
      expect(Math.abs(loss - GOLDEN_LOSS)).toBeLessThan(1e-5 * GOLDEN_LOSS);
      expect([...model.stateDict().keys()].filter((k) => k.startsWith('transformer.h.0.attn.'))).toEqual([
        'transformer.h.0.attn.bias',
        'transformer.h.0.attn.query_proj.weight',
        'transformer.h.0.attn.query_proj.bias',
        'transformer.h.0.attn.key_proj.weight',
        'transformer.h.0.attn.key_proj.bias',
        'transformer.h.0.attn.value_proj.weight',
        'transformer.h.0.attn.value_proj.bias',
        'transformer.h.0.attn.output_proj.weight',
        'transformer.h.0.attn.output_proj.bias',
      ]);
      const lines = model.toString().split('\n');
      expect(lines.filter((line) => line.includes('(attn): '))).toEqual([`        (attn): ${name}(`]);
      expect(model.supportsKVCache).toBe(kv);
      model.dispose();
    },
  );

  test('GPT with pretrained: true and no attention option keeps the fused c_attn form', () => {
    const model = new GPT(weatherConfig({ pretrained: true }), { init: 'none' });
    expect(model.toString()).toContain('(attn): PretrainedCausalSelfAttention(');
    expect(model.supportsKVCache).toBe(true);
  });

  test('GPT with a student attention trains: the gradient reaches its projections', () => {
    const model = new GPT(weatherConfig(), {
      attention: StudentAttention,
      generator: new RandomGenerator(1),
    });
    const { loss } = model.forward(ids([X, X]), ids([Y, Y]));
    loss!.backward();
    const grad = new Map(model.namedParameters()).get('transformer.h.1.attn.query_proj.weight')!.grad!;
    expect(Array.from(grad.data()).some((v) => v !== 0)).toBe(true);
    model.dispose();
  });

  test('GPT with an attention factory that returns no module throws INVALID_ARGUMENT naming it', () => {
    const attention = () => ({ forward: (x: Tensor) => x }) as unknown as Module;
    expect(() => new GPT(weatherConfig(), { attention: attention as never })).toThrow(
      'attention did not build an attention module',
    );
  });
});

describe('GPT with an attention module that keeps no KV cache (a student module)', () => {
  const student = new GPT(weatherConfig(), { init: 'lcg', attention: StudentAttention }).eval();
  const exercise = new GPT(weatherConfig(), { init: 'none' }).eval();
  tidy(() => exercise.loadStateDict(student.stateDict()));

  test.each([
    ['greedy', {}],
    ['sampled, seed 5, topK 4', { doSample: true, seed: 5, topK: 4 }],
  ] as const)(
    'generate (%s) recomputes the context and equals the cached generate on the same weights',
    (_, options) => {
      const prompt = ids([
        [1, 4, 4, 4, 3, 2],
        [0, 1, 2, 3, 4, 5],
      ]);
      // 10 new tokens: past blockSize 11, so the context also slides
      const a = generate(student, prompt, 10, options).toArray();
      const b = generate(exercise, prompt, 10, { ...options, useCache: true }).toArray();
      expect(a).toEqual(b);
    },
  );

  test('forward with a cache throws INVALID_ARGUMENT: this model cannot use a KV cache', () => {
    const cache = new GPTCache(3);
    expect(() => noGrad(() => student.forward(ids([X]), null, { cache }))).toThrow(
      'this model cannot use a KV cache. Expected attention modules with supportsKVCache: true, received the attention StudentAttention, which does not declare supportsKVCache',
    );
    cache.dispose();
  });

  test('forward with returnAttentions throws an error naming the block, the class and what to return', () => {
    expect(() => student.forward(ids([X]), null, { returnAttentions: true })).toThrow(
      'the attention of block 0 (StudentAttention) does not return its weights. Expected forward(x, { returnWeights: true }) to return { output, weights (B, nh, T, T) }',
    );
    expect(() => student.forward(ids([X]), null, { returnQueriesKeys: true })).toThrow(
      'the attention of block 0 (StudentAttention) does not return its queries and keys',
    );
  });

  test('an attention that returns the wrong shape throws INVALID_ARGUMENT naming the class and both shapes', () => {
    class Halves extends StudentAttention {
      override forward(x: Tensor): Tensor {
        const [B, T, C] = x.shape as [number, number, number];
        return slice(super.forward(x), [0, 0, 0], [B, T, C / 2]); // (B, T, C/2)
      }
    }
    const model = new GPT(weatherConfig(), { init: 'lcg', attention: Halves });
    expect(() => model.forward(ids([X]))).toThrow(
      'the attention returned the wrong shape. Expected (1, 11, 48), the shape of x (B, T, C), received (1, 11, 24).',
    );
  });

  test('a module that claims supportsKVCache but ignores the cache is caught', () => {
    class Liar extends StudentAttention {
      readonly supportsKVCache = true;
    }
    const model = new GPT(weatherConfig(), { init: 'lcg', attention: Liar }).eval();
    expect(() => generate(model, ids([[1, 2, 3]]), 2)).toThrow(
      'the attention of block 0 (Liar) ignored the KV cache',
    );
  });

  test('promptTopK with a student module gives golden values E (GPT-2 vocabulary, LCG init)', () => {
    const config = { ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 50257, blockSize: 1024 };
    const model = new GPT(config, { init: 'lcg', attention: StudentAttention }).eval();
    const texts = promptTopK(model, 'Barack Obama, the', 5, 3, { tokenizer: new BPETokenizer() });
    expect(texts).toEqual([
      'Barack Obama, the pathways sillyledged BashMont',
      'Barack Obama, the derivatives impactedelsh Courtesy pointed',
      'Barack Obama, theodydeclledgedoled Marshal',
    ]);
    expect(model.prompt('Barack Obama, the', 5, 1, false)).toEqual([texts[0]]);
    model.dispose();
  });
});
