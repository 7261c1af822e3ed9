// trainText where the training backend's reads are asynchronous (as webgpu's: here the js backend with `read`
// throwing and `capabilities.async` set): with `evalBackend` the trained model is copied there (copyModel) for
// the validation loss and returned there, with the numbers of the same run on js.
import { charTokenizer } from '@lxmls/bpe';
import { createJsBackend, registerBackend, removeBackend, setBackend } from '@lxmls/tensor';
import { asyncReads } from '@lxmls/tensor/conformance';
import { describe, expect, test } from 'vitest';
import { trainText } from './text.js';

const tokenizer = charTokenizer(['a', 'b', 'c', ' ']);
const ids = Int32Array.from(tokenizer.encode('abc ab a cab '.repeat(12)));
const recipe = {
  model: { modelType: null, nLayer: 1, nHead: 1, nEmbd: 8, blockSize: 6 },
  iters: 4,
  batchSize: 4,
  learningRate: 1e-2,
  seed: 0,
};

describe('trainText', () => {
  test('trainText with evalBackend on an asynchronous-read backend scores and returns the model on evalBackend', async () => {
    await setBackend('js');
    const cpuRun = await trainText(ids, tokenizer, recipe);
    cpuRun.model.dispose();
    const evalBackend = createJsBackend();
    registerBackend('async-js', () => asyncReads(createJsBackend()).backend, 0);
    try {
      await setBackend('async-js');
      await expect(trainText(ids, tokenizer, recipe)).rejects.toThrow('no synchronous read'); // evaluate reads
      const run = await trainText(ids, tokenizer, { ...recipe, evalBackend });
      try {
        const weight = run.model.stateDict().get('lm_head.weight')!;
        expect(weight.backend).toBe(evalBackend);
        expect(run.trainer.loss).toBeCloseTo(cpuRun.trainer.loss, 5);
        expect(run.valLoss).toBeCloseTo(cpuRun.valLoss, 5);
      } finally {
        run.model.dispose();
      }
    } finally {
      await setBackend('js');
      removeBackend('async-js');
    }
  });
});
