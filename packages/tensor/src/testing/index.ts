/**
 * @lxmls/tensor/testing: the backend conformance suite as vitest tests. A backend package calls
 * `describeBackend(name, createBackend)` in one vitest file and gets one test per check of
 * `@lxmls/tensor/conformance` (forward values against `js`, gradients against `js` and against central finite
 * differences, for every case of {@link CONFORMANCE_CASES}); capability flags become `skipIf`.
 *
 * Imports vitest (an optional peer dependency of this entry point only). Without a test runner, e.g. in a
 * browser page, use `runConformance` of `@lxmls/tensor/conformance`, which this entry point re-exports.
 */

import { describe, expect, test } from 'vitest';
import type { Backend } from '../backend.js';
import { type ConformanceOptions, compareValues, conformanceChecks } from './conformance.js';

export {
  type AsyncReadsOptions,
  asyncReads,
  CONFORMANCE_CASES,
  type ConformanceCase,
  type ConformanceCheck,
  type ConformanceOptions,
  type ConformanceResult,
  compareValues,
  conformanceChecks,
  coreOnly,
  type InputData,
  type InputSpec,
  makeInput,
  runConformance,
} from './conformance.js';

/**
 * Asserts `|actual - expected| ≤ atol + rtol·|expected|` elementwise (NaN matches NaN, ±Infinity must be
 * equal), reporting the first bad index (see {@link compareValues}).
 *
 * @param actual - Computed values.
 * @param expected - Reference values.
 * @param atol - Absolute tolerance.
 * @param rtol - Relative tolerance.
 * @param label - Named in the failure message.
 * @returns Nothing.
 * @example
 * ```ts
 * import { expectClose } from '@lxmls/tensor/testing';
 * expectClose([1, Number.NaN], [1.000001, Number.NaN], 1e-5, 0, 'values');
 * console.log('close'); // → close
 * ```
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
  label: string,
): void {
  const detail = compareValues(actual, expected, atol, rtol);
  if (detail) expect.fail(`${label}: ${detail}`);
}

/**
 * Registers the conformance suite of a backend with vitest: one test per check of {@link conformanceChecks}.
 * For every case of {@link CONFORMANCE_CASES} (and `options.extraCases`), a forward test against the `js`
 * backend and, when the backend has the `gradients` capability and the op is differentiable, gradient tests
 * against `js` and against central finite differences.
 *
 * @param name - The backend name, used in the test titles.
 * @param createBackend - Creates the backend under test (may be async).
 * @param options - Tolerances, skipped cases, extra cases.
 * @returns Nothing; call it at the top level of a `*.test.ts` file.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * import { describeBackend } from '@lxmls/tensor/testing';
 * console.log(typeof describeBackend, typeof createJsBackend); // → function function
 * // in a test file: describeBackend('wasm', () => createWasmBackend());
 * ```
 */
export function describeBackend(
  name: string,
  createBackend: () => Backend | Promise<Backend>,
  options: ConformanceOptions = {},
): void {
  describe(`describeBackend(${name})`, async () => {
    const backend = await createBackend();
    for (const check of conformanceChecks(backend, options)) {
      test.skipIf(check.skipReason !== '')(check.name, async () => {
        const detail = await check.run();
        if (detail) expect.fail(detail);
      });
    }
  });
}
