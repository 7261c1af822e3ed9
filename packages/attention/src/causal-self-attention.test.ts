import { concat, noGrad, RandomGenerator, randn, slice, type Tensor, tidy } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { CausalSelfAttention } from './causal-self-attention.js';
import { copyAttentionWeights, exerciseToFused, fusedToExercise } from './convert.js';
import { LxmlsAttentionError } from './errors.js';
import { KVCache } from './kv-cache.js';
import { PretrainedCausalSelfAttention } from './pretrained-attention.js';

const config = { nEmbd: 12, nHead: 3, blockSize: 8, attnPdrop: 0, residPdrop: 0 };
const maxGap = (a: Tensor, b: Tensor) => {
  expect(a.shape).toEqual(b.shape);
  const y = b.data();
  return Array.from(a.data()).reduce((m, v, i) => Math.max(m, Math.abs(v - y[i]!)), 0);
};
const forms = [
  [
    'CausalSelfAttention',
    (seed: number) => new CausalSelfAttention(config, { generator: new RandomGenerator(seed) }),
  ],
  [
    'PretrainedCausalSelfAttention',
    (seed: number) => new PretrainedCausalSelfAttention(config, { generator: new RandomGenerator(seed) }),
  ],
] as const;

describe('CausalSelfAttention(config) and PretrainedCausalSelfAttention(config)', () => {
  test('CausalSelfAttention registers query/key/value/output projections and the persistent bias buffer', () => {
    const attn = forms[0][1](0);
    // PyTorch's state_dict order: the module's own buffers, then its children
    expect([...attn.stateDict().keys()]).toEqual([
      'bias',
      'query_proj.weight',
      'query_proj.bias',
      'key_proj.weight',
      'key_proj.bias',
      'value_proj.weight',
      'value_proj.bias',
      'output_proj.weight',
      'output_proj.bias',
    ]);
    expect(attn.namedModules().map(([n]) => n)).toEqual([
      '',
      'query_proj',
      'key_proj',
      'value_proj',
      'output_proj',
      'attn_dropout',
      'resid_dropout',
    ]);
    expect(attn.bias.shape).toEqual([1, 1, 8, 8]);
    expect((attn.bias.toArray() as number[][][][])[0]![0]![2]).toEqual([1, 1, 1, 0, 0, 0, 0, 0]);
  });

  test('PretrainedCausalSelfAttention registers c_attn (3C, C), c_proj and the bias buffer', () => {
    const attn = forms[1][1](0);
    expect([...attn.stateDict()].map(([n, t]) => `${n} ${t.shape}`)).toEqual([
      'bias 1,1,8,8',
      'c_attn.weight 36,12',
      'c_attn.bias 36',
      'c_proj.weight 12,12',
      'c_proj.bias 12',
    ]);
  });

  test.each(forms)(
    '%s: forward equals forward with returnWeights; weights are causal and sum to 1',
    (_, make) => {
      const attn = make(1);
      const x = randn([2, 5, 12], new RandomGenerator(2));
      const fast = attn.forward(x);
      const slow = attn.forward(x, { returnWeights: true });
      expect(fast.weights).toBeNull();
      expect(maxGap(fast.output, slow.output)).toBeLessThan(1e-5);
      const w = slow.weights!.toArray() as number[][][][];
      expect(slow.weights!.shape).toEqual([2, 3, 5, 5]);
      for (const head of w.flat(1)) {
        head.forEach((row, i) => {
          expect(row.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 5);
          for (const v of row.slice(i + 1)) expect(v).toBe(0);
        });
      }
    },
  );

  test.each(forms)('%s: the output at position t does not depend on later positions', (_, make) => {
    const attn = make(3);
    const g = new RandomGenerator(4);
    const x = randn([1, 6, 12], g);
    const y = concat([slice(x, [0, 0, 0], [1, 3, 12]), randn([1, 3, 12], g)], 1);
    const first3 = (t: Tensor) => slice(attn.forward(t).output, [0, 0, 0], [1, 3, 12]);
    expect(maxGap(first3(x), first3(y))).toBe(0);
  });

  test.each(forms)('%s with a KVCache: token-by-token outputs equal one full forward', (_, make) => {
    const attn = make(5).eval();
    const x = randn([2, 6, 12], new RandomGenerator(6));
    const full = attn.forward(x).output;
    const cache = new KVCache();
    const steps = noGrad(() =>
      [slice(x, [0, 0, 0], [2, 4, 12]), slice(x, [0, 4, 0], [2, 1, 12]), slice(x, [0, 5, 0], [2, 1, 12])].map(
        (part) => tidy(() => attn.forward(part, { cache }).output),
      ),
    );
    expect(cache.length).toBe(6);
    expect(maxGap(concat(steps, 1), full)).toBeLessThan(1e-5);
    const weights = noGrad(() =>
      attn.forward(slice(x, [0, 0, 0], [2, 1, 12]), { cache, returnWeights: true }),
    ).weights!;
    expect(weights.shape).toEqual([2, 3, 1, 7]);
    cache.dispose();
    expect(cache.length).toBe(0);
  });

  test.each(forms)('%s past blockSize positions throws SEQUENCE_TOO_LONG', (_, make) => {
    const attn = make(0);
    const call = () => attn.forward(randn([1, 9, 12]));
    expect(call).toThrow(LxmlsAttentionError);
    expect(call).toThrow(
      'Cannot attend over 9 positions. Expected at most blockSize 8 positions (cached + new), received 0 cached + 9 new.',
    );
  });

  test('CausalSelfAttention with nHead not dividing nEmbd throws INVALID_ARGUMENT', () => {
    expect(() => new CausalSelfAttention({ nEmbd: 10, nHead: 3, blockSize: 4 })).toThrow(
      'nEmbd must be a multiple of nHead',
    );
  });

  test('CausalSelfAttention dropout: training uses the generator, eval() turns it off', () => {
    const attn = new CausalSelfAttention(
      { ...config, attnPdrop: 0.5 },
      { generator: new RandomGenerator(1) },
    );
    const x = randn([1, 4, 12], new RandomGenerator(2));
    const train = attn.forward(x, { returnWeights: true });
    expect(train.weights!.data().some((v, i) => v === 0 && i % 5 === 0)).toBe(true); // some diagonal weight dropped
    attn.eval();
    const a = attn.forward(x).output;
    expect(maxGap(a, attn.forward(x, { returnWeights: true }).output)).toBeLessThan(1e-5);
  });
});

describe('copyAttentionWeights(source, target), exerciseToFused(state), fusedToExercise(state)', () => {
  test('copyAttentionWeights: both forms give identical outputs (within 1e-6) for mapped weights, both ways', () => {
    const exercise = forms[0][1](7);
    const fused = copyAttentionWeights(exercise, forms[1][1](8));
    const back = copyAttentionWeights(fused, forms[0][1](9));
    const x = randn([2, 7, 12], new RandomGenerator(10));
    const a = exercise.forward(x, { returnWeights: true });
    const b = fused.forward(x, { returnWeights: true });
    expect(maxGap(a.output, b.output)).toBeLessThan(1e-6);
    expect(maxGap(a.weights!, b.weights!)).toBeLessThan(1e-6);
    expect(maxGap(back.forward(x).output, fused.forward(x).output)).toBeLessThan(1e-6);
  });

  test('exerciseToFused stacks c_attn rows as [Wq; Wk; Wv] and renames output_proj to c_proj', () => {
    const exercise = forms[0][1](11);
    const fused = exerciseToFused(exercise.stateDict());
    expect([...fused.keys()]).toEqual([
      'bias',
      'c_attn.weight',
      'c_attn.bias',
      'c_proj.weight',
      'c_proj.bias',
    ]);
    const w = fused.get('c_attn.weight')!.toArray() as number[][];
    expect(w[12]).toEqual((exercise.keyProj.weight.toArray() as number[][])[0]);
    expect(w[35]).toEqual((exercise.valueProj.weight.toArray() as number[][])[11]);
  });

  test('fusedToExercise renames attn.c_proj but not mlp.c_proj in a GPT-shaped state dict', () => {
    const fused = forms[1][1](12);
    const state = new Map<string, Tensor>();
    for (const [k, t] of fused.stateDict()) state.set(`h.0.attn.${k}`, t);
    state.set('h.0.mlp.c_proj.weight', randn([12, 48]));
    expect([...fusedToExercise(state).keys()]).toEqual([
      'h.0.attn.bias',
      'h.0.attn.query_proj.weight',
      'h.0.attn.key_proj.weight',
      'h.0.attn.value_proj.weight',
      'h.0.attn.query_proj.bias',
      'h.0.attn.key_proj.bias',
      'h.0.attn.value_proj.bias',
      'h.0.attn.output_proj.weight',
      'h.0.attn.output_proj.bias',
      'h.0.mlp.c_proj.weight',
    ]);
  });
});
