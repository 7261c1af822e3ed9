import { describe, expect, test } from 'vitest';
import { LxmlsTrainerError, learningRateAt, type WarmupCosineSchedule } from './index.js';

describe('learningRateAt', () => {
  const cosine: WarmupCosineSchedule = { type: 'cosine', warmupIters: 10, decayIters: 110, minLr: 1e-4 };
  const lr = 1e-3;

  test.each([
    [0, (lr * 1) / 11],
    [4, (lr * 5) / 11],
    [9, (lr * 10) / 11],
    [10, lr],
    [35, 1e-4 + 0.5 * (1 + Math.cos(Math.PI * 0.25)) * (lr - 1e-4)],
    [60, 1e-4 + 0.5 * (lr - 1e-4)],
    [85, 1e-4 + 0.5 * (1 + Math.cos(Math.PI * 0.75)) * (lr - 1e-4)],
    [110, 1e-4],
    [111, 1e-4],
    [5000, 1e-4],
  ])('learningRateAt(warmup 10 + cosine to 110, %i) follows nanoGPT’s get_lr', (iter, expected) => {
    expect(learningRateAt(cosine, iter, lr, null)).toBeCloseTo(expected, 15);
  });

  test('learningRateAt(cosine) decays monotonically after the warmup and rises during it', () => {
    const values = Array.from({ length: 120 }, (_, i) => learningRateAt(cosine, i, lr, null));
    for (let i = 1; i < 10; i++) expect(values[i]!).toBeGreaterThan(values[i - 1]!);
    for (let i = 11; i < 120; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]!);
  });

  test('learningRateAt(cosine) defaults decayIters to maxIters and minLr to lr / 10', () => {
    const s: WarmupCosineSchedule = { type: 'cosine', warmupIters: 0 };
    expect(learningRateAt(s, 0, lr, 100)).toBe(lr);
    expect(learningRateAt(s, 100, lr, 100)).toBeCloseTo(lr / 10, 15);
    expect(learningRateAt(s, 50, lr, 100)).toBeCloseTo(lr / 10 + 0.5 * (lr - lr / 10), 15);
  });

  test("learningRateAt('constant') is the base rate at every step", () => {
    for (const it of [0, 1, 999, 10 ** 6]) expect(learningRateAt('constant', it, 5e-4, 2000)).toBe(5e-4);
  });

  test('learningRateAt(function) calls it with the iteration and the base rate', () => {
    expect(learningRateAt((it, base) => base / (it + 1), 3, 1, null)).toBe(0.25);
  });

  test.each([
    ['a negative iteration', 'constant', -1],
    ['a function returning NaN', () => Number.NaN, 0],
    ['a cosine schedule with no end', { type: 'cosine', warmupIters: 5 }, 0],
    ['decayIters below warmupIters', { type: 'cosine', warmupIters: 5, decayIters: 2 }, 0],
    ['an unknown kind', { type: 'step' }, 0],
  ])('learningRateAt throws INVALID_ARGUMENT for %s', (_, schedule, iter) => {
    let error: unknown;
    try {
      learningRateAt(schedule as WarmupCosineSchedule, iter as number, 1, null);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
  });
});
