// Brute-force references for the tests of hmm.ts and bayes.ts: every state sequence enumerated, straight from
// the definition of the HMM that WeatherDataset.generate_seq samples (first state ~ initial · transition).
import type { WeatherProba } from './index.js';

/** One state sequence (indices 0-2) with its joint probability P(states, obs). */
export interface Path {
  states: number[];
  p: number;
}

/** All 3^L state sequences with P(states, obs) > 0. */
export function paths(proba: WeatherProba, obs: readonly number[]): Path[] {
  const { initial, transition: T, emission: E } = proba;
  const first = [0, 1, 2].map((j) => [0, 1, 2].reduce((sum, i) => sum + initial[i]! * T[i]![j]!, 0));
  const out: Path[] = [];
  const L = obs.length;
  for (let n = 0; n < 3 ** L; n++) {
    const states: number[] = [];
    for (let k = 0, m = n; k < L; k++, m = Math.floor(m / 3)) states.unshift(m % 3);
    let p = first[states[0]!]! * E[states[0]!]![obs[0]!]!;
    for (let k = 1; k < L; k++) p *= T[states[k - 1]!]![states[k]!]! * E[states[k]!]![obs[k]!]!;
    if (p > 0) out.push({ states, p });
  }
  return out;
}

/** P(state k = j | obs, states before k = prefix), for j = 0, 1, 2. */
export function conditional(all: Path[], prefix: readonly number[]): number[] {
  const k = prefix.length;
  const mass = [0, 0, 0];
  for (const { states, p } of all) {
    if (prefix.every((s, i) => states[i] === s)) mass[states[k]!]! += p;
  }
  const total = mass[0]! + mass[1]! + mass[2]!;
  return mass.map((m) => m / total);
}

/** Greedy decoding with the brute-force conditionals (strict argmax, lowest index on exact ties). */
export function greedy(all: Path[], L: number): number[] {
  const prefix: number[] = [];
  for (let k = 0; k < L; k++) {
    const row = conditional(all, prefix);
    prefix.push(row.indexOf(Math.max(...row)));
  }
  return prefix;
}

/** Every observation sequence of length L, in base-5 order. */
export function allObservations(L: number): number[][] {
  const out: number[][] = [];
  for (let n = 0; n < 5 ** L; n++) {
    const obs: number[] = [];
    for (let k = 0, m = n; k < L; k++, m = Math.floor(m / 5)) obs.unshift(m % 5);
    out.push(obs);
  }
  return out;
}
