// Tests of the course's gpt-nano training step (moved from the CLI's bench/train-step.ts, issue 13).
import { memory } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { GPT_NANO, GptNanoTrainStep, timeTrainStep } from './gpt-nano-step.js';
import { median } from './median.js';

describe('GptNanoTrainStep', () => {
  test.each(['separate', 'exercise', 'fused'] as const)(
    'new GptNanoTrainStep({ attention: %s }).step lowers the loss of one batch',
    (attention) => {
      const bench = new GptNanoTrainStep({ dropout: 0, attention, seed: 0 });
      const { idx, targets } = bench.randomBatch(4);
      expect(idx.shape).toEqual([4, GPT_NANO.blockSize]);
      const losses = Array.from({ length: 8 }, () => bench.step(idx, targets));
      expect(losses[0]!).toBeGreaterThan(1);
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      bench.dispose();
      idx.dispose();
      targets.dispose();
    },
  );

  test('step and stepAsync give the same losses from the same seed', async () => {
    const a = new GptNanoTrainStep({ dropout: 0.1, seed: 3 });
    const b = new GptNanoTrainStep({ dropout: 0.1, seed: 3 });
    const batchA = a.randomBatch(2);
    const batchB = b.randomBatch(2);
    for (let s = 0; s < 3; s++) {
      const sync = a.step(batchA.idx, batchA.targets);
      expect(await b.stepAsync(batchB.idx, batchB.targets)).toBeCloseTo(sync, 5);
    }
    for (const x of [a, b]) x.dispose();
    for (const t of [batchA.idx, batchA.targets, batchB.idx, batchB.targets]) t.dispose();
  });

  test('randomBatch ignores the first 5 targets of each row (-1)', () => {
    const bench = new GptNanoTrainStep({ seed: 1 });
    const { idx, targets } = bench.randomBatch(3);
    const rows = targets.toArray(2) as number[][];
    for (const row of rows) expect(row.slice(0, 5)).toEqual([-1, -1, -1, -1, -1]);
    for (const row of rows) for (const id of row.slice(5)) expect(id).toBeGreaterThanOrEqual(0);
    bench.dispose();
    idx.dispose();
    targets.dispose();
  });
});

describe('timeTrainStep', () => {
  test('timeTrainStep keeps the live tensors flat and frees everything it made', async () => {
    const before = memory().numTensors;
    const r = await timeTrainStep(
      { batchSize: 2, steps: 3, warmup: 1, dropout: 0, attention: 'separate' },
      () => 1,
    );
    expect(r.memory.tensorsLast).toBe(r.memory.tensorsFirst);
    expect(r.memory.rssEarlyMb).toBe(1);
    expect(r.lossLast).toBeLessThan(r.lossFirst);
    expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
    expect(r.medianMs).toBeLessThanOrEqual(r.maxMs);
    expect(memory().numTensors).toBe(before);
  });
});

describe('median', () => {
  test.each([
    [[3, 1, 2], 2],
    [[4, 1, 2, 3], 2.5],
    [[7], 7],
  ])('median(%j) is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
