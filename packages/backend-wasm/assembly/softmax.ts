// Softmax and cross-entropy of the `wasm` Backend of @lxmls/backend-wasm: softmax over the last axis
// and its backward, F.cross_entropy with ignore_index = -1 and mean reduction (src/wasm/softmax.ts; the
// `js` reference is packages/tensor/src/backends/js/softmax.ts).

// ---------------------------------------------------------------------------------------------- softmax

/** Softmax of `len` floats at xr into yr, then zeros up to `cols`. len = 0 writes a row of zeros. */
@inline
function softmaxRow(xr: usize, yr: usize, len: i32, cols: i32): void {
  if (len > 0) {
    let mx = load<f32>(xr);
    for (let j = 1; j < len; j++) mx = max(mx, load<f32>(xr + (<usize>j << 2)));
    let s: f32 = 0;
    for (let j = 0; j < len; j++) {
      const o = <usize>j << 2;
      const e = Mathf.exp(load<f32>(xr + o) - mx);
      store<f32>(yr + o, e);
      s += e;
    }
    const inv: f32 = 1 / s;
    for (let j = 0; j < len; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, load<f32>(yr + o) * inv);
    }
  }
  for (let j = max(len, 0); j < cols; j++) store<f32>(yr + (<usize>j << 2), 0);
}

/**
 * Softmax over the last axis of rows × cols. With queryLen > 0 it is causal: row r is query t = r mod
 * queryLen, which sees columns j ≤ t + cols − queryLen (the rest get probability 0; a row that sees nothing
 * is all zeros). queryLen = 0 means no mask.
 */
export function softmax(x: usize, y: usize, rows: i32, cols: i32, queryLen: i32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    let len = cols;
    if (queryLen > 0) len = min(cols, (r % queryLen) + cols - queryLen + 1);
    softmaxRow(x + <usize>r * ld, y + <usize>r * ld, len, cols);
  }
}

/** dx = y · (dy − Σ_j dy·y) per row (masked entries have y = 0, so dx = 0). accumulate = 1 adds into dx. */
export function softmaxBackward(y: usize, dy: usize, dx: usize, rows: i32, cols: i32, accumulate: i32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const yr = y + <usize>r * ld;
    const dyr = dy + <usize>r * ld;
    const dxr = dx + <usize>r * ld;
    let s: f32 = 0;
    for (let j = 0; j < cols; j++) s += load<f32>(yr + (<usize>j << 2)) * load<f32>(dyr + (<usize>j << 2));
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      let g = load<f32>(yr + o) * (load<f32>(dyr + o) - s);
      if (accumulate != 0) g += load<f32>(dxr + o);
      store<f32>(dxr + o, g);
    }
  }
}

// ---------------------------------------------------------------------------------------------- cross-entropy

/**
 * Cross-entropy with ignore index −1 over logits rows × cols and int32 targets. Writes the softmax
 * probabilities of every row to probs, the loss sum (f64) to out[0] and the count of counted rows (f64) to
 * out[1]. Targets must be −1 or in [0, cols) (checked by the caller).
 */
export function crossEntropyForward(logits: usize, targets: usize, probs: usize, out: usize, rows: i32, cols: i32): void {
  const ld: usize = <usize>cols << 2;
  let loss: f64 = 0;
  let count = 0;
  for (let r = 0; r < rows; r++) {
    const xr = logits + <usize>r * ld;
    const pr = probs + <usize>r * ld;
    let mx = load<f32>(xr);
    for (let j = 1; j < cols; j++) mx = max(mx, load<f32>(xr + (<usize>j << 2)));
    let s: f64 = 0;
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      const e = Mathf.exp(load<f32>(xr + o) - mx);
      store<f32>(pr + o, e);
      s += <f64>e;
    }
    const inv = <f32>(1 / s);
    for (let j = 0; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(pr + o, load<f32>(pr + o) * inv);
    }
    const t = load<i32>(targets + (<usize>r << 2));
    if (t >= 0) {
      loss += Math.log(s) + <f64>mx - <f64>load<f32>(xr + (<usize>t << 2));
      count++;
    }
  }
  store<f64>(out, loss);
  store<f64>(out, <f64>count, 8);
}

/** dlogits = (probs − onehot(target)) · scale, rows with target −1 get 0. The caller passes scale = dloss / count. */
export function crossEntropyBackward(
  probs: usize,
  targets: usize,
  dlogits: usize,
  rows: i32,
  cols: i32,
  scale: f32,
): void {
  const ld: usize = <usize>cols << 2;
  const s4 = f32x4.splat(scale);
  for (let r = 0; r < rows; r++) {
    const pr = probs + <usize>r * ld;
    const dr = dlogits + <usize>r * ld;
    const t = load<i32>(targets + (<usize>r << 2));
    if (t < 0) {
      memory.fill(dr, 0, ld);
      continue;
    }
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      v128.store(dr + o, f32x4.mul(v128.load(pr + o), s4));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(dr + o, load<f32>(pr + o) * scale);
    }
    const o = <usize>t << 2;
    store<f32>(dr + o, (load<f32>(pr + o) - 1) * scale);
  }
}
