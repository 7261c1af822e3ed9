/**
 * Errors of @lxmls/backend-wasm: one class, {@link LxmlsBackendWasmError}, with a stable `code`.
 * Follows packages/bpe/src/errors.ts (the project's error format).
 *
 * Messages follow the project's format: `[@lxmls/backend-wasm] fn: what failed. Expected X, received Y.`
 * Echoed input is cut to 200 characters so a huge argument never floods a terminal.
 */

/** Stable error codes of @lxmls/backend-wasm. */
export type BackendWasmErrorCode =
  /** A size, flag or option of the wrong type or range. */
  | 'INVALID_ARGUMENT'
  /** A pointer that is not inside a live allocation, or whose allocation is too small for the shape. */
  | 'OUT_OF_BOUNDS'
  /** A target of cross-entropy outside [0, classes) and not the ignore index −1. */
  | 'INVALID_TARGET'
  /** `free` of a pointer that is not a live allocation. */
  | 'INVALID_FREE'
  /** The memory cannot grow further. */
  | 'OUT_OF_MEMORY'
  /** The JavaScript engine has no WebAssembly SIMD (or no WebAssembly). */
  | 'NO_SIMD'
  /** A part of a kernel call threw in the backend's worker thread. */
  | 'THREAD_FAILED';

const MARKER = Symbol.for('lxmls.error');

/** Fields of a {@link LxmlsBackendWasmError} besides its message. */
export interface BackendWasmErrorDetails {
  /** The function that failed, e.g. `matmul`. */
  fn: string;
  /** The argument at fault, e.g. `ids`. */
  argument?: string;
  /** What the function expected, in words. */
  expected?: string;
  /** What it received, already described for a human. */
  received?: string;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * The error thrown by every function of @lxmls/backend-wasm.
 *
 * Check it with `LxmlsBackendWasmError.isInstance(e)`, which works across duplicated installs, and branch on `e.code`.
 *
 * @example
 * ```ts
 * import { createWasmKernels, LxmlsBackendWasmError } from '@lxmls/backend-wasm';
 * const k = await createWasmKernels();
 * const a = k.alloc(6);
 * try {
 *   k.matmul(a, a, a, 2, 3, 4); // B would need 12 floats
 * } catch (e) {
 *   console.log(LxmlsBackendWasmError.isInstance(e) && e.code); // → OUT_OF_BOUNDS
 * }
 * ```
 */
export class LxmlsBackendWasmError extends Error {
  override readonly name = 'LxmlsBackendWasmError';
  readonly code: BackendWasmErrorCode;
  readonly fn: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;
  readonly [MARKER] = true;

  constructor(code: BackendWasmErrorCode, what: string, details: BackendWasmErrorDetails) {
    let message = `[@lxmls/backend-wasm] ${details.fn}: ${what}.`;
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

  /** True for any {@link LxmlsBackendWasmError}, even one from another copy of the package. */
  static isInstance(error: unknown): error is LxmlsBackendWasmError {
    return (
      typeof error === 'object' &&
      error !== null &&
      (error as Record<symbol, unknown>)[MARKER] === true &&
      (error as { name?: unknown }).name === 'LxmlsBackendWasmError'
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

/** Throws `INVALID_ARGUMENT` unless `value` is a non-negative safe integer. */
export function expectSize(value: unknown, fn: string, argument: string): asserts value is number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return;
  throw new LxmlsBackendWasmError('INVALID_ARGUMENT', `${argument} must be a non-negative integer`, {
    fn,
    argument,
    expected: 'a non-negative integer',
    received: describe(value),
  });
}
