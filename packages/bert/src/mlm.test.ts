import { thrownError } from '@lxmls/base';
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from '@lxmls/nn';
import { manualSeed, noGrad, RandomGenerator, type Tensor, tensor, tidy, zeros } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { LxmlsBertError } from './errors.js';
import { BertForMaskedLM } from './mlm.js';
import { BertModel } from './model.js';

const config = {
  vocabSize: 40,
  hiddenSize: 8,
  numHiddenLayers: 2,
  numAttentionHeads: 2,
  intermediateSize: 16,
};
const hfConfig = {
  vocab_size: 40,
  hidden_size: 8,
  num_hidden_layers: 2,
  num_attention_heads: 2,
  intermediate_size: 16,
};
const ids = [
  [2, 7, 11, 5, 9, 3],
  [2, 30, 8, 8, 14, 3],
];
const labels = [
  [-1, 7, -1, -1, 20, -1],
  [-1, -1, -1, 8, -1, -100],
];

function build(seed = 0): BertForMaskedLM {
  manualSeed(seed);
  return new BertForMaskedLM(config, { generator: new RandomGenerator(seed) }).eval() as BertForMaskedLM;
}

const thrown = (call: () => unknown): LxmlsBertError => thrownError(LxmlsBertError, call);

describe('BertForMaskedLM', () => {
  test('forward(ids, labels) computes logits only at the labelled positions', () => {
    const mlm = build();
    tidy(() =>
      noGrad(() => {
        const out = mlm.forward(ids, labels);
        expect(out.logits.shape).toEqual([3, 40]);
        expect(Array.from(out.positions!)).toEqual([1, 4, 9]);
        expect(out.loss!.shape).toEqual([]);
      }),
    );
  });

  test('forward(ids) without labels gives logits at every position and no loss', () => {
    const mlm = build();
    tidy(() =>
      noGrad(() => {
        const out = mlm.forward({ inputIds: ids, outputAttentions: true });
        expect(out.logits.shape).toEqual([2, 6, 40]);
        expect(out.loss).toBeNull();
        expect(out.attentions?.map((a) => a.shape)).toEqual([
          [2, 2, 6, 6],
          [2, 2, 6, 6],
        ]);
      }),
    );
  });

  test('forward(ids, labels) loss equals the cross-entropy computed by hand from the full logits', () => {
    const mlm = build(3);
    const { loss, rows } = tidy(() =>
      noGrad(() => {
        const full = mlm.forward(ids).logits.toArray() as number[][][]; // (B, T, V)
        return { loss: mlm.forward(ids, labels).loss!.item(), rows: full };
      }),
    );
    let sum = 0;
    let n = 0;
    labels.forEach((row, b) => {
      row.forEach((label, t) => {
        if (label < 0) return;
        const logits = rows[b]![t]!;
        const max = Math.max(...logits);
        const lse = max + Math.log(logits.reduce((s, z) => s + Math.exp(z - max), 0));
        sum += lse - logits[label]!;
        n++;
      });
    });
    expect(n).toBe(3);
    expect(loss).toBeCloseTo(sum / n, 5);
  });

  test('the decoder is tied: the word embeddings get the gradient of the output layer too', () => {
    const mlm = build();
    const word = mlm.bert.embeddings.wordEmbeddings.weight;
    expect(mlm.cls.predictions.decoderWeight).toBe(word);
    tidy(() => {
      mlm.forward(ids, labels).loss!.backward();
    });
    const grad = word.grad!.toArray() as number[][];
    // token 20 never appears in the input: only the decoder can give its embedding row a gradient
    expect(grad[20]!.some((g) => g !== 0)).toBe(true);
    // and the decoder is not a second parameter
    expect(mlm.parameters().filter((p) => p === word)).toHaveLength(1);
    mlm.zeroGrad();
  });

  test('stateDict() has Hugging Face BertForMaskedLM key names, without the tied decoder', () => {
    const keys = [...build().stateDict().keys()];
    expect(keys).toContain('bert.embeddings.word_embeddings.weight');
    expect(keys).toContain('bert.encoder.layer.1.output.LayerNorm.bias');
    expect(keys.filter((k) => k.startsWith('cls.'))).toEqual([
      'cls.predictions.bias',
      'cls.predictions.transform.dense.weight',
      'cls.predictions.transform.dense.bias',
      'cls.predictions.transform.LayerNorm.weight',
      'cls.predictions.transform.LayerNorm.bias',
    ]);
  });

  test.each([
    ['float32', 'F32', 0],
    ['float16', 'F16', 2e-3],
  ] as const)(
    'toSafetensors({ dtype: %s }) round-trips through fromSafetensors',
    (dtype, fileDtype, tolerance) => {
      const mlm = build(1);
      // move the head off its initial values so the round trip is checked on weights that are not 0/1
      noGrad(() =>
        mlm.cls.predictions.bias.copyFrom(Float32Array.from({ length: 40 }, (_, i) => Math.sin(i))),
      );
      const bytes = mlm.toSafetensors({ dtype });
      const header = readSafetensorsHeader(bytes);
      const entry = header.entries.find((e) => e.name === 'cls.predictions.bias')!;
      expect(entry.dtype).toBe(fileDtype);
      const loaded = BertForMaskedLM.fromSafetensors(hfConfig, bytes);
      expect(loaded.training).toBe(false);
      const [a, b] = tidy(() =>
        noGrad(() => [mlm, loaded].map((m) => Array.from(m.forward(ids, labels).logits.data()))),
      );
      const diff = Math.max(...a!.map((v, i) => Math.abs(v - b![i]!)));
      expect(diff).toBeLessThanOrEqual(tolerance === 0 ? 0 : tolerance * 10);
      if (tolerance === 0) expect(diff).toBe(0);
    },
  );

  test('fromSafetensors reads a Hugging Face checkpoint with the tied decoder and the NSP head, leaving them out', () => {
    const mlm = build(2);
    const state = new Map<string, Tensor>(mlm.stateDict());
    state.set('cls.predictions.decoder.weight', mlm.bert.embeddings.wordEmbeddings.weight);
    state.set('cls.predictions.decoder.bias', mlm.cls.predictions.bias);
    state.set('cls.seq_relationship.weight', zeros([2, 8]));
    state.set('bert.embeddings.position_ids', zeros([1, 512], 'int32'));
    const loaded = new BertForMaskedLM(config, { initWeights: false });
    const { tensors } = readSafetensors(writeSafetensors(state));
    const result = loaded.loadHFStateDict(tensors);
    expect(result.missingKeys).toEqual([]);
    expect(result.unexpectedKeys.sort()).toEqual([
      'bert.embeddings.position_ids',
      'cls.predictions.decoder.bias',
      'cls.predictions.decoder.weight',
      'cls.seq_relationship.weight',
    ]);
    const logits = (m: BertForMaskedLM) =>
      tidy(() => noGrad(() => Array.from(m.eval().forward(ids, labels).logits.data())));
    expect(logits(loaded)).toEqual(logits(mlm));
  });

  test('BertModel.fromSafetensors loads the encoder of a saved BertForMaskedLM (bert. prefix, cls.* left out)', () => {
    const mlm = build(4);
    const encoder = BertModel.fromSafetensors(hfConfig, mlm.toSafetensors());
    const hidden = (m: BertModel) =>
      tidy(() => noGrad(() => Array.from(m.forward({ inputIds: ids }).lastHiddenState.data())));
    expect(hidden(encoder)).toEqual(hidden(mlm.bert));
  });

  test('loadHFStateDict without the head throws MISSING_KEY naming cls.predictions.bias', () => {
    const mlm = build();
    const state = new Map([...mlm.stateDict()].filter(([k]) => !k.startsWith('cls.')));
    const e = thrown(() => new BertForMaskedLM(config, { initWeights: false }).loadHFStateDict(state));
    expect(e.code).toBe('MISSING_KEY');
    expect(e.argument).toBe('cls.predictions.bias');
  });

  test('loadHFStateDict with a head of another vocabulary throws SHAPE_MISMATCH naming the key', () => {
    const mlm = build();
    const state = new Map(mlm.stateDict());
    state.set('cls.predictions.bias', zeros([41]));
    const e = thrown(() => new BertForMaskedLM(config, { initWeights: false }).loadHFStateDict(state));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toContain('cls.predictions.bias');
  });

  test.each([
    ['labels of another shape', 'SHAPE_MISMATCH', [[1, 2, 3]]],
    ['no labelled position', 'INVALID_ARGUMENT', ids.map((r) => r.map(() => -1))],
    [
      'a label outside the vocabulary',
      'INVALID_ARGUMENT',
      ids.map((r) => r.map((_, t) => (t === 1 ? 40 : -1))),
    ],
  ])('forward with %s throws %s', (_, code, bad) => {
    const mlm = build();
    expect(thrown(() => tidy(() => noGrad(() => mlm.forward(ids, bad)))).code).toBe(code);
  });

  test('configureOptimizers decays every weight but biases and LayerNorm weights', () => {
    const [decay, noDecay] = build().configureOptimizers({ weightDecay: 0.01 });
    expect(decay!.names).toContain('bert.embeddings.word_embeddings.weight');
    expect(decay!.names).toContain('cls.predictions.transform.dense.weight');
    expect(decay!.names.some((n) => n.endsWith('.bias') || n.endsWith('LayerNorm.weight'))).toBe(false);
    expect(noDecay!.names).toContain('cls.predictions.bias');
    expect(noDecay!.names).toContain('bert.embeddings.LayerNorm.weight');
    expect(decay!.params.length + noDecay!.params.length).toBe(build().parameters().length);
  });

  test('forward(x, y) trains: the loss falls over a few AdamW steps on a fixed batch', async () => {
    const { adamwUpdate } = await import('@lxmls/tensor');
    const mlm = build(5).train() as BertForMaskedLM;
    const x = tensor(Int32Array.from(ids.flat()), [2, 6], 'int32');
    const y = tensor(Int32Array.from(labels.flat()), [2, 6], 'int32');
    const params = mlm.parameters();
    const moments = params.map((p) => [zeros(p.shape), zeros(p.shape)] as const);
    const losses: number[] = [];
    for (let step = 1; step <= 30; step++) {
      tidy(() => {
        mlm.zeroGrad();
        const { loss } = mlm.forward(x, y);
        losses.push(loss!.item());
        loss!.backward();
        params.forEach((p, i) => {
          if (p.grad === null) return; // the pooler is not on the loss's path
          adamwUpdate(p, p.grad!, moments[i]![0], moments[i]![1], { lr: 1e-2, step });
        });
      });
    }
    expect(losses[29]!).toBeLessThan(losses[0]! / 2);
  });
});
