/**
 * Small DOM helpers shared by the pages: typed element look-up, a number input's value, readable error text,
 * and a debounced scheduler so that typing never runs a demo more than once per animation frame.
 */

import { studentMessage } from './editor-report.js';

/**
 * The element with this id, checked to be of the expected class.
 *
 * @param id - The element's `id`.
 * @param type - The expected constructor (`HTMLTextAreaElement`, …); `HTMLElement` by default.
 * @returns The element.
 * @throws Error when the page has no such element (a bug of the page).
 */
export function byId<T extends HTMLElement = HTMLElement>(
  id: string,
  type: abstract new (...args: never[]) => T = HTMLElement as never,
): T {
  const element = document.getElementById(id);
  if (!(element instanceof type)) {
    throw new Error(`[lxmls-docs] byId: no element #${id}. Expected a ${type.name}, received ${element}.`);
  }
  return element;
}

/**
 * The number in a number input, or `fallback` when it is empty or not a number.
 *
 * @param input - The `<input type="number">`.
 * @param fallback - The value to use instead.
 * @returns A finite number.
 */
export function numberFrom(input: HTMLInputElement, fallback: number): number {
  const value = input.valueAsNumber;
  return Number.isFinite(value) ? value : fallback;
}

/**
 * The message of an error as a reader should see it: without the `[@lxmls/pkg] fn: ` prefix of the libraries'
 * messages (what failed and what was expected stay) and without stack lines (`studentMessage`).
 *
 * @param error - Anything thrown.
 * @returns Its message, for people.
 */
export function errorText(error: unknown): string {
  return studentMessage(error instanceof Error ? error.message : String(error));
}

/**
 * Wraps `fn` so that many calls within one animation frame run it once, after the frame.
 *
 * @param fn - The work.
 * @returns The scheduling function.
 */
export function perFrame(fn: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}

/** Lets the browser paint (and handle input) before the next piece of work. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
