/**
 * The `js` reference of the reductions: `reduce` (sum or max over axes, float64 accumulators), `argmax` and
 * `topk` (PyTorch's order: NaN counts as the largest, ties keep the lower index first).
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { ArgmaxAttrs, ReduceAttrs, TopkAttrs, UnaryInputs } from '../../backend.js';
import { broadcastIndex } from '../../shape.js';

/** The definition of the `reduce` kernel (docs/backend-contract.md), run by `JsBackend.reduce`. */
export function reduceReference(
  { x, out }: UnaryInputs<Float32Array>,
  { op, shape, axes }: ReduceAttrs,
): void {
  const outShape = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const index = broadcastIndex(outShape, shape); // input element i → output element index[i]
  const acc = new Float64Array(out.length).fill(op === 'sum' ? 0 : Number.NEGATIVE_INFINITY);
  for (let i = 0; i < x.length; i++) {
    const o = index[i]!;
    const v = x[i]!;
    if (op === 'sum') acc[o]! += v;
    else if (v > acc[o]! || Number.isNaN(v)) acc[o] = v; // max, NaN wins
  }
  for (let o = 0; o < out.length; o++) out[o] = acc[o]!;
}

/** The definition of the `argmax` kernel (docs/backend-contract.md), run by `JsBackend.argmax`. */
export function argmaxReference(
  { x, out }: { x: Float32Array; out: Int32Array },
  { outer, n, inner }: ArgmaxAttrs,
): void {
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < inner; j++) {
      let best = 0;
      let bestValue = x[o * n * inner + j]!;
      for (let i = 1; i < n; i++) {
        const v = x[(o * n + i) * inner + j]!;
        if (v > bestValue || (Number.isNaN(v) && !Number.isNaN(bestValue))) {
          best = i;
          bestValue = v;
        }
      }
      out[o * inner + j] = best;
    }
  }
}

/** The definition of the `topk` kernel (docs/backend-contract.md), run by `JsBackend.topk`. */
export function topkReference(
  { x, values, indices }: { x: Float32Array; values: Float32Array; indices: Int32Array },
  { rows, cols, k }: TopkAttrs,
): void {
  // a selection, not a sort: keep the k best seen so far in order (descending; NaN counts as the largest,
  // as in PyTorch; ties keep the lower index first), and insert a value only when it beats the k-th
  const beats = (a: number, b: number) => a > b || (Number.isNaN(a) && !Number.isNaN(b));
  if (k > 256) {
    // a large k: insertion costs up to cols·k moves, so sort the whole row instead (same order)
    const order = Array.from({ length: cols }, (_, j) => j);
    for (let r = 0; r < rows; r++) {
      const row = x.subarray(r * cols, (r + 1) * cols);
      order.sort((i, j) => (beats(row[i]!, row[j]!) ? -1 : beats(row[j]!, row[i]!) ? 1 : i - j));
      for (let t = 0; t < k; t++) {
        values[r * k + t] = row[order[t]!]!;
        indices[r * k + t] = order[t]!;
      }
      for (let j = 0; j < cols; j++) order[j] = j;
    }
    return;
  }
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const vals = values.subarray(r * k, (r + 1) * k);
    const idx = indices.subarray(r * k, (r + 1) * k);
    let n = 0;
    for (let j = 0; j < cols; j++) {
      const v = x[o + j]!;
      if (n === k && !beats(v, vals[k - 1]!)) continue;
      let p = n < k ? n++ : k - 1; // the slot freed at the end
      for (; p > 0 && beats(v, vals[p - 1]!); p--) {
        vals[p] = vals[p - 1]!;
        idx[p] = idx[p - 1]!;
      }
      vals[p] = v;
      idx[p] = j;
    }
  }
}
