import { describe, expect, test } from 'vitest';
import {
  attentionWithWeights,
  type Backend,
  concat,
  createJsBackend,
  maskedFill,
  matmul,
  noGrad,
  RandomGenerator,
  randn,
  scaledDotProductAttention,
  selfAttention,
  softmax,
  type Tensor,
  tensor,
  tidy,
  withBackend,
} from '../index.js';
import { expectClose } from '../testing/index.js';

/** The js backend with the attention kernel switched off: scaledDotProductAttention composes matmul/softmax. */
function unfused(): Backend {
  const b = createJsBackend();
  return Object.assign(b, { capabilities: { ...b.capabilities, fusedAttention: false } });
}

function run(backend: Backend, causal: boolean, tq: number, tk: number) {
  return withBackend(backend, () =>
    tidy(() => {
      const g = new RandomGenerator(tq * 10 + tk);
      const [q, k, v] = [
        randn([2, 3, tq, 4], g),
        randn([2, 3, tk, 4], g),
        randn([2, 3, tk, 4], g),
      ] as Tensor[];
      for (const t of [q, k, v]) t!.requiresGrad = true;
      const out = scaledDotProductAttention(q!, k!, v!, { causal });
      out
        .mul(randn(out.shape as number[], g))
        .sum()
        .backward();
      const result = [out.data(), q!.grad!.data(), k!.grad!.data(), v!.grad!.data()];
      for (const t of [q, k, v]) t!.zeroGrad();
      return result;
    }),
  );
}

describe('scaledDotProductAttention', () => {
  test.each([
    [false, 5, 5],
    [true, 5, 5],
    [true, 2, 6],
  ])(
    'scaledDotProductAttention(q, k, v, { causal: %s }) Tq %i Tk %i: fused kernel equals the composed ops',
    (causal, tq, tk) => {
      const fused = run(createJsBackend(), causal, tq, tk);
      const composed = run(unfused(), causal, tq, tk);
      fused.forEach((values, i) => {
        expectClose(values, composed[i]!, 1e-5, 1e-4, ['out', 'dq', 'dk', 'dv'][i]!);
      });
    },
  );

  test('scaledDotProductAttention equals minGPT written out: softmax(mask(q kᵀ / √d)) v', () => {
    const g = new RandomGenerator(1);
    const [q, k, v] = [randn([1, 3, 2], g), randn([1, 3, 2], g), randn([1, 3, 2], g)] as [
      Tensor,
      Tensor,
      Tensor,
    ];
    const above = tensor(
      [
        [0, 1, 1],
        [0, 0, 1],
        [0, 0, 0],
      ],
      undefined,
      'int32',
    );
    const att = softmax(
      maskedFill(matmul(q, k, { transposeB: true }).mul(1 / Math.sqrt(2)), above, -Infinity),
    );
    expectClose(
      scaledDotProductAttention(q, k, v, { causal: true }).data(),
      matmul(att, v).data(),
      1e-6,
      1e-5,
      'out',
    );
  });

  test('scaledDotProductAttention(q, k, v) names the three shapes on a mismatch', () => {
    expect(() => scaledDotProductAttention(randn([2, 3]), randn([2, 4]), randn([2, 4]))).toThrow(
      'Expected q (…, Tq, d), k (…, Tk, d) and v (…, Tk, dv), received (2, 3), (2, 4) and (2, 4).',
    );
  });
});

/** The js backend without the attention kernel: selfAttention splits, transposes and composes the ops. */
function unpacked(): Backend {
  const b = createJsBackend();
  return Object.assign(b, { attention: undefined, attentionBackward: undefined });
}

function runPacked(backend: Backend, causal: boolean) {
  return withBackend(backend, () =>
    tidy(() => {
      const g = new RandomGenerator(causal ? 7 : 8);
      const qkv = randn([2, 5, 3 * 3 * 4], g); // (B, T, 3C), 3 heads of 4
      qkv.requiresGrad = true;
      const out = selfAttention(qkv, 3, { causal });
      out
        .mul(randn(out.shape as number[], g))
        .sum()
        .backward();
      const result = [out.data(), qkv.grad!.data()];
      qkv.zeroGrad();
      return result;
    }),
  );
}

describe('selfAttention', () => {
  test.each([false, true])(
    'selfAttention(qkv, 3, { causal: %s }): the strided kernel equals split + transposes + composed attention',
    (causal) => {
      const packed = runPacked(createJsBackend(), causal);
      const composed = runPacked(unpacked(), causal);
      packed.forEach((values, i) => {
        expectClose(values, composed[i]!, 1e-5, 1e-4, ['out', 'dqkv'][i]!);
      });
    },
  );

  test('selfAttention names the shape and nHead on a mismatch', () => {
    expect(() => selfAttention(randn([1, 2, 10]), 2)).toThrow('with nHead 2');
  });
});

/** selfAttention([q, k, v]) with dropout 0.3, its output and gradients, on `backend`. */
function dropped(backend: Backend, packed: boolean) {
  return withBackend(backend, () =>
    tidy(() => {
      const g = new RandomGenerator(3);
      const xs = [randn([2, 5, 6], g), randn([2, 5, 6], g), randn([2, 5, 6], g)] as [Tensor, Tensor, Tensor];
      for (const t of xs) t.requiresGrad = true;
      const options = { causal: true, dropout: 0.3, generator: new RandomGenerator(8) };
      const out = packed ? selfAttention(concat(xs, -1), 3, options) : selfAttention(xs, 3, options);
      out
        .mul(randn([2, 5, 6], g))
        .sum()
        .backward();
      return [out.data(), ...xs.map((t) => t.grad!.data())];
    }),
  );
}

describe('selfAttention with dropout', () => {
  test.each([false, true])(
    'selfAttention(…, { dropout: 0.3 }) (packed %s) fused equals the composed steps with the same mask',
    (packed) => {
      const composed = createJsBackend();
      Object.assign(composed, { capabilities: { ...composed.capabilities, fusedAttentionDropout: false } });
      const want = dropped(composed, packed);
      const got = dropped(createJsBackend(), packed);
      got.forEach((values, i) => {
        expectClose(values, want[i]!, 1e-5, 1e-4, `output/gradient ${i}`);
      });
      // some weights were dropped: the output differs from attention without dropout
      const plain = withBackend(createJsBackend(), () =>
        tidy(() => {
          const g = new RandomGenerator(3);
          const xs = [randn([2, 5, 6], g), randn([2, 5, 6], g), randn([2, 5, 6], g)] as [
            Tensor,
            Tensor,
            Tensor,
          ];
          return selfAttention(xs, 3, { causal: true }).data();
        }),
      );
      expect(Array.from(plain)).not.toEqual(Array.from(want[0]!));
    },
  );

  test('selfAttention(qkv, 1, { dropout: 1 }) throws INVALID_ARGUMENT', () => {
    expect(() => selfAttention(randn([1, 2, 3]), 1, { dropout: 1 })).toThrow(/dropout/);
  });
});

describe('scaledDotProductAttention with dropout', () => {
  /** sdpa with dropout `p` on (2, 3, tq, 4) queries over tk keys: output and gradients on `backend`. */
  function run(backend: Backend, causal: boolean, tq: number, tk: number, p = 0.3) {
    return withBackend(backend, () =>
      tidy(() => {
        const g = new RandomGenerator(11);
        const q = randn([2, 3, tq, 4], g);
        const [k, v] = [randn([2, 3, tk, 4], g), randn([2, 3, tk, 4], g)];
        for (const t of [q, k, v]) t.requiresGrad = true;
        const options = { causal, dropout: p, generator: new RandomGenerator(5) };
        const out = scaledDotProductAttention(q, k, v, options);
        out
          .mul(randn(out.shape as number[], g))
          .sum()
          .backward();
        return [out.data(), q.grad!.data(), k.grad!.data(), v.grad!.data()];
      }),
    );
  }

  test.each([
    [false, 4, 4],
    [true, 4, 4],
    [true, 2, 5],
    [false, 3, 6],
  ])(
    'scaledDotProductAttention(q, k, v, { causal: %s, dropout: 0.3 }) Tq %i Tk %i: the kernel equals the composed steps',
    (causal, tq, tk) => {
      const composed = createJsBackend();
      Object.assign(composed, { capabilities: { ...composed.capabilities, fusedAttentionDropout: false } });
      const want = run(composed, causal, tq, tk);
      const got = run(createJsBackend(), causal, tq, tk);
      got.forEach((values, i) => {
        expectClose(values, want[i]!, 1e-5, 1e-4, ['out', 'dq', 'dk', 'dv'][i]!);
      });
      // some weights were dropped: the output is far from attention without dropout
      const plain = run(createJsBackend(), causal, tq, tk, 0)[0]!;
      expect(Math.max(...Array.from(got[0]!, (x, i) => Math.abs(x - plain[i]!)))).toBeGreaterThan(0.01);
    },
  );

  test('scaledDotProductAttention(q, k, v, { dropout: 1 }) throws INVALID_ARGUMENT', () => {
    expect(() =>
      scaledDotProductAttention(randn([1, 2, 3]), randn([1, 2, 3]), randn([1, 2, 3]), { dropout: 1 }),
    ).toThrow(/dropout/);
  });
});

describe('scaledDotProductAttention with a mask, and attentionWithWeights', () => {
  const maxGap = (a: Tensor, b: Tensor) => {
    expect(a.shape).toEqual(b.shape);
    const y = b.data();
    return Array.from(a.data()).reduce((m, x, i) => Math.max(m, Math.abs(x - y[i]!)), 0);
  };
  const qkv = (seed: number, q = [2, 3, 4, 8], k = [2, 3, 6, 8]) => {
    const g = new RandomGenerator(seed);
    return [randn(q, g), randn(k, g), randn(k, g)] as const;
  };

  test.each([false, true])(
    'attentionWithWeights(q, k, v, { causal: %s }) equals scaledDotProductAttention, weights rows sum to 1',
    (causal) => {
      const [q, k, v] = qkv(1);
      const { output, weights } = attentionWithWeights(q, k, v, { causal });
      expect(maxGap(output, scaledDotProductAttention(q, k, v, { causal }))).toBeLessThan(1e-5);
      expect(weights.shape).toEqual([2, 3, 4, 6]);
      const w = weights.data();
      for (let r = 0; r < 2 * 3 * 4; r++) {
        const row = Array.from(w.subarray(r * 6, r * 6 + 6));
        expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
        // query i of 4 over 6 keys sees j ≤ i + 2
        if (causal) expect(row.slice((r % 4) + 3).every((x) => x === 0)).toBe(true);
      }
    },
  );

  test('scaledDotProductAttention: an int32 mask (1 = attend) equals the float additive mask 0 / -inf', () => {
    const [q, k, v] = qkv(2);
    const keep = tensor([[1, 1, 0, 1, 0, 1]], undefined, 'int32'); // (1, 6)
    const additive = tensor([[0, 0, Number.NEGATIVE_INFINITY, 0, Number.NEGATIVE_INFINITY, 0]]);
    const a = scaledDotProductAttention(q, k, v, { mask: keep });
    expect(maxGap(a, scaledDotProductAttention(q, k, v, { mask: additive }))).toBeLessThan(1e-6);
    expect(maxGap(a, scaledDotProductAttention(q, k, v))).toBeGreaterThan(1e-3);
  });

  test('scaledDotProductAttention: a fully masked query row gives zero weights and output, not NaN', () => {
    const [q, k, v] = qkv(3, [1, 1, 2, 4], [1, 1, 3, 4]);
    const mask = tensor([1, 0, 1, 0, 0, 0], [1, 1, 2, 3], 'int32'); // query 1 sees no key
    const { output, weights } = attentionWithWeights(q, k, v, { mask });
    expect(Array.from(weights.data().subarray(3))).toEqual([0, 0, 0]);
    expect(Array.from(output.data().subarray(4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(output.data()).every(Number.isFinite)).toBe(true);
  });

  test('scaledDotProductAttention backward with a padding mask matches central finite differences', () => {
    const [q, k, v] = qkv(6, [1, 2, 3, 4], [1, 2, 4, 4]);
    const mask = tensor([1, 1, 0, 1], [1, 1, 1, 4], 'int32');
    const f = () => {
      const output = scaledDotProductAttention(q, k, v, { mask });
      return output.mul(output).sum();
    };
    for (const t of [q, k, v]) t.requiresGrad = true;
    tidy(() => f().backward());
    const h = 1e-2;
    for (const t of [q, k, v]) {
      const analytic = t.grad!.data();
      const data = Float64Array.from(t.data());
      for (const i of [0, 5, 11, 17, 23]) {
        const at = (delta: number) => {
          const moved = Float32Array.from(data);
          moved[i] = data[i]! + delta;
          noGrad(() => t.copyFrom(moved));
          return tidy(() => noGrad(() => f().item()));
        };
        const numeric = (at(h) - at(-h)) / (2 * h);
        noGrad(() => t.copyFrom(Float32Array.from(data)));
        expect(Math.abs(numeric - analytic[i]!)).toBeLessThan(2e-2 * Math.max(1, Math.abs(numeric)));
      }
    }
  });

  test('attentionWithWeights dropout: same generator seed, same output and mask as scaledDotProductAttention', () => {
    const [q, k, v] = qkv(7);
    const options = (seed: number) => ({ dropout: 0.5, generator: new RandomGenerator(seed) });
    const run = (seed: number) => attentionWithWeights(q, k, v, options(seed));
    expect(maxGap(run(1).output, run(1).output)).toBe(0);
    expect(maxGap(run(1).output, run(2).output)).toBeGreaterThan(0);
    expect(
      run(3)
        .weights.data()
        .some((x) => x === 0),
    ).toBe(true);
    expect(maxGap(run(4).output, scaledDotProductAttention(q, k, v, options(4)))).toBeLessThan(1e-5);
  });

  test('scaledDotProductAttention(q, k, v) with values of another width dv', () => {
    const g = new RandomGenerator(8);
    const [q, k, v] = [randn([2, 3, 4], g), randn([2, 5, 4], g), randn([2, 5, 7], g)];
    const { output } = attentionWithWeights(q, k, v, { causal: true });
    expect(output.shape).toEqual([2, 3, 7]);
    expect(maxGap(scaledDotProductAttention(q, k, v, { causal: true }), output)).toBe(0);
  });

  test.each([
    ['k with another d', [1, 2, 4], [1, 3, 5], [1, 3, 4]],
    ['v with another Tk', [1, 2, 4], [1, 3, 4], [1, 2, 4]],
    ['another batch', [2, 2, 4], [1, 3, 4], [1, 3, 4]],
  ])('scaledDotProductAttention with %s throws SHAPE_MISMATCH', (_, qs, ks, vs) => {
    const g = new RandomGenerator(0);
    const call = () => scaledDotProductAttention(randn(qs, g), randn(ks, g), randn(vs, g));
    expect(call).toThrow('q, k and v do not fit together');
  });

  test('scaledDotProductAttention with a mask that does not broadcast throws SHAPE_MISMATCH', () => {
    const [q, k, v] = qkv(9);
    const mask = tensor([1, 0, 1, 1, 0, 1, 1, 1, 1], [3, 3], 'int32');
    expect(() => scaledDotProductAttention(q, k, v, { mask })).toThrow(
      'Expected a mask broadcastable to (…, 4, 6), received (3, 3).',
    );
  });
});
