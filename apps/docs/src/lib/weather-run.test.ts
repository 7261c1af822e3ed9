import '@lxmls/backend-wasm/register';
import { CausalSelfAttention } from '@lxmls/attention';
import { evaluateWeather as courseEvaluate } from '@lxmls/course';
import { getBackend, setBackend } from '@lxmls/tensor';
import type { TrainerNotice } from '@lxmls/trainer';
import { FIXED_PROBA } from '@lxmls/weather-data';
import { describe, expect, test } from 'vitest';
import { createWeatherRun, evaluateWeather, iterLine } from './weather-run.js';

describe('createWeatherRun / evaluateWeather', () => {
  test('createWeatherRun() is the notebook set-up: gpt-nano, vocabulary 8, block 11, lr 5e-4, 2000 iterations', () => {
    const run = createWeatherRun();
    expect(run.model.parameterCountLine()).toBe('number of parameters: 0.09M');
    expect(run.model.config.vocabSize).toBe(8);
    expect(run.model.config.blockSize).toBe(11);
    expect(run.trainer.config.learningRate).toBe(5e-4);
    expect(run.trainer.config.maxIters).toBe(2000);
    expect(run.bayes.loss.toFixed(4)).toBe('0.2502');
    expect(run.bayesTest.loss.toFixed(6)).toBe('0.244505');
    expect(run.model.toString()).toContain('(attn): FusedCausalSelfAttention(');
    run.model.dispose();
  });

  test('createWeatherRun({ attention: CausalSelfAttention }) trains the exercise form to the same losses', async () => {
    const losses = async (attention?: typeof CausalSelfAttention) => {
      const run = createWeatherRun({ maxIters: 5, seed: 2, ...(attention ? { attention } : {}) });
      const seen: number[] = [];
      run.trainer.setCallback('on_batch_end', (t) => void seen.push(t.loss));
      await run.trainer.run();
      expect(run.model.toString()).toContain(`(attn): ${attention?.name ?? 'FusedCausalSelfAttention'}(`);
      run.model.dispose();
      return seen;
    };
    const exercise = await losses(CausalSelfAttention);
    const fused = await losses();
    expect(exercise).toHaveLength(5);
    for (const [i, loss] of exercise.entries()) expect(loss).toBeCloseTo(fused[i]!, 4);
  });

  test('createWeatherRun({ maxIters: 40, learningRate: 5e-3 }) trains: the loss falls from about ln 8', async () => {
    const run = createWeatherRun({ maxIters: 40, learningRate: 5e-3, seed: 1 });
    const losses: number[] = [];
    run.trainer.setCallback('on_batch_end', (t) => void losses.push(t.loss));
    const summary = await run.trainer.run();
    expect(summary.iterations).toBe(40);
    expect(losses[0]).toBeGreaterThan(1.7);
    expect(losses[0]).toBeLessThan(2.6);
    expect(losses.at(-1)).toBeLessThan(losses[0]! - 0.5);
    const e = evaluateWeather(run, 128);
    expect(e.samples).toBe(128);
    // the held-out sequences and scores of lxmls train weather / lxmls eval weather (@lxmls/course)
    const { loss, labelAccuracy, sequenceAccuracy } = e;
    expect({ loss, labelAccuracy, sequenceAccuracy }).toEqual(courseEvaluate(run.model, FIXED_PROBA, 128));
    expect(e.loss).toBeGreaterThan(e.perfect.loss);
    expect(e.labelAccuracy).toBeGreaterThan(1 / 3); // better than guessing among 3 weathers
    expect(e.labelAccuracy).toBeLessThanOrEqual(1);
    expect(e.perfect).toEqual({
      loss: run.bayesTest.loss,
      labelAccuracy: run.bayesTest.labelAccuracy,
      sequenceAccuracy: run.bayesTest.greedySequenceAccuracy,
      viterbiSequenceAccuracy: run.bayesTest.sequenceAccuracy,
    });
    run.model.dispose();
  });

  test.each([
    [{ iterDt: 0, iterNum: 0, loss: 2.124619 }, 'iter_dt 0.00ms; iter 0: train loss 2.12462'],
    [{ iterDt: 0.07495, iterNum: 100, loss: 0.689221 }, 'iter_dt 74.95ms; iter 100: train loss 0.68922'],
  ])('iterLine(%j) is the notebook line', (t, line) => {
    expect(iterLine(t)).toBe(line);
  });

  test('createWeatherRun({ onNotice }) hears SLOW_BACKEND on the js reference backend, and nothing on wasm', async () => {
    const notices: TrainerNotice[] = [];
    const wasm = createWeatherRun({ onNotice: (n) => notices.push(n) });
    wasm.model.dispose();
    expect(getBackend().name).toBe('wasm');
    expect(notices).toEqual([]);
    await setBackend('js');
    try {
      createWeatherRun({ onNotice: (n) => notices.push(n) }).model.dispose();
    } finally {
      await setBackend('wasm');
    }
    expect(notices.map((n) => n.code)).toEqual(['SLOW_BACKEND']);
  });
});
