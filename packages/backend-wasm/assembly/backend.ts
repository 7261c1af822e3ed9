// Kernels of the `wasm` Backend of @lxmls/backend-wasm that the matmul and fused files do not cover: strided
// copies (permute, slice, sliceAssign, broadcast), broadcasting binary ops, unary ops, reductions over the
// last axis, embedding gather / scatter-add, and the scaled causal softmax of fused attention.
//
// Follows the `js` reference backend of @lxmls/tensor (packages/tensor/src/backends/js.ts), which defines
// every kernel; here the loops run on f32 with SIMD128 where the innermost axis is contiguous. Shapes arrive
// coalesced to 4 axes (n0 outermost … n3 innermost) with per-operand strides in elements (0 = broadcast).

import { madd } from './matmul';

// ---------------------------------------------------------------------------------------------- copies

/**
 * dst[i0, i1, i2, i3] = src[i0, i1, i2, i3] for 4-byte elements (f32 or i32), with element strides ss* for
 * src and ds* for dst. Covers permute (strided src), slice (strided src), sliceAssign (strided dst) and
 * broadcasting copies (stride 0).
 */
export function strided4(
  src: usize,
  dst: usize,
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  ss0: i32,
  ss1: i32,
  ss2: i32,
  ss3: i32,
  ds0: i32,
  ds1: i32,
  ds2: i32,
  ds3: i32,
): void {
  const contiguous = ss3 == 1 && ds3 == 1;
  const run: usize = <usize>n3 << 2;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      let ps = src + ((<usize>(i0 * ss0) + <usize>(i1 * ss1)) << 2);
      let pd = dst + ((<usize>(i0 * ds0) + <usize>(i1 * ds1)) << 2);
      const ps2: usize = <usize>ss2 << 2;
      const pd2: usize = <usize>ds2 << 2;
      if (contiguous) {
        for (let i2 = 0; i2 < n2; i2++) {
          memory.copy(pd, ps, run);
          ps += ps2;
          pd += pd2;
        }
      } else {
        const s3: usize = <usize>ss3 << 2;
        const d3: usize = <usize>ds3 << 2;
        for (let i2 = 0; i2 < n2; i2++) {
          let s = ps;
          let d = pd;
          for (let i3 = 0; i3 < n3; i3++) {
            store<u32>(d, load<u32>(s));
            s += s3;
            d += d3;
          }
          ps += ps2;
          pd += pd2;
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------- binary

// Op codes shared with src/wasm/elementwise.ts.
// 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 pow, 6 eq, 7 gt.

@inline
function scalarOp(OP: i32, a: f32, b: f32): f32 {
  if (OP == 0) return a + b;
  if (OP == 1) return a - b;
  if (OP == 2) return a * b;
  if (OP == 3) return a / b;
  if (OP == 4) return max(a, b); // f32.max propagates NaN, as Math.max
  if (OP == 5) return <f32>Math.pow(<f64>a, <f64>b);
  if (OP == 6) return a == b ? 1 : 0;
  return a > b ? 1 : 0;
}

@inline
function vectorOp(OP: i32, a: v128, b: v128): v128 {
  if (OP == 0) return f32x4.add(a, b);
  if (OP == 1) return f32x4.sub(a, b);
  if (OP == 2) return f32x4.mul(a, b);
  if (OP == 3) return f32x4.div(a, b);
  return f32x4.max(a, b);
}

/** One innermost run of n outputs: a and b advance by sa / sb elements (0 or 1 use SIMD for OP < 5). */
@inline
function binaryRun(OP: i32, pa: usize, sa: i32, pb: usize, sb: i32, po: usize, n: i32): void {
  let i = 0;
  if (OP < 5) {
    if (sa == 1 && sb == 1) {
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(po + o, vectorOp(OP, v128.load(pa + o), v128.load(pb + o)));
      }
    } else if (sa == 1 && sb == 0) {
      const b4 = v128.load32_splat(pb);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(po + o, vectorOp(OP, v128.load(pa + o), b4));
      }
    } else if (sa == 0 && sb == 1) {
      const a4 = v128.load32_splat(pa);
      for (; i + 4 <= n; i += 4) {
        const o = <usize>i << 2;
        v128.store(po + o, vectorOp(OP, a4, v128.load(pb + o)));
      }
    }
  }
  const sab: usize = <usize>sa << 2;
  const sbb: usize = <usize>sb << 2;
  for (; i < n; i++) {
    store<f32>(po + (<usize>i << 2), scalarOp(OP, load<f32>(pa + <usize>i * sab), load<f32>(pb + <usize>i * sbb)));
  }
}

@inline
function binaryLoop(
  OP: i32,
  a: usize,
  b: usize,
  out: usize,
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  sa0: i32,
  sa1: i32,
  sa2: i32,
  sa3: i32,
  sb0: i32,
  sb1: i32,
  sb2: i32,
  sb3: i32,
): void {
  let po = out;
  const row: usize = <usize>n3 << 2;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        const pa = a + (<usize>(i0 * sa0 + i1 * sa1 + i2 * sa2) << 2);
        const pb = b + (<usize>(i0 * sb0 + i1 * sb1 + i2 * sb2) << 2);
        binaryRun(OP, pa, sa3, pb, sb3, po, n3);
        po += row;
      }
    }
  }
}

/**
 * out = op(a, b) over a contiguous 4-axis output (n0, n1, n2, n3), float32, with operand strides in
 * elements (0 along broadcast axes). op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 pow, 6 eq, 7 gt.
 */
export function binary4(
  op: i32,
  a: usize,
  b: usize,
  out: usize,
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  sa0: i32,
  sa1: i32,
  sa2: i32,
  sa3: i32,
  sb0: i32,
  sb1: i32,
  sb2: i32,
  sb3: i32,
): void {
  switch (op) {
    case 0:
      binaryLoop(0, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    case 1:
      binaryLoop(1, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    case 2:
      binaryLoop(2, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    case 3:
      binaryLoop(3, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    case 4:
      binaryLoop(4, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    case 5:
      binaryLoop(5, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    case 6:
      binaryLoop(6, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
      break;
    default:
      binaryLoop(7, a, b, out, n0, n1, n2, n3, sa0, sa1, sa2, sa3, sb0, sb1, sb2, sb3);
  }
}

// ---------------------------------------------------------------------------------------------- unary

// Op codes shared with src/wasm/elementwise.ts: 0 neg, 1 exp, 2 log, 3 tanh, 4 sqrt, 5 relu.

@inline
function unaryLoop(OP: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  if (OP == 0 || OP == 4 || OP == 5) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const v = v128.load(x + o);
      v128.store(out + o, OP == 0 ? f32x4.neg(v) : OP == 4 ? f32x4.sqrt(v) : f32x4.max(v, zero));
    }
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let y: f32;
    if (OP == 0) y = -v;
    else if (OP == 1) y = Mathf.exp(v);
    else if (OP == 2) y = Mathf.log(v);
    else if (OP == 3) y = Mathf.tanh(v);
    else if (OP == 4) y = Mathf.sqrt(v);
    else y = max(v, <f32>0);
    store<f32>(out + o, y);
  }
}

/** out[i] = op(x[i]), float32. op: 0 neg, 1 exp, 2 log, 3 tanh, 4 sqrt, 5 relu. */
export function unary(op: i32, x: usize, out: usize, n: i32): void {
  switch (op) {
    case 0:
      unaryLoop(0, x, out, n);
      break;
    case 1:
      unaryLoop(1, x, out, n);
      break;
    case 2:
      unaryLoop(2, x, out, n);
      break;
    case 3:
      unaryLoop(3, x, out, n);
      break;
    case 4:
      unaryLoop(4, x, out, n);
      break;
    default:
      unaryLoop(5, x, out, n);
  }
}

// ---------------------------------------------------------------------------------------------- reductions

/** out[r] = Σ_j x[r, j] (op 0) or max_j x[r, j] (op 1, NaN propagates) over rows × cols. */
export function rowReduce(x: usize, out: usize, rows: i32, cols: i32, op: i32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    let j = 0;
    let t: f32;
    if (op == 0) {
      let s0 = f32x4.splat(0);
      let s1 = f32x4.splat(0);
      for (; j + 8 <= cols; j += 8) {
        const o = <usize>j << 2;
        s0 = f32x4.add(s0, v128.load(xr + o));
        s1 = f32x4.add(s1, v128.load(xr + o, 16));
      }
      s0 = f32x4.add(s0, s1);
      t = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3);
      for (; j < cols; j++) t += load<f32>(xr + (<usize>j << 2));
    } else {
      t = -Infinity;
      for (; j < cols; j++) t = max(t, load<f32>(xr + (<usize>j << 2)));
    }
    store<f32>(out + (<usize>r << 2), t);
  }
}

// ---------------------------------------------------------------------------------------------- embedding

/** out[i, :] = table[ids[i], :] (ids checked by the caller), dim floats per row. */
export function gather(table: usize, ids: usize, out: usize, numIds: i32, dim: i32): void {
  const row: usize = <usize>dim << 2;
  for (let i = 0; i < numIds; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    memory.copy(out + <usize>i * row, table + <usize>id * row, row);
  }
}

/** dtable[ids[i], :] += dy[i, :] (ids checked by the caller). */
export function scatterAdd(dy: usize, ids: usize, dtable: usize, numIds: i32, dim: i32): void {
  const row: usize = <usize>dim << 2;
  for (let i = 0; i < numIds; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    const src = dy + <usize>i * row;
    const dst = dtable + <usize>id * row;
    let j = 0;
    for (; j + 4 <= dim; j += 4) {
      const o = <usize>j << 2;
      v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
    }
    for (; j < dim; j++) {
      const o = <usize>j << 2;
      store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
    }
  }
}

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

// ---------------------------------------------------------------------------------------------- GELU (SIMD)

// V8 (TurboFan, Node 20) re-materialises every `f32x4.splat(constant)` inside a loop with a 64-bit
// immediate move, a GPR→XMM move and a shuffle (two port-5 µops each): with the 14 constants of the GELU
// that was most of its time (0.8 ms for 704×192 elements). Loading the constants from static memory once,
// before the loop, lets the register allocator keep them in XMM registers (or reload them from the stack
// with plain loads), which halves the time.
const GELU_CONSTS = memory.data<f32>([
  -87.0, // 0: exp input clamp, low
  88.0, // 1: exp input clamp, high
  1.4426950408889634, // 2: log2(e)
  0.693145751953125, // 3: ln 2, high part
  1.428606765330187e-6, // 4: ln 2, low part
  1.0 / 720.0, // 5..8: e^r polynomial coefficients
  1.0 / 120.0,
  1.0 / 24.0,
  1.0 / 6.0,
  0.5, // 9
  1.0, // 10
  0.7978845608028654, // 11: √(2/π)
  0.044715, // 12
  -2.0, // 13
  0.134145, // 14: 3·0.044715
  2.0, // 15
  // 16: ROUND_MAGIC = 1.5·2²³. Adding it to a float f with |f| < 2²² rounds f to the nearest integer n and
  // leaves n in the low mantissa bits (bits = 0x4B400000 + n): that replaces a `nearest` and a saturating
  // float → int conversion (several instructions each on x86) in the exp of the GELU and of expInPlace.
  12582912.0,
  1e-30, // 17: below this |x|, geluBackwardFromY takes σ = 0.5 instead of y / x
]);

/** The exponent bias of {@link pow2}, 127 − bits(ROUND_MAGIC), loaded like GELU_CONSTS. */
const POW2_BIAS = memory.data<i32>([127 - 0x4b400000]);

/** 2ⁿ as a float from `t` = n + ROUND_MAGIC (GELU_CONSTS[16]): the exponent bits (n + 127) << 23. */
@inline
function pow2(t: v128): v128 {
  return i32x4.shl(i32x4.add(t, v128.load32_splat(POW2_BIAS)), 23);
}

/** Constant `i` of GELU_CONSTS, splatted (a `vbroadcastss` load). */
@inline
function gc(i: i32): v128 {
  return v128.load32_splat(GELU_CONSTS + (<usize>i << 2));
}

/**
 * s = σ(2u) = 1 / (1 + e^{−2u}) with u = √(2/π)(x + 0.044715x³), so NewGELU(x) = x·s and tanh(u) = 2s − 1.
 * e^z: z = n·ln2 + r, 2ⁿ from the exponent bits, e^r by a degree-6 polynomial (|rel err| < 2e-7); the
 * clamp uses pmin/pmax (one instruction each; NaN still propagates because x is the first operand).
 * Every constant arrives as a parameter so that the callers can hoist them out of their loops.
 */
@inline
function geluSigmoid4(
  x: v128,
  lo: v128,
  hi: v128,
  log2e: v128,
  ln2hi: v128,
  ln2lo: v128,
  p6: v128,
  p5: v128,
  p4: v128,
  p3: v128,
  half: v128,
  one: v128,
  s: v128,
  c: v128,
  m2: v128,
): v128 {
  const u = f32x4.mul(s, f32x4.add(x, f32x4.mul(c, f32x4.mul(f32x4.mul(x, x), x))));
  const z = f32x4.pmin(f32x4.pmax(f32x4.mul(u, m2), lo), hi);
  const t = madd(z, log2e, gc(16)); // z·log2e rounded: its low mantissa bits are n
  const n = f32x4.sub(t, gc(16));
  const r = f32x4.sub(f32x4.sub(z, f32x4.mul(n, ln2hi)), f32x4.mul(n, ln2lo));
  let p = madd(p6, r, p5);
  p = madd(p, r, p4);
  p = madd(p, r, p3);
  p = madd(p, r, half);
  p = madd(p, r, one);
  p = madd(p, r, one);
  const e = f32x4.mul(p, pow2(t));
  return f32x4.div(one, f32x4.add(one, e));
}

/** x[i] = e^{x[i]} for n floats in place: the exp of geluSigmoid4, four lanes at a time (tail: Mathf.exp). */
function expInPlace(x: usize, n: i32): void {
  const lo = gc(0);
  const hi = gc(1);
  const log2e = gc(2);
  const ln2hi = gc(3);
  const ln2lo = gc(4);
  const p6 = gc(5);
  const p5 = gc(6);
  const p4 = gc(7);
  const p3 = gc(8);
  const half = gc(9);
  const one = gc(10);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const z = f32x4.pmin(f32x4.pmax(v128.load(x + o), lo), hi);
    const t = madd(z, log2e, gc(16));
    const k = f32x4.sub(t, gc(16));
    const r = f32x4.sub(f32x4.sub(z, f32x4.mul(k, ln2hi)), f32x4.mul(k, ln2lo));
    let p = madd(p6, r, p5);
    p = madd(p, r, p4);
    p = madd(p, r, p3);
    p = madd(p, r, half);
    p = madd(p, r, one);
    p = madd(p, r, one);
    v128.store(x + o, f32x4.mul(p, pow2(t)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(x + o, Mathf.exp(load<f32>(x + o)));
  }
}

/** NewGELU, y = x · σ(2u) (= 0.5·x·(1 + tanh u)), four lanes at a time; the tail uses the scalar formula. */
export function geluFast(x: usize, y: usize, n: i32): void {
  const lo = gc(0);
  const hi = gc(1);
  const log2e = gc(2);
  const ln2hi = gc(3);
  const ln2lo = gc(4);
  const p6 = gc(5);
  const p5 = gc(6);
  const p4 = gc(7);
  const p3 = gc(8);
  const half = gc(9);
  const one = gc(10);
  const s = gc(11);
  const c = gc(12);
  const m2 = gc(13);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const sg = geluSigmoid4(v, lo, hi, log2e, ln2hi, ln2lo, p6, p5, p4, p3, half, one, s, c, m2);
    v128.store(y + o, f32x4.mul(v, sg));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const u: f32 = 0.7978845608028654 * (v + 0.044715 * v * v * v);
    store<f32>(y + o, v / (1 + Mathf.exp(-2 * u)));
  }
}

/** dx = dy · gelu'(x) = dy · (s + 2x·s(1 − s)·√(2/π)(1 + 3·0.044715x²)), s = σ(2u). */
export function geluBackwardFast(x: usize, dy: usize, dx: usize, n: i32): void {
  const lo = gc(0);
  const hi = gc(1);
  const log2e = gc(2);
  const ln2hi = gc(3);
  const ln2lo = gc(4);
  const p6 = gc(5);
  const p5 = gc(6);
  const p4 = gc(7);
  const p3 = gc(8);
  const half = gc(9);
  const one = gc(10);
  const s = gc(11);
  const c = gc(12);
  const m2 = gc(13);
  const c3 = gc(14);
  const two = gc(15);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const sg = geluSigmoid4(v, lo, hi, log2e, ln2hi, ln2lo, p6, p5, p4, p3, half, one, s, c, m2);
    const du = f32x4.mul(s, f32x4.add(one, f32x4.mul(c3, f32x4.mul(v, v))));
    const d = f32x4.add(sg, f32x4.mul(f32x4.mul(f32x4.mul(two, v), f32x4.mul(sg, f32x4.sub(one, sg))), du));
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), d));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const u: f32 = 0.7978845608028654 * (v + 0.044715 * v * v * v);
    const sv: f32 = 1 / (1 + Mathf.exp(-2 * u));
    const du: f32 = 0.7978845608028654 * (1 + 0.134145 * v * v);
    store<f32>(dx + o, load<f32>(dy + o) * (sv + 2 * v * sv * (1 - sv) * du));
  }
}

/**
 * The same dx = dy · gelu'(x), given the forward output y = x · s as well: s = y / x (0.5 where |x| < 1e-30)
 * replaces the exponential, so the backward costs a division instead of a second evaluation of σ(2u).
 */
export function geluBackwardFromY(x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  const half = gc(9);
  const one = gc(10);
  const s = gc(11);
  const c3 = gc(14);
  const two = gc(15);
  const tiny = gc(17);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    const sg = v128.bitselect(half, f32x4.div(v128.load(y + o), v), f32x4.lt(f32x4.abs(v), tiny));
    const du = f32x4.mul(s, f32x4.add(one, f32x4.mul(c3, f32x4.mul(v, v))));
    const d = f32x4.add(sg, f32x4.mul(f32x4.mul(f32x4.mul(two, v), f32x4.mul(sg, f32x4.sub(one, sg))), du));
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), d));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const sv: f32 = Mathf.abs(v) < 1e-30 ? 0.5 : load<f32>(y + o) / v;
    const du: f32 = 0.7978845608028654 * (1 + 0.134145 * v * v);
    store<f32>(dx + o, load<f32>(dy + o) * (sv + 2 * v * sv * (1 - sv) * du));
  }
}

// ---------------------------------------------------------------------------------------------- GEMV

/**
 * y (1×N) = a (1×K) · B (K×N, rows ldb floats apart): four rows of B per pass, y stays in cache, so B is one
 * sequential stream (the inference case M = 1, where packing panels would double the traffic).
 */
export function gemvKN(a: usize, b: usize, y: usize, K: i32, N: i32, ldb: i32): void {
  memory.fill(y, 0, <usize>N << 2);
  const ld: usize = <usize>ldb << 2;
  let k = 0;
  for (; k + 4 <= K; k += 4) {
    const a0 = v128.load32_splat(a + (<usize>k << 2));
    const a1 = v128.load32_splat(a + (<usize>k << 2), 4);
    const a2 = v128.load32_splat(a + (<usize>k << 2), 8);
    const a3 = v128.load32_splat(a + (<usize>k << 2), 12);
    const b0 = b + <usize>k * ld;
    const b1 = b0 + ld;
    const b2 = b1 + ld;
    const b3 = b2 + ld;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const o = <usize>j << 2;
      let acc = v128.load(y + o);
      acc = f32x4.add(acc, f32x4.mul(a0, v128.load(b0 + o)));
      acc = f32x4.add(acc, f32x4.mul(a1, v128.load(b1 + o)));
      acc = f32x4.add(acc, f32x4.mul(a2, v128.load(b2 + o)));
      acc = f32x4.add(acc, f32x4.mul(a3, v128.load(b3 + o)));
      v128.store(y + o, acc);
    }
    for (; j < N; j++) {
      const o = <usize>j << 2;
      store<f32>(
        y + o,
        load<f32>(y + o) +
          f32x4.extract_lane(a0, 0) * load<f32>(b0 + o) +
          f32x4.extract_lane(a1, 0) * load<f32>(b1 + o) +
          f32x4.extract_lane(a2, 0) * load<f32>(b2 + o) +
          f32x4.extract_lane(a3, 0) * load<f32>(b3 + o),
      );
    }
  }
  for (; k < K; k++) {
    const ak = load<f32>(a + (<usize>k << 2));
    const a4 = f32x4.splat(ak);
    const bk = b + <usize>k * ld;
    let j = 0;
    for (; j + 4 <= N; j += 4) {
      const o = <usize>j << 2;
      v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(a4, v128.load(bk + o))));
    }
    for (; j < N; j++) {
      const o = <usize>j << 2;
      store<f32>(y + o, load<f32>(y + o) + ak * load<f32>(bk + o));
    }
  }
}

/** One output of {@link gemvNK}: the dot product of a (K floats) with the row at `row`, plus `bias[j]`. */
@inline
function dotRow(a: usize, row: usize, K: i32, k4: i32): f32 {
  let s0 = f32x4.splat(0);
  let k = 0;
  for (; k < k4; k += 4) s0 = madd(v128.load(a + (<usize>k << 2)), v128.load(row + (<usize>k << 2)), s0);
  let total = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3));
  for (; k < K; k++) total += load<f32>(a + (<usize>k << 2)) * load<f32>(row + (<usize>k << 2));
  return total;
}

/**
 * y (1×N) = a (1×K) · Bᵀ (+ bias), with B stored N×K (rows ldb floats apart): the lm head of a Linear, whose
 * weight is (out, in). Four rows a quarter of B apart at a time (rows j, j + N/4, j + N/2, j + 3N/4), so B is
 * read as four sequential streams: on a 2-vCPU Intel VM one stream reads DRAM at about 7 GB/s and four at
 * about 12 (measured on GPT-2's 768 × 50257 head: 21 → 12 ms), while `a` stays in L1. `bias` is 0 or N floats.
 */
export function gemvNK(a: usize, b: usize, y: usize, K: i32, N: i32, ldb: i32, bias: usize): void {
  const ld: usize = <usize>ldb << 2;
  const k4 = K & ~3;
  const q = N >> 2;
  const qb: usize = <usize>q * ld;
  for (let j = 0; j < q; j++) {
    const r0 = b + <usize>j * ld;
    const r1 = r0 + qb;
    const r2 = r1 + qb;
    const r3 = r2 + qb;
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    for (let k = 0; k < k4; k += 4) {
      const o = <usize>k << 2;
      const av = v128.load(a + o);
      s0 = madd(av, v128.load(r0 + o), s0);
      s1 = madd(av, v128.load(r1 + o), s1);
      s2 = madd(av, v128.load(r2 + o), s2);
      s3 = madd(av, v128.load(r3 + o), s3);
    }
    let t0 = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3));
    let t1 = f32x4.extract_lane(s1, 0) + f32x4.extract_lane(s1, 1) + (f32x4.extract_lane(s1, 2) + f32x4.extract_lane(s1, 3));
    let t2 = f32x4.extract_lane(s2, 0) + f32x4.extract_lane(s2, 1) + (f32x4.extract_lane(s2, 2) + f32x4.extract_lane(s2, 3));
    let t3 = f32x4.extract_lane(s3, 0) + f32x4.extract_lane(s3, 1) + (f32x4.extract_lane(s3, 2) + f32x4.extract_lane(s3, 3));
    for (let k = k4; k < K; k++) {
      const o = <usize>k << 2;
      const ak = load<f32>(a + o);
      t0 += ak * load<f32>(r0 + o);
      t1 += ak * load<f32>(r1 + o);
      t2 += ak * load<f32>(r2 + o);
      t3 += ak * load<f32>(r3 + o);
    }
    if (bias != 0) {
      t0 += load<f32>(bias + (<usize>j << 2));
      t1 += load<f32>(bias + (<usize>(j + q) << 2));
      t2 += load<f32>(bias + (<usize>(j + 2 * q) << 2));
      t3 += load<f32>(bias + (<usize>(j + 3 * q) << 2));
    }
    store<f32>(y + (<usize>j << 2), t0);
    store<f32>(y + (<usize>(j + q) << 2), t1);
    store<f32>(y + (<usize>(j + 2 * q) << 2), t2);
    store<f32>(y + (<usize>(j + 3 * q) << 2), t3);
  }
  for (let j = 4 * q; j < N; j++) {
    let t = dotRow(a, b + <usize>j * ld, K, k4);
    if (bias != 0) t += load<f32>(bias + (<usize>j << 2));
    store<f32>(y + (<usize>j << 2), t);
  }
}
