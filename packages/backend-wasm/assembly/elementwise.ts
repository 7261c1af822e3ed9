// Elementwise kernels of the `wasm` Backend of @lxmls/backend-wasm: broadcasting binary ops over 4
// coalesced axes, unary ops, the fused add / mul / row broadcast, masked fill, and NewGELU (the tanh form)
// forward and backward, with the SIMD exponential that the attention softmax shares.
//
// Follows the `js` reference (packages/tensor/src/backends/js/elementwise.ts); called from
// src/wasm/elementwise.ts. Shapes arrive coalesced to 4 axes (n0 outermost … n3 innermost) with
// per-operand strides in elements (0 = broadcast); every pointer is a byte offset into the imported memory.
// The SIMD exponential, its constants and the GELU that uses them stay with the loops they share with the
// binary ops, under the family name of src/wasm/elementwise.ts. Loops that differ in one operation are
// written once as an @inline function with a constant first parameter (binaryLoop's OP, expLoop's KIND):
// inlined with that constant, each kernel compiles to its own loop, as if written out.

import { madd } from './matmul';

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

// ---------------------------------------------------------------------------------------------- elementwise

/** out[i] = a[i] + b[i], i < n: {@link binaryRun} with both operands contiguous. */
export function add(a: usize, b: usize, out: usize, n: i32): void {
  binaryRun(0, a, 1, b, 1, out, n);
}

/** out[i] = a[i] · b[i], i < n. */
export function mul(a: usize, b: usize, out: usize, n: i32): void {
  binaryRun(2, a, 1, b, 1, out, n);
}

/** out[r, j] = x[r, j] + row[j] (bias add), for rows × cols. With op = 1: x[r, j] · row[j]. */
export function rowBroadcast(x: usize, row: usize, out: usize, rows: i32, cols: i32, op: i32): void {
  const ld: usize = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * ld;
    const or = out + <usize>r * ld;
    if (op == 0) binaryRun(0, xr, 1, row, 1, or, cols);
    else binaryRun(2, xr, 1, row, 1, or, cols);
  }
}

// ---------------------------------------------------------------------------------------------- masked fill

/**
 * out = mask ≠ 0 ? value : x over 4 axes (n0 … n3 innermost), x and out walked with strides sx*, the mask
 * with sm* (0 along its broadcast axes); element strides. `isFloat`: the mask holds float32 (−0 counts as
 * 0), else int32.
 */
export function maskedFill4(
  x: usize,
  mask: usize,
  out: usize,
  value: f32,
  isFloat: i32,
  n0: i32,
  n1: i32,
  n2: i32,
  n3: i32,
  sx0: i32,
  sx1: i32,
  sx2: i32,
  sx3: i32,
  sm0: i32,
  sm1: i32,
  sm2: i32,
  sm3: i32,
): void {
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0; i2 < n2; i2++) {
        let px = x + ((<usize>(i0 * sx0 + i1 * sx1 + i2 * sx2)) << 2);
        let po = out + ((<usize>(i0 * sx0 + i1 * sx1 + i2 * sx2)) << 2);
        let pm = mask + ((<usize>(i0 * sm0 + i1 * sm1 + i2 * sm2)) << 2);
        const dx = <usize>sx3 << 2;
        const dm = <usize>sm3 << 2;
        for (let i3 = 0; i3 < n3; i3++) {
          const fill = isFloat != 0 ? load<f32>(pm) != 0 : load<i32>(pm) != 0;
          store<f32>(po, fill ? value : load<f32>(px));
          px += dx;
          po += dx;
          pm += dm;
        }
      }
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
 * e^z, four lanes: z = n·ln2 + r, 2ⁿ from the exponent bits, e^r by a degree-6 polynomial (|rel err| < 2e-7).
 * z is first clamped to [lo, hi] with pmin/pmax (one instruction each; NaN still propagates because z is the
 * first operand). The constants arrive as parameters so that the loop of {@link expLoop} hoists them.
 */
@inline
function exp4(
  z: v128,
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
): v128 {
  const zc = f32x4.pmin(f32x4.pmax(z, lo), hi);
  const t = madd(zc, log2e, gc(16)); // z·log2e rounded: its low mantissa bits are n
  const n = f32x4.sub(t, gc(16));
  const r = f32x4.sub(f32x4.sub(zc, f32x4.mul(n, ln2hi)), f32x4.mul(n, ln2lo));
  let p = madd(p6, r, p5);
  p = madd(p, r, p4);
  p = madd(p, r, p3);
  p = madd(p, r, half);
  p = madd(p, r, one);
  p = madd(p, r, one);
  return f32x4.mul(p, pow2(t));
}

/** gelu'(x) = s + 2x·s(1 − s)·√(2/π)(1 + 3·0.044715x²), four lanes, from s = σ(2u); see {@link expLoop}. */
@inline
function geluSlope4(x: v128, s: v128, sqrt2pi: v128, one: v128, c3: v128, two: v128): v128 {
  const du = f32x4.mul(sqrt2pi, f32x4.add(one, f32x4.mul(c3, f32x4.mul(x, x))));
  return f32x4.add(s, f32x4.mul(f32x4.mul(f32x4.mul(two, x), f32x4.mul(s, f32x4.sub(one, s))), du));
}

/** The same slope for one float (the loops' tails). */
@inline
function geluSlope(x: f32, s: f32): f32 {
  const du: f32 = 0.7978845608028654 * (1 + 0.134145 * x * x);
  return s + 2 * x * s * (1 - s) * du;
}

// What expLoop computes; a constant where it is inlined, so each kernel compiles to its own loop.
const EXP = 0; // x = e^x in place
const GELU = 1; // y = NewGELU(x)
const GELU_BACKWARD = 2; // dx = dy · gelu'(x)

/**
 * The loops of the SIMD exponential, four lanes at a time, the tail with the scalar formula. For GELU,
 * s = σ(2u) = 1 / (1 + e^{−2u}) with u = √(2/π)(x + 0.044715x³), so NewGELU(x) = x·s and tanh(u) = 2s − 1.
 * Every constant is loaded once, before the loop (see GELU_CONSTS: V8 then keeps them in registers).
 */
@inline
function expLoop(KIND: i32, x: usize, y: usize, dy: usize, n: i32): void {
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
    if (KIND == EXP) {
      v128.store(x + o, exp4(v, lo, hi, log2e, ln2hi, ln2lo, p6, p5, p4, p3, half, one));
      continue;
    }
    const u = f32x4.mul(s, f32x4.add(v, f32x4.mul(c, f32x4.mul(f32x4.mul(v, v), v))));
    const e = exp4(f32x4.mul(u, m2), lo, hi, log2e, ln2hi, ln2lo, p6, p5, p4, p3, half, one);
    const sg = f32x4.div(one, f32x4.add(one, e));
    if (KIND == GELU) v128.store(y + o, f32x4.mul(v, sg));
    else v128.store(y + o, f32x4.mul(v128.load(dy + o), geluSlope4(v, sg, s, one, c3, two)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    if (KIND == EXP) {
      store<f32>(x + o, Mathf.exp(v));
      continue;
    }
    const u: f32 = 0.7978845608028654 * (v + 0.044715 * v * v * v);
    if (KIND == GELU) store<f32>(y + o, v / (1 + Mathf.exp(-2 * u)));
    else store<f32>(y + o, load<f32>(dy + o) * geluSlope(v, 1 / (1 + Mathf.exp(-2 * u))));
  }
}

/** x[i] = e^{x[i]} for n floats in place (the exponential of the attention softmax). */
export function expInPlace(x: usize, n: i32): void {
  expLoop(EXP, x, x, 0, n);
}

/** NewGELU, y = x · σ(2u) (= 0.5·x·(1 + tanh u)), n floats. */
export function geluFast(x: usize, y: usize, n: i32): void {
  expLoop(GELU, x, y, 0, n);
}

/** dx = dy · gelu'(x), σ(2u) computed again. */
export function geluBackwardFast(x: usize, dy: usize, dx: usize, n: i32): void {
  expLoop(GELU_BACKWARD, x, dx, dy, n);
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
    v128.store(dx + o, f32x4.mul(v128.load(dy + o), geluSlope4(v, sg, s, one, c3, two)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    const sv: f32 = Mathf.abs(v) < 1e-30 ? 0.5 : load<f32>(y + o) / v;
    store<f32>(dx + o, load<f32>(dy + o) * geluSlope(v, sv));
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
