/**
 * The progress bar of `lxmls train` on a terminal.
 */

/**
 * A one-line progress bar for a terminal: `[########------------]  800/2000  loss 0.28123  31.2 ms/iter  eta 37s`.
 *
 * @param done - Iterations done.
 * @param total - Iterations in all.
 * @param loss - The last training loss.
 * @param msPerIter - The mean time of an iteration so far.
 * @returns The line, without `\r` or newline.
 * @example
 * ```ts
 * import { progressBar } from './train/options.js';
 * console.log(progressBar(500, 2000, 0.28, 30)); // → [#####---------------]  500/2000  loss 0.28000  30.0 ms/iter  eta 45s
 * ```
 */
export function progressBar(done: number, total: number, loss: number, msPerIter: number): string {
  const width = 20;
  const filled = Math.round((width * done) / Math.max(1, total));
  const eta = Math.round(((total - done) * msPerIter) / 1000);
  const count = `${String(done).padStart(String(total).length)}/${total}`;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]  ${count}  loss ${loss.toFixed(5)}  ${msPerIter.toFixed(1)} ms/iter  eta ${eta}s`;
}
