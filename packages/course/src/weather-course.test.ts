// runWeatherCourse: the weather run end to end (train, copy to the CPU where reads are asynchronous, score). On
// an asynchronous-read backend (the js backend with `read` throwing and `capabilities.async` set, as webgpu's)
// the model is copied to `evalBackend`, scored and returned there, with the numbers of the same run on js.
import { createJsBackend, registerBackend, removeBackend, setBackend } from '@lxmls/tensor';
import { asyncReads } from '@lxmls/tensor/conformance';
import { FIXED_PROBA } from '@lxmls/weather-data';
import { describe, expect, test } from 'vitest';
import { bayesFigures, evaluateWeather, runWeatherCourse, WEATHER_RECIPES } from './weather.js';

const options = { recipe: { ...WEATHER_RECIPES.course, iters: 3, batchSize: 8 }, seed: 5, evalSamples: 40 };

describe('runWeatherCourse', () => {
  test.each([0, -5, 2.5, Number.NaN])(
    'runWeatherCourse with evalSamples %s fails with INVALID_ARGUMENT before training',
    async (evalSamples) => {
      await setBackend('js');
      const trained: number[] = [];
      await expect(
        runWeatherCourse({ ...options, evalSamples, onBatchEnd: (t) => void trained.push(t.iterNum) }),
      ).rejects.toThrow(
        `[@lxmls/course] runWeatherCourse: options.evalSamples must be a positive integer. Expected an integer ≥ 1 (held-out sequences to score), received ${evalSamples}.`,
      );
      expect(trained).toEqual([]); // no iteration ran
    },
  );

  test('runWeatherCourse returns the scores of evaluateWeather on its model and the Bayes figures, onTrained first', async () => {
    await setBackend('js');
    const calls: string[] = [];
    const run = await runWeatherCourse({
      ...options,
      onTrained: (r) => void calls.push(`trained ${r.trainer.iterNum} ${r.seconds >= 0}`),
    });
    try {
      expect(calls).toEqual(['trained 3 true']);
      expect(run.scores).toEqual(evaluateWeather(run.model, FIXED_PROBA, 40));
      expect(run.bayes).toEqual(bayesFigures(FIXED_PROBA));
    } finally {
      run.model.dispose();
    }
  });

  test('runWeatherCourse with evalBackend on an asynchronous-read backend scores and returns the model on evalBackend', async () => {
    await setBackend('js');
    const cpuRun = await runWeatherCourse(options);
    cpuRun.model.dispose();
    const evalBackend = createJsBackend();
    registerBackend('async-js', () => asyncReads(createJsBackend()).backend, 0);
    try {
      await setBackend('async-js');
      await expect(runWeatherCourse(options)).rejects.toThrow('no synchronous read'); // evaluateWeather reads
      const run = await runWeatherCourse({ ...options, evalBackend });
      try {
        expect(run.model.stateDict().get('lm_head.weight')!.backend).toBe(evalBackend);
        expect(run.trainer.loss).toBeCloseTo(cpuRun.trainer.loss, 5);
        expect(run.scores.loss).toBeCloseTo(cpuRun.scores.loss, 5);
        expect(run.scores.sequenceAccuracy).toBe(cpuRun.scores.sequenceAccuracy);
      } finally {
        run.model.dispose();
      }
    } finally {
      await setBackend('js');
      removeBackend('async-js');
    }
  });
});
