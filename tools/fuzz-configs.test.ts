// Fuzzed model and tokenizer files (issue 17 item 7). A seeded generator (fast-check, fixed seeds) mutates the
// config.json of the tiny GPT-2 and tiny BERT fixtures (huge, negative, fractional, NaN-like, missing or
// wrongly typed fields, JSON that is not an object) and the tokenizer files of the text and BERT tokenizers.
// Every load must end either in a working model or tokenizer, or in the package's own error: an @lxmls error
// with a stable code and a one-line `[@lxmls/pkg] fn: …` message. A TypeError, a RangeError, a stack overflow
// or an allocation of gigabytes (what the findings of issue 17 were) fails the property.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isLxmlsError } from '@lxmls/base';
import { BertTokenizer, loadBertFolder } from '@lxmls/bert';
import { charTokenizer, textTokenizerFromEncoder, textTokenizerFromJson, trainBPE } from '@lxmls/bpe';
import { GPT } from '@lxmls/gpt';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';

const fixture = (path: string) => fileURLToPath(new URL(`../packages/${path}`, import.meta.url));
const GPT_DIR = fixture('gpt/src/__fixtures__/tiny-gpt2');
const BERT_DIR = fixture('bert/src/__fixtures__/tiny-bert');
const work = mkdtempSync(join(tmpdir(), 'lxmls-fuzz-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A value a hostile or careless config.json may hold in place of a number, a string or a flag. */
const hostileValue = fc.oneof(
  fc.constantFrom(0, -1, 1, 2, 3, 1.5, 1e6, 1e9, 2 ** 31, 2 ** 53, 1e308, -1e308, 1e-30),
  fc.integer({ min: -5, max: 200 }),
  fc.constantFrom(null, true, false, '', 'NaN', 'Infinity', '48', 'gelu', 'relu', 'gpt2', 'bert'),
  fc.constantFrom([], [48], {}, { a: 1 }),
);

/** A config mutated in 1 to 4 fields (set to a hostile value, or deleted), or replaced by JSON of another kind. */
function mutatedConfig(original: Record<string, unknown>): fc.Arbitrary<string> {
  const keys = Object.keys(original);
  const fieldEdits = fc
    .array(fc.tuple(fc.constantFrom(...keys), fc.option(hostileValue, { freq: 6 })), {
      minLength: 1,
      maxLength: 4,
    })
    .map((edits) => {
      const config: Record<string, unknown> = { ...original };
      for (const [key, value] of edits) {
        if (value === null) delete config[key];
        else config[key] = value;
      }
      return JSON.stringify(config);
    });
  const otherJson = fc.constantFrom('[]', 'null', '"config"', '42', '{', '', '{"n_layer": 3', '\u0000');
  return fc.oneof({ arbitrary: fieldEdits, weight: 9 }, { arbitrary: otherJson, weight: 1 });
}

/** Runs `load`; the outcome is `'ok'` or the @lxmls error's code. Anything else fails the test. */
async function outcome(load: () => Promise<unknown>, input: string): Promise<string> {
  try {
    await load();
    return 'ok';
  } catch (error) {
    if (!isLxmlsError(error))
      throw new Error(`not an @lxmls error for ${input.slice(0, 300)}: ${String(error)}`);
    expect(error.message, input).toMatch(/^\[@lxmls\/[a-z-]+\] [\w.]+: /);
    expect(error.message, input).not.toMatch(/[\r\n]/);
    return error.code;
  }
}

describe('fuzzed config.json', () => {
  test('GPT.fromPretrained(folder) with a mutated config.json loads or throws an @lxmls error (property, seeded)', async () => {
    const dir = join(work, 'gpt');
    rmSync(dir, { recursive: true, force: true });
    copyFileSync(join(GPT_DIR, 'model.safetensors'), join(mkdirp(dir), 'model.safetensors'));
    const original = JSON.parse(readFileSync(join(GPT_DIR, 'config.json'), 'utf8'));
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutatedConfig(original), async (config) => {
        writeFileSync(join(dir, 'config.json'), config);
        const code = await outcome(async () => (await GPT.fromPretrained(dir)).dispose(), config);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }),
      { seed: 1717, numRuns: 100 },
    );
    expect(codes.get('ok')).toBeGreaterThan(0); // harmless mutations still load
    expect(codes.size).toBeGreaterThan(1);
  }, 120_000);

  test('loadBertFolder(folder) with a mutated config.json loads or throws an @lxmls error (property, seeded)', async () => {
    const dir = join(work, 'bert');
    rmSync(dir, { recursive: true, force: true });
    mkdirp(dir);
    for (const file of ['model.safetensors', 'vocab.txt', 'tokenizer_config.json'])
      copyFileSync(join(BERT_DIR, file), join(dir, file));
    const original = JSON.parse(readFileSync(join(BERT_DIR, 'config.json'), 'utf8'));
    const codes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(mutatedConfig(original), async (config) => {
        writeFileSync(join(dir, 'config.json'), config);
        const code = await outcome(async () => (await loadBertFolder(dir)).model.dispose(), config);
        codes.set(code, (codes.get(code) ?? 0) + 1);
      }),
      { seed: 2929, numRuns: 150 },
    );
    expect(codes.get('ok')).toBeGreaterThan(0);
    expect(codes.size).toBeGreaterThan(1);
  }, 120_000);
});

/** A JSON text mutated at 1 to 3 places: a character replaced, removed or inserted, or the text cut short. */
function mutatedText(text: string): fc.Arbitrary<string> {
  const edit = fc.tuple(
    fc.nat({ max: text.length }),
    fc.constantFrom('x', '"', '{', '}', ',', '9', '-', '\\', ''),
  );
  return fc.oneof(
    fc.array(edit, { minLength: 1, maxLength: 3 }).map((edits) => {
      let out = text;
      for (const [at, c] of edits) out = out.slice(0, at) + c + out.slice(at + (c === '' ? 1 : 0));
      return out;
    }),
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
  );
}

/** A tokenizer.json parsed and re-written with hostile values at some of its top-level and model fields. */
function mutatedTokenizerJson(text: string): fc.Arbitrary<string> {
  const root = JSON.parse(text) as { model: Record<string, unknown> } & Record<string, unknown>;
  const modelKeys = Object.keys(root.model);
  return fc
    .array(fc.tuple(fc.constantFrom(...modelKeys), hostileValue), { minLength: 1, maxLength: 3 })
    .map((edits) => {
      const model = { ...root.model };
      for (const [key, value] of edits) model[key] = value;
      return JSON.stringify({ ...root, model });
    });
}

describe('fuzzed tokenizer files', () => {
  const bpe = textTokenizerFromEncoder(
    trainBPE('the cat sat on the mat\n'.repeat(20), { vocabSize: 280, specialTokens: [] }),
  );
  const inputs: [string, string][] = [
    ['a character tokenizer.json', charTokenizer(['\n', ' ', 'a', 'b', 'é']).toJson()],
    ['a byte-level BPE tokenizer.json', bpe.toJson()],
  ];

  test.each(inputs)(
    'textTokenizerFromJson(%s, mutated) gives a tokenizer that encodes, or an @lxmls error (property, seeded)',
    async (_, json) => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(mutatedText(json), mutatedTokenizerJson(json)), async (text) => {
          await outcome(async () => {
            const t = textTokenizerFromJson(text);
            t.decode(t.encode('the cat é'));
          }, text);
        }),
        { seed: 31, numRuns: 300 },
      );
    },
    120_000,
  );

  test('BertTokenizer.fromVocab and fromTokenizerJson with mutated files give a tokenizer or an @lxmls error (property, seeded)', async () => {
    const vocab = readFileSync(join(BERT_DIR, 'vocab.txt'), 'utf8').slice(0, 4000);
    const json = readFileSync(join(BERT_DIR, 'tokenizer-without-vocab.json'), 'utf8');
    await fc.assert(
      fc.asyncProperty(mutatedText(vocab), async (text) => {
        await outcome(async () => BertTokenizer.fromVocab(text).encode('Hello, lakes!'), text);
      }),
      { seed: 47, numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(mutatedText(json), async (text) => {
        await outcome(async () => BertTokenizer.fromTokenizerJson(text).encode('Hello, lakes!'), text);
      }),
      { seed: 53, numRuns: 150 },
    );
  }, 120_000);
});

function mkdirp(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
