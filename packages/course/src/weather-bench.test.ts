// benchTrainWeather: the course run and another attention's run, taking turns, each with the numbers of a run
// alone (its own seeded random source), timed over its own iterations only.
import { CausalSelfAttention } from '@lxmls/attention';
import { describe, expect, test } from 'vitest';
import { trainWeather, WEATHER_RECIPES } from './weather.js';
import { benchTrainWeather, TRAIN_WEATHER_TARGETS } from './weather-bench.js';

describe('benchTrainWeather', () => {
  test('benchTrainWeather runs both attentions to the losses of lxmls train weather run alone, timed and scored', async () => {
    const r = await benchTrainWeather({ attention: CausalSelfAttention, iters: 4, seed: 3, evalSamples: 20 });
    expect(r.recipe).toEqual({ ...WEATHER_RECIPES.course, iters: 4 });
    expect([r.course.attention, r.other.attention]).toEqual([
      'FusedCausalSelfAttention',
      'CausalSelfAttention',
    ]);
    // taking turns changes nothing: each run's loss is that of the same run alone, with its own generator
    const alone = await trainWeather({ recipe: r.recipe, seed: 3, ownGenerator: true });
    expect(r.course.trainLoss).toBe(alone.trainer.loss);
    alone.model.dispose();
    for (const run of [r.course, r.other]) {
      expect(run.msPerIter).toBeGreaterThan(0);
      expect(run.seconds).toBeCloseTo((run.msPerIter * 3) / 1000, 6); // 3 timed iterations: the first is not
      expect(run.lossRatio).toBeCloseTo(run.evalLoss / r.bayesLossAll, 12);
    }
    expect(r.msPerIterRatio).toBeCloseTo(r.other.msPerIter / r.course.msPerIter, 12);
    expect(r.passed).toEqual({
      loss: r.other.lossRatio <= TRAIN_WEATHER_TARGETS.lossRatio,
      speed: r.msPerIterRatio <= TRAIN_WEATHER_TARGETS.msPerIterRatio,
    });
    expect(r.bayesLossAll).toBeCloseTo(0.2502, 4);
    expect(TRAIN_WEATHER_TARGETS).toEqual({ lossRatio: 1.04, msPerIterRatio: 2 });
  });
});
