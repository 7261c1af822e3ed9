/**
 * @lxmls/tensor/conformance: the backend conformance suite without a test runner, after tfjs's
 * `describeWithFlags` and unstorage's `testDriver`. For every case of {@link CONFORMANCE_CASES} there are three
 * checks:
 *
 * - forward values against the `js` reference backend on seeded random inputs;
 * - gradients against the `js` backend, element by element;
 * - gradients against central finite differences on the backend itself: for a random direction `d`, the
 *   analytic `Σ ⟨∂L/∂xᵢ, dᵢ⟩` must match `(L(x + h·d) - L(x - h·d)) / 2h`, where `L = Σ out · r` (fixed random
 *   weights `r`) is accumulated in float64 from the float32 outputs.
 *
 * Capability flags skip checks: a backend without `gradients` runs the forward checks only. Values are read
 * with `dataAsync()`, so the checks run on GPU backends whose synchronous reads stall or fail, and every
 * tensor a check creates is disposed. `runConformance` runs the checks anywhere (a browser page, a script);
 * `describeBackend` of `@lxmls/tensor/testing` registers the same checks as vitest tests.
 */

import type { Backend, TypedArray } from '../backend.js';
import { createJsBackend } from '../backends/js.js';
import { noGrad, tidy } from '../engine.js';
import * as ops from '../ops/index.js';
import { RandomGenerator } from '../random.js';
import { withBackend } from '../registry.js';
import { CONFORMANCE_CASES, type ConformanceCase, type InputData, makeInput } from './cases.js';

export { type AsyncReadsOptions, asyncReads } from './async-reads.js';
export {
  CONFORMANCE_CASES,
  type ConformanceCase,
  type InputData,
  type InputSpec,
  makeInput,
} from './cases.js';
export { coreOnly } from './core-only.js';

/** Options of {@link runConformance}, {@link conformanceChecks} and `describeBackend`. */
export interface ConformanceOptions {
  /** Absolute tolerance of forward values. Defaults to 1e-5. */
  atol?: number;
  /** Relative tolerance of forward values. Defaults to 1e-4. */
  rtol?: number;
  /** Absolute tolerance of gradients against `js`. Defaults to 1e-4. */
  gradAtol?: number;
  /** Relative tolerance of gradients against `js`. Defaults to 1e-3. */
  gradRtol?: number;
  /** Relative tolerance of the finite-difference check. Defaults to 2e-3 (plus 2e-3 absolute). */
  fdTol?: number;
  /** Names of cases to skip (say why next to the call). */
  skip?: string[];
  /**
   * The cases to check instead of {@link CONFORMANCE_CASES} (defaults to them). The inputs of a case are
   * seeded by its position in the list, so a case taken out of the list gets other inputs.
   */
  cases?: ConformanceCase[];
  /** Extra cases for this backend, after `cases`. */
  extraCases?: ConformanceCase[];
}

/** The outcome of one check of {@link runConformance}. */
export interface ConformanceResult {
  /** The check: the case name and what is compared, e.g. `exp(x): forward matches js` (vitest's test title). */
  name: string;
  /** True when the check passed or was skipped. */
  ok: boolean;
  /** True when the check did not run (skipped by `options.skip` or by the backend's capabilities). */
  skipped: boolean;
  /** '' when it passed; the first difference or the error when it failed; why, when it was skipped. */
  detail: string;
}

/** One check of the suite, not run yet: what {@link runConformance} runs and `describeBackend` registers. */
export interface ConformanceCheck {
  /** The check's name (vitest's test title). */
  name: string;
  /** Why the check does not run, or '' when it runs. */
  skipReason: string;
  /**
   * Runs the check.
   *
   * @returns '' when the backend conforms, else what differs (named after the case).
   * @throws What the backend or the op throws.
   */
  run(): Promise<string>;
}

/**
 * Compares two arrays elementwise: `|actual - expected| ≤ atol + rtol·|expected|`, NaN matches NaN and
 * ±Infinity must be equal.
 *
 * @param actual - Computed values.
 * @param expected - Reference values.
 * @param atol - Absolute tolerance.
 * @param rtol - Relative tolerance.
 * @returns '' when every element is close, else the first difference: `element i is a, expected e (atol …,
 *   rtol …)`, or `length n, expected m`.
 * @example
 * ```ts
 * import { compareValues } from '@lxmls/tensor/conformance';
 * console.log(JSON.stringify(compareValues([1, Number.NaN], [1.000001, Number.NaN], 1e-5, 0))); // → ""
 * console.log(compareValues([1, 2], [1, 2.5], 0.1, 0)); // → element 1 is 2, expected 2.5 (atol 0.1, rtol 0)
 * ```
 */
export function compareValues(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  atol: number,
  rtol: number,
): string {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const ok =
      (Number.isNaN(a) && Number.isNaN(e)) ||
      a === e ||
      (Number.isFinite(e) && Math.abs(a - e) <= atol + rtol * Math.abs(e));
    if (!ok) return `element ${i} is ${a}, expected ${e} (atol ${atol}, rtol ${rtol})`;
  }
  return '';
}

interface RunResult {
  out: TypedArray;
  shape: readonly number[];
  grads: (TypedArray | null)[];
}

/**
 * Runs a case on `backend`; with `weights`, also backpropagates `L = Σ out · weights`. The inputs and the
 * output leave the `tidy` scope (the inputs keep their `.grad`), are read asynchronously, then disposed.
 */
async function runCase(
  backend: Backend,
  c: ConformanceCase,
  data: InputData[],
  weights?: Float32Array,
): Promise<RunResult> {
  const { xs, y } = withBackend(backend, () =>
    tidy(() => {
      const xs = data.map((d) => ops.tensor(d.values, d.shape, d.dtype));
      if (weights) for (const x of xs) if (x.dtype === 'float32') x.requiresGrad = true;
      const y = weights ? c.fn(xs) : noGrad(() => c.fn(xs));
      if (weights) ops.sum(ops.mul(y, ops.tensor(weights.subarray(0, y.size), y.shape))).backward();
      return { xs, y };
    }),
  );
  try {
    const out = await y.dataAsync();
    const grads: (TypedArray | null)[] = [];
    if (weights) for (const x of xs) grads.push(x.grad ? await x.grad.dataAsync() : null);
    return { out, shape: [...y.shape], grads };
  } finally {
    y.dispose();
    for (const x of xs) x.dispose(); // and its .grad
  }
}

/** L = Σ out · weights in float64, without the tape. */
async function lossOf(
  backend: Backend,
  c: ConformanceCase,
  data: InputData[],
  weights: Float32Array,
): Promise<number> {
  const { out } = await runCase(backend, c, data);
  let total = 0;
  for (let i = 0; i < out.length; i++) total += out[i]! * weights[i]!;
  return total;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/**
 * The checks of the suite for `backend`, in order: for every case (`options.cases`, then
 * `options.extraCases`), `${name}: forward matches js`, `${name}: gradients match js` and
 * `${name}: gradients match finite differences`. The gradient checks are skipped for a case with
 * `grad: false` and on a backend without the `gradients` capability; all three for a case in `options.skip`.
 *
 * @param backend - The backend under test.
 * @param options - Tolerances, skipped cases, the cases.
 * @returns The checks; each `run()` compares the backend with a `js` backend created here.
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * import { CONFORMANCE_CASES, conformanceChecks } from '@lxmls/tensor/conformance';
 * const checks = conformanceChecks(createJsBackend(), { cases: CONFORMANCE_CASES.slice(0, 1) });
 * console.log(checks.map((c) => c.name.slice(c.name.lastIndexOf(': ') + 2)));
 * // → [ 'forward matches js', 'gradients match js', 'gradients match finite differences' ]
 * console.log(JSON.stringify(await checks[0]!.run())); // → ""
 * ```
 */
export function conformanceChecks(backend: Backend, options: ConformanceOptions = {}): ConformanceCheck[] {
  const { atol = 1e-5, rtol = 1e-4, gradAtol = 1e-4, gradRtol = 1e-3, fdTol = 2e-3, skip = [] } = options;
  const cases = [...(options.cases ?? CONFORMANCE_CASES), ...(options.extraCases ?? [])];
  const reference = createJsBackend();
  const canGrad = backend.capabilities.gradients;

  return cases.flatMap((c, index): ConformanceCheck[] => {
    const seed = 1000 + index;
    const inputs = () => {
      const rng = new RandomGenerator(seed);
      return c.inputs.map((spec) => makeInput(spec, rng));
    };
    const lossWeights = () =>
      makeInput({ shape: [4096] }, new RandomGenerator(seed + 1)).values as Float32Array;
    const skipped = skip.includes(c.name) ? 'in options.skip' : '';
    const gradSkipped =
      skipped ||
      (c.grad === false ? 'not differentiable (grad: false)' : '') ||
      (canGrad ? '' : `backend ${backend.name} lacks the gradients capability`);

    const forward = async (): Promise<string> => {
      const data = inputs();
      const got = await runCase(backend, c, data);
      const want = await runCase(reference, c, data);
      if (shapeText(got.shape) !== shapeText(want.shape))
        return `${c.name}: shape ${shapeText(got.shape)}, expected ${shapeText(want.shape)}`;
      const exact = want.out instanceof Int32Array;
      const detail = compareValues(got.out, want.out, exact ? 0 : atol, exact ? 0 : rtol);
      return detail && `${c.name}: ${detail}`;
    };

    const gradients = async (): Promise<string> => {
      const data = inputs();
      const weights = lossWeights();
      const got = await runCase(backend, c, data, weights);
      const want = await runCase(reference, c, data, weights);
      for (let k = 0; k < want.grads.length; k++) {
        const g = want.grads[k] ?? null;
        const mine = got.grads[k] ?? null;
        if (g === null) {
          if (mine !== null) return `${c.name}: input ${k} has a gradient, expected none`;
          continue;
        }
        if (mine === null) return `${c.name}: input ${k} has no gradient`;
        const detail = compareValues(mine, g, gradAtol, gradRtol);
        if (detail) return `${c.name}, gradient of input ${k}: ${detail}`;
      }
      return '';
    };

    const finiteDifferences = async (): Promise<string> => {
      const data = inputs();
      const weights = lossWeights();
      const { grads } = await runCase(backend, c, data, weights);
      const rng = new RandomGenerator(seed + 2);
      const h = 1e-2;
      for (let trial = 0; trial < 3; trial++) {
        const directions = data.map((d) =>
          d.dtype === 'float32' ? Float32Array.from(d.values, () => rng.normal()) : null,
        );
        const shifted = (sign: number): InputData[] =>
          data.map((d, k) => {
            const dir = directions[k];
            return dir ? { ...d, values: Float32Array.from(d.values, (v, i) => v + sign * h * dir[i]!) } : d;
          });
        const plus = await lossOf(backend, c, shifted(1), weights);
        const minus = await lossOf(backend, c, shifted(-1), weights);
        const numeric = (plus - minus) / (2 * h);
        let analytic = 0;
        directions.forEach((dir, k) => {
          const g = grads[k];
          if (!dir || !g) return;
          for (let i = 0; i < dir.length; i++) analytic += g[i]! * dir[i]!;
        });
        const tolerance = fdTol * (1 + Math.abs(analytic));
        if (!(Math.abs(numeric - analytic) <= tolerance)) {
          return `${c.name}: directional derivative ${analytic} by autodiff, ${numeric} by finite differences`;
        }
      }
      return '';
    };

    return [
      { name: `${c.name}: forward matches js`, skipReason: skipped, run: forward },
      { name: `${c.name}: gradients match js`, skipReason: gradSkipped, run: gradients },
      {
        name: `${c.name}: gradients match finite differences`,
        skipReason: gradSkipped,
        run: finiteDifferences,
      },
    ];
  });
}

/**
 * Runs the conformance suite on `backend`, one check after the other, without a test runner (e.g. in a
 * browser page): every check of {@link conformanceChecks}, a thrown error recorded as a failure of its check.
 * Reads values with `dataAsync()` and disposes every tensor it creates.
 *
 * @param backend - The backend under test.
 * @param options - Tolerances, skipped cases, the cases.
 * @param onResult - Called after each check with its result, the number of checks done and their total.
 * @returns One result per check, in order (skipped checks included, with `skipped: true`).
 * @example
 * ```ts
 * import { createJsBackend } from '@lxmls/tensor';
 * import { CONFORMANCE_CASES, runConformance } from '@lxmls/tensor/conformance';
 * const cases = CONFORMANCE_CASES.filter((c) => c.name.startsWith('gelu') || c.name.startsWith('argmax(x, 1)'));
 * const results = await runConformance(createJsBackend(), { cases });
 * for (const r of results) console.log(r.ok, r.skipped, r.name);
 * // → true false gelu(x): forward matches js
 * // → true false gelu(x): gradients match js
 * // → true false gelu(x): gradients match finite differences
 * // → true false argmax(x, 1): forward matches js
 * // → true true argmax(x, 1): gradients match js
 * // → true true argmax(x, 1): gradients match finite differences
 * ```
 */
export async function runConformance(
  backend: Backend,
  options: ConformanceOptions = {},
  onResult?: (result: ConformanceResult, done: number, total: number) => void,
): Promise<ConformanceResult[]> {
  const checks = conformanceChecks(backend, options);
  const results: ConformanceResult[] = [];
  for (const check of checks) {
    let result: ConformanceResult;
    if (check.skipReason) {
      result = { name: check.name, ok: true, skipped: true, detail: check.skipReason };
    } else {
      let detail: string;
      try {
        detail = await check.run();
      } catch (error) {
        detail = `${check.name} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
      }
      result = { name: check.name, ok: detail === '', skipped: false, detail };
    }
    results.push(result);
    onResult?.(result, results.length, checks.length);
  }
  return results;
}
