/**
 * The `js` reference of the elementwise kernels: `binary` (with broadcasting), `unary`, `maskedFill`, and
 * NewGELU's `gelu` / `geluBackward` (the tanh form, as minGPT's `NewGELU`).
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type {
  BinaryAttrs,
  BinaryInputs,
  BinaryOp,
  GeluBackwardInputs,
  MaskedFillAttrs,
  MaskedFillInputs,
  SizeAttrs,
  TypedArray,
  UnaryAttrs,
  UnaryInputs,
  UnaryOp,
} from '../../backend.js';
import { broadcastIndex } from '../../shape.js';

const BINARY: Record<BinaryOp, (a: number, b: number) => number> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  pow: (a, b) => a ** b,
  maximum: Math.max, // NaN propagates, as in torch.maximum
  eq: (a, b) => (a === b ? 1 : 0),
  gt: (a, b) => (a > b ? 1 : 0),
};

const UNARY: Record<UnaryOp, (x: number) => number> = {
  neg: (x) => -x,
  exp: Math.exp,
  log: Math.log,
  tanh: Math.tanh,
  sqrt: Math.sqrt,
  relu: (x) => Math.max(x, 0),
};

const GELU_C = Math.sqrt(2 / Math.PI); // sqrt(2/π) of NewGELU

/** The definition of the `binary` kernel (docs/backend-contract.md), run by `JsBackend.binary`. */
export function binaryReference(
  { a, b, out }: BinaryInputs<TypedArray>,
  { op, aShape, bShape, outShape }: BinaryAttrs,
): void {
  const f = BINARY[op];
  const n = out.length;
  if (a.length === n && b.length === n) {
    for (let i = 0; i < n; i++) out[i] = f(a[i]!, b[i]!);
    return;
  }
  const ia = broadcastIndex(aShape, outShape);
  const ib = broadcastIndex(bShape, outShape);
  for (let i = 0; i < n; i++) out[i] = f(a[ia[i]!]!, b[ib[i]!]!);
}

/** The definition of the `unary` kernel (docs/backend-contract.md), run by `JsBackend.unary`. */
export function unaryReference({ x, out }: UnaryInputs<TypedArray>, { op, size }: UnaryAttrs): void {
  const f = UNARY[op];
  for (let i = 0; i < size; i++) out[i] = f(x[i]!);
}

/** The definition of the `maskedFill` kernel (docs/backend-contract.md), run by `JsBackend.maskedFill`. */
export function maskedFillReference(
  { x, mask, out }: MaskedFillInputs<TypedArray>,
  { shape, maskShape, value }: MaskedFillAttrs,
): void {
  const im = broadcastIndex(maskShape, shape);
  for (let i = 0; i < out.length; i++) out[i] = mask[im[i]!] !== 0 ? value : x[i]!;
}

/** The definition of the `gelu` kernel (docs/backend-contract.md), run by `JsBackend.gelu`. */
export function geluReference({ x, out }: UnaryInputs<Float32Array>, { size }: SizeAttrs): void {
  for (let i = 0; i < size; i++) {
    const v = x[i]!;
    out[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v * v * v)));
  }
}

/** The definition of the `geluBackward` kernel (docs/backend-contract.md), run by `JsBackend.geluBackward`. */
export function geluBackwardReference(
  { x, dy, dx }: GeluBackwardInputs<Float32Array>,
  { size }: SizeAttrs,
): void {
  for (let i = 0; i < size; i++) {
    const v = x[i]!;
    const t = Math.tanh(GELU_C * (v + 0.044715 * v * v * v));
    const du = GELU_C * (1 + 3 * 0.044715 * v * v); // du/dx
    dx[i] = dy[i]! * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * du);
  }
}
