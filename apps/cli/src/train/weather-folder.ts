/**
 * The folder `lxmls train weather --out DIR` writes and `lxmls eval weather --model DIR` reads: the model in
 * Hugging Face layout (`config.json` + `model.safetensors`, written by `model.save`) and `lxmls.json`, which
 * says the task (`weather`), the HMM's probabilities, the attention form, and how the model was trained; and
 * the scores' `--json` fields that both commands print ({@link weatherScoresJson}).
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BayesFigures, WeatherScores } from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
import { FIXED_PROBA, type WeatherProba } from '@lxmls/weather-data';
import { CliError } from '../errors.js';
import { asCliError, resolveModelSource } from '../load-model.js';

/** The file beside the checkpoint that says what task the model does. */
export const TASK_FILE = 'lxmls.json';

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

/** What `lxmls.json` holds for a weather model. */
export interface WeatherTaskInfo {
  /** Always `weather`. */
  task: 'weather';
  /** The HMM the model was trained on (`initial`, `transition`, `emission`). */
  proba: WeatherProba;
  /** `separate` for the exercise attention (`pretrained: false`), `fused` for GPT-2's `c_attn`. */
  attention: 'separate' | 'fused';
  /** How it was trained: the command line, recipe, seed, iterations, losses; for the record. */
  training?: Record<string, unknown>;
}

/**
 * Saves a trained weather model into `dir`: `config.json`, `model.safetensors` and `lxmls.json`, the whole
 * folder written atomically (@lxmls/hub's `writeFolderAtomic`, through `model.save`).
 *
 * @param dir - The folder (created if needed).
 * @param model - The trained GPT.
 * @param info - The task file's content.
 * @param options - `overwrite` (default true): replace a model folder that exists.
 * @example
 * ```ts
 * import { mkdtempSync, readdirSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import type { BayesFigures, WeatherScores } from '@lxmls/course';
import { GPT } from '@lxmls/gpt';
 * import { FIXED_PROBA } from '@lxmls/weather-data';
 * import { saveWeatherModel } from './train/weather-folder.js';
 * import { weatherModelConfig } from '@lxmls/course';
 * const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'w');
 * const model = new GPT(weatherModelConfig(), { init: 'lcg' });
 * await saveWeatherModel(dir, model, { task: 'weather', proba: FIXED_PROBA, attention: 'separate' });
 * console.log(readdirSync(dir).sort()); // → [ '.lxmls-commit.json', 'config.json', 'lxmls.json', 'model.safetensors' ]
 * model.dispose();
 * ```
 */
export async function saveWeatherModel(
  dir: string,
  model: GPT,
  info: WeatherTaskInfo,
  options: { overwrite?: boolean } = {},
): Promise<void> {
  try {
    // one atomic folder (a commit marker, nothing of an earlier model kept): the task file with the weights
    const extraFiles = { [TASK_FILE]: `${JSON.stringify(info, null, 2)}\n` };
    await model.save(dir, { extraFiles, overwrite: options.overwrite ?? true });
  } catch (error) {
    throw asCliError(error, dir);
  }
}

/**
 * Loads a weather model saved by {@link saveWeatherModel} (or one of @lxmls/models), in eval mode, with its task file.
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
  const path = join(folder, TASK_FILE);
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
