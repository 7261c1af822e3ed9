/**
 * @lxmls/weather-data: the weather HMM dataset of the LxMLS Transformer Day (Exercise 3.1), with numpy-exact
 * sampling, a fast batch sampler, and the exact Bayes-optimal loss and accuracies, Viterbi and posteriors.
 *
 * @packageDocumentation
 */

export type { BayesOptimal, BayesOptimalOptions } from './bayes.js';
export { BAYES_MAX_SEQ_LEN, bayesOptimal } from './bayes.js';
export type { WeatherDatasetOptions, WeatherSample } from './dataset.js';
export { WeatherDataset } from './dataset.js';
export type { WeatherDataErrorCode, WeatherDataErrorDetails } from './errors.js';
export { LxmlsWeatherDataError } from './errors.js';
export type { GreedyDecoding, Posteriors, ViterbiPath } from './hmm.js';
export { greedyDecode, posteriors, trueConditionals, viterbi } from './hmm.js';
export type { MT19937State } from './mt19937.js';
export { MT19937 } from './mt19937.js';
export type { WeatherProba } from './proba.js';
export {
  FIXED_PROBA,
  generateRandomProba,
  logitsToProbs,
  NUM_OBSERVATIONS,
  NUM_STATES,
  OBSERVATIONS,
  STATES,
  WEATHER_TOKENS,
  weatherToken,
} from './proba.js';
export type { ChoiceOptions } from './random-state.js';
export { RandomState, randomState } from './random-state.js';
export type { Split } from './split.js';
export { splitHash, splitOf } from './split.js';
