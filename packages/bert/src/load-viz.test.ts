import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rejectedError } from '@lxmls/base';
import { readSafetensors } from '@lxmls/nn';
import { afterAll, describe, expect, test } from 'vitest';
import { LxmlsBertError } from './errors.js';
import { loadBertFolder, tokenizerConfigOptions } from './load.js';
import { attentionForViz } from './viz.js';

const fixtureDir = fileURLToPath(new URL('./__fixtures__/tiny-bert/', import.meta.url));
const reference = readSafetensors(
  readFileSync(new URL('./__fixtures__/tiny-bert-reference.safetensors', import.meta.url)),
);
const text = 'I will go for a run and will jump into a lake.';
const temps: string[] = [];
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder holding the given fixture files (and extra files). */
function folder(files: string[], extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'lxmls-bert-'));
  temps.push(dir);
  for (const f of files) copyFileSync(join(fixtureDir, f), join(dir, f));
  for (const [name, content] of Object.entries(extra)) writeFileSync(join(dir, name), content);
  return dir;
}

/** The real tokenizer.json, rebuilt from the stored header and vocab.txt. */
function tokenizerJson(): string {
  const json = JSON.parse(readFileSync(join(fixtureDir, 'tokenizer-without-vocab.json'), 'utf8'));
  const lines = readFileSync(join(fixtureDir, 'vocab.txt'), 'utf8').split('\n').slice(0, -1);
  json.model.vocab = Object.fromEntries(lines.map((t, i) => [t, i]));
  return JSON.stringify(json);
}

const rejection = (promise: Promise<unknown>): Promise<LxmlsBertError> =>
  rejectedError(LxmlsBertError, promise);

const loaded = await loadBertFolder(fixtureDir);

describe('loadBertFolder', () => {
  test('loadBertFolder(fixture) loads config, weights (eval mode) and the vocab.txt tokenizer', () => {
    expect(loaded.config.hiddenSize).toBe(48);
    expect(loaded.model.training).toBe(false);
    expect(loaded.ignoredKeys).toEqual([]);
    expect(loaded.tokenizer.encode(text).ids).toEqual([...reference.tensors.get('input_ids')!.data()]);
  });

  test('loadBertFolder prefers tokenizer.json and applies tokenizer_config.json on top', () => {
    const dir = folder(['config.json', 'model.safetensors'], {
      'tokenizer.json': tokenizerJson(),
      'tokenizer_config.json': JSON.stringify({ do_lower_case: false, tokenizer_class: 'BertTokenizer' }),
    });
    return loadBertFolder(dir).then(({ tokenizer }) => {
      expect(tokenizer.basicTokenizer.doLowerCase).toBe(false);
      expect(tokenizer.tokenize('Lake')).toEqual(['[UNK]']); // no cased "Lake" in an uncased vocabulary
    });
  });

  test('loadBertFolder without config.json rejects with FILE_NOT_FOUND', async () => {
    const e = await rejection(loadBertFolder(folder(['model.safetensors', 'vocab.txt'])));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toContain('config.json');
  });

  test('loadBertFolder with only pytorch_model.bin says to convert it', async () => {
    const e = await rejection(
      loadBertFolder(folder(['config.json', 'vocab.txt'], { 'pytorch_model.bin': 'x' })),
    );
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toContain('only pytorch_model.bin');
  });

  test('loadBertFolder without a vocabulary rejects with FILE_NOT_FOUND', async () => {
    const e = await rejection(loadBertFolder(folder(['config.json', 'model.safetensors'])));
    expect(e.code).toBe('FILE_NOT_FOUND');
    expect(e.message).toContain('tokenizer.json or vocab.txt');
  });

  test('loadBertFolder of a non-string rejects with INVALID_ARGUMENT', async () => {
    expect((await rejection(loadBertFolder(42 as unknown as string))).code).toBe('INVALID_ARGUMENT');
  });
});

describe('tokenizerConfigOptions', () => {
  test('tokenizerConfigOptions reads the settings that change tokenization', () => {
    expect(
      tokenizerConfigOptions({
        do_lower_case: false,
        strip_accents: null,
        unk_token: { content: '[UNK]' },
        cls_token: '[CLS]',
        clean_up_tokenization_spaces: false,
        model_max_length: 512,
      }),
    ).toEqual({
      doLowerCase: false,
      stripAccents: null,
      unkToken: '[UNK]',
      clsToken: '[CLS]',
      cleanUpTokenizationSpaces: false,
    });
  });

  test.each([null, 'x', 3])('tokenizerConfigOptions(%j) is {}', (json) => {
    expect(tokenizerConfigOptions(json)).toEqual({});
  });
});

describe('attentionForViz', () => {
  const viz = attentionForViz(loaded.model, loaded.tokenizer, text);

  test('attentionForViz returns the tokens with [CLS]/[SEP] and [layer][head][query][key] plain arrays', () => {
    expect(viz.tokens).toEqual(JSON.parse(reference.metadata.tokens!));
    expect(viz.attention).toHaveLength(3);
    for (const layer of viz.attention) {
      expect(layer).toHaveLength(3);
      for (const head of layer) {
        expect(head).toHaveLength(15);
        for (const row of head) {
          expect(Array.isArray(row) && row.length === 15).toBe(true);
          expect(Math.abs(row.reduce((a, b) => a + b) - 1)).toBeLessThan(1e-5);
        }
      }
    }
    expect(viz.sentenceBStart).toBeNull();
  });

  test('attentionForViz weights equal the Hugging Face attentions', () => {
    const ref = reference.tensors.get('attentions')!.data(); // (3, 1, 3, 15, 15)
    const flat = viz.attention.flat(3);
    expect(flat).toHaveLength(ref.length);
    let worst = 0;
    flat.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - ref[i]!));
    });
    expect(worst).toBeLessThan(1e-5);
  });

  test('attentionForViz with a pair marks where sentence B starts', () => {
    const pair = attentionForViz(loaded.model, loaded.tokenizer, 'A run.', { pair: 'A lake.' });
    expect(pair.tokens).toEqual(['[CLS]', 'a', 'run', '.', '[SEP]', 'a', 'lake', '.', '[SEP]']);
    expect(pair.sentenceBStart).toBe(5);
    expect(pair.attention[0]![0]).toHaveLength(9);
  });

  test('attentionForViz({ addSpecialTokens: false }) is the notebook cell: tokenize(text) alone', () => {
    const cell = attentionForViz(loaded.model, loaded.tokenizer, text, { addSpecialTokens: false });
    expect(cell.tokens).toEqual(loaded.tokenizer.tokenize(text));
    expect(cell.tokens).toHaveLength(13);
    expect(cell.attention[2]![1]).toHaveLength(13);
    expect(cell.attention[2]![1]![0]).toHaveLength(13);
  });

  test('attentionForViz runs a training-mode model without dropout and restores its mode', () => {
    loaded.model.train();
    try {
      const again = attentionForViz(loaded.model, loaded.tokenizer, text);
      expect(again.attention).toEqual(viz.attention);
      expect(loaded.model.training).toBe(true);
    } finally {
      loaded.model.eval();
    }
  });

  test('attentionForViz of a non-string throws INVALID_ARGUMENT', () => {
    expect(() => attentionForViz(loaded.model, loaded.tokenizer, null as unknown as string)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
