/**
 * Parsing one line of a JSON Lines stream (`--jsonl`), with the one-line error messages the commands print:
 * `line 3: expected a JSON string, received number 5`.
 */

import { CliError, isLibraryInputError } from './errors.js';

/**
 * Parses one JSON line and checks its type.
 *
 * @param line - The line's text.
 * @param lineNumber - Its number, from 1, for the message.
 * @param expected - What the line must hold: `'string'` or `'array'`.
 * @returns The parsed value.
 * @throws {@link CliError} `line N: expected a JSON string, received ...` for invalid JSON or the wrong type.
 * @example
 * ```ts
 * import { parseJsonLine } from './json-lines.js';
 * console.log(parseJsonLine('"hi"', 1, 'string')); // → hi
 * try {
 *   parseJsonLine('5', 3, 'string');
 * } catch (e) {
 *   console.log((e as Error).message); // → line 3: expected a JSON string, received number 5
 * }
 * ```
 */
export function parseJsonLine(line: string, lineNumber: number, expected: 'string'): string;
export function parseJsonLine(line: string, lineNumber: number, expected: 'array'): unknown[];
export function parseJsonLine(
  line: string,
  lineNumber: number,
  expected: 'string' | 'array',
): string | unknown[] {
  const wanted = expected === 'string' ? 'a JSON string' : 'a JSON array of token ids';
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    const received = line.trim() === '' ? 'an empty line' : `invalid JSON: ${cut(line)}`;
    throw new CliError(`line ${lineNumber}: expected ${wanted}, received ${received}`);
  }
  if (expected === 'string' && typeof parsed === 'string') return parsed;
  if (expected === 'array' && Array.isArray(parsed)) return parsed;
  throw new CliError(`line ${lineNumber}: expected ${wanted}, received ${describeJson(parsed)}`);
}

/**
 * Runs the work for one line, turning an input error of the library (a bad id, an unknown special token)
 * into a {@link CliError} that names the line.
 *
 * @param lineNumber - The line's number, from 1.
 * @param work - What to do with the line.
 * @returns What `work` returns.
 * @throws {@link CliError} `line N: [@lxmls/bpe] ...` for an input error of the library.
 * @example
 * ```ts
 * import { decode } from '@lxmls/bpe';
 * import { atLine } from './json-lines.js';
 * try {
 *   atLine(2, () => decode([99999]));
 * } catch (e) {
 *   console.log((e as Error).message.slice(0, 40)); // → line 2: [@lxmls/bpe] Encoder.decode: ids
 * }
 * ```
 */
export function atLine<T>(lineNumber: number, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (isLibraryInputError(error)) throw new CliError(`line ${lineNumber}: ${error.message}`);
    throw error;
  }
}

/**
 * Describes a parsed JSON value for an error message.
 *
 * @param value - A value from `JSON.parse`.
 * @returns Its type, with the value itself when it is short.
 * @example
 * ```ts
 * import { describeJson } from './json-lines.js';
 * console.log(describeJson(5), '/', describeJson([1, 2]), '/', describeJson({ a: 1 })); // → number 5 / an array of length 2 / an object
 * ```
 */
export function describeJson(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `string ${cut(JSON.stringify(value))}`;
  return `${typeof value} ${String(value)}`;
}

function cut(text: string): string {
  return text.length <= 60 ? text : `${text.slice(0, 57)}...`;
}
