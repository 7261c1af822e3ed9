/**
 * Exact inference in the weather HMM: {@link posteriors} (forward-backward), {@link viterbi}, the true
 * conditionals a perfect autoregressive model would output ({@link trueConditionals}) and greedy decoding
 * with them ({@link greedyDecode}).
 *
 * The Python toolkit has none of these: they follow the textbook algorithms (Rabiner 1989; the LxMLS guide's
 * sequence-models day), applied to the HMM that `lxmls.transformers.dataset.WeatherDataset.generate_seq`
 * really samples from, first-state quirk included: the first recorded state follows `initial · transition`.
 * The forward-backward pass is scaled and Viterbi works in logs, so long sequences neither underflow nor
 * overflow.
 */

import { check, LxmlsWeatherDataError } from './errors.js';
import {
  type CompiledProba,
  compileProba,
  NUM_OBSERVATIONS,
  NUM_STATES,
  type WeatherProba,
} from './proba.js';

const S = NUM_STATES;
const V = NUM_OBSERVATIONS;

/** The result of {@link posteriors}. */
export interface Posteriors {
  /** `marginals[k][i]` = P(state k is `STATES[i]` | all observations): one row of 3 per position. */
  marginals: number[][];
  /** log P(observations), natural log. */
  logLikelihood: number;
  /** P(observations); may underflow to 0 for very long sequences, unlike `logLikelihood`. */
  likelihood: number;
}

/** The result of {@link viterbi}. */
export interface ViterbiPath {
  /** The most probable state sequence, as state token ids (5 rainy, 6 snowy, 7 sunny), like the dataset's labels. */
  states: number[];
  /** log P(states, observations) of that path, natural log. */
  logProbability: number;
  /** P(states, observations); may underflow to 0 for very long sequences. */
  probability: number;
}

/** The result of {@link greedyDecode}. */
export interface GreedyDecoding {
  /** The greedy state sequence, as state token ids (5-7). */
  states: number[];
  /** `conditionals[k]` = P(state k | all observations, the states chosen before k): 3 numbers per position. */
  conditionals: number[][];
}

/**
 * Scaled forward-backward over one observation sequence, in reusable buffers.
 * `alpha[k*3+i] * beta[k*3+i]` is the posterior marginal of state i at position k.
 * @internal
 */
export class ForwardBackward {
  /** (L, 3) scaled forward variables; each row sums to 1. */
  readonly alpha: Float64Array;
  /** (L, 3) scaled backward variables. */
  readonly beta: Float64Array;
  /** (L,) the scale factors: their logs sum to log P(obs). */
  readonly scale: Float64Array;
  /** (3,) scratch for one conditional row. */
  private readonly row = new Float64Array(S);

  constructor(
    readonly model: CompiledProba,
    readonly length: number,
  ) {
    this.alpha = new Float64Array(length * S);
    this.beta = new Float64Array(length * S);
    this.scale = new Float64Array(length);
  }

  /** Runs both passes over `obs` (ids 0-4, length `this.length`); false when P(obs) = 0. */
  run(obs: ArrayLike<number>): boolean {
    const { first, transition, emission } = this.model;
    const { alpha, beta, scale } = this;
    const L = this.length;
    for (let k = 0; k < L; k++) {
      const o = obs[k]!;
      let c = 0;
      for (let j = 0; j < S; j++) {
        let p: number;
        if (k === 0) p = first[j]!;
        else {
          p = 0;
          for (let i = 0; i < S; i++) p += alpha[(k - 1) * S + i]! * transition[i * S + j]!;
        }
        p *= emission[j * V + o]!;
        alpha[k * S + j] = p;
        c += p;
      }
      if (!(c > 0)) return false;
      scale[k] = c;
      for (let j = 0; j < S; j++) alpha[k * S + j] = alpha[k * S + j]! / c;
    }
    for (let i = 0; i < S; i++) beta[(L - 1) * S + i] = 1;
    for (let k = L - 2; k >= 0; k--) {
      const o = obs[k + 1]!;
      const c = scale[k + 1]!;
      for (let i = 0; i < S; i++) {
        let b = 0;
        for (let j = 0; j < S; j++)
          b += transition[i * S + j]! * emission[j * V + o]! * beta[(k + 1) * S + j]!;
        beta[k * S + i] = b / c;
      }
    }
    return true;
  }

  /** log P(obs) after {@link ForwardBackward.run}. */
  logLikelihood(): number {
    let sum = 0;
    for (let k = 0; k < this.length; k++) sum += Math.log(this.scale[k]!);
    return sum;
  }

  /** P(state k = i | obs). */
  gamma(k: number, i: number): number {
    return this.alpha[k * S + i]! * this.beta[k * S + i]!;
  }

  /**
   * P(state k = · | obs, state k-1 = prev) for k >= 1, into a shared scratch row (valid until the next call);
   * null when `prev` is impossible at k-1 given the observations.
   */
  conditional(obs: ArrayLike<number>, k: number, prev: number): Float64Array | null {
    const { transition, emission } = this.model;
    const o = obs[k]!;
    const row = this.row;
    let sum = 0;
    for (let j = 0; j < S; j++) {
      const w = transition[prev * S + j]! * emission[j * V + o]! * this.beta[k * S + j]!;
      row[j] = w;
      sum += w;
    }
    if (!(sum > 0)) return null;
    for (let j = 0; j < S; j++) row[j] = row[j]! / sum;
    return row;
  }
}

/** Relative difference below which two probabilities count as tied (rounding noise, not a real difference). */
export const TIE_TOLERANCE = 1e-12;

/**
 * Index of the largest of 3 entries, the lowest index on ties. Entries within {@link TIE_TOLERANCE} (relative)
 * of the maximum count as tied, so that exact ties of the model (common with probabilities such as .5 and .4)
 * do not go to whichever side the floating-point rounding happens to favour.
 */
export function argmax3(values: ArrayLike<number>, offset = 0): number {
  const a = values[offset]!;
  const b = values[offset + 1]!;
  const c = values[offset + 2]!;
  const floor = Math.max(a, b, c) * (1 - TIE_TOLERANCE);
  return a >= floor ? 0 : b >= floor ? 1 : 2;
}

/** Checks an observation sequence: integers in [0, 5). @internal */
export function checkObservations(fn: string, obs: unknown): Int32Array {
  const seq = obs as ArrayLike<unknown> | null;
  if (seq === null || typeof seq !== 'object' || typeof seq.length !== 'number')
    check.fail(fn, 'obs', obs, 'obs is not an array', 'an array of observation ids in [0, 5)');
  const out = new Int32Array(seq.length);
  for (let k = 0; k < seq.length; k++) {
    const v = seq[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= V)
      check.fail(fn, `obs[${k}]`, v, `obs[${k}] is not an observation id`, 'an integer in [0, 5)', {
        code: 'UNKNOWN_ID',
      });
    out[k] = v;
  }
  return out;
}

/** Whether log-probability `score` beats `best` by more than rounding noise (so ties keep the lower id). */
function beats(score: number, best: number): boolean {
  if (best === Number.NEGATIVE_INFINITY) return score > best;
  return score > best + TIE_TOLERANCE * Math.max(1, Math.abs(best));
}

function impossible(fn: string, obs: Int32Array): LxmlsWeatherDataError {
  return new LxmlsWeatherDataError('IMPOSSIBLE_SEQUENCE', 'the observations have probability 0', {
    fn,
    argument: 'obs',
    expected: 'observations the HMM can emit',
    received: `[${Array.from(obs).join(', ')}]`,
  });
}

/** Checks the arguments and runs forward-backward; `fb` is null for an empty sequence. */
function prepare(
  fn: string,
  proba: WeatherProba,
  obs: ArrayLike<number>,
): { fb: ForwardBackward | null; seq: Int32Array } {
  const model = compileProba(fn, proba);
  const seq = checkObservations(fn, obs);
  if (seq.length === 0) return { fb: null, seq };
  const fb = new ForwardBackward(model, seq.length);
  if (!fb.run(seq)) throw impossible(fn, seq);
  return { fb, seq };
}

/**
 * The posterior marginals of the hidden states given a whole observation sequence, by the (scaled)
 * forward-backward algorithm.
 *
 * @param proba - The HMM, for example {@link FIXED_PROBA}.
 * @param obs - Observation ids (0-4), any length; empty gives no rows and likelihood 1.
 * @returns `{ marginals, logLikelihood, likelihood }`; `marginals[k]` sums to 1.
 * @throws {@link LxmlsWeatherDataError} `INVALID_PROBABILITIES` for a bad `proba`; `UNKNOWN_ID` for an id
 *   outside `[0, 5)`; `IMPOSSIBLE_SEQUENCE` when the observations have probability 0.
 * @remarks Python: no counterpart in `lxmls.transformers.dataset`; the forward-backward algorithm of the
 *   LxMLS sequence-models day, on the HMM that `WeatherDataset.generate_seq` samples.
 * @example
 * ```ts
 * import { FIXED_PROBA, posteriors } from '@lxmls/weather-data';
 * const post = posteriors(FIXED_PROBA, [1, 4, 4, 4, 3, 2]); // read walk walk walk tennis shop
 * console.log(post.marginals[0]?.map((p) => p.toFixed(4))); // → [ '0.0000', '1.0000', '0.0000' ]
 * console.log(post.marginals[5]?.map((p) => p.toFixed(4))); // → [ '0.6667', '0.0000', '0.3333' ]
 * console.log(post.likelihood.toExponential(4)); // → 9.0938e-5
 * ```
 */
export function posteriors(proba: WeatherProba, obs: ArrayLike<number>): Posteriors {
  const { fb } = prepare('posteriors', proba, obs);
  if (fb === null) return { marginals: [], logLikelihood: 0, likelihood: 1 };
  const marginals: number[][] = [];
  for (let k = 0; k < fb.length; k++) marginals.push([fb.gamma(k, 0), fb.gamma(k, 1), fb.gamma(k, 2)]);
  const logLikelihood = fb.logLikelihood();
  return { marginals, logLikelihood, likelihood: Math.exp(logLikelihood) };
}

/**
 * The most probable hidden state sequence given the observations (Viterbi, in log space). Ties go to the
 * lower state id at each step.
 *
 * @param proba - The HMM, for example {@link FIXED_PROBA}.
 * @param obs - Observation ids (0-4), any length; empty gives an empty path of probability 1.
 * @returns `{ states, logProbability, probability }`, with `states` as token ids 5-7.
 * @throws {@link LxmlsWeatherDataError} `INVALID_PROBABILITIES` for a bad `proba`; `UNKNOWN_ID` for an id
 *   outside `[0, 5)`; `IMPOSSIBLE_SEQUENCE` when the observations have probability 0.
 * @remarks Python: no counterpart in `lxmls.transformers.dataset`; the Viterbi decoder of the LxMLS
 *   sequence-models day, on the HMM that `WeatherDataset.generate_seq` samples.
 * @example
 * ```ts
 * import { FIXED_PROBA, STATES, viterbi } from '@lxmls/weather-data';
 * const best = viterbi(FIXED_PROBA, [4, 3, 3, 4, 4, 2]);
 * console.log(best.states); // → [ 7, 7, 7, 7, 5, 6 ]
 * console.log(best.states.map((id) => STATES[id - 5])); // → [ 'sunny', 'sunny', 'sunny', 'sunny', 'rainy', 'snowy' ]
 * console.log(best.probability.toExponential(4)); // → 3.7500e-5
 * ```
 */
export function viterbi(proba: WeatherProba, obs: ArrayLike<number>): ViterbiPath {
  const fn = 'viterbi';
  const model = compileProba(fn, proba);
  const seq = checkObservations(fn, obs);
  const L = seq.length;
  if (L === 0) return { states: [], logProbability: 0, probability: 1 };
  const logT = model.transition.map(Math.log);
  const logE = model.emission.map(Math.log);
  const delta = new Float64Array(L * S); // (L, 3)
  const back = new Int8Array(L * S); // (L, 3)
  for (let j = 0; j < S; j++) delta[j] = Math.log(model.first[j]!) + logE[j * V + seq[0]!]!;
  for (let k = 1; k < L; k++) {
    for (let j = 0; j < S; j++) {
      let best = 0;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (let i = 0; i < S; i++) {
        const score = delta[(k - 1) * S + i]! + logT[i * S + j]!;
        if (beats(score, bestScore)) {
          bestScore = score;
          best = i;
        }
      }
      delta[k * S + j] = bestScore + logE[j * V + seq[k]!]!;
      back[k * S + j] = best;
    }
  }
  let last = 0;
  for (let j = 1; j < S; j++) {
    const score = delta[(L - 1) * S + j]!;
    const bestScore = delta[(L - 1) * S + last]!;
    if (beats(score, bestScore)) last = j;
  }
  const logProbability = delta[(L - 1) * S + last]!;
  if (logProbability === Number.NEGATIVE_INFINITY) throw impossible(fn, seq);
  const states = new Array<number>(L);
  states[L - 1] = last;
  for (let k = L - 1; k > 0; k--) states[k - 1] = back[k * S + states[k]!]!;
  return { states: states.map((s) => s + V), logProbability, probability: Math.exp(logProbability) };
}

/**
 * The true next-state distributions a perfect autoregressive model outputs at the labelled positions:
 * `P(state k | all observations, states 1..k-1)`, with the previous states taken from `states` (teacher
 * forcing, as in training). Their mean negative log-likelihood of the true states is the Bayes-optimal loss.
 *
 * @param proba - The HMM, for example {@link FIXED_PROBA}.
 * @param obs - Observation ids (0-4).
 * @param states - State token ids (5-7) of length `obs.length` or `obs.length - 1`; the last is not used.
 * @returns One row of 3 probabilities per position.
 * @throws {@link LxmlsWeatherDataError} `INVALID_PROBABILITIES`, `UNKNOWN_ID` or `INVALID_ARGUMENT` for bad
 *   input; `IMPOSSIBLE_SEQUENCE` when the observations, or the given states with them, have probability 0.
 * @remarks Python: no counterpart; what gpt-nano's softmax at positions 5-10 approximates after training on
 *   `WeatherDataset`.
 * @example
 * ```ts
 * import { FIXED_PROBA, trueConditionals } from '@lxmls/weather-data';
 * const rows = trueConditionals(FIXED_PROBA, [0, 4, 2, 4, 4, 2], [5, 5, 6, 7, 5, 5]);
 * console.log(rows[0]?.map((p) => p.toFixed(4))); // → [ '1.0000', '0.0000', '0.0000' ]
 * console.log(rows[2]?.map((p) => p.toFixed(4))); // → [ '0.2389', '0.7611', '0.0000' ]
 * ```
 */
export function trueConditionals(
  proba: WeatherProba,
  obs: ArrayLike<number>,
  states: ArrayLike<number>,
): number[][] {
  const fn = 'trueConditionals';
  const { fb, seq } = prepare(fn, proba, obs);
  const L = seq.length;
  if (
    states === null ||
    typeof states !== 'object' ||
    (states.length !== L && states.length !== Math.max(0, L - 1))
  ) {
    check.fail(
      fn,
      'states',
      states,
      'states does not match obs',
      `an array of ${L} (or ${Math.max(0, L - 1)}) state ids`,
    );
  }
  if (fb === null) return [];
  const rows: number[][] = [[fb.gamma(0, 0), fb.gamma(0, 1), fb.gamma(0, 2)]];
  for (let k = 1; k < L; k++) {
    const id = states[k - 1];
    const prev = typeof id === 'number' && Number.isInteger(id) ? id - V : -1;
    if (prev < 0 || prev >= S)
      check.fail(fn, `states[${k - 1}]`, id, `states[${k - 1}] is not a state id`, 'an integer in [5, 8)', {
        code: 'UNKNOWN_ID',
      });
    const row = rows[k - 1]![prev]! > 0 ? fb.conditional(seq, k, prev) : null;
    if (row === null)
      check.fail(
        fn,
        `states[${k - 1}]`,
        undefined,
        'the states have probability 0',
        'states the HMM can be in, given the observations and the states before',
        { code: 'IMPOSSIBLE_SEQUENCE', received: `[${Array.from(states).join(', ')}]` },
      );
    rows.push(Array.from(row));
  }
  return rows;
}

/**
 * Greedy autoregressive decoding with the true conditionals: at each position, the most probable state given
 * all observations and the states chosen so far (ties to the lower id). This is what a perfectly trained
 * gpt-nano produces with `generate(x[:, :6], 6, do_sample=False)`; its expected accuracy is the
 * `labelAccuracy` of {@link bayesOptimal}.
 *
 * @param proba - The HMM, for example {@link FIXED_PROBA}.
 * @param obs - Observation ids (0-4), any length.
 * @returns `{ states, conditionals }`, with `states` as token ids 5-7.
 * @throws {@link LxmlsWeatherDataError} `INVALID_PROBABILITIES` for a bad `proba`; `UNKNOWN_ID` for an id
 *   outside `[0, 5)`; `IMPOSSIBLE_SEQUENCE` when the observations have probability 0.
 * @remarks Python: no counterpart; the decoding of `Training_GPT_sequences.ipynb` (`generate(inp, 6,
 *   do_sample=False)`) with the model replaced by the true conditionals.
 * @example
 * ```ts
 * import { FIXED_PROBA, greedyDecode } from '@lxmls/weather-data';
 * console.log(greedyDecode(FIXED_PROBA, [4, 3, 3, 4, 4, 2]).states); // → [ 7, 7, 7, 7, 5, 6 ]
 * ```
 */
export function greedyDecode(proba: WeatherProba, obs: ArrayLike<number>): GreedyDecoding {
  const { fb, seq } = prepare('greedyDecode', proba, obs);
  if (fb === null) return { states: [], conditionals: [] };
  const first = [fb.gamma(0, 0), fb.gamma(0, 1), fb.gamma(0, 2)];
  const conditionals = [first];
  const states = [argmax3(first)];
  for (let k = 1; k < seq.length; k++) {
    const row = Array.from(fb.conditional(seq, k, states[k - 1]!)!);
    conditionals.push(row);
    states.push(argmax3(row));
  }
  return { states: states.map((s) => s + V), conditionals };
}
