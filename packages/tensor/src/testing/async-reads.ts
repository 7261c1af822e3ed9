/**
 * A backend whose synchronous reads fail, as WebGPU's do: for testing code that must run where reads are
 * asynchronous (the Trainer's asynchronous path, `generateAsync`, a model copied to the CPU) without a GPU.
 */

import type { Backend } from '../backend.js';

/** Options of {@link asyncReads}. */
export interface AsyncReadsOptions {
  /**
   * Let int32 values be read synchronously (default false), as the `webgpu` backend reads the ids and targets
   * it holds a host copy of.
   */
  int32?: boolean;
}

/**
 * `backend` with `capabilities.async` set, a synchronous `read` that throws (`use await dataAsync()`) and a
 * `readAsync` that reads; both kinds of read are counted. Named `async-<name>`.
 *
 * @param backend - The backend to wrap (its storage is shared).
 * @param options - {@link AsyncReadsOptions}.
 * @returns The wrapped backend and its read counts.
 * @example
 * ```ts
 * import { createJsBackend, tensor, withBackend } from '@lxmls/tensor';
 * import { asyncReads } from '@lxmls/tensor/conformance';
 * const { backend, reads } = asyncReads(createJsBackend());
 * const x = withBackend(backend, () => tensor([1, 2]));
 * console.log(backend.name, await x.dataAsync(), reads); // → async-js Float32Array(2) [ 1, 2 ] { sync: 0, async: 1 }
 * let message = '';
 * try {
 *   x.data();
 * } catch (e) {
 *   message = (e as Error).message;
 * }
 * console.log(message); // → async-js: no synchronous read (use await dataAsync())
 * ```
 */
export function asyncReads<S>(
  backend: Backend<S>,
  options: AsyncReadsOptions = {},
): { backend: Backend<S>; reads: { sync: number; async: number } } {
  const reads = { sync: 0, async: 0 };
  const name = `async-${backend.name}`;
  const wrapped = new Proxy(backend, {
    get(target, prop) {
      if (prop === 'name') return name;
      if (prop === 'capabilities') return { ...target.capabilities, async: true };
      if (prop === 'read')
        return (storage: S) => {
          reads.sync++;
          const values = target.read(storage);
          if (options.int32 === true && values instanceof Int32Array) return values;
          throw new Error(`${name}: no synchronous read (use await dataAsync())`);
        };
      if (prop === 'readAsync')
        return async (storage: S) => {
          reads.async++;
          return target.read(storage);
        };
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { backend: wrapped, reads };
}
