import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { thrownError } from '@lxmls/base';
import { describe, expect, test } from 'vitest';
import { LxmlsModelsError } from './errors.js';
import { findModel, modelUrl } from './locate.js';
import { MODELS } from './registry.js';

const errorOf = (f: () => unknown): LxmlsModelsError => thrownError(LxmlsModelsError, f);

describe('findModel', () => {
  test.each(MODELS.map((m) => [m.name, m.folder] as const))(
    'findModel(%s) and findModel(%s) find the same entry',
    (name, folder) => {
      expect(findModel(name)).toBe(findModel(folder));
      expect(findModel(name)?.name).toBe(name);
    },
  );

  test.each([['gpt2'], ['lxmls/none'], [''], ['LXMLS/GPT2-SHAKESPEARE']])('findModel(%j) is null', (name) => {
    expect(findModel(name)).toBeNull();
  });
});

describe('modelUrl', () => {
  test.each(MODELS.map((m) => [m.name, m.folder] as const))(
    'modelUrl(%s) is the existing folder models/%s/ of the package, ending in a slash',
    (name, folder) => {
      const url = modelUrl(name);
      expect(url.href.endsWith(`/models/${folder}/`)).toBe(true);
      expect(existsSync(fileURLToPath(url))).toBe(true);
      expect(new URL('config.json', url).href).toBe(`${url.href}config.json`);
    },
  );

  test('modelUrl of an unknown name is UNKNOWN_MODEL, naming the known models', () => {
    const e = errorOf(() => modelUrl('gpt2'));
    expect(e.code).toBe('UNKNOWN_MODEL');
    expect(e.fn).toBe('modelUrl');
    expect(e.message).toMatch(
      /^\[@lxmls\/models\] modelUrl: no model of @lxmls\/models has this name\. Expected one of lxmls\/gpt2-shakespeare/,
    );
    expect(e.message).toContain('received "gpt2"');
  });
});
