// The linear op's fused paths: a backend with the optional `linear` and `linearBackward` kernels (here js with
// both, written with its own matmul and reduce) gets one linearBackward call per backward, with only the
// gradients needed, and the values of the composed path.
import { expect, test } from 'vitest';
import type {
  LinearAttrs,
  LinearBackwardInputs,
  LinearGeluInputs,
  LinearInputs,
  LinearResidualInputs,
} from '../backend.js';
import { JsBackend } from '../backends/js.js';
import { RandomGenerator } from '../random.js';
import { withBackend } from '../registry.js';
import * as ops from './index.js';

/** js with `linear` and `linearBackward`, recording which gradients each backward call wrote. */
class WithLinear extends JsBackend {
  override readonly name: string = 'js-linear';
  readonly backwards: string[] = [];
  linear(
    { x, weight, bias, out }: LinearInputs<Float32Array>,
    { rows, inFeatures, outFeatures }: LinearAttrs,
  ): void {
    this.matmul(
      { a: x, b: weight, out },
      { batchA: 1, batchB: 1, m: rows, k: inFeatures, n: outFeatures, transA: false, transB: true },
    );
    if (bias)
      for (let r = 0; r < rows; r++)
        for (let j = 0; j < outFeatures; j++) out[r * outFeatures + j]! += bias[j]!;
  }
  linearBackward(
    inputs: LinearBackwardInputs<Float32Array>,
    { rows, inFeatures, outFeatures }: LinearAttrs,
  ): void {
    const { dy, x, weight, dx, dweight, dbias } = inputs;
    this.backwards.push([dx && 'dx', dweight && 'dweight', dbias && 'dbias'].filter(Boolean).join(','));
    const mm = { batchA: 1, batchB: 1, transB: false };
    if (dx)
      this.matmul(
        { a: dy, b: weight, out: dx },
        { ...mm, m: rows, k: outFeatures, n: inFeatures, transA: false },
      );
    if (dweight)
      this.matmul(
        { a: dy, b: x, out: dweight },
        { ...mm, m: outFeatures, k: rows, n: inFeatures, transA: true },
      );
    if (dbias) this.reduce({ x: dy, out: dbias }, { op: 'sum', shape: [rows, outFeatures], axes: [0] });
  }
}

/** linear on seeded (2, 3, 4) inputs, 5 outputs; the output and the gradients of the inputs that need one. */
function run(backend: JsBackend, withBias: boolean, xNeedsGrad: boolean) {
  return withBackend(backend, () => {
    const rng = new RandomGenerator(3);
    const x = ops.randn([2, 3, 4], rng);
    const w = ops.randn([5, 4], rng);
    const b = withBias ? ops.randn([5], rng) : null;
    x.requiresGrad = xNeedsGrad;
    w.requiresGrad = true;
    if (b) b.requiresGrad = true;
    const y = ops.linear(x, w, b); // (2, 3, 5)
    ops
      .mul(y, ops.randn([2, 3, 5], rng))
      .sum()
      .backward();
    return [y, x.grad, w.grad, b?.grad].map((t) =>
      t ? Array.from(t.data()).map((v) => v.toFixed(5)) : null,
    );
  });
}

test.each([
  [true, true, 'dx,dweight,dbias'],
  [false, true, 'dx,dweight'],
  [true, false, 'dweight,dbias'],
])(
  'linear(x, w, bias: %s) with x needing a gradient: %s calls linearBackward once for %s',
  (withBias, xGrad, wrote) => {
    const backend = new WithLinear();
    expect(run(backend, withBias, xGrad)).toEqual(run(new JsBackend(), withBias, xGrad));
    expect(backend.backwards).toEqual([wrote]);
  },
);

/** WithLinear plus `linearGelu`, saving the pre-activation; whether the backward got it back, recorded. */
class WithLinearGelu extends WithLinear {
  override readonly name: string = 'js-linear-gelu';
  readonly saved: boolean[] = [];
  linearGelu(inputs: LinearGeluInputs<Float32Array>, attrs: LinearAttrs): void {
    this.linear({ ...inputs, out: inputs.saved }, attrs);
    this.gelu({ x: inputs.saved, out: inputs.out }, { size: inputs.out.length });
  }
  override linearBackward(inputs: LinearBackwardInputs<Float32Array>, attrs: LinearAttrs): void {
    this.saved.push(Boolean(inputs.saved));
    if (!inputs.saved) {
      super.linearBackward(inputs, attrs);
      return;
    }
    const dh = new Float32Array(inputs.dy.length);
    this.geluBackward({ x: inputs.saved, dy: inputs.dy, dx: dh }, { size: dh.length });
    super.linearBackward({ ...inputs, dy: dh }, attrs);
  }
}

test.each([true, false])(
  "linear(x, w, bias: %s, { activation: 'gelu' }) is gelu(linear(x, w, b)), fused with linearGelu and one linearBackward given what it saved",
  (withBias) => {
    const run = (backend: JsBackend) =>
      withBackend(backend, () => {
        const rng = new RandomGenerator(5);
        const x = ops.randn([3, 4], rng);
        const w = ops.randn([6, 4], rng);
        const b = withBias ? ops.randn([6], rng) : null;
        for (const t of [x, w, b]) if (t) t.requiresGrad = true;
        const y = ops.linear(x, w, b, { activation: 'gelu' }); // (3, 6)
        ops
          .mul(y, ops.randn([3, 6], rng))
          .sum()
          .backward();
        return [y, x.grad, w.grad, b?.grad].map((t) =>
          t ? Array.from(t.data()).map((v) => v.toFixed(5)) : null,
        );
      });
    const fused = new WithLinearGelu();
    expect(run(fused)).toEqual(run(new JsBackend()));
    expect(fused.saved).toEqual([true]);
  },
);

/** WithLinear plus `linearResidual`; its calls counted. */
class WithLinearResidual extends WithLinear {
  override readonly name: string = 'js-linear-residual';
  residuals = 0;
  linearResidual(inputs: LinearResidualInputs<Float32Array>, attrs: LinearAttrs): void {
    this.residuals += 1;
    this.linear(inputs, attrs);
    const { residual, out } = inputs;
    for (let i = 0; i < out.length; i++) out[i] = residual[i]! + out[i]!;
  }
}

test.each([true, false])(
  'linear(x, w, bias: %s, { residual }) is add(r, linear(x, w, b)), fused with linearResidual and one linearBackward',
  (withBias) => {
    const run = (backend: JsBackend) =>
      withBackend(backend, () => {
        const rng = new RandomGenerator(7);
        const x = ops.randn([2, 3, 4], rng);
        const w = ops.randn([6, 4], rng);
        const b = withBias ? ops.randn([6], rng) : null;
        const r = ops.randn([2, 3, 6], rng);
        for (const t of [x, w, b, r]) if (t) t.requiresGrad = true;
        const y = ops.linear(x, w, b, { residual: r }); // (2, 3, 6)
        ops
          .mul(y, ops.randn([2, 3, 6], rng))
          .sum()
          .backward();
        return [y, x.grad, w.grad, b?.grad, r.grad].map((t) =>
          t ? Array.from(t.data()).map((v) => v.toFixed(5)) : null,
        );
      });
    const fused = new WithLinearResidual();
    expect(run(fused)).toEqual(run(new JsBackend()));
    expect(fused.residuals).toBe(1);
    expect(fused.backwards).toEqual([withBias ? 'dx,dweight,dbias' : 'dx,dweight']);
  },
);

test.each([
  ['a residual of another shape', { residual: ops.zeros([1, 4]) }, 'SHAPE_MISMATCH'],
  [
    "a residual with activation: 'gelu'",
    { residual: ops.zeros([1, 3]), activation: 'gelu' as const },
    'INVALID_ARGUMENT',
  ],
])('linear(x, w, null, { residual }) with %s throws %s', (_, options, code) => {
  expect(() => ops.linear(ops.zeros([1, 2]), ops.zeros([3, 2]), null, options)).toThrow(
    expect.objectContaining({ code }),
  );
});

test("linear(x, w, null, { activation: 'relu' }) throws INVALID_ARGUMENT", () => {
  const x = ops.zeros([1, 2]);
  // @ts-expect-error: an activation the op does not know
  expect(() => ops.linear(x, ops.zeros([3, 2]), null, { activation: 'relu' })).toThrow(
    expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
  );
});
