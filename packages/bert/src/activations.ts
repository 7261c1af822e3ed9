/**
 * The exact GELU, `x · Φ(x) = x · ½ (1 + erf(x / √2))`, which BERT uses (`hidden_act: "gelu"`), as opposed to
 * the tanh approximation of GPT-2 (`NewGELU`, @lxmls/tensor's `gelu`). The two differ by up to 1e-3 — enough to
 * break parity with Hugging Face at 1e-4 after a few layers.
 *
 * @lxmls/tensor has no erf kernel, so Φ is composed from exp, mul, add and div, which keeps gradients exact
 * through the tape: erfc(z) for z ≥ 0 is the Chebyshev fit of Numerical Recipes (`erfcc`, relative error below
 * 1.2e-7 everywhere), and the sign of x (whose derivative is 0) is taken off the tape. Measured against a
 * float64 erf, the error of the result on [-10, 10] is below 3e-7 · max(1, |GELU(x)|) (float32 rounding
 * included), and the left tail (x < 0, where GELU is tiny) keeps a relative error below 1e-5.
 */

import {
  add,
  div,
  exp,
  maximum,
  mul,
  neg,
  noGrad,
  relu,
  sub,
  type Tensor,
  gelu as tanhGelu,
} from '@lxmls/tensor';
import type { BertActivation } from './config.js';

/** Coefficients of `erfc(z) ≈ t · exp(−z² + P(t))`, `t = 1 / (1 + z/2)`, lowest degree first. */
const ERFC = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587,
  -0.82215223, 0.17087277,
];

/**
 * The exact (erf) GELU, elementwise, with gradients.
 *
 * @param x - A float32 tensor.
 * @returns `x · ½ (1 + erf(x/√2))`, same shape.
 * @remarks Python: `torch.nn.functional.gelu(x)` (approximate='none'), Hugging Face's `GELUActivation`.
 * @example
 * ```ts
 * import { geluErf } from '@lxmls/bert';
 * import { gelu, tensor } from '@lxmls/tensor';
 * const x = tensor([-3, -1, 0, 1, 3]);
 * console.log(Array.from(geluErf(x).data(), (v) => v.toFixed(6))); // → [ '-0.004050', '-0.158655', '0.000000', '0.841345', '2.995950' ]
 * console.log(Array.from(gelu(x).data(), (v) => v.toFixed(6))); // → [ '-0.003637', '-0.158808', '0.000000', '0.841192', '2.996363' ]
 * ```
 */
export function geluErf(x: Tensor): Tensor {
  // sign(x) ∈ {−1, 0, 1} as a constant: d sign/dx = 0 almost everywhere, so it stays off the tape.
  const sign = noGrad(() => div(x, maximum(maximum(x, neg(x)), 1e-30))); // (…)
  const z = mul(mul(x, sign), Math.SQRT1_2); // (…), |x|/√2 ≥ 0
  const t = div(1, add(mul(z, 0.5), 1)); // (…), in (0, 1]
  let poly = mul(t, ERFC[ERFC.length - 1]!); // Horner, highest degree first
  for (let i = ERFC.length - 2; i >= 1; i--) poly = mul(add(poly, ERFC[i]!), t);
  poly = add(poly, ERFC[0]!); // (…), P(t)
  const erfc = mul(t, exp(sub(poly, mul(z, z)))); // (…), erfc(|x|/√2)
  // Φ(x) = 1 − ½ erfc(|x|/√2) for x > 0, ½ erfc(|x|/√2) for x < 0, ½ at 0: no cancellation in the left tail.
  const step = add(mul(sign, 0.5), 0.5); // (…), 1, ½ or 0 (a constant, like sign)
  const cdf = sub(step, mul(mul(sign, erfc), 0.5)); // (…), Φ(x)
  return mul(x, cdf); // (…)
}

/**
 * The feed-forward activation named by a config's `hidden_act`.
 *
 * @param name - `gelu` (exact, {@link geluErf}), `gelu_new` or `gelu_pytorch_tanh` (tanh form), `relu`.
 * @returns The function.
 * @remarks Python: `transformers.activations.ACT2FN[name]`.
 * @example
 * ```ts
 * import { activation } from '@lxmls/bert';
 * import { tensor } from '@lxmls/tensor';
 * console.log(activation('relu')(tensor([-1, 2])).toArray()); // → [ 0, 2 ]
 * ```
 */
export function activation(name: BertActivation): (x: Tensor) => Tensor {
  switch (name) {
    case 'gelu':
      return geluErf;
    case 'gelu_new':
    case 'gelu_pytorch_tanh':
      return tanhGelu;
    case 'relu':
      return relu;
  }
}
