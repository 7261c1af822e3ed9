/**
 * The `js` reference of `layerNorm` and `layerNormBackward` (PyTorch's LayerNorm: biased variance, per
 * row, saving the mean and 1/std for the backward).
 *
 * Part of the `js` backend (`../js.ts`), the definition every other backend is checked against; the
 * kernels of a family are found by name in `js/<family>.ts`, as in the wasm backend.
 */

import type { LayerNormAttrs, LayerNormBackwardInputs, LayerNormInputs } from '../../backend.js';

/** The definition of the `layerNorm` kernel (docs/backend-contract.md), run by `JsBackend.layerNorm`. */
export function layerNormReference(
  { x, weight, bias, out, mean, rstd }: LayerNormInputs<Float32Array>,
  { rows, cols, eps }: LayerNormAttrs,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += x[o + j]!;
    const mu = sum / cols;
    let sq = 0;
    for (let j = 0; j < cols; j++) sq += (x[o + j]! - mu) ** 2;
    const rs = 1 / Math.sqrt(sq / cols + eps); // biased variance, as PyTorch
    mean[r] = mu;
    rstd[r] = rs;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[o + j]! - mu) * rs;
      out[o + j] = xhat * (weight ? weight[j]! : 1) + (bias ? bias[j]! : 0);
    }
  }
}

/** The definition of the `layerNormBackward` kernel (docs/backend-contract.md), run by `JsBackend.layerNormBackward`. */
export function layerNormBackwardReference(
  { dy, x, weight, mean, rstd, dx, dweight, dbias }: LayerNormBackwardInputs<Float32Array>,
  { rows, cols }: LayerNormAttrs,
): void {
  const dw = new Float64Array(cols);
  const db = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r]!;
    const rs = rstd[r]!;
    let meanG = 0; // mean_j(g), g = dy · weight
    let meanGX = 0; // mean_j(g · x̂)
    for (let j = 0; j < cols; j++) {
      const xhat = (x[o + j]! - mu) * rs;
      const g = dy[o + j]! * (weight ? weight[j]! : 1);
      meanG += g;
      meanGX += g * xhat;
      dw[j]! += dy[o + j]! * xhat;
      db[j]! += dy[o + j]!;
    }
    meanG /= cols;
    meanGX /= cols;
    for (let j = 0; j < cols; j++) {
      const xhat = (x[o + j]! - mu) * rs;
      const g = dy[o + j]! * (weight ? weight[j]! : 1);
      dx[o + j] = rs * (g - meanG - xhat * meanGX);
    }
  }
  if (dweight) for (let j = 0; j < cols; j++) dweight[j] = dw[j]!;
  if (dbias) for (let j = 0; j < cols; j++) dbias[j] = db[j]!;
}
