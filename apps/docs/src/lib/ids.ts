/**
 * Token ids as text: printed as Python prints a list (what the notebook shows), and parsed back from what a
 * reader types in the decode box (`[7120, 8263]`, `7120 8263` or `7120,8263`).
 */

/**
 * A list of ids as Python prints it.
 *
 * @example
 * ```ts
 * import { formatIds } from './lib/ids.js';
 * console.log(formatIds([7120, 8263, 318])); // → [7120, 8263, 318]
 * ```
 */
export function formatIds(ids: readonly number[]): string {
  return `[${ids.join(', ')}]`;
}

/**
 * Parses token ids typed by a reader: integers separated by commas and/or spaces, optionally in brackets.
 *
 * @param text - For example `[7120, 8263]`.
 * @returns The ids (empty for empty text).
 * @throws Error naming the first piece that is not a non-negative integer.
 * @example
 * ```ts
 * import { parseIds } from './lib/ids.js';
 * console.log(parseIds(' [7120, 8263 318] ')); // → [ 7120, 8263, 318 ]
 * ```
 */
export function parseIds(text: string): number[] {
  const inner = text.trim().replace(/^\[/, '').replace(/\]$/, '').trim();
  if (inner === '') return [];
  return inner.split(/[\s,]+/).map((piece, i) => {
    if (!/^\d+$/.test(piece)) {
      throw new Error(
        `ids[${i}] is not a token id: ${JSON.stringify(piece)}. Type whole numbers (0 or more) separated by commas or spaces, such as [15496, 11].`,
      );
    }
    return Number(piece);
  });
}
