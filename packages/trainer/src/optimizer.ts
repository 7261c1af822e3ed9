/**
 * AdamW with parameter groups, as `torch.optim.AdamW` (decoupled weight decay, bias-corrected moments, eps
 * outside the square root), built on `adamwUpdateMulti` of @lxmls/tensor: one call per step for all
 * parameters (one kernel where the backend has the optional `adamwMulti`, else one `adamw` per parameter).
 *
 * Follows `torch.optim.AdamW` (PyTorch 1.13, single-tensor path) as minGPT's `configure_optimizers` builds it
 * (docs/course-behaviour.md §2.10): at step t, `p *= 1 − lr·wd; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * p −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps)`. As in torch, a parameter's state (its step and moments) is
 * created at its first update, and a parameter without a gradient is skipped.
 */

import type { ParamGroup } from '@lxmls/nn';
import { type AdamWEntry, adamwUpdateMulti, keep, type Tensor, zerosLike } from '@lxmls/tensor';
import { check, checkNumber, describe, LxmlsTrainerError } from './errors.js';

/** Options of {@link AdamW}; the defaults are torch's, except betas, which follow minGPT's trainer. */
export interface AdamWOptions {
  /** The learning rate of every group (default 1e-3, as torch). */
  lr?: number;
  /** β1, β2 (default [0.9, 0.95], minGPT's trainer; torch's default is [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator (default 1e-8). */
  eps?: number;
  /** Weight decay of groups given as bare tensors (default 0.01, as torch). */
  weightDecay?: number;
}

/** One optimizer group: the parameters, their names, and the group's hyper-parameters. */
export interface OptimizerGroup extends ParamGroup {
  /** The group's learning rate (the trainer's schedule sets it every iteration). */
  lr: number;
}

/** The state of one parameter: its step count and moments (live tensors owned by the optimizer). */
export interface AdamWParamState {
  /** How many updates this parameter received. */
  step: number;
  /** The first moment, `exp_avg`. */
  m: Tensor;
  /** The second moment, `exp_avg_sq`. */
  v: Tensor;
}

/** What {@link AdamW.state} returns and {@link AdamW.loadState} takes, keyed by parameter name. */
export type AdamWState = Map<string, AdamWParamState>;

/**
 * The AdamW optimizer.
 *
 * @remarks Python: `torch.optim.AdamW(groups, lr=..., betas=...)`, as built by minGPT's
 *   `GPT.configure_optimizers`.
 * @example
 * ```ts
 * import { Linear } from '@lxmls/nn';
 * import { tensor } from '@lxmls/tensor';
 * import { AdamW } from '@lxmls/trainer';
 * const fc = new Linear(1, 1, { bias: false });
 * fc.weight.copyFrom(Float32Array.of(2));
 * const opt = new AdamW([{ names: ['weight'], params: [fc.weight], weightDecay: 0 }], { lr: 0.1 });
 * for (let i = 0; i < 3; i++) {
 *   opt.zeroGrad();
 *   fc.forward(tensor([[1]])).sum().backward(); // d(w·1)/dw = 1
 *   opt.step();
 * }
 * console.log(fc.weight.item().toFixed(4), opt.stepCount); // → 1.7000 3
 * ```
 */
export class AdamW {
  /** The groups, in order; `lr` and `weightDecay` may be changed between steps. */
  readonly paramGroups: OptimizerGroup[];
  /** β1, β2. */
  readonly betas: readonly [number, number];
  /** Added to the denominator. */
  readonly eps: number;
  /** How many times {@link AdamW.step} ran. */
  stepCount = 0;
  readonly #state = new Map<Tensor, AdamWParamState>();
  readonly #names = new Map<Tensor, string>();

  /**
   * @param params - Groups `{ names, params, weightDecay }` (e.g. from a model's `configureOptimizers`), or
   *   bare tensors (one group, named `0`, `1`, … for checkpoints).
   * @param options - `lr`, `betas`, `eps`, and `weightDecay` for bare tensors.
   * @throws {@link LxmlsTrainerError} `INVALID_ARGUMENT` for bad hyper-parameters, a parameter in two groups,
   *   or two parameters with one name.
   */
  constructor(params: readonly ParamGroup[] | readonly Tensor[], options: AdamWOptions = {}) {
    const fn = 'AdamW';
    const { lr = 1e-3, betas = [0.9, 0.95], eps = 1e-8, weightDecay = 0.01 } = options;
    checkNumber(fn, 'options.lr', lr, 0);
    if (!Array.isArray(betas) || betas.length !== 2)
      check.fail(fn, 'options.betas', betas, 'betas is not a pair', 'two numbers in [0, 1)');
    checkNumber(fn, 'options.betas[0]', betas[0], 0, 1 - Number.EPSILON);
    checkNumber(fn, 'options.betas[1]', betas[1], 0, 1 - Number.EPSILON);
    checkNumber(fn, 'options.eps', eps, 0);
    checkNumber(fn, 'options.weightDecay', weightDecay, 0);
    this.betas = [betas[0], betas[1]];
    this.eps = eps;
    if (!Array.isArray(params))
      check.fail(
        fn,
        'params',
        params,
        'params is not a list',
        'an array of groups { names, params, weightDecay } or of tensors',
      );
    const groups: ParamGroup[] =
      params.length > 0 && isGroup(params[0])
        ? (params as ParamGroup[])
        : [{ names: params.map((_, i) => String(i)), params: params as Tensor[], weightDecay }];
    this.paramGroups = groups.map((g, k) => {
      if (!isGroup(g) || g.names.length !== g.params.length)
        check.fail(
          fn,
          `params[${k}]`,
          g,
          `params[${k}] is not a group`,
          '{ names, params, weightDecay } with one name per parameter',
        );
      checkNumber(fn, `params[${k}].weightDecay`, g.weightDecay, 0);
      return { names: [...g.names], params: [...g.params], weightDecay: g.weightDecay, lr };
    });
    const seenNames = new Set<string>();
    for (const g of this.paramGroups) {
      g.params.forEach((p, i) => {
        const name = g.names[i]!;
        if (this.#names.has(p) || seenNames.has(name))
          check.fail(
            fn,
            'params',
            undefined,
            'a parameter appears twice',
            'each parameter and each name in one group once',
            { received: `'${name}' twice` },
          );
        this.#names.set(p, name);
        seenNames.add(name);
      });
    }
  }

  /** The learning rate of the first group; setting it sets every group's. */
  get lr(): number {
    return this.paramGroups[0]?.lr ?? 0;
  }
  set lr(value: number) {
    checkNumber('AdamW.lr', 'lr', value, 0);
    for (const g of this.paramGroups) g.lr = value;
  }

  /**
   * One update of every parameter that has a gradient, with its group's lr and weight decay. Creates no
   * tensor after the first step (the moments are created once, kept outside every `tidy`).
   *
   * @remarks Python: `optimizer.step()`.
   */
  step(): void {
    const [beta1, beta2] = this.betas;
    const entries: AdamWEntry[] = [];
    for (const group of this.paramGroups) {
      for (const p of group.params) {
        if (p.grad === null) continue;
        let s = this.#state.get(p);
        if (s === undefined) {
          s = { step: 0, m: keep(zerosLike(p)), v: keep(zerosLike(p)) };
          this.#state.set(p, s);
        }
        s.step += 1;
        const { lr, weightDecay } = group;
        entries.push({ param: p, grad: p.grad, m: s.m, v: s.v, lr, weightDecay, step: s.step });
      }
    }
    // one call for all parameters: one kernel where the backend has adamwMulti (one dispatch on webgpu), else
    // one adamwUpdate per parameter in this order
    adamwUpdateMulti(entries, { beta1, beta2, eps: this.eps });
    this.stepCount += 1;
  }

  /**
   * Frees every parameter's gradient (PyTorch `zero_grad(set_to_none=True)`).
   *
   * @remarks Python: `optimizer.zero_grad(set_to_none=True)`.
   */
  zeroGrad(): void {
    for (const g of this.paramGroups) for (const p of g.params) p.zeroGrad();
  }

  /**
   * The per-parameter state, keyed by parameter name, in group order; parameters never updated are absent.
   * The tensors are the optimizer's own (not copies): read or serialise them, do not dispose them.
   *
   * @returns Name → `{ step, m, v }`.
   * @remarks Python: `optimizer.state_dict()['state']` (keyed by name instead of index).
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * import { AdamW } from '@lxmls/trainer';
   * const w = tensor([1, 2]);
   * w.requiresGrad = true;
   * const opt = new AdamW([w], { lr: 0.1 });
   * w.mul(w).sum().backward(); // grad = 2w
   * opt.step();
   * const s = opt.state().get('0')!;
   * const round = (t: typeof w) => Array.from(t.data(), (x) => Number(x.toFixed(6)));
   * console.log(s.step, round(s.m), round(s.v)); // → 1 [ 0.2, 0.4 ] [ 0.2, 0.8 ]
   * ```
   */
  state(): AdamWState {
    const out: AdamWState = new Map();
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const s = this.#state.get(p);
        if (s !== undefined) out.set(this.#names.get(p)!, s);
      }
    }
    return out;
  }

  /**
   * Loads per-parameter state (from {@link AdamW.state} of another optimizer, or a checkpoint): the moments
   * are copied in, so the caller keeps ownership of the tensors it passes. Parameters not in `state` get
   * fresh state at their next update. `stepCount` becomes the largest step loaded.
   *
   * @param state - Name → `{ step, m, v }`, shapes as the parameters'.
   * @throws {@link LxmlsTrainerError} `INVALID_CHECKPOINT` for an unknown name, a bad step or a shape
   *   mismatch (nothing is loaded then).
   * @remarks Python: `optimizer.load_state_dict(state_dict)`.
   * @example
   * ```ts
   * import { tensor } from '@lxmls/tensor';
   * import { AdamW } from '@lxmls/trainer';
   * const w = tensor([1]);
   * const saved = new Map([['0', { step: 7, m: tensor([0.5]), v: tensor([0.25]) }]]);
   * const opt = new AdamW([w]);
   * opt.loadState(saved);
   * console.log(opt.stepCount, opt.state().get('0')!.m.toArray()); // → 7 [ 0.5 ]
   * ```
   */
  loadState(state: ReadonlyMap<string, { step: number; m: Tensor; v: Tensor }>): void {
    const fn = 'AdamW.loadState';
    const byName = new Map<string, Tensor>();
    for (const [p, name] of this.#names) byName.set(name, p);
    if (!(state instanceof Map))
      check.fail(fn, 'state', state, 'state is not a Map', 'a Map of name → { step, m, v }', {
        code: 'INVALID_CHECKPOINT',
      });
    for (const [name, s] of state) {
      const p = byName.get(name);
      const bad = (what: string, expected: string, received: string) =>
        new LxmlsTrainerError('INVALID_CHECKPOINT', what, { fn, argument: name, expected, received });
      if (p === undefined)
        throw bad(`no parameter is named '${name}'`, 'names of the optimizer’s parameters', name);
      if (!Number.isInteger(s?.step) || s.step < 1)
        throw bad(`the step of '${name}' is not a count`, 'an integer >= 1', describe(s?.step));
      for (const key of ['m', 'v'] as const) {
        const t = s[key];
        if (t?.dtype !== 'float32' || t.shape.join() !== p.shape.join()) {
          throw bad(
            `the moment ${key} of '${name}' does not fit`,
            `float32 of shape [${p.shape.join(', ')}]`,
            t ? `${t.dtype} [${t.shape.join(', ')}]` : describe(t),
          );
        }
      }
    }
    let maxStep = 0;
    for (const [name, s] of state) {
      const p = byName.get(name)!;
      let own = this.#state.get(p);
      if (own === undefined) {
        own = { step: 0, m: keep(zerosLike(p)), v: keep(zerosLike(p)) };
        this.#state.set(p, own);
      }
      own.step = s.step;
      own.m.copyFrom(s.m);
      own.v.copyFrom(s.v);
      maxStep = Math.max(maxStep, s.step);
    }
    this.stepCount = maxStep;
  }

  /** Frees the moments. The optimizer cannot step afterwards without fresh state. */
  dispose(): void {
    for (const s of this.#state.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.#state.clear();
  }
}

function isGroup(g: unknown): g is ParamGroup {
  const x = g as Partial<ParamGroup> | null;
  return (
    x !== null &&
    typeof x === 'object' &&
    Array.isArray(x.params) &&
    Array.isArray(x.names) &&
    typeof x.weightDecay === 'number'
  );
}
