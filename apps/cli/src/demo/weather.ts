/**
 * Exercise 3.1 of the Transformer Day notebook (training gpt-nano on the weather data), cells In [18] to
 * In [23]: the Python code of each cell and, computed here with @lxmls/weather-data, @lxmls/gpt and
 * @lxmls/trainer, output in the notebook's format; then a cell of ours comparing the trained model with the
 * Bayes-optimal figures.
 *
 * Differences from the notebook, by necessity: the sample of In [20] is drawn with a seed (42), so it is not
 * the notebook's unseeded sample; the device of In [22] is the tensor backend we run on (`wasm` by default),
 * where the notebook's Mac used `mps`; the iteration times are ours. `LXMLS_DEMO_ITERS=N` trains N iterations
 * instead of 2000 (for tests).
 */

import { formatConfig, GPT } from '@lxmls/gpt';
import { getBackend, manualSeed } from '@lxmls/tensor';
import { formatTrainerConfig, Trainer } from '@lxmls/trainer';
import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
import { pyRepr } from '../python-repr.js';
import {
  bayesFigures,
  evaluateWeather,
  formatWeatherSummary,
  logLine,
  WEATHER_RECIPES,
  weatherModelConfig,
  weatherTrainerConfig,
} from '../train/weather.js';
import type { DemoCell, DemoSection } from './section.js';

const IMPORTS_CODE = [
  'import torch',
  'from torch.utils.data.dataloader import DataLoader',
  'import numpy as np',
  'import time',
  '',
  'import random',
  'random.seed(42)',
  '',
  'from lxmls.transformers.utils import set_seed',
  'from lxmls.transformers.bpe import BPETokenizer',
  'from lxmls.transformers.model import GPT',
  'from lxmls.transformers.trainer import Trainer',
  'from lxmls.transformers.dataset import WeatherDataset',
];

const PROBA_CODE = [
  '# Fixed probabilities, easier to learn',
  '# This is just to create the sequence in the dataset',
  'fixed_proba = {}',
  'fixed_proba["initial"] = [.5,.3,.2]',
  'fixed_proba["transition"] = [',
  '    [.5,.5,0],',
  '    [0,.5,.5],',
  '    [.5,0,.5]',
  ']',
  'fixed_proba["emission"] = [',
  '    [.5,0,.2,0,.3],',
  '    [0,.5,.4,0,.1],',
  '    [0,0,.1,.5,.4]',
  ']',
];

const SAMPLE_CODE = [
  '# print an example instance of the dataset',
  "train_dataset = WeatherDataset('train', proba=fixed_proba)",
  "test_dataset = WeatherDataset('test', proba=train_dataset.proba)",
  'x, y = train_dataset[0]',
  '',
  'print("Sampling from the dataset:")',
  'print(f"Input: {train_dataset.decode_obs(x.tolist()[:6])}")',
  'print(f"Labels: {train_dataset.decode_st(y.tolist()[5:])}")',
  'print("-"*50)',
  'print("Tokenized sequences:")',
  'print(f"Input: {x.tolist()}")',
  'print(f"Labels: {y.tolist()}")',
];

const MODEL_CODE = [
  '# create a GPT instance',
  'model_config = GPT.get_default_config()',
  "model_config.model_type = 'gpt-nano'",
  'model_config.vocab_size = train_dataset.get_vocab_size()',
  'model_config.block_size = train_dataset.get_block_size()',
  'model = GPT(model_config)',
  '',
  'print(model_config)',
];

function trainerCode(device: string): string[] {
  return [
    '# create a Trainer object',
    'train_config = Trainer.get_default_config()',
    "train_config.learning_rate = 5e-4 # the model we're using is so small that we can go a bit faster",
    'train_config.max_iters = 2000',
    'train_config.num_workers = 0',
    `train_config.device = "${device}"  # lxmls: the tensor backend we run on (the notebook's Mac: "mps")`,
    'trainer = Trainer(train_config, model, train_dataset)',
    '',
    'print(train_config)',
  ];
}

const TRAIN_CODE = [
  'def batch_end_callback(trainer):',
  '    if trainer.iter_num % 100 == 0:',
  '        print(f"iter_dt {trainer.iter_dt * 1000:.2f}ms; iter {trainer.iter_num}: train loss {trainer.loss.item():.5f}")',
  "trainer.set_callback('on_batch_end', batch_end_callback)",
  '',
  'start_time = time.time()',
  'trainer.run()',
  'end_time = time.time()',
  'elapsed_time = end_time - start_time',
  '',
  '# Print the training time',
  'print("Training time: {:.2f} seconds".format(elapsed_time))',
];

const EVAL_CODE = [
  '# lxmls demo, not a cell of the notebook: the trained model on 10,000 held-out test sequences (greedy',
  '# decoding, as Training_GPT_sequences.ipynb), next to the Bayes-optimal figures computed from fixed_proba.',
  '# Shell: lxmls train weather (the same run) or lxmls eval weather --model lxmls/weather-nano',
];

/** The iterations of In [23]: 2000, or `LXMLS_DEMO_ITERS` when set (tests run a few). */
function demoIters(): number {
  const text = process.env.LXMLS_DEMO_ITERS;
  const n = Number(text);
  return text !== undefined && /^\d+$/.test(text) && n >= 1 ? n : WEATHER_RECIPES.course.iters;
}

/**
 * Runs `train` and yields the lines its callback pushes as they come, so a long run prints as it goes.
 *
 * @param train - Starts the work; receives `emit(line)`.
 * @returns The lines, in order, then those `train` returns at its end.
 */
async function* streamLines(
  train: (emit: (line: string) => void) => Promise<string[]>,
): AsyncGenerator<string> {
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  let done = false;
  let failure: unknown;
  let tail: string[] = [];
  const emit = (line: string) => {
    queue.push(line);
    wake?.();
  };
  const work = train(emit).then(
    (lines) => {
      tail = lines;
    },
    (error: unknown) => {
      failure = error ?? new Error('training failed');
    },
  );
  void work.finally(() => {
    done = true;
    wake?.();
  });
  for (;;) {
    while (queue.length > 0) yield queue.shift()!;
    if (done) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  if (failure !== undefined) throw failure;
  yield* tail;
}

function weatherCells(): DemoCell[] {
  manualSeed(42);
  const train = new WeatherDataset('train', { proba: FIXED_PROBA, seed: 42 });
  const device = getBackend().name;
  let model: GPT | undefined;
  let trainer: Trainer<GPT> | undefined;
  return [
    { prompt: 'In [18]:', code: IMPORTS_CODE, run: () => [] },
    { prompt: 'In [19]:', code: PROBA_CODE, run: () => [] },
    {
      prompt: 'In [20]:',
      code: SAMPLE_CODE,
      run: () => {
        const { x, y } = train.get(0);
        return [
          'Sampling from the dataset:',
          `Input: ${pyRepr(train.decodeObs(x.subarray(0, 6)))}`,
          `Labels: ${pyRepr(train.decodeSt(y.subarray(5)))}`,
          '-'.repeat(50),
          'Tokenized sequences:',
          `Input: ${pyRepr(Array.from(x))}`,
          `Labels: ${pyRepr(Array.from(y))}`,
        ];
      },
    },
    {
      prompt: 'In [21]:',
      code: MODEL_CODE,
      run: () => {
        const config = weatherModelConfig();
        model = new GPT(config); // the sizes of gpt-nano are merged into config, as in the toolkit
        return [model.parameterCountLine(), ...formatConfig(config).split('\n')];
      },
    },
    {
      prompt: 'In [22]:',
      code: trainerCode(device),
      run: () => {
        const config = { ...weatherTrainerConfig(WEATHER_RECIPES.course, 42), device, maxIters: demoIters() };
        const lines: string[] = [];
        trainer = new Trainer(config, model!, train, { log: (line) => lines.push(line) });
        return [...lines, ...formatTrainerConfig(trainer.config).split('\n')];
      },
    },
    {
      prompt: 'In [23]:',
      code: TRAIN_CODE,
      run: () =>
        streamLines(async (emit) => {
          trainer!.setCallback('on_batch_end', (t) => {
            if (t.iterNum % 100 === 0) emit(logLine(t));
          });
          const start = performance.now();
          await trainer!.run();
          const elapsed = (performance.now() - start) / 1000;
          return [`Training time: ${elapsed.toFixed(2)} seconds`];
        }),
    },
    {
      prompt: 'In [ ]:',
      code: EVAL_CODE,
      run: () => {
        try {
          const samples = 10_000;
          return formatWeatherSummary(
            evaluateWeather(model!, FIXED_PROBA, samples),
            bayesFigures(FIXED_PROBA),
            samples,
          );
        } finally {
          model!.dispose();
        }
      },
    },
  ];
}

/**
 * Exercise 3.1 (training gpt-nano on the weather data) of the notebook, cells In [18] to In [23], and one cell
 * of ours after them.
 *
 * @example
 * ```ts
 * import { weatherSection } from './demo/weather.js';
 * console.log(weatherSection.id, weatherSection.cells().map((cell) => cell.prompt).join(' ')); // → weather In [18]: In [19]: In [20]: In [21]: In [22]: In [23]: In [ ]:
 * ```
 */
export const weatherSection: DemoSection = {
  id: 'weather',
  title: 'Exercise 3.1: Training a weather prediction model (gpt-nano)',
  source:
    'transformer-day notebook, cells In [18] to In [23] (Python code, results computed by @lxmls/weather-data, @lxmls/gpt and @lxmls/trainer; the sample of In [20] is seeded, the device is our backend), then a cell of ours (In [ ]) scoring the model',
  cells: weatherCells,
};
