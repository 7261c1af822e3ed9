import { describe, expect, test } from 'vitest';
import {
  adamwUpdate,
  type Backend,
  createJsBackend,
  getBackend,
  keep,
  LxmlsTensorError,
  listBackends,
  manualSeed,
  matmul,
  memory,
  noGrad,
  RandomGenerator,
  randn,
  registerBackend,
  removeBackend,
  setBackend,
  type Tensor,
  tensor,
  tidy,
  zeros,
  zerosLike,
} from './index.js';

describe('autodiff', () => {
  test('backward() accumulates into .grad across calls, as PyTorch', () => {
    const x = tensor([1, 2]);
    x.requiresGrad = true;
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
  });

  test('backward() sums the gradients of a tensor used twice', () => {
    const x = tensor([3]);
    x.requiresGrad = true;
    const y = x.mul(x).add(x.exp().log()); // x² + x
    y.backward();
    expect(x.grad!.item()).toBeCloseTo(7, 5);
  });

  test('backward() follows a diamond graph once per path', () => {
    const x = tensor([2]);
    x.requiresGrad = true;
    const a = x.mul(3);
    const b = a.mul(a); // 9x²
    const c = a.add(b); // 3x + 9x²
    c.backward();
    expect(x.grad!.item()).toBe(39);
  });

  test('noGrad(fn) records nothing; detach() stops gradients', () => {
    const w = tensor([1]);
    w.requiresGrad = true;
    expect(noGrad(() => w.mul(2)).requiresGrad).toBe(false);
    expect(w.mul(2).op).toBe('mul');
    const y = w.mul(2).detach().mul(w); // d/dw = 2w (the detached factor is a constant)
    y.backward();
    expect(w.grad!.item()).toBe(2);
  });

  test('backward() on a non-scalar needs a gradient of the same shape', () => {
    const x = tensor([1, 2]);
    x.requiresGrad = true;
    expect(() => x.mul(2).backward()).toThrow(
      '[@lxmls/tensor] backward: a gradient can be implied only for a one-element tensor. Expected a scalar, or backward(grad) with grad of the same shape, received shape (2).',
    );
    x.mul(2).backward(tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  test('backward() on a tensor that does not require grad says so', () => {
    expect(() => tensor([1]).backward()).toThrow('backward: this tensor does not require grad');
  });

  test('requiresGrad = true on an int32 tensor names the dtype', () => {
    expect(() => {
      zeros([1], 'int32').requiresGrad = true;
    }).toThrow(
      '[@lxmls/tensor] requiresGrad: only floating-point tensors can require gradients. Expected float32, received int32.',
    );
  });
});

describe('memory', () => {
  test('tidy(fn) disposes intermediates, keeps returned and kept tensors', () => {
    const before = memory().numTensors;
    let kept: Tensor | null = null;
    const out = tidy(() => {
      const a = zeros([10]).add(1);
      kept = keep(a.mul(2));
      return { result: [a.mul(3)] };
    });
    expect(memory().numTensors - before).toBe(2);
    expect(out.result[0]!.data()[0]).toBe(3);
    kept!.dispose();
    out.result[0]!.dispose();
    expect(memory().numTensors).toBe(before);
  });

  test('tidy(fn) disposes what it created even when fn throws', () => {
    const before = memory().numTensors;
    expect(() =>
      tidy(() => {
        zeros([3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(memory().numTensors).toBe(before);
  });

  test('using a disposed tensor throws DISPOSED naming the op and the shape', () => {
    const x = zeros([2, 3]);
    x.dispose();
    try {
      x.add(1);
      expect.unreachable();
    } catch (e) {
      expect(LxmlsTensorError.isInstance(e) && e.code).toBe('DISPOSED');
      expect((e as Error).message).toBe(
        '[@lxmls/tensor] add: a tensor was used after dispose(). Expected a live tensor, received a disposed float32 tensor of shape (2, 3) (keep() it, or return it from tidy()).',
      );
    }
  });

  test('reshape views share storage: bytes are freed when the last view is disposed', () => {
    const before = memory().numBytes;
    const x = zeros([4]);
    const v = x.reshape([2, 2]);
    expect(memory().numBytes - before).toBe(16);
    x.dispose();
    expect(v.toArray()).toEqual([
      [0, 0],
      [0, 0],
    ]);
    v.dispose();
    expect(memory().numBytes).toBe(before);
  });

  test('a 300-step MLP training loop with AdamW keeps memory().numTensors flat', () => {
    const gen = new RandomGenerator(0);
    const x = randn([32, 4], gen); // (N, 4) inputs
    const yTrue = tidy(() => x.sum(1, true).tanh()); // (N, 1) targets
    const params = [randn([4, 16], gen).mul(0.5), zeros([16]), randn([16, 1], gen).mul(0.25), zeros([1])];
    for (const p of params) p.requiresGrad = true;
    const state = params.map((p) => ({ m: zerosLike(p), v: zerosLike(p) }));
    const [w1, b1, w2, b2] = params as [Tensor, Tensor, Tensor, Tensor];

    let counts: number[] = [];
    const losses: number[] = [];
    for (let step = 1; step <= 300; step++) {
      const loss = tidy(() => {
        const h = matmul(x, w1).add(b1).relu(); // (N, 16)
        const pred = matmul(h, w2).add(b2); // (N, 1)
        const l = pred.sub(yTrue).pow(2).mean(); // ()
        l.backward();
        return l.item();
      });
      params.forEach((p, i) => {
        adamwUpdate(p, p.grad!, state[i]!.m, state[i]!.v, { lr: 0.01, step, weightDecay: 0.01 });
        p.zeroGrad();
      });
      losses.push(loss);
      if (step === 10 || step === 300) counts = [...counts, memory().numTensors];
    }
    expect(counts[1]).toBe(counts[0]);
    expect(losses[299]!).toBeLessThan(losses[0]! / 10);
  });
});

describe('registry', () => {
  test('setBackend(name) with an unknown name lists the available ones', () => {
    expect(() => setBackend('webgpu-nope')).toThrow(
      /\[@lxmls\/tensor\] setBackend: no backend is registered as 'webgpu-nope'. Expected one of .*'js'.*, received 'webgpu-nope'./,
    );
  });

  test('a backend without gradients fails at the first op that needs them', async () => {
    const inferenceOnly = (): Backend => {
      const b = createJsBackend();
      return Object.assign(b, { name: 'inference', capabilities: { ...b.capabilities, gradients: false } });
    };
    registerBackend('inference', inferenceOnly, 0);
    expect(listBackends()).toContain('inference');
    await setBackend('inference');
    try {
      const w = tensor([1]);
      expect(w.mul(2).item()).toBe(2); // forward works
      w.requiresGrad = true;
      expect(() => w.mul(2)).toThrow(
        "[@lxmls/tensor] mul: backend 'inference' does not support gradients. Expected a backend with capabilities.gradients = true",
      );
    } finally {
      await setBackend('js');
      removeBackend('inference');
    }
    expect(getBackend().name).toBe('js');
  });

  test('tensors on different backends cannot be mixed', () => {
    registerBackend('js2', createJsBackend, 0);
    const a = tensor([1]);
    setBackend('js2');
    try {
      const b = tensor([1]);
      expect(() => a.add(b)).toThrow('tensors live on different backends');
    } finally {
      setBackend('js');
      removeBackend('js2');
    }
  });
});

describe('randomness', () => {
  test('manualSeed(seed) makes randn repeat; another seed differs', () => {
    manualSeed(123);
    const a = Array.from(randn([5]).data());
    manualSeed(123);
    const b = Array.from(randn([5]).data());
    manualSeed(124);
    const c = Array.from(randn([5]).data());
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  test('RandomGenerator(seed).normal() has mean ≈ 0 and variance ≈ 1', () => {
    const g = new RandomGenerator(2024);
    const n = 20000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = g.normal();
      s += z;
      s2 += z * z;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.05);
  });

  test('RandomGenerator(42) gives the stream of the C reference xoshiro128** seeded by SplitMix32', () => {
    const g = new RandomGenerator(42);
    expect([g.uint32(), g.uint32(), g.uint32()]).toMatchInlineSnapshot(`
      [
        2837322924,
        544945897,
        479756282,
      ]
    `);
  });
});

describe('toArray', () => {
  test.each([
    [0, tensor(3), 3],
    [1, tensor([1, 2]), [1, 2]],
    [2, tensor([[1, 2]]), [[1, 2]]],
    [3, zeros([1, 2, 1]), [[[0], [0]]]],
  ])('toArray(%i) returns the nested arrays of a tensor of that rank', (rank, t, expected) => {
    expect(t.toArray(rank)).toEqual(expected);
    expect(t.toArray()).toEqual(expected);
  });

  test('toArray(rank) of a tensor of another rank throws SHAPE_MISMATCH naming both', () => {
    const t = tensor([[1, 2]]);
    expect(() => t.toArray(1)).toThrow(LxmlsTensorError);
    expect(() => t.toArray(1)).toThrow(
      '[@lxmls/tensor] toArray: the tensor does not have the rank asked for. Expected a tensor of rank 1, received shape (1, 2) (rank 2).',
    );
  });

  test('toArray(rank) is typed by rank: a number[][] indexes and maps under strict TypeScript', () => {
    const rows: number[][] = tensor([
      [1, 2],
      [3, 4],
    ]).toArray(2);
    const column: number[] = rows.map((row) => row[1] ?? Number.NaN);
    expect(column).toEqual([2, 4]);
  });
});

describe('data', () => {
  test.each([
    ['float32', tensor([1.5, 2]), Float32Array],
    ['int32', tensor([1, 2], undefined, 'int32'), Int32Array],
  ] as const)('data(%s) returns the elements as that typed array', (dtype, t, type) => {
    expect(t.data(dtype)).toBeInstanceOf(type);
    expect(Array.from(t.data(dtype))).toEqual(Array.from(t.data()));
  });

  test('data(dtype) of a tensor of another dtype throws DTYPE_MISMATCH naming both', () => {
    expect(() => tensor([1, 2]).data('int32')).toThrow(
      '[@lxmls/tensor] data: the tensor does not have the dtype asked for. Expected dtype int32, received dtype float32 (shape (2)).',
    );
  });
});
