/**
 * The `js` reference of the softmax family: row `softmax` / `logSoftmax` and their backwards, and the loss
 * `crossEntropy` / `crossEntropyBackward` fused with the softmax (PyTorch's `cross_entropy` with
 * `ignore_index`, mean over the kept rows).
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { CrossEntropyAttrs, SoftmaxAttrs, SoftmaxBackwardInputs, UnaryInputs } from '../../backend.js';
import { checkTargets } from '../../errors.js';

/** The row `x[o, o + cols)`'s maximum and `Σ_j exp(x_j − max)`, the two passes of a stable softmax. */
function maxAndSumExp(x: Float32Array, o: number, cols: number): [number, number] {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < cols; j++) max = Math.max(max, x[o + j]!);
  let sum = 0;
  for (let j = 0; j < cols; j++) sum += Math.exp(x[o + j]! - max);
  return [max, sum];
}

/** The definition of the `softmax` kernel (docs/backend-contract.md), run by `JsBackend.softmax`. */
export function softmaxReference({ x, out }: UnaryInputs<Float32Array>, { rows, cols }: SoftmaxAttrs): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const [max, sum] = maxAndSumExp(x, o, cols);
    for (let j = 0; j < cols; j++) out[o + j] = Math.exp(x[o + j]! - max) / sum;
  }
}

/** The definition of the `logSoftmax` kernel (docs/backend-contract.md), run by `JsBackend.logSoftmax`. */
export function logSoftmaxReference(
  { x, out }: UnaryInputs<Float32Array>,
  { rows, cols }: SoftmaxAttrs,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const lse = logSumExp(x, o, cols);
    for (let j = 0; j < cols; j++) out[o + j] = x[o + j]! - lse;
  }
}

/** The definition of the `softmaxBackward` kernel (docs/backend-contract.md), run by `JsBackend.softmaxBackward`. */
export function softmaxBackwardReference(
  { y, dy, dx }: SoftmaxBackwardInputs<Float32Array>,
  { rows, cols }: SoftmaxAttrs,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0; // Σ_j dy_j y_j
    for (let j = 0; j < cols; j++) dot += dy[o + j]! * y[o + j]!;
    for (let j = 0; j < cols; j++) dx[o + j] = y[o + j]! * (dy[o + j]! - dot);
  }
}

/** The definition of the `logSoftmaxBackward` kernel (docs/backend-contract.md), run by `JsBackend.logSoftmaxBackward`. */
export function logSoftmaxBackwardReference(
  { y, dy, dx }: SoftmaxBackwardInputs<Float32Array>,
  { rows, cols }: SoftmaxAttrs,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sum = 0; // Σ_j dy_j
    for (let j = 0; j < cols; j++) sum += dy[o + j]!;
    for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j]! - Math.exp(y[o + j]!) * sum;
  }
}

/** Row `r`'s log-sum-exp, computed stably. */
function logSumExp(x: Float32Array, o: number, cols: number): number {
  const [max, sum] = maxAndSumExp(x, o, cols);
  return max + Math.log(sum);
}

/** The definition of the `crossEntropy` kernel (docs/backend-contract.md), run by `JsBackend.crossEntropy`. */
export function crossEntropyReference(
  { logits, targets, out }: { logits: Float32Array; targets: Int32Array; out: Float32Array },
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
  const kept = checkTargets(targets, n, c, ignoreIndex);
  let total = 0;
  for (let r = 0; r < n; r++) {
    const t = targets[r]!;
    if (t === ignoreIndex) continue;
    total += logSumExp(logits, r * c, c) - logits[r * c + t]!; // -log softmax(x_r)[t]
  }
  out[0] = total / kept; // 0/0 = NaN when every target is ignored, as in PyTorch
}

/** The definition of the `crossEntropyBackward` kernel (docs/backend-contract.md), run by `JsBackend.crossEntropyBackward`. */
export function crossEntropyBackwardReference(
  {
    logits,
    targets,
    dloss,
    dlogits,
  }: { logits: Float32Array; targets: Int32Array; dloss: Float32Array; dlogits: Float32Array },
  { n, c, ignoreIndex }: CrossEntropyAttrs,
): void {
  const g = dloss[0]! / checkTargets(targets, n, c, ignoreIndex);
  for (let r = 0; r < n; r++) {
    const t = targets[r]!;
    const o = r * c;
    if (t === ignoreIndex) {
      for (let j = 0; j < c; j++) dlogits[o + j] = 0;
      continue;
    }
    const lse = logSumExp(logits, o, c);
    for (let j = 0; j < c; j++) dlogits[o + j] = g * (Math.exp(logits[o + j]! - lse) - (j === t ? 1 : 0));
  }
}
