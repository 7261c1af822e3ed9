import { describe, expect, test } from 'vitest';
import { formatConfig, type GPTConfig, getDefaultConfig, MODEL_TYPES, resolveConfig } from './config.js';
import { LxmlsGptError } from './errors.js';
import { pythonFloat } from './index.js';

const nano = (): GPTConfig => ({ ...getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 8, blockSize: 11 });

describe('getDefaultConfig() and MODEL_TYPES', () => {
  test('getDefaultConfig() has the toolkit keys, defaults and order', () => {
    expect(getDefaultConfig()).toEqual({
      modelType: 'gpt',
      nLayer: null,
      nHead: null,
      nEmbd: null,
      vocabSize: null,
      blockSize: null,
      embdPdrop: 0.1,
      residPdrop: 0.1,
      attnPdrop: 0.1,
      pretrained: false,
    });
    expect(Object.keys(getDefaultConfig())[0]).toBe('modelType');
  });

  test.each([
    ['openai-gpt', 12, 12, 768],
    ['gpt2', 12, 12, 768],
    ['gpt2-medium', 24, 16, 1024],
    ['gpt2-large', 36, 20, 1280],
    ['gpt2-xl', 48, 25, 1600],
    ['gopher-44m', 8, 16, 512],
    ['gpt-mini', 6, 6, 192],
    ['gpt-micro', 4, 4, 128],
    ['gpt-nano', 3, 3, 48],
  ])('MODEL_TYPES[%s] is %i layers, %i heads, %i dims', (type, nLayer, nHead, nEmbd) => {
    expect(MODEL_TYPES[type as keyof typeof MODEL_TYPES]).toEqual({ nLayer, nHead, nEmbd });
  });
});

describe('resolveConfig(config)', () => {
  test("resolveConfig merges the model type's sizes into the caller's object", () => {
    const config = nano();
    const resolved = resolveConfig(config);
    expect(resolved).toBe(config);
    expect([config.nLayer, config.nHead, config.nEmbd]).toEqual([3, 3, 48]);
  });

  test('resolveConfig accepts modelType null with all three sizes', () => {
    const config = {
      ...getDefaultConfig(),
      modelType: null,
      nLayer: 2,
      nHead: 2,
      nEmbd: 8,
      vocabSize: 5,
      blockSize: 4,
    };
    expect(resolveConfig(config).nEmbd).toBe(8);
  });

  test.each([
    ['no vocabSize', { vocabSize: null }, 'INVALID_CONFIG', 'config.vocabSize is required'],
    ['no blockSize', { blockSize: null }, 'INVALID_CONFIG', 'config.blockSize is required'],
    ['the default modelType gpt', { modelType: 'gpt' }, 'UNKNOWN_MODEL', "The default 'gpt' is not one"],
    [
      'a model type and the sizes',
      { nLayer: 1, nHead: 1, nEmbd: 4 },
      'INVALID_CONFIG',
      'Set modelType: null',
    ],
    ['neither', { modelType: null }, 'INVALID_CONFIG', 'neither a modelType nor all sizes'],
    [
      'nEmbd not divisible by nHead',
      { modelType: null, nLayer: 1, nHead: 3, nEmbd: 8 },
      'INVALID_CONFIG',
      'multiple of config.nHead',
    ],
    ['a dropout of 1', { attnPdrop: 1 }, 'INVALID_CONFIG', 'config.attnPdrop must be a probability'],
    ['an unknown key', { n_layer: 3 }, 'INVALID_CONFIG', 'config has unknown keys'],
  ])('resolveConfig with %s throws %s', (_, patch, code, message) => {
    const call = () => resolveConfig({ ...nano(), ...patch } as GPTConfig);
    expect(call).toThrow(LxmlsGptError);
    expect(call).toThrow(message);
    try {
      call();
    } catch (e) {
      expect((e as LxmlsGptError).code).toBe(code);
    }
  });
});

describe('formatConfig(config) and pythonFloat(x)', () => {
  test('formatConfig prints the notebook model config exactly as CfgNode.__str__', () => {
    expect(formatConfig(resolveConfig(nano()))).toBe(
      [
        'model_type: gpt-nano',
        'n_layer: 3',
        'n_head: 3',
        'n_embd: 48',
        'vocab_size: 8',
        'block_size: 11',
        'embd_pdrop: 0.1',
        'resid_pdrop: 0.1',
        'attn_pdrop: 0.1',
        'pretrained: False',
        '',
      ].join('\n'),
    );
  });

  test('formatConfig prints None for unset sizes and 0.0 for a float key set to 0', () => {
    const text = formatConfig({ ...getDefaultConfig(), embdPdrop: 0 });
    expect(text).toContain('n_layer: None\n');
    expect(text).toContain('embd_pdrop: 0.0\n');
  });

  test('formatConfig indents nested nodes with CfgNode quirk (only the first line of a deep block)', () => {
    expect(formatConfig({ model: { inner: { a: 1, b: null } } })).toBe(
      'model:\n    inner:\n            a: 1\n        b: None\n',
    );
  });

  test.each([
    [0.1, '0.1'],
    [1, '1.0'],
    [0.0003, '0.0003'],
    [0.0005, '0.0005'],
    [1e-5, '1e-05'],
    [1e10, '10000000000.0'],
    [1e16, '1e+16'],
    [1.5e-7, '1.5e-07'],
    [-2.5, '-2.5'],
  ])('pythonFloat(%d) is %s', (x, text) => {
    expect(pythonFloat(x)).toBe(text);
  });
});
