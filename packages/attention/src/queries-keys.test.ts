// Tests of the `returnQueriesKeys` option of both causal self-attentions: the queries and keys they return are
// the projections split into heads, and softmax(q·kᵀ/√hs) with the causal mask gives back their weights.
import {
  maskedFill,
  matmul,
  noGrad,
  permute,
  RandomGenerator,
  randn,
  reshape,
  slice,
  softmax,
  type Tensor,
  tensor,
  tidy,
} from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { CausalSelfAttention } from './causal-self-attention.js';
import { KVCache } from './kv-cache.js';
import { PretrainedCausalSelfAttention } from './pretrained-attention.js';

const config = { nEmbd: 12, nHead: 3, blockSize: 8, attnPdrop: 0, residPdrop: 0 };
const [B, T, C, nh, hs] = [2, 5, 12, 3, 4];
const maxGap = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const y = b.data();
  return Array.from(a.data()).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};
const heads = (t: Tensor) => permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]); // (B, nh, T, hs)

/** The projections the attention computes, as `(B, T, C)` queries and keys. */
function projections(attn: CausalSelfAttention | PretrainedCausalSelfAttention, x: Tensor) {
  if (attn instanceof CausalSelfAttention)
    return { q: attn.queryProj.forward(x), k: attn.keyProj.forward(x) };
  const qkv = attn.cAttn.forward(x); // (B, T, 3C), in the order q, k, v
  return { q: slice(qkv, [0, 0, 0], [B, T, C]), k: slice(qkv, [0, 0, C], [B, T, C]) }; // (B, T, C)
}

const forms = [
  ['CausalSelfAttention', () => new CausalSelfAttention(config, { generator: new RandomGenerator(3) })],
  [
    'PretrainedCausalSelfAttention',
    () => new PretrainedCausalSelfAttention(config, { generator: new RandomGenerator(3) }),
  ],
] as const;

describe('forward(x, { returnQueriesKeys: true })', () => {
  test.each(forms)('%s.forward returns the projections split into heads, (B, nh, T, hs)', (_name, make) => {
    const attn = make().eval();
    tidy(() =>
      noGrad(() => {
        const x = randn([B, T, C], new RandomGenerator(4)); // (B, T, C)
        const out = attn.forward(x, { returnQueriesKeys: true });
        const { q, k } = projections(attn, x);
        expect(out.queries!.shape).toEqual([B, nh, T, hs]);
        expect(maxGap(out.queries!, heads(q))).toBe(0);
        expect(maxGap(out.keys!, heads(k))).toBe(0);
        expect(out.weights).toBeNull(); // only what was asked for
        // the same output as the fused path
        expect(maxGap(out.output, attn.forward(x).output)).toBeLessThan(1e-5);
      }),
    );
  });

  test.each(forms)('%s.forward: softmax(q·kᵀ/√hs), causally masked, is the weights', (_name, make) => {
    const attn = make().eval();
    tidy(() =>
      noGrad(() => {
        const x = randn([B, T, C], new RandomGenerator(5)); // (B, T, C)
        const { weights, queries, keys } = attn.forward(x, { returnWeights: true, returnQueriesKeys: true });
        const scores = matmul(queries!, keys!, { transposeB: true }).div(Math.sqrt(hs)); // (B, nh, T, T)
        const future = tensor(
          Int32Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? 1 : 0)),
          [1, 1, T, T],
          'int32',
        ); // (1, 1, T, T), 1 above the diagonal
        const expected = softmax(maskedFill(scores, future, Number.NEGATIVE_INFINITY), -1); // (B, nh, T, T)
        expect(maxGap(weights!, expected)).toBeLessThan(1e-6);
      }),
    );
  });

  test.each(forms)('%s.forward with a cache returns the new queries and all the keys', (_name, make) => {
    const attn = make().eval();
    tidy(() =>
      noGrad(() => {
        const cache = new KVCache();
        const x = randn([B, T, C], new RandomGenerator(6)); // (B, T, C)
        attn.forward(slice(x, [0, 0, 0], [B, 3, C]), { cache });
        const out = attn.forward(slice(x, [0, 3, 0], [B, 2, C]), { cache, returnQueriesKeys: true });
        expect(out.queries!.shape).toEqual([B, nh, 2, hs]);
        expect(out.keys!.shape).toEqual([B, nh, 5, hs]);
        const whole = attn.forward(x, { returnQueriesKeys: true });
        expect(maxGap(out.keys!, whole.keys!)).toBeLessThan(1e-6);
      }),
    );
  });

  test.each(forms)('%s.forward without the option returns no queries or keys', (_name, make) => {
    const attn = make().eval();
    tidy(() => {
      const out = attn.forward(randn([B, T, C], new RandomGenerator(7)), { returnWeights: true });
      expect(Object.keys(out).sort()).toEqual(['output', 'weights']);
    });
  });
});
