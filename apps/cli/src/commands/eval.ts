/**
 * `lxmls eval weather --model DIR`: scores a weather model saved by `lxmls train weather --out DIR` (or the
 * bundled `lxmls/weather-nano`) on the held-out test sequences, next to the Bayes-optimal figures: the same
 * table as at the end of `lxmls train weather`.
 */

import {
  bayesFigures,
  evaluateWeather,
  formatWeatherSummary,
  loadWeatherModel,
  weatherScoresRecord,
} from '@lxmls/course';
import { COMMON_OPTIONS } from '../args.js';
import { chooseBackend } from '../backends.js';
import { defineCommand } from '../command.js';
import { CliError } from '../errors.js';
import { resolveModelSource } from '../load-model.js';

/**
 * `lxmls eval`: see its help (`lxmls help eval`).
 *
 * @example
 * ```ts
 * import { evalCommand } from './commands/eval.js';
 * console.log(evalCommand.name, evalCommand.optionNames.length); // → eval 4
 * ```
 */
export const evalCommand = defineCommand({
  name: 'eval',
  summary: 'Score a trained weather model next to the Bayes-optimal figures',
  usage: 'lxmls eval weather --model DIR [--eval-samples 10000] [--backend B] [--json]',
  description: `Scores a weather model (Exercise 3.1) on --eval-samples held-out test sequences, the same ones as at the end
of lxmls train weather (the test split drawn with seed 1): the mean loss per label, and the label and
exact-sequence accuracy of greedy decoding (model.generate(x[:, :6], 6)), next to the Bayes-optimal figures
on the test split and on all sequences.

DIR is a folder written by lxmls train weather --out DIR (config.json, model.safetensors, lxmls.json), or
the bundled model lxmls/weather-nano.`,
  options: {
    model: {
      type: 'string',
      value: 'DIR',
      empty: true,
      help: 'The model folder, or lxmls/weather-nano (required).',
    },
    'eval-samples': COMMON_OPTIONS['eval-samples'],
    backend: COMMON_OPTIONS.backend,
    json: {
      type: 'flag',
      help: `Print one JSON line: {"evalLoss","bayesLoss","labelAccuracy","bayesLabelAccuracy",
"sequenceAccuracy","bayesSequenceAccuracy","bayesLossAll","bayesViterbiSequenceAccuracy","evalSamples"}
(Bayes: the test split; sequence accuracy: greedy decoding).`,
    },
  },
  notes: `Exit code 2 with one line on stderr for: a task other than weather, a missing --model, a folder without
lxmls.json for the weather task or without a checkpoint, an option out of range.`,
  examples: [
    'lxmls eval weather --model lxmls/weather-nano',
    'lxmls eval weather --model ./my-weather --json',
  ],
  run: async (o, [task, extra], { out }) => {
    if (task !== 'weather')
      throw new CliError(
        task === undefined
          ? 'missing TASK: lxmls eval weather --model DIR'
          : `unknown task ${JSON.stringify(task)}. Expected weather`,
      );
    if (extra !== undefined) throw new CliError(`unexpected argument ${JSON.stringify(extra)}`);
    if (!o.model)
      throw new CliError('missing --model DIR: a folder written by lxmls train weather --out DIR');
    const evalSamples = o['eval-samples'];
    await chooseBackend(o.backend);
    const { model, info } = await loadWeatherModel(resolveModelSource(o.model));
    try {
      const scores = evaluateWeather(model, info.proba, evalSamples);
      const bayes = bayesFigures(info.proba);
      if (o.json) {
        await out.write(`${JSON.stringify({ ...weatherScoresRecord(scores, bayes), evalSamples })}\n`);
      } else {
        await out.write(`${model.parameterCountLine()}; ${o.model}\n`);
        for (const line of formatWeatherSummary(scores, bayes, evalSamples)) await out.write(`${line}\n`);
      }
    } finally {
      model.dispose();
    }
    return 0;
  },
});
