/**
 * Tests of exportOnnxFolder: the folder it gives, written to a temporary directory, is loaded by transformers.js
 * 4 (@huggingface/transformers, a dev dependency) from disk with the network off (`env.allowRemoteModels =
 * false`, `env.localModelPath`), and its greedy continuation of the tiny-gpt2 fixture is Hugging Face
 * transformers' reference and @lxmls/gpt's `generate`; its tokenizer files load in transformers.js's
 * `AutoTokenizer`; bad options fail naming the option.
 */

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GPT } from '@lxmls/gpt';
import { RandomGenerator, tensor } from '@lxmls/tensor';
import { afterAll, describe, expect, test } from 'vitest';
import { LxmlsOnnxError } from './errors.js';
import { exportOnnxFolder } from './folder.js';

const here = dirname(fileURLToPath(import.meta.url));
const TINY_GPT2 = join(here, '__fixtures__/tiny-gpt2');
const expected = JSON.parse(readFileSync(join(here, '__fixtures__/tiny-gpt2-expected.json'), 'utf8')) as {
  a: { input_ids: number[]; greedy: number[] };
};

const root = mkdtempSync(join(tmpdir(), 'lxmls-onnx-folder-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Writes the files under `root/name` and returns the folder's name, as transformers.js's model id. */
function write(name: string, files: Map<string, string | Uint8Array>): string {
  for (const [path, data] of files) {
    mkdirSync(dirname(join(root, name, path)), { recursive: true });
    writeFileSync(join(root, name, path), data);
  }
  return name;
}

/** transformers.js, offline, reading models from `root`. */
async function transformersJs() {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.localModelPath = root;
  return tf;
}

/** A word-level tokenizer.json of the weather task's eight words, with `<|endoftext|>` added. */
const WEATHER_TOKENIZER = JSON.stringify({
  version: '1.0',
  truncation: null,
  padding: null,
  added_tokens: [
    {
      id: 8,
      content: '<|endoftext|>',
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    },
  ],
  normalizer: null,
  pre_tokenizer: { type: 'WhitespaceSplit' },
  post_processor: null,
  decoder: null,
  model: {
    type: 'WordLevel',
    vocab: Object.fromEntries(
      ['clean', 'read', 'shop', 'tennis', 'walk', 'rainy', 'snowy', 'sunny', '<|endoftext|>'].map((w, i) => [
        w,
        i,
      ]),
    ),
    unk_token: '<|endoftext|>',
  },
});

describe('exportOnnxFolder', () => {
  test.each([
    ['float32', {}],
    ['float16 weights, attentions as outputs, opset 21', { dtype: 'float16', attentions: true, opset: 21 }],
    [
      'fused (ONNX Runtime contrib operators) with num_logits_to_keep',
      { fused: true, numLogitsToKeep: true },
    ],
  ] as const)(
    "exportOnnxFolder(tiny-gpt2, %s) loads in transformers.js offline: its greedy ids are Hugging Face's and ours",
    async (name, options) => {
      const model = (await GPT.fromPretrained(TINY_GPT2)).eval();
      const id = write(`tiny-gpt2-${name.split(' ')[0]}`, exportOnnxFolder(model, options));
      const tf = await transformersJs();
      const hfModel = await tf.AutoModelForCausalLM.from_pretrained(id, { dtype: 'fp32', device: 'cpu' });
      const prompt = expected.a.input_ids;
      const input_ids = new tf.Tensor(
        'int64',
        BigInt64Array.from(prompt, (x) => BigInt(x)),
        [1, prompt.length],
      );
      const out = (await hfModel.generate({ input_ids, max_new_tokens: 30, do_sample: false })) as {
        tolist(): bigint[][];
      };
      const got = out.tolist()[0]!.map(Number);
      const ours = (model.generate(tensor([prompt], undefined, 'int32'), 30).toArray() as number[][])[0];
      if (!name.startsWith('float16')) expect(got).toEqual(expected.a.greedy); // float16 weights change the logits
      expect(got).toEqual(ours);
      await hfModel.dispose();
      model.dispose();
    },
  );

  test('exportOnnxFolder(gpt-nano, { tokenizerJson }) writes a tokenizer that transformers.js reads', async () => {
    const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 9, blockSize: 11 };
    const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
    const files = exportOnnxFolder(model, { tokenizerJson: WEATHER_TOKENIZER });
    expect([...files.keys()]).toEqual([
      'onnx/model.onnx',
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
    expect(JSON.parse(files.get('tokenizer_config.json') as string)).toMatchObject({
      eos_token: '<|endoftext|>',
      model_max_length: 11,
    });
    const tf = await transformersJs();
    const tokenizer = await tf.AutoTokenizer.from_pretrained(write('weather', files));
    expect(tokenizer.encode('read walk sunny', { add_special_tokens: false })).toEqual([1, 4, 7]);
    expect(tokenizer.decode([1, 4, 7])).toBe('read walk sunny');
  });

  test.each([
    ['a tokenizerJson that is not JSON', { tokenizerJson: '{ nope' }],
    ['a tokenizerJson without a model', { tokenizerJson: '{"version":"1.0"}' }],
    ['files that replace config.json', { files: { 'config.json': '{}' } }],
    [
      'files that replace the tokenizer given',
      { tokenizerJson: WEATHER_TOKENIZER, files: { 'tokenizer.json': '' } },
    ],
  ])('exportOnnxFolder(gpt-nano, %s) throws INVALID_OPTION naming the option', (_, options) => {
    const config = { ...GPT.getDefaultConfig(), modelType: 'gpt-nano', vocabSize: 9, blockSize: 11 };
    const model = new GPT(config, { generator: new RandomGenerator(0) }).eval();
    let error: unknown;
    try {
      exportOnnxFolder(model, options);
    } catch (e) {
      error = e;
    }
    expect(LxmlsOnnxError.isInstance(error) && error.code).toBe('INVALID_OPTION');
    expect((error as Error).message).toMatch(/options\.(tokenizerJson|files)/);
  });
});
