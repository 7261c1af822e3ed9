// The attention kernels of the `wasm` Backend of @lxmls/backend-wasm: the scaled causal softmax of the
// attention weights and its backward; the products are the matmul of matmul.ts (src/wasm/attention.ts
// drives both; the `js` reference is packages/tensor/src/backends/js/attention.ts).

import { expInPlace } from './elementwise';

// ---------------------------------------------------------------------------------------------- attention

/**
 * p = softmax(scale · s) per row of bh × tq × tk scores, causal when `causal` (query i sees keys
 * j ≤ i + tk − tq; the rest get 0), writing each row's log-sum-exp of the scaled scores to lse (may be 0 to
 * skip). A row that sees no key gets zeros and lse −∞. s and p may be the same buffer.
 */
export function scaledSoftmax(s: usize, p: usize, lse: usize, bh: i32, tq: i32, tk: i32, scale: f32, causal: i32): void {
  // Three passes so that the exponentials, the costly part (a scalar Mathf.exp was ~0.3 ms per call for
  // 192 heads of 11×11), run four lanes at a time over the whole buffer rather than row by row:
  // (1) per row, z = scale·s − max over the visible keys, into p; (2) p = e^z over all rows × tk elements
  // with SIMD; (3) per row, normalise the visible part, zero the masked part, write lse.
  const ld: usize = <usize>tk << 2;
  const rows = bh * tq;
  let i = 0; // the query index r mod tq, counted instead of divided
  for (let r = 0; r < rows; r++) {
    const len = causal != 0 ? min(tk, max(0, i + tk - tq + 1)) : tk;
    if (++i == tq) i = 0;
    const sr = s + <usize>r * ld;
    const pr = p + <usize>r * ld;
    let mx: f32 = -Infinity;
    for (let j = 0; j < len; j++) mx = max(mx, load<f32>(sr + (<usize>j << 2)) * scale);
    if (len == 0) mx = 0; // no visible key: any finite shift, the row is zeroed below
    if (lse != 0) store<f32>(lse + (<usize>r << 2), mx); // completed with log Σ e^z in pass 3
    for (let j = 0; j < tk; j++) {
      const o = <usize>j << 2;
      store<f32>(pr + o, load<f32>(sr + o) * scale - mx); // ≤ 0 on the visible keys
    }
  }
  expInPlace(p, rows * tk);
  i = 0;
  for (let r = 0; r < rows; r++) {
    const len = causal != 0 ? min(tk, max(0, i + tk - tq + 1)) : tk;
    if (++i == tq) i = 0;
    const pr = p + <usize>r * ld;
    let sum: f32 = 0;
    for (let j = 0; j < len; j++) sum += load<f32>(pr + (<usize>j << 2));
    const inv: f32 = len > 0 ? 1 / sum : 0;
    for (let j = 0; j < len; j++) {
      const o = <usize>j << 2;
      store<f32>(pr + o, load<f32>(pr + o) * inv);
    }
    for (let j = max(len, 0); j < tk; j++) store<f32>(pr + (<usize>j << 2), 0);
    if (lse != 0) {
      const at = lse + (<usize>r << 2); // holds the row max from pass 1
      store<f32>(at, len > 0 ? load<f32>(at) + Mathf.log(sum) : -Infinity);
    }
  }
}

/** ds = scale · p · (dp − Σ_j dp·p) per row of rows × cols (the softmax backward, scaled). ds may alias dp. */
export function softmaxBackwardScaled(p: usize, dp: usize, ds: usize, rows: i32, cols: i32, scale: f32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const pr = p + <usize>r * ld;
    const dpr = dp + <usize>r * ld;
    const dsr = ds + <usize>r * ld;
    let dot: f32 = 0;
    for (let j = 0; j < cols; j++) dot += load<f32>(pr + (<usize>j << 2)) * load<f32>(dpr + (<usize>j << 2));
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dsr + o, scale * load<f32>(pr + o) * (load<f32>(dpr + o) - dot));
    }
  }
}
