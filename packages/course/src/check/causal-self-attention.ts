/**
 * The grader of Exercise 2.2, the student's `CausalSelfAttention` (the four holes of its forward, 2.2.1 to
 * 2.2.4): it builds the student's module and @lxmls/attention's `CausalSelfAttention` with the same weights
 * and compares them, and tells what is wrong in the exercise's terms:
 * - a hole left (found in the class's text, or thrown at run time);
 * - a wrong output shape, axis by axis;
 * - probes that need no reference: with v = 0·x + b (value_proj) and an identity output projection, the
 *   outputs for b = 2 and b = 1 differ by each query's sum of weights (it must be 1); changing only the last
 *   position must leave the earlier outputs alone (the causal mask);
 * - the known mistake that explains wrong values: no or another scaling than √hs, the softmax over the
 *   queries, no mask, one head over all C, heads split or merged back by reshape alone, a projection
 *   swapped; and the notebook's own scores line on the unsplit q and k, which cannot run;
 * - seeded random sizes (one head, one position, nh = C) and the gradient of x and of every parameter.
 *
 * Follows docs/course-behaviour.md §2.3 (the forward's steps and where the student branch's holes are).
 *
 * Over 500 lines: one exercise's grader is one story (build the pair, compare, explain the known mistakes,
 * probe the mask, check the gradients), and each step tells the student what went wrong in the exercise's terms.
 */

import { CausalSelfAttention as Reference } from '@lxmls/attention';
import { Module } from '@lxmls/nn';
import {
  maskedFill,
  matmul,
  noGrad,
  permute,
  RandomGenerator,
  randn,
  reshape,
  slice,
  softmax,
  sub,
  type Tensor,
  tensor,
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

/** The sizes of one case: the config and the input's batch and length. */
interface Sizes {
  nEmbd: number;
  nHead: number;
  blockSize: number;
  B: number;
  T: number;
}

type StudentClass = new (
  config: { nEmbd: number; nHead: number; blockSize: number; attnPdrop: number; residPdrop: number },
  options?: { generator?: RandomGenerator },
) => unknown;

const HOLES: Record<string, string> = {
  '2.2.1':
    'create the projections q, k, v = this.queryProj.forward(x), this.keyProj.forward(x), this.valueProj.forward(x)',
  '2.2.2': 'compute the scores matmul(query, key, { transposeB: true }).div(Math.sqrt(hs)), (B, nh, T, T)',
  '2.2.3': 'apply softmax(masked, -1) over the keys to get the attention weights',
  '2.2.4': 'multiply the weights with the values: matmul(weights, value), (B, nh, T, hs)',
};

/** What a hole left says. */
const holeMessage = (id: string): string =>
  `Exercise ${id} is still a hole: replace \`throw new NotImplementedError('Complete Exercise ${id}')\` with your code (${HOLES[id] ?? 'see the comments above it'})`;

/**
 * What a known error of forward means in the exercise's terms, or ''. The notebook's own line computes the
 * scores from the unsplit q and k (`torch.matmul(Q, K.transpose(-2, -1))`): they are then (B, T, T), and the
 * mask (1, 1, T, T) does not broadcast to them.
 */
function runsHint(error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const scores =
    /maskedFill: the mask does not broadcast to x\. Expected a mask broadcastable to \((\d+), (\d+), (\d+)\)/.exec(
      message,
    );
  if (scores === null) return '';
  return `: your scores are (B, T, T) = (${scores.slice(1).join(', ')}), with no heads axis. Compute them from the split query and key, (B, nh, T, hs) each, so that they are (B, nh, T, T): matmul(query, key, { transposeB: true }) (Exercise 2.2.2)`;
}

/** A student's and the reference's module with the same weights, in eval mode. */
interface Pair {
  student: Module;
  reference: Reference;
}

/** @internal Builds the pair, or says why the student's class cannot be built or matched. */
function buildPair(Student: StudentClass, sizes: Sizes, seed: number): Pair | string {
  const config = {
    nEmbd: sizes.nEmbd,
    nHead: sizes.nHead,
    blockSize: sizes.blockSize,
    attnPdrop: 0,
    residPdrop: 0,
  };
  const reference = new Reference(config, { generator: new RandomGenerator(seed) });
  const built = attempt(() => new Student(config, { generator: new RandomGenerator(seed + 1) }));
  if (!built.ok) return `error: ${String(built.error instanceof Error ? built.error.message : built.error)}`;
  const student = built.value;
  if (!(student instanceof Module)) {
    return `new CausalSelfAttention(config) built ${describeValue(student)}: the class must extend Module from @lxmls/nn (export class CausalSelfAttention extends Module)`;
  }
  const own = new Map(student.namedParameters());
  for (const [name, p] of reference.namedParameters()) {
    const mine = own.get(name);
    if (mine === undefined) {
      const layer = name.split('.')[0]!;
      return `the module has no parameter ${name}: register the layer as the skeleton does, this.registerModule('${layer}', new Linear(C, C))`;
    }
    if (!sameShape(mine.shape, p.shape)) {
      return `the parameter ${name} is ${shapeText(mine.shape)}, expected ${shapeText(p.shape)} (nn.Linear(C, C) with C = nEmbd = ${sizes.nEmbd})`;
    }
    noGrad(() => mine.copyFrom(p));
  }
  student.eval();
  reference.eval();
  return { student, reference };
}

const referenceForward = (pair: Pair, x: Tensor): Tensor => noGrad(() => pair.reference.forward(x).output);

/** A known way to get the forward wrong. */
interface Variant {
  scale: 'hs' | 'none' | 'C' | 'hs-linear' | 'C-linear';
  axis: -1 | -2;
  causal: boolean;
  heads: 'split' | 'single';
  /**
   * How q, k and v are split into heads: `permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3])`, or
   * `reshape(t, [B, nh, T, hs])` alone, which mixes positions and channels.
   */
  split: [Split, Split, Split];
  merge: 'permute' | 'reshape';
  /** Which projection makes q, k, v (`x` for none). */
  sources: [Source, Source, Source];
}
type Source = 'query_proj' | 'key_proj' | 'value_proj' | 'x';
type Split = 'permute' | 'reshape';

const RIGHT: Variant = {
  scale: 'hs',
  axis: -1,
  causal: true,
  heads: 'split',
  split: ['permute', 'permute', 'permute'],
  merge: 'permute',
  sources: ['query_proj', 'key_proj', 'value_proj'],
};

/** The forward with one or more of the known mistakes, on the reference's weights. */
function variantForward(pair: Pair, x: Tensor, v: Variant): Tensor {
  const ref = pair.reference;
  return noGrad(() => {
    const [B, T, C] = x.shape as [number, number, number];
    const nh = v.heads === 'split' ? ref.numHeads : 1;
    const hsTrue = C / ref.numHeads;
    const hs = C / nh;
    const project = (s: Source) =>
      s === 'x'
        ? x
        : (s === 'query_proj' ? ref.queryProj : s === 'key_proj' ? ref.keyProj : ref.valueProj).forward(x);
    const [q, k, val] = v.sources.map(project) as [Tensor, Tensor, Tensor]; // each (B, T, C)
    const split = (t: Tensor, how: Split) =>
      how === 'permute' ? permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3]) : reshape(t, [B, nh, T, hs]); // (B, nh, T, hs)
    const divisor = { hs: Math.sqrt(hsTrue), none: 1, C: Math.sqrt(C), 'hs-linear': hsTrue, 'C-linear': C }[
      v.scale
    ];
    let scores = matmul(split(q, v.split[0]), split(k, v.split[1]), { transposeB: true }).div(divisor); // (B, nh, T, T)
    if (v.causal) scores = maskedFill(scores, sub(1, slice(ref.bias, [0, 0, 0, 0], [1, 1, T, T])), -Infinity);
    const attended = matmul(softmax(scores, v.axis), split(val, v.split[2])); // (B, nh, T, hs)
    const merged =
      v.merge === 'permute'
        ? reshape(permute(attended, [0, 2, 1, 3]), [B, T, C])
        : reshape(attended, [B, T, C]); // (B, T, C)
    return ref.outputProj.forward(merged); // (B, T, C)
  });
}

/**
 * The variants to try: every combination of the structural mistakes (q, k and v split alike), then q, k or
 * v alone split by reshape (with either merge), then each projection swap alone.
 */
function variants(nh: number): Variant[] {
  const out: Variant[] = [];
  const merges = nh === 1 ? (['permute'] as const) : (['permute', 'reshape'] as const);
  for (const [heads, split] of [
    ['split', 'permute'],
    ['split', 'reshape'],
    ['single', 'permute'],
  ] as const) {
    for (const merge of heads === 'single' ? (['permute'] as const) : merges) {
      for (const causal of [true, false]) {
        for (const axis of [-1, -2] as const) {
          for (const scale of ['hs', 'none', 'C', 'hs-linear', 'C-linear'] as const) {
            out.push({ ...RIGHT, scale, axis, causal, heads, split: [split, split, split], merge });
          }
        }
      }
    }
  }
  if (nh > 1) {
    for (let mask = 1; mask < 7; mask++) {
      const split = [0, 1, 2].map((i) => (mask & (1 << i) ? 'reshape' : 'permute')) as Variant['split'];
      for (const merge of merges) out.push({ ...RIGHT, split, merge });
    }
  }
  const sources: Source[] = ['query_proj', 'key_proj', 'value_proj', 'x'];
  for (const a of sources)
    for (const b of sources) for (const c of sources) out.push({ ...RIGHT, sources: [a, b, c] });
  return out.filter((v) => JSON.stringify(v) !== JSON.stringify(RIGHT));
}

/**
 * @internal Grades a student's `CausalSelfAttention`.
 *
 * @param cls - The student's class.
 * @param options - Seed and file name.
 * @returns The report.
 */
export function checkCausalSelfAttention(cls: unknown, options: CheckOptions = {}): CheckReport {
  const checks = new Checks(options.fileName, options.onCheck);
  const report = () => checks.report('2.2');
  const seed = options.seed ?? 0;

  if (
    !checks.add(
      'exports CausalSelfAttention',
      typeof cls === 'function',
      typeof cls === 'function'
        ? 'CausalSelfAttention is exported'
        : `the file must export class CausalSelfAttention extends Module, received ${describeValue(cls)}${exportedNames(options)}`,
    )
  ) {
    return report();
  }
  const Student = cls as StudentClass;

  // the holes, in the class's text: reported before anything runs, so a time limit keeps them
  const left = new Set(holesInSource(Function.prototype.toString.call(Student)));
  for (const id of Object.keys(HOLES)) {
    checks.add(
      `hole ${id} filled`,
      !left.has(id),
      left.has(id) ? holeMessage(id) : 'no NotImplementedError left',
    );
  }

  // build it with the reference's weights; run it once on the main case
  const sizes: Sizes = { nEmbd: 12, nHead: 3, blockSize: 8, B: 2, T: 6 }; // hs 4: √hs 2, √C 3.46
  const x = randn([sizes.B, sizes.T, sizes.nEmbd], new RandomGenerator(seed + 100)); // (B, T, C)
  const pair = buildPair(Student, sizes, seed);
  if (typeof pair === 'string') {
    checks.add(
      'builds',
      false,
      pair.startsWith('error: ') ? `new CausalSelfAttention(config, options) threw ${pair.slice(7)}` : pair,
    );
    return report();
  }
  checks.add(
    'builds',
    true,
    'a Module with query_proj, key_proj, value_proj and output_proj, each Linear(C, C)',
  );
  if (left.size > 0) return report();
  const forward = (p: Pair, input: Tensor) =>
    attempt(() => (p.student as unknown as { forward(x: Tensor): unknown }).forward(input));
  const first = forward(pair, x);
  if (!first.ok) {
    const thrown = holeOfError(first.error);
    checks.add(
      'runs',
      false,
      `forward(x (2, 6, 12)) threw ${checks.describe(first.error)}${thrown === undefined ? runsHint(first.error) : `: ${holeMessage(thrown)}`}`,
    );
    return report();
  }
  const out = asTensor(first.value);
  if (
    !checks.add(
      'runs',
      out !== undefined,
      out
        ? 'forward(x) returns a Tensor'
        : `forward(x) returned ${describeValue(first.value)}, expected a Tensor (B, T, C)`,
    )
  ) {
    return report();
  }
  const expectedShape = [sizes.B, sizes.T, sizes.nEmbd];
  let shapeHint = '';
  if (sameShape(out!.shape, [sizes.B, sizes.nHead, sizes.T, sizes.nEmbd / sizes.nHead])) {
    shapeHint =
      ': the heads are still split (B, nh, T, hs); merge them back with reshape(permute(attended, [0, 2, 1, 3]), [B, T, C])';
  } else if (sameShape(out!.shape, [sizes.B * sizes.T, sizes.nEmbd])) {
    shapeHint = ': batch and time are flattened together; reshape to [B, T, C]';
  }
  if (
    !checks.add(
      'output shape (B, T, C)',
      sameShape(out!.shape, expectedShape),
      sameShape(out!.shape, expectedShape)
        ? 'x (2, 6, 12) gives (2, 6, 12)'
        : `${shapeMessage('forward(x (2, 6, 12))', expectedShape, out!.shape, ['B', 'T', 'C'])}${shapeHint}`,
    )
  ) {
    return report();
  }

  // which known mistake explains the values, if they are wrong
  const expected = referenceForward(pair, x);
  const right = allClose(out!, expected);
  const match = right ? RIGHT : variants(sizes.nHead).find((v) => allClose(out!, variantForward(pair, x, v)));
  // value_proj feeds something else than v alone: the sums probe below, which sets value_proj, measures nothing
  const [qFrom, kFrom, vFrom] = match?.sources ?? RIGHT.sources;
  const swapped = vFrom !== 'value_proj' || qFrom === 'value_proj' || kFrom === 'value_proj';
  const splitByReshape =
    match === undefined ? [] : match.split.flatMap((s, i) => (s === 'reshape' ? [i] : []));

  // probe 1: the weights of each query sum to 1 (v = 1 through value_proj, output projection = identity); when
  // value_proj does not make v alone, the check of the projections says so instead
  const sums = swapped ? undefined : weightSums(Student, sizes, seed, x, checks);
  if (sums === 'independent') {
    checks.add(
      'weights sum to 1 (Exercise 2.2.3)',
      false,
      'cannot be measured: the output does not change with value_proj, so v does not come from it. Exercise 2.2.1: v = this.valueProj.forward(x), then split into heads as q and k are',
    );
  } else if (sums !== undefined) {
    const bad = sums.findIndex((s) => !(Math.abs(s - 1) <= 1e-4));
    const [b, t, c] = unflatten(bad, expectedShape);
    const overQueries = match?.axis === -2 ? ' (the values match a softmax over the queries, axis -2)' : '';
    checks.add(
      'weights sum to 1 (Exercise 2.2.3)',
      bad === -1,
      bad === -1
        ? "each query's attention weights sum to 1: the softmax runs over the keys"
        : `the attention weights of query ${t} (batch ${b}, head ${Math.floor(c! / (sizes.nEmbd / sizes.nHead))}) sum to ${num(sums[bad]!)}, not 1${overQueries}: apply the softmax over the keys, the last axis of the scores (B, nh, T, T): softmax(masked, -1)`,
    );
  }

  // probe 2: the causal mask, by changing only the last position
  const causal = futureProbe(pair, x, checks);
  if (causal !== undefined) {
    const because =
      match === undefined
        ? ' Check the mask (maskedFill(scores, sub(1, mask), -Infinity) before the softmax) and how the heads are split and merged back (permute, not reshape alone: reshape alone mixes positions)'
        : match.causal && splitByReshape.length > 0
          ? ' The mask is there, but the heads are split by reshape alone, which mixes positions: see the check of the heads'
          : match.causal && match.merge === 'reshape'
            ? ' The mask is there, but the heads are merged back by reshape alone, which mixes positions: see the check of the heads'
            : match.causal && match.axis === -2
              ? ' The mask is there, but the softmax runs over the queries (axis -2), so later queries change the weights of earlier ones: take it over the keys (softmax(masked, -1))'
              : ' Apply the causal mask before the softmax: maskedFill(scores, sub(1, mask), -Infinity) with mask = slice(this.bias, [0, 0, 0, 0], [1, 1, T, T])';
    checks.add(
      'no attention to future positions (causal mask)',
      causal === -1,
      causal === -1
        ? 'changing the last position leaves every earlier output unchanged'
        : `the output at position ${causal} changes when only position ${sizes.T - 1} (a later one) changes: queries attend to future positions.${because}`,
    );
  }

  // the values, and what explains them
  if (match !== undefined && !right) {
    const hs = sizes.nEmbd / sizes.nHead;
    const names = ['q', 'k', 'v'] as const;
    const which = splitByReshape.map((i) => names[i]).join(', ');
    checks.add(
      'heads split and merged back',
      match.heads === 'split' && splitByReshape.length === 0 && match.merge === 'permute',
      match.heads === 'single'
        ? `the values match one head over all C = ${sizes.nEmbd} channels: split q, k and v into nh = ${sizes.nHead} heads with permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3])`
        : splitByReshape.length > 0
          ? `the values match ${splitByReshape.length === 3 ? 'heads' : which} split by reshape alone${match.merge === 'reshape' ? ' (and merged back by reshape alone)' : ''}: (B, T, C) must become (B, T, nh, hs) and then (B, nh, T, hs): permute(reshape(t, [B, T, nh, hs]), [0, 2, 1, 3])${match.merge === 'reshape' ? ', and back with reshape(permute(attended, [0, 2, 1, 3]), [B, T, C])' : ''}`
          : match.merge === 'reshape'
            ? 'the values match heads merged back by reshape alone: (B, nh, T, hs) must go back to (B, T, nh, hs) before (B, T, C): reshape(permute(attended, [0, 2, 1, 3]), [B, T, C])'
            : 'the heads are split and merged back',
    );
    // one head over all C divides by √C: √hs of that one head, so the scaling is right for it
    const scaleRight = match.scale === 'hs' || (match.heads === 'single' && match.scale === 'C');
    const scaleMessages: Record<Variant['scale'], string> = {
      hs: `the scores are divided by √hs = √${hs}`,
      none: `the values match scores that are not scaled: divide them by √hs, the square root of the head size hs = C / nh = ${hs} (Exercise 2.2.2)`,
      C: scaleRight
        ? 'the scores are divided by the square root of the head size (all C channels, as there is one head)'
        : `the values match scores divided by √C = √${sizes.nEmbd} instead of √hs = √${hs}: in multi-head attention each head has hs = C / nh channels, divide by Math.sqrt(hs) (Exercise 2.2.2)`,
      'hs-linear': `the values match scores divided by hs = ${hs} instead of its square root: divide by Math.sqrt(hs) (Exercise 2.2.2)`,
      'C-linear': `the values match scores divided by C = ${sizes.nEmbd} instead of √hs = √${hs}: divide by Math.sqrt(hs) (Exercise 2.2.2)`,
    };
    checks.add('scaling by √hs (Exercise 2.2.2)', scaleRight, scaleMessages[match.scale]);
    const wrong = match.sources.findIndex((s, i) => s !== RIGHT.sources[i]);
    checks.add(
      'projections (Exercise 2.2.1)',
      wrong === -1,
      wrong === -1
        ? 'q, k and v come from query_proj, key_proj and value_proj'
        : `${names[wrong]} comes from ${match.sources[wrong] === 'x' ? 'x itself (no projection)' : match.sources[wrong]} instead of ${RIGHT.sources[wrong]}: q = this.queryProj.forward(x), k = this.keyProj.forward(x), v = this.valueProj.forward(x)`,
    );
  }
  let valuesMessage = 'equal to @lxmls/attention CausalSelfAttention with the same weights';
  if (!right) {
    const d = difference(out!, expected);
    valuesMessage = `differs from @lxmls/attention CausalSelfAttention with the same weights: output [${unflatten(d.index, expectedShape).join(', ')}] is ${num(out!.data()[d.index]!)}, expected ${num(expected.data()[d.index]!)}${match ? '' : ' (no single known mistake explains it: check each step against the comments)'}`;
  }
  checks.add('values match the reference', right, valuesMessage);

  // seeded random sizes
  const cases: Sizes[] = [
    { nEmbd: 8, nHead: 2, blockSize: 5, B: 1, T: 5 },
    { nEmbd: 6, nHead: 1, blockSize: 4, B: 3, T: 1 },
    { nEmbd: 16, nHead: 4, blockSize: 16, B: 2, T: 9 },
    { nEmbd: 4, nHead: 4, blockSize: 3, B: 2, T: 3 },
  ];
  let failed = '';
  for (const [i, s] of cases.entries()) {
    const label = `C ${s.nEmbd}, nh ${s.nHead}, blockSize ${s.blockSize}, x (${s.B}, ${s.T}, ${s.nEmbd})`;
    const p = buildPair(Student, s, seed + 10 * (i + 1));
    if (typeof p === 'string') {
      failed = `${label}: ${p}`;
      break;
    }
    const input = randn([s.B, s.T, s.nEmbd], new RandomGenerator(seed + 200 + i)); // (B, T, C)
    const got = forward(p, input);
    const t = got.ok ? asTensor(got.value) : undefined;
    const ref = referenceForward(p, input);
    if (!got.ok) failed = `${label}: threw ${checks.describe(got.error)}`;
    else if (!t) failed = `${label}: returned ${describeValue(got.value)}`;
    else if (!sameShape(t.shape, ref.shape))
      failed = `${label}: shape ${shapeText(t.shape)} instead of ${shapeText(ref.shape)}`;
    else if (!allClose(t, ref)) failed = `${label}: values differ from the reference`;
    if (failed) break;
  }
  checks.add(
    'random sizes',
    failed === '',
    failed === ''
      ? `equal to the reference on ${cases.length} seeded sizes (one head, one position, nh = C)`
      : failed,
  );

  gradientCheck(Student, sizes, seed, checks, right);
  return report();
}

/**
 * The sum of each query's weights per output channel, or undefined when forward fails. With value_proj's
 * weight 0 and the output projection the identity, the output is Σⱼ wᵢⱼ·b for value_proj's bias b: the
 * outputs with b = 2 and b = 1 differ by the sums. `independent` when they do not differ at all: v does not
 * come from value_proj.
 */
function weightSums(
  Student: StudentClass,
  sizes: Sizes,
  seed: number,
  x: Tensor,
  checks: Checks,
): number[] | 'independent' | undefined {
  const pair = buildPair(Student, sizes, seed);
  if (typeof pair === 'string') return undefined;
  const params = new Map(pair.student.namedParameters());
  const C = sizes.nEmbd;
  const eye = new Float32Array(C * C);
  for (let i = 0; i < C; i++) eye[i * C + i] = 1;
  noGrad(() => {
    params.get('value_proj.weight')!.copyFrom(new Float32Array(C * C)); // v = 0·x + b
    params.get('output_proj.weight')!.copyFrom(eye); // the identity
    params.get('output_proj.bias')!.copyFrom(new Float32Array(C));
  });
  const outputs: Float32Array[] = [];
  for (const b of [1, 2]) {
    noGrad(() => params.get('value_proj.bias')!.copyFrom(new Float32Array(C).fill(b)));
    const got = attempt(() => (pair.student as unknown as { forward(x: Tensor): unknown }).forward(x));
    const out = got.ok ? asTensor(got.value) : undefined;
    if (!out || !sameShape(out.shape, x.shape)) {
      if (!got.ok)
        checks.add('weights sum to 1 (Exercise 2.2.3)', false, `forward threw ${checks.describe(got.error)}`);
      return undefined;
    }
    outputs.push(Float32Array.from(out.data()));
  }
  const sums = [...outputs[1]!].map((v, i) => v - outputs[0]![i]!);
  return sums.every((s) => Math.abs(s) <= 1e-6) ? 'independent' : sums;
}

/** The first position whose output changes when only the last position of x changes; -1 when none does. */
function futureProbe(pair: Pair, x: Tensor, checks: Checks): number | undefined {
  const [B, T, C] = x.shape as [number, number, number];
  const changed = x.data().slice();
  const g = new RandomGenerator(12345);
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) changed[(b * T + T - 1) * C + c] = 3 * g.normal();
  const run = (input: Tensor) =>
    attempt(() => asTensor((pair.student as unknown as { forward(x: Tensor): unknown }).forward(input)));
  const before = run(x);
  const after = run(tensor(changed, [B, T, C]));
  if (!before.ok || !after.ok || !before.value || !after.value) {
    const error = !before.ok ? before.error : !after.ok ? after.error : undefined;
    if (error !== undefined)
      checks.add(
        'no attention to future positions (causal mask)',
        false,
        `forward threw ${checks.describe(error)}`,
      );
    return undefined;
  }
  const a = (before.value as Tensor).data();
  const z = (after.value as Tensor).data();
  for (let t = 0; t < T - 1; t++) {
    for (let b = 0; b < B; b++) {
      for (let c = 0; c < C; c++) {
        const i = (b * T + t) * C + c;
        if (!(Math.abs(a[i]! - z[i]!) <= 1e-5 + 1e-4 * Math.abs(a[i]!))) return t;
      }
    }
  }
  return -1;
}

/** The gradient reaches x and every parameter, finite and non-zero, and equals the reference's. */
function gradientCheck(
  Student: StudentClass,
  sizes: Sizes,
  seed: number,
  checks: Checks,
  compare: boolean,
): void {
  const name = 'gradient flows';
  const pair = buildPair(Student, sizes, seed + 1000);
  if (typeof pair === 'string') return;
  const mine = randn([sizes.B, sizes.T, sizes.nEmbd], new RandomGenerator(seed + 300)); // (B, T, C)
  const theirs = randn([sizes.B, sizes.T, sizes.nEmbd], new RandomGenerator(seed + 300));
  mine.requiresGrad = true;
  theirs.requiresGrad = true;
  const R = randn([sizes.B, sizes.T, sizes.nEmbd], new RandomGenerator(seed + 301)); // a random direction
  const got = attempt(() => {
    const out = asTensor((pair.student as unknown as { forward(x: Tensor): unknown }).forward(mine));
    if (!out) throw new TypeError('forward returned no Tensor');
    if (out.node === null) return 'detached';
    out.mul(R).sum().backward();
    return 'ok';
  });
  pair.reference.forward(theirs).output.mul(R).sum().backward();
  if (!got.ok) {
    checks.add(name, false, `backward() failed: ${checks.describe(got.error)}`);
    return;
  }
  if (got.value === 'detached') {
    checks.add(
      name,
      false,
      'no gradient flows: the output is not connected to x or to the parameters (was it built from numbers, .data() or .toArray(), or .detach()ed?). Compute it with tensor ops only, so the GPT can learn',
    );
    return;
  }
  const theirParams = new Map(pair.reference.namedParameters());
  const targets: [string, Tensor, Tensor][] = [
    ['x', mine, theirs],
    ...pair.student
      .namedParameters()
      .filter(([n]) => theirParams.has(n))
      .map(([n, p]) => [n, p, theirParams.get(n)!] as [string, Tensor, Tensor]),
  ];
  for (const [n, p, ref] of targets) {
    const grad = p.grad;
    if (grad === null) {
      checks.add(
        name,
        false,
        `no gradient reaches ${n}: ${n === 'x' ? 'the output must be computed from x' : `is ${n.split('.')[0]} used in forward?`}`,
      );
      return;
    }
    const data = grad.data();
    if (data.some((v) => !Number.isFinite(v))) {
      checks.add(
        name,
        false,
        `the gradient of ${n} is not finite (NaN or ±Infinity): is -Infinity used anywhere but inside the mask before the softmax?`,
      );
      return;
    }
    const refNonZero = ref.grad!.data().some((v) => v !== 0);
    if (refNonZero && data.every((v) => v === 0)) {
      checks.add(name, false, `the gradient of ${n} is all zeros`);
      return;
    }
    if (compare && !allClose(grad, ref.grad!, 1e-3, 1e-4)) {
      checks.add(name, false, `the gradient of ${n} differs from the reference's`);
      return;
    }
  }
  checks.add(
    name,
    true,
    `x and all ${targets.length - 1} parameters get finite gradients${compare ? ' equal to the reference' : ''}`,
  );
}
