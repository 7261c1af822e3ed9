/**
 * The `js` reference of the random kernels: inverted `dropout` and `multinomial` sampling, both drawing the
 * counter-based `uniformAt(seed, i)` so that every backend draws the same mask and the same samples.
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { DropoutAttrs, MultinomialAttrs, UnaryInputs } from '../../backend.js';
import { uniformAt } from '../../backend.js';

/** The definition of the `dropout` kernel (docs/backend-contract.md), run by `JsBackend.dropout`. */
export function dropoutReference(
  { x, out }: UnaryInputs<Float32Array>,
  { size, p, seed }: DropoutAttrs,
): void {
  const scale = p < 1 ? 1 / (1 - p) : 0;
  for (let i = 0; i < size; i++) out[i] = uniformAt(seed, i) >= p ? x[i]! * scale : 0;
}

/** The definition of the `multinomial` kernel (docs/backend-contract.md), run by `JsBackend.multinomial`. */
export function multinomialReference(
  { probs, out }: { probs: Float32Array; out: Int32Array },
  { rows, cols, numSamples, seed }: MultinomialAttrs,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let total = 0;
    for (let j = 0; j < cols; j++) total += probs[o + j]!;
    for (let s = 0; s < numSamples; s++) {
      const u = uniformAt(seed, r * numSamples + s) * total;
      let cum = 0;
      let pick = cols - 1;
      for (let j = 0; j < cols; j++) {
        cum += probs[o + j]!;
        if (cum > u && probs[o + j]! > 0) {
          pick = j;
          break;
        }
      }
      while (pick > 0 && !(probs[o + pick]! > 0)) pick--; // rounding at the end: last non-zero weight
      out[r * numSamples + s] = pick;
    }
  }
}
