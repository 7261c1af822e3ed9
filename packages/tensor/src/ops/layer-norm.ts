/**
 * Layer normalisation over the last axis, `torch.nn.functional.layer_norm(x, (C,), weight, bias, eps)`:
 * biased variance, eps 1e-5 by default, as in minGPT's `nn.LayerNorm(n_embd)`.
 *
 * Forward per row: μ = mean(x), σ² = mean((x-μ)²), x̂ = (x-μ)/√(σ²+ε), y = x̂·w + b.
 * Backward per row (C = row length, g = dy·w):
 *   dx = (1/√(σ²+ε)) · (g - mean(g) - x̂ · mean(g·x̂)),   dw = Σ_rows dy·x̂,   db = Σ_rows dy.
 * (The two means remove the parts of g that the normalisation takes out: the shift and the scale.)
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';

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
  const y = output(backend, x.shape, 'float32'); // (…, C)
  const mean = output(backend, [rows], 'float32'); // (rows), saved for the backward
  const rstd = output(backend, [rows], 'float32'); // (rows), 1/√(σ²+ε)
  const s = (t: Tensor | null) => (t ? t.storage('layerNorm') : null);
  backend.layerNorm(
    x.storage('layerNorm'),
    s(weight),
    s(bias),
    y.storage('layerNorm'),
    s(mean),
    s(rstd),
    rows,
    cols,
    eps,
  );
  return record('layerNorm', y, [x, weight, bias], (g, needs) => {
    const dx = output(backend, x.shape, 'float32');
    const dw = needs[1] ? output(backend, [cols], 'float32') : null;
    const db = needs[2] ? output(backend, [cols], 'float32') : null;
    backend.layerNormBackward(
      g.storage('layerNorm'),
      x.storage('layerNorm'),
      s(weight),
      s(mean),
      s(rstd),
      dx.storage('layerNorm'),
      s(dw),
      s(db),
      rows,
      cols,
    );
    return [needs[0] ? dx : null, dw, db];
  });
}
