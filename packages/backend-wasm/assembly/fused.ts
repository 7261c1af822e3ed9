// Fused and elementwise kernels of @lxmls/backend-wasm, in AssemblyScript with SIMD128 where it is simple.
//
// Follows the formulas of the PyTorch modules the course uses (minGPT / lxmls.transformers): nn.LayerNorm
// (biased variance, eps inside the square root), NewGELU (the tanh form), softmax over the last axis,
// F.cross_entropy with ignore_index = -1 and mean reduction, torch.optim.AdamW (decoupled weight decay,
// bias corrections). Every pointer is a byte offset into the imported memory; sizes count elements.

// ---------------------------------------------------------------------------------------------- elementwise

/** out[i] = a[i] + b[i], i < n. */
export function add(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}

/** out[i] = a[i] · b[i], i < n. */
export function mul(a: usize, b: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, load<f32>(a + o) * load<f32>(b + o));
  }
}

/** out[r, j] = x[r, j] + row[j] (bias add), for rows × cols. With op = 1: x[r, j] · row[j]. */
export function rowBroadcast(x: usize, row: usize, out: usize, rows: i32, cols: i32, op: i32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    const or = out + <usize>r * ld;
    let j = 0;
    if (op == 0) {
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 2;
        v128.store(or + o, f32x4.add(v128.load(xr + o), v128.load(row + o)));
      }
      for (; j < cols; j++) {
        const o = <usize>j << 2;
        store<f32>(or + o, load<f32>(xr + o) + load<f32>(row + o));
      }
    } else {
      for (; j + 4 <= cols; j += 4) {
        const o = <usize>j << 2;
        v128.store(or + o, f32x4.mul(v128.load(xr + o), v128.load(row + o)));
      }
      for (; j < cols; j++) {
        const o = <usize>j << 2;
        store<f32>(or + o, load<f32>(xr + o) * load<f32>(row + o));
      }
    }
  }
}

/** out[j] (+)= Σ_r x[r, j] (the bias gradient). accumulate = 0 overwrites out. */
export function colSum(x: usize, out: usize, rows: i32, cols: i32, accumulate: i32): void {
  colSumColumns(x, out, rows, cols, 0, cols, accumulate);
}

/** {@link colSum} of columns j0 … j1 − 1 only (j0 a multiple of 4): the part of one thread (assembly/parts.ts). */
export function colSumColumns(x: usize, out: usize, rows: i32, cols: i32, j0: i32, j1: i32, accumulate: i32): void {
  if (accumulate == 0) memory.fill(out + (<usize>j0 << 2), 0, <usize>(j1 - j0) << 2);
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    let j = j0;
    for (; j + 4 <= j1; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, f32x4.add(v128.load(out + o), v128.load(xr + o)));
    }
    for (; j < j1; j++) {
      const o = <usize>j << 2;
      store<f32>(out + o, load<f32>(out + o) + load<f32>(xr + o));
    }
  }
}

// ---------------------------------------------------------------------------------------------- layerNorm

/** Σ of n floats at p (SIMD partial sums, then a horizontal sum). */
@inline
function sum(p: usize, n: i32): f32 {
  let s = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) s = f32x4.add(s, v128.load(p + (<usize>j << 2)));
  let t =
    f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
  for (; j < n; j++) t += load<f32>(p + (<usize>j << 2));
  return t;
}

/**
 * y = (x − mean) · rstd · gamma + beta over the last axis (rows × cols); writes mean[r] and rstd[r]
 * (rstd = 1/√(var + eps), biased variance, as nn.LayerNorm).
 */
export function layerNormForward(
  x: usize,
  gamma: usize,
  beta: usize,
  y: usize,
  mean: usize,
  rstd: usize,
  rows: i32,
  cols: i32,
  eps: f32,
): void {
  const ld: usize = <usize>cols << 2;
  const inv: f32 = 1 / <f32>cols;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    const yr = y + <usize>r * ld;
    const mu = sum(xr, cols) * inv;
    const m4 = f32x4.splat(mu);
    let v4 = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const d = f32x4.sub(v128.load(xr + (<usize>j << 2)), m4);
      v4 = f32x4.add(v4, f32x4.mul(d, d));
    }
    let vs =
      f32x4.extract_lane(v4, 0) + f32x4.extract_lane(v4, 1) + f32x4.extract_lane(v4, 2) + f32x4.extract_lane(v4, 3);
    for (; j < cols; j++) {
      const d = load<f32>(xr + (<usize>j << 2)) - mu;
      vs += d * d;
    }
    const rs: f32 = 1 / Mathf.sqrt(vs * inv + eps);
    store<f32>(mean + (<usize>r << 2), mu);
    store<f32>(rstd + (<usize>r << 2), rs);
    const r4 = f32x4.splat(rs);
    j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = <usize>j << 2;
      const h = f32x4.mul(f32x4.sub(v128.load(xr + o), m4), r4);
      v128.store(yr + o, f32x4.add(f32x4.mul(h, v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - mu) * rs * load<f32>(gamma + o) + load<f32>(beta + o));
    }
  }
}

/**
 * LayerNorm backward from the saved mean and rstd. With x̂ = (x − mean)·rstd and g = dy·gamma:
 * dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)); dgamma (+)= Σ_r dy · x̂; dbeta (+)= Σ_r dy.
 * accumulate = 0 overwrites dgamma and dbeta; dx is always overwritten.
 */
export function layerNormBackward(
  dy: usize,
  x: usize,
  gamma: usize,
  mean: usize,
  rstd: usize,
  dx: usize,
  dgamma: usize,
  dbeta: usize,
  rows: i32,
  cols: i32,
  accumulate: i32,
): void {
  const ld: usize = <usize>cols << 2;
  if (accumulate == 0) {
    memory.fill(dgamma, 0, ld);
    memory.fill(dbeta, 0, ld);
  }
  const inv: f32 = 1 / <f32>cols;
  const cv = cols & ~3; // columns done four at a time; the rest (cols % 4) one at a time
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    const dyr = dy + <usize>r * ld;
    const dxr = dx + <usize>r * ld;
    const mu = load<f32>(mean + (<usize>r << 2));
    const rs = load<f32>(rstd + (<usize>r << 2));
    const mu4 = f32x4.splat(mu);
    const rs4 = f32x4.splat(rs);
    // pass 1: Σ g and Σ g·x̂ for the row, and the dgamma / dbeta sums (SIMD over the columns)
    let sg4 = f32x4.splat(0);
    let sgx4 = f32x4.splat(0);
    let j = 0;
    for (; j < cv; j += 4) {
      const o = <usize>j << 2;
      const h = f32x4.mul(f32x4.sub(v128.load(xr + o), mu4), rs4);
      const d = v128.load(dyr + o);
      const g = f32x4.mul(d, v128.load(gamma + o));
      sg4 = f32x4.add(sg4, g);
      sgx4 = f32x4.add(sgx4, f32x4.mul(g, h));
      v128.store(dgamma + o, f32x4.add(v128.load(dgamma + o), f32x4.mul(d, h)));
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), d));
    }
    let sg: f32 =
      f32x4.extract_lane(sg4, 0) + f32x4.extract_lane(sg4, 1) + f32x4.extract_lane(sg4, 2) + f32x4.extract_lane(sg4, 3);
    let sgx: f32 =
      f32x4.extract_lane(sgx4, 0) +
      f32x4.extract_lane(sgx4, 1) +
      f32x4.extract_lane(sgx4, 2) +
      f32x4.extract_lane(sgx4, 3);
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const h = (load<f32>(xr + o) - mu) * rs;
      const d = load<f32>(dyr + o);
      const g = d * load<f32>(gamma + o);
      sg += g;
      sgx += g * h;
      store<f32>(dgamma + o, load<f32>(dgamma + o) + d * h);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + d);
    }
    const mg = sg * inv;
    const mgx = sgx * inv;
    // pass 2: dx = rstd · (g − mean(g) − x̂ · mean(g·x̂))
    const mg4 = f32x4.splat(mg);
    const mgx4 = f32x4.splat(mgx);
    j = 0;
    for (; j < cv; j += 4) {
      const o = <usize>j << 2;
      const h = f32x4.mul(f32x4.sub(v128.load(xr + o), mu4), rs4);
      const g = f32x4.mul(v128.load(dyr + o), v128.load(gamma + o));
      v128.store(dxr + o, f32x4.mul(rs4, f32x4.sub(f32x4.sub(g, mg4), f32x4.mul(h, mgx4))));
    }
    for (; j < cols; j++) {
      const o = <usize>j << 2;
      const h = (load<f32>(xr + o) - mu) * rs;
      const g = load<f32>(dyr + o) * load<f32>(gamma + o);
      store<f32>(dxr + o, rs * (g - mg - h * mgx));
    }
  }
}

// ---------------------------------------------------------------------------------------------- GELU

// √(2/π)
const GELU_S: f32 = 0.7978845608028654;
const GELU_C: f32 = 0.044715;

/** NewGELU: y = 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), n elements. */
export function geluForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const t = Mathf.tanh(GELU_S * (v + GELU_C * v * v * v));
    store<f32>(y + o, 0.5 * v * (1 + t));
  }
}

/** dx = dy · d/dx NewGELU(x), n elements. With accumulate = 1, dx += … instead. */
export function geluBackward(x: usize, dy: usize, dx: usize, n: i32, accumulate: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const v2 = v * v;
    const t = Mathf.tanh(GELU_S * (v + GELU_C * v2 * v));
    const d: f32 = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_S * (1 + 3 * GELU_C * v2);
    let g = load<f32>(dy + o) * d;
    if (accumulate != 0) g += load<f32>(dx + o);
    store<f32>(dx + o, g);
  }
}

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

// ---------------------------------------------------------------------------------------------- AdamW

/**
 * torch.optim.AdamW step in place over n parameters: p ·= 1 − lr·wd; m = β1·m + (1−β1)·g;
 * v = β2·v + (1−β2)·g²; p −= stepSize · m / (√v / bc2Sqrt + eps), where the caller passes
 * stepSize = lr / (1 − β1^t) and bc2Sqrt = √(1 − β2^t).
 */
export function adamw(
  p: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  decay: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  stepSize: f32,
  bc2Sqrt: f32,
): void {
  const dec4 = f32x4.splat(decay);
  const b14 = f32x4.splat(beta1);
  const c14 = f32x4.splat(1 - beta1);
  const b24 = f32x4.splat(beta2);
  const c24 = f32x4.splat(1 - beta2);
  const eps4 = f32x4.splat(eps);
  const ss4 = f32x4.splat(stepSize);
  const bc4 = f32x4.splat(bc2Sqrt);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(b14, v128.load(m + o)), f32x4.mul(c14, gi));
    const vi = f32x4.add(f32x4.mul(b24, v128.load(v + o)), f32x4.mul(c24, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), bc4), eps4);
    const pi = f32x4.mul(v128.load(p + o), dec4);
    v128.store(p + o, f32x4.sub(pi, f32x4.mul(ss4, f32x4.div(mi, denom))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = beta1 * load<f32>(m + o) + (1 - beta1) * gi;
    const vi = beta2 * load<f32>(v + o) + (1 - beta2) * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const denom = Mathf.sqrt(vi) / bc2Sqrt + eps;
    store<f32>(p + o, load<f32>(p + o) * decay - stepSize * (mi / denom));
  }
}
