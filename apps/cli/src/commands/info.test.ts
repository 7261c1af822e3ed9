import { loadBertFolder } from '@lxmls/bert';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../testing.test.helpers.js';
import { useTinyGptFolder } from '../testing-gpt.test.helpers.js';
import { bundledBertFolder } from '../viz-model.js';

const fixture = useTinyGptFolder('lxmls-info-', { beforeAll, afterAll });

// The tiny GPT: V = 50257, block 16, C = 16, 2 layers. The toolkit counts model.transformer only:
// wte V·C + wpe 16·C + per block (2 LayerNorms 4C, c_attn 3C² + 3C, c_proj C² + C, c_fc 4C² + 4C, mlp c_proj 4C² + C)
// + ln_f 2C.
const [V, C, L, BLOCK] = [50257, 16, 2, 16];
const TRANSFORMER = V * C + BLOCK * C + L * (12 * C * C + 13 * C) + 2 * C;
const TOTAL = TRANSFORMER + V * C; // the lm_head, not tied in the course GPT

describe('lxmls info', () => {
  test('info --model DIR prints the parameter line, then the config as print(model_config)', async () => {
    expect(TRANSFORMER).toBe(810_960);
    expect(await runCli(['info', '--model', fixture.dir])).toEqual({
      code: 0,
      stdout: [
        'number of parameters: 0.81M',
        'model_type: None',
        'n_layer: 2',
        'n_head: 2',
        'n_embd: 16',
        'vocab_size: 50257',
        'block_size: 16',
        'embd_pdrop: 0.1',
        'resid_pdrop: 0.1',
        'attn_pdrop: 0.1',
        'pretrained: True',
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  test('info --json prints one line: the config and both parameter counts', async () => {
    const { code, stdout } = await runCli(['info', '--model', fixture.dir, '--json', '--backend', 'js']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(stdout)).toEqual({
      config: {
        modelType: null,
        nLayer: L,
        nHead: 2,
        nEmbd: C,
        vocabSize: V,
        blockSize: BLOCK,
        embdPdrop: 0.1,
        residPdrop: 0.1,
        attnPdrop: 0.1,
        pretrained: true,
      },
      transformerParameters: TRANSFORMER,
      totalParameters: TOTAL,
    });
  });

  test.each([
    [
      ['--model', 'gpt3'],
      'lxmls info: [@lxmls/gpt] resolveSource: the source is not a folder, a URL or a known hub model.',
    ],
    [
      ['--model', './no/such/model'],
      'lxmls info: [@lxmls/gpt] resolveSource: there is no checkpoint folder at this path.',
    ],
    [['--json'], 'lxmls info: missing --model SOURCE: a folder, a URL or a hub id such as gpt2'],
    [['--model', 'x', 'y'], 'lxmls info: unexpected argument "y"'],
    [['--model', 'x', '--prompt', 'y'], 'lxmls info: unknown option --prompt'],
  ])('info %j exits with 2 and one line', async (argv, start) => {
    const { code, stdout, stderr } = await runCli(['info', ...argv]);
    expect({ code, stdout }).toEqual({ code: 2, stdout: '' });
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr.startsWith(start)).toBe(true);
  });
});

describe('lxmls info takes the models lxmls viz takes', () => {
  test('info --model lxmls/bert-mini prints the encoder parameter line and the config.json sizes, as its folder gives them', async () => {
    const folder = bundledBertFolder('lxmls/bert-mini')!;
    const { model, config } = await loadBertFolder(folder);
    const parameters = model.numParameters();
    model.dispose();
    const text = await runCli(['info', '--model', 'lxmls/bert-mini']);
    expect({ code: text.code, stderr: text.stderr }).toEqual({ code: 0, stderr: '' });
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines.slice(0, 6)).toEqual([
      `number of parameters: ${(parameters / 1e6).toFixed(2)}M`,
      'model_type: bert',
      'vocab_size: 30522',
      `hidden_size: ${config.hiddenSize}`,
      `num_hidden_layers: ${config.numHiddenLayers}`,
      `num_attention_heads: ${config.numAttentionHeads}`,
    ]);
    expect(lines).toContain(`max_position_embeddings: ${config.maxPositionEmbeddings}`);
    const json = await runCli(['info', '--model', folder, '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      config: { modelType: 'bert', ...config },
      totalParameters: parameters,
    });
  });
});
