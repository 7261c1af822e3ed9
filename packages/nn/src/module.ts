/**
 * Module: the base class of every layer and model, PyTorch's `torch.nn.Module` in miniature.
 *
 * A module owns named parameters (tensors that require gradients), named buffers (tensors that are state but
 * not trained, such as a causal mask) and named child modules. Names are registered explicitly with the
 * PyTorch spelling (`ln_1`, `c_attn`), so `namedParameters()` yields exactly the keys of a PyTorch
 * `state_dict`, e.g. `transformer.h.0.attn.query_proj.weight`, in registration order. TypeScript fields keep
 * camelCase (`this.ln1 = this.registerModule('ln_1', new LayerNorm(C))`).
 *
 * Memory: parameters and buffers are `keep()`-ed, so no `tidy` scope frees them; `dispose()` frees a module's
 * whole tree.
 */

import { keep, noGrad, type Tensor } from '@lxmls/tensor';
import { check, LxmlsNnError } from './errors.js';

/** What {@link Module.loadStateDict} reports, like PyTorch's `_IncompatibleKeys`. */
export interface LoadResult {
  /** Keys the module has and the state dict lacks (empty unless `strict: false`). */
  missingKeys: string[];
  /** Keys the state dict has and the module lacks (empty unless `strict: false`). */
  unexpectedKeys: string[];
}

/** Options of {@link Module.loadStateDict}. */
export interface LoadStateDictOptions {
  /** Throw on a missing or unexpected key (default true). Shape mismatches always throw. */
  strict?: boolean;
}

/** A state dict: an ordered map from PyTorch names to tensors (or a plain object with those keys). */
export type StateDict = ReadonlyMap<string, Tensor> | Readonly<Record<string, Tensor>>;

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`;

/**
 * The base class of layers and models: named parameters, buffers and children, train/eval mode, state dicts.
 *
 * Subclasses register their parts in the constructor and define their own `forward`.
 *
 * @remarks Python: `torch.nn.Module` (`named_parameters`, `named_buffers`, `named_modules`, `state_dict`,
 * `load_state_dict`, `train`, `eval`, `zero_grad`, `apply`).
 * @example
 * ```ts
 * import { Linear, Module } from '@lxmls/nn';
 * import { type Tensor, tensor } from '@lxmls/tensor';
 * class TwoLayer extends Module {
 *   readonly fc1 = this.registerModule('fc1', new Linear(2, 3));
 *   readonly fc2 = this.registerModule('fc2', new Linear(3, 1, { bias: false }));
 *   forward(x: Tensor): Tensor {
 *     return this.fc2.forward(this.fc1.forward(x).relu()); // (N, 1)
 *   }
 * }
 * const net = new TwoLayer();
 * console.log(net.namedParameters().map(([name, p]) => `${name} ${p.shape}`)); // → [ 'fc1.weight 3,2', 'fc1.bias 3', 'fc2.weight 1,3' ]
 * console.log(net.forward(tensor([[1, 2]])).shape); // → [ 1, 1 ]
 * ```
 */
export abstract class Module {
  /** True in training mode (dropout active), false after {@link Module.eval}. */
  training = true;
  readonly #parameters = new Map<string, Tensor>();
  readonly #buffers = new Map<string, { tensor: Tensor; persistent: boolean }>();
  readonly #children = new Map<string, Module>();

  /**
   * Registers a parameter: it requires gradients, is kept out of every `tidy` and appears in the state dict.
   *
   * @param name - The PyTorch name, e.g. `weight`.
   * @param value - A float32 tensor (a leaf).
   * @returns The same tensor.
   */
  protected registerParameter(name: string, value: Tensor): Tensor {
    this.#checkName('registerParameter', name);
    value.requiresGrad = true;
    this.#parameters.set(name, keep(value));
    return value;
  }

  /**
   * Registers a buffer: state that is not trained (a mask, running statistics).
   *
   * @param name - The PyTorch name, e.g. `bias` for minGPT's causal mask.
   * @param value - The tensor.
   * @param persistent - Whether it is part of the state dict (default true, as in PyTorch).
   * @returns The same tensor.
   */
  protected registerBuffer(name: string, value: Tensor, persistent = true): Tensor {
    this.#checkName('registerBuffer', name);
    this.#buffers.set(name, { tensor: keep(value), persistent });
    return value;
  }

  /**
   * Registers a child module under `name`; its parameters are named `name.…`.
   *
   * @param name - The PyTorch name, e.g. `ln_1` or `0` in a list.
   * @param module - The child.
   * @returns The same module.
   */
  protected registerModule<M extends Module>(name: string, module: M): M {
    this.#checkName('registerModule', name);
    this.#children.set(name, module);
    return module;
  }

  #checkName(fn: string, name: string): void {
    if (
      typeof name !== 'string' ||
      name === '' ||
      name.includes('.') ||
      this.#parameters.has(name) ||
      this.#buffers.has(name) ||
      this.#children.has(name)
    ) {
      check.fail(
        `${this.constructor.name}.${fn}`,
        'name',
        name,
        'name must be new, non-empty and without dots',
        'a name not yet used in this module',
        { received: JSON.stringify(name) },
      );
    }
  }

  /**
   * Every `[name, module]` of the tree, this module first (named `''`), then each child's tree in registration
   * order, with dotted names.
   *
   * @param prefix - Prepended to every name.
   * @returns The pairs, in PyTorch's `named_modules` order.
   */
  namedModules(prefix = ''): [string, Module][] {
    const seen = new Set<Module>();
    return this.#walk(prefix).filter(([, m]) => !seen.has(m) && seen.add(m));
  }

  /** Every `[path, module]` of the tree, a module reached twice listed twice (what `state_dict` visits). */
  #walk(prefix: string): [string, Module][] {
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.#children) out.push(...child.#walk(prefix ? `${prefix}.${name}` : name));
    return out;
  }

  /** The direct children as `[name, module]`, in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.#children];
  }

  /**
   * Every `[name, parameter]` of the tree, in PyTorch's `named_parameters` order (each module's own parameters,
   * then its children's). A tensor registered twice (tied weights) is listed once, under its first name, as
   * PyTorch does, so an optimizer updates it once.
   *
   * @param prefix - Prepended to every name.
   * @returns The pairs.
   */
  namedParameters(prefix = ''): [string, Tensor][] {
    const seen = new Set<Tensor>();
    return this.namedModules(prefix)
      .flatMap(([path, m]) =>
        [...m.#parameters].map(([name, p]): [string, Tensor] => [path ? `${path}.${name}` : name, p]),
      )
      .filter(([, p]) => !seen.has(p) && seen.add(p));
  }

  /** Every parameter of the tree, in {@link Module.namedParameters} order. */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, p]) => p);
  }

  /**
   * Every `[name, buffer]` of the tree, persistent or not (a tensor registered twice is listed once).
   *
   * @param prefix - Prepended to every name.
   * @returns The pairs.
   */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const seen = new Set<Tensor>();
    return this.namedModules(prefix)
      .flatMap(([path, m]) =>
        [...m.#buffers].map(([name, b]): [string, Tensor] => [path ? `${path}.${name}` : name, b.tensor]),
      )
      .filter(([, b]) => !seen.has(b) && seen.add(b));
  }

  /** The own (not inherited) parameters of this module, as `[name, parameter]`. */
  ownParameters(): [string, Tensor][] {
    return [...this.#parameters];
  }

  /**
   * The number of parameter elements in the tree (PyTorch `sum(p.numel() for p in m.parameters())`).
   *
   * @returns The count.
   */
  numParameters(): number {
    return this.parameters().reduce((n, p) => n + p.size, 0);
  }

  /**
   * The state dict: parameters and persistent buffers under their PyTorch names, module by module (own
   * parameters, own buffers, then the children), as `torch.nn.Module.state_dict()` orders them. The tensors
   * are the module's own (not copies); tied weights appear under each of their names, as in PyTorch.
   *
   * @returns An insertion-ordered Map.
   */
  stateDict(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [path, m] of this.#walk('')) {
      const key = (name: string) => (path ? `${path}.${name}` : name);
      for (const [name, p] of m.#parameters) out.set(key(name), p);
      for (const [name, b] of m.#buffers) if (b.persistent) out.set(key(name), b.tensor);
    }
    return out;
  }

  /**
   * Copies every tensor of `state` into the parameter or buffer of the same name, in place (PyTorch
   * `load_state_dict`): the module's tensors keep their identity, so an optimizer holding them sees the new
   * values. Every shape is checked before anything is copied; a value of another dtype is converted (as
   * PyTorch's `copy_` does).
   *
   * @param state - A Map or object from names to tensors.
   * @param options - `strict` (default true): missing or unexpected keys throw.
   * @returns The missing and unexpected keys.
   * @throws {@link LxmlsNnError} `SHAPE_MISMATCH` naming the key and both shapes; `MISSING_KEY` /
   *   `UNEXPECTED_KEY` naming the keys (strict mode).
   */
  loadStateDict(state: StateDict, options: LoadStateDictOptions = {}): LoadResult {
    const { strict = true } = options;
    const fn = `${this.constructor.name}.loadStateDict`;
    const source: ReadonlyMap<string, Tensor> =
      state instanceof Map ? state : new Map(Object.entries(state as Record<string, Tensor>));
    const own = this.stateDict();
    const missingKeys = [...own.keys()].filter((k) => !source.has(k));
    const unexpectedKeys = [...source.keys()].filter((k) => !own.has(k));
    if (strict && missingKeys.length > 0)
      check.fail(
        fn,
        'state',
        undefined,
        'the state dict lacks keys of the module',
        `every key of the module (${own.size})`,
        {
          code: 'MISSING_KEY',
          received: `no ${missingKeys.slice(0, 5).join(', ')}${missingKeys.length > 5 ? `, … (${missingKeys.length} in all)` : ''}`,
        },
      );
    if (strict && unexpectedKeys.length > 0)
      check.fail(
        fn,
        'state',
        undefined,
        'the state dict has keys the module does not have',
        'only keys of the module',
        {
          code: 'UNEXPECTED_KEY',
          received: `${unexpectedKeys.slice(0, 5).join(', ')}${unexpectedKeys.length > 5 ? `, … (${unexpectedKeys.length} in all)` : ''}`,
        },
      );
    for (const [key, target] of own) {
      const value = source.get(key);
      if (value === undefined) continue;
      if (typeof value !== 'object' || value === null || !Array.isArray(value.shape))
        check.fail(fn, key, value, `${key} is not a tensor`, 'a Tensor', { received: String(value) });
      if (
        value.shape.length !== target.shape.length ||
        value.shape.some((d: number, i: number) => d !== target.shape[i])
      )
        check.fail(
          fn,
          key,
          undefined,
          `${key} has another shape in the state dict`,
          `shape ${shapeText(target.shape)} (the module's)`,
          { code: 'SHAPE_MISMATCH', received: `shape ${shapeText(value.shape)}` },
        );
    }
    noGrad(() => {
      for (const [key, target] of own) {
        const value = source.get(key);
        if (value === undefined) continue;
        if (value.dtype === target.dtype) target.copyFrom(value);
        else {
          const converted = value.cast(target.dtype);
          target.copyFrom(converted);
          converted.dispose();
        }
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Sets training mode on the whole tree (dropout active when true).
   *
   * @param mode - Defaults to true.
   * @returns This module.
   */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  /**
   * Sets evaluation mode on the whole tree (dropout off), like PyTorch's `model.eval()`.
   *
   * @returns This module.
   */
  eval(): this {
    return this.train(false);
  }

  /** Frees the gradients of every parameter (PyTorch `zero_grad(set_to_none=True)`). */
  zeroGrad(): void {
    for (const p of this.parameters()) p.zeroGrad();
  }

  /**
   * Calls `fn` on every module of the tree, children before their parents (PyTorch `Module.apply`, which
   * minGPT uses for its initialisation).
   *
   * @param fn - The function.
   * @returns This module.
   */
  apply(fn: (module: Module) => void): this {
    for (const [, child] of this.#children) child.apply(fn);
    fn(this);
    return this;
  }

  /** Frees every parameter, gradient and buffer of the tree. The module cannot be used afterwards. */
  dispose(): void {
    for (const [, m] of this.namedModules()) {
      for (const p of m.#parameters.values()) p.dispose();
      for (const b of m.#buffers.values()) b.tensor.dispose();
    }
  }

  /** The text inside the parentheses of this module's repr, e.g. `in_features=2, out_features=3, bias=True`. */
  protected extraRepr(): string {
    return '';
  }

  /**
   * PyTorch's module repr: the class, its settings and its children, indented.
   *
   * @returns e.g. `Linear(in_features=2, out_features=3, bias=True)`.
   */
  toString(): string {
    const extra = this.extraRepr();
    const extraLines = extra === '' ? [] : extra.split('\n');
    const childLines = [...this.#children].map(([name, child]) => indent(`(${name}): ${child.toString()}`));
    return reprBlock(this.constructor.name, extraLines, childLines);
  }
}

/** PyTorch's `_addindent(s, 2)`: every line but the first indented by two spaces. */
function indent(text: string): string {
  return text.split('\n').join('\n  ');
}

/** PyTorch's `Module.__repr__` layout: `Name(extra)` on one line, or the lines indented between parentheses. */
function reprBlock(name: string, extraLines: readonly string[], childLines: readonly string[]): string {
  if (childLines.length === 0 && extraLines.length <= 1) return `${name}(${extraLines[0] ?? ''})`;
  return `${name}(\n  ${[...extraLines, ...childLines].join('\n  ')}\n)`;
}

/**
 * A list of modules named `0`, `1`, … (PyTorch `nn.ModuleList`), e.g. minGPT's `transformer.h`.
 *
 * @example
 * ```ts
 * import { LayerNorm, ModuleList } from '@lxmls/nn';
 * const h = new ModuleList([new LayerNorm(4), new LayerNorm(4)]);
 * console.log(h.length, h.namedParameters().map(([n]) => n)); // → 2 [ '0.weight', '0.bias', '1.weight', '1.bias' ]
 * ```
 */
export class ModuleList<M extends Module = Module> extends Module implements Iterable<M> {
  readonly #items: M[] = [];

  /** @param modules - The initial items. */
  constructor(modules: Iterable<M> = []) {
    super();
    for (const m of modules) this.push(m);
  }

  /** Appends a module (named by its index). */
  push(module: M): this {
    this.#items.push(this.registerModule(String(this.#items.length), module));
    return this;
  }

  /** The item at `index` (negative counts from the end). */
  at(index: number): M {
    const m = Number.isInteger(index) ? this.#items.at(index) : undefined;
    if (m === undefined)
      check.fail(
        'ModuleList.at',
        'index',
        index,
        'index is out of range',
        `an integer in [-${this.#items.length}, ${this.#items.length})`,
        { received: String(index) },
      );
    return m;
  }

  /** The number of items. */
  get length(): number {
    return this.#items.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.#items[Symbol.iterator]();
  }

  /**
   * PyTorch's `ModuleList` repr, which folds runs of equal items: `(0-2): 3 x Block(…)`.
   *
   * @returns The repr.
   */
  override toString(): string {
    const runs: { start: number; end: number; text: string }[] = [];
    this.#items.forEach((m, i) => {
      const text = m.toString();
      const last = runs.at(-1);
      if (last?.text === text) last.end = i;
      else runs.push({ start: i, end: i, text });
    });
    const lines = runs.map(({ start, end, text }) =>
      indent(start === end ? `(${start}): ${text}` : `(${start}-${end}): ${end - start + 1} x ${text}`),
    );
    return reprBlock(this.constructor.name, [], lines);
  }
}

/**
 * Modules under names (PyTorch `nn.ModuleDict`), e.g. minGPT's `transformer` and `mlp`.
 *
 * @example
 * ```ts
 * import { Linear, ModuleDict, NewGELU } from '@lxmls/nn';
 * const mlp = new ModuleDict({ c_fc: new Linear(4, 16), act: new NewGELU() });
 * console.log(mlp.get('c_fc') instanceof Linear, Object.keys(mlp.modules)); // → true [ 'c_fc', 'act' ]
 * ```
 */
export class ModuleDict<M extends Module = Module> extends Module {
  /** The modules by name, in registration order. */
  readonly modules: Readonly<Record<string, M>>;

  /** @param modules - Name → module, registered in the object's key order. */
  constructor(modules: Readonly<Record<string, M>>) {
    super();
    for (const [name, m] of Object.entries(modules)) this.registerModule(name, m);
    this.modules = Object.freeze({ ...modules });
  }

  /** The module called `name`. */
  get(name: string): M {
    const m = this.modules[name];
    if (m === undefined)
      check.fail(
        'ModuleDict.get',
        'name',
        name,
        'no module has this name',
        `one of ${Object.keys(this.modules).join(', ')}`,
        { received: JSON.stringify(name) },
      );
    return m;
  }
}

/**
 * A group of parameters sharing optimizer settings, as minGPT's `configure_optimizers` builds them (one group
 * with weight decay for the matmul weights, one without for biases, LayerNorms and embeddings). Models
 * produce them; an optimizer (e.g. @lxmls/trainer's AdamW) consumes them.
 *
 * @example
 * ```ts
 * import { Linear, type ParamGroup } from '@lxmls/nn';
 * const fc = new Linear(2, 2);
 * const groups: ParamGroup[] = [
 *   { names: ['weight'], params: [fc.weight], weightDecay: 0.1 },
 *   { names: ['bias'], params: [fc.bias!], weightDecay: 0 },
 * ];
 * console.log(groups.map((g) => g.params.length)); // → [ 1, 1 ]
 * ```
 */
export interface ParamGroup {
  /** The full PyTorch names of `params`, in the same order. */
  names: string[];
  /** The parameters. */
  params: Tensor[];
  /** Decoupled weight decay for this group. */
  weightDecay: number;
}
