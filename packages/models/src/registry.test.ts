import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { modelUrl } from './locate.js';
import { MODELS } from './registry.js';

/** The header of a safetensors file, parsed here: name → dtype and shape. */
function header(path: string): Record<string, { dtype: string; shape: number[] }> {
  const bytes = readFileSync(path);
  const n = Number(bytes.readBigUInt64LE(0));
  const parsed = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, unknown>;
  delete parsed.__metadata__;
  return parsed as Record<string, { dtype: string; shape: number[] }>;
}

describe('MODELS', () => {
  test('MODELS: names and folders are unique, names start with lxmls/', () => {
    expect(new Set(MODELS.map((m) => m.name)).size).toBe(MODELS.length);
    expect(new Set(MODELS.map((m) => m.folder)).size).toBe(MODELS.length);
    expect(MODELS.every((m) => m.name.startsWith('lxmls/'))).toBe(true);
  });

  test.each(MODELS.map((m) => [m.name, m] as const))(
    'MODELS %s: its folder holds config.json, model.safetensors and a README with the command and the quality',
    (_, m) => {
      const dir = fileURLToPath(modelUrl(m.name));
      for (const file of ['config.json', 'model.safetensors', 'README.md']) {
        expect(existsSync(`${dir}${file}`), file).toBe(true);
      }
      const config = JSON.parse(readFileSync(`${dir}config.json`, 'utf8')) as { model_type?: string };
      expect(config.model_type).toBe(m.architecture);
      const readme = readFileSync(`${dir}README.md`, 'utf8');
      expect(readme).toContain(m.name);
      expect(readme).toMatch(/```sh\n[^`]+\n```/); // the exact command that trained it
      expect(m.quality.length).toBeGreaterThan(0);
      if (m.tokenizer !== null && m.tokenizer !== 'gpt2') {
        expect(existsSync(`${dir}${m.tokenizer}`), m.tokenizer).toBe(true);
      }
    },
  );

  test.each(MODELS.map((m) => [m.name, m] as const))(
    'MODELS %s: bytes and parameters are those of its model.safetensors, at most 15 MB',
    (_, m) => {
      const path = `${fileURLToPath(modelUrl(m.name))}model.safetensors`;
      expect(statSync(path).size).toBe(m.bytes);
      expect(m.bytes).toBeLessThanOrEqual(15e6);
      const tensors = Object.values(header(path));
      const count = tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
      expect(count).toBe(m.parameters);
    },
  );

  test('MODELS lxmls/gpt2-shakespeare: GPT-2 sizes of vocabulary, float16, tied embeddings', () => {
    const m = MODELS.find((model) => model.name === 'lxmls/gpt2-shakespeare')!;
    const dir = fileURLToPath(modelUrl(m.name));
    const config = JSON.parse(readFileSync(`${dir}config.json`, 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({
      vocab_size: 50257,
      tie_word_embeddings: true,
      n_layer: 4,
      n_head: 4,
      n_embd: 128,
    });
    const tensors = header(`${dir}model.safetensors`);
    expect(tensors['transformer.wte.weight']).toEqual({
      dtype: 'F16',
      shape: [50257, 128],
      data_offsets: expect.any(Array),
    });
    expect(tensors['lm_head.weight']).toBeUndefined();
    expect(Object.values(tensors).every((t) => t.dtype === 'F16')).toBe(true);
  });

  test('MODELS lxmls/weather-nano: gpt-nano with the weather task file, no tokenizer', () => {
    const m = MODELS.find((model) => model.name === 'lxmls/weather-nano')!;
    const dir = fileURLToPath(modelUrl(m.name));
    const config = JSON.parse(readFileSync(`${dir}config.json`, 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ vocab_size: 8, n_layer: 3, n_head: 3, n_embd: 48, n_positions: 11 });
    const task = JSON.parse(readFileSync(`${dir}lxmls.json`, 'utf8')) as { task: string; attention: string };
    expect({ task: task.task, attention: task.attention, tokenizer: m.tokenizer }).toEqual({
      task: 'weather',
      attention: 'separate',
      tokenizer: null,
    });
  });

  test('MODELS lxmls/shakespeare-char: a WordLevel tokenizer.json over the 65 characters of its config', () => {
    const m = MODELS.find((model) => model.name === 'lxmls/shakespeare-char')!;
    const dir = fileURLToPath(modelUrl(m.name));
    const config = JSON.parse(readFileSync(`${dir}config.json`, 'utf8')) as { vocab_size: number };
    const tokenizer = JSON.parse(readFileSync(`${dir}tokenizer.json`, 'utf8')) as {
      model: { type: string; vocab: Record<string, number> };
    };
    expect(tokenizer.model.type).toBe('WordLevel');
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(config.vocab_size);
    expect(config.vocab_size).toBe(65);
  });
});
