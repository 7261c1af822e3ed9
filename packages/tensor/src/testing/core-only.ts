/**
 * A backend cut down to the core kernels: the proof that a new backend needs only {@link CORE_KERNELS} to
 * run every op of @lxmls/tensor and pass the conformance suite (the optional kernels are composed by the
 * ops, see docs/backend-contract.md).
 */

import { type Backend, CORE_KERNELS, type CoreBackend } from '../backend.js';

/**
 * A backend with only the core kernels of `backend` (its {@link CORE_KERNELS}, bound to it), no optional
 * kernel and no fused-attention capability, named `<name>-core`. Every op then runs its composition of
 * core kernels instead of a fused kernel.
 *
 * @param backend - A backend with at least the core kernels.
 * @returns A new backend object sharing `backend`'s storage.
 * @example
 * ```ts
 * import { createJsBackend, softmax, tensor, withBackend } from '@lxmls/tensor';
 * import { coreOnly } from '@lxmls/tensor/conformance';
 * const core = coreOnly(createJsBackend());
 * const y = withBackend(core, () => softmax(tensor([1, 1])).toArray());
 * console.log(core.name, 'softmax' in core, y); // → js-core false [ 0.5, 0.5 ]
 * ```
 */
export function coreOnly<S>(backend: CoreBackend<S>): Backend<S> {
  const core: Record<string, unknown> = {
    name: `${backend.name}-core`,
    capabilities: { ...backend.capabilities, fusedAttention: false, fusedAttentionDropout: false },
  };
  for (const kernel of CORE_KERNELS) {
    const method = backend[kernel] as (...args: unknown[]) => unknown;
    core[kernel] = method.bind(backend);
  }
  return core as unknown as Backend<S>;
}
