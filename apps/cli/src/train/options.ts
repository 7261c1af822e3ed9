/**
 * Reading the numeric options of `lxmls train` and `lxmls eval`, each checked into one clear error line.
 */

import type { ParsedArgs } from '../args.js';
import { value } from '../args.js';
import { CliError } from '../errors.js';

/**
 * An integer option in [min, max], or its default.
 *
 * @param args - The parsed arguments.
 * @param name - The option's long name.
 * @param fallback - Its default.
 * @param min - The smallest value allowed.
 * @param max - The largest value allowed.
 * @returns The value.
 * @throws {@link CliError} `--iters must be an integer in [1, 1000000], received "x"`.
 * @example
 * ```ts
 * import { parseArgs } from './args.js';
 * import { integerOption } from './train/options.js';
 * console.log(integerOption(parseArgs(['--iters', '30'], [{ name: 'iters', value: 'N' }]), 'iters', 2000, 1, 1e6)); // → 30
 * ```
 */
export function integerOption(
  args: ParsedArgs,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const text = value(args, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) {
    throw new CliError(`--${name} must be an integer in [${min}, ${max}], received ${JSON.stringify(text)}`);
  }
  return n;
}

/**
 * A positive number option (`--lr 5e-4`), or its default.
 *
 * @param args - The parsed arguments.
 * @param name - The option's long name.
 * @param fallback - Its default.
 * @returns The value.
 * @throws {@link CliError} `--lr must be a number > 0, received "0"`.
 * @example
 * ```ts
 * import { parseArgs } from './args.js';
 * import { positiveOption } from './train/options.js';
 * console.log(positiveOption(parseArgs(['--lr', '1e-3'], [{ name: 'lr', value: 'LR' }]), 'lr', 5e-4)); // → 0.001
 * ```
 */
export function positiveOption(args: ParsedArgs, name: string, fallback: number): number {
  const text = value(args, name);
  if (text === undefined) return fallback;
  const x = Number(text);
  if (text.trim() === '' || !Number.isFinite(x) || x <= 0) {
    throw new CliError(`--${name} must be a number > 0, received ${JSON.stringify(text)}`);
  }
  return x;
}

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
