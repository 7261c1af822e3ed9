// Tests of how `--model` names resolve: the models of @lxmls/models (`lxmls/weather-nano`, `lxmls/shakespeare-char`,
// `lxmls/gpt2-shakespeare`) become their folders in the installed package (@lxmls/gpt knows no `lxmls/` names),
// anything else goes to GPT.fromPretrained as it is, and an unknown name's one line lists the shipped GPTs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { MODELS, modelUrl } from '@lxmls/models';
import { describe, expect, test } from 'vitest';
import { CliError } from './errors.js';
import { loadModel, resolveModelSource } from './load-model.js';

const gpts = MODELS.filter((m) => m.architecture === 'gpt2');

describe('resolveModelSource', () => {
  test.each(gpts.map((m) => [m.name]))('resolveModelSource(%s) is its folder in @lxmls/models', (name) => {
    const folder = resolveModelSource(name);
    expect(folder).toBe(fileURLToPath(modelUrl(name)));
    expect(existsSync(join(folder, 'config.json'))).toBe(true);
  });

  test.each([['gpt2'], ['./some/folder'], ['weather-nano'], ['https://example.org/m']])(
    'resolveModelSource(%j) is returned as it is',
    (source) => {
      expect(resolveModelSource(source)).toBe(source);
    },
  );
});

describe('loadModel', () => {
  test('loadModel(lxmls/weather-nano) loads the gpt-nano of @lxmls/models in eval mode', async () => {
    const model = await loadModel('lxmls/weather-nano', new PassThrough());
    expect([model.config.vocabSize, model.config.nLayer, model.training]).toEqual([8, 3, false]);
    model.dispose();
  });

  test('loadModel(gpt3) is one CliError line naming every GPT shipped in @lxmls/models', async () => {
    const error = (await loadModel('gpt3', new PassThrough()).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(CliError);
    expect(error.message).toMatch(
      /^\[@lxmls\/gpt\] resolveSource: the source is not a folder, a URL or a known hub model\./,
    );
    expect(error.message.split('\n')).toHaveLength(1);
    for (const m of gpts) expect(error.message).toContain(m.name);
    expect(error.message).not.toContain('lxmls/bert-mini');
  });
});
