/**
 * The conformance cases of @lxmls/tensor: every kernel of the Backend interface reached through the public
 * ops, each applied to seeded random inputs ({@link makeInput}). Free of any test runner, so a browser page
 * can load it (`@lxmls/tensor/conformance`); `conformance.ts` runs the cases, `index.ts` registers them with
 * vitest.
 */

import type { DType, TypedArray } from '../backend.js';
import * as ops from '../ops/index.js';
import { RandomGenerator } from '../random.js';
import { sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** How to draw one input of a case. */
export interface InputSpec {
  /** The shape. */
  shape: number[];
  /**
   * `normal` (default): N(0, 1); `positive`: in [0.5, 2]; `distinct`: a shuffled grid with gaps of 0.1 (no
   * ties, far from kinks); `nonzero`: |x| ≥ 0.2; `int`: int32 in `[0, high)`; `targets`: int32 in `[0, high)`
   * with the first one set to -1 (ignored); `mask`: int32 0 or 1.
   */
  kind?: 'normal' | 'positive' | 'distinct' | 'nonzero' | 'int' | 'targets' | 'mask';
  /** Upper bound of `int` and `targets`. */
  high?: number;
}

/** One conformance case: an op applied to seeded random inputs. */
export interface ConformanceCase {
  /** The test name, starting with the call, e.g. `matmul(a, b, { transposeB })`. */
  name: string;
  /** The inputs. */
  inputs: InputSpec[];
  /** The op, written with the public functions. */
  fn: (xs: Tensor[]) => Tensor;
  /** Check gradients (default true; false for non-differentiable ops). */
  grad?: boolean;
}

const T = (shape: number[], kind?: InputSpec['kind'], high?: number): InputSpec => ({
  shape,
  ...(kind ? { kind } : {}),
  ...(high ? { high } : {}),
});

/**
 * The cases every backend must pass; together they reach every kernel of the Backend interface.
 *
 * @example
 * ```ts
 * import { CONFORMANCE_CASES } from '@lxmls/tensor/conformance';
 * console.log(CONFORMANCE_CASES.some((c) => c.name.startsWith('matmul'))); // → true
 * ```
 */
export const CONFORMANCE_CASES: ConformanceCase[] = [
  {
    name: 'add(a, b) broadcasting (2, 3) + (3)',
    inputs: [T([2, 3]), T([3])],
    fn: ([a, b]) => ops.add(a!, b!),
  },
  {
    name: 'sub(a, b) broadcasting (2, 1) - (1, 3)',
    inputs: [T([2, 1]), T([1, 3])],
    fn: ([a, b]) => ops.sub(a!, b!),
  },
  { name: 'mul(a, b) same shape', inputs: [T([2, 3]), T([2, 3])], fn: ([a, b]) => ops.mul(a!, b!) },
  { name: 'mul(a, 2.5) with a number', inputs: [T([4])], fn: ([a]) => ops.mul(a!, 2.5) },
  {
    name: 'div(a, b) broadcasting',
    inputs: [T([2, 3]), T([3], 'positive')],
    fn: ([a, b]) => ops.div(a!, b!),
  },
  {
    name: 'pow(a, b) tensor exponent',
    inputs: [T([2, 3], 'positive'), T([2, 3])],
    fn: ([a, b]) => ops.pow(a!, b!),
  },
  { name: 'pow(a, 3)', inputs: [T([5])], fn: ([a]) => ops.pow(a!, 3) },
  {
    name: 'maximum(a, b)',
    inputs: [T([2, 3], 'distinct'), T([2, 3], 'distinct')],
    fn: ([a, b]) => ops.maximum(a!, b!),
  },
  { name: 'neg(x)', inputs: [T([2, 3])], fn: ([x]) => ops.neg(x!) },
  { name: 'exp(x)', inputs: [T([2, 3])], fn: ([x]) => ops.exp(x!) },
  { name: 'log(x)', inputs: [T([2, 3], 'positive')], fn: ([x]) => ops.log(x!) },
  { name: 'tanh(x)', inputs: [T([2, 3])], fn: ([x]) => ops.tanh(x!) },
  { name: 'sqrt(x)', inputs: [T([2, 3], 'positive')], fn: ([x]) => ops.sqrt(x!) },
  { name: 'relu(x)', inputs: [T([2, 3], 'nonzero')], fn: ([x]) => ops.relu(x!) },
  { name: 'matmul(a, b)', inputs: [T([2, 3]), T([3, 4])], fn: ([a, b]) => ops.matmul(a!, b!) },
  {
    name: 'matmul(a, b, { transposeA })',
    inputs: [T([3, 2]), T([3, 4])],
    fn: ([a, b]) => ops.matmul(a!, b!, { transposeA: true }),
  },
  {
    name: 'matmul(a, b, { transposeB })',
    inputs: [T([2, 3]), T([4, 3])],
    fn: ([a, b]) => ops.matmul(a!, b!, { transposeB: true }),
  },
  {
    name: 'matmul(a, b, { transposeA, transposeB })',
    inputs: [T([3, 2]), T([4, 3])],
    fn: ([a, b]) => ops.matmul(a!, b!, { transposeA: true, transposeB: true }),
  },
  {
    name: 'matmul(a, b) batched (2, 2, 3) @ (2, 3, 4)',
    inputs: [T([2, 2, 3]), T([2, 3, 4])],
    fn: ([a, b]) => ops.matmul(a!, b!),
  },
  {
    name: 'matmul(x, w) shared weight (2, 3, 4) @ (4, 5)',
    inputs: [T([2, 3, 4]), T([4, 5])],
    fn: ([a, b]) => ops.matmul(a!, b!),
  },
  {
    name: 'matmul(x, w, { transposeB }) shared weight',
    inputs: [T([2, 3, 4]), T([5, 4])],
    fn: ([a, b]) => ops.matmul(a!, b!, { transposeB: true }),
  },
  {
    name: 'matmul(a, b) batch of 1 on the left',
    inputs: [T([3, 4]), T([2, 4, 5])],
    fn: ([a, b]) => ops.matmul(a!, b!),
  },
  {
    name: 'matmul(q, k, { transposeB }) attention scores (2, 2, 3, 4)',
    inputs: [T([2, 2, 3, 4]), T([2, 2, 3, 4])],
    fn: ([q, k]) => ops.matmul(q!, k!, { transposeB: true }),
  },
  { name: 'sum(x) over everything', inputs: [T([2, 3, 4])], fn: ([x]) => ops.sum(x!) },
  { name: 'sum(x, [0, 2], true)', inputs: [T([2, 3, 4])], fn: ([x]) => ops.sum(x!, [0, 2], true) },
  { name: 'mean(x, -1)', inputs: [T([3, 4])], fn: ([x]) => ops.mean(x!, -1) },
  { name: 'max(x, 1)', inputs: [T([2, 4, 3], 'distinct')], fn: ([x]) => ops.max(x!, 1) },
  { name: 'softmax(x)', inputs: [T([3, 5])], fn: ([x]) => ops.softmax(x!) },
  { name: 'softmax(x, 0)', inputs: [T([3, 4])], fn: ([x]) => ops.softmax(x!, 0) },
  { name: 'logSoftmax(x)', inputs: [T([3, 5])], fn: ([x]) => ops.logSoftmax(x!) },
  {
    name: 'layerNorm(x, weight, bias)',
    inputs: [T([2, 3, 6]), T([6]), T([6])],
    fn: ([x, w, b]) => ops.layerNorm(x!, w!, b!),
  },
  { name: 'layerNorm(x) without affine', inputs: [T([4, 5])], fn: ([x]) => ops.layerNorm(x!) },
  { name: 'gelu(x)', inputs: [T([3, 4])], fn: ([x]) => ops.gelu(x!) },
  {
    name: 'gather(table, ids) with repeated ids',
    inputs: [T([5, 3]), T([2, 4], 'int', 5)],
    fn: ([t, i]) => ops.gather(t!, i!),
  },
  {
    name: 'crossEntropy(logits, targets) with an ignored target',
    inputs: [T([6, 5]), T([6], 'targets', 5)],
    fn: ([l, t]) => ops.crossEntropy(l!, t!),
  },
  {
    name: 'crossEntropy(logits, targets) on (B, T, V)',
    inputs: [T([2, 3, 4]), T([2, 3], 'int', 4)],
    fn: ([l, t]) => ops.crossEntropy(l!, t!),
  },
  {
    name: 'maskedFill(x, mask, -5) with a broadcast mask',
    inputs: [T([2, 3, 3]), T([3, 3], 'mask')],
    fn: ([x, m]) => ops.maskedFill(x!, m!, -5),
  },
  {
    name: 'maskedFill(x, 1 - mask, -inf) with a float32 causal-style mask (1, 1, 5, 5)',
    inputs: [T([2, 3, 5, 5]), T([1, 1, 5, 5], 'mask')],
    fn: ([x, m]) => ops.maskedFill(x!, ops.sub(1, ops.cast(m!, 'float32')), Number.NEGATIVE_INFINITY),
    grad: false,
  },
  { name: 'permute(x, [2, 0, 1])', inputs: [T([2, 3, 4])], fn: ([x]) => ops.permute(x!, [2, 0, 1]) },
  { name: 'transpose(x, 1, 2)', inputs: [T([2, 3, 4])], fn: ([x]) => ops.transpose(x!, 1, 2) },
  { name: 'reshape(x, [4, -1])', inputs: [T([2, 3, 4])], fn: ([x]) => ops.reshape(x!, [4, -1]) },
  {
    name: 'slice(x, [1, 0, 1], [1, -1, 2])',
    inputs: [T([2, 3, 4])],
    fn: ([x]) => ops.slice(x!, [1, 0, 1], [1, -1, 2]),
  },
  {
    name: 'concat([a, b], 1)',
    inputs: [T([2, 1, 3]), T([2, 2, 3])],
    fn: ([a, b]) => ops.concat([a!, b!], 1),
  },
  { name: 'split(x, [1, 3], -1)[1]', inputs: [T([2, 4])], fn: ([x]) => ops.split(x!, [1, 3], -1)[1]! },
  { name: 'broadcastTo(x, [2, 3, 4])', inputs: [T([3, 1])], fn: ([x]) => ops.broadcastTo(x!, [2, 3, 4]) },
  {
    name: 'dropout(x, 0.1) (5, 37): SIMD lanes and a scalar tail',
    inputs: [T([5, 37])],
    fn: ([x]) => ops.dropout(x!, 0.1, { generator: new RandomGenerator(9) }),
  },
  {
    name: 'dropout(x, 0.3) with a seeded generator',
    inputs: [T([4, 8])],
    fn: ([x]) => ops.dropout(x!, 0.3, { generator: new RandomGenerator(5) }),
  },
  {
    name: 'scaledDotProductAttention(q, k, v, { causal: true }) (2, 2, 4, 3)',
    inputs: [T([2, 2, 4, 3]), T([2, 2, 4, 3]), T([2, 2, 4, 3])],
    fn: ([q, k, v]) => ops.scaledDotProductAttention(q!, k!, v!, { causal: true }),
  },
  {
    name: 'scaledDotProductAttention(q, k, v) cross-attention Tq 2, Tk 5',
    inputs: [T([3, 2, 4]), T([3, 5, 4]), T([3, 5, 4])],
    fn: ([q, k, v]) => ops.scaledDotProductAttention(q!, k!, v!, { scale: 0.7 }),
  },
  {
    name: 'scaledDotProductAttention(q, k, v, { causal: true }) with Tq < Tk (a KV cache)',
    inputs: [T([1, 2, 3]), T([1, 4, 3]), T([1, 4, 3])],
    fn: ([q, k, v]) => ops.scaledDotProductAttention(q!, k!, v!, { causal: true }),
  },
  {
    name: 'selfAttention(qkv, 2, { causal: true }) (2, 4, 3·2·3)',
    inputs: [T([2, 4, 18])],
    fn: ([qkv]) => ops.selfAttention(qkv!, 2, { causal: true }),
  },
  {
    name: 'selfAttention([q, k, v], 2, { causal: true }) three (2, 5, 2·3) projections',
    inputs: [T([2, 5, 6]), T([2, 5, 6]), T([2, 5, 6])],
    fn: ([q, k, v]) => ops.selfAttention([q!, k!, v!], 2, { causal: true }),
  },
  {
    name: 'selfAttention([q, k, v], 2, { causal: true, dropout: 0.25 }) with a seeded generator',
    inputs: [T([2, 5, 6]), T([2, 5, 6]), T([2, 5, 6])],
    fn: ([q, k, v]) =>
      ops.selfAttention([q!, k!, v!], 2, { causal: true, dropout: 0.25, generator: new RandomGenerator(4) }),
  },
  {
    name: 'selfAttention(qkv, 2, { causal: true, dropout: 0.25 }) packed, with a seeded generator',
    inputs: [T([2, 5, 18])],
    fn: ([qkv]) =>
      ops.selfAttention(qkv!, 2, { causal: true, dropout: 0.25, generator: new RandomGenerator(4) }),
  },
  {
    name: 'selfAttention([q, k, v], 3) three (1, 4, 3·4) projections, not causal',
    inputs: [T([1, 4, 12]), T([1, 4, 12]), T([1, 4, 12])],
    fn: ([q, k, v]) => ops.selfAttention([q!, k!, v!], 3),
  },
  {
    name: 'scaledDotProductAttention(q, k, v, { causal: true, dropout: 0.25 }) Tq 3 < Tk 5, a seeded generator',
    inputs: [T([2, 3, 3, 4]), T([2, 3, 5, 4]), T([2, 3, 5, 4])],
    fn: ([q, k, v]) =>
      ops.scaledDotProductAttention(q!, k!, v!, {
        causal: true,
        dropout: 0.25,
        generator: new RandomGenerator(7),
      }),
  },
  {
    name: 'scaledDotProductAttention(q, k, v, { dropout: 0.25 }) cross-attention Tq 4, Tk 2, not causal',
    inputs: [T([3, 4, 5]), T([3, 2, 5]), T([3, 2, 5])],
    fn: ([q, k, v]) =>
      ops.scaledDotProductAttention(q!, k!, v!, { dropout: 0.25, generator: new RandomGenerator(8) }),
  },
  {
    name: 'selfAttention(qkv, 3, { dropout: 0.25 }) packed (2, 4, 3·3·2), not causal',
    inputs: [T([2, 4, 18])],
    fn: ([qkv]) => ops.selfAttention(qkv!, 3, { dropout: 0.25, generator: new RandomGenerator(9) }),
  },
  {
    name: 'linear(x, weight, bias) (2, 3, 5) with weight (7, 5)',
    inputs: [T([2, 3, 5]), T([7, 5]), T([7])],
    fn: ([x, w, b]) => ops.linear(x!, w!, b!),
  },
  {
    name: 'linear(x, weight, bias) (5, 20) with weight (18, 20): full and partial panels of 16',
    inputs: [T([5, 20]), T([18, 20]), T([18])],
    fn: ([x, w, b]) => ops.linear(x!, w!, b!),
  },
  {
    name: 'linear(x, weight) without bias, one row (1, 9) with weight (21, 9)',
    inputs: [T([1, 9]), T([21, 9])],
    fn: ([x, w]) => ops.linear(x!, w!),
  },
  {
    name: "linear(x, weight, bias, { activation: 'gelu' }) (2, 3, 5) with weight (9, 5): GELU fused",
    inputs: [T([2, 3, 5]), T([9, 5]), T([9])],
    // x halved: pre-activations near GELU's unit scale, where float32 finite differences are accurate
    fn: ([x, w, b]) => ops.linear(ops.mul(x!, 0.5), w!, b!, { activation: 'gelu' }),
  },
  {
    name: "linear(x, weight, { activation: 'gelu' }) without bias (4, 9) with weight (6, 9)",
    inputs: [T([4, 9]), T([6, 9])],
    fn: ([x, w]) => ops.linear(ops.mul(x!, 0.4), w!, null, { activation: 'gelu' }),
  },
  {
    name: 'linear(x, weight, bias, { residual }) (2, 3, 5) with weight (7, 5): the residual in the epilogue',
    inputs: [T([2, 3, 5]), T([7, 5]), T([7]), T([2, 3, 7])],
    fn: ([x, w, b, r]) => ops.linear(x!, w!, b!, { residual: r! }),
  },
  {
    name: 'linear(x, weight, { residual }) without bias (4, 9) with weight (6, 9)',
    inputs: [T([4, 9]), T([6, 9]), T([4, 6])],
    fn: ([x, w, r]) => ops.linear(x!, w!, null, { residual: r! }),
  },
  {
    name: 'linear(x, weight, bias) one row (1, 37) with weight (6, 37): the GEMV path',
    inputs: [T([1, 37]), T([6, 37]), T([6])],
    fn: ([x, w, b]) => ops.linear(x!, w!, b!),
  },
  {
    name: 'matmul(x, w, { transposeB }) one row (1, 1, 35) @ (5, 35)ᵀ',
    inputs: [T([1, 1, 35]), T([5, 35])],
    fn: ([x, w]) => ops.matmul(x!, w!, { transposeB: true }),
  },
  {
    name: 'selfAttention(qkv, 2, { causal: true }) (2, 7, 3·2·8), head size a multiple of 4',
    inputs: [T([2, 7, 48])],
    fn: ([qkv]) => ops.selfAttention(qkv!, 2, { causal: true }),
  },
  {
    name: 'selfAttention(qkv, 1) (1, 6, 3·1·4), not causal',
    inputs: [T([1, 6, 12])],
    fn: ([qkv]) => ops.selfAttention(qkv!, 1),
  },
  {
    name: 'selfAttention(qkv, 3, { scale: 0.6 }) (1, 5, 3·3·2)',
    inputs: [T([1, 5, 18])],
    fn: ([qkv]) => ops.selfAttention(qkv!, 3, { scale: 0.6 }),
  },
  { name: 'clone(x)', inputs: [T([3])], fn: ([x]) => ops.clone(x!) },
  { name: 'argmax(x, 1)', inputs: [T([3, 5, 2])], fn: ([x]) => ops.argmax(x!, 1), grad: false },
  { name: 'argmax(x)', inputs: [T([3, 5])], fn: ([x]) => ops.argmax(x!), grad: false },
  { name: 'topk(x, 3).values', inputs: [T([2, 6])], fn: ([x]) => ops.topk(x!, 3).values, grad: false },
  { name: 'topk(x, 3).indices', inputs: [T([2, 6])], fn: ([x]) => ops.topk(x!, 3).indices, grad: false },
  {
    name: 'multinomial(probs, 8) with a seeded generator',
    inputs: [T([3, 5], 'positive')],
    fn: ([p]) => ops.multinomial(p!, 8, { generator: new RandomGenerator(9) }),
    grad: false,
  },
  { name: 'cast(x, "int32")', inputs: [T([6])], fn: ([x]) => ops.cast(ops.mul(x!, 3), 'int32'), grad: false },
  {
    name: 'softmax(x) of ±1000 has no NaN',
    inputs: [T([2, 3])],
    fn: ([x]) =>
      ops.softmax(
        ops.add(
          ops.mul(x!, 0),
          ops.tensor([
            [1000, -1000, 0],
            [100, -100, 100],
          ]),
        ),
      ),
    grad: false,
  },
  {
    name: 'adamwUpdate(p, g, m, v) three steps',
    inputs: [T([7]), T([7]), T([7])],
    fn: ([p0, g, m0]) => {
      const p = ops.clone(p0!);
      const m = ops.mul(m0!, 0.1);
      const v = ops.mul(ops.mul(m0!, m0!), 0.01);
      for (let step = 1; step <= 3; step++) {
        adamwStep(p, g!, m, v, step);
      }
      return ops.concat([p, m, v]);
    },
    grad: false,
  },
  {
    name: 'adamwUpdateMulti(three parameters, two groups) three steps',
    inputs: [T([7]), T([2, 3]), T([5]), T([7]), T([2, 3]), T([5])],
    fn: ([p0, q0, r0, gp, gq, gr]) => {
      const params = [p0!, q0!, r0!].map((t) => ops.clone(t));
      const grads = [gp!, gq!, gr!];
      const m = grads.map((g) => ops.mul(g, 0.1));
      const v = grads.map((g) => ops.mul(ops.mul(g, g), 0.01));
      for (let step = 1; step <= 3; step++) {
        ops.adamwUpdateMulti(
          params.map((param, i) => ({
            param,
            grad: grads[i]!,
            m: m[i]!,
            v: v[i]!,
            lr: i === 1 ? 0.02 : 0.05,
            weightDecay: i === 1 ? 0 : 0.1,
            step: step + i,
          })),
          { beta1: 0.9, beta2: 0.95, eps: 1e-8 },
        );
      }
      return ops.concat([...params, ...m, ...v].map((t) => ops.reshape(t, [-1])));
    },
    grad: false,
  },
  {
    name: 'clipByNorm(x, 1) scales, clipByNorm(x, 1e4) does not; their norms',
    inputs: [T([700])],
    fn: ([x]) => {
      const [scaled, norm] = ops.clipByNorm(x!, 1); // (700,), ()
      const [kept, norm2] = ops.clipByNorm(x!, 1e4); // (700,), ()
      return ops.concat([scaled, kept, ops.reshape(norm, [1]), ops.reshape(norm2, [1])]);
    },
    grad: false,
  },
];

function adamwStep(p: Tensor, g: Tensor, m: Tensor, v: Tensor, step: number): void {
  ops.adamwUpdate(p, g, m, v, { lr: 0.05, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, step });
}

/** One drawn input: what `tensor(values, shape, dtype)` takes. */
export interface InputData {
  /** The shape. */
  shape: number[];
  /** `int32` for the `int`, `targets` and `mask` kinds, else `float32`. */
  dtype: DType;
  /** The elements, row-major. */
  values: TypedArray;
}

/**
 * Draws one input of a case from `rng`, as {@link InputSpec.kind} describes. The conformance checks draw the
 * inputs of the case at position `i` of the list from `new RandomGenerator(1000 + i)`, in order.
 *
 * @param spec - The shape and kind.
 * @param rng - The generator to draw from (advanced).
 * @returns The shape, dtype and elements.
 * @example
 * ```ts
 * import { RandomGenerator } from '@lxmls/tensor';
 * import { makeInput } from '@lxmls/tensor/conformance';
 * const mask = makeInput({ shape: [2, 3], kind: 'mask' }, new RandomGenerator(1));
 * console.log(mask.dtype, mask.values.every((v) => v === 0 || v === 1)); // → int32 true
 * ```
 */
export function makeInput(spec: InputSpec, rng: RandomGenerator): InputData {
  const n = sizeOf(spec.shape);
  const kind = spec.kind ?? 'normal';
  const high = spec.high ?? 2;
  if (kind === 'int' || kind === 'targets' || kind === 'mask') {
    const values = new Int32Array(n);
    for (let i = 0; i < n; i++) values[i] = kind === 'mask' ? rng.uint32() % 2 : rng.uint32() % high;
    if (kind === 'targets' && n > 0) values[0] = -1;
    return { shape: spec.shape, dtype: 'int32', values };
  }
  const values = new Float32Array(n);
  if (kind === 'distinct') {
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = rng.uint32() % (i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let i = 0; i < n; i++) values[i] = (order[i]! - n / 2) * 0.1 + 0.013;
  } else {
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      values[i] =
        kind === 'positive'
          ? 0.5 + 1.5 * rng.float()
          : kind === 'nonzero'
            ? Math.sign(z) * (0.2 + Math.abs(z))
            : z;
    }
  }
  return { shape: spec.shape, dtype: 'float32', values };
}
