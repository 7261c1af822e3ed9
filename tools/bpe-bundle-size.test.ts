// @lxmls/bpe through the bundlers a user would use, each with its default settings: a one-line app that
// imports BPETokenizer from the published entry (dist/, through a node_modules link, as after `npm install`)
// is bundled and minified, and the bundle must stay within 250 kB, carry the merge data unescaped and run.
//
// Bundlers: Vite (an app build with no config: Rolldown + Oxc's minifier) and Rolldown on its own with
// `minify: true`, both the workspace's own (Vite is a dependency of apps/docs and of vitest). esbuild is not
// installed in this workspace, so its defaults (ASCII-only output) are covered by the data being printable
// ASCII, which packages/bpe/src/merges-codec.test.ts checks.
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { importFrom } from './import-from.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The budget for a minified bundle of `BPETokenizer`. */
const BUDGET = 250_000;

const APP = `import { BPETokenizer } from '@lxmls/bpe';
const tokenizer = new BPETokenizer();
const ids = tokenizer.encode('Hello, my name is');
console.log(JSON.stringify({ ids, text: tokenizer.decode(ids) }));
`;
const EXPECTED = { ids: [15496, 11, 616, 1438, 318], text: 'Hello, my name is' };

/** Apps on the subpaths (issue 13): `@lxmls/bpe/core` must not bring GPT-2's data; the two entries share it. */
const SUBPATH_APPS: Record<string, { app: string; expected: unknown; data: number; budget: number }> = {
  'core.js': {
    app: `import { StreamingDecoder, trainBPE } from '@lxmls/bpe/core';
const encoder = trainBPE('low lower lowest newer wider', { vocabSize: 270 });
const decoder = new StreamingDecoder(encoder);
console.log(JSON.stringify({ size: encoder.vocabSize, text: decoder.push(encoder.encode(' lower')) + decoder.flush() }));
`,
    expected: { size: 261, text: ' lower' },
    data: 0,
    budget: 40_000,
  },
  'both.js': {
    app: `import { BPETokenizer } from '@lxmls/bpe';
import { encode } from '@lxmls/bpe/gpt2';
console.log(JSON.stringify({ ids: new BPETokenizer().encode('Hello,'), more: encode(' my name is') }));
`,
    expected: { ids: [15496, 11], more: [616, 1438, 318] },
    data: 1,
    budget: BUDGET,
  },
};

/** The merge data as the published package holds it. */
async function mergeData(): Promise<string> {
  const url = pathToFileURL(join(root, 'packages/bpe/dist/generated/gpt2-merges.js')).href;
  return ((await import(url)) as { GPT2_MERGES: string }).GPT2_MERGES;
}

describe('@lxmls/bpe minified with each bundler default', () => {
  let dir: string;
  let data: string;
  const vitestPkg = createRequire(import.meta.url).resolve('vitest/package.json');
  /** rolldown's `rolldown`, found from vite's dependencies (vite from vitest's), loosely typed. */
  const loadRolldown = async () => {
    const vitePkg = createRequire(vitestPkg).resolve('vite/package.json');
    const { rolldown } = (await importFrom('rolldown', vitePkg)) as {
      rolldown: (options: Record<string, unknown>) => Promise<{
        write(options: Record<string, unknown>): Promise<unknown>;
        close(): Promise<void>;
      }>;
    };
    return rolldown;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lxmls-bpe-bundle-'));
    mkdirSync(join(dir, 'node_modules/@lxmls'), { recursive: true });
    symlinkSync(join(root, 'packages/bpe'), join(dir, 'node_modules/@lxmls/bpe'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "private": true, "type": "module" }\n');
    writeFileSync(join(dir, 'main.js'), APP);
    // Runs a bundle in Node; the `document` stub answers Vite's modulepreload polyfill.
    writeFileSync(
      join(dir, 'run.js'),
      `globalThis.document = { createElement: () => ({ relList: { supports: () => true } }) };
await import(new URL(process.argv[2], 'file://').href);
`,
    );
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script type="module" src="/main.js"></script>\n');
    for (const [file, code] of Object.entries(SUBPATH_APPS)) writeFileSync(join(dir, file), code.app);
    data = await mergeData();
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Checks one bundle: size, the data copied verbatim, and that it runs in Node with the right ids. */
  function check(file: string, expected: unknown = EXPECTED, copies = 1, budget = BUDGET): void {
    const code = readFileSync(file, 'utf8');
    expect(Buffer.byteLength(code)).toBeLessThanOrEqual(budget);
    expect(code.split(data).length - 1).toBe(copies);
    let out: string;
    try {
      out = execFileSync(process.execPath, [join(dir, 'run.js'), file], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      // Not the whole error: its message would quote the bundle's one long line.
      const stderr = String((error as { stderr?: unknown }).stderr ?? '');
      throw new Error(`the bundle failed in Node: ${stderr.slice(-400)}`);
    }
    expect(JSON.parse(out)).toEqual(expected);
  }

  test('vite build (no config) keeps BPETokenizer within 250 kB', async () => {
    const { build } = (await importFrom('vite', vitestPkg)) as {
      build: (config: Record<string, unknown>) => Promise<unknown>;
    };
    const outDir = join(dir, 'vite-dist');
    await build({ root: dir, configFile: false, logLevel: 'silent', build: { outDir } });
    const chunks = readdirSync(join(outDir, 'assets')).filter((f) => f.endsWith('.js'));
    expect(chunks).toHaveLength(1);
    check(join(outDir, 'assets', chunks[0]!));
  });

  test('rolldown with minify: true keeps BPETokenizer within 250 kB', async () => {
    const rolldown = await loadRolldown();
    const bundle = await rolldown({ input: join(dir, 'main.js'), cwd: dir, logLevel: 'silent' });
    const file = join(dir, 'rolldown-dist/main.js');
    await bundle.write({ file, minify: true });
    await bundle.close();
    check(file);
  });

  test.each(Object.keys(SUBPATH_APPS))(
    'rolldown with minify: true bundles %s with GPT-2 data as many times as its entries need (core: never)',
    async (app) => {
      const { expected, data: copies, budget } = SUBPATH_APPS[app]!;
      const rolldown = await loadRolldown();
      const bundle = await rolldown({ input: join(dir, app), cwd: dir, logLevel: 'silent' });
      const file = join(dir, `rolldown-dist/${app}`);
      await bundle.write({ file, minify: true });
      await bundle.close();
      check(file, expected, copies, budget);
    },
  );
});
