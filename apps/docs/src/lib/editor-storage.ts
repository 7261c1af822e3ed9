/**
 * Where an exercise page keeps the student's code: the browser's `localStorage`, one entry per exercise, so a
 * reload (or coming back next day) restores what was typed. Storage can be missing or full (private windows,
 * quotas): then nothing is saved and the page says so, but the editor keeps working. No DOM: the store is
 * passed in, so Node tests run it with a Map.
 */

/** The part of `Storage` this module uses (`localStorage` is one). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * The storage key of an exercise's code.
 *
 * @param exerciseId - "2.1", "2.2", ….
 * @returns The key.
 * @example
 * ```ts
 * import { codeKey } from './editor-storage.js';
 * console.log(codeKey('2.2')); // → lxmls-ts/exercise/2.2/code.ts
 * ```
 */
export function codeKey(exerciseId: string): string {
  return `lxmls-ts/exercise/${exerciseId}/code.ts`;
}

/**
 * The student's saved code for an exercise.
 *
 * @param store - `localStorage`, or null where the browser has none.
 * @param exerciseId - The exercise.
 * @returns The code, or null when nothing was saved (or storage cannot be read).
 */
export function loadCode(store: KeyValueStore | null, exerciseId: string): string | null {
  try {
    return store?.getItem(codeKey(exerciseId)) ?? null;
  } catch {
    return null; // storage denied (e.g. blocked cookies): start from the skeleton
  }
}

/**
 * Saves the student's code for an exercise.
 *
 * @param store - `localStorage`, or null.
 * @param exerciseId - The exercise.
 * @param code - The editor's text.
 * @returns True when it was saved, false when storage is missing, denied or full.
 * @example
 * ```ts
 * import { loadCode, saveCode } from './editor-storage.js';
 * const map = new Map<string, string>();
 * const store = { getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v), removeItem: (k: string) => void map.delete(k) };
 * console.log(saveCode(store, '2.1', 'export const x = 1;'), loadCode(store, '2.1')); // → true export const x = 1;
 * ```
 */
export function saveCode(store: KeyValueStore | null, exerciseId: string, code: string): boolean {
  if (!store) return false;
  try {
    store.setItem(codeKey(exerciseId), code);
    return true;
  } catch {
    return false;
  }
}

/**
 * Forgets the saved code of an exercise (the page then shows the skeleton again).
 *
 * @param store - `localStorage`, or null.
 * @param exerciseId - The exercise.
 */
export function forgetCode(store: KeyValueStore | null, exerciseId: string): void {
  try {
    store?.removeItem(codeKey(exerciseId));
  } catch {
    // nothing saved, nothing to forget
  }
}
