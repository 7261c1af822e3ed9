// Runs every `@example` of the published packages and checks each `console.log` against its `// →` comment.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatWithOptions } from 'node:util';
import * as bpe from '@lxmls/bpe';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { extractExamples, extractMarkdownExamples, sourceFiles, toFunctionBody } from './examples.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const modules: Record<string, unknown> = { '@lxmls/bpe': bpe };
const packages = Object.keys(modules).map((name) =>
  join(root, 'packages', name.replace('@lxmls/', ''), 'src'),
);
const readmes = [join(root, 'README.md'), ...packages.map((dir) => join(dir, '..', 'README.md'))];
const examples = [
  ...packages.flatMap((dir) => sourceFiles(dir).flatMap((file) => extractExamples(file, root))),
  ...readmes.flatMap((file) => extractMarkdownExamples(file, root)),
];
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;

/** Node's console.log formatting, with runs of whitespace folded so multi-line inspect output compares. */
const fold = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('TSDoc @example blocks and README examples', () => {
  test('there are examples to run', () => {
    expect(examples.length).toBeGreaterThan(10);
  });

  test.each(examples.map((e) => [e.where, e] as const))('%s', async (_, example) => {
    const printed: string[] = [];
    const console = {
      log: (...args: unknown[]) => printed.push(formatWithOptions({ colors: false }, ...args)),
    };
    const js = ts.transpileModule(example.code, {
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
      },
    }).outputText;
    const run = new AsyncFunction('__modules', 'console', toFunctionBody(js));
    await run(modules, console);
    expect(example.expected.length, 'every example shows its output with `// →`').toBeGreaterThan(0);
    expect(printed.map(fold)).toEqual(example.expected.map(fold));
  });
});
