/**
 * The median that every benchmark of this workspace reports (bpe, onnx, threads): one definition, re-exported by
 * each benchmark's measure.ts.
 */

/**
 * The median of `values` (the mean of the middle two for an even count).
 *
 * @param values - At least one number.
 * @returns The median.
 * @example
 * ```ts
 * import { median } from './median.js';
 * console.log(median([3, 1, 2]), median([4, 1, 3, 2])); // → 2 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
