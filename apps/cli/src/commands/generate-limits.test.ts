// lxmls generate against bad input (issue 17 item 6): a folder whose tokenizer.json does not fit the model is
// one line with exit code 2 (its ids used to vanish from the text), and a temperature that overflows float32
// gives the greedy text, not token 0 forever.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { charTokenizer } from '@lxmls/bpe';
import { describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';

const CHAR_MODEL = fileURLToPath(
  new URL('../../../../packages/models/models/shakespeare-char', import.meta.url),
);

describe('lxmls generate on bad input', () => {
  test('lxmls generate --model DIR whose tokenizer.json is smaller than the model is refused with one line', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-gen-vocab-')), 'model');
    cpSync(CHAR_MODEL, dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), charTokenizer(['a', 'b', 'c']).toJson());
    const { code, stdout, stderr } = await runCli(['generate', '--model', dir, '--max-new-tokens', '5']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `lxmls generate: ${join(dir, 'tokenizer.json')}: [@lxmls/bpe] textTokenizerFromJson: the tokenizer does not fit the model. Expected 65 tokens (options.vocabSize, the model's vocabulary), received 3 tokens. Ids of one that the other lacks would vanish from the text or fail: is it the tokenizer.json of another model?\n`,
    );
  });

  test('lxmls generate --temperature 1e-45 gives the greedy text (never NaN probabilities)', async () => {
    const args = [
      'generate',
      '--model',
      'lxmls/shakespeare-char',
      '--prompt',
      'ROMEO:',
      '--max-new-tokens',
      '12',
    ];
    const greedy = await runCli([...args, '--greedy']);
    const cold = await runCli([...args, '--temperature', '1e-45']);
    expect(cold.code).toBe(0);
    expect(cold.stdout).toBe(greedy.stdout);
  });

  test('lxmls generate --num-samples 1000 past the block size is refused before generating (the logits cannot fit)', async () => {
    const args = [
      'generate',
      '--model',
      'lxmls/gpt2-shakespeare',
      '--num-samples',
      '1000',
      '--max-new-tokens',
      '200',
    ];
    const { code, stdout, stderr } = await runCli(args);
    expect([code, stdout]).toEqual([2, '']);
    expect(stderr).toMatch(
      /^lxmls generate: \[@lxmls\/gpt\] checkGenerationMemory: generation needs more memory than the runtime has\. Expected at most the wasm backend's 4 GiB of WebAssembly memory, received at least [\d.]+ GiB for 1000 rows of 1 \+ 200 tokens on 4 layers, 128 channels, vocabulary 50257\. Generate fewer samples at once, or from a shorter prompt\.\n$/,
    );
  });
});
