// Runs every TSDoc `@example` of apps/cli/src and checks each `console.log` against its `// →` comment, as
// tools/examples.test.ts does for the packages. Examples import modules by paths relative to src/.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatWithOptions } from 'node:util';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));

interface Example {
  where: string;
  code: string;
  expected: string[];
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function examplesOf(path: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!) || !/^\s*\*\s*```ts\s*$/.test(lines[i + 1] ?? '')) continue;
    const body: string[] = [];
    for (let j = i + 2; j < lines.length && !/^\s*\*\s*```\s*$/.test(lines[j]!); j++) {
      body.push(lines[j]!.replace(/^\s*\* ?/, ''));
    }
    const expected = body.flatMap((line) => /\/\/ → (.*)$/.exec(line)?.slice(1) ?? []);
    examples.push({ where: `${relative(src, path)}:${i + 1}`, code: body.join('\n'), expected });
  }
  return examples;
}

const examples = sourceFiles(src).flatMap(examplesOf);
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...args: string[]
) => (...values: unknown[]) => Promise<void>;
const fold = (text: string) => text.replace(/\s+/g, ' ').trim();

async function load(specifier: string): Promise<unknown> {
  return specifier.startsWith('./') ? import(/* @vite-ignore */ join(src, specifier)) : import(specifier);
}

describe('TSDoc @example blocks of apps/cli', () => {
  test('there are examples to run', () => {
    expect(examples.length).toBeGreaterThan(20);
  });

  test.each(examples.map((e) => [e.where, e] as const))('%s', async (_, example) => {
    const printed: string[] = [];
    const console = {
      log: (...args: unknown[]) => printed.push(formatWithOptions({ colors: false }, ...args)),
    };
    const js = ts
      .transpileModule(example.code, {
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          verbatimModuleSyntax: true,
        },
      })
      .outputText.replace(/^export \{\};?$/gm, ''); // left by a type-only import
    const modules: Record<string, unknown> = {};
    const body = js.replace(
      /^import\s*\{([^}]*)\}\s*from\s*'([^']+)';?$/gm,
      (_, names: string, from: string) => {
        modules[from] = undefined;
        const bindings = names.split(',').map((name) => name.trim().replace(/\s+as\s+/, ': '));
        return `const {${bindings.join(', ')}} = __modules[${JSON.stringify(from)}];`;
      },
    );
    for (const specifier of Object.keys(modules)) modules[specifier] = await load(specifier);
    await new AsyncFunction('__modules', 'console', body)(modules, console);
    expect(example.expected.length, 'every example shows its output with `// →`').toBeGreaterThan(0);
    expect(printed.map(fold)).toEqual(example.expected.map(fold));
  });
});
