/**
 * Errors of @lxmls/tensor: one class, {@link LxmlsTensorError}, with a stable `code`,
 * made by @lxmls/base's `defineError`.
 *
 * Messages follow the project's format: `[@lxmls/tensor] op: what failed. Expected X, received Y.`, naming the
 * op and, for shape errors, every shape involved (as tfjs does for matMul), so a learner sees at once which
 * tensor was wrong.
 */

import { defineError, type ErrorDetails } from '@lxmls/base';

export { formatShape } from '@lxmls/base';

/** Stable error codes of @lxmls/tensor. */
export type TensorErrorCode =
  | 'SHAPE_MISMATCH'
  | 'DTYPE_MISMATCH'
  | 'DISPOSED'
  | 'UNKNOWN_BACKEND'
  | 'BACKEND_MISMATCH'
  | 'BACKEND_NOT_READY'
  | 'MISSING_CAPABILITY'
  | 'NOT_IMPLEMENTED'
  | 'INVALID_ARGUMENT';

/** Fields of a {@link LxmlsTensorError} besides its message. */
export type TensorErrorDetails = ErrorDetails;

/**
 * The error thrown by every function of @lxmls/tensor.
 *
 * Check it with `LxmlsTensorError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { LxmlsTensorError, matmul, zeros } from '@lxmls/tensor';
 * try {
 *   matmul(zeros([2, 3]), zeros([4, 5]));
 * } catch (e) {
 *   console.log(LxmlsTensorError.isInstance(e) && e.code); // → SHAPE_MISMATCH
 *   console.log((e as Error).message); // → [@lxmls/tensor] matmul: inner dimensions differ. Expected a (…, M, K) @ (…, K, N), received (2, 3) and (4, 5).
 * }
 * ```
 */
export class LxmlsTensorError extends defineError<TensorErrorCode>('@lxmls/tensor', 'LxmlsTensorError') {}

/** Throws `INVALID_ARGUMENT` with the given text unless `condition` holds; the message is built lazily. */
export function check(
  condition: boolean,
  fn: string,
  what: () => string,
  expected?: () => string,
  received?: () => string,
  argument?: string,
): asserts condition {
  if (condition) return;
  throw new LxmlsTensorError('INVALID_ARGUMENT', what(), {
    fn,
    ...(argument === undefined ? {} : { argument }),
    ...(expected === undefined ? {} : { expected: expected() }),
    ...(received === undefined ? {} : { received: received() }),
  });
}

/**
 * Checks the ids of an embedding lookup for a backend's `gather` and `scatterAdd` kernels: throws unless each
 * of the first `numIds` is a row of the table, `[0, numRows)`. Every backend runs the same check, so a bad
 * token id gives the same error everywhere.
 *
 * @param ids - The ids (an Int32Array, or a host copy of a backend's id storage).
 * @param numIds - How many ids to check.
 * @param numRows - The table's number of rows.
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` naming the first id out of range.
 * @example
 * ```ts
 * import { checkIds } from '@lxmls/tensor';
 * checkIds(new Int32Array([0, 2]), 2, 3); // fine
 * try {
 *   checkIds(new Int32Array([0, 3]), 2, 3);
 * } catch (e) {
 *   console.log((e as Error).message); // → [@lxmls/tensor] gather: ids[1] is out of range. Expected an integer in [0, 3), received 3.
 * }
 * ```
 */
export function checkIds(ids: ArrayLike<number>, numIds: number, numRows: number): void {
  for (let i = 0; i < numIds; i++) {
    const id = ids[i]!;
    if (id < 0 || id >= numRows) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', `ids[${i}] is out of range`, {
        fn: 'gather',
        argument: 'ids',
        expected: `an integer in [0, ${numRows})`,
        received: String(id),
      });
    }
  }
}

/**
 * Checks the targets of a cross-entropy for a backend's `crossEntropy` kernels: throws unless each of the first
 * `n` is a class index in `[0, c)` or `ignoreIndex`, and returns how many are kept (not ignored). Every backend
 * runs the same check, so a bad label gives the same error everywhere.
 *
 * @param targets - The targets (an Int32Array, or a host copy of a backend's target storage).
 * @param n - How many targets (rows of logits).
 * @param c - The number of classes.
 * @param ignoreIndex - The target value of a row left out of the loss.
 * @returns The number of kept rows.
 * @throws {@link LxmlsTensorError} `INVALID_ARGUMENT` naming the first target that is neither.
 * @example
 * ```ts
 * import { checkTargets } from '@lxmls/tensor';
 * console.log(checkTargets(new Int32Array([2, -1, 0]), 3, 3, -1)); // → 2
 * try {
 *   checkTargets(new Int32Array([3]), 1, 3, -1);
 * } catch (e) {
 *   console.log((e as Error).message); // → [@lxmls/tensor] crossEntropy: targets[0] is not a class index. Expected an integer in [0, 3) or the ignore index -1, received 3.
 * }
 * ```
 */
export function checkTargets(targets: ArrayLike<number>, n: number, c: number, ignoreIndex: number): number {
  let kept = 0;
  for (let r = 0; r < n; r++) {
    const v = targets[r]!;
    if (v === ignoreIndex) continue;
    if (!(v >= 0 && v < c)) {
      throw new LxmlsTensorError('INVALID_ARGUMENT', `targets[${r}] is not a class index`, {
        fn: 'crossEntropy',
        argument: 'targets',
        expected: `an integer in [0, ${c}) or the ignore index ${ignoreIndex}`,
        received: String(v),
      });
    }
    kept++;
  }
  return kept;
}
