// The package graph of docs/architecture.md, enforced: every @lxmls/* edge of every package.json (and every import of
// @lxmls/* in a package's source) must be an allowed one, and zero-dependency packages must stay so.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { sourceFiles } from './examples.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** docs/architecture.md "The package graph": the allowed @lxmls/* edges of each published package. */
const ALLOWED: Record<string, string[]> = {
  // issue 13: the error-class factory, the validation helpers and the Python reprs, under every package
  base: [],
  bpe: ['base'],
  'weather-data': ['base'],
  viz: ['base'],
  tensor: ['base'],
  'backend-wasm': ['base', 'tensor'],
  'backend-tfjs': ['base', 'tensor'],
  // issue 16: our own WGSL kernels on WebGPU
  'backend-webgpu': ['base', 'tensor'],
  nn: ['base', 'tensor'],
  attention: ['base', 'nn', 'tensor'],
  // issue 13: the hub client, the download cache and the atomic writers, out of gpt (loads for gpt, bert, trainer)
  hub: ['base'],
  gpt: ['attention', 'base', 'hub', 'nn', 'tensor', 'bpe'],
  // issue 15: export of the GPTs to ONNX and inference on ONNX Runtime (onnxruntime-node/-web as optional peers)
  onnx: ['base', 'gpt', 'nn', 'tensor'],
  trainer: ['base', 'hub', 'tensor', 'nn'],
  // added after the founding design: BERT for Exercise 2.4 (issue 6), built from the same parts as gpt
  // issue 13: the masked-LM pretraining of lxmls/bert-mini (pretrainMaskedLM) runs on @lxmls/trainer
  bert: ['attention', 'base', 'hub', 'nn', 'tensor', 'trainer'],
  // issue 12: the course kit (skeletons, grader) and the models we train and ship (data only)
  // issue 13: the weather course recipe (gpt-nano on the weather data, as lxmls train weather and the docs run it)
  course: ['attention', 'base', 'bpe', 'gpt', 'nn', 'tensor', 'trainer', 'weather-data'],
  models: ['base'],
};
/** Packages with no runtime dependency at all. */
const ZERO_DEPENDENCIES = ['base'];
/** Packages whose only runtime dependency is @lxmls/base (no other package, no third-party code). */
const BASE_ONLY = ['bpe', 'weather-data', 'viz', 'models', 'hub'];

interface Manifest {
  name: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const packages = readdirSync(join(root, 'packages')).filter((dir) =>
  existsSync(join(root, 'packages', dir, 'package.json')),
);
const manifest = (dir: string): Manifest =>
  JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8'));
const runtimeDeps = (m: Manifest) => ({
  ...m.dependencies,
  ...m.peerDependencies,
  ...m.optionalDependencies,
});

describe('package graph', () => {
  test.each(packages)('packages/%s is a known package named @lxmls/<dir>', (dir) => {
    expect(Object.keys(ALLOWED)).toContain(dir);
    expect(manifest(dir).name).toBe(`@lxmls/${dir}`);
  });

  test.each(packages)('packages/%s depends only on allowed @lxmls packages', (dir) => {
    const edges = Object.keys(runtimeDeps(manifest(dir)))
      .filter((name) => name.startsWith('@lxmls/'))
      .map((name) => name.slice('@lxmls/'.length));
    for (const edge of edges) expect(ALLOWED[dir], `@lxmls/${dir} → @lxmls/${edge}`).toContain(edge);
  });

  test.each(packages)('packages/%s imports only the @lxmls packages it declares', (dir) => {
    const declared = Object.keys(runtimeDeps(manifest(dir)));
    for (const file of sourceFiles(join(root, 'packages', dir, 'src'))) {
      // Import and export declarations of the code only (parsed, so the TypeScript of a notebook cell held in a
      // template string, or a TSDoc example in a comment, does not count), plus dynamic import('...') calls.
      for (const specifier of importedModules(file)) {
        const name = /^@lxmls\/[\w-]+/.exec(specifier)?.[0];
        // a package may import itself by name (@lxmls/course's exercise files do, as a student's file would)
        if (name === undefined || name === `@lxmls/${dir}`) continue;
        expect(declared, `${file} imports ${name}`).toContain(name);
      }
    }
  });

  test.each(ZERO_DEPENDENCIES.filter((dir) => packages.includes(dir)))(
    'packages/%s has no runtime dependency',
    (dir) => {
      expect(runtimeDeps(manifest(dir))).toEqual({});
    },
  );

  test.each(BASE_ONLY.filter((dir) => packages.includes(dir)))(
    'packages/%s has no runtime dependency but @lxmls/base',
    (dir) => {
      expect(Object.keys(runtimeDeps(manifest(dir))).filter((name) => name !== '@lxmls/base')).toEqual([]);
    },
  );

  test.each(packages)('packages/%s is ESM with types first in its exports', (dir) => {
    const m = manifest(dir) as Manifest & { type?: string; exports?: Record<string, unknown> };
    expect(m.type).toBe('module');
    const main = m.exports?.['.'] as Record<string, string>;
    const keys = Object.keys(main).filter((key) => key !== '@lxmls/source');
    expect(keys[0]).toBe('types');
    expect(main['@lxmls/source']).toBe('./src/index.ts');
  });
});

/** The module specifiers a source file imports or re-exports, read from its syntax tree. */
function importedModules(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, false);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push(node.moduleSpecifier.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}
