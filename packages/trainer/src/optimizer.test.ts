import { memory, RandomGenerator, type Tensor, tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { AdamW, LxmlsTrainerError } from './index.js';

/** torch.optim.AdamW's update in float64 (docs/course-behaviour.md §2.10), for one parameter over a sequence of gradients. */
function referenceAdamW(
  p0: number[],
  grads: number[][],
  { lr, beta1, beta2, eps, wd }: { lr: number; beta1: number; beta2: number; eps: number; wd: number },
): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  grads.forEach((g, k) => {
    const t = k + 1;
    for (let i = 0; i < p.length; i++) {
      p[i]! *= 1 - lr * wd;
      m[i] = beta1 * m[i]! + (1 - beta1) * g[i]!;
      v[i] = beta2 * v[i]! + (1 - beta2) * g[i]! ** 2;
      p[i]! -= (lr / (1 - beta1 ** t)) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(1 - beta2 ** t) + eps));
    }
  });
  return p;
}

function param(values: number[]): Tensor {
  const p = tensor(values);
  p.requiresGrad = true;
  return p;
}

/** Sets `p.grad` to `g` the way backward does (∂(Σ g·p)/∂p = g). */
function setGrad(p: Tensor, g: number[]): void {
  p.zeroGrad();
  p.mul(tensor(g)).sum().backward();
}

describe('AdamW', () => {
  test('AdamW.step() matches a float64 reference of torch’s formula over 6 steps, per group', () => {
    const rng = new RandomGenerator(11);
    const rand = (n: number, scale: number) => Array.from({ length: n }, () => scale * (2 * rng.float() - 1));
    const a0 = rand(5, 1);
    const b0 = rand(3, 0.5);
    const a = param(a0);
    const b = param(b0);
    const opt = new AdamW(
      [
        { names: ['a'], params: [a], weightDecay: 0.1 },
        { names: ['b'], params: [b], weightDecay: 0 },
      ],
      { lr: 5e-3, betas: [0.9, 0.95] },
    );
    const gradsA = Array.from({ length: 6 }, () => rand(5, 3));
    const gradsB = Array.from({ length: 6 }, () => rand(3, 1e-3));
    for (let k = 0; k < 6; k++) {
      setGrad(a, gradsA[k]!);
      setGrad(b, gradsB[k]!);
      opt.step();
    }
    const f32 = (xs: number[][]) => xs.map((g) => g.map(Math.fround)); // the kernel sees float32 gradients
    const expectA = referenceAdamW(a0.map(Math.fround), f32(gradsA), {
      lr: 5e-3,
      beta1: 0.9,
      beta2: 0.95,
      eps: 1e-8,
      wd: 0.1,
    });
    const expectB = referenceAdamW(b0.map(Math.fround), f32(gradsB), {
      lr: 5e-3,
      beta1: 0.9,
      beta2: 0.95,
      eps: 1e-8,
      wd: 0,
    });
    Array.from(a.data()).forEach((x, i) => {
      expect(Math.abs(x - expectA[i]!)).toBeLessThan(1e-6);
    });
    Array.from(b.data()).forEach((x, i) => {
      expect(Math.abs(x - expectB[i]!)).toBeLessThan(1e-6);
    });
    expect(opt.stepCount).toBe(6);
    expect(opt.state().get('a')!.step).toBe(6);
  });

  test('AdamW.step() decays a parameter with a zero gradient only in a group with weight decay', () => {
    const decayed = param([2, -2]);
    const kept = param([2, -2]);
    const opt = new AdamW(
      [
        { names: ['decayed'], params: [decayed], weightDecay: 0.5 },
        { names: ['kept'], params: [kept], weightDecay: 0 },
      ],
      { lr: 0.1 },
    );
    for (let k = 0; k < 3; k++) {
      setGrad(decayed, [0, 0]);
      setGrad(kept, [0, 0]);
      opt.step();
    }
    expect(Array.from(kept.data())).toEqual([2, -2]);
    expect(Array.from(decayed.data()).map((x) => Number(x.toFixed(5)))).toEqual(
      [2 * 0.95 ** 3, -2 * 0.95 ** 3].map((x) => Number(x.toFixed(5))),
    );
  });

  test('AdamW.step() skips parameters without a gradient, and their state is created on first update', () => {
    const a = param([1]);
    const b = param([1]);
    const opt = new AdamW([a, b], { lr: 0.1, weightDecay: 0 });
    setGrad(a, [1]);
    opt.step();
    expect(b.item()).toBe(1);
    expect([...opt.state().keys()]).toEqual(['0']);
    setGrad(b, [1]);
    opt.step();
    expect(opt.state().get('0')!.step).toBe(2);
    expect(opt.state().get('1')!.step).toBe(1);
  });

  test('AdamW.lr sets the rate of every group; a group’s lr can be set alone', () => {
    const a = param([0]);
    const b = param([0]);
    const opt = new AdamW(
      [
        { names: ['a'], params: [a], weightDecay: 0 },
        { names: ['b'], params: [b], weightDecay: 0 },
      ],
      { lr: 1 },
    );
    opt.lr = 0.5;
    expect(opt.paramGroups.map((g) => g.lr)).toEqual([0.5, 0.5]);
    opt.paramGroups[1]!.lr = 0.25;
    setGrad(a, [1]);
    setGrad(b, [1]);
    opt.step(); // first Adam step moves by lr · g/|g|
    expect(a.item()).toBeCloseTo(-0.5, 6);
    expect(b.item()).toBeCloseTo(-0.25, 6);
  });

  test('AdamW.loadState(state()) of another optimizer continues identically', () => {
    const run = (opt: AdamW, p: Tensor, grads: number[][]) => {
      for (const g of grads) {
        setGrad(p, g);
        opt.step();
      }
    };
    const grads = [
      [1, -2],
      [0.5, 3],
      [-1, 1],
      [2, 2],
    ];
    const p1 = param([0.1, 0.2]);
    const o1 = new AdamW([p1], { lr: 0.01 });
    run(o1, p1, grads);

    const p2 = param([0.1, 0.2]);
    const o2 = new AdamW([p2], { lr: 0.01 });
    run(o2, p2, grads.slice(0, 2));
    const p3 = param(Array.from(p2.data()));
    const o3 = new AdamW([p3], { lr: 0.01 });
    o3.loadState(o2.state());
    expect(o3.stepCount).toBe(2);
    run(o3, p3, grads.slice(2));
    expect(Array.from(p3.data())).toEqual(Array.from(p1.data()));
  });

  test('AdamW.zeroGrad() frees every gradient; step() then creates no tensors', () => {
    const p = param([1, 2, 3]);
    const opt = new AdamW([p]);
    setGrad(p, [1, 1, 1]);
    opt.step();
    const before = memory().numTensors;
    opt.step();
    opt.step();
    expect(memory().numTensors).toBe(before);
    opt.zeroGrad();
    expect(p.grad).toBeNull();
  });

  test('AdamW.dispose() frees the moments', () => {
    const p = param([1, 2]);
    const opt = new AdamW([p]);
    setGrad(p, [1, 1]);
    const before = memory().numTensors;
    opt.step();
    expect(memory().numTensors).toBe(before + 2);
    opt.dispose();
    expect(memory().numTensors).toBe(before);
  });

  test.each([
    ['a negative lr', [], { lr: -1 }],
    ['a beta of 1', [], { betas: [0.9, 1] }],
    ['a negative eps', [], { eps: -1 }],
    ['a parameter in two groups', 'twice', {}],
  ])('new AdamW throws INVALID_ARGUMENT for %s', (_, params, options) => {
    const p = param([1]);
    const groups =
      params === 'twice'
        ? [
            { names: ['x'], params: [p], weightDecay: 0 },
            { names: ['y'], params: [p], weightDecay: 0 },
          ]
        : [];
    let error: unknown;
    try {
      new AdamW(groups, options as object);
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_ARGUMENT');
  });

  test.each([
    ['an unknown name', 'w', [2]],
    ['a wrong shape', '0', [3]],
    ['a zero step', '0', [2], 0],
  ])('AdamW.loadState throws INVALID_CHECKPOINT for %s and changes nothing', (_, name, shape, step = 1) => {
    const p = param([1, 2]);
    const opt = new AdamW([p]);
    const zeros = tensor(new Float32Array(shape[0]!));
    let error: unknown;
    try {
      opt.loadState(new Map([[name, { step, m: zeros, v: zeros }]]));
    } catch (e) {
      error = e;
    }
    expect(LxmlsTrainerError.isInstance(error) && error.code).toBe('INVALID_CHECKPOINT');
    expect(opt.state().size).toBe(0);
  });
});
