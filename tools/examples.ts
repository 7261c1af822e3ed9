/**
 * Finds the `@example` blocks of the TSDoc comments in `packages/* /src` and turns each into a runnable
 * script whose `console.log` output can be checked against its `// → expected` comments.
 *
 * Why: examples are documentation, and documentation that is not run goes stale (tinygrad runs its
 * docstrings the same way). The test in examples.test.ts runs every block this finds.
 */

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { formatWithOptions } from 'node:util';
import ts from 'typescript';

/** One fenced ```ts block of an `@example` tag. */
export interface Example {
  /** `packages/bpe/src/encoder.ts:123`: where the block starts. */
  where: string;
  /** The code, with the leading ` * ` of the comment removed. */
  code: string;
  /** The text after `// →` on each line that has one, in order. */
  expected: string[];
}

/** All `.ts` source files under `dir`, tests excluded. */
export function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name === '__fixtures__' || name === 'generated')
      continue;
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (name.endsWith('.ts') && !name.endsWith('.test.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out.sort();
}

/** The examples of one file. */
export function extractExamples(path: string, root: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*\*\s*@example\b/.test(lines[i]!)) continue;
    let j = i + 1;
    while (j < lines.length && !/^\s*\*\s*```ts\s*$/.test(lines[j]!)) {
      if (/^\s*\*\s*@\w+/.test(lines[j]!) || /\*\//.test(lines[j]!)) break;
      j++;
    }
    if (j >= lines.length || !/```ts/.test(lines[j]!)) continue;
    const start = j;
    const body: string[] = [];
    for (j = start + 1; j < lines.length && !/^\s*\*\s*```\s*$/.test(lines[j]!); j++) {
      body.push(lines[j]!.replace(/^\s*\* ?/, ''));
    }
    const expected = body.flatMap((line) => {
      const m = /\/\/ → (.*)$/.exec(line);
      return m ? [m[1]!] : [];
    });
    examples.push({ where: `${relative(root, path)}:${start + 1}`, code: body.join('\n'), expected });
  }
  return examples;
}

/**
 * Runs one example and returns what it printed, one string per `console.log` call.
 *
 * The TypeScript is transpiled to JavaScript, each `import { a, b as c } from 'x'` becomes
 * `const { a, b: c } = modules['x']` with the module obtained from `load('x')`, and the code runs as the body
 * of an async function with a `console` that records Node's formatting of its arguments.
 */
export async function runExample(
  example: Example,
  load: (specifier: string) => Promise<unknown>,
): Promise<string[]> {
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
      return `const {${bindings.filter(Boolean).join(', ')}} = __modules[${JSON.stringify(from)}];`;
    },
  );
  for (const specifier of Object.keys(modules)) modules[specifier] = await load(specifier);
  const printed: string[] = [];
  const console = {
    log: (...args: unknown[]) => printed.push(formatWithOptions({ colors: false }, ...args)),
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (...values: unknown[]) => Promise<void>;
  await new AsyncFunction('__modules', 'console', body)(modules, console);
  return printed;
}

/** The ```ts blocks of a Markdown file (a README), with their `// →` comments, which may stand on their own line. */
export function extractMarkdownExamples(path: string, root: string): Example[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const examples: Example[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '```ts') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i] !== '```'; i++) body.push(lines[i]!);
    const expected = body.flatMap((line) => {
      const m = /\/\/ → (.*)$/.exec(line);
      return m ? [m[1]!] : [];
    });
    examples.push({ where: `${relative(root, path)}:${start + 1}`, code: body.join('\n'), expected });
  }
  return examples;
}
