/**
 * The AdamW step as one WGSL kernel: parameter, first and second moments updated in place, one thread per
 * element, bias corrections computed once on the host. `adamwMulti` runs it over every parameter in one
 * dispatch: the parameters, the first and the second moments each live in one arena buffer (moved there at
 * the first call, so later steps find them in place), the gradients are copied into one buffer (buffer copies,
 * no dispatch), and each thread finds its parameter in a table of (offset, size, coefficients) by binary
 * search. WebGPU allows only a few storage bindings per dispatch (8 by default), so one binding per tensor
 * could not reach a model's 50-odd parameters.
 *
 * Follows the `js` reference (`@lxmls/tensor`'s `backends/js/optim.ts`), PyTorch's `torch.optim.AdamW`:
 * decoupled weight decay, `p −= (lr/(1−β1ᵗ))·m/(√v/√(1−β2ᵗ) + eps)`.
 */

import type {
  AdamWAttrs,
  AdamWInputs,
  AdamWMultiAttrs,
  AdamWMultiInputs,
  ClipNormAttrs,
  ClipNormInputs,
} from '@lxmls/tensor';
import { f32bits, type GpuArena, GpuStorage, type Operand, type Runtime } from '../runtime.js';
import { groupsFor, WG } from './elementwise.js';

/** One AdamW step in place over `size` elements. */
export function adamw(rt: Runtime, { param, grad, m, v }: AdamWInputs<GpuStorage>, attrs: AdamWAttrs): void {
  const { size, lr, beta1, beta2, eps, weightDecay, step } = attrs;
  if (size === 0) return;
  const [decay, stepSize, sqrtBc2] = coefficients(lr, weightDecay, beta1, beta2, step);
  rt.dispatch(
    'adamw',
    {
      wg: WG,
      body: `if (gid >= pu(0u)) { return; }
  ${update('gid', 'pf(1u)', 'pf(6u)', 'pf(7u)')}`,
    },
    [
      { name: 'param', storage: param, write: true },
      { name: 'grad', storage: grad },
      { name: 'm', storage: m, write: true },
      { name: 'v', storage: v, write: true },
    ],
    [
      size,
      f32bits(decay),
      f32bits(beta1),
      f32bits(1 - beta1),
      f32bits(beta2),
      f32bits(1 - beta2),
      f32bits(stepSize),
      f32bits(sqrtBc2),
      f32bits(eps),
    ],
    groupsFor(size),
  );
}

/** The per-parameter coefficients: `1 − lr·wd`, `lr / (1 − β1ᵗ)`, `√(1 − β2ᵗ)`. */
function coefficients(lr: number, weightDecay: number, beta1: number, beta2: number, step: number) {
  return [1 - lr * weightDecay, lr / (1 - beta1 ** step), Math.sqrt(1 - beta2 ** step)] as const;
}

/**
 * The update of element `i` (WGSL), with β1, 1 − β1, β2, 1 − β2 and eps in parameter words 2–5 and 8, and the
 * per-parameter coefficients given.
 */
function update(i: string, decay: string, stepSize: string, sqrtBc2: string): string {
  return `let g = $grad[${i}];
  let p = $param[${i}] * ${decay};
  let mi = pf(2u) * $m[${i}] + pf(3u) * g;
  let vi = pf(4u) * $v[${i}] + pf(5u) * g * g;
  $m[${i}] = mi;
  $v[${i}] = vi;
  $param[${i}] = p - (${stepSize} * mi) / (sqrt(vi) / ${sqrtBc2} + pf(8u));`;
}

/** Words per parameter in the table of `adamwMulti`: offset, size, and the three coefficients' bits. */
const ROW = 5;

/** The layout of one group of parameters sharing arenas: their indices and element offsets. */
interface Chunk {
  index: number[];
  /** Element offset of each parameter in the arenas (aligned). */
  at: number[];
  /** Elements of each arena. */
  total: number;
  /** The gradient buffer and the table of this layout, kept between steps. */
  grads: GpuStorage;
  table: GpuStorage;
}

/** The last layout per runtime, with the sizes it was made for (kept while the same parameters come back). */
const layouts = new WeakMap<Runtime, { sizes: number[]; chunks: Chunk[] }>();

/**
 * AdamW over many parameters: one dispatch per arena (one arena unless the parameters exceed the largest
 * storage binding). Falls back to one `adamw` dispatch per parameter when a storage is shared.
 */
export function adamwMulti(rt: Runtime, inputs: AdamWMultiInputs<GpuStorage>, attrs: AdamWMultiAttrs): void {
  const { params, grads, m, v } = inputs;
  const { sizes, beta1, beta2, eps } = attrs;
  const n = params.length;
  const chunks = layout(rt, sizes);
  if (chunks === null) {
    for (let i = 0; i < n; i++) {
      const { lr, weightDecay, step } = {
        lr: attrs.lr[i]!,
        weightDecay: attrs.weightDecay[i]!,
        step: attrs.step[i]!,
      };
      const size = sizes[i]!;
      adamw(
        rt,
        { param: params[i]!, grad: grads[i]!, m: m[i]!, v: v[i]! },
        { size, lr, beta1, beta2, eps, weightDecay, step },
      );
    }
    return;
  }
  for (const chunk of chunks) {
    // the parameters and moments in their arenas (moved there at the first step of this layout)
    const arenas = [params, m, v].map((list) =>
      place(
        rt,
        chunk,
        list.map((_, i) => list[i]!),
      ),
    );
    const table = new Uint32Array(chunk.index.length * ROW);
    chunk.index.forEach((i, r) => {
      rt.copyAt(grads[i]!, 0, chunk.grads, chunk.at[r]!, sizes[i]!);
      const c = coefficients(attrs.lr[i]!, attrs.weightDecay[i]!, beta1, beta2, attrs.step[i]!);
      table.set([chunk.at[r]!, sizes[i]!, f32bits(c[0]), f32bits(c[1]), f32bits(c[2])], r * ROW);
    });
    rt.write(chunk.table, new Int32Array(table.buffer));
    const whole = (arena: GpuArena) => new GpuStorage(arena.buffer, chunk.total, 'float32');
    rt.dispatch(
      'adamwMulti',
      {
        wg: WG,
        // the parameter of element gid: the last row whose offset is ≤ gid (rows sorted by offset)
        body: `if (gid >= pu(1u)) { return; }
  var lo = 0u; var hi = pu(0u);
  while (hi - lo > 1u) {
    let mid = (lo + hi) / 2u;
    if (u32($table[mid * ${ROW}u]) <= gid) { lo = mid; } else { hi = mid; }
  }
  let row = lo * ${ROW}u;
  if (gid - u32($table[row]) >= u32($table[row + 1u])) { return; }
  ${update('gid', `bitcast<f32>($table[row + 2u])`, `bitcast<f32>($table[row + 3u])`, `bitcast<f32>($table[row + 4u])`)}`,
      },
      [
        { name: 'param', storage: whole(arenas[0]!), write: true },
        { name: 'grad', storage: chunk.grads },
        { name: 'm', storage: whole(arenas[1]!), write: true },
        { name: 'v', storage: whole(arenas[2]!), write: true },
        { name: 'table', storage: chunk.table },
      ],
      [
        chunk.index.length,
        chunk.total,
        f32bits(beta1),
        f32bits(1 - beta1),
        f32bits(beta2),
        f32bits(1 - beta2),
        0,
        0,
        f32bits(eps),
      ],
      groupsFor(chunk.total),
    );
  }
}

/**
 * The chunks for parameters of `sizes`: the previous ones when the sizes are the same, else new ones (each
 * parameter at an offset aligned for a storage binding, a chunk at most the largest binding). Null when a
 * parameter alone exceeds a binding.
 */
function layout(rt: Runtime, sizes: readonly number[]): Chunk[] | null {
  const previous = layouts.get(rt);
  if (previous !== undefined) {
    if (previous.sizes.length === sizes.length && previous.sizes.every((n, i) => n === sizes[i]))
      return previous.chunks;
    for (const c of previous.chunks) {
      rt.free(c.grads);
      rt.free(c.table);
    }
    layouts.delete(rt);
  }
  const align = rt.offsetAlignment / 4;
  const limit = Math.floor(
    Math.min(rt.device.limits.maxStorageBufferBindingSize, rt.device.limits.maxBufferSize) / 4,
  );
  const chunks: { index: number[]; at: number[]; total: number }[] = [];
  let current = { index: [] as number[], at: [] as number[], total: 0 };
  for (const [i, size] of sizes.entries()) {
    const slot = Math.max(align, Math.ceil(size / align) * align);
    if (slot > limit) return null;
    if (current.total + slot > limit) {
      chunks.push(current);
      current = { index: [], at: [], total: 0 };
    }
    current.index.push(i);
    current.at.push(current.total);
    current.total += slot;
  }
  chunks.push(current);
  const out = chunks.map((c) => ({
    ...c,
    grads: rt.alloc(c.total, 'float32'),
    table: rt.alloc(c.index.length * ROW, 'int32'),
  }));
  layouts.set(rt, { sizes: [...sizes], chunks: out });
  return out;
}

/**
 * The arena holding `list`'s storages of `chunk` at the chunk's offsets: theirs when they are all there (and
 * nothing else is), else a new one they are moved into.
 */
function place(rt: Runtime, chunk: Chunk, list: GpuStorage[]): GpuArena {
  const storages = chunk.index.map((i) => list[i]!);
  const arena = storages[0]!.arena;
  const inPlace =
    arena !== null &&
    arena.live === storages.length &&
    arena.buffer.size === chunk.total * 4 &&
    storages.every((s, r) => s.arena === arena && s.offset === chunk.at[r]! * 4);
  if (inPlace) return arena;
  return rt.moveToArena(
    storages,
    chunk.at.map((a) => a * 4),
    chunk.total * 4,
  );
}

/** Elements up to which `clipNorm` is one dispatch of one workgroup; above, two dispatches of many. */
const SMALL_CLIP = 1 << 20;
/** Workgroups of the two-dispatch `clipNorm` (≤ 256: the second dispatch reduces their sums in one pass). */
const CLIP_GROUPS = 256;

/** WGSL: the tree sum of `red` (256 threads), the result in `red[0]`. */
const TREE = `workgroupBarrier();
  for (var w = 128u; w > 0u; w >>= 1u) {
    if (lid < w) { red[lid] = red[lid] + red[lid + w]; }
    workgroupBarrier();
  }`;

/** WGSL: the norm `total` from the sum in `red[0]`, the coefficient `c` (max norm in parameter word 1). */
const COEF = `let total = sqrt(red[0]);
  let c = min(1.0, pf(1u) / (total + 1e-6));`;

/** WGSL: each thread's sum of the squares of `x` (`n` words, parameter word 0) from `first` in steps of `stride`, tree-reduced into `red[0]`. */
function sumSquares(first: string, stride: number): string {
  return `let n = pu(0u);
  var s = 0.0;
  for (var i = ${first}; i < n; i += ${stride}u) { let v = $x[i]; s += v * v; }
  red[lid] = s;
  ${TREE}`;
}

/** WGSL: `out = x · c` over each thread's share, from `first` in steps of `stride`. */
function scaleShare(first: string, stride: number): string {
  return `for (var i = ${first}; i < n; i += ${stride}u) { $out[i] = $x[i] * c; }`;
}

/** One dispatch of a clip kernel: 256 threads a workgroup, with the tree's workgroup array. */
function clipDispatch(
  rt: Runtime,
  key: string,
  body: string,
  operands: Operand[],
  params: number[],
  groups: number,
) {
  rt.dispatch(
    key,
    { wg: 256, decls: 'var<workgroup> red: array<f32, 256>;', body },
    operands,
    params,
    groups,
  );
}

/**
 * The global-norm clip of one vector: each thread sums the squares of a strided share of `x`, a tree
 * reduction gives `norm = √(Σ x²)`, every thread computes the coefficient `min(1, maxNorm / (norm + 1e-6))`
 * and scales its share into `out`. Up to 2²⁰ elements (the flattened gradients of course-sized models) one
 * dispatch of one workgroup; above, two dispatches of 256 workgroups (partial sums, then each workgroup
 * reduces the 256 partial sums in the same order and scales its share), so a large model is not left to one
 * workgroup.
 */
export function clipNorm(
  rt: Runtime,
  { x, out, norm }: ClipNormInputs<GpuStorage>,
  { size, maxNorm }: ClipNormAttrs,
): void {
  const params = [size, f32bits(maxNorm)];
  if (size <= SMALL_CLIP) {
    clipDispatch(
      rt,
      'clipNorm',
      `${sumSquares('lid', 256)}
  ${COEF}
  if (lid == 0u) { $norm[0] = total; }
  ${scaleShare('lid', 256)}`,
      [
        { name: 'x', storage: x },
        { name: 'out', storage: out, write: true },
        { name: 'norm', storage: norm, write: true },
      ],
      params,
      1,
    );
    return;
  }
  const partial = rt.alloc(CLIP_GROUPS, 'float32', true); // (256,) one sum of squares per workgroup
  const stride = CLIP_GROUPS * 256;
  clipDispatch(
    rt,
    'clipNormPartial',
    `${sumSquares('gid', stride)}
  if (lid == 0u) { $partial[wid] = red[0]; }`,
    [
      { name: 'x', storage: x },
      { name: 'partial', storage: partial, write: true },
    ],
    [size],
    CLIP_GROUPS,
  );
  clipDispatch(
    rt,
    'clipNormScale',
    `let n = pu(0u);
  red[lid] = $partial[lid];
  ${TREE}
  ${COEF}
  if (gid == 0u) { $norm[0] = total; }
  ${scaleShare('gid', stride)}`,
    [
      { name: 'x', storage: x },
      { name: 'partial', storage: partial },
      { name: 'out', storage: out, write: true },
      { name: 'norm', storage: norm, write: true },
    ],
    params,
    CLIP_GROUPS,
  );
  rt.free(partial);
}
