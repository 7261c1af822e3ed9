// The Trainer on a backend whose reads are asynchronous (as WebGPU's): the js backend with `read` throwing
// and `readAsync` counted, `capabilities.async` set. A run records each iteration without a read (the clip
// in tensors) and reads its loss and gradient norm afterwards, every iteration or every `readLossEvery`;
// the losses equal those of the same run on js (float32 rounding of the clip aside).
import {
  createJsBackend,
  manualSeed,
  memory,
  registerBackend,
  removeBackend,
  setBackend,
} from '@lxmls/tensor';
import { asyncReads } from '@lxmls/tensor/conformance';
import { afterEach, describe, expect, test } from 'vitest';
import { LxmlsTrainerError, Trainer, type TrainerOptions } from './index.js';
import { CountingSampler, TinyLM } from './tiny-model.test.helpers.js';

/** `js` whose synchronous read throws (as WebGPU's), with its reads counted. */
const asyncReadsBackend = () => asyncReads(createJsBackend());

/** Trains TinyLM for `maxIters` on `backendName`, recording what each callback saw. */
async function train(
  backendName: string,
  config: { maxIters: number; gradNormClip?: number | null; learningRate?: number },
  options: TrainerOptions = {},
  onBatchEnd?: (t: Trainer<TinyLM>) => void,
) {
  await setBackend(backendName);
  manualSeed(0);
  const model = new TinyLM(6, 16, 0.1);
  const trainer = new Trainer(
    { batchSize: 8, learningRate: 2e-2, gradNormClip: 0.5, ...config },
    model,
    new CountingSampler(6, 5, 1),
    options,
  );
  const seen: { iterNum: number; loss: number; lossIterNum: number; gradNorm: number }[] = [];
  trainer.setCallback('on_batch_end', (t) => {
    seen.push({ iterNum: t.iterNum, loss: t.loss, lossIterNum: t.lossIterNum, gradNorm: t.gradNorm });
    onBatchEnd?.(t);
  });
  try {
    const summary = await trainer.run();
    return { summary, seen, trainer };
  } finally {
    model.dispose();
    trainer.optimizer?.dispose();
  }
}

describe('Trainer on a backend with asynchronous reads', () => {
  afterEach(async () => {
    await setBackend('js');
    removeBackend('async-js');
  });

  test('Trainer.run() on async reads gives the js losses and gradient norms, reading once per iteration and never synchronously', async () => {
    const { backend, reads } = asyncReadsBackend();
    registerBackend('async-js', () => backend, 0);
    const reference = await train('js', { maxIters: 12 });
    const got = await train('async-js', { maxIters: 12 });
    expect(reads).toEqual({ sync: 0, async: 12 });
    expect(got.seen.map((s) => s.iterNum)).toEqual(reference.seen.map((s) => s.iterNum));
    for (const [i, s] of got.seen.entries()) {
      const want = reference.seen[i]!;
      expect(s.lossIterNum).toBe(i);
      expect(Math.abs(s.loss - want.loss), `loss ${i}`).toBeLessThan(1e-5);
      expect(Math.abs(s.gradNorm - want.gradNorm), `gradNorm ${i}`).toBeLessThan(1e-5);
    }
    expect(got.summary.loss).toBe(got.seen.at(-1)!.loss);
  });

  test('Trainer.run() with readLossEvery 5 reads iterations 0, 5, 10 and the last; callbacks see the last loss read', async () => {
    const { backend, reads } = asyncReadsBackend();
    registerBackend('async-js', () => backend, 0);
    const every = await train('async-js', { maxIters: 12 });
    reads.async = 0;
    const sparse = await train('async-js', { maxIters: 12 }, { readLossEvery: 5 });
    expect(reads.async).toBe(4);
    expect(sparse.seen.map((s) => s.lossIterNum)).toEqual([0, 0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 11]);
    // the same run: the iterations read give the losses of the run that reads every iteration
    for (const s of sparse.seen) expect(s.loss).toBe(every.seen[s.lossIterNum]!.loss);
    expect(sparse.summary.loss).toBe(every.summary.loss);
  });

  test('Trainer.run() on async reads, stopped between reads, reads the last iteration for the summary', async () => {
    const { backend } = asyncReadsBackend();
    registerBackend('async-js', () => backend, 0);
    const every = await train('async-js', { maxIters: 12 });
    const stopped = await train('async-js', { maxIters: 12 }, { readLossEvery: 4 }, (t) => {
      if (t.iterNum === 6) t.stop();
    });
    expect(stopped.summary).toMatchObject({ iterations: 7, stopped: true });
    expect(stopped.trainer.lossIterNum).toBe(6);
    expect(stopped.summary.loss).toBe(every.seen[6]!.loss);
  });

  test('Trainer.run() on async reads keeps memory flat (the unread losses are disposed)', async () => {
    const { backend } = asyncReadsBackend();
    registerBackend('async-js', () => backend, 0);
    await setBackend('async-js');
    const before = memory().numTensors;
    await train('async-js', { maxIters: 30 }, { readLossEvery: 7 });
    expect(memory().numTensors).toBe(before);
  });

  test('Trainer.run() on async reads stops with NOT_FINITE at the iteration read', async () => {
    const { backend } = asyncReadsBackend();
    registerBackend('async-js', () => backend, 0);
    const error = await train('async-js', {
      maxIters: 50,
      learningRate: 1e308,
      gradNormClip: null,
    }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('NOT_FINITE');
    expect((error as Error).message).toMatch(/the training loss is not finite at iteration \d+\./);
  });

  test.each([0, 1.5, -2])('new Trainer(…, { readLossEvery: %s }) throws INVALID_ARGUMENT', (n) => {
    expect(() => new Trainer({}, new TinyLM(), new CountingSampler(), { readLossEvery: n })).toThrow(
      /readLossEvery is not a positive integer\. Expected an integer ≥ 1, received/,
    );
  });
});
