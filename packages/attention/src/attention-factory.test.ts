import { LxmlsAttentionError } from '@lxmls/attention';
import { Module } from '@lxmls/nn';
import { type Tensor, zeros } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { createAttention, toAttentionOutput } from './attention-factory.js';
import { CausalSelfAttention } from './causal-self-attention.js';
import { FusedCausalSelfAttention } from './fused-causal-self-attention.js';
import { PretrainedCausalSelfAttention } from './pretrained-attention.js';

const config = { nEmbd: 8, nHead: 2, blockSize: 4 };

class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x; // (B, T, C)
  }
}

describe('createAttention', () => {
  test('createAttention(class) constructs with (config, options)', () => {
    const attn = createAttention(CausalSelfAttention, config);
    expect(attn).toBeInstanceOf(CausalSelfAttention);
    expect((attn as CausalSelfAttention).numHeads).toBe(2);
  });

  test('createAttention(factory) calls the function', () => {
    let seen: unknown;
    const attn = createAttention((c) => {
      seen = c;
      return new Identity();
    }, config);
    expect(attn).toBeInstanceOf(Identity);
    expect(seen).toBe(config);
  });

  test.each([
    [null, 'Expected a class like CausalSelfAttention, or (config, options) => module, received null.'],
    [42, 'Expected a class like CausalSelfAttention, or (config, options) => module, received number.'],
  ])('createAttention(%s) throws INVALID_ARGUMENT', (factory, tail) => {
    let error: unknown;
    try {
      createAttention(factory as never, config);
    } catch (e) {
      error = e;
    }
    expect(LxmlsAttentionError.isInstance(error)).toBe(true);
    expect((error as LxmlsAttentionError).code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain(tail);
  });

  test.each([
    ['CausalSelfAttention', CausalSelfAttention, true],
    ['FusedCausalSelfAttention', FusedCausalSelfAttention, true],
    ['PretrainedCausalSelfAttention', PretrainedCausalSelfAttention, true],
    ['a module without the flag', Identity, undefined],
  ] as const)(
    'createAttention(%s): supportsKVCache tells whether the GPT may pass it a cache',
    (_, cls, kv) => {
      const attn = createAttention(cls, config);
      expect(attn).toBeInstanceOf(cls);
      expect(attn.supportsKVCache).toBe(kv);
    },
  );

  test('createAttention(a subclass of FusedCausalSelfAttention) constructs it with new', () => {
    class Mine extends FusedCausalSelfAttention {}
    expect(createAttention(Mine, config).constructor.name).toBe('Mine');
  });

  test('createAttention(factory returning a non-module) names what it built', () => {
    expect(() => createAttention(() => ({ forward: () => 1 }) as never, config)).toThrow(
      'did not build an attention module. Expected a Module (from @lxmls/nn) with forward(x: Tensor): Tensor, received an object of class Object.',
    );
  });
});

describe('toAttentionOutput', () => {
  test('toAttentionOutput(tensor) wraps it with null weights', () => {
    const x = zeros([1, 2, 8]);
    expect(toAttentionOutput(x, 'f')).toEqual({ output: x, weights: null });
  });

  test('toAttentionOutput({ output, weights }) keeps both', () => {
    const x = zeros([1, 2, 8]);
    const w = zeros([1, 2, 2, 2]);
    expect(toAttentionOutput({ output: x, weights: w }, 'f')).toEqual({ output: x, weights: w });
  });

  test('toAttentionOutput(anything else) throws naming the caller', () => {
    expect(() => toAttentionOutput(3, 'Block.forward')).toThrow(
      '[@lxmls/attention] Block.forward: the attention module returned no tensor. Expected a Tensor (B, T, C), or { output: Tensor, weights }, received 3.',
    );
  });
});
