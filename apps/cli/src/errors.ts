/**
 * The errors of the `lxmls` command line, and how each becomes an exit code and one line on stderr.
 *
 * Exit codes: 0 success, 1 an unexpected internal error, 2 bad input (a usage error, a malformed input line,
 * an invalid argument reported by a library). Messages never carry a stack trace.
 */

import { defineError, isLxmlsError } from '@lxmls/base';
import { LxmlsHubError } from '@lxmls/hub';

/**
 * Bad input to the command line: an unknown command or option, a missing value, a malformed line. Made by
 * @lxmls/base's `defineError` in its plain form (the message is the line printed, without a prefix), so
 * that `CliError.isInstance(e)` works as for the libraries' errors.
 *
 * @example
 * ```ts
 * import { CliError } from './errors.js';
 * const error = new CliError('unknown option --jsno');
 * console.log(error.exitCode, error.message); // → 2 unknown option --jsno
 * console.log(CliError.isInstance(error), error.code); // → true BAD_INPUT
 * ```
 */
export class CliError extends defineError<'BAD_INPUT'>('lxmls', 'CliError', { plain: true }) {
  /** The exit code to end with: 2 unless said otherwise. */
  readonly exitCode: number;

  /**
   * @param message - One line: what was wrong, and what was expected.
   * @param exitCode - The process exit code; 2 (bad input) by default.
   */
  constructor(message: string, exitCode = 2) {
    super('BAD_INPUT', message, { fn: 'lxmls' });
    this.exitCode = exitCode;
  }
}

/**
 * Thrown when stdout was closed by its reader (for example `lxmls ... | head -1`): the command stops quietly.
 *
 * @example
 * ```ts
 * import { OutputClosedError } from './errors.js';
 * console.log(new OutputClosedError().name); // → OutputClosedError
 * ```
 */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

/** What `main` does with an error: the exit code and the one line to print (none for a closed output). */
export interface ErrorReport {
  /** The process exit code. */
  exitCode: number;
  /** The message, without the `lxmls cmd: ` prefix, on one line; `undefined` to print nothing. */
  line: string | undefined;
}

/**
 * Classifies any thrown value: {@link CliError} and the input errors of the libraries (`INVALID_ARGUMENT`,
 * `UNKNOWN_TOKEN`) exit with 2; a closed stdout exits with 0 and prints nothing; anything else is an internal
 * error and exits with 1.
 *
 * @param error - What was thrown.
 * @returns The exit code and the line to print.
 * @example
 * ```ts
 * import { reportError } from './errors.js';
 * console.log(reportError(new TypeError('oops'))); // → { exitCode: 1, line: 'internal error: TypeError: oops' }
 * ```
 */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof OutputClosedError) return { exitCode: 0, line: undefined };
  if (error instanceof CliError) return { exitCode: error.exitCode, line: oneLine(error.message) };
  if (isLibraryInputError(error)) return { exitCode: 2, line: oneLine(error.message) };
  // an I/O error of the system (a full disk, no permission): one line, not a bug (issue 17)
  const system = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof system === 'string' && /^E[A-Z0-9]+$/.test(system))
    return { exitCode: 2, line: oneLine((error as Error).message) };
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { exitCode: 1, line: `internal error: ${oneLine(text)}` };
}

/** The codes of the libraries' errors that report bad input or files, not a bug: exit 2 (issue 17). */
const INPUT_CODES: ReadonlySet<string> = new Set([
  'INVALID_ARGUMENT',
  'INVALID_CONFIG',
  'INVALID_CHECKPOINT',
  'CHECKPOINT_MISMATCH',
  'INVALID_SAFETENSORS',
  'UNSUPPORTED_DTYPE',
  'INVALID_WEIGHTS',
  'INVALID_VOCABULARY',
  'UNSUPPORTED_FORMAT',
  'UNSUPPORTED_TOKENIZER',
  'UNKNOWN_TOKEN',
  'UNKNOWN_ID',
  'UNKNOWN_MODEL',
  'SEQUENCE_TOO_LONG',
  'FILE_NOT_FOUND',
  'NOT_FOUND',
  'INVALID_DATASET',
  'NOT_FINITE',
  'TOO_LARGE',
]);

/**
 * Whether an error is a library's report of bad input, a bad file or a run that cannot go on (one of
 * the codes above: `INVALID_ARGUMENT`, `UNKNOWN_TOKEN`, a diverged loss), or what reading, downloading or
 * writing met (any @lxmls/hub error: a missing file, a server, a limit, a path), as opposed to a bug.
 *
 * @param error - What was thrown.
 * @returns True for such an error of an @lxmls package.
 * @example
 * ```ts
 * import { decode } from '@lxmls/bpe';
 * import { isLibraryInputError } from './errors.js';
 * try {
 *   decode([-1]);
 * } catch (e) {
 *   console.log(isLibraryInputError(e), isLibraryInputError(new TypeError('x'))); // → true false
 * }
 * ```
 */
export function isLibraryInputError(error: unknown): error is Error {
  return LxmlsHubError.isInstance(error) || (isLxmlsError(error) && INPUT_CODES.has(error.code));
}

/**
 * Folds a message onto one line (newlines become spaces), writes every other control character as `\u001b`
 * (a terminal escape code from bad input is shown, not obeyed) and cuts it to 500 characters.
 *
 * @param text - Any text.
 * @returns The text on one line.
 * @example
 * ```ts
 * import { oneLine } from './errors.js';
 * console.log(oneLine('a\nb'), oneLine('red \u001b[31m')); // → a b red \u001b[31m
 * ```
 */
export function oneLine(text: string): string {
  // control characters (a terminal's escape codes from bad input) are shown, never sent raw (issue 17)
  const folded = text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .trim()
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
      /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  return folded.length <= 500 ? folded : `${folded.slice(0, 497)}...`;
}
