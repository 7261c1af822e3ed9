/**
 * Choosing tokens: topk (`torch.topk` on the last axis, sorted) and multinomial sampling
 * (`torch.multinomial` with replacement), as minGPT's `generate` uses them. Not differentiable.
 */

import { check, formatShape } from '../errors.js';
import { getGenerator, type RandomGenerator } from '../random.js';
import { backendOf, empty, expectDtype, type Tensor } from '../tensor.js';
import { onHost } from './compose.js';

/**
 * The `k` largest values along the last axis, in descending order (ties: lower index first).
 *
 * @param x - A float32 tensor `(…, C)`.
 * @param k - How many, `0 ≤ k ≤ C`.
 * @returns `{ values, indices }`, both `(…, k)`; indices are int32.
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` when `k` is out of range.
 * @example
 * ```ts
 * import { tensor, topk } from '@lxmls/tensor';
 * const { values, indices } = topk(tensor([1, 9, 3, 7]), 2);
 * console.log(values.toArray(), indices.toArray()); // → [ 9, 7 ] [ 1, 3 ]
 * ```
 */
export function topk(x: Tensor, k: number): { values: Tensor; indices: Tensor } {
  const backend = backendOf('topk', x);
  expectDtype('topk', x, 'float32');
  const cols = x.shape[x.shape.length - 1] ?? 1;
  check(
    Number.isInteger(k) && k >= 0 && k <= cols,
    'topk',
    () => 'k is out of range',
    () => `an integer in [0, ${cols}] for shape ${formatShape(x.shape)}`,
    () => String(k),
    'k',
  );
  const rows = cols === 0 ? 0 : x.size / cols;
  const shape = [...x.shape.slice(0, -1), k];
  const values = empty(backend, shape, 'float32'); // (…, k)
  const indices = empty(backend, shape, 'int32'); // (…, k)
  const attrs = { rows, cols, k };
  const s = (t: Tensor) => t.storage('topk');
  if (backend.topk) {
    backend.topk({ x: s(x), values: s(values), indices: s(indices) }, attrs);
  } else {
    const outs = [values, indices].map((t) => ({ storage: s(t), size: t.size, dtype: t.dtype }));
    onHost(backend, [s(x)], outs, (js, [hx], [hv, hi]) => {
      js.topk({ x: hx as Float32Array, values: hv as Float32Array, indices: hi as Int32Array }, attrs);
    });
  }
  return { values, indices };
}

/** Options of {@link multinomial}. */
export interface MultinomialOptions {
  /** The generator to draw the seed from; defaults to the global one. */
  generator?: RandomGenerator;
}

/**
 * Draws `numSamples` indices from each row of non-negative weights (with replacement); rows need not sum to 1.
 *
 * @param probs - A float32 tensor `(C)` or `(N, C)`.
 * @param numSamples - Samples per row; defaults to 1.
 * @param options - `generator`.
 * @returns An int32 tensor `(numSamples)` or `(N, numSamples)`.
 * @example
 * ```ts
 * import { multinomial, tensor } from '@lxmls/tensor';
 * console.log(multinomial(tensor([0, 0, 1, 0]), 3).toArray()); // → [ 2, 2, 2 ]
 * ```
 */
export function multinomial(probs: Tensor, numSamples = 1, options: MultinomialOptions = {}): Tensor {
  const { generator = getGenerator() } = options;
  const backend = backendOf('multinomial', probs);
  expectDtype('multinomial', probs, 'float32', 'probs');
  check(
    probs.shape.length === 1 || probs.shape.length === 2,
    'multinomial',
    () => 'probs must be a vector or a matrix',
    () => '(C) or (N, C)',
    () => formatShape(probs.shape),
    'probs',
  );
  check(
    Number.isInteger(numSamples) && numSamples >= 1,
    'multinomial',
    () => 'numSamples must be a positive integer',
    () => 'an integer ≥ 1',
    () => String(numSamples),
    'numSamples',
  );
  const cols = probs.shape[probs.shape.length - 1]!;
  const rows = probs.shape.length === 2 ? probs.shape[0]! : 1;
  const out = empty(backend, [...probs.shape.slice(0, -1), numSamples], 'int32');
  const attrs = { rows, cols, numSamples, seed: generator.uint32() };
  const s = (t: Tensor) => t.storage('multinomial');
  if (backend.multinomial) {
    backend.multinomial({ probs: s(probs), out: s(out) }, attrs);
  } else {
    const outs = [{ storage: s(out), size: out.size, dtype: out.dtype }];
    onHost(backend, [s(probs)], outs, (js, [hp], [ho]) => {
      js.multinomial({ probs: hp as Float32Array, out: ho as Int32Array }, attrs);
    });
  }
  return out;
}
