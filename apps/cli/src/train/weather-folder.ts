/**
 * The folder `lxmls eval weather --model DIR` reads (what `lxmls train weather --out DIR` writes with
 * @lxmls/course's `saveWeatherModel`: the model in Hugging Face layout and `lxmls.json`, the task file), with
 * every problem one line; and the scores' `--json` fields that both commands print ({@link weatherScoresJson}).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type BayesFigures,
  WEATHER_TASK_FILE,
  type WeatherScores,
  type WeatherTaskInfo,
} from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
import { FIXED_PROBA } from '@lxmls/weather-data';
import { CliError } from '../errors.js';
import { asCliError, resolveModelSource } from '../load-model.js';

/**
 * The `--eval-samples N` row of `lxmls train weather` and `lxmls eval weather`: held-out test sequences to
 * score, 10,000 by default.
 *
 * @param help - The help line.
 * @returns The option row.
 * @example
 * ```ts
 * import { evalSamplesOption } from './train/weather-folder.js';
 * console.log(evalSamplesOption('Sequences.').default); // → 10000
 * ```
 */
export const evalSamplesOption = (help: string) =>
  ({ type: 'integer', value: 'N', min: 1, max: 10_000_000, default: 10_000, help }) as const;

/**
 * Loads a weather model saved by @lxmls/course's `saveWeatherModel` (or one of @lxmls/models), in eval mode, with its task file.
 *
 * @param source - The folder, or a name of @lxmls/models such as `lxmls/weather-nano`.
 * @returns The model (dispose it) and the task info.
 * @throws {@link CliError} when the folder has no `lxmls.json` for the weather task, or no checkpoint.
 * @example
 * ```ts
 * import { loadWeatherModel } from './train/weather-folder.js';
 * const { model, info } = await loadWeatherModel('lxmls/weather-nano');
 * console.log(info.task, info.attention, model.config.nLayer, model.config.vocabSize); // → weather separate 3 8
 * model.dispose();
 * ```
 */
export async function loadWeatherModel(source: string): Promise<{ model: GPT; info: WeatherTaskInfo }> {
  const folder = resolveModelSource(source);
  const path = join(folder, WEATHER_TASK_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new CliError(
      `cannot read ${path}: ${reason} (a weather model folder, as lxmls train weather --out DIR writes)`,
    );
  }
  let info: WeatherTaskInfo;
  try {
    info = JSON.parse(text) as WeatherTaskInfo;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (info === null || typeof info !== 'object' || info.task !== 'weather') {
    throw new CliError(`${path} is not a weather model: expected "task": "weather"`);
  }
  info.proba ??= FIXED_PROBA;
  try {
    const model = await GPT.fromPretrained(folder, { attention: info.attention ?? 'separate' });
    return { model: model.eval(), info };
  } catch (error) {
    throw asCliError(error, source);
  }
}

/**
 * The scores of a weather model next to the Bayes-optimal ones, as the `--json` fields of `lxmls train weather`
 * and `lxmls eval weather` (in this order).
 *
 * @param scores - `evaluateWeather` of @lxmls/course.
 * @param bayes - `bayesFigures` of @lxmls/course.
 * @returns `evalLoss`, `bayesLoss`, `labelAccuracy`, `bayesLabelAccuracy`, `sequenceAccuracy`,
 *   `bayesSequenceAccuracy` (greedy), `bayesLossAll`, `bayesViterbiSequenceAccuracy`.
 */
export function weatherScoresJson(scores: WeatherScores, bayes: BayesFigures): Record<string, number> {
  return {
    evalLoss: scores.loss,
    bayesLoss: bayes.test.loss,
    labelAccuracy: scores.labelAccuracy,
    bayesLabelAccuracy: bayes.test.labelAccuracy,
    sequenceAccuracy: scores.sequenceAccuracy,
    bayesSequenceAccuracy: bayes.test.greedySequenceAccuracy,
    bayesLossAll: bayes.all.loss,
    bayesViterbiSequenceAccuracy: bayes.test.sequenceAccuracy,
  };
}
