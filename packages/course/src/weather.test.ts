// Tests of the weather course recipe (Exercise 3.1): the recipes, the configs, the Bayes figures, a short run.
import { FIXED_PROBA } from '@lxmls/weather-data';
import { describe, expect, test } from 'vitest';
import {
  bayesFigures,
  createWeatherTraining,
  evaluateWeather,
  formatWeatherSummary,
  logLine,
  trainWeather,
  WEATHER_RECIPES,
  weatherModelConfig,
  weatherTrainerConfig,
} from './weather.js';

describe('the weather recipe', () => {
  test('weatherModelConfig and weatherTrainerConfig are In [21] and In [22]', () => {
    const model = weatherModelConfig();
    expect([model.modelType, model.vocabSize, model.blockSize]).toEqual(['gpt-nano', 8, 11]);
    const trainer = weatherTrainerConfig(WEATHER_RECIPES.course, 42);
    expect(trainer).toMatchObject({
      maxIters: 2000,
      batchSize: 64,
      learningRate: 5e-4,
      numWorkers: 0,
      seed: 42,
    });
    expect(trainer).toMatchObject({
      betas: [0.9, 0.95],
      weightDecay: 0.1,
      gradNormClip: 1,
      lrSchedule: 'constant',
    });
    expect(weatherTrainerConfig(WEATHER_RECIPES.fast, 1).lrSchedule).toEqual({
      type: 'cosine',
      warmupIters: 30,
      minLr: 3e-4,
    });
  });

  test('bayesFigures(FIXED_PROBA) is the course floor: loss 0.2502 on all sequences, 0.2445 on the test split', () => {
    const { all, test: held } = bayesFigures(FIXED_PROBA);
    expect(all.loss.toFixed(4)).toBe('0.2502');
    expect(all.labelAccuracy.toFixed(4)).toBe('0.8490');
    expect(held.loss.toFixed(4)).toBe('0.2445');
    const lines = formatWeatherSummary(
      { loss: 0.2502, labelAccuracy: 0.849, sequenceAccuracy: 0.4565 },
      bayesFigures(FIXED_PROBA),
      100,
    );
    expect(lines).toHaveLength(7);
    expect(lines[6]).toMatch(/^loss \/ Bayes-optimal: 1\.02\d \(test split\), 1\.000 \(all sequences\)$/);
  });

  test('createWeatherTraining then trainer.run() gives the losses of trainWeather with its own generator', async () => {
    const recipe = { ...WEATHER_RECIPES.course, iters: 3, batchSize: 8 };
    const built = createWeatherTraining({ recipe, seed: 7, ownGenerator: true });
    const seen: number[] = [];
    built.trainer.setCallback('on_batch_end', (t) => void seen.push(t.loss));
    await built.trainer.run();
    built.model.dispose();
    const losses: number[] = [];
    const run = await trainWeather({
      recipe,
      seed: 7,
      ownGenerator: true,
      onBatchEnd: (t) => void losses.push(t.loss),
    });
    expect(losses).toEqual(seen);
    const scores = evaluateWeather(run.model, FIXED_PROBA, 32);
    expect(scores.loss).toBeGreaterThan(0.2445);
    expect(scores.labelAccuracy).toBeGreaterThanOrEqual(0);
    run.model.dispose();
  });

  test('logLine is the notebook line of In [23]', () => {
    expect(logLine({ iterDt: 0.07495, iterNum: 100, loss: 0.689221 })).toBe(
      'iter_dt 74.95ms; iter 100: train loss 0.68922',
    );
  });
});
