/**
 * The grader's report and the helpers its checks share: running the student's code without letting it throw
 * through, telling a hole (`NotImplementedError('Complete Exercise 2.2.N')`) from a bug, describing an error
 * with the student's file and line, comparing tensors, and explaining a wrong shape axis by axis.
 */

import { Tensor } from '@lxmls/tensor';
import { holeOf } from '../errors.js';
import { studentLocation } from '../load.js';

/** One check of a {@link CheckReport}. */
export interface CheckResult {
  /** What was checked, e.g. `scaling by √hs (Exercise 2.2.2)`. */
  name: string;
  /** Whether it passed. */
  passed: boolean;
  /** What was found, in the exercise's terms, and how to fix it when it failed. */
  message: string;
}

/** What {@link checkExercise} returns: `passed` is true when every check passed. */
export interface CheckReport {
  /** The exercise id, `2.1` or `2.2`. */
  exercise: string;
  /** True when every check passed. */
  passed: boolean;
  /** The checks that ran, in order. */
  checks: CheckResult[];
}

/** Options of {@link checkExercise}. */
export interface CheckOptions {
  /** The seed of the random inputs and weights (default 0). */
  seed?: number;
  /** The student's file name or path as given to the loader, so messages point at its lines. */
  fileName?: string;
  /** @internal The names the student's module exports, for the message when the one needed is missing. */
  exports?: readonly string[];
  /**
   * Called with each check as soon as it is decided, before the next one runs: a caller that stops the
   * student's code at a time or memory limit (a worker) still knows which checks passed before it.
   */
  onCheck?: (check: CheckResult) => void;
}

/** @internal ` (the file exports: a, b)` */
export const exportedNames = (options: CheckOptions): string =>
  options.exports === undefined
    ? ''
    : ` (the file exports: ${options.exports.length === 0 ? 'nothing' : options.exports.join(', ')})`;

/** @internal Collects the checks of one run. */
export class Checks {
  readonly list: CheckResult[] = [];
  constructor(
    readonly fileName: string | undefined,
    private readonly onCheck?: (check: CheckResult) => void,
  ) {}

  add(name: string, passed: boolean, message: string): boolean {
    const check = { name, passed, message };
    this.list.push(check);
    this.onCheck?.({ ...check });
    return passed;
  }

  report(exercise: string): CheckReport {
    return { exercise, passed: this.list.every((c) => c.passed), checks: this.list };
  }

  /** `TypeError: x is not a function (at attention.ts:12:9)` */
  describe(error: unknown): string {
    const text =
      error instanceof Error
        ? `${error.name}: ${error.message}`
        : `a thrown ${typeof error}: ${String(error)}`;
    const at = this.fileName === undefined ? undefined : studentLocation(error, this.fileName);
    return at === undefined ? text : `${text} (at ${at})`;
  }
}

/** @internal The hole an error comes from (`2.2.3`), when it is a skeleton's NotImplementedError. */
export function holeOfError(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  return error.name === 'NotImplementedError' || /Complete Exercise/.test(error.message)
    ? (holeOf(error.message) ?? '?')
    : undefined;
}

/** @internal The holes still in a function's or class's text (after sucrase, whichever import style). */
export function holesInSource(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/NotImplementedError\)?\(\s*['"`]Complete Exercise (\d+(?:\.\d+)*)/g)) {
    found.add(m[1]!);
  }
  return [...found];
}

/** @internal What a call of the student's code gave. */
export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** @internal Calls the student's code, catching what it throws. */
export function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (error) {
    return { ok: false, error };
  }
}

/** @internal The tensor a student's function or forward returned (also `{ output }`), or undefined. */
export function asTensor(value: unknown): Tensor | undefined {
  if (value instanceof Tensor) return value;
  if (
    value !== null &&
    typeof value === 'object' &&
    (value as { output?: unknown }).output instanceof Tensor
  ) {
    return (value as { output: Tensor }).output;
  }
  return undefined;
}

/** @internal What a value is, for "returned X" messages. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object of class ${value.constructor?.name ?? 'Object'}`;
  return `a ${typeof value}`;
}

/** @internal `(2, 3)` */
export const shapeText = (shape: readonly number[]): string => `(${shape.join(', ')})`;

/** @internal How far two tensors of the same shape are apart. */
export interface Difference {
  /** True when every element is within `atol + rtol·|expected|` (NaN never is). */
  close: boolean;
  /** The largest absolute difference. */
  maxAbs: number;
  /** The flat index of the worst element. */
  index: number;
}

/** @internal Compares two equally shaped tensors element by element. */
export function difference(received: Tensor, expected: Tensor, rtol = 1e-4, atol = 1e-5): Difference {
  const a = received.data();
  const b = expected.data();
  let close = a.length === b.length;
  let maxAbs = 0;
  let index = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs(a[i]! - b[i]!);
    const bad = !(d <= atol + rtol * Math.abs(b[i]!));
    if (bad) close = false;
    if (bad && !(d <= maxAbs)) {
      maxAbs = Number.isNaN(d) ? Number.NaN : d;
      index = i;
      if (Number.isNaN(d)) break;
    }
  }
  return { close, maxAbs, index };
}

/** @internal True when two tensors have the same shape and close values. */
export function allClose(received: Tensor, expected: Tensor, rtol = 1e-4, atol = 1e-5): boolean {
  return sameShape(received.shape, expected.shape) && difference(received, expected, rtol, atol).close;
}

/** @internal Shape equality. */
export const sameShape = (a: readonly number[], b: readonly number[]): boolean =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/** @internal The multi-index of a flat index, `[0, 2, 1]`. */
export function unflatten(index: number, shape: readonly number[]): number[] {
  const out: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    out.unshift(index % shape[axis]!);
    index = Math.floor(index / shape[axis]!);
  }
  return out;
}

/** @internal A number as messages print it: 4 significant digits. */
export const num = (x: number): string => (Number.isFinite(x) ? String(Number(x.toPrecision(4))) : String(x));

/**
 * @internal Explains a wrong shape axis by axis: `expected (B, T, C) = (2, 6, 12), received (2, 3, 6, 4):
 * 4 axes instead of 3`, or `axis 1 (T) should be 6, received 3`.
 */
export function shapeMessage(
  what: string,
  expected: readonly number[],
  received: readonly number[],
  names: readonly string[],
): string {
  const head = `${what}: expected (${names.join(', ')}) = ${shapeText(expected)}, received ${shapeText(received)}`;
  if (received.length !== expected.length)
    return `${head}: ${received.length} axes instead of ${expected.length}`;
  const axes = expected
    .map((d, i) =>
      d === received[i] ? '' : `axis ${i} (${names[i]}) should be ${d}, received ${received[i]}`,
    )
    .filter((s) => s !== '');
  return `${head}: ${axes.join('; ')}`;
}
