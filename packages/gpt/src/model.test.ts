import { exerciseToFused } from '@lxmls/attention';
import { argmax, memory, RandomGenerator, type Tensor, tensor, tidy } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { weatherConfig } from './__fixtures__/weather-config.js';
import { getDefaultConfig } from './config.js';
import { LxmlsGptError } from './errors.js';
import { GPT } from './model.js';

// Golden values A of docs/course-behaviour.md §8: lxmls master, torch 1.13 CPU, float32, LCG initialisation.
const GOLDEN_A = {
  x: [1, 4, 4, 4, 3, 2, 6, 7, 7, 7, 7],
  y: [-1, -1, -1, -1, -1, 6, 7, 7, 7, 7, 7],
  loss: 1.7292594909667969,
  logits: {
    0: [-0.106656, 0.151153, -0.253263, 0.425529, -0.189126, 0.374797, 0.836628, 0.556723],
    5: [0.359592, 0.200465, 0.238035, 0.192074, -0.156597, 0.061572, 0.532085, 0.711284],
    10: [0.270126, 0.070381, -0.184576, 0.020753, 0.048398, 0.110678, 0.311242, 0.507644],
  } as Record<number, number[]>,
  argmax: [6, 7, 7, 7, 7, 7, 7, 7, 6, 7, 7],
};

const ids = (rows: number[][]) => tensor(rows, undefined, 'int32');

describe('GPT(config, options): module tree and parameters', () => {
  test('GPT names and orders its parameters as the toolkit (exercise attention), with the §2.7 shapes', () => {
    const model = new GPT(weatherConfig(), { init: 'none' });
    const names = model.namedParameters().map(([n, p]) => `${n} ${p.shape}`);
    expect(names.slice(0, 20)).toEqual([
      'transformer.wte.weight 8,48',
      'transformer.wpe.weight 11,48',
      'transformer.h.0.ln_1.weight 48',
      'transformer.h.0.ln_1.bias 48',
      'transformer.h.0.attn.query_proj.weight 48,48',
      'transformer.h.0.attn.query_proj.bias 48',
      'transformer.h.0.attn.key_proj.weight 48,48',
      'transformer.h.0.attn.key_proj.bias 48',
      'transformer.h.0.attn.value_proj.weight 48,48',
      'transformer.h.0.attn.value_proj.bias 48',
      'transformer.h.0.attn.output_proj.weight 48,48',
      'transformer.h.0.attn.output_proj.bias 48',
      'transformer.h.0.ln_2.weight 48',
      'transformer.h.0.ln_2.bias 48',
      'transformer.h.0.mlp.c_fc.weight 192,48',
      'transformer.h.0.mlp.c_fc.bias 192',
      'transformer.h.0.mlp.c_proj.weight 48,192',
      'transformer.h.0.mlp.c_proj.bias 48',
      'transformer.h.1.ln_1.weight 48',
      'transformer.h.1.ln_1.bias 48',
    ]);
    expect(names.slice(-3)).toEqual([
      'transformer.ln_f.weight 48',
      'transformer.ln_f.bias 48',
      'lm_head.weight 8,48',
    ]);
    expect(names).toHaveLength(53);
    expect(model.stateDict().has('transformer.h.0.attn.bias')).toBe(true);
    expect(model.stateDict().get('transformer.h.2.attn.bias')?.shape).toEqual([1, 1, 11, 11]);
  });

  test('GPT with pretrained: true uses the fused c_attn attention', () => {
    const model = new GPT(weatherConfig({ pretrained: true }), { init: 'none' });
    const names = model.namedParameters().map(([n]) => n);
    expect(names).toContain('transformer.h.0.attn.c_attn.weight');
    expect(names).toContain('transformer.h.0.attn.c_proj.weight');
    expect(names).not.toContain('transformer.h.0.attn.query_proj.weight');
  });

  test('GPT toString mirrors the PyTorch module repr', () => {
    const text = new GPT(weatherConfig(), { init: 'none' }).toString();
    expect(text.split('\n').slice(0, 4)).toEqual([
      'GPT(',
      '  (transformer): ModuleDict(',
      '    (wte): Embedding(8, 48)',
      '    (wpe): Embedding(11, 48)',
    ]);
    expect(text).toContain('(lm_head): Linear(in_features=48, out_features=8, bias=False)');
  });

  test.each([
    ['gpt-nano', 8, 11, 85_824, 'number of parameters: 0.09M'],
    ['gpt-nano', 50257, 1024, 2_546_400, 'number of parameters: 2.55M'],
    ['gpt-micro', 50257, 1024, 7_357_312, 'number of parameters: 7.36M'],
  ])(
    'parameterCountLine() of %s (V=%i, block %i) counts the transformer only',
    (modelType, vocabSize, blockSize, count, line) => {
      const model = new GPT({ ...getDefaultConfig(), modelType, vocabSize, blockSize }, { init: 'none' });
      expect(model.numTransformerParameters()).toBe(count);
      expect(model.parameterCountLine()).toBe(line);
      model.dispose();
    },
  );

  test('GPT normal init: N(0, 0.02) weights, zero biases, LayerNorm ones; mlp.c_proj scaled but not output_proj', () => {
    const model = new GPT(weatherConfig(), { generator: new RandomGenerator(3) });
    const params = new Map(model.namedParameters());
    const std = (t: Tensor) => {
      const d = Array.from(t.data());
      const m = d.reduce((s, v) => s + v, 0) / d.length;
      return Math.sqrt(d.reduce((s, v) => s + (v - m) ** 2, 0) / d.length);
    };
    expect(std(params.get('transformer.h.0.mlp.c_fc.weight')!)).toBeCloseTo(0.02, 2);
    expect(std(params.get('transformer.h.0.mlp.c_proj.weight')!)).toBeCloseTo(0.02 / Math.sqrt(6), 3);
    expect(std(params.get('transformer.h.0.attn.output_proj.weight')!)).toBeCloseTo(0.02, 2);
    expect(Array.from(params.get('transformer.h.1.attn.key_proj.bias')!.data()).every((v) => v === 0)).toBe(
      true,
    );
    expect(Array.from(params.get('transformer.ln_f.weight')!.data()).every((v) => v === 1)).toBe(true);
    const again = new GPT(weatherConfig(), { generator: new RandomGenerator(3) });
    expect(again.lmHead.weight.data()).toEqual(model.lmHead.weight.data());
  });

  test('GPT pretrained init also scales attn.c_proj.weight (minGPT)', () => {
    const model = new GPT(weatherConfig({ pretrained: true }), { generator: new RandomGenerator(4) });
    const w = Array.from(new Map(model.namedParameters()).get('transformer.h.0.attn.c_proj.weight')!.data());
    expect(Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length)).toBeCloseTo(0.02 / Math.sqrt(6), 3);
  });
});

describe('GPT.forward(idx, targets, options): golden values A (course-behaviour §8)', () => {
  const model = new GPT(weatherConfig(), { init: 'lcg' }).eval();

  test('forward(x, y) gives loss 1.7292594909667969 and the golden logits rows 0, 5, 10', () => {
    const { logits, loss } = model.forward(ids([GOLDEN_A.x]), ids([GOLDEN_A.y]));
    expect(Math.abs(loss!.item() - GOLDEN_A.loss)).toBeLessThan(1e-5 * GOLDEN_A.loss);
    const rows = (logits.toArray() as number[][][])[0]!;
    for (const [t, expected] of Object.entries(GOLDEN_A.logits)) {
      for (const [j, v] of expected.entries())
        expect(Math.abs(rows[Number(t)]![j]! - v)).toBeLessThan(2e-6 + 1e-5 * Math.abs(v));
    }
    expect(Array.from(argmax(logits, -1).data())).toEqual(GOLDEN_A.argmax);
  });

  test('forward in train mode with dropout 0 equals eval mode', () => {
    const train = new GPT(weatherConfig({ embdPdrop: 0, residPdrop: 0, attnPdrop: 0 }), { init: 'lcg' });
    expect(train.forward(ids([GOLDEN_A.x]), ids([GOLDEN_A.y])).loss!.item()).toBeCloseTo(GOLDEN_A.loss, 5);
  });

  test('forward without targets gives loss null; with every target -1 the loss is NaN', () => {
    expect(model.forward(ids([GOLDEN_A.x])).loss).toBeNull();
    expect(model.forward(ids([GOLDEN_A.x]), ids([GOLDEN_A.x.map(() => -1)])).loss!.item()).toBeNaN();
  });

  test('forward with returnAttentions gives one (B, nh, T, T) causal weight tensor per layer, same logits', () => {
    const plain = model.forward(ids([GOLDEN_A.x]));
    const { logits, attentions } = model.forward(ids([GOLDEN_A.x]), null, { returnAttentions: true });
    expect(attentions!.map((a) => a.shape)).toEqual([
      [1, 3, 11, 11],
      [1, 3, 11, 11],
      [1, 3, 11, 11],
    ]);
    expect((attentions![0]!.toArray() as number[][][][])[0]![0]![0]!.slice(1).every((v) => v === 0)).toBe(
      true,
    );
    const gap = Array.from(logits.data()).reduce(
      (m, v, i) => Math.max(m, Math.abs(v - plain.logits.data()[i]!)),
      0,
    );
    expect(gap).toBeLessThan(1e-5);
  });

  test('the fused (pretrained) form with mapped weights gives the same logits', () => {
    const fused = new GPT(weatherConfig({ pretrained: true }), { init: 'none' }).eval();
    tidy(() => fused.loadStateDict(exerciseToFused(model.stateDict())));
    const a = model.forward(ids([GOLDEN_A.x])).logits.data();
    const b = fused.forward(ids([GOLDEN_A.x])).logits.data();
    expect(Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0)).toBeLessThan(1e-5);
  });

  test('forward over 12 positions throws SEQUENCE_TOO_LONG with the toolkit message', () => {
    const call = () => model.forward(ids([[...GOLDEN_A.x, 1]]));
    expect(call).toThrow(LxmlsGptError);
    expect(call).toThrow('Cannot forward sequence of length 12, block size is only 11');
  });

  test.each([
    ['float ids', () => model.forward(tensor([[1, 2]])), 'idx must be int32 token ids (B, T)'],
    [
      'targets of another shape',
      () => model.forward(ids([[1, 2]]), ids([[1]])),
      'Expected int32 (1, 2), received int32 (1, 1).',
    ],
  ])('forward with %s throws INVALID_ARGUMENT', (_, call, message) => {
    expect(call).toThrow(message);
  });

  test('forward + backward inside tidy leaves no tensor behind but the gradients', () => {
    const train = new GPT(weatherConfig({ embdPdrop: 0, residPdrop: 0, attnPdrop: 0 }), { init: 'lcg' });
    tidy(() => train.forward(ids([GOLDEN_A.x]), ids([GOLDEN_A.y])).loss!.backward());
    const before = memory().numTensors;
    tidy(() => train.forward(ids([GOLDEN_A.x]), ids([GOLDEN_A.y])).loss!.backward());
    expect(memory().numTensors).toBe(before);
    expect(train.parameters().every((p) => p.grad !== null)).toBe(true);
  });
});

describe('GPT.configureOptimizers(trainConfig)', () => {
  test('configureOptimizers: gpt-nano has 19 decayed tensors (Linear weights) and 34 others, sorted by name', () => {
    const model = new GPT(weatherConfig(), { init: 'none' });
    const [decay, noDecay] = model.configureOptimizers({ weightDecay: 0.1 });
    expect(decay!.params).toHaveLength(19);
    expect(noDecay!.params).toHaveLength(34);
    expect(decay!.weightDecay).toBe(0.1);
    expect(noDecay!.weightDecay).toBe(0);
    expect(decay!.names).toEqual([...decay!.names].sort());
    expect(decay!.names).toContain('lm_head.weight');
    expect(noDecay!.names).toContain('transformer.wte.weight');
    expect(noDecay!.names).toContain('transformer.h.0.ln_1.weight');
    const params = new Map(model.namedParameters());
    for (const g of [decay!, noDecay!]) expect(g.params).toEqual(g.names.map((n) => params.get(n)));
  });

  test('configureOptimizers sorts lexicographically (h.10 before h.2)', () => {
    const model = new GPT(
      { ...getDefaultConfig(), modelType: null, nLayer: 11, nHead: 1, nEmbd: 4, vocabSize: 3, blockSize: 2 },
      { init: 'none' },
    );
    const [decay] = model.configureOptimizers({ weightDecay: 0.1 });
    const i10 = decay!.names.findIndex((n) => n.startsWith('transformer.h.10.'));
    const i2 = decay!.names.findIndex((n) => n.startsWith('transformer.h.2.'));
    expect(i10).toBeLessThan(i2);
  });
});
