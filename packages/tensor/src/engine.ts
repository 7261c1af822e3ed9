/**
 * The engine's global state: the stack of `tidy` scopes, the no-grad switch and the live-memory counters.
 *
 * Memory follows tfjs: a tensor owns backend storage until `dispose()`; `tidy(fn)` disposes what `fn` created
 * except what it returns and what was `keep()`-ed. Autograd switching follows PyTorch's `torch.no_grad()`.
 */

/** What the engine needs to know about a tensor (kept minimal so this module does not import Tensor). */
export interface Tracked {
  readonly isDisposed: boolean;
  /** Set by {@link keep}: no `tidy` scope disposes this tensor. */
  kept: boolean;
  dispose(): void;
}

/** Marks tensors, so `tidy` finds them inside returned arrays and objects. */
export const TENSOR = Symbol.for('lxmls.tensor');

const state = {
  scopes: [] as Set<Tracked>[],
  gradEnabled: true,
  numTensors: 0,
  numBytes: 0,
};

/** @internal Called by every new tensor: counts it and adds it to the innermost `tidy` scope. */
export function trackTensor(t: Tracked): void {
  state.numTensors++;
  state.scopes[state.scopes.length - 1]?.add(t);
}

/** @internal Called by `dispose()`. */
export function untrackTensor(): void {
  state.numTensors--;
}

/** @internal Storage accounting, called when a buffer is allocated (positive) or freed (negative). */
export function countBytes(delta: number): void {
  state.numBytes += delta;
}

/** @internal True unless inside `noGrad`. */
export function isGradEnabled(): boolean {
  return state.gradEnabled;
}

/** Live tensors and bytes of backend storage, as returned by {@link memory}. */
export interface MemoryInfo {
  /** Tensors created and not yet disposed (views made by `reshape` count as tensors). */
  numTensors: number;
  /** Bytes of backend storage still allocated (a storage shared by views counts once). */
  numBytes: number;
}

/**
 * Live tensors and bytes, to check that a loop does not leak (like `tf.memory()`).
 *
 * @returns The counters.
 * @example
 * ```ts
 * import { memory, tidy, zeros } from '@lxmls/tensor';
 * const before = memory().numTensors;
 * tidy(() => {
 *   zeros([1000]).add(1); // two tensors, both disposed at the end
 * });
 * console.log(memory().numTensors - before); // → 0
 * ```
 */
export function memory(): MemoryInfo {
  return { numTensors: state.numTensors, numBytes: state.numBytes };
}

function collect(value: unknown, into: Set<Tracked>, seen: Set<unknown>): void {
  if (value === null || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  if ((value as Record<symbol, unknown>)[TENSOR] === true) {
    into.add(value as Tracked);
    return;
  }
  const items = Array.isArray(value)
    ? value
    : value instanceof Map
      ? [...value.values()]
      : Object.values(value);
  for (const item of items) collect(item, into, seen);
}

/**
 * Runs `fn` and disposes every tensor it created, except the tensors it returns (found inside arrays, plain
 * objects and Maps too) and those marked with {@link keep}. Returned tensors move to the enclosing scope.
 * Tensors are disposed even when `fn` throws.
 *
 * @param fn - Synchronous code creating tensors (an async function would escape the scope).
 * @returns What `fn` returns.
 * @example
 * ```ts
 * import { memory, tensor, tidy } from '@lxmls/tensor';
 * const x = tensor([1, 2, 3]);
 * const before = memory().numTensors;
 * const y = tidy(() => x.mul(2).add(1)); // the intermediate x.mul(2) is disposed
 * console.log(y.toArray(), memory().numTensors - before); // → [ 3, 5, 7 ] 1
 * ```
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Tracked>();
  state.scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    state.scopes.pop();
    for (const t of scope) if (!t.kept) t.dispose();
    throw error;
  }
  state.scopes.pop();
  const returned = new Set<Tracked>();
  collect(result, returned, new Set());
  const parent = state.scopes[state.scopes.length - 1];
  for (const t of scope) {
    if (returned.has(t)) parent?.add(t);
    else if (!t.kept) t.dispose();
  }
  return result;
}

/**
 * Exempts a tensor from every `tidy` scope (parameters, optimizer state, running values): it lives until you
 * call `dispose()`.
 *
 * @param t - The tensor to keep.
 * @returns The same tensor.
 * @example
 * ```ts
 * import { keep, tensor, tidy } from '@lxmls/tensor';
 * let saved = tensor([0]);
 * tidy(() => {
 *   saved = keep(tensor([1, 2]).mul(3));
 * });
 * console.log(saved.toArray()); // → [ 3, 6 ]
 * ```
 */
export function keep<T extends Tracked>(t: T): T {
  t.kept = true;
  return t;
}

/**
 * Runs `fn` without recording the tape, like `with torch.no_grad():` — results have `requiresGrad = false`
 * and keep no reference to their inputs. Use it for evaluation, sampling and parameter updates.
 *
 * @param fn - The code to run.
 * @returns What `fn` returns.
 * @example
 * ```ts
 * import { noGrad, tensor } from '@lxmls/tensor';
 * const w = tensor([1, 2]);
 * w.requiresGrad = true;
 * console.log(noGrad(() => w.mul(2)).requiresGrad, w.mul(2).requiresGrad); // → false true
 * ```
 */
export function noGrad<T>(fn: () => T): T {
  const saved = state.gradEnabled;
  state.gradEnabled = false;
  try {
    return fn();
  } finally {
    state.gradEnabled = saved;
  }
}
