// The golden values B of docs/course-behaviour.md §8: two Trainer steps on gpt-nano (LCG init) must give the
// losses, gradient norms, evaluation loss and parameter slices that the Python toolkit (torch 1.13, float32)
// gives.
// @lxmls/gpt is a devDependency only: the trainer itself knows nothing about GPT.
import { GPT } from '@lxmls/gpt';
import type { Tensor } from '@lxmls/tensor';
import { tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { Trainer } from './index.js';

const X = [1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7];
const Y = [-1, -1, -1, -1, -1, 6, 7, 7, 7, 7, 7];

/** A dataset that always gives the one golden batch. */
const oneBatch = {
  sampleBatch: (_batchSize: number) => ({ x: Int32Array.from(X), y: Int32Array.from(Y) }),
};

function nano(): GPT {
  const config = GPT.getDefaultConfig();
  config.modelType = 'gpt-nano';
  config.vocabSize = 8;
  config.blockSize = 11;
  config.embdPdrop = 0;
  config.residPdrop = 0;
  config.attnPdrop = 0;
  return new GPT(config, { init: 'lcg' });
}

const slice = (t: Tensor, n = 4) => Array.from(t.data().subarray(0, n));
const relClose = (got: number, want: number, rel = 1e-5) =>
  expect(Math.abs(got - want)).toBeLessThanOrEqual(rel * Math.abs(want));

describe('golden values (course-behaviour §8 B)', () => {
  test('Trainer.run() two steps on gpt-nano with the LCG init match the Python toolkit', async () => {
    const model = nano();
    const config = Trainer.getDefaultConfig();
    config.learningRate = 5e-4;
    config.maxIters = 2;
    config.batchSize = 1;
    const trainer = new Trainer(config, model, oneBatch);
    const steps: [number, number][] = [];
    trainer.setCallback('on_batch_end', (t) => void steps.push([t.loss, t.gradNorm]));
    await trainer.run();

    expect(trainer.optimizer!.paramGroups.map((g) => g.params.length)).toEqual([19, 34]);
    relClose(steps[0]![0], 1.7292594909667969);
    relClose(steps[0]![1], 11.67021656036377);
    relClose(steps[1]![0], 1.1410183906555176);
    relClose(steps[1]![1], 6.24001407623291);

    model.eval();
    const { loss } = model.forward(tensor([X], undefined, 'int32'), tensor([Y], undefined, 'int32'));
    relClose(loss!.item(), 0.8829306960105896);

    const params = new Map(model.namedParameters());
    const expected: [string, number[]][] = [
      ['lm_head.weight', [-0.0794855, 0.0046344, 0.083005, -0.0657592]],
      ['transformer.wte.weight', [-0.0959195, -0.0966904, 0.0086312, 0.0269808]],
      ['transformer.ln_f.weight', [0.9973266, 1.0849248, 0.9493942, 1.0621831]],
      ['transformer.h.0.attn.query_proj.bias', [-0.0106669, 0.0025941, 0.0000621, 0.0091735]],
    ];
    for (const [name, values] of expected) {
      const got = slice(params.get(name)!);
      values.forEach((v, i) => {
        expect(Math.abs(got[i]! - v), `${name}[${i}]`).toBeLessThan(2e-6);
      });
    }
  });
});
