// The notebook's words on the docs site (apps/docs, src/lib/notebook-html.ts) in headless Chromium: Vite builds
// the site into a temporary folder, a local server serves it with the cross-origin isolation headers, and each
// guide page must show its notebook sections (the explanations, every cell's Python and TypeScript side by side,
// exactly @lxmls/course's text), its questions with the answers hidden until the question is clicked, and the
// names of its exercise; names.html shows the whole Python → TypeScript table. No page may log an error or
// request another host.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { NOTEBOOK, notebookCell, notebookQuestions, PYTHON_TO_TYPESCRIPT } from '@lxmls/course';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findChromium, launchChromium, serveStatic } from './browser.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const docs = join(root, 'apps/docs');
const chromiumPath = findChromium();
// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
if (chromiumPath === undefined && process.env.CI)
  throw new Error('CI must install chromium for the browser tests');

type ViteBuild = (config: Record<string, unknown>) => Promise<unknown>;
type ViteResolveConfig = (
  config: Record<string, unknown>,
  command: 'build' | 'serve',
  mode?: string,
  nodeEnv?: string,
  isPreview?: boolean,
) => Promise<{ preview: { headers?: Record<string, string> } }>;

/** Vite's JS API, found from vitest's own package (as tools/docs.browser.test.ts does). */
async function loadVite(): Promise<{ build: ViteBuild; resolveConfig: ViteResolveConfig }> {
  const fromVitest = createRequire(createRequire(import.meta.url).resolve('vitest/package.json'));
  const pkgFile = fromVitest.resolve('vite/package.json');
  const pkg = fromVitest(pkgFile) as { exports: { '.': string | { import?: string; default?: string } } };
  const entry = pkg.exports['.'];
  const file = typeof entry === 'string' ? entry : (entry.import ?? entry.default)!;
  return import(pathToFileURL(join(dirname(pkgFile), file)).href);
}

/** The notebook sections each guide page shows. */
const PAGES: [page: string, sections: string[]][] = [
  ['tokenization.html', ['1']],
  ['attention.html', ['2', '2.1', '2.2', '2.3']],
  ['bert.html', ['2.4']],
  ['training.html', ['3', '3.1']],
  ['generate.html', ['3.2']],
];

describe.skipIf(chromiumPath === undefined)(
  "the notebook's words on the docs pages, in headless Chromium",
  () => {
    let outDir: string;
    let browser: Browser;
    let server: Awaited<ReturnType<typeof serveStatic>>;
    const problems: string[] = [];

    beforeAll(async () => {
      outDir = mkdtempSync(join(tmpdir(), 'lxmls-docs-notebook-'));
      const { build, resolveConfig } = await loadVite();
      const configFile = join(docs, 'vite.config.ts');
      await build({ configFile, logLevel: 'error', build: { outDir, emptyOutDir: true } });
      const config = await resolveConfig(
        { configFile, logLevel: 'error' },
        'serve',
        'production',
        'production',
        true,
      );
      server = await serveStatic(outDir, {}, { headers: { ...config.preview.headers } });
      browser = await launchChromium(chromiumPath!);
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      server?.server.close();
      if (outDir) rmSync(outDir, { recursive: true, force: true });
    });

    const open = async (path: string): Promise<Page> => {
      const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
      page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(`${path}: console error: ${m.text()}`);
      });
      page.on('request', (r) => {
        const url = new URL(r.url().replace(/^blob:/, ''));
        if (url.protocol !== 'data:' && url.hostname !== '127.0.0.1')
          problems.push(`${path}: request to ${r.url()}`);
      });
      await page.goto(`${server.url}/${path}`);
      return page;
    };

    test.each(PAGES)(
      '%s shows its notebook sections %j: headings, every cell in Python and TypeScript side by side, the names',
      async (path, sections) => {
        problems.length = 0;
        const page = await open(path);
        await page.waitForSelector('.notebook h2');
        const headings = await page.$$eval('.notebook h2', (hs) => hs.map((h) => h.textContent));
        expect(headings).toEqual(
          NOTEBOOK.filter((s) => sections.includes(s.id)).map((s) => `Exercise ${s.id} · ${s.title}`),
        );
        const cells = NOTEBOOK.filter((s) => sections.includes(s.id)).flatMap((s) =>
          s.blocks.flatMap((block) => (block.kind === 'cell' ? [block.cell.n] : [])),
        );
        const shown = await page.$$eval('.notebook .nb-cell', (figures) =>
          figures.map((figure) => ({
            n: Number(figure.getAttribute('data-cell')),
            python: figure.querySelector('.nb-python code')!.textContent,
            typescript: figure.querySelector('.nb-typescript code')!.textContent,
          })),
        );
        expect(shown).toEqual(
          cells.map((n) => ({
            n,
            python: notebookCell(n).python.join('\n'),
            typescript: notebookCell(n).typescript.join('\n'),
          })),
        );
        // side by side on a wide screen: the TypeScript starts at the Python's height, to its right
        const first = page.locator('.notebook .nb-cell').first();
        const py = (await first.locator('.nb-python').boundingBox())!;
        const ts = (await first.locator('.nb-typescript').boundingBox())!;
        expect(Math.abs(py.y - ts.y)).toBeLessThan(2);
        expect(ts.x).toBeGreaterThan(py.x + py.width - 1);
        // the names of the exercise, with a link to the whole table
        expect(await page.locator('.notebook table.nb-names tbody tr').count()).toBe(
          PYTHON_TO_TYPESCRIPT.filter((entry) => entry.exercises.some((id) => sections.includes(id))).length,
        );
        expect(await page.locator('.notebook a[href="./names.html"]').count()).toBe(1);
        await page.close();
        expect(problems).toEqual([]);
      },
    );

    test.each([
      ['tokenization.html', '1'],
      ['attention.html', '2.3'],
      ['bert.html', '2.4'],
    ])(
      '%s: the questions of Exercise %s are shown, each answer hidden until its question is clicked',
      async (path, id) => {
        problems.length = 0;
        const page = await open(path);
        await page.waitForSelector('.notebook .nb-question');
        const questions = notebookQuestions(id);
        expect(questions.length).toBeGreaterThan(0);
        for (const question of questions) {
          const details = page.locator(`.notebook details[data-question="${question.id}"]`);
          await expect
            .poll(() => details.locator('summary').textContent())
            .toContain(question.question.slice(0, 40));
          expect(await details.locator('summary').isVisible()).toBe(true);
          const answer = details.locator('.nb-answer');
          expect(await answer.isVisible()).toBe(false);
          await details.locator('summary').click();
          await expect.poll(() => answer.isVisible()).toBe(true);
          expect(await details.getAttribute('open')).not.toBeNull();
          expect(await answer.textContent()).toContain(
            question.answer[0]!.replace(/[*`_~]/g, '').slice(0, 30),
          );
        }
        await page.close();
        expect(problems).toEqual([]);
      },
    );

    test('names.html shows the whole Python → TypeScript table, one table per exercise', async () => {
      problems.length = 0;
      const page = await open('names.html');
      await page.waitForSelector('table.nb-names');
      expect(await page.locator('table.nb-names tbody tr').count()).toBe(PYTHON_TO_TYPESCRIPT.length);
      const rows = await page.$$eval('table.nb-names tbody tr', (trs) =>
        trs.map((tr) =>
          Array.from(tr.querySelectorAll('td'))
            .slice(0, 2)
            .map((td) => td.textContent),
        ),
      );
      expect(rows).toContainEqual(['torch.matmul(a, b)', 'matmul(a, b)']);
      expect(rows).toContainEqual(['F.softmax(x, dim=-1)', 'softmax(x, -1)']);
      expect(rows).toContainEqual(['encoder.encode_and_show_work(text)', 'encoder.encodeAndShowWork(text)']);
      expect(await page.locator('h1').count()).toBe(1);
      await page.close();
      expect(problems).toEqual([]);
    });
  },
);
