// Tests of `lxmls export-onnx`, run in-process through main(): the folder it writes (onnx/model.onnx with the
// KV cache, config.json, generation_config.json, the tokenizer) opens on ONNX Runtime and generates the ids of
// the tensor path; the weather model keeps its lxmls.json and exports its attentions; bad input is one line, exit 2.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createSession, generateOnnx } from '@lxmls/onnx';
import { tensor } from '@lxmls/tensor';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';
import { useTinyGptFolder } from '../testing-gpt.test.helpers.js';

const fixture = useTinyGptFolder('lxmls-export-onnx-', { beforeAll, afterAll });

describe('lxmls export-onnx', () => {
  test('export-onnx --model DIR -o OUT --json writes the transformers.js folder; its greedy ids are generate --greedy ids', async () => {
    const out = join(fixture.root, 'tiny-onnx');
    const { code, stdout, stderr } = await runCli([
      'export-onnx',
      '--model',
      fixture.dir,
      '-o',
      out,
      '--json',
    ]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const record = JSON.parse(stdout) as { files: { path: string; bytes: number }[]; dtype: string };
    expect(record.files.map((f) => f.path)).toEqual([
      'onnx/model.onnx',
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(record.dtype).toBe('float32');
    for (const f of record.files) expect(readFileSync(join(out, f.path)).byteLength).toBe(f.bytes);
    // GPT-2's tokenizer for a model of GPT-2's vocabulary
    const tokenizer = JSON.parse(readFileSync(join(out, 'tokenizer.json'), 'utf8'));
    expect(Object.keys(tokenizer.model.vocab)).toHaveLength(50257);
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'))).toMatchObject({
      model_type: 'gpt2',
      n_layer: 2,
      'transformers.js_config': { dtype: 'fp32' },
    });
    const onnx = await createSession(readFileSync(join(out, 'onnx/model.onnx')));
    const prompt = [15496, 11, 616];
    const ids = await generateOnnx(onnx, tensor([prompt], undefined, 'int32'), 8);
    const cli = await runCli([
      'generate',
      '--model',
      fixture.dir,
      '--prompt',
      'Hello, my',
      '--greedy',
      '--max-new-tokens',
      '8',
      '--json',
    ]);
    expect((ids.toArray() as number[][])[0]).toEqual(JSON.parse(cli.stdout).samples[0].ids);
    await onnx.session.release();
  });

  test('export-onnx --model lxmls/weather-nano --attentions --fp16 keeps lxmls.json and outputs the attentions', async () => {
    const out = join(fixture.root, 'weather-onnx');
    const { code, stdout } = await runCli([
      'export-onnx',
      '--model',
      'lxmls/weather-nano',
      '-o',
      out,
      '--attentions',
      '--fp16',
      '--opset',
      '21',
    ]);
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^wrote .*weather-onnx in [\d.]+ s: opset 21, float16 weights, KV cache, attentions\n {2}onnx\/model\.onnx \([\d.]+ kB\)\n/,
    );
    expect(readdirSync(out).sort()).toEqual([
      '.lxmls-commit.json',
      'config.json',
      'generation_config.json',
      'lxmls.json',
      'onnx',
    ]);
    const onnx = await createSession(readFileSync(join(out, 'onnx/model.onnx')));
    expect(onnx.session.outputNames).toContain('attentions.2');
    await onnx.session.release();
  });

  test('export-onnx -o a folder with files fails without --force and replaces an export with --force', async () => {
    const out = join(fixture.root, 'again');
    expect((await runCli(['export-onnx', '--model', fixture.dir, '-o', out])).code).toBe(0);
    const refused = await runCli(['export-onnx', '--model', fixture.dir, '-o', out]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^lxmls export-onnx: --out .*again already holds files.*add --force to replace it whole\)\n$/,
    );
    expect((await runCli(['export-onnx', '--model', fixture.dir, '-o', out, '--fp16', '--force'])).code).toBe(
      0,
    );
    expect(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).dtype).toBe('float16');
  });

  test.each([
    ['no -o', ['--model', 'TINY'], /missing --out DIR/],
    ['no --model', ['-o', 'OUT'], /missing --model SOURCE/],
    ['--opset 16', ['--model', 'TINY', '-o', 'OUT', '--opset', '16'], /--opset/],
    [
      'a missing model folder',
      ['--model', 'NOWHERE', '-o', 'OUT'],
      /there is no checkpoint folder at this path/,
    ],
    ['-o inside a file', ['--model', 'TINY', '-o', 'FILE/x'], /--out .*cannot be written/],
  ])('export-onnx with %s: exit 2, one line, nothing written', async (_, args, message) => {
    const file = join(fixture.root, 'a-file');
    await writeFile(file, 'x');
    const out = join(fixture.root, `bad-${Math.random().toString(36).slice(2)}`);
    const argv = args.map((a) =>
      a === 'TINY'
        ? fixture.dir
        : a === 'OUT'
          ? out
          : a === 'NOWHERE'
            ? join(fixture.root, 'nowhere')
            : a === 'FILE/x'
              ? `${file}/x`
              : a,
    );
    const { code, stdout, stderr } = await runCli(['export-onnx', ...argv]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(existsSync(out)).toBe(false);
  });

  test('export-onnx --help prints its usage', async () => {
    await mkdir(fixture.root, { recursive: true });
    const { code, stdout } = await runCli(['export-onnx', '--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: lxmls export-onnx --model SOURCE -o DIR/);
  });
});
