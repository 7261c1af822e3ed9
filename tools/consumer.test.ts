// The packages as a user outside this repository gets them (issue 14, "consumer tests"): every published
// package of packages/* is packed once with `pnpm pack` (workspace:^ becomes a version, `files` decides what
// ships), and the tarballs are installed with `npm install --offline` (no network: each @lxmls dependency
// comes from its own tarball) into fresh temporary projects:
// - @lxmls/bpe alone, and @lxmls/tensor with @lxmls/nn, each with only what it depends on;
// - every package together, with the registry packages they depend on (sucrase, onnx-proto, TensorFlow.js's
//   core and CPU backend, and their dependencies) packed from this workspace's node_modules, as a registry
//   would serve them; the optional peers a user may leave out (onnxruntime, TensorFlow.js's GPU and wasm
//   backends) are left out.
// In them: the ES module entry of every `exports` subpath; CommonJS `require` of the same (Node ≥ 20.19 loads
// ES modules from `require`; before that Node says ERR_REQUIRE_ESM); every source map's sources inside the
// package; the READMEs' ```ts examples as a consumer's files under strict `tsc` with `moduleResolution`
// `nodenext` and `bundler`, against the published `.d.ts`; and a tokenizer app bundled with esbuild and with
// Vite, each with default settings, run in headless Chromium (skipped without Chromium, as every browser test).
import { execFile, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, launchChromium, REPO_ROOT, serveStatic } from './browser.js';
import { extractMarkdownExamples } from './examples.js';
import { importFrom } from './import-from.js';

const root = REPO_ROOT;
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  packageManager: string;
};

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  exports?: Record<string, unknown>;
}

/** The published packages: packages/* whose package.json is not private. */
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({
    dir,
    manifest: JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as Manifest,
  }))
  .filter(({ manifest }) => !manifest.private);
const byName = new Map(packages.map((p) => [p.manifest.name, p]));

/** Peers needed only by a subpath that a consumer imports on purpose (`@lxmls/tensor/testing` runs in vitest). */
const SUBPATH_PEERS = new Set(['vitest']);

/**
 * Optional peers that a user of the package installs with it: @lxmls/backend-tfjs's declarations import
 * @tensorflow/tfjs-core, and it runs on TensorFlow.js's CPU backend. The other optional peers are left out.
 */
const PEERS_INSTALLED = new Set(['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu']);

/** `name` and its @lxmls dependencies (and peers), transitively; `external` collects the registry ones. */
function closure(name: string, external = new Set<string>(), seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const { dependencies = {}, peerDependencies = {} } = byName.get(name)!.manifest;
  for (const dep of Object.keys(dependencies)) {
    if (byName.has(dep)) closure(dep, external, seen);
    else external.add(dep);
  }
  for (const dep of Object.keys(peerDependencies)) {
    if (byName.has(dep)) closure(dep, external, seen);
    else if (PEERS_INSTALLED.has(dep) && !SUBPATH_PEERS.has(dep)) external.add(dep);
  }
  return seen;
}

/** The repository's TypeScript compiler, which the consumer projects' type checks run. */
const TSC = join(
  dirname(createRequire(join(root, 'package.json')).resolve('typescript/package.json')),
  'bin/tsc',
);

/** Every published package, for the project that installs them all. */
const published = packages.map((p) => p.manifest.name);

/** The real folder of package `dep` as Node resolves it from folder `from` (pnpm: a link in a node_modules above). */
function packageDir(from: string, dep: string): string {
  for (let d = from; d !== dirname(d); d = dirname(d)) {
    const candidates = [
      join(d, 'node_modules', dep),
      ...(basename(d) === 'node_modules' ? [join(d, dep)] : []),
    ];
    const found = candidates.find((c) => existsSync(join(c, 'package.json')));
    if (found) return realpathSync(found);
  }
  throw new Error(`${dep} is not installed in a node_modules above ${from}`);
}

/**
 * Tarballs under `into` of the registry packages that `names` depend on, with their dependencies, transitively:
 * each installed folder of this workspace's node_modules packed as the registry's tarball of it (one `package/`
 * folder), so that `npm install --offline` finds every dependency among the files it is given.
 */
function registryTarballs(names: Iterable<string>, into: string): string[] {
  mkdirSync(into, { recursive: true });
  const out = new Map<string, string>(); // name@version → tarball
  const visit = (folder: string) => {
    const {
      name,
      version,
      dependencies = {},
    } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Manifest;
    const key = `${name}@${version}`;
    if (out.has(key)) return;
    const file = join(into, `${key.replace(/[@/]/g, '_')}.tgz`);
    out.set(key, file);
    if (!existsSync(file)) {
      const args = ['--exclude=node_modules', '--transform=s,^[^/]*,package,', '-C', dirname(folder)];
      run('tar', ['-czf', file, ...args, basename(folder)], into);
    }
    for (const dep of Object.keys(dependencies)) visit(packageDir(folder, dep));
  };
  for (const name of names) {
    const external = new Set<string>();
    closure(name, external);
    const from = join(root, 'packages', byName.get(name)!.dir);
    for (const dep of external) visit(packageDir(from, dep));
  }
  return [...out.values()];
}

/** The import specifiers of a package's `exports` (`@lxmls/tensor`, `@lxmls/tensor/testing`, …). */
function specifiers(name: string): string[] {
  const exports = byName.get(name)!.manifest.exports ?? { '.': '' };
  return Object.keys(exports)
    .filter((key) => key !== './package.json' && !key.includes('*'))
    .map((key) => (key === '.' ? name : `${name}/${key.slice(2)}`));
}

/** Subpaths that need a test runner (`@lxmls/tensor/testing` imports vitest, an optional peer). */
const NEEDS_PEER = new Set(['@lxmls/tensor/testing']);

/** The pnpm of this repository: the one running the tests, else `npx --offline pnpm@<packageManager>`. */
function pnpm(args: string[], cwd: string): string {
  const execPath = process.env.npm_execpath;
  // pnpm 12 from npx is a native executable (run it as it is); an older pnpm is a script for node
  const [command, ...prefix] =
    execPath && /pnpm/.test(execPath)
      ? /\.[cm]?js$/.test(execPath)
        ? [process.execPath, execPath]
        : [execPath]
      : ['npx', '--offline', rootPackage.packageManager.split('+')[0]!];
  return execFileSync(command!, [...prefix, ...args], { cwd, encoding: 'utf8', stdio: 'pipe' });
}

/** Runs a command, and on failure throws its output (not the whole error object). */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: 'pipe', env });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 6000));
  }
}

/** Every file under `dir`, paths relative to it. */
function filesUnder(dir: string, sub = ''): string[] {
  return readdirSync(join(dir, sub)).flatMap((name) => {
    const path = sub ? `${sub}/${name}` : name;
    return statSync(join(dir, path)).isDirectory() ? filesUnder(dir, path) : [path];
  });
}

describe('the packed packages in a fresh project', { timeout: 180_000 }, () => {
  let dir: string;
  const tarballs = new Map<string, string>();
  /** The projects made so far, by name: their folder. */
  const projects = new Map<string, string>();

  /** A fresh project at `dir/<name>` with `names` (and their @lxmls dependencies) installed from the tarballs. */
  function project(name: string, names: string[]): string {
    const at = join(dir, name);
    mkdirSync(at);
    writeFileSync(join(at, 'package.json'), `${JSON.stringify({ name, private: true, type: 'module' })}\n`);
    const all = new Set(names.flatMap((n) => [...closure(n)]));
    run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        ...[...all].map((n) => tarballs.get(n)!),
        ...registryTarballs(all, join(dir, 'registry')),
      ],
      at,
    );
    projects.set(name, at);
    return at;
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'lxmls-consumer-'));
    for (const { dir: pkgDir, manifest } of packages) {
      if (!existsSync(join(root, 'packages', pkgDir, 'dist'))) {
        throw new Error(`packages/${pkgDir}/dist is missing: run npx tsc --build first`);
      }
      tarballs.set(
        manifest.name,
        join(dir, `${manifest.name.slice(1).replace('/', '-')}-${manifest.version}.tgz`),
      );
    }
    pnpm(
      ['-r', ...packages.flatMap((p) => ['--filter', p.manifest.name]), 'pack', '--pack-destination', dir],
      root,
    );
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true }); // TensorFlow.js: 50 MB installed, with its tarballs
  }, 60_000);

  test('pnpm pack writes one tarball per published package, with no workspace: range left', () => {
    for (const [name, file] of tarballs) {
      expect(existsSync(file), name).toBe(true);
      const manifest = run('tar', ['-xzOf', file, 'package/package.json'], dir);
      expect(manifest, name).not.toContain('workspace:');
    }
  });

  describe.each([
    ['@lxmls/bpe alone', 'bpe', ['@lxmls/bpe']],
    ['@lxmls/tensor and @lxmls/nn', 'tensor-nn', ['@lxmls/tensor', '@lxmls/nn']],
    ['every package, with its registry dependencies', 'all', published],
  ])('%s', (_, name, wanted) => {
    let at: string;
    let installed: string[];
    beforeAll(() => {
      at = project(name, wanted);
      installed = [...new Set(wanted.flatMap((n) => [...closure(n)]))].sort();
    }, 120_000);

    test('npm install --offline installs exactly the package and its @lxmls dependencies', () => {
      const present = readdirSync(join(at, 'node_modules/@lxmls')).map((n) => `@lxmls/${n}`);
      expect(present.sort()).toEqual(installed);
    });

    test('import of every exports subpath (ESM)', () => {
      const specs = installed.flatMap(specifiers).filter((s) => !NEEDS_PEER.has(s));
      writeFileSync(
        join(at, 'esm.mjs'),
        `const specs = ${JSON.stringify(specs)};
const out = {};
for (const s of specs) out[s] = Object.keys(await import(s)).length;
console.log(JSON.stringify(out));
`,
      );
      const counts = JSON.parse(run(process.execPath, ['esm.mjs'], at)) as Record<string, number>;
      expect(Object.keys(counts)).toEqual(specs);
      // a main entry exports the API; a subpath may be for its side effect (`@lxmls/backend-wasm/register`)
      for (const n of installed) expect(counts[n], `${n} exports something`).toBeGreaterThan(0);
    });

    test('require of every exports subpath (CommonJS, through require(esm) on Node ≥ 20.19)', () => {
      const specs = installed.flatMap(specifiers).filter((s) => !NEEDS_PEER.has(s));
      writeFileSync(
        join(at, 'cjs.cjs'),
        `const out = {};
for (const s of ${JSON.stringify(specs)}) out[s] = Object.keys(require(s)).length;
console.log(JSON.stringify(out));
`,
      );
      const counts = JSON.parse(run(process.execPath, ['cjs.cjs'], at)) as Record<string, number>;
      expect(Object.keys(counts)).toEqual(specs);
      for (const n of installed) expect(counts[n], `${n} from require`).toBeGreaterThan(0);
      // Without require(esm) (Node < 20.19, or the flag off), Node's own error names the way out.
      let code: string | undefined;
      try {
        execFileSync(process.execPath, ['--no-experimental-require-module', 'cjs.cjs'], {
          cwd: at,
          stdio: 'pipe',
        });
      } catch (error) {
        code = /ERR_REQUIRE_ESM/.exec(String((error as { stderr?: Buffer }).stderr))?.[0];
      }
      expect(code).toBe('ERR_REQUIRE_ESM');
    });

    test('every source map of the installed packages points at files the package ships', () => {
      const missing: string[] = [];
      for (const n of installed) {
        const pkgDir = join(at, 'node_modules', n);
        for (const file of filesUnder(pkgDir).filter((f) => f.endsWith('.map'))) {
          const map = JSON.parse(readFileSync(join(pkgDir, file), 'utf8')) as {
            sources: string[];
            sourceRoot?: string;
          };
          for (const source of map.sources) {
            const path = resolve(pkgDir, dirname(file), map.sourceRoot ?? '', source);
            // a source the repository no longer has is a stale output of an old build (tsc --build never
            // deletes those); a fresh clone has none, so only sources the package leaves out count here
            const inRepo = join(root, 'packages', byName.get(n)!.dir, relative(pkgDir, path));
            if (!existsSync(path) && existsSync(inRepo))
              missing.push(`${n}/${file} → ${relative(pkgDir, path)}`);
          }
        }
      }
      expect(missing.slice(0, 20), `${missing.length} sources missing`).toEqual([]);
    });
  });

  // the two run side by side; `bundler` with skipLibCheck, as Vite's templates set it, `nodenext` without it, so
  // that the published .d.ts files themselves are checked too
  test.concurrent.for(['nodenext', 'bundler'])(
    'every package: the READMEs’ examples type-check under strict tsc (%s)',
    async (resolution, { expect }) => {
      const at = projects.get('all')!;
      const installed = published;
      // the examples run in Node (console, node:fs): the consumer has @types/node, as any Node project
      const types = join(at, 'node_modules/@types/node');
      if (!existsSync(types)) {
        mkdirSync(dirname(types), { recursive: true });
        symlinkSync(
          dirname(createRequire(join(root, 'package.json')).resolve('@types/node/package.json')),
          types,
        );
      }
      const srcDir = join(at, `src-${resolution}`);
      mkdirSync(srcDir, { recursive: true });
      const files: string[] = [];
      for (const n of installed) {
        const readme = join(at, 'node_modules', n, 'README.md');
        if (!existsSync(readme)) continue;
        for (const example of extractMarkdownExamples(readme, join(at, 'node_modules'))) {
          const file = `${example.where.replace(/[^a-z0-9]+/gi, '_')}.ts`;
          writeFileSync(join(srcDir, file), `// ${example.where}\n${example.code}\nexport {};\n`);
          files.push(file);
        }
      }
      writeFileSync(
        join(at, `tsconfig.${resolution}.json`),
        JSON.stringify({
          compilerOptions: {
            strict: true,
            noEmit: true,
            skipLibCheck: resolution === 'bundler',
            target: 'ES2022',
            lib: ['ES2023', 'DOM'],
            // @tensorflow/tfjs-core's declarations use @types/long's global `Long` without a reference to it: a
            // user of @lxmls/backend-tfjs who checks libraries lists it, as here (or sets skipLibCheck)
            types: ['node', 'long'],
            ...(resolution === 'nodenext'
              ? { module: 'NodeNext', moduleResolution: 'NodeNext' }
              : { module: 'ESNext', moduleResolution: 'Bundler' }),
          },
          include: [`src-${resolution}`],
        }),
      );
      expect(files.length).toBeGreaterThan(0);
      try {
        await promisify(execFile)(
          process.execPath,
          [TSC, '-p', `tsconfig.${resolution}.json`, '--pretty', 'false'],
          {
            cwd: at,
          },
        );
      } catch (error) {
        const { stdout, stderr } = error as { stdout?: string; stderr?: string };
        throw new Error(`tsc (${resolution}) failed:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 6000));
      }
    },
  );

  // a browser project's strict tsc: no @types/node and no skipLibCheck, so a `node:` type in a published .d.ts
  // is an error (TS2307); errors inside other packages' declarations (TensorFlow.js's) are theirs, and only
  // those in @lxmls/* count
  test('every exports subpath: the published declarations type-check without @types/node (a browser project)', async () => {
    const at = projects.get('all')!;
    const specs = published.flatMap(specifiers).filter((s) => !NEEDS_PEER.has(s));
    mkdirSync(join(at, 'src-browser'), { recursive: true });
    writeFileSync(
      join(at, 'src-browser/imports.ts'),
      `${specs.map((spec, i) => `export type * as m${i} from '${spec}';`).join('\n')}\n`,
    );
    writeFileSync(
      join(at, 'tsconfig.browser.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          skipLibCheck: false,
          target: 'ES2022',
          lib: ['ES2023', 'DOM'],
          types: [],
          module: 'ESNext',
          moduleResolution: 'Bundler',
        },
        include: ['src-browser'],
      }),
    );
    let output = '';
    try {
      await promisify(execFile)(process.execPath, [TSC, '-p', 'tsconfig.browser.json', '--pretty', 'false'], {
        cwd: at,
      });
    } catch (error) {
      output = (error as { stdout?: string }).stdout ?? String(error);
    }
    const ours = output.split('\n').filter((line) => line.includes('node_modules/@lxmls/'));
    expect(ours).toEqual([]);
  });

  describe('@lxmls/bpe in a browser bundle (headless Chromium)', () => {
    const chromium = findChromium();
    let browser: Browser | undefined;
    let at: string;
    const APP = `import { BPETokenizer } from '@lxmls/bpe';
const tokenizer = new BPETokenizer();
const ids = tokenizer.encode('Hello, my name is');
document.title = JSON.stringify({ ids, text: tokenizer.decode(ids) });
`;
    const EXPECTED = { ids: [15496, 11, 616, 1438, 318], text: 'Hello, my name is' };
    /** Issue 14's budget for a minified app that uses BPETokenizer, with any bundler's defaults. */
    const BUDGET = 250_000;
    /** The bytes of the JavaScript files under `folder`. */
    const jsBytes = (folder: string) =>
      filesUnder(folder)
        .filter((f) => f.endsWith('.js'))
        .reduce((sum, f) => sum + statSync(join(folder, f)).size, 0);

    beforeAll(async () => {
      at = project('bpe-browser', ['@lxmls/bpe']);
      writeFileSync(join(at, 'main.js'), APP);
      writeFileSync(
        join(at, 'index.html'),
        '<!doctype html><script type="module" src="/main.js"></script>\n',
      );
      if (chromium) browser = await launchChromium(chromium);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
    });

    /** Opens `page` of a static folder in Chromium and returns what the app wrote into the title. */
    async function runInChromium(folder: string, page: string, html?: string): Promise<unknown> {
      const { url, server } = await serveStatic(folder, html ? { [`/${page}`]: html } : {});
      try {
        const tab = await browser!.newPage();
        const errors: string[] = [];
        tab.on('pageerror', (e) => errors.push(String(e)));
        await tab.goto(`${url}/${page}`);
        await tab.waitForFunction(() => document.title.startsWith('{'), undefined, { timeout: 20_000 });
        expect(errors).toEqual([]);
        return JSON.parse(await tab.title());
      } finally {
        server.close();
      }
    }

    test.skipIf(!chromium)(
      'esbuild --bundle --minify (defaults otherwise): within 250 kB, runs BPETokenizer',
      async () => {
        const esbuild = join(root, 'node_modules/.bin/esbuild');
        run(
          esbuild,
          ['main.js', '--bundle', '--minify', '--outfile=esbuild-out/app.js', '--log-level=warning'],
          at,
        );
        const html = '<!doctype html><meta charset="utf-8"><script src="app.js"></script>\n';
        expect(jsBytes(join(at, 'esbuild-out'))).toBeLessThanOrEqual(BUDGET);
        expect(await runInChromium(join(at, 'esbuild-out'), 'index.html', html)).toEqual(EXPECTED);
      },
    );

    test.skipIf(!chromium)('vite build (no config): within 250 kB, runs BPETokenizer', async () => {
      const { build } = (await importFrom('vite', join(root, 'apps/docs/package.json'))) as {
        build: (config: Record<string, unknown>) => Promise<unknown>;
      };
      await build({
        root: at,
        configFile: false,
        logLevel: 'silent',
        build: { outDir: join(at, 'vite-out') },
      });
      expect(jsBytes(join(at, 'vite-out'))).toBeLessThanOrEqual(BUDGET);
      expect(await runInChromium(join(at, 'vite-out'), 'index.html')).toEqual(EXPECTED);
    });
  });
});
