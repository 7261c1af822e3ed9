/**
 * A test helper: a small GPT with the GPT-2 vocabulary (so the BPE prompts fit), deterministic weights (the
 * LCG stream of docs/course-behaviour.md §8) and a block size of 16 (so that cropping a long prompt is cheap to
 * test), saved as a Hugging Face checkpoint folder (`config.json` + `model.safetensors`, about 6.5 MB), and the
 * fixture that saves it in a temporary folder for a test file ({@link useTinyGptFolder}).
 */

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { GPTConfig } from '@lxmls/gpt';
import { GPT } from '@lxmls/gpt';

/**
 * The config of {@link saveTinyGpt}: 2 layers, 2 heads, 16 channels, GPT-2's 50,257 tokens, block size 16.
 *
 * @example
 * ```ts
 * import { TINY_GPT_CONFIG } from './testing-gpt.test.helpers.js';
 * console.log(TINY_GPT_CONFIG.vocabSize, TINY_GPT_CONFIG.blockSize); // → 50257 16
 * ```
 */
export const TINY_GPT_CONFIG: GPTConfig = {
  ...GPT.getDefaultConfig(),
  modelType: null,
  nLayer: 2,
  nHead: 2,
  nEmbd: 16,
  vocabSize: 50257,
  blockSize: 16,
};

/**
 * Builds the tiny GPT (LCG weights, eval mode) and saves it into `dir`.
 *
 * @param dir - The checkpoint folder to write (created if needed).
 * @param config - Changes to {@link TINY_GPT_CONFIG}.
 * @returns The model, in eval mode; dispose it when done.
 * @example
 * ```ts
 * import { mkdtempSync, readdirSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { saveTinyGpt } from './testing-gpt.test.helpers.js';
 * const dir = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'tiny');
 * const model = await saveTinyGpt(dir);
 * console.log(model.parameterCountLine(), readdirSync(dir).sort()); // → number of parameters: 0.81M [ '.lxmls-commit.json', 'config.json', 'model.safetensors' ]
 * model.dispose();
 * ```
 */
export async function saveTinyGpt(dir: string, config: Partial<GPTConfig> = {}): Promise<GPT> {
  const model = new GPT({ ...TINY_GPT_CONFIG, ...config }, { init: 'lcg' }).eval();
  await model.save(dir);
  return model;
}

/** The folders of {@link useTinyGptFolder}, set once its `beforeAll` hook has run. */
export interface TinyGptFolder {
  /** A fresh temporary folder for the test file (removed after its tests). */
  root: string;
  /** The tiny GPT's checkpoint folder, inside `root`. */
  dir: string;
}

/** The hooks of a test file that {@link useTinyGptFolder} registers with (vitest's `beforeAll` and `afterAll`). */
export interface TestHooks {
  beforeAll(fn: () => Promise<void>): void;
  afterAll(fn: () => Promise<void>): void;
}

/**
 * The fixture of the CLI's model tests: before the tests of a file, saves the tiny GPT of {@link saveTinyGpt}
 * into `<root>/<name>`, `root` a fresh temporary folder; after them, removes `root`.
 *
 * @param prefix - The temporary folder's name prefix (`lxmls-info-`).
 * @param hooks - vitest's `{ beforeAll, afterAll }`.
 * @param name - The model folder's name inside `root`. @defaultValue `'tiny'`
 * @returns The folders, filled in when the `beforeAll` hook has run.
 * @example
 * ```ts
 * import { existsSync, readdirSync } from 'node:fs';
 * import { useTinyGptFolder } from './testing-gpt.test.helpers.js';
 * const hooks: (() => Promise<void>)[] = [];
 * const tiny = useTinyGptFolder('lxmls-', { beforeAll: (fn) => hooks.push(fn), afterAll: (fn) => hooks.push(fn) });
 * await hooks[0]!(); // what beforeAll runs
 * console.log(readdirSync(tiny.dir).sort()); // → [ '.lxmls-commit.json', 'config.json', 'model.safetensors' ]
 * await hooks[1]!(); // what afterAll runs
 * console.log(existsSync(tiny.root)); // → false
 * ```
 */
export function useTinyGptFolder(prefix: string, hooks: TestHooks, name = 'tiny'): TinyGptFolder {
  const folder: TinyGptFolder = { root: '', dir: '' };
  hooks.beforeAll(async () => {
    folder.root = await mkdtemp(join(tmpdir(), prefix));
    folder.dir = join(folder.root, name);
    (await saveTinyGpt(folder.dir)).dispose();
  });
  hooks.afterAll(() => rm(folder.root, { recursive: true, force: true }));
  return folder;
}
