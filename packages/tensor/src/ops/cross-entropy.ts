/**
 * Cross-entropy fused with log-softmax, `torch.nn.functional.cross_entropy(logits, targets,
 * ignore_index=-1)` with mean reduction over the kept positions, as minGPT's GPT.forward computes its loss.
 *
 * loss = (1/|K|) Σ_{r ∈ K} (log Σⱼ exp(x_rj) - x_r,t_r), K = rows whose target is not ignoreIndex.
 * Backward: dx_rj = dloss · (softmax(x_r)ⱼ - [j = t_r]) / |K| for kept rows, 0 for ignored rows.
 */

import { formatShape, LxmlsTensorError } from '../errors.js';
import { sameShape } from '../shape.js';
import { backendOf, expectDtype, output, record, type Tensor } from '../tensor.js';

/** Options of {@link crossEntropy}. */
export interface CrossEntropyOptions {
  /** Targets equal to this are skipped (no loss, no gradient). Defaults to -1, as in minGPT. */
  ignoreIndex?: number;
}

/**
 * Mean cross-entropy of `logits` `(…, C)` against int32 class indices `targets` `(…)`.
 *
 * @param logits - A float32 tensor `(…, C)`; its leading axes are flattened to rows.
 * @param targets - An int32 tensor with the leading shape of `logits`.
 * @param options - `ignoreIndex` (default -1).
 * @returns A scalar tensor; NaN when every target is ignored (as PyTorch).
 * @throws {@link LxmlsTensorError} `SHAPE_MISMATCH` naming both shapes; `INVALID_ARGUMENT` for a target
 *   outside `[0, C)`.
 * @example
 * ```ts
 * import { crossEntropy, tensor } from '@lxmls/tensor';
 * const logits = tensor([[0, 0], [0, 0]]);
 * console.log(crossEntropy(logits, tensor([1, -1], undefined, 'int32')).item().toFixed(4)); // → 0.6931
 * ```
 */
export function crossEntropy(logits: Tensor, targets: Tensor, options: CrossEntropyOptions = {}): Tensor {
  const { ignoreIndex = -1 } = options;
  const backend = backendOf('crossEntropy', logits, targets);
  expectDtype('crossEntropy', logits, 'float32', 'logits');
  expectDtype('crossEntropy', targets, 'int32', 'targets');
  if (logits.shape.length < 1 || !sameShape(logits.shape.slice(0, -1), targets.shape)) {
    throw new LxmlsTensorError(
      'SHAPE_MISMATCH',
      'targets must have the shape of logits without its last axis',
      {
        fn: 'crossEntropy',
        expected: 'logits (…, C) and targets (…)',
        received: `${formatShape(logits.shape)} and ${formatShape(targets.shape)}`,
      },
    );
  }
  const c = logits.shape[logits.shape.length - 1]!;
  const n = targets.size;
  const loss = output(backend, [], 'float32'); // ()
  backend.crossEntropy(
    logits.storage('crossEntropy'),
    targets.storage('crossEntropy'),
    loss.storage('crossEntropy'),
    n,
    c,
    ignoreIndex,
  );
  return record('crossEntropy', loss, [logits, targets], (g) => {
    const dlogits = output(backend, logits.shape, 'float32'); // (…, C)
    backend.crossEntropyBackward(
      logits.storage('crossEntropy'),
      targets.storage('crossEntropy'),
      g.storage('crossEntropy'),
      dlogits.storage('crossEntropy'),
      n,
      c,
      ignoreIndex,
    );
    return [dlogits, null];
  });
}
