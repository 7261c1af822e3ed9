/**
 * The weather model in a page: the reader types six activities (and, optionally, the weather of the first
 * days), gpt-nano trained on the weather data (lxmls/weather-nano) gives the probabilities of the next day's
 * weather, and the hidden Markov model that made the data gives the exact ones (`trueConditionals` of
 * @lxmls/weather-data). No DOM: Node tests run it too.
 */

import type { GPT } from '@lxmls/gpt';
import { noGrad, slice, softmax, tensor, tidy } from '@lxmls/tensor';
import {
  FIXED_PROBA,
  greedyDecode,
  LxmlsWeatherDataError,
  NUM_OBSERVATIONS,
  OBSERVATIONS,
  STATES,
  trueConditionals,
  type WeatherProba,
  weatherToken,
} from '@lxmls/weather-data';

/** Days per sequence in the course's data (the model's block is `2 × 6 − 1 = 11`). */
export const DAYS = 6;

/**
 * Words to ids: each word must be one of `names` (any case); ids start at `offset` (0 for activities, 5 for
 * weathers, as in the model's vocabulary).
 *
 * @param text - Words separated by spaces or commas.
 * @param names - The allowed words, in id order.
 * @param offset - The id of `names[0]`.
 * @returns The ids.
 * @throws Error naming the first unknown word.
 * @example
 * ```ts
 * import { OBSERVATIONS, STATES } from '@lxmls/weather-data';
 * import { parseNames } from './weather-demo.js';
 * console.log(parseNames('Walk, tennis shop', OBSERVATIONS, 0), parseNames('sunny rainy', STATES, 5)); // → [ 4, 3, 2 ] [ 7, 5 ]
 * ```
 */
export function parseNames(text: string, names: readonly string[], offset: number): number[] {
  const words = text.split(/[\s,]+/).filter((w) => w !== '');
  return words.map((word) => {
    const i = names.indexOf(word.toLowerCase());
    if (i < 0) {
      throw new Error(
        `${JSON.stringify(word)} is not known. Expected one of ${names.join(', ')}: type words of that list, separated by spaces or commas.`,
      );
    }
    return i + offset;
  });
}

/**
 * The model's probabilities for the token after `obs` and `states`: `softmax(logits)` at the last position,
 * over the whole vocabulary of 8 (the 5 activities, then the 3 weathers).
 *
 * @param model - gpt-nano for the weather data, in eval mode.
 * @param obs - The six activity ids (0–4).
 * @param states - The weather ids (5–7) of the first days, 0 to 5 of them.
 * @returns 8 probabilities (they sum to 1).
 */
export function modelNextProbabilities(
  model: GPT,
  obs: readonly number[],
  states: readonly number[],
): number[] {
  const ids = [...obs, ...states];
  return tidy(() =>
    noGrad(() => {
      const { logits } = model.forward(tensor([ids], undefined, 'int32'), null); // (1, T, V)
      const V = logits.shape[2]!;
      const last = slice(logits, [0, ids.length - 1, 0], [1, 1, V]).reshape([V]); // (V)
      return Array.from(softmax(last, -1).data() as Float32Array);
    }),
  );
}

/**
 * The exact probabilities of the next day's weather (rainy, snowy, sunny) given all six activities and the
 * weather of the days before, from the HMM itself: what a perfect model would output.
 *
 * `trueConditionals` wants a weather for every day but the last; the days after the given ones are filled
 * with the first weathers the HMM allows (they do not change the row asked for).
 *
 * @param obs - The six activity ids.
 * @param states - The weather ids of the first days (0 to 5 of them).
 * @param proba - The HMM (default the course's `FIXED_PROBA`).
 * @returns 3 probabilities.
 * @throws `LxmlsWeatherDataError` `IMPOSSIBLE_SEQUENCE` when the activities, or the weathers with them, have
 *   probability 0.
 * @example
 * ```ts
 * import { hmmNextState } from './weather-demo.js';
 * console.log(hmmNextState([0, 4, 2, 4, 4, 2], [5, 5]).map((p) => p.toFixed(4))); // → [ '0.2389', '0.7611', '0.0000' ]
 * ```
 */
export function hmmNextState(
  obs: readonly number[],
  states: readonly number[],
  proba: WeatherProba = FIXED_PROBA,
): number[] {
  const k = states.length;
  const L = obs.length;
  let firstError: unknown = null;
  const search = (filled: number[]): number[] | null => {
    if (filled.length === L - 1) {
      try {
        return trueConditionals(proba, obs, filled)[k]!;
      } catch (error) {
        if (!(error instanceof LxmlsWeatherDataError) || error.code !== 'IMPOSSIBLE_SEQUENCE') throw error;
        firstError ??= error;
        return null;
      }
    }
    for (let s = 0; s < STATES.length; s++) {
      const row = search([...filled, NUM_OBSERVATIONS + s]);
      if (row !== null) return row;
    }
    return null;
  };
  const row = search(states.slice(0, L - 1));
  if (row === null) throw firstError;
  return row;
}

/** One day of {@link weatherWeek}. */
export interface WeatherDay {
  /** The activity that day. */
  activity: string;
  /** The model's P(rainy), P(snowy), P(sunny), given the activities and the weathers before. */
  model: number[];
  /** The probability the model gives to an activity token instead (it never should). */
  other: number;
  /** The HMM's exact probabilities, or null when the weathers before are impossible. */
  truth: number[] | null;
}

/**
 * Next-day weather probabilities for the day after the given weathers, by the model and by the HMM.
 *
 * @param model - gpt-nano for the weather data, in eval mode.
 * @param obs - Six activity ids.
 * @param states - 0 to 5 weather ids (of the first days).
 * @returns The day asked for: its activity, the model's and the HMM's probabilities.
 * @throws Error for a wrong number of activities or weathers, or ids out of range.
 */
export function nextDay(model: GPT, obs: readonly number[], states: readonly number[]): WeatherDay {
  if (obs.length !== DAYS) {
    throw new Error(`The model reads a week of ${DAYS} activities: type ${DAYS} (there are ${obs.length}).`);
  }
  if (states.length >= DAYS) {
    throw new Error(
      `There is no day left to predict after ${states.length} weathers: type at most ${DAYS - 1} (or none).`,
    );
  }
  const probs = modelNextProbabilities(model, obs, states);
  const weather = probs.slice(NUM_OBSERVATIONS);
  let truth: number[] | null;
  try {
    truth = hmmNextState(obs, states);
  } catch (error) {
    if (!(error instanceof LxmlsWeatherDataError) || error.code !== 'IMPOSSIBLE_SEQUENCE') throw error;
    truth = null;
  }
  return {
    activity: OBSERVATIONS[obs[states.length]!]!,
    model: weather,
    other: probs.slice(0, NUM_OBSERVATIONS).reduce((a, b) => a + b, 0),
    truth,
  };
}

/**
 * The week's weather decoded greedily by the model, as the notebook evaluates it
 * (`model.generate(x[:, :6], 6, do_sample=False)`), next to the HMM's greedy decoding with the true
 * conditionals (`greedyDecode`), the best a model of this kind can do.
 *
 * @param model - gpt-nano for the weather data, in eval mode.
 * @param obs - Six activity ids.
 * @returns The weather names, the model's and the HMM's (null when the activities are impossible).
 */
export function greedyWeek(model: GPT, obs: readonly number[]): { model: string[]; hmm: string[] | null } {
  const out = model.generate(tensor([[...obs]], undefined, 'int32'), DAYS); // (1, 12)
  const ids = (out.toArray() as number[][])[0]!.slice(obs.length);
  out.dispose();
  let hmm: string[] | null;
  try {
    hmm = greedyDecode(FIXED_PROBA, obs).states.map(weatherToken);
  } catch (error) {
    if (!(error instanceof LxmlsWeatherDataError) || error.code !== 'IMPOSSIBLE_SEQUENCE') throw error;
    hmm = null;
  }
  return { model: ids.map(weatherToken), hmm };
}
