// adamwUpdateMulti, the many-parameter AdamW step: without the optional adamwMulti kernel it is a loop of
// adamwUpdate (the same bits), with it one kernel call given one list per role; its checks run before any update.
import { describe, expect, test } from 'vitest';
import type { AdamWMultiAttrs, AdamWMultiInputs } from '../backend.js';
import { JsBackend } from '../backends/js.js';
import { RandomGenerator } from '../random.js';
import { withBackend } from '../registry.js';
import type { Tensor } from '../tensor.js';
import * as ops from './index.js';

/** js with an adamwMulti kernel (its adamw per parameter), recording each call's attributes. */
class WithMulti extends JsBackend {
  override readonly name = 'js-multi';
  readonly calls: AdamWMultiAttrs[] = [];
  adamwMulti(inputs: AdamWMultiInputs<Float32Array>, attrs: AdamWMultiAttrs): void {
    this.calls.push(attrs);
    const { beta1, beta2, eps } = attrs;
    inputs.params.forEach((param, i) => {
      const [lr, weightDecay, step, size] = [
        attrs.lr[i]!,
        attrs.weightDecay[i]!,
        attrs.step[i]!,
        attrs.sizes[i]!,
      ];
      this.adamw(
        { param, grad: inputs.grads[i]!, m: inputs.m[i]!, v: inputs.v[i]! },
        { size, lr, beta1, beta2, eps, weightDecay, step },
      );
    });
  }
}

/** Three steps on three seeded parameters, with the multi op or a loop of adamwUpdate; every tensor's values. */
function train(multi: boolean): number[][] {
  const rng = new RandomGenerator(7);
  const shapes = [[4], [2, 3], [5]];
  const params = shapes.map((s) => ops.randn(s, rng));
  const grads = shapes.map((s) => ops.randn(s, rng));
  const m = shapes.map((s) => ops.zeros(s));
  const v = shapes.map((s) => ops.zeros(s));
  const hyper = (i: number, step: number) => ({
    lr: [0.1, 0.01, 0.05][i]!,
    weightDecay: i === 1 ? 0 : 0.1,
    step,
  });
  for (let step = 1; step <= 3; step++) {
    if (multi) {
      const entries = params.map((param, i) => ({
        param,
        grad: grads[i]!,
        m: m[i]!,
        v: v[i]!,
        ...hyper(i, step),
      }));
      ops.adamwUpdateMulti(entries, { beta2: 0.95 });
    } else {
      for (const [i, p] of params.entries())
        ops.adamwUpdate(p, grads[i]!, m[i]!, v[i]!, { beta2: 0.95, ...hyper(i, step) });
    }
  }
  return [...params, ...m, ...v].map((t: Tensor) => Array.from(t.data()));
}

describe('adamwUpdateMulti', () => {
  test('adamwUpdateMulti without the adamwMulti kernel gives the bits of one adamwUpdate per parameter', () => {
    const js = new JsBackend();
    expect(withBackend(js, () => train(true))).toEqual(withBackend(js, () => train(false)));
  });

  test('adamwUpdateMulti calls the adamwMulti kernel once per step with per-parameter sizes, lr, decay, step', () => {
    const backend = new WithMulti();
    const got = withBackend(backend, () => train(true));
    expect(got).toEqual(withBackend(new JsBackend(), () => train(false)));
    expect(backend.calls).toHaveLength(3);
    expect(backend.calls[2]).toEqual({
      sizes: [4, 6, 5],
      lr: [0.1, 0.01, 0.05],
      weightDecay: [0.1, 0, 0.1],
      step: [3, 3, 3],
      beta1: 0.9,
      beta2: 0.95,
      eps: 1e-8,
    });
  });

  test.each([
    ['a parameter given twice', 'INVALID_ARGUMENT', (p: Tensor) => [p, p]],
    ['a step of 0', 'INVALID_ARGUMENT', (p: Tensor) => [p]],
  ] as const)('adamwUpdateMulti with %s throws %s and updates nothing', (_, code, params) => {
    withBackend(new WithMulti(), () => {
      const p = ops.tensor([1, 2]);
      const entries = params(p).map((param, i) => ({
        param,
        grad: ops.tensor([1, 1]),
        m: ops.zeros([2]),
        v: ops.zeros([2]),
        lr: 0.1,
        weightDecay: 0,
        step: params(p).length === 1 ? 0 : i + 1,
      }));
      expect(() => ops.adamwUpdateMulti(entries)).toThrow(expect.objectContaining({ code }));
      expect(Array.from(p.data())).toEqual([1, 2]);
    });
  });

  test('adamwUpdateMulti with shapes that differ throws SHAPE_MISMATCH naming them', () => {
    const entry = { param: ops.zeros([2]), grad: ops.zeros([3]), m: ops.zeros([2]), v: ops.zeros([2]) };
    expect(() => ops.adamwUpdateMulti([{ ...entry, lr: 0.1, weightDecay: 0, step: 1 }])).toThrow(
      expect.objectContaining({ code: 'SHAPE_MISMATCH' }),
    );
  });
});
