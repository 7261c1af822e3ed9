/**
 * The folder of a trained weather model (Exercise 3.1): the GPT in Hugging Face layout (`config.json` +
 * `model.safetensors`, written by `model.save`) and `lxmls.json`, which says the task (`weather`), the HMM's
 * probabilities, the attention form and how the model was trained. `lxmls train weather --out DIR` writes it
 * with {@link saveWeatherModel}, `lxmls eval weather --model DIR` reads it back with {@link loadWeatherModel};
 * `lxmls/weather-nano` of @lxmls/models is one. {@link weatherScoresRecord}: the scores both commands print
 * (issue 13: moved here from the CLI).
 *
 * Follows packages/gpt/src/model.ts (`save`: one atomic folder with a commit marker, @lxmls/hub's
 * `writeFolderAtomic`). Browser-safe to import; saving and loading run in Node.
 */

import { type AttentionFactory, CausalSelfAttention, createAttention } from '@lxmls/attention';
import { GPT } from '@lxmls/gpt';
import { FIXED_PROBA, type WeatherProba } from '@lxmls/weather-data';
import { LxmlsCourseError } from './errors.js';
import type { BayesFigures, WeatherScores } from './weather.js';

/**
 * The file beside the checkpoint that says what task the model does.
 *
 * @example
 * ```ts
 * import { WEATHER_TASK_FILE } from '@lxmls/course';
 * console.log(WEATHER_TASK_FILE); // → lxmls.json
 * ```
 */
export const WEATHER_TASK_FILE = 'lxmls.json';

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
 * Saves a trained weather model into `dir`: `config.json`, `model.safetensors` and {@link WEATHER_TASK_FILE},
 * the whole folder written atomically (through `model.save`), so that no earlier model's file is kept.
 *
 * @param dir - The folder (created if needed).
 * @param model - The trained GPT.
 * @param info - The task file's content.
 * @param options - `overwrite` (default true): replace a model folder that exists.
 * @throws What `model.save` throws (@lxmls/gpt's and @lxmls/hub's errors: a folder that cannot be written).
 * @example
 * ```ts
 * import { mkdtempSync, readdirSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { GPT } from '@lxmls/gpt';
 * import { FIXED_PROBA } from '@lxmls/weather-data';
 * import { saveWeatherModel, weatherModelConfig } from '@lxmls/course';
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
  // one atomic folder (a commit marker, nothing of an earlier model kept): the task file with the weights
  const extraFiles = { [WEATHER_TASK_FILE]: `${JSON.stringify(info, null, 2)}\n` };
  await model.save(dir, { extraFiles, overwrite: options.overwrite ?? true });
}

/**
 * The state-dict keys of one attention module that a weather model folder needs (the exercise form's,
 * `CausalSelfAttention`'s: `query_proj`, `key_proj`, …, which `lxmls eval weather` loads) and that `attention`
 * lacks, and those it has instead; both empty when its parameters have the exercise form's names. Built
 * with gpt-nano's sizes (48 channels, 3 heads, block 11).
 *
 * @param attention - An attention class or factory (a student's `CausalSelfAttention`).
 * @returns `{ missing, unexpected }` state-dict keys.
 * @example
 * ```ts
 * import { CausalSelfAttention, PretrainedCausalSelfAttention } from '@lxmls/attention';
 * import { attentionKeyMismatch } from '@lxmls/course';
 * console.log(attentionKeyMismatch(CausalSelfAttention)); // → { missing: [], unexpected: [] }
 * console.log(attentionKeyMismatch(PretrainedCausalSelfAttention).unexpected); // → [ 'c_attn.weight', 'c_attn.bias', 'c_proj.weight', 'c_proj.bias' ]
 * ```
 */
export function attentionKeyMismatch(attention: AttentionFactory): {
  missing: string[];
  unexpected: string[];
} {
  const sizes = { nEmbd: 48, nHead: 3, blockSize: 11 }; // gpt-nano on the weather data
  const theirs = createAttention(attention, sizes);
  const ours = new CausalSelfAttention(sizes);
  const a = [...theirs.stateDict().keys()];
  const b = [...ours.stateDict().keys()];
  theirs.dispose();
  ours.dispose();
  return { missing: b.filter((k) => !a.includes(k)), unexpected: a.filter((k) => !b.includes(k)) };
}

/**
 * Loads a weather model folder written by {@link saveWeatherModel} (or `lxmls/weather-nano` of @lxmls/models),
 * in eval mode, with its task file; a task file without `proba` gets the fixed HMM's ({@link FIXED_PROBA}).
 * Runs in Node.
 *
 * @param folder - The folder.
 * @returns The model (dispose it) and the task info.
 * @throws {@link LxmlsCourseError} `INVALID_ARGUMENT` when the folder has no readable {@link WEATHER_TASK_FILE} for
 *   the weather task; what `GPT.fromPretrained` throws for its checkpoint.
 * @example
 * ```ts
 * import { mkdtempSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { GPT } from '@lxmls/gpt';
 * import { loadWeatherModel, saveWeatherModel, weatherModelConfig } from '@lxmls/course';
 * const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'w');
 * const saved = new GPT(weatherModelConfig(), { init: 'lcg' });
 * await saveWeatherModel(dir, saved, { task: 'weather', attention: 'separate' } as never); // no proba: the fixed HMM's
 * const { model, info } = await loadWeatherModel(dir);
 * console.log(info.task, info.proba.initial.length, model.config.nLayer, model.config.vocabSize); // → weather 3 3 8
 * saved.dispose();
 * model.dispose();
 * const error = await loadWeatherModel('/no/such/folder').catch((e: Error) => e);
 * console.log((error as Error).message.split('. ')[0]); // → [@lxmls/course] loadWeatherModel: cannot read /no/such/folder/lxmls.json
 * ```
 */
export async function loadWeatherModel(folder: string): Promise<{ model: GPT; info: WeatherTaskInfo }> {
  const { readFile } = await import('node:fs/promises');
  const path = (await import('node:path')).join(folder, WEATHER_TASK_FILE);
  const fail = (what: string, received: string) => {
    const expected = `a weather model folder (${WEATHER_TASK_FILE} with "task": "weather", as saveWeatherModel and lxmls train weather --out DIR write)`;
    throw new LxmlsCourseError('INVALID_ARGUMENT', what, { fn: 'loadWeatherModel', expected, received });
  };
  let info: WeatherTaskInfo | undefined;
  try {
    info = JSON.parse(await readFile(path, 'utf8')) as WeatherTaskInfo;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (error instanceof SyntaxError) fail(`${path} is not valid JSON`, error.message);
    fail(`cannot read ${path}`, code === 'ENOENT' ? 'no such file' : (error as Error).message);
  }
  if (info === null || typeof info !== 'object' || info.task !== 'weather')
    fail(`${path} is not a weather model`, JSON.stringify((info as { task?: unknown } | null)?.task));
  info!.proba ??= FIXED_PROBA;
  const model = await GPT.fromPretrained(folder, { attention: info!.attention ?? 'separate' });
  return { model: model.eval(), info: info! };
}

/**
 * The scores of a weather model next to the Bayes-optimal ones, as the `--json` fields of `lxmls train weather`
 * and `lxmls eval weather` (in this order).
 *
 * @param scores - {@link evaluateWeather}'s.
 * @param bayes - {@link bayesFigures}'.
 * @returns `evalLoss`, `bayesLoss`, `labelAccuracy`, `bayesLabelAccuracy`, `sequenceAccuracy`,
 *   `bayesSequenceAccuracy` (greedy), `bayesLossAll`, `bayesViterbiSequenceAccuracy`.
 * @example
 * ```ts
 * import { weatherScoresRecord } from '@lxmls/course';
 * const scores = { loss: 0.26, labelAccuracy: 0.7, sequenceAccuracy: 0.2 };
 * const bayes = { all: { loss: 0.25 }, test: { loss: 0.25, labelAccuracy: 0.71, greedySequenceAccuracy: 0.21, sequenceAccuracy: 0.22 } };
 * console.log(Object.keys(weatherScoresRecord(scores, bayes as never)).join(' '));
 * // → evalLoss bayesLoss labelAccuracy bayesLabelAccuracy sequenceAccuracy bayesSequenceAccuracy bayesLossAll bayesViterbiSequenceAccuracy
 * ```
 */
export function weatherScoresRecord(scores: WeatherScores, bayes: BayesFigures): Record<string, number> {
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
