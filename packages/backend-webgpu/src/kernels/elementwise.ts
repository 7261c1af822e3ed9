/**
 * Elementwise WGSL kernels: `cast`, `binary` (with broadcasting), `unary`, `maskedFill`, and the optional
 * `gelu` / `geluBackward` and `dropout`. One thread per output element, 256 per workgroup.
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/elementwise.ts` and `random.ts`) for every
 * edge case a GPU treats loosely: NaN propagates through `maximum`, `pow` of a negative base with an integer
 * exponent keeps its sign, `log(0) = −∞`, `sqrt` and `log` of a negative number are NaN, and `tanh` saturates
 * at ±1 instead of overflowing.
 */

import type {
  BinaryAttrs,
  BinaryInputs,
  CastAttrs,
  DropoutAttrs,
  GeluBackwardInputs,
  MaskedFillAttrs,
  MaskedFillInputs,
  SizeAttrs,
  UnaryAttrs,
  UnaryInputs,
} from '@lxmls/tensor';
import { f32bits, type GpuStorage, type Operand, type Runtime } from '../runtime.js';

/** Threads per workgroup of the elementwise kernels. */
export const WG = 256;

/** Workgroups for `n` threads. */
export const groupsFor = (n: number): number => Math.ceil(n / WG);

/**
 * A kernel of one thread per element: `params[0]` elements (parameter word 0), `body` run for each `gid` below
 * it, in `groupsFor(params[0])` workgroups of {@link WG}; no dispatch for no elements.
 */
export function perElement(
  rt: Runtime,
  key: string,
  decls: string | undefined,
  body: string,
  operands: Operand[],
  params: number[],
): void {
  if (params[0] === 0) return;
  const source = {
    wg: WG,
    ...(decls === undefined ? {} : { decls }),
    body: `if (gid >= pu(0u)) { return; }\n  ${body}`,
  };
  rt.dispatch(key, source, operands, params, groupsFor(params[0]!));
}

/** WGSL of the numeric functions shared by the elementwise kernels. */
export const MATH: string = /* wgsl */ `
fn tanh_(x: f32) -> f32 {
  if (isnanf(x)) { return x; }
  let c = clamp(x, -15.0, 15.0);
  let e = exp(2.0 * c);
  return (e - 1.0) / (e + 1.0);
}
fn pow_(a: f32, b: f32) -> f32 {
  if (isnanf(a) || isnanf(b)) { return nanf(); }
  if (b == 0.0) { return 1.0; }
  if (a == 0.0) { if (b > 0.0) { return 0.0; } return inff(); }
  let r = exp2(b * log2(abs(a)));
  if (a > 0.0) { return r; }
  if (floor(b) != b) { return nanf(); }
  let odd = (abs(b) < 16777216.0) && (i32(abs(b)) % 2 == 1);
  if (odd) { return -r; }
  return r;
}
fn log_(x: f32) -> f32 {
  if (x == 0.0) { return -inff(); }
  if (x < 0.0) { return nanf(); }
  return log(x);
}
fn sqrt_(x: f32) -> f32 {
  if (x < 0.0) { return nanf(); }
  return sqrt(x);
}
fn exp_(x: f32) -> f32 {
  if (x > 88.72284) { return inff(); }
  if (x < -103.97) { return 0.0; }
  return exp(x);
}
fn max_(a: f32, b: f32) -> f32 {
  if (isnanf(a)) { return a; }
  if (isnanf(b)) { return b; }
  return max(a, b);
}
`;

const BINARY_F32: Record<string, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'pow_(a, b)',
  maximum: 'max_(a, b)',
  eq: 'select(0.0, 1.0, a == b)',
  gt: 'select(0.0, 1.0, a > b)',
};

const BINARY_I32: Record<string, string> = {
  add: 'a + b',
  sub: 'a - b',
  mul: 'a * b',
  div: 'a / b',
  pow: 'i32(pow_(f32(a), f32(b)))',
  maximum: 'max(a, b)',
  eq: 'select(0, 1, a == b)',
  gt: 'select(0, 1, a > b)',
};

/** The largest rank the broadcasting kernels take (shapes are packed into the 64-word parameter slot). */
export const MAX_RANK = 16;

/**
 * Merges adjacent axes that every operand treats alike (all full, or the same operands broadcast), so that
 * a `(B, T, C) + (C)` is a 2-D problem. Returns the merged shapes.
 */
export function collapse(shapes: readonly (readonly number[])[], outShape: readonly number[]): number[][] {
  const result: number[][] = shapes.map(() => []);
  const out: number[] = [];
  let prevKind = '';
  for (let d = 0; d < outShape.length; d++) {
    const size = outShape[d]!;
    if (size === 1) continue; // an axis of 1 changes no index
    const kind = shapes.map((s) => (s[d] === 1 ? '0' : '1')).join('');
    if (kind === prevKind && out.length > 0) {
      out[out.length - 1]! *= size;
      shapes.forEach((s, i) => {
        result[i]![result[i]!.length - 1]! *= s[d]!;
      });
    } else {
      out.push(size);
      shapes.forEach((s, i) => {
        result[i]!.push(s[d]!);
      });
    }
    prevKind = kind;
  }
  return [out, ...result];
}

/** Row-major strides of `shape` against `outShape`, 0 along broadcast axes. */
function broadcastStrides(shape: readonly number[], outShape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  let s = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = shape[d] === 1 && outShape[d] !== 1 ? 0 : s;
    s *= shape[d]!;
  }
  return strides;
}

/** WGSL of `fn offsetK(i) -> u32`: the broadcast offsets of operands 0..count-1 for output index `i`. */
function broadcastDecls(count: number): string {
  // parameter layout: [size, rank, dims…(rank), strides of operand 0 (rank), strides of operand 1 (rank), …]
  let code = '';
  for (let k = 0; k < count; k++) {
    code += `
fn offset${k}(i: u32) -> u32 {
  let rank = pu(1u);
  var rest = i;
  var off = 0u;
  for (var d = i32(rank) - 1; d >= 0; d--) {
    let dim = pu(2u + u32(d));
    let idx = rest % dim;
    rest = rest / dim;
    off += idx * pu(2u + rank * ${k + 1}u + u32(d));
  }
  return off;
}`;
  }
  return code;
}

/** The parameter words of a broadcasting kernel: size, rank, out dims, each operand's strides. */
function broadcastParams(
  shapes: readonly (readonly number[])[],
  outShape: readonly number[],
): number[] | null {
  const [out, ...ins] = collapse(shapes, outShape);
  if (out!.length > MAX_RANK) return null;
  const size = out!.reduce((a, b) => a * b, 1);
  return [size, out!.length, ...out!, ...ins.flatMap((s) => broadcastStrides(s, out!))];
}

/** `out = op(a, b)` with broadcasting. */
export function binary(rt: Runtime, { a, b, out }: BinaryInputs<GpuStorage>, attrs: BinaryAttrs): void {
  const size = out.size;
  if (size === 0) return;
  const int = a.dtype === 'int32' && b.dtype === 'int32';
  const expr = (int ? BINARY_I32 : BINARY_F32)[attrs.op]!;
  const ty = int ? 'i32' : 'f32';
  const outConv = (v: string) => (out.dtype === 'int32' ? (int ? v : `i32(${v})`) : int ? `f32(${v})` : v);
  const load = (name: string, s: GpuStorage, idx: string) =>
    (s.dtype === 'int32') === int ? `$${name}[${idx}]` : `${ty}($${name}[${idx}])`;
  const operands = [
    { name: 'a', storage: a },
    { name: 'b', storage: b },
    { name: 'out', storage: out, write: true },
  ];
  if (a.size === size && b.size === size) {
    perElement(
      rt,
      `binary-same-${attrs.op}-${ty}`,
      MATH,
      `let a = ${load('a', a, 'gid')}; let b = ${load('b', b, 'gid')};
  $out[gid] = ${outConv(expr)};`,
      operands,
      [size],
    );
    return;
  }
  const params = broadcastParams([attrs.aShape, attrs.bShape], attrs.outShape);
  if (params === null) throw new Error(`binary: rank above ${MAX_RANK} after merging axes`);
  perElement(
    rt,
    `binary-bcast-${attrs.op}-${ty}`,
    MATH + broadcastDecls(2),
    `let a = ${load('a', a, 'offset0(gid)')}; let b = ${load('b', b, 'offset1(gid)')};
  $out[gid] = ${outConv(expr)};`,
    operands,
    params,
  );
}

const UNARY: Record<string, string> = {
  neg: '-x',
  exp: 'exp_(x)',
  log: 'log_(x)',
  tanh: 'tanh_(x)',
  sqrt: 'sqrt_(x)',
  relu: 'select(max(x, 0.0), x, isnanf(x))',
};

/** `out[i] = op(x[i])`. */
export function unary(rt: Runtime, { x, out }: UnaryInputs<GpuStorage>, { op, size }: UnaryAttrs): void {
  const int = x.dtype === 'int32';
  const expr = int && op === 'neg' ? '-xi' : UNARY[op]!;
  const load = int ? (op === 'neg' ? 'let xi = $x[gid];' : 'let x = f32($x[gid]);') : 'let x = $x[gid];';
  const store = out.dtype === 'int32' && !(int && op === 'neg') ? `i32(${expr})` : expr;
  perElement(
    rt,
    `unary-${op}-${x.dtype}-${out.dtype}`,
    MATH,
    `${load}
  $out[gid] = ${store};`,
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [size],
  );
}

/** `out[i] = x[i]` converted to `to`; float32 → int32 truncates toward zero (NaN → 0, as a JavaScript Int32Array). */
export function cast(rt: Runtime, { x, out }: UnaryInputs<GpuStorage>, { size, to }: CastAttrs): void {
  if (size === 0) return;
  if (x.dtype === to) {
    rt.copy(x, out, size);
    return;
  }
  const expr =
    to === 'int32'
      ? 'select(i32(clamp(trunc(v), -2147483648.0, 2147483520.0)), 0, isnanf(v) || isinff(v))'
      : 'f32(v)';
  perElement(
    rt,
    `cast-${x.dtype}-${to}`,
    undefined,
    `let v = $x[gid];
  $out[gid] = ${expr};`,
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [size],
  );
}

/** `out = mask ≠ 0 ? value : x`, the mask broadcast to `shape`. */
export function maskedFill(
  rt: Runtime,
  { x, mask, out }: MaskedFillInputs<GpuStorage>,
  { shape, maskShape, value }: MaskedFillAttrs,
): void {
  const size = out.size;
  if (size === 0) return;
  const params = broadcastParams([maskShape], shape);
  if (params === null) throw new Error(`maskedFill: rank above ${MAX_RANK} after merging axes`);
  const zero = mask.dtype === 'int32' ? '0' : '0.0';
  const fill = out.dtype === 'int32' ? 'i32(pf(P_VALUE))' : 'pf(P_VALUE)';
  params.push(f32bits(value));
  perElement(
    rt,
    `maskedFill-${x.dtype}-${mask.dtype}`,
    broadcastDecls(1),
    `let P_VALUE = 2u + pu(1u) * 2u;
  if ($mask[offset0(gid)] != ${zero}) { $out[gid] = ${fill}; } else { $out[gid] = $x[gid]; }`,
    [
      { name: 'x', storage: x },
      { name: 'mask', storage: mask },
      { name: 'out', storage: out, write: true },
    ],
    params,
  );
}

/** WGSL of the counter-based uniform hash of `@lxmls/tensor` (`mix32`, `uniformAt` as a 32-bit integer). */
export const HASH: string = /* wgsl */ `
fn mix32(v: u32) -> u32 {
  var x = v;
  x ^= x >> 16u;
  x *= 0x21f0aaadu;
  x ^= x >> 15u;
  x *= 0x735a2d97u;
  x ^= x >> 15u;
  return x;
}
fn hashAt(seed: u32, i: u32) -> u32 { return mix32(mix32(i) ^ seed); }
`;

/**
 * The keep threshold of dropout as an integer: `uniformAt(seed, i) ≥ p` ⇔ `hash ≥ ⌈p·2³²⌉` (exact, since the
 * hash is an integer); 2³² − 1 plus a "drop all" flag when `p` rounds to 1.
 */
export function keepThreshold(p: number): { threshold: number; dropAll: boolean } {
  const t = Math.ceil(p * 4294967296);
  return t >= 4294967296 ? { threshold: 0xffffffff, dropAll: true } : { threshold: t, dropAll: false };
}

/** Inverted dropout with the counter-based mask. */
export function dropout(
  rt: Runtime,
  { x, out }: UnaryInputs<GpuStorage>,
  { size, p, seed }: DropoutAttrs,
): void {
  const { threshold, dropAll } = keepThreshold(p);
  perElement(
    rt,
    'dropout',
    HASH,
    `let keep = pu(4u) == 0u && hashAt(pu(1u), gid) >= pu(2u);
  $out[gid] = select(0.0, $x[gid] * pf(3u), keep);`,
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [size, seed >>> 0, threshold, f32bits(1 / (1 - p)), dropAll ? 1 : 0],
  );
}

/** √(2/π), NewGELU's constant. */
export const GELU_C: number = Math.sqrt(2 / Math.PI);

/** NewGELU, the tanh form. */
export function gelu(rt: Runtime, { x, out }: UnaryInputs<GpuStorage>, { size }: SizeAttrs): void {
  perElement(
    rt,
    'gelu',
    MATH,
    `let v = $x[gid];
  $out[gid] = 0.5 * v * (1.0 + tanh_(pf(1u) * (v + 0.044715 * v * v * v)));`,
    [
      { name: 'x', storage: x },
      { name: 'out', storage: out, write: true },
    ],
    [size, f32bits(GELU_C)],
  );
}

/** `dx = dy · gelu'(x)`. */
export function geluBackward(
  rt: Runtime,
  { x, dy, dx }: GeluBackwardInputs<GpuStorage>,
  { size }: SizeAttrs,
): void {
  perElement(
    rt,
    'geluBackward',
    MATH,
    `let v = $x[gid];
  let c = pf(1u);
  let t = tanh_(c * (v + 0.044715 * v * v * v));
  let du = c * (1.0 + 3.0 * 0.044715 * v * v);
  $dx[gid] = $dy[gid] * (0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * du);`,
    [
      { name: 'x', storage: x },
      { name: 'dy', storage: dy },
      { name: 'dx', storage: dx, write: true },
    ],
    [size, f32bits(GELU_C)],
  );
}
