import { readFileSync } from 'node:fs';
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import { LxmlsGptError } from '../errors.js';
import { gptConfigToHfConfig, type HfGpt2Config, hfConfigToGptConfig } from './hf-config.js';

const fixture = JSON.parse(
  readFileSync(new URL('../__fixtures__/tiny-gpt2/config.json', import.meta.url), 'utf8'),
) as HfGpt2Config;

/** The fixture with some fields replaced (`undefined` deletes a field). */
const withFields = (fields: Record<string, unknown>): HfGpt2Config => {
  const out: HfGpt2Config = { ...fixture, ...fields };
  for (const [k, v] of Object.entries(fields)) if (v === undefined) delete out[k];
  return out;
};

const thrown = (fn: () => unknown): LxmlsGptError => thrownError(LxmlsGptError, fn);

describe('hfConfigToGptConfig', () => {
  test('hfConfigToGptConfig(tiny-gpt2 config.json) gives the course config', () => {
    expect(hfConfigToGptConfig(fixture)).toEqual({
      modelType: null,
      nLayer: 3,
      nHead: 3,
      nEmbd: 48,
      vocabSize: 50257,
      blockSize: 64,
      embdPdrop: 0.1,
      residPdrop: 0.1,
      attnPdrop: 0.1,
      pretrained: true,
    });
  });

  test('hfConfigToGptConfig takes modelType and pretrained from the options', () => {
    const config = hfConfigToGptConfig(fixture, { modelType: 'gpt2', pretrained: false });
    expect([config.modelType, config.pretrained]).toEqual(['gpt2', false]);
  });

  test('hfConfigToGptConfig reads the legacy n_ctx and fills GPT2Config defaults', () => {
    const config = hfConfigToGptConfig({ n_layer: 1, n_head: 2, n_embd: 4, vocab_size: 9, n_ctx: 7 });
    expect(config).toMatchObject({ blockSize: 7, embdPdrop: 0.1, residPdrop: 0.1, attnPdrop: 0.1 });
  });

  test.each([
    ['n_layer', { n_layer: 0 }],
    ['n_head', { n_head: 2.5 }],
    ['n_embd', { n_embd: undefined }],
    ['vocab_size', { vocab_size: '50257' }],
    ['n_positions', { n_positions: -1 }],
    ['n_embd', { n_head: 5 }],
    ['attn_pdrop', { attn_pdrop: 1 }],
    ['model_type', { model_type: 'gpt_neo' }],
    ['activation_function', { activation_function: 'gelu' }],
    ['layer_norm_epsilon', { layer_norm_epsilon: 1e-6 }],
    ['n_inner', { n_inner: 100 }],
    ['scale_attn_weights', { scale_attn_weights: false }],
    ['scale_attn_by_inverse_layer_idx', { scale_attn_by_inverse_layer_idx: true }],
    ['add_cross_attention', { add_cross_attention: true }],
    ['tie_word_embeddings', { tie_word_embeddings: 'yes' }],
  ])('hfConfigToGptConfig rejects a bad %s: %j', (field, fields) => {
    const error = thrown(() => hfConfigToGptConfig(withFields(fields)));
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.argument).toBe(field);
    expect(error.message).toMatch(/^\[@lxmls\/gpt\] hfConfigToGptConfig: .+\. Expected .+, received .+\.$/);
  });

  test('hfConfigToGptConfig accepts n_inner = 4·n_embd and an explicit gelu_new', () => {
    expect(hfConfigToGptConfig(withFields({ n_inner: 192, activation_function: 'gelu_new' })).nEmbd).toBe(48);
  });

  test.each([[null], [[1, 2]], ['{}']])('hfConfigToGptConfig(%j) is INVALID_CONFIG', (value) => {
    expect(thrown(() => hfConfigToGptConfig(value as unknown as HfGpt2Config)).code).toBe('INVALID_CONFIG');
  });
});

describe('gptConfigToHfConfig', () => {
  test('gptConfigToHfConfig(hfConfigToGptConfig(fixture)) has every field of the fixture with its value', () => {
    const hf = gptConfigToHfConfig(hfConfigToGptConfig(fixture));
    const ignored = new Set(['transformers_version', 'initializer_range']); // provenance; init only
    for (const [key, value] of Object.entries(fixture)) {
      if (!ignored.has(key)) expect([key, hf[key]]).toEqual([key, value]);
    }
    expect(Object.keys(hf).sort()).toEqual(Object.keys(hf)); // sorted, as save_pretrained writes
    expect(Object.keys(hf).filter((k) => !(k in fixture))).toEqual([]);
  });

  test('gptConfigToHfConfig writes tie_word_embeddings false when asked', () => {
    const hf = gptConfigToHfConfig(hfConfigToGptConfig(fixture), { tieWordEmbeddings: false });
    expect(hf.tie_word_embeddings).toBe(false);
  });

  test('gptConfigToHfConfig of a small vocabulary has no GPT-2 special tokens', () => {
    const config = { nLayer: 3, nHead: 3, nEmbd: 48, vocabSize: 8, blockSize: 11 };
    const hf = gptConfigToHfConfig({ ...config, embdPdrop: 0, residPdrop: 0.2, attnPdrop: 0.3 });
    expect([hf.bos_token_id, hf.eos_token_id, hf.vocab_size, hf.n_positions]).toEqual([null, null, 8, 11]);
    expect(hfConfigToGptConfig(hf)).toMatchObject({
      ...config,
      embdPdrop: 0,
      residPdrop: 0.2,
      attnPdrop: 0.3,
    });
  });

  test.each([
    ['config.nLayer', { nLayer: 0 }],
    ['config.blockSize', { blockSize: 1.5 }],
    ['config.residPdrop', { residPdrop: -0.1 }],
    ['config.nEmbd', { nEmbd: 10 }],
  ])('gptConfigToHfConfig rejects a bad %s', (argument, fields) => {
    const config = { ...hfConfigToGptConfig(fixture), ...fields };
    const error = thrown(() => gptConfigToHfConfig(config));
    expect([error.code, error.argument]).toEqual(['INVALID_CONFIG', argument]);
  });
});
