// Tests of attentionForViz's neuron-view data (queriesKeys) and its cropping of a text longer than
// max_position_embeddings, on the tiny BERT fixture (3 layers, 3 heads, hidden size 48, 64 positions).
import { readFileSync } from 'node:fs';
import { tensor } from '@lxmls/tensor';
import { describe, expect, test } from 'vitest';
import { BertModel } from './model.js';
import { BertTokenizer } from './tokenizer.js';
import { attentionForViz } from './viz.js';

const dir = new URL('./__fixtures__/tiny-bert/', import.meta.url);
const model = BertModel.fromSafetensors(
  readFileSync(new URL('config.json', dir), 'utf8'),
  readFileSync(new URL('model.safetensors', dir)),
);
const tokenizer = BertTokenizer.fromVocab(readFileSync(new URL('vocab.txt', dir), 'utf8'));

describe('attentionForViz', () => {
  test("attentionForViz with queriesKeys gives layer 0's query and key projections of the embeddings, split into heads", () => {
    const viz = attentionForViz(model, tokenizer, 'A lake.', { queriesKeys: true });
    expect(viz.tokens).toEqual(['[CLS]', 'a', 'lake', '.', '[SEP]']);
    expect([viz.queries!.length, viz.queries![0]!.length, viz.queries![0]![0]!.length]).toEqual([3, 3, 5]);
    const ids = tokenizer.convertTokensToIds(viz.tokens);
    const embedded = model.embeddings.forward(
      tensor([ids], undefined, 'int32'),
      tensor([ids.map(() => 0)], undefined, 'int32'),
    );
    const self = [...model.encoder.layer][0]!.attention.self;
    for (const [projection, got] of [
      [self.query, viz.queries!],
      [self.key, viz.keys!],
    ] as const) {
      const full = (projection.forward(embedded).toArray() as number[][][])[0]!; // (T, 48)
      for (const h of [0, 2])
        for (const t of [0, 4])
          for (const [i, v] of got[0]![h]![t]!.entries()) expect(v).toBeCloseTo(full[t]![h * 16 + i]!, 5);
    }
    expect(attentionForViz(model, tokenizer, 'A lake.')).not.toHaveProperty('queries');
  });

  test('attentionForViz crops a text longer than max_position_embeddings to its first tokens and the closing [SEP]', () => {
    const long = Array.from({ length: 100 }, () => 'lake').join(' ');
    const viz = attentionForViz(model, tokenizer, long);
    expect([viz.tokens.length, viz.tokens[0], viz.tokens.at(-2), viz.tokens.at(-1), viz.croppedFrom]).toEqual(
      [64, '[CLS]', 'lake', '[SEP]', 102],
    );
    expect(viz.attention[2]![1]!.length).toBe(64);
    const bare = attentionForViz(model, tokenizer, long, { addSpecialTokens: false });
    expect([bare.tokens.length, bare.tokens.at(-1), bare.croppedFrom]).toEqual([64, 'lake', 100]);
    expect(attentionForViz(model, tokenizer, 'A lake.')).not.toHaveProperty('croppedFrom');
  });
});
