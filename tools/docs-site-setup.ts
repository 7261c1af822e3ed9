/**
 * Vitest `globalSetup` of the `tools` project (tools/vitest.config.ts): gives the docs site's browser tests
 * (`tools/docs*.browser.test.ts`, `tools/prompting.browser.test.ts`) one temporary folder per vitest run, so
 * that the first of them to start builds apps/docs there and every other one serves that same build
 * (`docsSiteBuild` of tools/docs-site.ts). Nothing is built here: a run without a docs browser test (or
 * without Chromium) costs one empty folder. The folder is `provide`d as `lxmlsDocsSiteDir`, emptied when
 * watch mode reruns the tests (the next run builds the site again), and removed at the end of the run.
 *
 * Runs in vitest's main process, so it must not import vitest's runtime (`inject`, `expect`).
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder where the first docs browser test of the run builds apps/docs (see tools/docs-site.ts). */
    lxmlsDocsSiteDir: string;
  }
}

let dir: string | undefined;

/** Creates the run's folder for the docs build and provides its path to the tests. */
export function setup(project: TestProject): void {
  dir = mkdtempSync(join(tmpdir(), 'lxmls-docs-site-'));
  const runDir = dir;
  project.provide('lxmlsDocsSiteDir', runDir);
  // watch mode: a rerun may follow a change of apps/docs, so it builds the site again
  project.onTestsRerun(() => {
    rmSync(runDir, { recursive: true, force: true });
    mkdirSync(runDir);
  });
}

/** Removes the run's folder and the build in it. */
export function teardown(): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}
