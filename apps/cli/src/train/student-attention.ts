/**
 * A student's `CausalSelfAttention` (Exercise 2.2) as the attention of gpt-nano: `lxmls train weather
 * --attention FILE` and `lxmls bench train-weather --attention FILE`. The file is loaded by the CLI's student
 * loader (student/load.ts: TypeScript or JavaScript, errors at the student's file:line:col), its export checked
 * once on a small input before training, and anything it throws later reported at the student's line.
 */

import { type AttentionFactory, createAttention, toAttentionOutput } from '@lxmls/attention';
import { getExercise, studentLocation } from '@lxmls/course';
import { noGrad, RandomGenerator, randn, tidy } from '@lxmls/tensor';
import { CliError } from '../errors.js';
import { loadStudentFile } from '../student/load.js';

/** The exercise whose export is the attention. */
const EXERCISE = '2.2';

/** The attention sizes of gpt-nano on the weather data (3 heads, 48 channels, block 11). */
const GPT_NANO_ATTENTION = { nEmbd: 48, nHead: 3, blockSize: 11 };

/**
 * Loads a student's file and takes its `CausalSelfAttention`, then builds one with gpt-nano's sizes and runs
 * it once on a `(2, 11, 48)` input, so that a hole left open or a wrong shape is reported before training.
 *
 * @param file - The student's `.ts`/`.mts`/`.js`/`.mjs` file.
 * @returns The class (or factory) to give the GPT as `attention`.
 * @throws {@link CliError} one line: a missing or unreadable file, a syntax error (`file:line:col`), a missing
 *   export (its name and expected signature), or what the module threw on the check input (at the student's
 *   line), or an output of the wrong shape.
 * @example
 * ```ts
 * import { mkdtempSync, writeFileSync } from 'node:fs';
 * import { tmpdir } from 'node:os';
 * import { join } from 'node:path';
 * import { loadStudentAttention } from './train/student-attention.js';
 * const file = join(mkdtempSync(join(tmpdir(), 'lxmls-')), 'attention.ts');
 * writeFileSync(file, "export { CausalSelfAttention } from '@lxmls/attention';\n");
 * console.log((await loadStudentAttention(file)).name); // → CausalSelfAttention
 * ```
 */
export async function loadStudentAttention(file: string): Promise<AttentionFactory> {
  const exercise = getExercise(EXERCISE);
  const attention = (await loadStudentFile(file, exercise))[exercise.exportName] as AttentionFactory;
  const sizes = { ...GPT_NANO_ATTENTION, attnPdrop: 0.1, residPdrop: 0.1 }; // gpt-nano on the weather data
  try {
    tidy(() =>
      noGrad(() => {
        const attn = createAttention(attention, sizes, { generator: new RandomGenerator(0) });
        const x = randn([2, sizes.blockSize, sizes.nEmbd], new RandomGenerator(1)); // (B, T, C)
        const { output } = toAttentionOutput(attn.forward(x), `${exercise.exportName}.forward`); // (B, T, C)
        const shape = output.shape.join(', ');
        if (shape !== x.shape.join(', '))
          throw new CliError(
            `${file}: ${exercise.exportName}.forward(x) returned shape (${shape}); expected (${x.shape.join(', ')}), the shape of x (B, T, C)`,
          );
        attn.dispose();
      }),
    );
  } catch (error) {
    throw studentFailure(error, file);
  }
  return attention;
}

/**
 * Turns what a student's attention threw into one line at the student's `file:line:col` (exit code 2):
 * `attention.ts:57:11: NotImplementedError: Complete Exercise 2.2.1`. A {@link CliError} passes through.
 *
 * @param error - What was thrown while building, checking or training with the student's module.
 * @param file - The student's file.
 * @returns The error to throw.
 * @example
 * ```ts
 * import { studentFailure } from './train/student-attention.js';
 * console.log(studentFailure(new TypeError('x.shape is undefined'), 'mine.ts').message); // → mine.ts: CausalSelfAttention failed: TypeError: x.shape is undefined
 * ```
 */
export function studentFailure(error: unknown, file: string): Error {
  if (error instanceof CliError) return error;
  const where = studentLocation(error, file) ?? file;
  const name = getExercise(EXERCISE).exportName;
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new CliError(`${where}: ${name} failed: ${text}`);
}
