/**
 * The grader of Exercise 2.1, `crossAttention(S1, S2, WQ, WK, WV)`: the notebook's Lisbon test (In [14]),
 * the 2023 value test (docs/course-behaviour.md §6 (a)), seeded random shapes and a batch, compared with
 * @lxmls/attention's `crossAttention`; when the values are wrong it finds which known mistake explains them
 * (no or another scaling than √d_k, softmax over the queries instead of the keys) and probes the attention
 * weights directly (a column of ones in V makes the output show each query's sum of weights).
 */

import { crossAttention as referenceCrossAttention } from '@lxmls/attention';
import {
  matmul,
  noGrad,
  RandomGenerator,
  randn,
  softmax,
  type Tensor,
  tensor,
  transpose,
} from '@lxmls/tensor';
import {
  allClose,
  asTensor,
  attempt,
  type CheckOptions,
  type CheckReport,
  Checks,
  describeValue,
  difference,
  exportedNames,
  holeOfError,
  holesInSource,
  num,
  sameShape,
  shapeMessage,
  shapeText,
  unflatten,
} from './report.js';

type CrossAttention = (S1: Tensor, S2: Tensor, WQ: Tensor, WK: Tensor, WV: Tensor) => unknown;

/** The five inputs of one case. */
interface Case {
  S1: Tensor;
  S2: Tensor;
  WQ: Tensor;
  WK: Tensor;
  WV: Tensor;
}

function randomCase(
  g: RandomGenerator,
  T1: number,
  D1: number,
  T2: number,
  D2: number,
  dk: number,
  dv: number,
): Case {
  return {
    S1: randn([T1, D1], g), // (T1, D1)
    S2: randn([T2, D2], g), // (T2, D2)
    WQ: randn([D2, dk], g), // (D2, d_k)
    WK: randn([D1, dk], g), // (D1, d_k)
    WV: randn([D1, dv], g), // (D1, d_v)
  };
}

/** A known way to get 2.1 wrong: the scaling divisor and the softmax axis. */
interface Variant {
  scale: { label: string; value: (c: Case) => number };
  axis: -1 | -2;
}

const dkOf = (c: Case) => c.WQ.shape[1]!;
const SCALES: Variant['scale'][] = [
  { label: '√d_k', value: (c) => Math.sqrt(dkOf(c)) },
  { label: 'none', value: () => 1 },
  { label: 'd_k', value: (c) => dkOf(c) },
  { label: '√D', value: (c) => Math.sqrt(c.S2.shape.at(-1)!) },
  { label: '√d_v', value: (c) => Math.sqrt(c.WV.shape[1]!) },
];

/** softmax(Q Kᵀ / scale, axis) V, computed here. */
function variantForward(c: Case, v: Variant): Tensor {
  return noGrad(() => {
    const Q = matmul(c.S2, c.WQ); // (T2, d_k)
    const K = matmul(c.S1, c.WK); // (T1, d_k)
    const V = matmul(c.S1, c.WV); // (T1, d_v)
    const scores = matmul(Q, K, { transposeB: true }).div(v.scale.value(c)); // (T2, T1)
    return matmul(softmax(scores, v.axis), V); // (T2, d_v)
  });
}

const reference = (c: Case): Tensor => noGrad(() => referenceCrossAttention(c.S1, c.S2, c.WQ, c.WK, c.WV));

/**
 * @internal Grades a student's `crossAttention`.
 *
 * @param fn - The student's function.
 * @param options - Seed and file name.
 * @returns The report.
 */
export function checkCrossAttention(fn: unknown, options: CheckOptions = {}): CheckReport {
  const checks = new Checks(options.fileName, options.onCheck);
  const report = () => checks.report('2.1');
  const g = new RandomGenerator(options.seed ?? 0);

  if (
    !checks.add(
      'exports crossAttention',
      typeof fn === 'function',
      typeof fn === 'function'
        ? 'crossAttention is exported'
        : `the file must export function crossAttention(S1, S2, WQ, WK, WV), received ${describeValue(fn)}${exportedNames(options)}`,
    )
  ) {
    return report();
  }
  const student = fn as CrossAttention;

  // the hole, in the function's text: reported before anything runs, so a time limit keeps it
  const holeMessage =
    "Exercise 2.1 is still a hole: replace `throw new NotImplementedError('Complete Exercise 2.1')` with the projections Q = S2 W_Q, K = S1 W_K, V = S1 W_V, the scores matmul(Q, K, { transposeB: true }) / √d_k, softmax(scores, -1) and the weighted sum matmul(weights, V)";
  const hole = holesInSource(Function.prototype.toString.call(student)).includes('2.1');
  checks.add('hole 2.1 filled', !hole, hole ? holeMessage : 'no NotImplementedError left');
  if (hole) return report();

  // it runs and returns a tensor of the right shape
  const main = randomCase(g, 7, 3, 4, 5, 6, 2); // T1 7, D1 3, T2 4, D2 5, d_k 6, d_v 2: every size distinct
  const run = (c: Case) => attempt(() => student(c.S1, c.S2, c.WQ, c.WK, c.WV));
  const first = run(main);
  if (!first.ok) {
    // a hole thrown from outside the function's text (a helper of the student's) is still a hole
    const thrown = holeOfError(first.error) !== undefined;
    checks.add(
      'runs',
      false,
      `crossAttention(S1 (7, 3), S2 (4, 5), W_Q (5, 6), W_K (3, 6), W_V (3, 2)) threw ${checks.describe(first.error)}${thrown ? `: ${holeMessage}` : ''}`,
    );
    return report();
  }
  const out = asTensor(first.value);
  if (
    !checks.add(
      'runs',
      out !== undefined,
      out
        ? 'crossAttention returns a Tensor'
        : `crossAttention returned ${describeValue(first.value)}, expected a Tensor (T2, d_v)`,
    )
  ) {
    return report();
  }
  const expectedShape = [4, 2];
  let shapeHint = '';
  if (sameShape(out!.shape, [7, 2]))
    shapeHint = ': one row per token of S1; the queries come from S2 (Q = S2 W_Q), one row per query';
  else if (sameShape(out!.shape, [4, 7]))
    shapeHint = ': these are the attention weights (T2, T1); multiply them by the values V = S1 W_V';
  else if (sameShape(out!.shape, [4, 6]))
    shapeHint = ': the width of the keys d_k; the output has the width of the values, d_v (V = S1 W_V)';
  if (
    !checks.add(
      'output shape (T2, d_v)',
      sameShape(out!.shape, expectedShape),
      sameShape(out!.shape, expectedShape)
        ? 'S1 (7, 3) and S2 (4, 5) give (4, 2): one row per query, d_v columns'
        : `${shapeMessage('crossAttention(S1 (7, 3), S2 (4, 5), …)', expectedShape, out!.shape, ['T2', 'd_v'])}${shapeHint}`,
    )
  ) {
    return report();
  }

  // the weights of each query sum to 1: a column of ones in V shows them
  const probe = randomCase(g, 5, 3, 3, 4, 4, 3);
  const probeS1 = tensor((probe.S1.toArray() as number[][]).map((row) => [1, ...row.slice(1)])); // first feature 1
  const probeWV = tensor(
    (probe.WV.toArray() as number[][]).map((row, i) => [i === 0 ? 1 : 0, ...row.slice(1)]),
  );
  const probed = attempt(() => student(probeS1, probe.S2, probe.WQ, probe.WK, probeWV));
  const probeOut = probed.ok ? asTensor(probed.value) : undefined;
  let sumsToOne = true;
  if (probeOut && probeOut.shape.length === 2) {
    const sums = (probeOut.toArray() as number[][]).map((row) => row[0]!);
    const bad = sums.findIndex((s) => !(Math.abs(s - 1) <= 1e-4));
    sumsToOne = bad === -1;
    checks.add(
      'weights sum to 1 (softmax over the keys)',
      sumsToOne,
      sumsToOne
        ? "each query's attention weights sum to 1"
        : `the attention weights of query ${bad} sum to ${num(sums[bad]!)}, not 1: apply the softmax over the keys, the last axis of the scores (T2, T1): softmax(scores, -1)`,
    );
  }

  // the values: the reference, or the known mistake that explains them
  const expected = reference(main);
  const right = allClose(out!, expected);
  if (!right) {
    let match: Variant | undefined;
    for (const axis of [-1, -2] as const) {
      for (const scale of SCALES) {
        if (scale.label === '√d_k' && axis === -1) continue;
        if (allClose(out!, variantForward(main, { scale, axis }))) match ??= { scale, axis };
      }
    }
    if (match) {
      const scaleRight = match.scale.label === '√d_k';
      checks.add(
        'scaling by √d_k',
        scaleRight,
        scaleRight
          ? 'the scores are divided by √d_k'
          : match.scale.label === 'none'
            ? 'the values match softmax(Q Kᵀ) V without the scaling: divide the scores by √d_k, with d_k = Q.shape.at(-1) (here √6)'
            : `the values match scores divided by ${match.scale.label} instead of √d_k: d_k is the width of the queries and keys, Q.shape.at(-1) (here 6, so divide by √6)`,
      );
      checks.add(
        'softmax over the keys',
        match.axis === -1,
        match.axis === -1
          ? 'softmax(scores, -1): each query gets weights over the keys'
          : 'the values match a softmax over the queries (axis -2 of the scores (T2, T1)): take it over the keys, the last axis: softmax(scores, -1)',
      );
    }
  }

  // the notebook's tests
  const lisbon = notebookLisbon(student, checks);
  const a2023 = historicalA(student, checks);

  // random shapes, including single tokens
  const cases: [string, Case][] = [
    ['S1 (7, 3), S2 (4, 5), d_k 6, d_v 2', main],
    ['S1 (1, 4), S2 (3, 4), d_k 2, d_v 5', randomCase(g, 1, 4, 3, 4, 2, 5)],
    ['S1 (9, 2), S2 (1, 6), d_k 8, d_v 3', randomCase(g, 9, 2, 1, 6, 8, 3)],
  ];
  let failed = '';
  for (const [label, c] of cases) {
    const got = label === cases[0]![0] ? first : run(c);
    const t = got.ok ? asTensor(got.value) : undefined;
    const ref = label === cases[0]![0] ? expected : reference(c);
    if (!got.ok) failed = `${label}: threw ${checks.describe(got.error)}`;
    else if (!t) failed = `${label}: returned ${describeValue(got.value)}`;
    else if (!sameShape(t.shape, ref.shape))
      failed = `${label}: shape ${shapeText(t.shape)} instead of ${shapeText(ref.shape)}`;
    else {
      const d = difference(t, ref);
      if (!d.close) {
        failed = `${label}: element [${unflatten(d.index, ref.shape).join(', ')}] is ${num(t.data()[d.index]!)}, the reference ${num(ref.data()[d.index]!)}`;
      }
    }
    if (failed) break;
  }
  checks.add(
    'values on random inputs',
    failed === '',
    failed === ''
      ? `equal to softmax(Q Kᵀ / √d_k) V on ${cases.length} seeded random cases`
      : `differs from softmax(Q Kᵀ / √d_k) V on ${failed}`,
  );

  // a batch (B, T, D), as the GPT's attention gets
  const batch = {
    S1: randn([2, 5, 3], g),
    S2: randn([2, 4, 3], g),
    WQ: randn([3, 4], g),
    WK: randn([3, 4], g),
    WV: randn([3, 2], g),
  };
  const batched = run(batch);
  const batchOut = batched.ok ? asTensor(batched.value) : undefined;
  const batchRef = reference(batch);
  const batchOk = batchOut !== undefined && allClose(batchOut, batchRef);
  // the batch's own mistakes (the transpose of K, the softmax's axis) only when one item at a time is right;
  // else the mistake the checks above name shows on a batch too
  const batchHint =
    failed === ''
      ? ': transpose only the last two axes of K (matmul(Q, K, { transposeB: true }) or transpose(K, -2, -1)) and take the softmax over the last axis'
      : ': the values are already wrong one item at a time (see the checks above): fix those first';
  checks.add(
    'works on a batch (B, T, D)',
    batchOk,
    batchOk
      ? 'S1 (2, 5, 3), S2 (2, 4, 3) give (2, 4, 2), item by item'
      : `on S1 (2, 5, 3), S2 (2, 4, 3) ${!batched.ok ? `it threw ${checks.describe(batched.error)}` : batchOut ? `it gave ${shapeText(batchOut.shape)} values that differ from the reference` : `it returned ${describeValue(batched.value)}`}${batchHint}`,
  );

  gradientCheck(student, options.seed ?? 0, checks, right && lisbon && a2023);
  return report();
}

/** In [14]: "I travelled to Lisbon in July to attend an NLP summer school" attended by "I like traveling". */
function notebookLisbon(student: CrossAttention, checks: Checks): boolean {
  const sentence = [40, 21650, 284, 41898, 287, 2901, 284, 5262, 281, 399, 19930, 3931, 1524]; // GPT-2 BPE ids
  const query = [40, 588, 11300];
  const S1 = transpose(tensor([sentence])); // (13, 1): the notebook's S1.T
  const S2 = transpose(tensor([query])); // (3, 1)
  const got = attempt(() =>
    student(S1, S2, tensor([[0.1, 0.2, 0.3]]), tensor([[0.7, 0.8, 0.9]]), tensor([[1.6, 1.7, 1.8]])),
  );
  const row = [67036.8047, 71226.6016, 75416.3984];
  const expected = tensor([row, row, row]);
  const out = got.ok ? asTensor(got.value) : undefined;
  const ok = out !== undefined && allClose(out, expected, 1e-4, 0);
  return checks.add(
    "the notebook's Lisbon test (In [14])",
    ok,
    ok
      ? 'tensor([[67036.8047, 71226.6016, 75416.3984]] × 3 rows): Test passed!'
      : `Ops! You need to check your function! Expected [[67036.8047, 71226.6016, 75416.3984]] × 3 rows, ${
          !got.ok
            ? `it threw ${checks.describe(got.error)}`
            : out
              ? `received ${shapeText(out.shape)} ${JSON.stringify((out.toArray() as number[][])[0]?.map?.((v) => Number(v.toFixed(4))) ?? out.toArray())}…`
              : `received ${describeValue(got.value)}`
        }`,
  );
}

/** The 2023 notebook's value test (docs/course-behaviour.md §6 (a)): the softmax saturates on the last key. */
function historicalA(student: CrossAttention, checks: Checks): boolean {
  const S1 = tensor([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [10, 11, 12],
  ]); // (4, 3)
  const S2 = tensor([
    [2, 4],
    [1, 3],
  ]); // (2, 2)
  const WQ = tensor([
    [0.1, 0.2, 0.3],
    [0.4, 0.5, 0.6],
  ]); // (2, 3)
  const WK = tensor([
    [0.7, 0.8, 0.9],
    [1, 1.1, 1.2],
    [1.3, 1.4, 1.5],
  ]); // (3, 3)
  const WV = tensor([
    [1.6, 1.7, 1.8],
    [1.9, 2, 2.1],
    [2.2, 2.3, 2.4],
  ]); // (3, 3)
  const got = attempt(() => student(S1, S2, WQ, WK, WV));
  const out = got.ok ? asTensor(got.value) : undefined;
  const expected = tensor([
    [63.3, 66.6, 69.9],
    [63.3, 66.6, 69.9],
  ]);
  const ok = out !== undefined && allClose(out, expected, 1e-4, 1e-3);
  return checks.add(
    'the 2023 value test',
    ok,
    ok
      ? '[[63.3, 66.6, 69.9]] for both queries'
      : `expected [[63.3, 66.6, 69.9]] for both queries, ${!got.ok ? `it threw ${checks.describe(got.error)}` : out ? `received ${JSON.stringify(out.toArray())}` : `received ${describeValue(got.value)}`}`,
  );
}

/** The gradient reaches every input and equals the reference's. */
function gradientCheck(student: CrossAttention, seed: number, checks: Checks, compare: boolean): void {
  const make = () => {
    const c = randomCase(new RandomGenerator(seed + 7), 5, 3, 4, 3, 4, 2);
    for (const t of Object.values(c)) t.requiresGrad = true;
    return c;
  };
  const mine = make();
  const theirs = make();
  const R = randn([4, 2], new RandomGenerator(11)); // a random direction, so no symmetry hides a gradient
  const got = attempt(() => {
    const out = asTensor(student(mine.S1, mine.S2, mine.WQ, mine.WK, mine.WV));
    if (!out) throw new TypeError('crossAttention returned no Tensor');
    if (out.node === null) return 'detached';
    out.mul(R).sum().backward();
    return 'ok';
  });
  referenceCrossAttention(theirs.S1, theirs.S2, theirs.WQ, theirs.WK, theirs.WV).mul(R).sum().backward();
  let message = 'the gradient flows back to S1, S2, W_Q, W_K and W_V';
  let passed = true;
  if (!got.ok) {
    passed = false;
    message = `backward() failed: ${checks.describe(got.error)}`;
  } else if (got.value === 'detached') {
    passed = false;
    message =
      'no gradient flows: the output is not connected to the inputs (was it built from numbers, .data() or .toArray(), or .detach()ed?). Compute it with tensor ops only';
  } else {
    for (const name of ['S1', 'S2', 'WQ', 'WK', 'WV'] as const) {
      const grad = mine[name].grad;
      const ref = theirs[name].grad!;
      if (grad === null) {
        passed = false;
        message = `no gradient reaches ${name}: is it used?`;
        break;
      }
      if (compare && !allClose(grad, ref, 1e-3, 1e-4)) {
        passed = false;
        message = `the gradient of ${name} differs from the reference's`;
        break;
      }
    }
  }
  checks.add('gradient flows', passed, message);
}
