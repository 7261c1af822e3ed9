/**
 * Layer normalisation over the last axis, `torch.nn.functional.layer_norm(x, (C,), weight, bias, eps)`:
 * biased variance, eps 1e-5 by default, as in minGPT's `nn.LayerNorm(n_embd)`.
 *
 * Forward per row: μ = mean(x), σ² = mean((x-μ)²), x̂ = (x-μ)/√(σ²+ε), y = x̂·w + b.
 * Backward per row (C = row length, g = dy·w):
 *   dx = (1/√(σ²+ε)) · (g - mean(g) - x̂ · mean(g·x̂)),   dw = Σ_rows dy·x̂,   db = Σ_rows dy.
 * (The two means remove the parts of g that the normalisation takes out: the shift and the scale.)
 *
 * Runs the backend's fused `layerNorm` / `layerNormBackward` kernels when it has them, and otherwise the same
 * formulas composed from core kernels (sums, elementwise arithmetic, sqrt).
 */

import type { Backend } from '../backend.js';
import { formatShape, LxmlsTensorError } from '../errors.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import { composed } from './compose.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';
import { sqrt } from './unary.js';

/** The forward from core kernels on `x2` `(rows, cols)`: `[y (rows, cols), mean (rows, 1), rstd (rows, 1)]`. */
function composeForward(
  x2: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  cols: number,
  eps: number,
): [Tensor, Tensor, Tensor] {
  const mean = div(sum(x2, -1, true), cols); // (rows, 1)
  const centred = sub(x2, mean); // (rows, cols)
  const variance = div(sum(mul(centred, centred), -1, true), cols); // (rows, 1), biased
  const rstd = div(1, sqrt(add(variance, eps))); // (rows, 1)
  let y = mul(centred, rstd); // (rows, cols) x̂
  if (weight) y = mul(y, weight);
  if (bias) y = add(y, bias);
  return [y, mean, rstd];
}

/** The backward from core kernels: `[dx (rows, cols), dweight (cols), dbias (cols)]` (see the header). */
function composeBackward(
  g2: Tensor,
  x2: Tensor,
  weight: Tensor | null,
  mean: Tensor,
  rstd: Tensor,
  cols: number,
): [Tensor, Tensor, Tensor] {
  const xhat = mul(sub(x2, mean), rstd); // (rows, cols)
  const g = weight ? mul(g2, weight) : g2; // (rows, cols) dy·w
  const meanG = div(sum(g, -1, true), cols); // (rows, 1)
  const meanGX = div(sum(mul(g, xhat), -1, true), cols); // (rows, 1)
  const dx = mul(rstd, sub(sub(g, meanG), mul(xhat, meanGX))); // (rows, cols)
  return [dx, sum(mul(g2, xhat), 0), sum(g2, 0)];
}

/** The forward: the fused kernel, or the composition. Returns `y` and the saved `mean`, `rstd` `(rows)`. */
function forward(
  backend: Backend,
  x: Tensor,
  weight: Tensor | null,
  bias: Tensor | null,
  rows: number,
  cols: number,
  eps: number,
): [Tensor, Tensor, Tensor] {
  const s = (t: Tensor | null) => (t ? t.storage('layerNorm') : null);
  if (!backend.layerNorm || x.size === 0) {
    return composed(() => {
      const [y, mean, rstd] = composeForward(reshape(x, [rows, cols]), weight, bias, cols, eps);
      return [reshape(y, x.shape), reshape(mean, [rows]), reshape(rstd, [rows])];
    });
  }
  const y = output(backend, x.shape, 'float32'); // (…, C)
  const mean = output(backend, [rows], 'float32'); // (rows), saved for the backward
  const rstd = output(backend, [rows], 'float32'); // (rows), 1/√(σ²+ε)
  backend.layerNorm(
    { x: s(x)!, weight: s(weight), bias: s(bias), out: s(y)!, mean: s(mean)!, rstd: s(rstd)! },
    { rows, cols, eps },
  );
  return [y, mean, rstd];
}

/**
 * Normalises each vector along the last axis to mean 0 and variance 1, then scales by `weight` and shifts
 * by `bias`.
 *
 * @param x - A float32 tensor `(…, C)`.
 * @param weight - `(C)` or null (ones).
 * @param bias - `(C)` or null (zeros).
 * @param eps - Added to the variance; defaults to 1e-5 (PyTorch).
 * @returns A new tensor `(…, C)`.
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` when weight or bias is not `(C)`.
 * @example
 * ```ts
 * import { layerNorm, tensor } from '@lxmls/tensor';
 * const y = layerNorm(tensor([[1, 2, 3]]), null, null);
 * console.log(Array.from(y.data(), (v) => v.toFixed(4))); // → [ '-1.2247', '0.0000', '1.2247' ]
 * ```
 */
export function layerNorm(
  x: Tensor,
  weight: Tensor | null = null,
  bias: Tensor | null = null,
  eps = 1e-5,
): Tensor {
  const params = [weight, bias].filter((p): p is Tensor => p !== null);
  const backend = backendOf('layerNorm', x, ...params);
  expectDtype('layerNorm', x, 'float32');
  const cols = x.shape[x.shape.length - 1] ?? 1;
  for (const p of params) {
    expectDtype('layerNorm', p, 'float32', 'weight');
    if (p.shape.length !== 1 || p.shape[0] !== cols) {
      throw new LxmlsTensorError('SHAPE_MISMATCH', 'weight and bias must match the last axis', {
        fn: 'layerNorm',
        expected: `(${cols}) for x of shape ${formatShape(x.shape)}`,
        received: formatShape(p.shape),
      });
    }
  }
  const rows = cols === 0 ? 0 : x.size / cols;
  const [y, mean, rstd] = forward(backend, x, weight, bias, rows, cols, eps);
  return record('layerNorm', y, [x, weight, bias], (g, needs) => {
    if (!backend.layerNormBackward || x.size === 0) {
      const col = (t: Tensor) => reshape(t, [rows, 1]);
      const [dx, dw, db] = composeBackward(
        reshape(g, [rows, cols]),
        reshape(x, [rows, cols]),
        weight,
        col(mean),
        col(rstd),
        cols,
      );
      return [needs[0] ? reshape(dx, x.shape) : null, needs[1] ? dw : null, needs[2] ? db : null];
    }
    const s = (t: Tensor | null) => (t ? t.storage('layerNorm') : null);
    const dx = output(backend, x.shape, 'float32');
    const dw = needs[1] ? output(backend, [cols], 'float32') : null;
    const db = needs[2] ? output(backend, [cols], 'float32') : null;
    backend.layerNormBackward(
      {
        dy: s(g)!,
        x: s(x)!,
        weight: s(weight),
        mean: s(mean)!,
        rstd: s(rstd)!,
        dx: s(dx)!,
        dweight: s(dw),
        dbias: s(db),
      },
      { rows, cols, eps },
    );
    return [needs[0] ? dx : null, dw, db];
  });
}
