/**
 * Errors of @lxmls/viz: one class, {@link LxmlsVizError}, with a stable `code`, made by @lxmls/base's
 * `defineError` (the error convention of every `@lxmls/*` package), and the package's validation helpers
 * (`check`), which throw it.
 *
 * Messages follow the project's format: `[@lxmls/viz] fn: what failed. Expected X, received Y.`
 * Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

export { describeValue as describe } from '@lxmls/base';

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

/** Fields of a {@link LxmlsVizError} besides its message. */
export type VizErrorDetails = ErrorDetails;

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
export class LxmlsVizError extends defineError<VizErrorCode>('@lxmls/viz', 'LxmlsVizError') {}

/** @internal The validation helpers of @lxmls/viz: they throw {@link LxmlsVizError}. */
export const check: Checks<VizErrorCode> = checks(LxmlsVizError, 'INVALID_ARGUMENT');
