/**
 * Steps that several docs-site browser tests take on the same page (tools/onnx-docs.browser.test.ts,
 * tools/docs-webgpu.browser.test.ts): sampling on generate.html with a backend chosen, and reading the
 * attention weights attention.html's head view draws.
 */

import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * generate.html: chooses `backend`, clicks Sample, waits until the status says done, and returns the added text.
 *
 * @param page - generate.html, its form filled in.
 * @param backend - An option of `#sample-backend` (`tensor`, `onnx-wasm`, `webgpu`, …).
 * @param timeoutMs - How long the sampling may take.
 */
async function sampleWith(page: Page, backend: string, timeoutMs: number): Promise<string> {
  await page.selectOption('#sample-backend', backend);
  await page.click('#sample');
  await page.waitForSelector('#sample-status[data-state="done"]', { timeout: timeoutMs });
  return (await page.getAttribute('#sample-text', 'data-added'))!;
}

/** attention.html: the weights the head view draws (its `data-weights`, T × T per head shown). */
export async function headViewWeights(page: Page): Promise<number[]> {
  return JSON.parse((await page.getAttribute('#head-view', 'data-weights'))!) as number[];
}

/**
 * generate.html: samples `maxNew` characters with seed 11 on each of `backends` in turn.
 *
 * @returns The texts added, in the order of `backends`, and the status line after the last.
 */
export async function sampleOnEach(
  page: Page,
  maxNew: number,
  backends: readonly string[],
  timeoutMs: number,
): Promise<{ texts: string[]; status: string }> {
  await page.fill('#max-new', String(maxNew));
  await page.fill('#sample-seed', '11');
  const texts: string[] = [];
  for (const backend of backends) texts.push(await sampleWith(page, backend, timeoutMs));
  return { texts, status: (await page.textContent('#sample-status'))! };
}

/**
 * attention.html: chooses `backend` for the GPT views, waits until `#gpt-status` contains `status`, and returns
 * the head view's weights.
 */
export async function weightsOn(
  page: Page,
  backend: string,
  status: string,
  timeoutMs: number,
): Promise<number[]> {
  await page.selectOption('#gpt-backend', backend);
  await expect.poll(() => page.textContent('#gpt-status'), { timeout: timeoutMs }).toContain(status);
  return headViewWeights(page);
}
