/**
 * Errors of @lxmls/viz: one class, {@link LxmlsVizError}, with a stable `code`. Follows the error convention of
 * the other `@lxmls/*` packages (a copy of @lxmls/bpe's errors.ts, so the package keeps zero dependencies).
 *
 * Messages follow the project's format: `[@lxmls/viz] fn: what failed. Expected X, received Y.`
 * Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

/** Stable error codes of @lxmls/viz. */
export type VizErrorCode =
  /** An argument of the wrong type or out of range (`options.layer = 7` for a 2-layer model). */
  | 'INVALID_ARGUMENT'
  /** The attention array does not match the tokens (wrong number of rows or weights), or layers differ. */
  | 'SHAPE_MISMATCH'
  /** A weight is NaN or infinite. */
  | 'NON_FINITE'
  /** An empty token list, where a view needs at least one token. */
  | 'EMPTY_INPUT'
  /** A view name this package does not know. */
  | 'UNKNOWN_VIEW'
  /** The browser could not draw the view to an image (`toPng`): no 2-D canvas, or no PNG encoder. */
  | 'RENDER_FAILED';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsVizError} besides its message. */
export interface VizErrorDetails {
  /** The function that failed, e.g. `toSvg`. */
  fn: string;
  /** The argument at fault, e.g. `attention[0][1]`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/viz.
 *
 * Check it with `LxmlsVizError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { toSvg, LxmlsVizError } from '@lxmls/viz';
 * try {
 *   toSvg('head', { tokens: ['a', 'b'], attention: [[[[1, 0]]]] });
 * } catch (e) {
 *   console.log(LxmlsVizError.isInstance(e) && e.code); // → SHAPE_MISMATCH
 *   console.log((e as Error).message); // → [@lxmls/viz] toSvg: attention[0][0] has 1 row. Expected 2 rows (one per query token), received 1.
 * }
 * ```
 */
export class LxmlsVizError extends Error {
  override readonly name = 'LxmlsVizError';
  readonly code: VizErrorCode;
  readonly fn: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  readonly [MARKER] = true;

  constructor(code: VizErrorCode, what: string, details: VizErrorDetails) {
    let message = `[@lxmls/viz] ${details.fn}: ${what}.`;
    if (details.expected !== undefined) message += ` Expected ${details.expected}`;
    if (details.received !== undefined) {
      message +=
        details.expected !== undefined ? `, received ${details.received}.` : ` Received ${details.received}.`;
    } else if (details.expected !== undefined) message += '.';
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.fn = details.fn;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }

  /** True for any {@link LxmlsVizError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsVizError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsVizError'
    );
  }
}

/** Describes a received value for an error message: its type, and the value itself cut to 200 characters. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `string ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'number') return `number ${String(value)}`;
  if (typeof value === 'bigint') return `bigint ${String(value)}n`;
  if (Array.isArray(value)) return `array of length ${value.length}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name} of length ${(value as Uint8Array).length}`;
  if (typeof value === 'object') return `object ${truncate(Object.prototype.toString.call(value))}`;
  return `${typeof value} ${truncate(String(value))}`;
}

function truncate(text: string): string {
  return text.length <= 200 ? text : `${text.slice(0, 197)}...`;
}
