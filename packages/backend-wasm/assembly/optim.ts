// The optimiser kernel of the `wasm` Backend of @lxmls/backend-wasm: one torch.optim.AdamW step in
// place (decoupled weight decay, bias corrections; src/wasm/optim.ts; the `js` reference is
// packages/tensor/src/backends/js/optim.ts).

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
