/**
 * Initialising a GPT's weights: the toolkit's random initialisation (minGPT's `_init_weights` plus the
 * scaled `c_proj` re-draw of GPT-2), and the deterministic LCG initialisation that the golden values of the
 * docs/course-behaviour.md §8 were computed with, so a port can be checked number for number.
 *
 * Follows `lxmls/transformers/model.py` `GPT._init_weights` and the end of `GPT.__init__`.
 */

import { Embedding, initConstant, initNormal, LayerNorm, Linear, type Module } from '@lxmls/nn';
import { getGenerator, noGrad, type RandomGenerator } from '@lxmls/tensor';

/**
 * The toolkit's initialisation: Linear weights ~ N(0, 0.02) with zero biases, Embedding weights ~ N(0, 0.02),
 * LayerNorm weights 1 and biases 0 (visiting children before parents, as `Module.apply`); then every
 * parameter whose name ends in `c_proj.weight` is re-drawn from N(0, 0.02/√(2·nLayer)), per GPT-2.
 *
 * The LxMLS quirk is kept: the exercise attention names its output projection `output_proj`, so there only
 * `mlp.c_proj.weight` gets the scaled draw; with `pretrained: true`, `attn.c_proj.weight` gets it too.
 * The torch random stream itself cannot be reproduced: the values follow the same distributions.
 *
 * @param model - The model (any Module).
 * @param nLayer - The number of blocks (for the scaled std).
 * @param generator - The random source; defaults to the global one.
 * @returns The model.
 * @remarks Python: `GPT._init_weights` and the `c_proj.weight` loop of `GPT.__init__`.
 * @example
 * ```ts
 * import { initGPTWeights } from '@lxmls/gpt';
 * import { LayerNorm } from '@lxmls/nn';
 * const ln = initGPTWeights(new LayerNorm(2), 1);
 * console.log(ln.weight.toArray(), ln.bias.toArray()); // → [ 1, 1 ] [ 0, 0 ]
 * ```
 */
export function initGPTWeights<M extends Module>(
  model: M,
  nLayer: number,
  generator: RandomGenerator = getGenerator(),
): M {
  model.apply((module) => {
    if (module instanceof Linear) {
      initNormal(module.weight, 0.02, 0, generator);
      if (module.bias) initConstant(module.bias, 0);
    } else if (module instanceof Embedding) {
      initNormal(module.weight, 0.02, 0, generator);
    } else if (module instanceof LayerNorm) {
      initConstant(module.bias, 0);
      initConstant(module.weight, 1);
    }
  });
  // apply a special scaled init to the residual projections, per GPT-2 paper
  for (const [name, p] of model.namedParameters()) {
    if (name.endsWith('c_proj.weight')) initNormal(p, 0.02 / Math.sqrt(2 * nLayer), 0, generator);
  }
  return model;
}

/**
 * The deterministic initialisation of docs/course-behaviour.md §8: one linear congruential stream
 * (`state₀ = 12345`, `state = (1664525·state + 1013904223) mod 2³²`, `v = 2·state/2³² − 1`) walks every
 * parameter in `namedParameters()` order, element by element in row-major order, continuing across
 * parameters. Each value is computed in float64, then rounded to float32:
 *
 * - `0.1·v` for a parameter with 2 or more axes;
 * - `0.01·v` for a 1-D parameter whose name ends in `bias`;
 * - `1 + 0.1·v` for any other 1-D parameter (in a GPT these are exactly the LayerNorm weights).
 *
 * Buffers (such as the causal-mask `bias` buffers) are not parameters: they neither change nor draw from
 * the stream.
 *
 * @param model - The model (any Module).
 * @returns The model.
 * @example
 * ```ts
 * import { lcgInit } from '@lxmls/gpt';
 * import { Linear } from '@lxmls/nn';
 * const fc = lcgInit(new Linear(2, 1));
 * console.log(Array.from(fc.weight.data(), (v) => v.toFixed(6)), fc.bias?.data()[0]?.toFixed(6)); // → [ '-0.095919', '-0.096690' ] 0.000863
 * ```
 */
export function lcgInit<M extends Module>(model: M): M {
  let state = 12345;
  const next = () => {
    state = (Math.imul(1664525, state) + 1013904223) >>> 0;
    return (2 * state) / 2 ** 32 - 1; // v in [-1, 1)
  };
  noGrad(() => {
    for (const [name, p] of model.namedParameters()) {
      const value =
        p.shape.length >= 2
          ? (v: number) => 0.1 * v
          : name.endsWith('bias')
            ? (v: number) => 0.01 * v
            : (v: number) => 1 + 0.1 * v;
      const data = new Float32Array(p.size); // float64 arithmetic, rounded to float32 on store
      for (let i = 0; i < data.length; i++) data[i] = value(next());
      p.copyFrom(data);
    }
  });
  return model;
}
