// Tests of the bundled models: `GPT.fromPretrained('lxmls/weather-nano')` reads packages/gpt/models/ offline.
import { describe, expect, test } from 'vitest';
import { BUNDLED_MODELS, bundledModelUrl } from './bundled.js';
import { resolveSource } from './checkpoint/source.js';
import { GPT } from './model.js';

describe('bundled models', () => {
  test('GPT.fromPretrained(lxmls/weather-nano, { attention: separate }) loads gpt-nano for the weather data', async () => {
    const model = await GPT.fromPretrained('lxmls/weather-nano', { attention: 'separate' });
    expect(model.parameterCountLine()).toBe('number of parameters: 0.09M');
    const { nLayer, nHead, nEmbd, vocabSize, blockSize, pretrained } = model.config;
    expect({ nLayer, nHead, nEmbd, vocabSize, blockSize, pretrained }).toEqual({
      nLayer: 3,
      nHead: 3,
      nEmbd: 48,
      vocabSize: 8,
      blockSize: 11,
      pretrained: false,
    });
    model.dispose();
  });

  test.each(BUNDLED_MODELS)(
    'resolveSource(%s) reads the folder models/<name>/ of the package',
    async (name) => {
      const resolved = await resolveSource(name);
      expect(resolved.kind).toBe('folder');
      expect(resolved.location.replace(/\\/g, '/')).toMatch(new RegExp(`/models/${name.slice(6)}/?$`));
      expect(resolved.weightsBytes.length).toBeGreaterThan(1000);
    },
  );

  test('bundledModelUrl is null for names that are not bundled', () => {
    expect(bundledModelUrl('gpt2')).toBeNull();
    expect(bundledModelUrl('lxmls/unknown')).toBeNull();
  });
});
