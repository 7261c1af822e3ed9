// Layer normalisation of the `wasm` Backend of @lxmls/backend-wasm, forward and backward: nn.LayerNorm
// (biased variance, eps inside the square root), in AssemblyScript with SIMD128 (src/wasm/norm.ts; the `js`
// reference is packages/tensor/src/backends/js/norm.ts).

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
