/**
 * The median of a benchmark's samples (browser-safe), as the benchmarks of this package and of `lxmls bench`
 * report their times. Moved here from the CLI (issue 13).
 */

/**
 * The median of numbers (the mean of the middle two for an even count).
 *
 * @param values - At least one number.
 * @returns The median.
 * @example
 * ```ts
 * import { median } from '@lxmls/course';
 * console.log(median([3, 1, 2]), median([4, 1, 2, 3])); // → 2 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
