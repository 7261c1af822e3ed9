// Tests of saveWeatherModel and loadWeatherModel: the folder lxmls train weather writes and lxmls eval weather
// reads (moved from the CLI's train/weather-folder.ts).
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CausalSelfAttention,
  FusedCausalSelfAttention,
  PretrainedCausalSelfAttention,
} from '@lxmls/attention';
import { GPT } from '@lxmls/gpt';
import { FIXED_PROBA } from '@lxmls/weather-data';
import { describe, expect, test } from 'vitest';
import { LxmlsCourseError } from './errors.js';
import { weatherModelConfig } from './weather.js';
import {
  attentionKeyMismatch,
  loadWeatherModel,
  saveWeatherModel,
  WEATHER_TASK_FILE,
  type WeatherTaskInfo,
} from './weather-folder.js';

const info: WeatherTaskInfo = {
  task: 'weather',
  proba: FIXED_PROBA,
  attention: 'separate',
  training: { recipe: 'course', seed: 42 },
};

describe('saveWeatherModel', () => {
  test('saveWeatherModel writes a folder GPT.fromPretrained reads back, with the task file', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-weather-')), 'model');
    const model = new GPT(weatherModelConfig(), { init: 'lcg' });
    await saveWeatherModel(dir, model, info);
    expect(JSON.parse(readFileSync(join(dir, WEATHER_TASK_FILE), 'utf8'))).toEqual(info);
    const back = await GPT.fromPretrained(dir, { attention: 'separate' });
    const a = model.stateDict();
    for (const [key, value] of back.stateDict()) expect(value.toArray(), key).toEqual(a.get(key)!.toArray());
    model.dispose();
    back.dispose();
  });

  test.each([
    [true, 'replaces the model'],
    [false, 'refuses'],
  ])('saveWeatherModel over a saved folder with overwrite %s %s', async (overwrite) => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-weather-')), 'model');
    const model = new GPT(weatherModelConfig(), { init: 'lcg' });
    await saveWeatherModel(dir, model, info);
    const again = saveWeatherModel(dir, model, { ...info, training: { seed: 7 } }, { overwrite });
    if (overwrite) {
      await again;
      expect(JSON.parse(readFileSync(join(dir, WEATHER_TASK_FILE), 'utf8')).training).toEqual({ seed: 7 });
    } else {
      await expect(again).rejects.toMatchObject({ name: 'LxmlsGptError', code: 'INVALID_ARGUMENT' }); // a folder with files
      expect(JSON.parse(readFileSync(join(dir, WEATHER_TASK_FILE), 'utf8')).training).toEqual(info.training);
    }
    model.dispose();
  });
});

describe('attentionKeyMismatch', () => {
  test.each([
    ['CausalSelfAttention', CausalSelfAttention, [], []],
    ['FusedCausalSelfAttention', FusedCausalSelfAttention, [], []],
    [
      'PretrainedCausalSelfAttention',
      PretrainedCausalSelfAttention,
      ['query_proj.weight', 'query_proj.bias', 'key_proj.weight', 'key_proj.bias'],
      ['c_attn.weight', 'c_attn.bias'],
    ],
  ])('attentionKeyMismatch(%s)', (_, attention, missing, unexpected) => {
    const got = attentionKeyMismatch(attention);
    for (const key of missing) expect(got.missing).toContain(key);
    for (const key of unexpected) expect(got.unexpected).toContain(key);
    if (missing.length === 0) expect(got).toEqual({ missing: [], unexpected: [] });
  });
});

describe('loadWeatherModel', () => {
  test('loadWeatherModel reads back what saveWeatherModel wrote, in eval mode, with the same weights', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-weather-')), 'model');
    const model = new GPT(weatherModelConfig(), { init: 'lcg' });
    await saveWeatherModel(dir, model, info);
    const back = await loadWeatherModel(dir);
    expect(back.info).toEqual(info);
    expect(back.model.training).toBe(false);
    const a = model.stateDict();
    for (const [key, value] of back.model.stateDict())
      expect(value.toArray(), key).toEqual(a.get(key)!.toArray());
    model.dispose();
    back.model.dispose();
  });

  test.each([
    [undefined, 'lxmls.json. Expected a weather model folder'],
    ['{"task": ', 'lxmls.json is not valid JSON'],
    ['{"task": "text"}', 'lxmls.json is not a weather model'],
    ['null', 'lxmls.json is not a weather model'],
  ])('loadWeatherModel with the task file %j throws INVALID_ARGUMENT', async (text, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'lxmls-weather-'));
    mkdirSync(dir, { recursive: true });
    if (text !== undefined) writeFileSync(join(dir, WEATHER_TASK_FILE), text);
    const error = await loadWeatherModel(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(LxmlsCourseError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
    expect((error as Error).message).toContain(message);
  });
});
