/**
 * The exact Bayes-optimal figures of the weather task: the lowest achievable loss and the best label and
 * sequence accuracies, computed by enumerating every observation sequence (no sampling).
 *
 * The Python toolkit has no such function; docs/course-behaviour.md §3, §4 derives the figures for the
 * course's `fixed_proba` by exact enumeration, and this file reproduces them: loss 0.2502 nats per label,
 * label accuracy 84.90% (greedy decoding with the true conditionals), sequence accuracy 45.84% (Viterbi).
 */

import { check, checkInteger, LxmlsWeatherDataError } from './errors.js';
import { ForwardBackward, TIE_TOLERANCE } from './hmm.js';
import { compileProba, NUM_OBSERVATIONS, NUM_STATES, type WeatherProba } from './proba.js';
import { murmur3Bytes, type Split } from './split.js';

const S = NUM_STATES;
const V = NUM_OBSERVATIONS;

/**
 * The longest `seqLen` {@link bayesOptimal} enumerates: 10, i.e. 5¹⁰ ≈ 9.8 million observation sequences
 * (several seconds; `seqLen` 6 takes about 0.1 s).
 *
 * @remarks Python: no counterpart.
 * @example
 * ```ts
 * import { BAYES_MAX_SEQ_LEN } from '@lxmls/weather-data';
 * console.log(BAYES_MAX_SEQ_LEN); // → 10
 * ```
 */
export const BAYES_MAX_SEQ_LEN = 10;

/** Options of {@link bayesOptimal}. */
export interface BayesOptimalOptions {
  /**
   * Restrict to the observation sequences of one split (see `splitOf`), with the probabilities renormalised
   * over it: the floor for a model evaluated on `new WeatherDataset('test', ...)`. Both splits together if
   * omitted.
   */
  split?: Split;
}

/** The Bayes-optimal figures returned by {@link bayesOptimal}; accuracies are fractions in `[0, 1]`. */
export interface BayesOptimal {
  /**
   * The lowest expected cross-entropy per label, in nats: `H(S | O) / seqLen`, the mean over the `seqLen`
   * labelled positions of `-log P(true state k | all observations, true states before k)`. This is the
   * training loss of the toolkit (`cross_entropy(..., ignore_index=-1)`) for a perfect model.
   */
  loss: number;
  /**
   * Per-label accuracy of greedy autoregressive decoding with the true conditionals (see `greedyDecode`):
   * what a perfect gpt-nano scores with `generate(..., do_sample=False)`.
   */
  labelAccuracy: number;
  /** Exact-sequence accuracy of Viterbi decoding: the best any decoder can do on whole sequences. */
  sequenceAccuracy: number;
  /** Per-label accuracy of the posterior marginals: the best any decoder can do per label. */
  marginalLabelAccuracy: number;
  /** Exact-sequence accuracy of greedy decoding with the true conditionals. */
  greedySequenceAccuracy: number;
  /** How many observation sequences have non-zero probability (in the split, if one is given). */
  possibleSequences: number;
  /** The probability that a sampled sequence falls in the split: 1 without `split`. */
  probability: number;
}

/**
 * The exact Bayes-optimal loss and accuracies for data sampled like `WeatherDataset`'s (first-state quirk
 * included): it enumerates all `5 ** seqLen` observation sequences and, for each, runs forward-backward to
 * get the exact conditional entropy of the states, the greedy and Viterbi decodings and their expected
 * accuracies. For the course's {@link FIXED_PROBA} and `seqLen` 6 the figures are loss 0.250169 nats,
 * label accuracy 0.849047, sequence accuracy 0.458367 (marginal 0.852234, greedy sequence 0.456520, 8,632
 * possible observation sequences). Takes about 0.1 s for `seqLen` 6; the work grows as `5 ** seqLen`.
 *
 * Ties: with probabilities such as .5 and .4, greedy decoding meets exact ties between two states (detected
 * up to rounding, relative 1e-12). `labelAccuracy` and `greedySequenceAccuracy` average over ties broken
 * uniformly at random, the expectation for a model that has learnt the true conditionals; always taking the
 * lower id would give 0.849203 / 0.455894 and the higher 0.848891 / 0.457146 (exact rational arithmetic).
 * The course-behaviour figures 84.90% / 45.67% (§4) broke ties by floating-point noise; the label figure agrees to the printed digits.
 *
 * @param proba - The HMM, for example {@link FIXED_PROBA}.
 * @param seqLen - The sequence length, an integer in `[1, 10]`; 6 by default.
 * @param options - `split`, to get the figures of one split only.
 * @returns The figures (see {@link BayesOptimal}).
 * @throws {@link LxmlsWeatherDataError} `INVALID_PROBABILITIES` for a bad `proba`; `INVALID_ARGUMENT` for a
 *   bad `seqLen` or `split`, or a split that holds no possible sequence.
 * @remarks Python: no counterpart in `lxmls.transformers.dataset`; the "derived" floor (`H(S|O)/6` = 0.2502)
 *   and ceilings of docs/course-behaviour.md §3–§4.
 * @example
 * ```ts
 * import { bayesOptimal, FIXED_PROBA } from '@lxmls/weather-data';
 * const best = bayesOptimal(FIXED_PROBA, 6);
 * console.log(best.loss.toFixed(4)); // → 0.2502
 * console.log((100 * best.labelAccuracy).toFixed(2), (100 * best.sequenceAccuracy).toFixed(2)); // → 84.90 45.84
 * ```
 */
export function bayesOptimal(
  proba: WeatherProba,
  seqLen = 6,
  options: BayesOptimalOptions = {},
): BayesOptimal {
  const fn = 'bayesOptimal';
  const model = compileProba(fn, proba);
  const L = checkInteger(fn, 'seqLen', seqLen, 1, BAYES_MAX_SEQ_LEN);
  const split = options?.split;
  if (split !== undefined && split !== 'train' && split !== 'test')
    check.fail(
      fn,
      'options.split',
      split,
      'options.split is not a split name',
      "'train', 'test' or undefined",
    );
  const fb = new ForwardBackward(model, L);
  const obs = new Int32Array(L);
  const delta = new Float64Array(S);
  const next = new Float64Array(S);
  let mass = 0;
  let entropy = 0;
  let greedyLabels = 0;
  let greedySequences = 0;
  let viterbiSequences = 0;
  let marginalLabels = 0;
  let possible = 0;
  const greedy = { correct: 0, whole: 0 };

  for (;;) {
    const inSplit = split === undefined || ((murmur3Bytes(obs, 0, L) & 3) === 0) === (split === 'test');
    if (inSplit && fb.run(obs)) {
      const pObs = Math.exp(fb.logLikelihood());
      possible++;
      mass += pObs;
      let h = 0; // H(S | O = obs)
      let marginal = 0;
      for (let i = 0; i < S; i++) {
        const g = fb.gamma(0, i);
        if (g > 0) h -= g * Math.log(g);
        delta[i] = g;
      }
      for (let k = 0; k < L; k++) marginal += Math.max(fb.gamma(k, 0), fb.gamma(k, 1), fb.gamma(k, 2));
      for (let k = 1; k < L; k++) {
        next.fill(0);
        for (let i = 0; i < S; i++) {
          const g = fb.gamma(k - 1, i);
          if (!(g > 0)) continue;
          const row = fb.conditional(obs, k, i)!;
          for (let j = 0; j < S; j++) {
            const q = row[j]!;
            if (q > 0) h -= g * q * Math.log(q);
            const d = delta[i]! * q; // Viterbi on the posterior chain: max over paths of P(path | obs)
            if (d > next[j]!) next[j] = d;
          }
        }
        delta.set(next);
      }
      // Greedy decoding with the true conditionals, ties split evenly between the tied states.
      greedy.correct = 0;
      greedy.whole = 0;
      greedyBranches(fb, obs, [fb.gamma(0, 0), fb.gamma(0, 1), fb.gamma(0, 2)], 0, 1, 0, 1, greedy);
      entropy += pObs * h;
      marginalLabels += pObs * marginal;
      greedyLabels += pObs * greedy.correct;
      greedySequences += pObs * greedy.whole;
      viterbiSequences += pObs * Math.max(delta[0]!, delta[1]!, delta[2]!);
    }
    // Next observation sequence (an odometer in base 5).
    let k = L - 1;
    while (k >= 0 && obs[k] === V - 1) obs[k--] = 0;
    if (k < 0) break;
    obs[k]!++;
  }
  if (!(mass > 0))
    check.fail(
      fn,
      'options.split',
      split,
      `the '${split}' split holds no possible sequence`,
      'a split with some observation sequence of non-zero probability',
    );
  return {
    loss: entropy / mass / L,
    labelAccuracy: greedyLabels / mass / L,
    sequenceAccuracy: viterbiSequences / mass,
    marginalLabelAccuracy: marginalLabels / mass / L,
    greedySequenceAccuracy: greedySequences / mass,
    possibleSequences: possible,
    probability: mass,
  };
}

/**
 * Walks the greedy decoding of one observation sequence from position `k`, where `row` is the conditional
 * distribution of state k. Tied maxima (within {@link TIE_TOLERANCE}) each get an equal share of `weight`.
 * Adds to `acc.correct` the expected number of correct labels and to `acc.whole` the expected posterior
 * probability that the whole decoded sequence is right.
 */
function greedyBranches(
  fb: ForwardBackward,
  obs: Int32Array,
  row: ArrayLike<number>,
  k: number,
  weight: number,
  correct: number,
  pathPosterior: number,
  acc: { correct: number; whole: number },
): void {
  const floor = Math.max(row[0]!, row[1]!, row[2]!) * (1 - TIE_TOLERANCE);
  const tied = (row[0]! >= floor ? 1 : 0) + (row[1]! >= floor ? 1 : 0) + (row[2]! >= floor ? 1 : 0);
  const L = fb.length;
  for (let s = 0; s < S; s++) {
    if (!(row[s]! >= floor)) continue;
    const c = correct + fb.gamma(k, s);
    const p = pathPosterior * row[s]!;
    if (k === L - 1) {
      acc.correct += (weight / tied) * c;
      acc.whole += (weight / tied) * p;
    } else {
      const next = Array.from(fb.conditional(obs, k + 1, s)!);
      greedyBranches(fb, obs, next, k + 1, weight / tied, c, p, acc);
    }
  }
}
