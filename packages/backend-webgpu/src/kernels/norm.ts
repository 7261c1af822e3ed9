/**
 * Fused layer normalisation as WGSL kernels: the forward (one workgroup per row: mean, biased variance,
 * normalise, scale and shift, saving `mean` and `rstd`) and the backward (`dx` per row; `dweight` and
 * `dbias` per column, summed over the rows).
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/norm.ts`), PyTorch's LayerNorm: two-pass
 * variance, `weight`/`bias` optional.
 */

import type { LayerNormAttrs, LayerNormBackwardInputs, LayerNormInputs } from '@lxmls/tensor';
import { f32bits, type GpuStorage, type Operand, type Runtime } from '../runtime.js';
import { MATH } from './elementwise.js';
import { ROW } from './softmax.js';

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
  rt.dispatch(
    `layerNorm-${weight !== null}-${bias !== null}`,
    {
      wg: 64,
      decls: MATH + ROW,
      body: `let rows = pu(0u); let cols = pu(1u);
  if (wid >= rows) { return; }
  let o = wid * cols;
  var s = 0.0;
  for (var j = lid; j < cols; j += 64u) { s += $x[o + j]; }
  let mu = reduceSum(s, lid) / f32(cols);
  var v = 0.0;
  for (var j = lid; j < cols; j += 64u) { let d = $x[o + j] - mu; v += d * d; }
  let r = 1.0 / sqrt(reduceSum(v, lid) / f32(cols) + pf(2u));
  for (var j = lid; j < cols; j += 64u) { $out[o + j] = ($x[o + j] - mu) * r${w}${b}; }
  if (lid == 0u) { $mean[wid] = mu; $rstd[wid] = r; }`,
    },
    operands,
    [rows, cols, f32bits(eps)],
    rows,
  );
}

/** `dx = rstd·(g − mean(g) − x̂·mean(g·x̂))` with `g = dy·weight`; `dweight = Σ dy·x̂`, `dbias = Σ dy`. */
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
  const g = weight !== null ? '$dy[o + j] * $weight[j]' : '$dy[o + j]';
  rt.dispatch(
    `layerNormBackward-${weight !== null}`,
    {
      wg: 64,
      decls: MATH + ROW,
      body: `let rows = pu(0u); let cols = pu(1u);
  if (wid >= rows) { return; }
  let o = wid * cols;
  let mu = $mean[wid]; let r = $rstd[wid];
  var sg = 0.0; var sgx = 0.0;
  for (var j = lid; j < cols; j += 64u) {
    let g = ${g};
    sg += g; sgx += g * ($x[o + j] - mu) * r;
  }
  let mg = reduceSum(sg, lid) / f32(cols);
  let mgx = reduceSum(sgx, lid) / f32(cols);
  for (var j = lid; j < cols; j += 64u) {
    let g = ${g};
    let xh = ($x[o + j] - mu) * r;
    $dx[o + j] = r * (g - mg - xh * mgx);
  }`,
    },
    operands,
    [rows, cols],
    rows,
  );
  if (dweight === null && dbias === null) return;
  const coperands: Operand[] = [
    { name: 'dy', storage: dy },
    { name: 'x', storage: x },
    { name: 'mean', storage: mean },
    { name: 'rstd', storage: rstd },
  ];
  if (dweight !== null) coperands.push({ name: 'dweight', storage: dweight, write: true });
  if (dbias !== null) coperands.push({ name: 'dbias', storage: dbias, write: true });
  rt.dispatch(
    `layerNormParams-${dweight !== null}-${dbias !== null}`,
    {
      wg: 64,
      decls: MATH + ROW,
      body: `let rows = pu(0u); let cols = pu(1u);
  if (wid >= cols) { return; }
  let j = wid;
  var sw = 0.0; var sb = 0.0;
  for (var i = lid; i < rows; i += 64u) {
    let d = $dy[i * cols + j];
    sw += d * ($x[i * cols + j] - $mean[i]) * $rstd[i];
    sb += d;
  }
  let tw = reduceSum(sw, lid);
  let tb = reduceSum(sb, lid);
  if (lid == 0u) {
    ${dweight !== null ? '$dweight[j] = tw;' : ''}
    ${dbias !== null ? '$dbias[j] = tb;' : ''}
  }`,
    },
    coperands,
    [rows, cols],
    cols,
  );
}
