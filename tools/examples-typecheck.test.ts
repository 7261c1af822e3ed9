// Type-checks the examples a user copies (issue 14): every ```ts block of the package READMEs and of the root
// README, and every TSDoc `@example` of the packages and of apps/cli, as strict TypeScript modules (`strict`,
// `noUncheckedIndexedAccess`, `module`/`moduleResolution` NodeNext: tsconfig.base.json's options), each its own
// file. tools/examples.test.ts runs the same blocks and checks their printed output; it only transpiles them,
// so a type error (TS2339 on `toArray()`'s nested arrays, TS18047 on a possibly-null value) passed there.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { type Example, extractExamples, extractMarkdownExamples, sourceFiles } from './examples.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// The packages the examples can import by name: those tools/package.json depends on (a new package's examples
// join once it is listed there; tools/examples.test.ts fails until then).
const { devDependencies } = JSON.parse(readFileSync(join(root, 'tools', 'package.json'), 'utf8')) as {
  devDependencies: Record<string, string>;
};
const packageDirs = readdirSync(join(root, 'packages')).filter(
  (dir) => existsSync(join(root, 'packages', dir, 'package.json')) && `@lxmls/${dir}` in devDependencies,
);
const readmes = [join(root, 'README.md'), ...packageDirs.map((d) => join(root, 'packages', d, 'README.md'))];
const cli = join(root, 'apps', 'cli', 'src');
/** An example and the folder its virtual file stands in (the CLI's import its modules by relative paths). */
const examples: { example: Example; dir: string }[] = [
  ...readmes.filter((file) => existsSync(file)).flatMap((file) => extractMarkdownExamples(file, root)),
  ...packageDirs.flatMap((dir) =>
    sourceFiles(join(root, 'packages', dir, 'src')).flatMap((file) => extractExamples(file, root)),
  ),
].map((example) => ({ example, dir: join(root, 'tools') }));
examples.push(
  ...sourceFiles(cli)
    .flatMap((file) => extractExamples(file, root))
    .map((example) => ({ example, dir: cli })),
);

/** The compiler options of the packages (tsconfig.base.json), without emit. */
function compilerOptions(): ts.CompilerOptions {
  const file = join(root, 'tsconfig.base.json');
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const { options } = ts.convertCompilerOptionsFromJson(config.compilerOptions, root, file);
  return {
    ...options,
    noEmit: true,
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    // the examples import the packages by name; `@lxmls/source` (in the base options) resolves them to src/
    skipLibCheck: true,
  };
}

/**
 * Type-checks `examples` as modules in one program (virtual files in each example's folder, an ES module scope:
 * tools/ for the packages' examples, which import them by name), and returns the diagnostics of each example's
 * own file, formatted.
 */
function typecheck(list: readonly { example: Example; dir: string }[]): Map<string, string[]> {
  const options = compilerOptions();
  const files = new Map<string, { example: Example; text: string }>();
  list.forEach(({ example, dir }, i) => {
    // `export {}` makes a block without imports a module too (top-level await, no global names)
    files.set(join(dir, `__example_${i}__.ts`), { example, text: `${example.code}\nexport {};\n` });
  });
  const host = ts.createCompilerHost(options, true);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists.call(host, name);
  host.readFile = (name) => files.get(name)?.text ?? readFile.call(host, name);
  host.getSourceFile = (name, language, onError, create) => {
    const virtual = files.get(name);
    return virtual
      ? ts.createSourceFile(name, virtual.text, language, true)
      : getSourceFile.call(host, name, language, onError, create);
  };
  const program = ts.createProgram({ rootNames: [...files.keys()], options, host });
  const out = new Map<string, string[]>();
  for (const [name, { example }] of files) {
    const source = program.getSourceFile(name)!;
    const diagnostics = [
      ...program.getSyntacticDiagnostics(source),
      ...program.getSemanticDiagnostics(source),
    ];
    out.set(
      example.where,
      diagnostics.map((d) => {
        const { line } = source.getLineAndCharacterOfPosition(d.start ?? 0);
        return `line ${line + 1}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`;
      }),
    );
  }
  return out;
}

describe('README and TSDoc examples under strict tsc', () => {
  const results = typecheck(examples);

  test('there are examples to type-check', () => {
    expect(examples.length).toBeGreaterThan(300);
  });

  test.each(examples.map((e) => [e.example.where]))('%s type-checks', (where) => {
    expect(results.get(where)!.join('\n')).toBe('');
  });
});
