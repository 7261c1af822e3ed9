/**
 * @internal Helpers for the compositions that stand in for a backend's optional kernels (see
 * docs/backend-contract.md, "Core and optional kernels"): an op calls the fused kernel when the backend has
 * it, and otherwise computes the same values from core kernels, through the ops here, inside
 * {@link composed}. The three choosing kernels (argmax, topk, multinomial) fall back to the `js` definition
 * on the host, between a `read` and a `write` ({@link onHost}).
 */

import type { Backend, DType, TypedArray } from '../backend.js';
import { JsBackend } from '../backends/js.js';
import { noGrad, tidy } from '../engine.js';
import { empty, type Tensor } from '../tensor.js';

/**
 * Runs a composition of ops off the tape and disposes its intermediates: only the tensors `fn` returns
 * survive (the op records one tape node for the whole composition, with its own backward).
 */
export function composed<T>(fn: () => T): T {
  return noGrad(() => tidy(fn));
}

/** A tensor on `backend` holding `data` (written from the host). */
export function hostTensor(backend: Backend, data: TypedArray, shape: readonly number[]): Tensor {
  const dtype: DType = data instanceof Int32Array ? 'int32' : 'float32';
  const t = empty(backend, shape, dtype);
  backend.write(t.storage('hostTensor'), data);
  return t;
}

let reference: JsBackend | null = null;

/**
 * Runs the `js` definition of a kernel on host copies of its storages: `inputs` are read, `outputs` (fresh
 * arrays of the given sizes and dtypes) are computed by `kernel` and written back into their storages.
 */
export function onHost(
  backend: Backend,
  inputs: readonly unknown[],
  outputs: readonly { storage: unknown; size: number; dtype: DType }[],
  kernel: (js: JsBackend, inputs: TypedArray[], outputs: TypedArray[]) => void,
): void {
  reference ??= new JsBackend();
  const js = reference;
  const hostInputs = inputs.map((s) => backend.read(s));
  const hostOutputs = outputs.map((o) => js.alloc(o.size, o.dtype));
  kernel(js, hostInputs, hostOutputs);
  outputs.forEach((o, i) => {
    backend.write(o.storage, hostOutputs[i]!);
  });
}
