// The compositions that stand in for a backend's optional kernels, on edge cases the conformance cases do not
// reach: the js backend cut down to its core kernels (coreOnly) must give js's values and errors, and a backend
// with only one of a forward/backward pair must mix the fused kernel and the composition correctly.
import { describe, expect, test } from 'vitest';
import type { Backend } from '../backend.js';
import { createJsBackend, JsBackend } from '../backends/js.js';
import { RandomGenerator } from '../random.js';
import { withBackend } from '../registry.js';
import type { Tensor } from '../tensor.js';
import { coreOnly } from '../testing/core-only.js';
import * as ops from './index.js';

const js = createJsBackend();
const core = coreOnly(createJsBackend());

/** `fn` on `backend`: its value and, when `grad`, the gradient of Σ out · weights with respect to `x`. */
function run(backend: Backend, x: number[][], fn: (x: Tensor) => Tensor, grad = true) {
  return withBackend(backend, () => {
    const t = ops.tensor(x);
    t.requiresGrad = grad;
    const y = fn(t);
    if (grad)
      ops
        .mul(y, ops.cast(ops.arange(y.size), 'float32').add(1).reshape(y.shape))
        .sum()
        .backward();
    return { y: Array.from(y.data()), dx: grad ? Array.from(t.grad!.data()) : [] };
  });
}

function expectSame(a: { y: number[]; dx: number[] }, b: { y: number[]; dx: number[] }) {
  for (const [got, want] of [
    [a.y, b.y],
    [a.dx, b.dx],
  ] as const) {
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) {
      if (Number.isNaN(want[i]!)) expect(got[i]).toBeNaN();
      else expect(Math.abs(got[i]! - want[i]!)).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(want[i]!));
    }
  }
}

const ints = (values: number[]) => ops.tensor(values, undefined, 'int32');

describe('composed kernels (coreOnly) match the fused js kernels', () => {
  test.each<[string, number[][], (x: Tensor) => Tensor]>([
    [
      'softmax(x) with -inf',
      [
        [0, Number.NEGATIVE_INFINITY, 1],
        [2, 2, 2],
      ],
      (x) => ops.softmax(x),
    ],
    [
      'logSoftmax(x, 0)',
      [
        [1, 2, 3],
        [-1, 0, 5],
      ],
      (x) => ops.logSoftmax(x, 0),
    ],
    [
      'crossEntropy(x, t) with ignoreIndex 0',
      [
        [1, 2, 3],
        [0, 1, 0],
        [3, 1, 2],
      ],
      (x) => ops.crossEntropy(x, ints([0, 2, 1]), { ignoreIndex: 0 }),
    ],
    [
      'crossEntropy(x, t) with -inf logits',
      [
        [0, Number.NEGATIVE_INFINITY, 1],
        [2, 0, 1],
      ],
      (x) => ops.crossEntropy(x, ints([2, -1])),
    ],
    [
      'layerNorm(x) of a constant row',
      [
        [3, 3, 3],
        [1, 2, 4],
      ],
      (x) => ops.layerNorm(x),
    ],
    ['gelu(x) of large values', [[-10, -3, 0, 3, 10]], (x) => ops.gelu(x)],
  ])('%s', (_, x, fn) => {
    expectSame(run(core, x, fn), run(js, x, fn));
  });

  test('crossEntropy(x, t) with every target ignored is NaN with zero gradients, as js', () => {
    const fn = (x: Tensor) => ops.crossEntropy(x, ints([-1, -1]));
    const x = [
      [1, 2],
      [3, 4],
    ];
    const got = run(core, x, fn);
    expect(got.y[0]).toBeNaN();
    expect(got.dx).toEqual([0, 0, 0, 0]);
    expect(run(js, x, fn).dx).toEqual([0, 0, 0, 0]);
  });

  test('crossEntropy(x, t) with a target out of range throws as js does', () => {
    const fn = (x: Tensor) => ops.crossEntropy(x, ints([0, 5]));
    expect(() =>
      run(
        core,
        [
          [1, 2],
          [3, 4],
        ],
        fn,
      ),
    ).toThrow('targets[1] is not a class index');
    expect(() =>
      run(
        js,
        [
          [1, 2],
          [3, 4],
        ],
        fn,
      ),
    ).toThrow('targets[1] is not a class index');
  });

  test.each<[string, number[][], (x: Tensor) => Tensor]>([
    [
      'argmax(x, 1) with ties and NaN',
      [
        [1, 3, 3, 0],
        [Number.NaN, 2, Number.NaN, 1],
      ],
      (x) => ops.argmax(x, 1),
    ],
    [
      'topk(x, 2).indices with ties',
      [
        [1, 3, 3, 0],
        [4, 2, 5, 1],
      ],
      (x) => ops.topk(x, 2).indices,
    ],
    [
      'multinomial(x, 4)',
      [
        [1, 3, 3, 0],
        [4, 2, 5, 1],
      ],
      (x) => ops.multinomial(x, 4, { generator: new RandomGenerator(3) }),
    ],
  ])('%s on the host gives the js answer', (_, x, fn) => {
    expect(run(core, x, fn, false).y).toEqual(run(js, x, fn, false).y);
  });

  test('adamwUpdate composed updates param, m and v in place as the fused kernel', () => {
    const step = (backend: Backend) =>
      withBackend(backend, () => {
        const p = ops.tensor([1, -2, 3]);
        const m = ops.zeros([3]);
        const v = ops.zeros([3]);
        for (let t = 1; t <= 3; t++) ops.adamwUpdate(p, ops.tensor([0.5, -1, 2]), m, v, { lr: 0.1, step: t });
        return [p, m, v].flatMap((x) => Array.from(x.data()));
      });
    const want = step(js);
    const got = step(core);
    for (let i = 0; i < want.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 6);
  });
});

/** The fused forwards of js without their backwards: the backwards are composed. */
class ForwardsOnly extends JsBackend {
  override readonly name = 'js-forwards-only';
  override softmaxBackward = undefined as never;
  override logSoftmaxBackward = undefined as never;
  override crossEntropyBackward = undefined as never;
  override layerNormBackward = undefined as never;
  override geluBackward = undefined as never;
}

test.each<[string, (x: Tensor) => Tensor]>([
  ['softmax', (x) => ops.softmax(x)],
  ['logSoftmax', (x) => ops.logSoftmax(x)],
  ['crossEntropy', (x) => ops.crossEntropy(x, ints([1, -1, 0]))],
  ['layerNorm', (x) => ops.layerNorm(x, ops.tensor([1, 2, 3]), ops.tensor([0, 1, 0]))],
  ['gelu', (x) => ops.gelu(x)],
])('%s with the fused forward and the composed backward matches js', (_, fn) => {
  const x = [
    [1, 2, 3],
    [0.5, -1, 2],
    [3, 0, -2],
  ];
  expectSame(run(new ForwardsOnly(), x, fn), run(js, x, fn));
});

/** js counting the calls of its fused kernels. */
class Counting extends JsBackend {
  override readonly name = 'js-counting';
  readonly calls: string[] = [];
  constructor() {
    super();
    for (const kernel of [
      'softmax',
      'softmaxBackward',
      'logSoftmax',
      'crossEntropy',
      'crossEntropyBackward',
      'layerNorm',
      'layerNormBackward',
      'gelu',
      'geluBackward',
      'adamw',
      'argmax',
    ] as const) {
      const fused = JsBackend.prototype[kernel] as (...args: unknown[]) => void;
      (this as Record<string, unknown>)[kernel] = (...args: unknown[]) => {
        this.calls.push(kernel);
        fused.apply(this, args);
      };
    }
  }
}

test('the ops call the fused kernels when the backend has them, not the compositions', () => {
  const backend = new Counting();
  withBackend(backend, () => {
    const x = ops.tensor([
      [1, 2, 3],
      [0.5, -1, 2],
    ]);
    x.requiresGrad = true;
    const h = ops.gelu(ops.layerNorm(x));
    ops.add(ops.crossEntropy(h, ints([2, 0])), ops.softmax(h).sum()).backward();
    ops.adamwUpdate(x, x.grad!, ops.zeros([2, 3]), ops.zeros([2, 3]), { lr: 0.1, step: 1 });
    ops.argmax(x, 1);
  });
  expect([...new Set(backend.calls)].sort()).toEqual(
    [
      'adamw',
      'argmax',
      'crossEntropy',
      'crossEntropyBackward',
      'gelu',
      'geluBackward',
      'layerNorm',
      'layerNormBackward',
      'softmax',
      'softmaxBackward',
    ].sort(),
  );
});
