/**
 * The docs site's build: a Vite multi-page static site (one HTML page per guide) plus the TypeDoc API
 * reference copied into `api/`.
 *
 * `@lxmls/*` imports resolve to the packages' TypeScript sources (the `@lxmls/source` entries of their
 * `exports`), through aliases built from the packages' own `package.json` files: the site builds without a
 * `tsc --build` first, before or after `pnpm install`, and every package is bundled once (the tensor
 * backend registry is shared by all of them). What every page shares (the head's common tags, the navigation,
 * the `src/partials/` blocks) is filled in from src/layout.ts. The stylesheet is inlined into each page; the model folders the
 * demos load are served under `models/` (see `siteModels`). `vite dev` and `vite preview` send the
 * cross-origin isolation headers ({@link CROSS_ORIGIN_ISOLATION_HEADERS}), so the wasm backend trains with two
 * threads. This file imports nothing from `vite` at run time, so Vite can load it from anywhere.
 */

import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import type { ServerResponse } from 'node:http';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Alias, Plugin, UserConfig } from 'vite';
import { NAV, renderPage } from './src/layout.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../..');
/** Where `pnpm run docs` (TypeDoc, `typedoc.json` `out`) writes the API reference. */
export const API_DOCS_DIR = join(repo, 'docs-api');
/**
 * The response headers that make the site's pages cross-origin isolated (`crossOriginIsolated === true`):
 * SharedArrayBuffer needs them, and with it the wasm backend computes with two threads (the page plus a
 * worker started from a Blob URL); without them it runs on one. Every resource of the site is same-origin, so
 * `require-corp` blocks nothing; the GPT-2 button's cross-origin downloads are CORS requests, which it allows.
 * A static host must send the same two headers (README "Serve it").
 */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};
/** The pages of the site, in the order of the navigation (src/layout.ts `NAV`). */
export const PAGES = NAV.map((entry) => entry.page);

/**
 * The model folders the pages load, served under `models/<name>/` (next to the pages): in development from
 * where they live in the repository, in a build copied into `<outDir>/models/<name>/`. Only the listed
 * files are served. The pages fetch them with relative URLs (`./models/shakespeare-char/`), so the built site
 * works from any path and offline.
 */
export const SITE_MODELS: Record<string, { dir: string; files: readonly string[] }> = {
  // @lxmls/models: a character-level GPT on tinyshakespeare (`lxmls generate --model lxmls/shakespeare-char`)
  'shakespeare-char': {
    dir: join(repo, 'packages/models/models/shakespeare-char'),
    files: ['config.json', 'model.safetensors', 'tokenizer.json'],
  },
  // @lxmls/models: Exercise 3.1's gpt-nano trained on the weather data (lxmls.json: the task and the HMM)
  'weather-nano': {
    dir: join(repo, 'packages/models/models/weather-nano'),
    files: ['config.json', 'model.safetensors', 'lxmls.json'],
  },
  // @lxmls/models: Exercise 3.2's GPT with GPT-2's tokenizer (no tokenizer file: @lxmls/bpe bundles GPT-2's)
  'gpt2-shakespeare': {
    dir: join(repo, 'packages/models/models/gpt2-shakespeare'),
    files: ['config.json', 'model.safetensors'],
  },
  // @lxmls/models: Exercise 2.4's BERT, pretrained here with masked-language modelling (training.json: its heads)
  'bert-mini': {
    dir: join(repo, 'packages/models/models/bert-mini'),
    files: ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors', 'training.json'],
  },
  // the tiny randomly initialised BERT of @lxmls/bert's tests (bert-base-uncased's vocabulary)
  'tiny-bert': {
    dir: join(repo, 'packages/bert/src/__fixtures__/tiny-bert'),
    files: ['config.json', 'vocab.txt', 'tokenizer_config.json', 'model.safetensors'],
  },
};

/** One exact alias per `@lxmls/source` entry of each package's `exports` (`@lxmls/backend-wasm/register`, …). */
function sourceAliases(): Alias[] {
  const aliases: Alias[] = [];
  const packagesDir = join(repo, 'packages');
  for (const dir of readdirSync(packagesDir)) {
    const file = join(packagesDir, dir, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as {
      name: string;
      exports?: Record<string, string | Record<string, string>>;
    };
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      const source = typeof target === 'object' ? target['@lxmls/source'] : undefined;
      if (!source) continue;
      const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
      const escaped = specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      aliases.push({ find: new RegExp(`^${escaped}$`), replacement: join(packagesDir, dir, source) });
    }
  }
  return aliases;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.safetensors': 'application/octet-stream',
};

/** The page `api/index.html` says when the API reference was not generated before the build. */
const MISSING_API_PAGE = `<!doctype html>
<html lang="en">
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="../favicon.ico">
<title>API reference not built · lxmls-ts</title>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; line-height: 1.5">
<main>
<h1>The API reference was not built</h1>
<p>The TypeDoc output (<code>docs-api/</code>) did not exist when this site was built. Run
<code>pnpm run docs</code> at the root of the repository, then <code>pnpm --filter lxmls-docs build</code>.</p>
<p><a href="../index.html">Back to the guides</a></p>
</main>
</html>
`;

/**
 * Inlines `src/style.css` into the `<head>` of every page: one stylesheet to edit, no request for it, no
 * flash of unstyled text, and nothing that depends on how a static host labels `.css` files.
 */
function inlineStyle(file: string = join(here, 'src/style.css')): Plugin {
  return {
    name: 'lxmls-docs:inline-style',
    transformIndexHtml: {
      order: 'pre',
      handler: () => [{ tag: 'style', children: readFileSync(file, 'utf8'), injectTo: 'head' }],
    },
    handleHotUpdate({ file: changed, server }) {
      if (changed === file) server.ws.send({ type: 'full-reload' });
    },
  };
}

/**
 * Fills in the parts every page shares (src/layout.ts `renderPage`: the head's common tags, the skip link and
 * the navigation, the `src/partials/` blocks) before Vite reads the page; a partial edited in `vite dev`
 * reloads the pages.
 */
function siteLayout(): Plugin {
  return {
    name: 'lxmls-docs:layout',
    transformIndexHtml: {
      order: 'pre',
      handler: (html, ctx) =>
        renderPage(html, basename(ctx.filename, '.html'), (path) => readFileSync(join(here, path), 'utf8')),
    },
    handleHotUpdate({ file, server }) {
      if (file.startsWith(join(here, 'src/partials/'))) server.ws.send({ type: 'full-reload' });
    },
  };
}

/**
 * Writes folder `name` of a build's output `outDir` (nothing when there is no build): `fill` writes it into a
 * temporary folder beside it, which is then renamed into place over the old one, so that a reader never sees
 * half a folder.
 */
function writeOutputFolder(outDir: string, name: string, fill: (tmp: string) => void): void {
  if (!outDir || !existsSync(outDir)) return;
  const target = join(outDir, name);
  const tmp = join(outDir, `.${name}-${process.pid}-${Date.now().toString(36)}`);
  rmSync(tmp, { recursive: true, force: true });
  fill(tmp);
  rmSync(target, { recursive: true, force: true });
  renameSync(tmp, target);
}

/**
 * A plugin for one folder of the site that does not come from the pages: in development `serve` answers the
 * requests under `/<folder>/` (given the decoded path below it; false: not one of its files, the next
 * middleware answers), and after a build `fill` writes `<outDir>/<folder>` (through {@link writeOutputFolder}).
 */
function siteFolder(
  folder: string,
  serve: (path: string, res: ServerResponse) => boolean,
  fill: (tmp: string) => void,
): Plugin {
  let outDir = '';
  return {
    name: `lxmls-docs:${folder}`,
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use(`/${folder}`, (req, res, next) => {
        if (!serve(decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname), res)) next();
      });
    },
    closeBundle() {
      writeOutputFolder(outDir, folder, fill);
    },
  };
}

/** Answers with `body`, typed by the extension of `file`. */
function sendFile(res: ServerResponse, file: string, body: string | Buffer): true {
  res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
  res.end(body);
  return true;
}

/**
 * Serves `docs-api/` under `/api/` in development, and copies it into `<outDir>/api` after a build (through a
 * temporary folder and a rename; a placeholder page when it does not exist, so the link never breaks).
 */
function apiDocs(source: string = API_DOCS_DIR): Plugin {
  return siteFolder(
    'api',
    (path, res) => {
      let file = join(source, path);
      if (!file.startsWith(source)) return false;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      if (existsSync(file)) return sendFile(res, file, readFileSync(file));
      return (path === '/' || path === '/index.html') && sendFile(res, 'index.html', MISSING_API_PAGE);
    },
    (tmp) => {
      if (existsSync(join(source, 'index.html'))) {
        cpSync(source, tmp, { recursive: true });
      } else {
        mkdirSync(tmp, { recursive: true });
        writeFileSync(join(tmp, 'index.html'), MISSING_API_PAGE);
      }
    },
  );
}

/**
 * Serves {@link SITE_MODELS} under `/models/<name>/<file>` in development, and copies them into
 * `<outDir>/models/` after a build (through a temporary folder and a rename).
 *
 * The pages pass a page-relative URL (`./models/<name>/`) to `fromPretrained` rather than `modelUrl(name)` of
 * @lxmls/models (`new URL('../models/<folder>/', import.meta.url)`, marked `@vite-ignore`: beside the module,
 * wherever the bundler puts it): the page-relative URL works the same in `vite dev`, in the build, and on any host.
 */
function siteModels(models: typeof SITE_MODELS = SITE_MODELS): Plugin {
  return siteFolder(
    'models',
    (path, res) => {
      const [, name = '', file = '', ...rest] = path.split('/');
      const model = models[name];
      if (!model || rest.length > 0 || !model.files.includes(file)) return false;
      return sendFile(res, file, readFileSync(join(model.dir, file)));
    },
    (tmp) => {
      for (const [name, { dir, files }] of Object.entries(models)) {
        mkdirSync(join(tmp, name), { recursive: true });
        for (const file of files) cpSync(join(dir, file), join(tmp, name, file));
      }
    },
  );
}

export default {
  root: here,
  base: './',
  appType: 'mpa',
  resolve: { alias: sourceAliases() },
  plugins: [siteLayout(), inlineStyle(), apiDocs(), siteModels()],
  // the exercise pages' workers (worker-check.ts, worker-train.ts) are ES modules, so they share chunks
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2048,
    rollupOptions: {
      input: Object.fromEntries(PAGES.map((page) => [page, join(here, `${page}.html`)])),
    },
  },
  server: { host: '127.0.0.1', headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
  preview: { host: '127.0.0.1', headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } },
} satisfies UserConfig;
