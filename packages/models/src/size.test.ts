// What `npm pack` would publish of @lxmls/models: the models' folders and the code (dist/, and src/ for the
// source maps), no test, within the size the registry states (each model at most 15 MB).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { MODELS } from './registry.js';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');

describe('npm pack packages/models', () => {
  test('npm pack packages/models holds every model file and the code, no tests, within the registry sizes + 100 kB', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const [pack] = JSON.parse(out) as { unpackedSize: number; files: { path: string; size: number }[] }[];
    const files = new Map(pack!.files.map((f) => [f.path, f.size]));
    for (const m of MODELS) {
      expect(files.get(`models/${m.folder}/model.safetensors`), m.name).toBe(m.bytes);
      expect(files.has(`models/${m.folder}/config.json`), m.name).toBe(true);
      expect(files.has(`models/${m.folder}/README.md`), m.name).toBe(true);
    }
    expect(files.has('dist/index.js')).toBe(true);
    expect([...files.keys()].filter((path) => /\.test\.|__fixtures__/.test(path))).toEqual([]);
    const weights = MODELS.reduce((n, m) => n + m.bytes, 0);
    // a tokenizer file of the folder (bert-mini's vocab.txt, 232 kB) counts with the weights; READMEs, configs and code share the 100 kB
    const tokenizers = MODELS.reduce(
      (n, m) => n + (m.tokenizer === null ? 0 : (files.get(`models/${m.folder}/${m.tokenizer}`) ?? 0)),
      0,
    );
    expect(pack!.unpackedSize).toBeLessThanOrEqual(weights + tokenizers + 100_000);
  });
});
