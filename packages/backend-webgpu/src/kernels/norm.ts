/**
 * Fused layer normalisation as WGSL kernels: the forward (one workgroup per row: mean, biased variance,
 * normalise, scale and shift, saving `mean` and `rstd`) and the backward in one dispatch (`dx` per row;
 * `dweight` and `dbias` per column, summed over the rows).
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/norm.ts`), PyTorch's LayerNorm: two-pass
 * variance, `weight`/`bias` optional.
 */

import type { LayerNormAttrs, LayerNormBackwardInputs, LayerNormInputs } from '@lxmls/tensor';
import { f32bits, type GpuStorage, type Operand, type Runtime } from '../runtime.js';
import { MATH } from './elementwise.js';
import { ROW_START, rowKernel } from './softmax.js';

/** `out = (x − mean)·rstd·weight + bias` per row, saving `mean` and `rstd`. */
export function layerNorm(
  rt: Runtime,
  { x, weight, bias, out, mean, rstd }: LayerNormInputs<GpuStorage>,
  { rows, cols, eps }: LayerNormAttrs,
): void {
  if (rows === 0) return;
  const operands: Operand[] = [
    { name: 'x', storage: x },
    { name: 'out', storage: out, write: true },
    { name: 'mean', storage: mean, write: true },
    { name: 'rstd', storage: rstd, write: true },
  ];
  if (weight !== null) operands.push({ name: 'weight', storage: weight });
  if (bias !== null) operands.push({ name: 'bias', storage: bias });
  const w = weight !== null ? ' * $weight[j]' : '';
  const b = bias !== null ? ' + $bias[j]' : '';
  rowKernel(
    rt,
    `layerNorm-${weight !== null}-${bias !== null}`,
    MATH,
    `${ROW_START}
  var s = 0.0;
  for (var j = lane; j < cols; j += STEP) { s += $x[o + j]; }
  let mu = reduceSum(s, lane) / f32(cols);
  var v = 0.0;
  for (var j = lane; j < cols; j += STEP) { let d = $x[o + j] - mu; v += d * d; }
  let r = 1.0 / sqrt(reduceSum(v, lane) / f32(cols) + pf(2u));
  for (var j = lane; j < cols; j += STEP) { $out[o + j] = ($x[o + j] - mu) * r${w}${b}; }
  if (lane == 0u) { $mean[row] = mu; $rstd[row] = r; }`,
    operands,
    [rows, cols, f32bits(eps)],
    rows,
  );
}

/**
 * `dx = rstd·(g − mean(g) − x̂·mean(g·x̂))` with `g = dy·weight`; `dweight = Σ dy·x̂`, `dbias = Σ dy`: one
 * dispatch, whose first `rows` items are the rows of `dx` and the next `cols` the columns of `dweight`, `dbias`.
 */
export function layerNormBackward(
  rt: Runtime,
  { dy, x, weight, mean, rstd, dx, dweight, dbias }: LayerNormBackwardInputs<GpuStorage>,
  { rows, cols }: LayerNormAttrs,
): void {
  if (rows * cols === 0) return;
  const operands: Operand[] = [
    { name: 'dy', storage: dy },
    { name: 'x', storage: x },
    { name: 'mean', storage: mean },
    { name: 'rstd', storage: rstd },
    { name: 'dx', storage: dx, write: true },
  ];
  if (weight !== null) operands.push({ name: 'weight', storage: weight });
  if (dweight !== null) operands.push({ name: 'dweight', storage: dweight, write: true });
  if (dbias !== null) operands.push({ name: 'dbias', storage: dbias, write: true });
  const params = dweight !== null || dbias !== null;
  const g = weight !== null ? '$dy[o + j] * $weight[j]' : '$dy[o + j]';
  rowKernel(
    rt,
    `layerNormBackward-${weight !== null}-${dweight !== null}-${dbias !== null}`,
    MATH,
    `let rows = pu(0u); let cols = pu(1u);
  if (row < rows) {
    let o = row * cols;
    let mu = $mean[row]; let r = $rstd[row];
    var sg = 0.0; var sgx = 0.0;
    for (var j = lane; j < cols; j += STEP) {
      let g = ${g};
      sg += g; sgx += g * ($x[o + j] - mu) * r;
    }
    let mg = reduceSum(sg, lane) / f32(cols);
    let mgx = reduceSum(sgx, lane) / f32(cols);
    for (var j = lane; j < cols; j += STEP) {
      let g = ${g};
      let xh = ($x[o + j] - mu) * r;
      $dx[o + j] = r * (g - mg - xh * mgx);
    }
  }${
    params
      ? ` else if (row < rows + cols) {
    let j = row - rows;
    var sw = 0.0; var sb = 0.0;
    for (var i = lane; i < rows; i += STEP) {
      let d = $dy[i * cols + j];
      sw += d * ($x[i * cols + j] - $mean[i]) * $rstd[i];
      sb += d;
    }
    let tw = reduceSum(sw, lane);
    let tb = reduceSum(sb, lane);
    if (lane == 0u) {
      ${dweight !== null ? '$dweight[j] = tw;' : ''}
      ${dbias !== null ? '$dbias[j] = tb;' : ''}
    }
  }`
      : ''
  }`,
    operands,
    [rows, cols],
    params ? rows + cols : rows,
  );
}
