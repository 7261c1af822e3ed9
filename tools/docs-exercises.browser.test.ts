// The docs site's exercise pages (apps/docs exercise-2-1.html, exercise-2-2.html) in a real browser, as a
// student uses them: Vite builds the site into a temporary folder (once per vitest run: tools/docs-site.ts), a
// local server on 127.0.0.1 serves it with the cross-origin isolation headers of `vite preview`, and headless
// Chromium opens the pages. The test types code into the CodeMirror editor (the course's skeleton, the
// solution, and wrong solutions made from the solution by one mistake each) and clicks "Check": the grader
// runs in a worker, and each mistake must be reported with its diagnosis; an infinite loop must hit the time
// limit. The code survives a reload (localStorage), downloads as a .ts file, resets to the skeleton, and the
// solution shows only after a confirmation. "Train with my attention" trains gpt-nano with the solved class
// and its loss falls. A page fails the test on any uncaught error, console error, or request to another host.
import { readFileSync } from 'node:fs';
import { getExercise } from '@lxmls/course';
import { WRONG_SOLUTIONS } from '@lxmls/course/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  chromiumForTests,
  type DocsSite,
  expectUsablePage,
  openDocsPage,
  openDocsSite,
} from './docs-site.js';

// CI installs Chromium (.ci/run), so there a missing browser is a failure; elsewhere the test is skipped.
const chromiumPath = chromiumForTests();

/** What the page shows after "Check". */
interface CheckView {
  state: string;
  summary: string;
  checks: { name: string; passed: boolean; message: string }[];
}

describe.skipIf(chromiumPath === undefined)('apps/docs exercise pages in headless Chromium', () => {
  /** The run's build of the site, served as `vite preview` serves it (tools/docs-site.ts). */
  let site: DocsSite;
  let browser: Browser;
  let server: DocsSite['server'];
  /** What went wrong on any page: uncaught errors, console errors, requests to other hosts. */
  const problems: string[] = [];

  beforeAll(async () => {
    site = await openDocsSite(chromiumPath!);
    ({ browser, server } = site);
  }, 600_000);

  beforeEach(() => {
    problems.length = 0;
  });

  afterAll(async () => {
    await site?.close();
  });

  /** Opens a page of the build in a fresh context (its own localStorage), recording its problems. */
  const open = async (path: string): Promise<Page> => {
    const page = await openDocsPage(site, path, problems, {
      context: { viewport: { width: 1100, height: 900 }, acceptDownloads: true },
    });
    await page.waitForSelector('#editor .cm-content');
    // cross-origin isolated, the site's stylesheet applies, every form control has a label, and the nav links
    // both exercise pages
    await expectUsablePage(page);
    expect(await page.getAttribute('#editor .cm-content', 'aria-label')).toMatch(
      /^Your code for Exercise 2\.\d/,
    );
    return page;
  };

  /** Replaces the editor's text, as a student pasting code would. */
  const setCode = async (page: Page, code: string): Promise<void> => {
    await page.locator('#editor .cm-content').fill(code);
  };

  /** The editor's text, through the page's Download button (the editor renders only the visible lines). */
  const downloaded = async (page: Page): Promise<{ name: string; text: string }> => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
  };

  /** Clicks "Check" and reads the verdict. */
  const check = async (page: Page, code?: string): Promise<CheckView> => {
    if (code !== undefined) await setCode(page, code);
    await page.click('#check');
    await page.waitForSelector('#check-status:not([data-state="running"])[data-state]', { timeout: 30_000 });
    await page.waitForSelector('#check:not([disabled])');
    return {
      state: (await page.getAttribute('#check-status', 'data-state'))!,
      summary: (await page.textContent('#check-status'))!,
      checks: await page.$$eval('#checks li', (items) =>
        items.map((li) => ({
          name: li.querySelector('.check-name')!.textContent!,
          passed: (li as HTMLElement).dataset.passed === 'true',
          message: li.querySelector('.check-message')!.textContent!,
        })),
      ),
    };
  };

  /** The first failed check: the diagnosis a student reads first. */
  const firstFailure = (view: CheckView): { name: string; message: string } =>
    view.checks.find((c) => !c.passed) ?? { name: '(none failed)', message: '' };

  /** The failed checks' names and messages, one string (for diagnosis regexes and readable failures). */
  const failures = (view: CheckView): string =>
    view.checks
      .filter((c) => !c.passed)
      .map((c) => `${c.name}: ${c.message}`)
      .join('\n');

  test('index.html links the exercise pages in its navigation and its guides', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/index.html`);
    for (const where of ['header.site nav a', 'main a']) {
      const links = await page.$$eval(where, (as) => as.map((a) => a.getAttribute('href')));
      expect(links).toEqual(expect.arrayContaining(['./exercise-2-1.html', './exercise-2-2.html']));
    }
    await context.close();
  });

  /** Checks each wrong solution of @lxmls/course/testing for `exercise` in the page, expecting its diagnosis. */
  const checkWrongSolutions = async (page: Page, exercise: string): Promise<number> => {
    const wrong = WRONG_SOLUTIONS.filter((w) => w.exercise === exercise);
    for (const w of wrong) {
      const view = await check(page, w.source);
      const what = `${w.name} (${w.description})`;
      if (w.expect.kind === 'report') {
        expect(view.state, `${what}: ${view.summary}`).toBe('failed');
        const failed = view.checks.find((c) => c.name === (w.expect as { check: string }).check);
        expect(failed, `${what}:\n${failures(view)}`).toMatchObject({ passed: false });
        expect(failed!.message, what).toContain(w.expect.message);
        // the first ✗, where the summary says to start, is the diagnosis or names it
        const first = firstFailure(view);
        if (w.expect.first === undefined)
          expect(first.name, `${what}:\n${failures(view)}`).toBe(w.expect.check);
        else expect(first.message, what).toContain(w.expect.first);
        expect(view.summary, what).toMatch(
          /^\d+ of \d+ checks? pass(es)?\. Start with the first one marked ✗: /,
        );
      } else if (w.expect.kind === 'load') {
        expect(view.state, what).toBe('unloadable');
        expect(view.summary, what).toMatch(/^Your code could not be run: /);
        expect(view.summary, what).toContain(w.expect.message);
      } else {
        // an endless loop, or memory without bound: the worker is stopped at the time limit (3 s here)
        expect(view.state, what).toBe('timeout');
        expect(view.summary, what).toMatch(
          /^Your code did not finish within 3 s, so the check was stopped\./,
        );
      }
      // no message starts with a library's "[@lxmls/…] fn:" prefix
      for (const c of view.checks) expect(c.message, what).not.toMatch(/^\[@?lxmls/);
    }
    return wrong.length;
  };

  test('exercise-2-1.html: the skeleton says which hole is left; the solution passes; each wrong solution of @lxmls/course/testing gets its diagnosis', async () => {
    const page = await open('exercise-2-1.html?limit=3');
    const exercise = getExercise('2.1');
    expect(await page.textContent('#file-name')).toBe(exercise.fileName.ts);
    expect(await page.textContent('#signature')).toBe(exercise.signature);
    // the editor starts with the skeleton
    expect(await downloaded(page)).toEqual({ name: exercise.fileName.ts, text: exercise.skeleton.ts });

    const skeleton = await check(page);
    expect(skeleton.state).toBe('failed');
    expect(firstFailure(skeleton).name).toMatch(/hole 2\.1/);
    expect(firstFailure(skeleton).message).toMatch(
      /^Exercise 2\.1 is still a hole: replace `throw new NotImplementedError/,
    );

    const solved = await check(page, exercise.solution.ts);
    expect(solved.state, failures(solved)).toBe('passed');
    expect(solved.summary).toMatch(/^All \d+ checks pass: Exercise 2\.1 is solved/);
    expect(solved.checks.length).toBeGreaterThanOrEqual(3);
    expect(solved.checks.every((c) => c.passed)).toBe(true);

    expect(await checkWrongSolutions(page, '2.1')).toBeGreaterThanOrEqual(3);
    await page.context().close();
    expect(problems).toEqual([]);
  }, 60_000);

  test('exercise-2-2.html: the holes are named; the solution passes; each wrong solution of @lxmls/course/testing gets its diagnosis (an endless loop hits the time limit); a syntax error leads to its line', async () => {
    const page = await open('exercise-2-2.html?limit=3');
    const exercise = getExercise('2.2');

    const skeleton = await check(page);
    expect(skeleton.state).toBe('failed');
    // every hole is named, in order
    const holes = skeleton.checks.filter((c) => !c.passed).map((c) => /hole (2\.2\.\d)/.exec(c.name)?.[1]);
    expect(holes).toEqual(['2.2.1', '2.2.2', '2.2.3', '2.2.4']);

    const solved = await check(page, exercise.solution.ts);
    expect(solved.state, failures(solved)).toBe('passed');
    expect(solved.summary).toMatch(/^All \d+ checks pass: Exercise 2\.2 is solved/);

    const names = WRONG_SOLUTIONS.filter((w) => w.exercise === '2.2').map((w) => w.name);
    // the mistakes the issue names are among them
    expect(names).toEqual(
      expect.arrayContaining([
        'hole-2.2.3',
        'no-scaling',
        'softmax-wrong-axis',
        'no-causal-mask',
        'endless-loop',
      ]),
    );
    expect(await checkWrongSolutions(page, '2.2')).toBe(names.length);

    // a syntax error: the file, line and column, and a button that puts the cursor there
    const broken = await check(
      page,
      'export class CausalSelfAttention {\n  forward(x) {\n    return x +;\n  }\n}\n',
    );
    expect(broken.state).toBe('unloadable');
    expect(broken.summary).toMatch(/^Your code could not be run: causal-self-attention\.ts:3:\d+: /);
    await page.click('#check-status button.goto');
    expect(await page.textContent('#check-status button.goto')).toBe('Go to line 3');
    expect(await page.textContent('#editor .cm-activeLine')).toBe('    return x +;');
    // the page still works after the time limits: the next check runs in a fresh worker
    expect((await check(page, exercise.solution.ts)).state).toBe('passed');
    await page.context().close();
    expect(problems).toEqual([]);
  }, 120_000);

  test('exercise pages keep the code across a reload, download it, start again from the skeleton, and show the solution after a confirmation', async () => {
    const page = await open('exercise-2-2.html');
    const exercise = getExercise('2.2');
    const mine = `${exercise.skeleton.ts}\n// my notes: hs = C / nh\n`;
    await setCode(page, mine);
    await page.waitForSelector('#save-status[data-state="saved"]');
    await page.reload();
    await page.waitForSelector('#editor .cm-content');
    expect(await page.textContent('#save-status')).toBe('Your saved code, restored.');
    expect(await downloaded(page)).toEqual({ name: 'causal-self-attention.ts', text: mine });
    // each exercise has its own code
    await page.goto(`${server.url}/exercise-2-1.html`);
    await page.waitForSelector('#editor .cm-content');
    expect((await downloaded(page)).text).toBe(getExercise('2.1').skeleton.ts);
    await page.goBack();
    await page.waitForSelector('#editor .cm-content');
    expect((await downloaded(page)).text).toBe(mine);

    // "Start again" asks first; Cancel keeps the code, confirming brings the skeleton back
    await page.click('#reset');
    expect(await page.isVisible('#confirm')).toBe(true);
    await page.click('#confirm .confirm-no');
    expect(await page.isVisible('#confirm')).toBe(false);
    expect((await downloaded(page)).text).toBe(mine);
    await page.click('#reset');
    await page.click('#confirm .confirm-yes');
    expect((await downloaded(page)).text).toBe(exercise.skeleton.ts);
    await page.reload();
    await page.waitForSelector('#editor .cm-content');
    expect((await downloaded(page)).text).toBe(exercise.skeleton.ts);

    // "Show solution" asks first; the solution appears read-only below
    expect(await page.isVisible('#solution')).toBe(false);
    await page.click('#show-solution');
    expect(await page.textContent('#confirm .confirm-text')).toMatch(/^Show the reference solution\?/);
    await page.click('#confirm .confirm-no');
    expect(await page.isVisible('#solution')).toBe(false);
    await page.click('#show-solution');
    await page.click('#confirm .confirm-yes');
    expect(await page.isVisible('#solution')).toBe(true);
    expect(await page.textContent('#solution .cm-content')).toContain('Exercise 2.2');
    expect(await page.getAttribute('#solution .cm-content', 'contenteditable')).toBe('false');
    expect(await page.textContent('#show-solution')).toBe('Hide solution');
    await page.context().close();
    expect(problems).toEqual([]);
  }, 60_000);

  test("exercise-2-2.html trains gpt-nano with the student's attention in a worker: the chart gets a point per iteration and the loss falls", async () => {
    const page = await open('exercise-2-2.html?iters=40');
    expect(await page.inputValue('#iters')).toBe('40');
    await setCode(page, getExercise('2.2').solution.ts);
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 60_000 });
    const status = (await page.textContent('#train-status'))!;
    expect(status).toMatch(
      /^Done after 40 iterations with your attention \([\d.]+ s, [\d.]+ ms per iteration, wasm backend, [12] threads?\): last train loss ([\d.]+), Bayes-optimal 0\.2502\. Held-out loss ([\d.]+) on 500 test sequences/,
    );
    const points = (await page.getAttribute('#chart .lx-loss-line', 'points'))!.split(' ');
    expect(points).toHaveLength(40);
    // the chart's y grows downwards: the last point lies lower than the first (a smaller loss)
    const y = (p: string) => Number(p.split(',')[1]);
    expect(y(points.at(-1)!)).toBeGreaterThan(y(points[0]!));
    const last = Number(/last train loss ([\d.]+)/.exec(status)![1]);
    expect(last).toBeLessThan(1.6); // from about ln 8 = 2.08 at the start

    // a class that throws in forward: training reports it, the page stays usable
    await setCode(page, WRONG_SOLUTIONS.find((w) => w.name === 'throws')!.source);
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="error"]', { timeout: 30_000 });
    expect(await page.textContent('#train-status')).toMatch(
      /^Training failed: RangeError: my bug\. Run "Check"/,
    );
    expect(await page.isEnabled('#train')).toBe(true);
    await page.context().close();
    expect(problems).toEqual([]);
  }, 90_000);
});
