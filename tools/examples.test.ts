// Runs every `@example` of the packages and of apps/cli, and the ```ts blocks of the READMEs, and checks each
// `console.log` against its `// →` comment.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as attention from '@lxmls/attention';
import * as backendTfjs from '@lxmls/backend-tfjs';
import * as backendWasm from '@lxmls/backend-wasm';
import * as backendWebgpu from '@lxmls/backend-webgpu';
import * as base from '@lxmls/base';
import * as bert from '@lxmls/bert';
import * as bpe from '@lxmls/bpe';
import * as bpeCore from '@lxmls/bpe/core';
import * as bpeGpt2 from '@lxmls/bpe/gpt2';
import * as course from '@lxmls/course';
import * as gpt from '@lxmls/gpt';
import * as hub from '@lxmls/hub';
import * as models from '@lxmls/models';
import * as nn from '@lxmls/nn';
import * as onnx from '@lxmls/onnx';
import * as tensor from '@lxmls/tensor';
import * as tensorTesting from '@lxmls/tensor/testing';
import * as trainer from '@lxmls/trainer';
import * as viz from '@lxmls/viz';
import * as weatherData from '@lxmls/weather-data';
import { describe, expect, test } from 'vitest';
import {
  type Example,
  extractExamples,
  extractMarkdownExamples,
  runExample,
  sourceFiles,
} from './examples.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** The published packages, as the examples import them. */
const modules: Record<string, unknown> = {
  '@lxmls/attention': attention,
  '@lxmls/backend-tfjs': backendTfjs,
  '@lxmls/backend-wasm': backendWasm,
  '@lxmls/backend-webgpu': backendWebgpu,
  '@lxmls/base': base,
  '@lxmls/bert': bert,
  '@lxmls/bpe': bpe,
  '@lxmls/bpe/core': bpeCore,
  '@lxmls/bpe/gpt2': bpeGpt2,
  '@lxmls/course': course,
  '@lxmls/gpt': gpt,
  '@lxmls/hub': hub,
  '@lxmls/models': models,
  '@lxmls/nn': nn,
  '@lxmls/onnx': onnx,
  '@lxmls/tensor': tensor,
  '@lxmls/tensor/testing': tensorTesting,
  '@lxmls/trainer': trainer,
  '@lxmls/viz': viz,
  '@lxmls/weather-data': weatherData,
};
const packageDirs = readdirSync(join(root, 'packages')).filter((dir) =>
  Object.hasOwn(modules, `@lxmls/${dir}`),
);
const cli = join(root, 'apps', 'cli', 'src');
const readmes = [
  join(root, 'README.md'),
  ...packageDirs.map((dir) => join(root, 'packages', dir, 'README.md')),
];

const examples: [string, Example, string][] = [
  ...packageDirs.flatMap((dir) =>
    sourceFiles(join(root, 'packages', dir, 'src')).flatMap((f) => extractExamples(f, root)),
  ),
  ...readmes.filter((file) => existsSync(file)).flatMap((file) => extractMarkdownExamples(file, root)),
].map((e) => [e.where, e, root]);
// The CLI's examples import its modules by paths relative to apps/cli/src.
examples.push(
  ...sourceFiles(cli)
    .flatMap((f) => extractExamples(f, root))
    .map((e) => [e.where, e, cli] as [string, Example, string]),
);

/** Runs of whitespace folded, so that Node's multi-line formatting of long arrays compares. */
const fold = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('TSDoc @example blocks and README examples', () => {
  test('every package under packages/ has its examples run here', () => {
    const all = readdirSync(join(root, 'packages')).filter((dir) =>
      existsSync(join(root, 'packages', dir, 'package.json')),
    );
    expect(packageDirs).toEqual(all);
  });

  test('there are examples to run', () => {
    expect(examples.length).toBeGreaterThan(40);
  });

  test.each(examples)('%s', async (_, example, base) => {
    const load = (specifier: string) =>
      specifier.startsWith('./')
        ? import(/* @vite-ignore */ join(base, specifier))
        : specifier in modules
          ? Promise.resolve(modules[specifier])
          : import(/* @vite-ignore */ specifier);
    const printed = await runExample(example, load);
    expect(example.expected.length, 'every example shows its output with `// →`').toBeGreaterThan(0);
    expect(printed.map(fold)).toEqual(example.expected.map(fold));
  });
});
