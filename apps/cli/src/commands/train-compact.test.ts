// Tests of `lxmls train text --tokenizer gpt2 --compact-vocab --float16` (how @lxmls/models' lxmls/gpt2-shakespeare
// was trained), run in-process through main() on a short text: the saved folder is a tied float16 GPT-2
// checkpoint over all 50,257 ids, without a tokenizer.json, that lxmls generate reads with GPT-2's BPE.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSafetensorsHeader } from '@lxmls/nn';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const root = mkdtempSync(join(tmpdir(), 'lxmls-train-compact-'));
const data = join(root, 'verse.txt');
writeFileSync(
  data,
  'Shall I compare thee to a summer day?\nThou art more lovely and more temperate.\n'.repeat(10),
);
const SIZES = ['--n-layer', '1', '--n-head', '2', '--n-embd', '16', '--block-size', '8', '--batch-size', '4'];
/** `lxmls train text` on the test text with GPT-2's tokenizer, the start of every command here. */
const TRAIN_GPT2 = ['train', 'text', '--data', data, '--tokenizer', 'gpt2'];

/** The header of a safetensors file: name → dtype and shape. */
describe('lxmls train text --tokenizer gpt2 --compact-vocab --float16', () => {
  test('train text --tokenizer gpt2 --compact-vocab --float16 --out DIR saves a tied F16 GPT-2 checkpoint that generate reads', async () => {
    const dir = join(root, 'out');
    const run = await runCli([
      ...TRAIN_GPT2,
      '--compact-vocab',
      '--float16',
      ...SIZES,
      '--iters',
      '5',
      '--seed',
      '1',
      '--out',
      dir,
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as {
      vocabSize: number;
      valLoss: number;
      iters: number;
    };
    expect(result).toMatchObject({ vocabSize: 50257, iters: 5 });
    expect(result.valLoss).toBeLessThan(Math.log(50257));
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>;
    expect(config).toMatchObject({ vocab_size: 50257, tie_word_embeddings: true, n_embd: 16 });
    const { entries } = readSafetensorsHeader(readFileSync(join(dir, 'model.safetensors')));
    const wte = entries.find((t) => t.name === 'transformer.wte.weight');
    expect(wte).toMatchObject({ dtype: 'F16', shape: [50257, 16] });
    expect(entries.every((t) => t.dtype === 'F16')).toBe(true);
    expect(existsSync(join(dir, 'tokenizer.json'))).toBe(false);
    const generated = await runCli([
      'generate',
      '--model',
      dir,
      '--prompt',
      'Shall I',
      '--greedy',
      '--max-new-tokens',
      '3',
    ]);
    expect(generated.code).toBe(0);
    expect(generated.stdout.startsWith(`${'-'.repeat(80)}\nShall I`)).toBe(true);
  }, 120_000);

  test('train text --compact-vocab with the same seed gives the same model bytes', async () => {
    const once = async (name: string) => {
      const dir = join(root, name);
      const run = await runCli([
        ...TRAIN_GPT2,
        '--compact-vocab',
        ...SIZES,
        '--iters',
        '2',
        '--seed',
        '3',
        '--out',
        dir,
        '--json',
      ]);
      expect(run.code).toBe(0);
      return readFileSync(join(dir, 'model.safetensors'));
    };
    expect((await once('a')).equals(await once('b'))).toBe(true);
  }, 120_000);

  test('train text --tokenizer gpt2 --vocab-size 512 exits with 2: the vocabulary size is the BPE-only option', async () => {
    const { code, stdout, stderr } = await runCli([...TRAIN_GPT2, '--vocab-size', '512']);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr).toBe('lxmls train: option --vocab-size applies to --tokenizer bpe only\n');
  });

  test('train text --tokenizer word exits with 2 naming the three kinds', async () => {
    const { code, stderr } = await runCli(['train', 'text', '--data', data, '--tokenizer', 'word']);
    expect(code).toBe(2);
    expect(stderr).toBe('lxmls train: --tokenizer must be char, bpe or gpt2, received "word"\n');
  });
});
