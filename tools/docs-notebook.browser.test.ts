// The notebook's words on the docs site (apps/docs, src/lib/notebook-html.ts) in headless Chromium: Vite builds
// the site into a temporary folder (once per vitest run: tools/docs-site.ts), a local server serves it with the
// cross-origin isolation headers, and each guide page must show its notebook sections (the explanations, every
// cell's Python and TypeScript side by side, exactly @lxmls/course's text), its questions with the answers
// hidden until the question is clicked, and the names of its exercise; names.html shows the whole Python →
// TypeScript table. No page may log an error or request another host.
import { NOTEBOOK, notebookCell, notebookQuestions, PYTHON_TO_TYPESCRIPT } from '@lxmls/course';
import type { Page } from 'playwright-core';
import { describe, expect, test } from 'vitest';
import { chromiumForTests, openDocsPage, useDocsSite } from './docs-site.js';

// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

/** The notebook sections each guide page shows. */
const PAGES: [page: string, sections: string[]][] = [
  ['tokenization.html', ['1']],
  ['attention.html', ['2', '2.1', '2.2', '2.3']],
  ['bert.html', ['2.4']],
  ['training.html', ['3', '3.1']],
  ['generate.html', ['3.2']],
  ['prompting.html', ['3.2']],
];

describe.skipIf(chromiumPath === undefined)(
  "the notebook's words on the docs pages, in headless Chromium",
  () => {
    /** The run's build of the site, served as `vite preview` serves it (tools/docs-site.ts). */
    const suite = useDocsSite(chromiumPath);
    const problems: string[] = [];

    // this file records uncaught errors, console errors and requests to other hosts (not failed requests)
    const open = (path: string): Promise<Page> =>
      openDocsPage(suite.site, path, problems, {
        context: { viewport: { width: 1300, height: 900 } },
        failedRequests: false,
        errorResponses: false,
      });

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
