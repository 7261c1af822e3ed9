/**
 * Moving weights between the two forms of causal self-attention: the exercise form (`query_proj`,
 * `key_proj`, `value_proj`, `output_proj`) and the fused GPT-2 form (`c_attn` = `[Wq; Wk; Wv]`, `c_proj`).
 *
 * Follows the `unified-attention` branch of the LxMLS toolkit (docs/course-behaviour.md §2.6), which splits each
 * `attn.c_attn.*` tensor along its first axis into three chunks and renames `attn.c_proj.*` to
 * `attn.output_proj.*`, and `attention-test.ipynb`, which checks that both forms give equal outputs.
 */

import type { StateDict } from '@lxmls/nn';
import { concat, noGrad, split, type Tensor, tidy } from '@lxmls/tensor';
import type { CausalSelfAttention } from './causal-self-attention.js';
import { check, LxmlsAttentionError } from './errors.js';
import { PretrainedCausalSelfAttention } from './pretrained-attention.js';

const entries = (state: StateDict): [string, Tensor][] =>
  state instanceof Map ? [...state] : Object.entries(state as Record<string, Tensor>);

/** The prefixes `P` of the keys `P<name>.weight` and `P<name>.bias` (`name` a plain identifier). */
function prefixesOf(items: readonly (readonly [string, Tensor])[], name: string): Set<string> {
  const suffix = new RegExp(`${name}\\.(weight|bias)$`);
  const key = new RegExp(`(^|\\.)${suffix.source}`);
  return new Set(items.filter(([k]) => key.test(k)).map(([k]) => k.replace(suffix, '')));
}

/**
 * Rewrites a state dict from the fused form to the exercise form: every `P.c_attn.weight` `(3C, C)` and
 * `P.c_attn.bias` `(3C)` become `P.query_proj.*`, `P.key_proj.*`, `P.value_proj.*` (rows `[0, C)`, `[C, 2C)`,
 * `[2C, 3C)`), and `P.c_proj.*` becomes `P.output_proj.*` for the same prefixes `P` only (so a GPT's
 * `mlp.c_proj` is left alone). Other keys pass through in order. The new tensors are copies.
 *
 * @param state - A state dict in the fused layout (Linear weights `(out, in)`, i.e. already transposed from
 *   GPT-2's Conv1D `(in, out)`).
 * @returns A new Map in the exercise layout.
 * @remarks Python: the `unified-attention` branch's rewrite of the Hugging Face state dict.
 * @example
 * ```ts
 * import { fusedToExercise } from '@lxmls/attention';
 * import { zeros } from '@lxmls/tensor';
 * const state = new Map([['attn.c_attn.weight', zeros([6, 2])], ['attn.c_proj.weight', zeros([2, 2])], ['mlp.c_proj.weight', zeros([2, 8])]]);
 * console.log([...fusedToExercise(state).keys()]); // → [ 'attn.query_proj.weight', 'attn.key_proj.weight', 'attn.value_proj.weight', 'attn.output_proj.weight', 'mlp.c_proj.weight' ]
 * ```
 */
export function fusedToExercise(state: StateDict): Map<string, Tensor> {
  const items = entries(state);
  const prefixes = prefixesOf(items, 'c_attn');
  const out = new Map<string, Tensor>();
  for (const [key, value] of items) {
    const m = /^(.*?)(c_attn|c_proj)\.(weight|bias)$/.exec(key);
    if (!m || !prefixes.has(m[1]!)) {
      out.set(key, value);
      continue;
    }
    const [, prefix, name, kind] = m as unknown as [string, string, string, string];
    if (name === 'c_proj') {
      out.set(`${prefix}output_proj.${kind}`, value);
      continue;
    }
    if (value.shape[0]! % 3 !== 0)
      check.fail(
        'fusedToExercise',
        key,
        undefined,
        `${key} cannot be split into q, k and v`,
        'a first axis of 3C',
        { code: 'SHAPE_MISMATCH', received: `(${value.shape.join(', ')})` },
      );
    const C = value.shape[0]! / 3;
    const [q, k, v] = noGrad(() => split(value, [C, C, C], 0)) as [Tensor, Tensor, Tensor]; // each (C, …)
    out.set(`${prefix}query_proj.${kind}`, q);
    out.set(`${prefix}key_proj.${kind}`, k);
    out.set(`${prefix}value_proj.${kind}`, v);
  }
  return out;
}

/**
 * Rewrites a state dict from the exercise form to the fused form: `P.query_proj.*`, `P.key_proj.*` and
 * `P.value_proj.*` are stacked into `P.c_attn.*` (rows `[Wq; Wk; Wv]`, bias `[bq; bk; bv]`) at the position of
 * `P.query_proj.*`, and `P.output_proj.*` becomes `P.c_proj.*`. Other keys pass through in order.
 *
 * @param state - A state dict in the exercise layout.
 * @returns A new Map in the fused layout (the stacked tensors are new).
 * @throws {@link LxmlsAttentionError} `INVALID_ARGUMENT` when a query projection lacks its key or value twin.
 * @example
 * ```ts
 * import { exerciseToFused } from '@lxmls/attention';
 * import { ones, zeros } from '@lxmls/tensor';
 * const state = { 'query_proj.bias': zeros([2]), 'key_proj.bias': ones([2]), 'value_proj.bias': zeros([2]) };
 * console.log(exerciseToFused(state).get('c_attn.bias')?.toArray()); // → [ 0, 0, 1, 1, 0, 0 ]
 * ```
 */
export function exerciseToFused(state: StateDict): Map<string, Tensor> {
  const items = entries(state);
  const byKey = new Map(items);
  const prefixes = prefixesOf(items, 'query_proj');
  const out = new Map<string, Tensor>();
  for (const [key, value] of items) {
    const m = /^(.*?)(query_proj|key_proj|value_proj|output_proj)\.(weight|bias)$/.exec(key);
    if (!m || !prefixes.has(m[1]!)) {
      out.set(key, value);
      continue;
    }
    const [, prefix, name, kind] = m as unknown as [string, string, string, string];
    if (name === 'output_proj') out.set(`${prefix}c_proj.${kind}`, value);
    if (name !== 'query_proj') continue;
    const parts = ['query_proj', 'key_proj', 'value_proj'].map((n) => byKey.get(`${prefix}${n}.${kind}`));
    if (parts.some((p) => p === undefined))
      check.fail(
        'exerciseToFused',
        'state',
        undefined,
        `${key} has no key or value twin`,
        `${prefix}key_proj.${kind} and ${prefix}value_proj.${kind}`,
        {
          received: `keys ${items
            .map(([k]) => k)
            .filter((k) => k.startsWith(prefix))
            .join(', ')}`,
        },
      );
    out.set(
      `${prefix}c_attn.${kind}`,
      noGrad(() => concat(parts as Tensor[], 0)),
    ); // (3C, …)
  }
  return out;
}

/**
 * Copies the weights of one causal self-attention into another of the other form (or the same form), so
 * both compute the same function: exercise → fused stacks `[Wq; Wk; Wv]` into `c_attn`; fused → exercise
 * splits it. The causal mask buffers are copied too.
 *
 * @param source - A {@link CausalSelfAttention} or {@link PretrainedCausalSelfAttention}.
 * @param target - Either form, with the same sizes.
 * @returns The target.
 * @throws `LxmlsNnError` `SHAPE_MISMATCH` when the sizes differ.
 * @example
 * ```ts
 * import { CausalSelfAttention, copyAttentionWeights, PretrainedCausalSelfAttention } from '@lxmls/attention';
 * import { RandomGenerator, randn } from '@lxmls/tensor';
 * const config = { nEmbd: 4, nHead: 2, blockSize: 3 };
 * const a = new CausalSelfAttention(config, { generator: new RandomGenerator(1) });
 * const b = copyAttentionWeights(a, new PretrainedCausalSelfAttention(config));
 * const x = randn([1, 3, 4], new RandomGenerator(2));
 * const diff = a.forward(x).output.sub(b.forward(x).output).toArray(3).flat(2);
 * const gap = diff.reduce((m, d) => Math.max(m, Math.abs(d)), 0);
 * console.log(gap < 1e-6); // → true
 * ```
 */
export function copyAttentionWeights<T extends CausalSelfAttention | PretrainedCausalSelfAttention>(
  source: CausalSelfAttention | PretrainedCausalSelfAttention,
  target: T,
): T {
  tidy(() => {
    const state = source.stateDict();
    const fromFused = source instanceof PretrainedCausalSelfAttention;
    const toFused = target instanceof PretrainedCausalSelfAttention;
    const converted =
      fromFused === toFused ? state : toFused ? exerciseToFused(state) : fusedToExercise(state);
    target.loadStateDict(converted);
  });
  return target;
}
