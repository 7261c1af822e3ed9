/**
 * Training progress on a terminal, for `lxmls train` and `lxmls demo`: a one-line bar with the loss, the time
 * per iteration and the ETA, redrawn in place at most ten times a second, only when stdout is a terminal
 * (nothing extra in a pipe or with `--json`).
 */

import type { Io, Output } from './io.js';

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
 * import { progressBar } from './progress.js';
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

/** What a trainer's `on_batch_end` callback sees. */
interface Step {
  iterNum: number;
  loss: number;
}

/** The bar of {@link terminalProgress}. */
export interface TerminalProgress {
  /** Whether the bar is drawn at all (stdout is a terminal and JSON was not asked for). */
  readonly shown: boolean;
  /** Redraws the bar after an iteration (at most every 100 ms, and at the last one, which erases it). */
  step(t: Step): Promise<void>;
  /** What to write before other text so that it does not run into the bar: `\r` and erase-line, or nothing. */
  clear(): string;
}

/**
 * A progress bar over `total` iterations on `out`, drawn only when `io.stdout` is a terminal and `json` is
 * false; text written between redraws is prefixed with {@link TerminalProgress.clear}.
 *
 * @param out - The command's writer.
 * @param io - The streams (`io.stdout.isTTY` decides).
 * @param total - The iterations of the run.
 * @param json - Whether `--json` was given (then no bar).
 * @returns The bar.
 * @example
 * ```ts
 * import { PassThrough } from 'node:stream';
 * import { Output } from './io.js';
 * import { terminalProgress } from './progress.js';
 * const stdout = new PassThrough();
 * const io = { stdin: new PassThrough(), stdout, stderr: new PassThrough(), isTTY: false };
 * console.log(terminalProgress(new Output(stdout), io, 10, false).shown); // → false
 * ```
 */
export function terminalProgress(out: Output, io: Io, total: number, json: boolean): TerminalProgress {
  const shown = (io.stdout as { isTTY?: boolean }).isTTY === true && !json;
  let started = 0;
  let lastDraw = 0;
  let drawn = false;
  return {
    shown,
    clear: () => {
      const erase = drawn ? '\r\x1b[K' : '';
      drawn = false;
      return erase;
    },
    step: async (t) => {
      if (t.iterNum === 0) started = performance.now();
      if (!shown) return;
      const now = performance.now();
      const done = t.iterNum + 1;
      if (now - lastDraw < 100 && done < total) return;
      lastDraw = now;
      const ms = t.iterNum === 0 ? 0 : (now - started) / t.iterNum;
      drawn = done < total;
      await out.write(`\r\x1b[K${progressBar(done, total, t.loss, ms)}${drawn ? '' : '\r\x1b[K'}`);
    },
  };
}
