import { crossEntropy, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { type Batch, evaluate, LxmlsTrainerError, sequenceLabelAccuracy } from './index.js';
import { CountingSampler, countingItems, TinyLM } from './tiny-model.test.helpers.js';

describe('evaluate', () => {
  test('evaluate(model, indexed dataset) is the exact mean over every target, whatever the batch size', () => {
    const model = new TinyLM(6, 8);
    // examples with different numbers of scored targets, so a mean of batch means would be wrong
    const items = {
      length: 7,
      get: (i: number) => ({
        x: [i % 6, (i + 1) % 6, (i + 2) % 6, (i + 3) % 6],
        y: [i % 2 ? -1 : (i + 1) % 6, i % 3 ? -1 : (i + 2) % 6, (i + 3) % 6, (i + 4) % 6],
      }),
    };
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < 7; i++) {
      xs.push(...items.get(i).x);
      ys.push(...items.get(i).y);
    }
    const all = crossEntropy(
      model.forward(tensor(xs, [7, 4], 'int32')).logits,
      tensor(ys, [7, 4], 'int32'),
    ).item();
    for (const batchSize of [1, 2, 3, 7, 64]) {
      const r = evaluate(model, items, { batchSize });
      expect(r.loss).toBeCloseTo(all, 6);
      expect(r.numSamples).toBe(7);
      expect(r.numTargets).toBe(ys.filter((y) => y !== -1).length);
    }
  });

  test('evaluate(model, batch sampler, { samples }) draws from the sampler, with a smaller last batch', () => {
    const model = new TinyLM();
    const sampler = new CountingSampler(6, 5, 4);
    const r = evaluate(model, sampler, { samples: 100, batchSize: 32 });
    expect(r.numSamples).toBe(100);
    expect(r.numTargets).toBe(400); // 4 scored targets per row
    expect(sampler.calls).toBe(4); // 32 + 32 + 32 + 4
    expect(evaluate(model, sampler, { batches: 3, batchSize: 5 }).numSamples).toBe(15);
  });

  test('evaluate() runs in evaluation mode without gradients and restores the mode', () => {
    const model = new TinyLM(6, 8, 0.5);
    const items = countingItems(10);
    const a = evaluate(model, items).loss;
    const b = evaluate(model, items).loss;
    expect(a).toBe(b); // dropout is off: deterministic
    expect(model.training).toBe(true);
    expect(model.parameters().every((p) => p.grad === null)).toBe(true);
    model.eval();
    evaluate(model, items);
    expect(model.drop.training).toBe(false);
  });

  test('evaluate() with sequenceLabelAccuracy() scores argmax predictions: 1 for a perfect model', () => {
    const model = new TinyLM(6, 8);
    // a model that predicts (token + 1) mod 6: set the logits by hand through a one-hot embedding and head
    model.wte.weight.copyFrom(
      Float32Array.from({ length: 48 }, (_, k) => (k % 8 === Math.floor(k / 8) ? 1 : 0)),
    );
    model.ln.weight.copyFrom(new Float32Array(8).fill(1));
    model.head.weight.copyFrom(
      Float32Array.from({ length: 48 }, (_, k) => (Math.floor(k / 8) === ((k % 8) + 1) % 6 ? 10 : 0)),
    );
    model.head.bias!.copyFrom(new Float32Array(6));
    const r = evaluate(model, countingItems(12), { metrics: [sequenceLabelAccuracy()] });
    expect(r.metrics).toEqual({ labelAccuracy: 1, sequenceAccuracy: 1 });
  });

  test('sequenceLabelAccuracy({ predict }) counts labels and whole rows, skipping ignored targets', () => {
    const metric = sequenceLabelAccuracy({ predict: () => [9, 1, 2, 9, 3, 0, 9, 9, 9] });
    const batch: Batch = {
      x: new Int32Array(9),
      y: Int32Array.of(-1, 1, 2, -1, 3, 4, -1, -1, -1),
      shape: [3, 3],
    };
    expect(metric(batch, { loss: null })).toEqual({ labelAccuracy: [3, 4], sequenceAccuracy: [1, 2] });
  });

  test('evaluate() sums metric pairs over batches (an exact ratio, not a mean of ratios)', () => {
    const model = new TinyLM();
    let call = 0;
    const metric = () => (call++ === 0 ? { m: [1, 1] as const } : { m: [0, 3] as const });
    expect(evaluate(model, countingItems(4), { batchSize: 2, metrics: [metric] }).metrics.m).toBe(0.25);
  });

  test.each([
    ['no way to know how many examples', new CountingSampler(), {}, 'INVALID_ARGUMENT'],
    ['a bad batch size', countingItems(3), { batchSize: 0 }, 'INVALID_ARGUMENT'],
    ['metrics that are not functions', countingItems(3), { metrics: [1] }, 'INVALID_ARGUMENT'],
    ['a dataset of neither kind', {}, {}, 'INVALID_DATASET'],
  ])('evaluate() throws for %s', (_, dataset, options, code) => {
    let error: unknown;
    try {
      evaluate(new TinyLM(), dataset as CountingSampler, options as object);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe(code);
  });
});

test('evaluate(model, indexed dataset, { samples }) reads the first examples in order, and no more than there are', () => {
  const model = new TinyLM();
  const read: number[] = [];
  const items = countingItems(10);
  const spy = {
    length: 10,
    get: (i: number) => {
      read.push(i);
      return items.get(i);
    },
  };
  expect(evaluate(model, spy, { samples: 5, batchSize: 2 }).numSamples).toBe(5);
  expect(read).toEqual([0, 1, 2, 3, 4]);
  expect(() => evaluate(model, spy, { samples: 11 })).toThrow(/fewer examples than asked for/);
});
