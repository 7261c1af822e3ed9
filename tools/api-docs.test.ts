// The API reference as a reader meets it: builds it with the repository's own configuration (typedoc.json, the
// command `pnpm run docs` runs; warnings are errors there) into a temporary folder, then crawls every page
// (tools/api-docs.ts): every internal link and anchor resolves, no link opens raw Markdown or goes into dist/,
// every "Defined in" names a file and line of the commit; each package's page carries its README, and each
// guide of docs/ is a page of the reference.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  type CrawlReport,
  crawlReference,
  markdownHeadings,
  markdownText,
  type Page,
  pageText,
  pageTitle,
  readPages,
} from './api-docs.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const typedocBin = join(
  dirname(createRequire(join(root, 'package.json')).resolve('typedoc/package.json')),
  'bin',
  'typedoc',
);

/** The published packages of the workspace (packages/* with a package.json that is not private). */
const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')) as {
      name: string;
      private?: boolean;
    };
    return { dir, name: pkg.name, private: pkg.private === true };
  })
  .filter((pkg) => !pkg.private);

/** The guides that typedoc.json makes pages of the reference. */
const guides = (
  JSON.parse(readFileSync(join(root, 'typedoc.json'), 'utf8')) as { projectDocuments: string[] }
).projectDocuments.flatMap((pattern) => {
  if (!pattern.includes('*')) return [pattern];
  const dir = dirname(pattern);
  const suffix = pattern.slice(pattern.lastIndexOf('*') + 1);
  return readdirSync(join(root, dir))
    .filter((name) => name.endsWith(suffix))
    .map((name) => `${dir}/${name}`);
});

/** Text with every space removed: tags split inline code from punctuation (`bpe.py` `:`) in the page's text. */
const squash = (text: string) => text.replace(/\s+/g, '');

/** Whether `page` shows `text` (spaces aside); a failure names the text, not the whole page. */
function expectShows(page: Page, texts: string[]): void {
  const shown = squash(pageText(page.html));
  expect(
    texts.filter((text) => !shown.includes(squash(text))),
    `missing on ${page.path}`,
  ).toEqual([]);
}

/** The module page of a package: TypeDoc titles it `@lxmls/bpe - v0.1.0 | lxmls-ts API`. */
function modulePage(pages: Page[], name: string): Page | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const title = new RegExp(`^${escaped}( - v\\S+)? \\|`);
  return pages.find((p) => p.path.startsWith('modules/') && title.test(pageTitle(p.html)));
}

describe('the API reference (pnpm run docs)', () => {
  let out: string;
  let pages: Page[];
  let report: CrawlReport;

  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'lxmls-api-docs-'));
    try {
      execFileSync(process.execPath, [typedocBin, '--out', out, '--logLevel', 'Warn'], {
        cwd: root,
        encoding: 'utf8',
        stdio: 'pipe',
      });
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      throw new Error(`typedoc failed:\n${stdout ?? ''}${stderr ?? ''}`.slice(0, 4000));
    }
    pages = readPages(out);
    report = crawlReference(out, root);
  }, 300_000);

  afterAll(() => {
    if (out) rmSync(out, { recursive: true, force: true });
  });

  test('crawlReference finds pages and links, and every link resolves', () => {
    expect(report.pages).toBeGreaterThan(100);
    expect(report.sourceLinks).toBeGreaterThan(100);
    expect(report.problems).toEqual([]);
  });

  test('every module is named by its package or entry (`index`, `testing`), never by a path', () => {
    const titles = pages.filter((p) => p.path.startsWith('modules/')).map((p) => pageTitle(p.html));
    expect(titles.filter((title) => /^packages\/|\/src\b/.test(title))).toEqual([]);
  });

  test('the output holds no raw Markdown file (media/*.md)', () => {
    const media = existsSync(join(out, 'media')) ? readdirSync(join(out, 'media')) : [];
    expect(media.filter((name) => /\.(md|markdown)$/i.test(name))).toEqual([]);
  });

  test.each(packages.map((pkg) => [pkg.name, pkg.dir]))(
    '%s: its module page is its README (every heading, the opening paragraph)',
    (name, dir) => {
      const page = modulePage(pages, name);
      expect(page, `a modules/ page titled ${name}`).toBeDefined();
      const readme = readFileSync(join(root, 'packages', dir, 'README.md'), 'utf8');
      const opening = readme
        .split(/\n\s*\n/)
        .find((block) => block.trim() !== '' && !block.startsWith('#') && !block.startsWith('```'));
      expect(opening, 'the README has an opening paragraph').toBeDefined();
      // the first sentence's first words, as the page renders them
      const words = markdownText(opening!).split(' ').slice(0, 8).join(' ');
      expectShows(page!, [...markdownHeadings(readme), words]);
    },
  );

  test.each(guides.map((guide) => [guide]))('%s is a page of the reference', (guide) => {
    const markdown = readFileSync(join(root, guide), 'utf8');
    const [title] = markdownHeadings(markdown);
    expect(title).toBeDefined();
    // tools/typedoc-plugin.mjs names a guide by its heading up to a colon
    const name = title!.split(/: | — /)[0]!;
    const page = pages.find(
      (p) => p.path.startsWith('documents/') && pageTitle(p.html).startsWith(`${name} |`),
    );
    expect(page, `a documents/ page with the heading "${title}"`).toBeDefined();
    expectShows(page!, markdownHeadings(markdown));
  });

  test('the index (the root README) links each package page, none as raw Markdown', () => {
    const index = pages.find((p) => p.path === 'index.html')!;
    expect(index.html).not.toMatch(/href="media\//);
    for (const pkg of packages) {
      const page = modulePage(pages, pkg.name);
      expect(page, pkg.name).toBeDefined();
      expect(index.html.includes(`href="${page!.path}"`), `index.html links ${page!.path}`).toBe(true);
    }
  });
});
