import { readFileSync } from 'node:fs';
import { thrownError } from '@lxmls/base';
import { readSafetensors, writeSafetensors } from '@lxmls/nn';
import { memory, noGrad, RandomGenerator, type Tensor, tensor, tidy, zeros } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { hfBertStateDict } from './checkpoint.js';
import { bertConfig, bertConfigFromJson } from './config.js';
import { LxmlsBertError } from './errors.js';
import { BertModel } from './model.js';

const fixtures = new URL('./__fixtures__/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures));
const configText = read('tiny-bert/config.json').toString('utf8');
const weights = read('tiny-bert/model.safetensors');
const model = BertModel.fromSafetensors(configText, weights);
const ids = [[101, 1045, 2097, 2175, 2005, 1037, 2448, 1012, 102]];
const hidden = (m: BertModel, inputIds: number[][] = ids) =>
  tidy(() => noGrad(() => Array.from(m.forward({ inputIds }).lastHiddenState.data())));

/** The error a call throws, as a LxmlsBertError. */
const thrown = (call: () => unknown): LxmlsBertError => thrownError(LxmlsBertError, call);

/** The fixture's tensors under other keys, written back to safetensors bytes. */
function rewrite(rename: (key: string) => string | null, extra: [string, Tensor][] = []): Uint8Array {
  const { tensors } = readSafetensors(weights);
  const out = new Map<string, Tensor>();
  for (const [k, v] of tensors) {
    const name = rename(k);
    if (name !== null) out.set(name, v);
  }
  for (const [k, v] of extra) out.set(k, v);
  return writeSafetensors(out);
}

describe('BertModel structure', () => {
  test('new BertModel(config).stateDict() has exactly the Hugging Face keys and shapes of the checkpoint', () => {
    const header = JSON.parse(weights.subarray(8, 8 + Number(weights.readBigUInt64LE(0))).toString('utf8'));
    delete header.__metadata__;
    const ours = Object.fromEntries([...model.stateDict()].map(([k, t]) => [k, t.shape]));
    const theirs = Object.fromEntries(
      Object.entries(header).map(([k, v]) => [k, (v as { shape: number[] }).shape]),
    );
    expect(ours).toEqual(theirs);
  });

  test('BertModel.toString names the modules as PyTorch prints them', () => {
    const text = String(model);
    expect(text).toContain('(embeddings): BertEmbeddings(');
    expect(text).toContain('(LayerNorm): LayerNorm((48,), eps=1e-12, elementwise_affine=True)');
    expect(text).toContain('(self): BertSelfAttention(');
    expect(text).toContain('(pooler): BertPooler(');
  });

  test('new BertModel initialises as Hugging Face: N(0, 0.02²) weights, zero biases, LayerNorm 1/0, zero padding row', () => {
    const m = new BertModel(
      { vocabSize: 200, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 64 },
      { generator: new RandomGenerator(1) },
    );
    const w = Array.from(m.encoder.layer.at(0).intermediate.dense.weight.data());
    const mean = w.reduce((a, b) => a + b) / w.length;
    const std = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(Math.abs(std - 0.02)).toBeLessThan(0.002);
    expect([...m.pooler.dense.bias!.data()].every((v) => v === 0)).toBe(true);
    expect([...m.embeddings.layerNorm.weight.data()].every((v) => v === 1)).toBe(true);
    expect([...m.embeddings.wordEmbeddings.weight.data().subarray(0, 32)].every((v) => v === 0)).toBe(true);
    expect([...m.embeddings.wordEmbeddings.weight.data().subarray(32, 64)].some((v) => v !== 0)).toBe(true);
    // The same seed gives the same model.
    const again = new BertModel(m.config, { generator: new RandomGenerator(1) });
    expect([...again.encoder.layer.at(0).intermediate.dense.weight.data()]).toEqual([...w]);
    m.dispose();
    again.dispose();
  });

  test('BertModel.forward trains: every parameter receives a gradient', () => {
    const m = new BertModel(
      { vocabSize: 50, hiddenSize: 8, numHiddenLayers: 2, numAttentionHeads: 2, intermediateSize: 16 },
      { generator: new RandomGenerator(2) },
    );
    tidy(() => {
      const out = m.forward({ inputIds: [[1, 2, 3, 4]], tokenTypeIds: [[0, 0, 1, 1]] });
      out.lastHiddenState.mul(out.lastHiddenState).sum().add(out.poolerOutput.sum()).backward();
    });
    for (const [name, p] of m.namedParameters()) {
      expect(p.grad, name).toBeTruthy();
      if (!name.startsWith('embeddings.word_embeddings') && !name.startsWith('embeddings.position'))
        expect(
          [...p.grad!.data()].some((v) => v !== 0),
          name,
        ).toBe(true);
    }
    m.dispose();
  });

  test('BertModel.forward in training mode applies dropout; eval mode is deterministic', () => {
    const m = BertModel.fromSafetensors(configText, weights);
    const evalOut = hidden(m);
    m.train();
    const trainOut = hidden(m);
    expect(trainOut).not.toEqual(evalOut);
    m.eval();
    expect(hidden(m)).toEqual(evalOut);
    m.dispose();
  });

  test('BertModel.forward inside tidy leaks no tensor', () => {
    const before = memory().numTensors;
    hidden(model);
    tidy(() => {
      noGrad(() =>
        model.forward({
          inputIds: ids,
          attentionMask: [[1, 1, 1, 1, 1, 1, 1, 0, 0]],
          outputAttentions: true,
          outputHiddenStates: true,
        }),
      );
    });
    expect(memory().numTensors).toBe(before);
  });

  test('BertModel.forward takes a 1-D array, a 2-D array or an int32 tensor alike', () => {
    const a = hidden(model);
    expect(
      tidy(() => noGrad(() => Array.from(model.forward({ inputIds: ids[0]! }).lastHiddenState.data()))),
    ).toEqual(a);
    const t = tensor(ids, undefined, 'int32');
    expect(
      tidy(() => noGrad(() => Array.from(model.forward({ inputIds: t }).lastHiddenState.data()))),
    ).toEqual(a);
    t.dispose();
  });

  test('BertModel.forward: token type ids change the output', () => {
    const out = tidy(() =>
      noGrad(() =>
        Array.from(
          model
            .forward({ inputIds: ids, tokenTypeIds: [[0, 0, 0, 0, 1, 1, 1, 1, 1]] })
            .lastHiddenState.data(),
        ),
      ),
    );
    expect(out).not.toEqual(hidden(model));
  });
});

describe('BertModel loading', () => {
  test('BertModel.fromSafetensors takes the bert. prefix, task heads, position_ids and gamma/beta names', () => {
    const bytes = rewrite(
      (k) =>
        `bert.${k.replace(/LayerNorm\.weight$/, 'LayerNorm.gamma').replace(/LayerNorm\.bias$/, 'LayerNorm.beta')}`,
      [
        ['bert.embeddings.position_ids', tensor([[0, 1, 2]], undefined, 'int32')],
        ['cls.predictions.bias', zeros([30522])],
      ],
    );
    const m = BertModel.fromSafetensors(JSON.parse(configText), bytes);
    expect(hidden(m)).toEqual(hidden(model));
    m.dispose();
  });

  test('hfBertStateDict keeps unprefixed keys and drops the buffers', () => {
    const t = zeros([2]);
    const { state, ignoredKeys } = hfBertStateDict(
      new Map([
        ['embeddings.LayerNorm.weight', t],
        ['embeddings.token_type_ids', t],
      ]),
    );
    expect([...state.keys()]).toEqual(['embeddings.LayerNorm.weight']);
    expect(ignoredKeys).toEqual(['embeddings.token_type_ids']);
  });

  test('BertModel.fromSafetensors of a checkpoint without a weight throws MISSING_KEY naming it', () => {
    const bytes = rewrite((k) => (k === 'pooler.dense.bias' ? null : k));
    const e = thrown(() => BertModel.fromSafetensors(configText, bytes));
    expect(e.code).toBe('MISSING_KEY');
    expect(e.message).toContain('pooler.dense.bias');
    // strict: false loads the rest and reports it
    const m = new BertModel(bertConfigFromJson(configText));
    const { tensors } = readSafetensors(bytes);
    expect(m.loadHFStateDict(tensors, { strict: false }).missingKeys).toEqual(['pooler.dense.bias']);
    m.dispose();
  });

  test('BertModel.fromSafetensors with an extra weight throws UNEXPECTED_KEY naming it', () => {
    const bytes = rewrite((k) => k, [['encoder.layer.3.output.dense.bias', zeros([48])]]);
    const e = thrown(() => BertModel.fromSafetensors(configText, bytes));
    expect(e.code).toBe('UNEXPECTED_KEY');
    expect(e.message).toContain('encoder.layer.3.output.dense.bias');
  });

  test('BertModel.fromSafetensors with a config of another size throws SHAPE_MISMATCH naming key and shapes', () => {
    const config = { ...JSON.parse(configText), intermediate_size: 64 };
    const e = thrown(() => BertModel.fromSafetensors(config, weights));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toBe(
      "[@lxmls/bert] BertModel.loadHFStateDict: encoder.layer.0.intermediate.dense.bias has another shape in the checkpoint. Expected shape (64) (the model's, from its config), received shape (96).",
    );
  });
});

describe('BertModel.forward errors', () => {
  test.each([
    ['an id out of the vocabulary', 'INVALID_ARGUMENT', { inputIds: [[101, 30522]] }, /\[0, 30522\)/],
    ['a negative id', 'INVALID_ARGUMENT', { inputIds: [-1] }, /-1 at position 0/],
    ['a fractional id', 'INVALID_ARGUMENT', { inputIds: [1.5] }, /not an integer/],
    ['ragged rows', 'INVALID_ARGUMENT', { inputIds: [[1, 2], [3]] }, /rows of different lengths/],
    ['no token', 'INVALID_ARGUMENT', { inputIds: [] }, /empty/],
    ['too many tokens', 'SEQUENCE_TOO_LONG', { inputIds: Array(65).fill(1) }, /at most 64 tokens/],
    ['a token type of 2', 'INVALID_ARGUMENT', { inputIds: [1, 2], tokenTypeIds: [0, 2] }, /\[0, 2\)/],
    [
      'a mask of another length',
      'SHAPE_MISMATCH',
      { inputIds: [1, 2], attentionMask: [1] },
      /shape \(1, 2\)/,
    ],
    ['a float tensor', 'INVALID_ARGUMENT', { inputIds: zeros([1, 2]) }, /int32 tensor/],
    ['a string', 'INVALID_ARGUMENT', { inputIds: 'hello' }, /must be ids/],
  ] as const)('BertModel.forward with %s throws %s', (_, code, input, message) => {
    const e = thrown(() => model.forward(input as never));
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/^\[@lxmls\/bert\] BertModel\.forward: /);
  });

  test('BertModel.forward without an input object throws INVALID_ARGUMENT', () => {
    expect(thrown(() => model.forward([1, 2] as never)).code).toBe('INVALID_ARGUMENT');
  });
});

describe('bertConfig and bertConfigFromJson', () => {
  test('bertConfigFromJson reads the fixture config', () => {
    expect(bertConfigFromJson(configText)).toEqual({
      vocabSize: 30522,
      hiddenSize: 48,
      numHiddenLayers: 3,
      numAttentionHeads: 3,
      intermediateSize: 96,
      hiddenAct: 'gelu',
      hiddenDropoutProb: 0.1,
      attentionProbsDropoutProb: 0.1,
      maxPositionEmbeddings: 64,
      typeVocabSize: 2,
      initializerRange: 0.1,
      layerNormEps: 1e-12,
      padTokenId: 0,
    });
  });

  test('bertConfigFromJson of {} gives bert-base-uncased', () => {
    expect(bertConfigFromJson('{}')).toEqual(bertConfig());
  });

  test.each([
    ['hidden size not a multiple of the heads', 'hiddenSize', { hidden_size: 50, num_attention_heads: 3 }],
    ['an activation it does not run', 'hiddenAct', { hidden_act: 'swish' }],
    ['relative positions', 'position_embedding_type', { position_embedding_type: 'relative_key' }],
    ['another model type', 'model_type', { model_type: 'gpt2' }],
    ['a decoder', 'is_decoder', { is_decoder: true }],
    ['zero layers', 'numHiddenLayers', { num_hidden_layers: 0 }],
    ['dropout 1', 'hiddenDropoutProb', { hidden_dropout_prob: 1 }],
    ['a pad id beyond the vocabulary', 'padTokenId', { vocab_size: 10, pad_token_id: 10 }],
  ])('bertConfigFromJson with %s throws INVALID_CONFIG naming %s', (_, field, json) => {
    const e = thrown(() => bertConfigFromJson(json));
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.argument).toBe(field);
  });

  test('bertConfigFromJson of broken JSON throws INVALID_CONFIG, the parser error as its cause', () => {
    const e = thrown(() => bertConfigFromJson('{"hidden_size": '));
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.message).toBe(
      '[@lxmls/bert] bertConfigFromJson: the config is not valid JSON. Expected the text of a config.json, received string "{\\"hidden_size\\": ".',
    );
    expect(e.cause).toBeInstanceOf(SyntaxError);
  });

  test('new BertModel with a bad config throws INVALID_CONFIG', () => {
    expect(thrown(() => new BertModel({ numAttentionHeads: 5 })).code).toBe('INVALID_CONFIG');
  });
});
