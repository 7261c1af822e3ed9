/**
 * Errors of @lxmls/onnx: one class, {@link LxmlsOnnxError}, with a stable `code`, made by @lxmls/base's
 * `defineError`, in the project's message format `[@lxmls/onnx] fn: what failed. Expected X, received Y.`
 */

import { type Checks, checks, defineError, type ErrorDetails } from '@lxmls/base';

/**
 * Stable error codes of @lxmls/onnx.
 *
 * - `UNSUPPORTED_MODEL`: a model the exporter cannot write (not a GPT, or an attention module or layer whose
 *   parameters it does not know).
 * - `INVALID_OPTION`: an option or argument out of range (`opset`, `dtype`; generation's `temperature`, …).
 * - `INVALID_MODEL`: bytes that are not an ONNX model, or that ONNX Runtime refuses.
 * - `RUNTIME_UNAVAILABLE`: the asked-for ONNX Runtime (onnxruntime-node, onnxruntime-web) is not installed.
 */
export type OnnxErrorCode = 'UNSUPPORTED_MODEL' | 'INVALID_OPTION' | 'INVALID_MODEL' | 'RUNTIME_UNAVAILABLE';

/** Fields of a {@link LxmlsOnnxError} besides its message. */
export type OnnxErrorDetails = ErrorDetails;

/**
 * The error thrown by @lxmls/onnx. Check it with `LxmlsOnnxError.isInstance(e)` (works across duplicated
 * installs) and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { exportOnnx, LxmlsOnnxError } from '@lxmls/onnx';
 * try {
 *   exportOnnx({} as never);
 * } catch (e) {
 *   console.log(LxmlsOnnxError.isInstance(e) && e.code); // → UNSUPPORTED_MODEL
 * }
 * ```
 */
export class LxmlsOnnxError extends defineError<OnnxErrorCode>('@lxmls/onnx', 'LxmlsOnnxError') {}

/** @internal The validation helpers of @lxmls/onnx: they throw {@link LxmlsOnnxError}. */
export const check: Checks<OnnxErrorCode> = checks(LxmlsOnnxError, 'INVALID_OPTION');
