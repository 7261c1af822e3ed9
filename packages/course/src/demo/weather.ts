/**
 * Exercise 3.1 of the Transformer Day notebook (training gpt-nano on the weather data), cells In [18] to
 * In [23]: the Python code of each cell and, computed with @lxmls/weather-data, @lxmls/gpt and
 * @lxmls/trainer, output in the notebook's format; then a cell of ours comparing the trained model with the
 * Bayes-optimal figures.
 *
 * Differences from the notebook, by necessity: the sample of In [20] is drawn with a seed (42), so it is not
 * the notebook's unseeded sample; the device of In [22] is the tensor backend we run on (`wasm` by default),
 * where the notebook's Mac used `mps`; the iteration times are ours. The `iters` option trains fewer (or more)
 * iterations than the notebook's 2000 (`lxmls demo` reads it from `LXMLS_DEMO_ITERS`, for tests).
 */

import { pyRepr } from '@lxmls/base';
import { formatConfig, GPT } from '@lxmls/gpt';
import { getBackend, manualSeed } from '@lxmls/tensor';
import { formatTrainerConfig, Trainer } from '@lxmls/trainer';
import { FIXED_PROBA, WeatherDataset } from '@lxmls/weather-data';
import { notebookCell } from '../notebook.js';
import {
  bayesFigures,
  evaluateWeather,
  formatWeatherSummary,
  logLine,
  WEATHER_ATTENTION,
  WEATHER_RECIPES,
  weatherModelConfig,
  weatherTrainerConfig,
} from '../weather.js';
import type { DemoCell, DemoSection } from './section.js';

/**
 * The Python of In [22] with our device: the notebook's Mac said "mps", we say which tensor backend we run on.
 *
 * @param device - The backend's name.
 * @returns The lines.
 */
function trainerCode(device: string): string[] {
  return notebookCell(22).python.map((line) =>
    line === 'train_config.device = "mps"'
      ? `train_config.device = "${device}"  # lxmls: the tensor backend we run on (the notebook's Mac: "mps")`
      : line,
  );
}

const EVAL_CODE = [
  '# lxmls demo, not a cell of the notebook: the trained model on 10,000 held-out test sequences (greedy',
  '# decoding, as Training_GPT_sequences.ipynb), next to the Bayes-optimal figures computed from fixed_proba.',
  '# Shell: lxmls train weather (the same run) or lxmls eval weather --model lxmls/weather-nano',
];

/** The TypeScript of the extra cell. */
const EVAL_TYPESCRIPT = [
  '// lxmls demo, not a cell of the notebook: the same figures from @lxmls/weather-data',
  "import { bayesOptimal, FIXED_PROBA } from '@lxmls/weather-data';",
  '',
  'const bayes = bayesOptimal(FIXED_PROBA, 6); // the exact loss and accuracy of a perfect model',
  '// the model: greedy decoding of 10,000 test sequences (lxmls eval weather does it)',
];

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

function weatherCells(options: WeatherDemoOptions): DemoCell[] {
  const iters = options.iters ?? (() => WEATHER_RECIPES.course.iters);
  manualSeed(42);
  const train = new WeatherDataset('train', { proba: FIXED_PROBA, seed: 42 });
  const device = getBackend().name;
  let model: GPT | undefined;
  let trainer: Trainer<GPT> | undefined;
  return [
    { prompt: 'In [18]:', code: notebookCell(18).python, run: () => [] },
    { prompt: 'In [19]:', code: notebookCell(19).python, run: () => [] },
    {
      prompt: 'In [20]:',
      code: notebookCell(20).python,
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
      code: notebookCell(21).python,
      run: () => {
        const config = weatherModelConfig();
        // the sizes of gpt-nano are merged into config, as in the toolkit; the course recipe's fused attention
        model = new GPT(config, { attention: WEATHER_ATTENTION });
        return [model.parameterCountLine(), ...formatConfig(config).split('\n')];
      },
    },
    {
      prompt: 'In [22]:',
      code: trainerCode(device),
      run: () => {
        const config = { ...weatherTrainerConfig(WEATHER_RECIPES.course, 42), device, maxIters: iters() };
        const lines: string[] = [];
        trainer = new Trainer(config, model!, train, { log: (line) => lines.push(line) });
        return [...lines, ...formatTrainerConfig(trainer.config).split('\n')];
      },
    },
    {
      prompt: 'In [23]:',
      code: notebookCell(23).python,
      run: () =>
        streamLines(async (emit) => {
          trainer!.setCallback('on_batch_end', async (t) => {
            if (t.iterNum % 100 === 0) emit(logLine(t));
            await options.onBatchEnd?.(t);
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
      typescript: EVAL_TYPESCRIPT,
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

/** What {@link weatherDemo} trains. */
export interface WeatherDemoOptions {
  /** The iterations of In [23], asked when In [22] runs: the notebook's 2000 by default. */
  iters?: () => number;
  /** Called after every iteration of In [23] (a progress bar: `lxmls demo` draws one on a terminal). */
  onBatchEnd?: (trainer: Trainer<GPT>) => void | Promise<void>;
}

/**
 * Exercise 3.1 (training gpt-nano on the weather data) of the notebook, cells In [18] to In [23], and one cell
 * of ours after them.
 *
 * @param options - How many iterations to train, and a callback after each.
 * @returns The section.
 * @example
 * ```ts
 * import { weatherDemo } from '@lxmls/course';
 * const section = weatherDemo({ iters: () => 10 });
 * console.log(section.id, section.cells().map((cell) => cell.prompt).join(' ')); // → weather In [18]: In [19]: In [20]: In [21]: In [22]: In [23]: In [ ]:
 * ```
 */
export function weatherDemo(options: WeatherDemoOptions = {}): DemoSection {
  return {
    id: 'weather',
    title: 'Exercise 3.1: Training a weather prediction model (gpt-nano)',
    source:
      'transformer-day notebook, cells In [18] to In [23] (Python code, results computed by @lxmls/weather-data, @lxmls/gpt and @lxmls/trainer; the sample of In [20] is seeded, the device is our backend), then a cell of ours (In [ ]) scoring the model',
    notebook: ['3', '3.1'],
    cells: () => weatherCells(options),
  };
}
