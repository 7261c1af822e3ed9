import { manualSeed, memory, type Tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { evaluate, LxmlsTrainerError, type RunSummary, Trainer } from './index.js';
import { CountingSampler, countingItems, TinyLM } from './tiny-model.test.helpers.js';

describe('Trainer.run', () => {
  test('Trainer.run() lowers the held-out loss of a tiny model on a batch sampler', async () => {
    manualSeed(0);
    const model = new TinyLM(6, 16);
    const test_ = new CountingSampler(6, 5, 99);
    const before = evaluate(model, test_, { samples: 256 }).loss;
    const trainer = new Trainer(
      { maxIters: 150, batchSize: 16, learningRate: 2e-2 },
      model,
      new CountingSampler(6, 5, 1),
    );
    const summary = await trainer.run();
    const after = evaluate(model, test_, { samples: 256 }).loss;
    expect(summary).toMatchObject({ iterations: 150, iterNum: 150, stopped: false });
    expect(before).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(0.1); // the counting task is deterministic: the loss can go to 0
    expect(summary.loss).toBe(trainer.loss);
  });

  test('Trainer.run() trains on an indexed dataset (get(i)), sampling with replacement from its seeded generator', async () => {
    const model = new TinyLM(6, 16);
    const items = countingItems(12);
    let reads = 0;
    const counted = {
      length: items.length,
      getItem: (i: number) => {
        reads++;
        return items.get(i);
      },
    };
    const trainer = new Trainer({ maxIters: 100, batchSize: 8, learningRate: 2e-2, seed: 3 }, model, counted);
    const first: number[] = [];
    trainer.setCallback('on_batch_end', (t) => {
      first.push(t.loss);
    });
    await trainer.run();
    expect(reads).toBe(800);
    expect(first.at(-1)!).toBeLessThan(first[0]! / 4);
  });

  test('Trainer.run() fires on_batch_end with iterNum before the increment; the first call sees iterNum 0 and iterDt 0', async () => {
    const trainer = new Trainer({ maxIters: 5, batchSize: 4 }, new TinyLM(), new CountingSampler());
    const seen: [number, number][] = [];
    trainer.addCallback('on_batch_end', (t) => {
      seen.push([t.iterNum, t.iterDt]);
    });
    const summary = await trainer.run();
    expect(seen.map(([n]) => n)).toEqual([0, 1, 2, 3, 4]);
    expect(seen[0]![1]).toBe(0);
    for (const [, dt] of seen.slice(1)) expect(dt).toBeGreaterThan(0);
    expect(trainer.iterNum).toBe(5);
    expect(summary.iterNum).toBe(5);
    expect(trainer.iterDt).toBeGreaterThan(0);
    expect(trainer.iterDt).toBeLessThan(10); // seconds, as the toolkit
  });

  test('Trainer.addCallback appends (in order, aliases included); setCallback replaces the list', async () => {
    const trainer = new Trainer({ maxIters: 2, batchSize: 2 }, new TinyLM(), new CountingSampler());
    const calls: string[] = [];
    trainer.addCallback('on_batch_end', (t) => void calls.push(`a${t.iterNum}`));
    trainer.addCallback('onBatchEnd', (t) => void calls.push(`b${t.iterNum}`));
    await trainer.run();
    expect(calls).toEqual(['a0', 'b0', 'a1', 'b1']);
    calls.length = 0;
    trainer.setCallback('onBatchEnd', (t) => void calls.push(`c${t.iterNum}`));
    await trainer.run();
    expect(calls).toEqual(['c0', 'c1']);
    expect(trainer.callbacks.get('on_batch_end')).toHaveLength(1);
  });

  test('Trainer.run() awaits a callback’s promise before the next iteration', async () => {
    const trainer = new Trainer({ maxIters: 3, batchSize: 2 }, new TinyLM(), new CountingSampler());
    const log: string[] = [];
    trainer.setCallback('on_batch_end', async (t) => {
      log.push(`start ${t.iterNum}`);
      await new Promise((r) => setTimeout(r, 2));
      log.push(`end ${t.iterNum}`);
    });
    await trainer.run();
    expect(log).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
  });

  test('Trainer.stop() from outside ends a run without maxIters after the current iteration', async () => {
    const trainer = new Trainer({ batchSize: 2, yieldEvery: 0 }, new TinyLM(), new CountingSampler());
    let calls = 0;
    trainer.setCallback('on_batch_end', () => {
      calls++;
    });
    const running = trainer.run();
    expect(trainer.running).toBe(true);
    await new Promise((r) => setTimeout(r, 20)); // the loop yields, so this timer fires during the run
    trainer.stop();
    const summary: RunSummary = await running;
    expect(summary.stopped).toBe(true);
    expect(summary.iterations).toBe(calls);
    expect(summary.iterations).toBeGreaterThan(0);
    expect(trainer.iterNum).toBe(calls);
    expect(trainer.running).toBe(false);
  });

  test('Trainer.run() yields to the event loop, so timers fire during a run (yieldEvery 0: after each iteration)', async () => {
    const trainer = new Trainer(
      { maxIters: 30, batchSize: 2, yieldEvery: 0 },
      new TinyLM(),
      new CountingSampler(),
    );
    const atTick: number[] = [];
    const timer = setInterval(() => atTick.push(trainer.iterNum), 0);
    await trainer.run();
    clearInterval(timer);
    expect(atTick.length).toBeGreaterThan(0);
    expect(atTick.some((n) => n > 0 && n < 30)).toBe(true);
  });

  test('Trainer.run() with yieldEvery null never yields: a run completes in one macrotask', async () => {
    const trainer = new Trainer(
      { maxIters: 20, batchSize: 2, yieldEvery: null },
      new TinyLM(),
      new CountingSampler(),
    );
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    await trainer.run();
    expect(fired).toBe(false);
  });

  test('Trainer.run() keeps memory flat over 300 iterations', async () => {
    const trainer = new Trainer({ maxIters: 10, batchSize: 8 }, new TinyLM(6, 8, 0.1), new CountingSampler());
    await trainer.run(); // warm: moments and gradients exist
    trainer.optimizer?.dispose();
    trainer.optimizer = null;
    const before = memory();
    trainer.config.maxIters = 300;
    let during = 0;
    trainer.setCallback('on_batch_end', (t) => {
      if (t.iterNum === 150) during = memory().numTensors;
    });
    await trainer.run();
    trainer.optimizer!.dispose();
    trainer.optimizer = null;
    const after = memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(during).toBe(before.numTensors + 2 * trainer.model.parameters().length); // + the moments
  });

  test('Trainer.run() honours the model’s parameter groups: no decay in the no-decay group', async () => {
    // a parameter whose gradient is always 0 (a token never seen) moves only through weight decay
    const model = new TinyLM(8, 8);
    const data = new CountingSampler(6, 5); // ids 6 and 7 never appear: rows 6, 7 of wte get zero gradient
    const row = (t: Tensor, r: number) => Array.from(t.data().subarray(r * 8, r * 8 + 8));
    const wte6 = row(model.wte.weight, 6);
    const trainer = new Trainer(
      { maxIters: 5, batchSize: 4, weightDecay: 0.5, learningRate: 0.1 },
      model,
      data,
    );
    await trainer.run();
    expect(row(model.wte.weight, 6)).toEqual(wte6); // no-decay group (Embedding weight): unchanged
    expect(trainer.optimizer!.paramGroups.map((g) => [g.names, g.weightDecay])).toEqual([
      [['head.weight'], 0.5],
      [['head.bias', 'ln.bias', 'ln.weight', 'wte.weight'], 0],
    ]);

    // the same model without configureOptimizers: one group with weightDecay, so the unused rows shrink
    const plain = new TinyLM(8, 8);
    Object.defineProperty(plain, 'configureOptimizers', { value: undefined });
    const plainRow = row(plain.wte.weight, 6);
    const t2 = new Trainer({ maxIters: 5, batchSize: 4, weightDecay: 0.5, learningRate: 0.1 }, plain, data);
    await t2.run();
    expect(t2.optimizer!.paramGroups).toHaveLength(1);
    const factor = (1 - 0.1 * 0.5) ** 5;
    row(plain.wte.weight, 6).forEach((x, i) => {
      expect(x).toBeCloseTo(plainRow[i]! * factor, 6);
    });
  });

  test('Trainer.run() clips the global gradient norm (gradNorm reports it before clipping)', async () => {
    const norms: number[] = [];
    const trainer = new Trainer(
      { maxIters: 3, batchSize: 4, gradNormClip: 1e-3 },
      new TinyLM(),
      new CountingSampler(),
    );
    trainer.setCallback('on_batch_end', (t) => {
      norms.push(t.gradNorm);
      const total = Math.sqrt(
        t.model
          .parameters()
          .reduce((s, p) => s + Array.from(p.grad!.data()).reduce((a, g) => a + g * g, 0), 0),
      );
      expect(total).toBeCloseTo(1e-3, 6); // the gradients the step used were clipped to the maximum
    });
    await trainer.run();
    expect(norms.every((n) => n > 1e-3)).toBe(true);
  });

  test('Trainer.run() builds the optimizer afresh on every run and restarts iterNum at 0', async () => {
    const trainer = new Trainer({ maxIters: 2, batchSize: 2 }, new TinyLM(), new CountingSampler());
    await trainer.run();
    const first = trainer.optimizer;
    await trainer.run();
    expect(trainer.optimizer).not.toBe(first);
    expect(trainer.optimizer!.stepCount).toBe(2);
    expect(trainer.iterNum).toBe(2);
  });

  test('Trainer.run() with maxIters 0 runs one iteration, as the toolkit’s loop', async () => {
    const trainer = new Trainer({ maxIters: 0, batchSize: 2 }, new TinyLM(), new CountingSampler());
    expect((await trainer.run()).iterations).toBe(1);
  });

  test('Trainer.run() applies the learning-rate schedule per iteration', async () => {
    const lrs: number[] = [];
    const trainer = new Trainer(
      {
        maxIters: 6,
        batchSize: 2,
        learningRate: 1e-2,
        lrSchedule: { type: 'cosine', warmupIters: 2, minLr: 0 },
      },
      new TinyLM(),
      new CountingSampler(),
    );
    trainer.setCallback('on_batch_end', (t) => void lrs.push(t.optimizer!.lr));
    await trainer.run();
    const expected = [
      1 / 3,
      2 / 3,
      1,
      0.5 * (1 + Math.cos(Math.PI / 4)),
      0.5,
      0.5 * (1 + Math.cos((3 * Math.PI) / 4)),
    ];
    lrs.forEach((lr, i) => {
      expect(lr).toBeCloseTo(1e-2 * expected[i]!, 12);
    });
  });

  test('Trainer.run() puts the model in training mode', async () => {
    const model = new TinyLM(6, 8, 0.5);
    model.eval();
    const trainer = new Trainer({ maxIters: 1, batchSize: 2 }, model, new CountingSampler());
    await trainer.run();
    expect(model.drop.training).toBe(true);
  });

  test('Trainer.run() throws ALREADY_RUNNING when called during a run', async () => {
    const trainer = new Trainer({ maxIters: 3, batchSize: 2 }, new TinyLM(), new CountingSampler());
    const first = trainer.run();
    await expect(trainer.run()).rejects.toMatchObject({ code: 'ALREADY_RUNNING' });
    await first;
  });

  test('Trainer.run() with learning rate 1e308 stops with NOT_FINITE when the loss diverges, not trains on NaN', async () => {
    manualSeed(0);
    const trainer = new Trainer(
      { maxIters: 50, batchSize: 4, learningRate: 1e308, gradNormClip: null },
      new TinyLM(6, 16),
      new CountingSampler(6, 5, 1),
    );
    const seen: number[] = [];
    trainer.setCallback('on_batch_end', (t) => void seen.push(t.loss));
    const error = await trainer.run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('NOT_FINITE');
    expect((error as Error).message).toMatch(
      /^\[@lxmls\/trainer\] Trainer\.run: the training loss is not finite at iteration \d+\. Expected a finite loss, received (NaN|-?Infinity)\. The run diverged \(learning rate 1e\+308\): lower the learning rate/,
    );
    expect(seen.length).toBeGreaterThan(0); // it trained until the loss broke, then stopped at once
    expect(seen.every(Number.isFinite)).toBe(true);
    expect(trainer.running).toBe(false);
  });

  test('Trainer.run() rejects with INVALID_MODEL when forward gives no loss, and passes on a callback error', async () => {
    const model = new TinyLM();
    const noLoss = Object.assign(model, { forward: () => ({ loss: null }) });
    await expect(
      new Trainer({ maxIters: 1, batchSize: 2 }, noLoss, new CountingSampler()).run(),
    ).rejects.toMatchObject({
      code: 'INVALID_MODEL',
    });
    const t = new Trainer({ maxIters: 3, batchSize: 2 }, new TinyLM(), new CountingSampler());
    t.setCallback('on_batch_end', () => {
      throw new Error('boom');
    });
    await expect(t.run()).rejects.toThrow('boom');
    expect(t.running).toBe(false);
  });

  test.each([
    [
      'a model without forward',
      { parameters: () => [], namedParameters: () => [], train: () => {} },
      new CountingSampler(),
      'INVALID_MODEL',
    ],
    ['a dataset of neither kind', new TinyLM(), { length: 3 }, 'INVALID_DATASET'],
    [
      'an empty indexed dataset',
      new TinyLM(),
      { length: 0, get: () => ({ x: [0], y: [0] }) },
      'INVALID_DATASET',
    ],
  ])('new Trainer(…) throws for %s', (_, model, data, code) => {
    let error: unknown;
    try {
      new Trainer({}, model as TinyLM, data as CountingSampler);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe(code);
  });

  test('Trainer.run() rejects a dataset whose examples differ in length, naming the index', async () => {
    const ragged = { length: 2, get: (i: number) => ({ x: i ? [1, 2] : [1], y: i ? [2, 3] : [2] }) };
    const t = new Trainer({ maxIters: 5, batchSize: 8 }, new TinyLM(), ragged);
    await expect(t.run()).rejects.toMatchObject({ code: 'INVALID_DATASET' });
  });

  test.each([
    ['', 'INVALID_ARGUMENT'],
    [42, 'INVALID_ARGUMENT'],
  ])('Trainer.addCallback(%j, fn) throws %s', (event, code) => {
    const t = new Trainer({}, new TinyLM(), new CountingSampler());
    expect(() => t.addCallback(event as string, () => {})).toThrow(expect.objectContaining({ code }));
    expect(() => t.setCallback('on_batch_end', 'nope' as never)).toThrow(expect.objectContaining({ code }));
  });
});
