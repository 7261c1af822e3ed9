// Dropout of the `wasm` Backend of @lxmls/backend-wasm.
//
// Dropout follows the `js` reference backend exactly (packages/tensor/src/backends/js.ts): element i is kept
// when uniformAt(seed, i) = mix32(mix32(i) ^ seed) / 2³² ≥ p, i.e. when the 32-bit hash is ≥ ⌈p·2³²⌉ (the
// division by 2³² is exact), and scaled by 1/(1 − p) in float64, rounded once to float32. The hash is
// "lowbias32" (Chris Wellons), four lanes at a time with i32x4.mul, so every backend draws the same mask.

/** The multipliers of mix32, loaded once before the loop (a splatted constant is rebuilt on every use). */
const MIX = memory.data<i32>([0x21f0aaad, 0x735a2d97]);

/** mix32 of four lanes: x ^= x >>> 16; x *= 0x21f0aaad; x ^= x >>> 15; x *= 0x735a2d97; x ^= x >>> 15. */
@inline
function mix4(x: v128, m1: v128, m2: v128): v128 {
  x = v128.xor(x, i32x4.shr_u(x, 16));
  x = i32x4.mul(x, m1);
  x = v128.xor(x, i32x4.shr_u(x, 15));
  x = i32x4.mul(x, m2);
  return v128.xor(x, i32x4.shr_u(x, 15));
}

/** mix32 of one 32-bit value (the tail of {@link dropout}). */
@inline
function mix1(x: u32): u32 {
  x ^= x >>> 16;
  x *= 0x21f0aaad;
  x ^= x >>> 15;
  x *= 0x735a2d97;
  return x ^ (x >>> 15);
}

/**
 * out[i] = x[i]·scale when mix32(mix32(i) ^ seed) ≥ threshold (unsigned), else 0, for n floats. `threshold`
 * is ⌈p·2³²⌉ (1 ≤ threshold < 2³²), `scale` is 1/(1 − p) in float64. `out` may be `x`.
 */
export function dropout(x: usize, out: usize, n: i32, threshold: u32, scale: f64, seed: u32): void {
  dropoutRange(x, out, 0, n, threshold, scale, seed);
}

/**
 * {@link dropout} of elements first … end − 1 only (`first` a multiple of 4, so every element gets the
 * arithmetic it gets in a whole call): the part of one thread (assembly/parts.ts).
 */
export function dropoutRange(x: usize, out: usize, first: i32, end: i32, threshold: u32, scale: f64, seed: u32): void {
  const m1 = v128.load32_splat(MIX);
  const m2 = v128.load32_splat(MIX, 4);
  const s = i32x4.splat(seed);
  const t = i32x4.splat(threshold);
  const sc = f64x2.splat(scale);
  let idx = i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(first));
  const four = i32x4.splat(4);
  let i = first;
  for (; i + 4 <= end; i += 4) {
    const o = <usize>i << 2;
    const keep = i32x4.ge_u(mix4(v128.xor(mix4(idx, m1, m2), s), m1, m2), t);
    const v = v128.load(x + o);
    // x·scale in float64, rounded once to float32, as the js backend computes it
    const lo = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(v), sc));
    const hi = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)), sc));
    v128.store(out + o, v128.and(i32x4.shuffle(lo, hi, 0, 1, 4, 5), keep));
    idx = i32x4.add(idx, four);
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    const kept = mix1(mix1(<u32>i) ^ seed) >= threshold;
    store<f32>(out + o, kept ? <f32>(<f64>load<f32>(x + o) * scale) : 0);
  }
}
