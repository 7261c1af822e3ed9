/**
 * Choosing on the GPU, so that greedy and sampled generation never read logits back: `argmax` (one thread
 * per output), `topk` (one thread per row, an insertion selection written straight into the outputs) and
 * `multinomial` (one thread per sample, a cumulative scan with compensated float32 sums).
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/reduce.ts` and `random.ts`): NaN counts as
 * the largest, ties keep the lower index, and sample `s` of row `r` is the first `j` whose cumulative weight
 * exceeds `uniformAt(seed, r·numSamples + s)·total` (the reference sums in float64: a draw within float32
 * rounding of a boundary may pick the neighbour).
 */

import type {
  ArgmaxAttrs,
  ArgmaxInputs,
  MultinomialAttrs,
  MultinomialInputs,
  TopkAttrs,
  TopkInputs,
} from '@lxmls/tensor';
import type { GpuStorage, Runtime } from '../runtime.js';
import { HASH, perElement } from './elementwise.js';

const BEATS = /* wgsl */ `
fn beats(a: f32, b: f32) -> bool { return a > b || (isnanf(a) && !isnanf(b)); }
`;

/** Index of the largest element along the middle axis of `(outer, n, inner)`. */
export function argmax(
  rt: Runtime,
  { x, out }: ArgmaxInputs<GpuStorage>,
  { outer, n, inner }: ArgmaxAttrs,
): void {
  perElement(
    rt,
    'argmax',
    BEATS,
    `let n = pu(1u); let inner = pu(2u);
  let o = gid / inner; let j = gid % inner;
  var best = 0u;
  var bv = $x[o * n * inner + j];
  for (var i = 1u; i < n; i++) {
    let v = $x[(o * n + i) * inner + j];
    if (beats(v, bv)) { best = i; bv = v; }
  }
  $out[gid] = i32(best);`,
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [outer * inner, n, inner], // one thread per (o, j)
  );
}

/** The `k` largest of each row, descending, ties by lower index. */
export function topk(
  rt: Runtime,
  { x, values, indices }: TopkInputs<GpuStorage>,
  { rows, cols, k }: TopkAttrs,
): void {
  if (rows * k === 0) return;
  rt.dispatch(
    'topk',
    {
      wg: 64,
      decls: BEATS,
      body: `if (gid >= pu(0u)) { return; }
  let cols = pu(1u); let k = pu(2u);
  let o = gid * cols; let w = gid * k;
  var n = 0u;
  for (var j = 0u; j < cols; j++) {
    let v = $x[o + j];
    if (n == k && !beats(v, $values[w + k - 1u])) { continue; }
    var p = k - 1u;
    if (n < k) { p = n; n++; }
    loop {
      if (p == 0u || !beats(v, $values[w + p - 1u])) { break; }
      $values[w + p] = $values[w + p - 1u];
      $indices[w + p] = $indices[w + p - 1u];
      p--;
    }
    $values[w + p] = v;
    $indices[w + p] = i32(j);
  }`,
    },
    [
      { name: 'x', storage: x },
      { name: 'values', storage: values, write: true },
      { name: 'indices', storage: indices, write: true },
    ],
    [rows, cols, k],
    Math.ceil(rows / 64),
  );
}

/** `numSamples` draws per row of non-negative weights, with replacement. */
export function multinomial(
  rt: Runtime,
  { probs, out }: MultinomialInputs<GpuStorage>,
  { rows, cols, numSamples, seed }: MultinomialAttrs,
): void {
  perElement(
    rt,
    'multinomial',
    HASH,
    `let cols = pu(1u); let ns = pu(2u);
  let r = gid / ns;
  let o = r * cols;
  // compensated (Kahan) sums, to stay close to the reference's float64
  var total = 0.0; var ct = 0.0;
  for (var j = 0u; j < cols; j++) { let y = $probs[o + j] - ct; let t = total + y; ct = (t - total) - y; total = t; }
  let u = (f32(hashAt(pu(3u), gid) >> 8u) / 16777216.0) * total;
  var cum = 0.0; var cc = 0.0;
  var pick = cols - 1u;
  for (var j = 0u; j < cols; j++) {
    let p = $probs[o + j];
    let y = p - cc; let t = cum + y; cc = (t - cum) - y; cum = t;
    if (cum > u && p > 0.0) { pick = j; break; }
  }
  loop {
    if (pick == 0u || $probs[o + pick] > 0.0) { break; }
    pick--;
  }
  $out[gid] = i32(pick);`,
    [
      { name: 'probs', storage: probs },
      { name: 'out', storage: out, write: true },
    ],
    [rows * numSamples, cols, numSamples, seed >>> 0], // one thread per draw
  );
}
