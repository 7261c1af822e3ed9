import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attentionForViz, loadBertFolder } from '@lxmls/bert';
import { describe, expect, test } from 'vitest';
import { bertFromFiles, bertHeadViewData } from './bert-files.js';

const tinyBert = join(import.meta.dirname, '../../../../packages/bert/src/__fixtures__/tiny-bert');
const SENTENCE = 'I will go for a run and will jump into a lake.';
const read = (...names: string[]) =>
  new Map(names.map((n) => [n, new Uint8Array(readFileSync(join(tinyBert, n)))]));

describe('bert-files', () => {
  test('bertFromFiles builds the same BERT as loadBertFolder, and the notebook view has 13 WordPieces', async () => {
    const bert = bertFromFiles(
      read('config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'),
    );
    expect(bert.used).toEqual(['config.json', 'tokenizer_config.json', 'vocab.txt', 'model.safetensors']);
    const reference = await loadBertFolder(tinyBert);
    const data = bertHeadViewData(bert, SENTENCE);
    expect(data.tokens).toEqual(reference.tokenizer.tokenize(SENTENCE));
    expect(data.tokens).toHaveLength(13);
    const expected = attentionForViz(reference.model, reference.tokenizer, SENTENCE, {
      addSpecialTokens: false,
    });
    expect(data.attention).toEqual(expected.attention);
    const withSpecials = bertHeadViewData(bert, SENTENCE, { specialTokens: true });
    expect([withSpecials.tokens[0], withSpecials.tokens.at(-1), withSpecials.tokens.length]).toEqual([
      '[CLS]',
      '[SEP]',
      15,
    ]);
    bert.model.dispose();
    reference.model.dispose();
  });

  test.each([
    [
      ['vocab.txt', 'model.safetensors'],
      /^The folder has no config\.json\. Expected a Hugging Face BERT folder; this one has model\.safetensors, vocab\.txt\.$/,
    ],
    [['config.json', 'model.safetensors'], /no vocab\.txt\. Expected a tokenizer\.json or a vocab\.txt/],
    [['config.json', 'vocab.txt'], /no model\.safetensors/],
  ])('bertFromFiles(%j) names the missing file', (names, message) => {
    expect(() => bertFromFiles(read(...names))).toThrow(message);
  });

  test('bertHeadViewData of an empty text throws', () => {
    const bert = bertFromFiles(read('config.json', 'vocab.txt', 'model.safetensors'));
    expect(() => bertHeadViewData(bert, '  ')).toThrow(/the text has no tokens/);
    bert.model.dispose();
  });
});
